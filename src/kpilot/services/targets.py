"""Targets as a reader sees them, and target edits made over the network (docs/api.md, "Targets").

A version (`targets_version`) is a hash of the files that hold targets: `definitions/targets.yaml` and any other
definitions file with a `targets:` list. A reader gets it with the targets; an edit must name the version it was
made from, and is refused when the files changed since (another editor saved first), so that two editors cannot
overwrite each other. The check and the write happen under one lock (`definitions.editing.editing_lock`, which
every server worker and every definitions edit takes), and write through `kpilot.goals.writer`, the same atomic,
validated YAML editing `kpilot targets suggest --write` uses. Every edit that changes something is recorded in the
audit log with its diff, in a transaction committed right after the file is replaced.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kpilot.auth.actor import Actor
from kpilot.definitions.editing import definition_files, editing_lock
from kpilot.definitions.goals_model import Target
from kpilot.definitions.loader import DEFINITIONS_DIR
from kpilot.definitions.yaml_source import read_yaml
from kpilot.errors import UserError
from kpilot.goals.writer import TARGETS_FILE, RemoveReport, WriteReport, merge_targets, remove_targets, target_key
from kpilot.i18n import Message
from kpilot.services.audit import Action as Audited
from kpilot.services.audit import record
from kpilot.services.kpis import permissions_for
from kpilot.services.permissions import Action, KpiResource, PermissionDenied
from kpilot.services.versions import VersionChanged, VersionRequired, matches
from kpilot.store.records import Outcome
from kpilot.store.session import Store
from kpilot.workspace import Workspace


@dataclass(frozen=True)
class TargetEdit:
    kpi: str
    report: WriteReport
    version: str  # the targets' version after the edit


def targets_version(root: Path) -> str:
    """A hash of the content of every file that holds targets (and of their names): what an edit is checked
    against. The same files give the same version, whoever asks."""
    digest = hashlib.sha256()
    for path in target_files(root):
        digest.update(f"{path.relative_to(root).as_posix()}\0".encode())
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:32]


def target_files(root: Path) -> list[Path]:
    """definitions/targets.yaml (when there is one) and the other definitions files with a `targets:` list."""
    folder = root / DEFINITIONS_DIR
    found = []
    for path in definition_files(folder):
        if path.name == TARGETS_FILE or _has_targets(path):
            found.append(path)
    return found


def target_data(target: Target) -> dict[str, Any]:
    """A target as the API shows it: its keys as written (none left empty) and where it is defined."""
    data: dict[str, Any] = target.model_dump(mode="json", exclude={"origin"}, exclude_none=True)
    data.setdefault("scope", {})
    data["location"] = str(target.origin) if target.origin.file else None
    return data


def edit_targets(
    store: Store,
    actor: Actor,
    workspace: Workspace,
    kpi: str,
    entries: Sequence[Mapping[str, Any]],
    *,
    version: str | None,
    now: datetime,
) -> TargetEdit:
    """Add or replace targets of `kpi` (each identified by its period or `every` and its scope) in
    definitions/targets.yaml, if `version` is the targets' current version. The actor must be allowed to edit
    targets (`Action.EDIT_TARGETS`) and see the KPI (else it is unknown to them, as everywhere)."""
    _ensure_may_edit(store, actor, workspace, kpi, now)
    root = workspace.root
    targets = [_for_kpi(entry, kpi, index) for index, entry in enumerate(entries, start=1)]
    with editing_lock(root):
        _check_version(root, version)
        with store.writing() as session:
            report = merge_targets(root, targets)
            if report.changed:
                details = {
                    "kpi": kpi,
                    "file": f"{DEFINITIONS_DIR}/{TARGETS_FILE}",
                    "added": list(report.added),
                    "replaced": [{"target": r.key, "before": r.before, "after": r.after} for r in report.replaced],
                }
                record(session, actor, Audited.TARGETS_EDITED, now=now, target=kpi, details=details)
        return TargetEdit(kpi, report, targets_version(root))


@dataclass(frozen=True)
class TargetRemoval:
    kpi: str
    report: RemoveReport
    version: str


def remove_target(
    store: Store,
    actor: Actor,
    workspace: Workspace,
    kpi: str,
    *,
    period: str | None,
    every: str | None,
    scope: Mapping[str, str],
    version: str | None,
    now: datetime,
) -> TargetRemoval:
    """Remove the target of `kpi` for `period` (or `every`) and `scope` from definitions/targets.yaml, under the
    same permission and version checks as an edit."""
    _ensure_may_edit(store, actor, workspace, kpi, now, action=Audited.TARGETS_REMOVED)
    if (period is None) == (every is None):
        raise UserError(Message("targets.period_or_every"), field="period")
    root = workspace.root
    key = target_key({"kpi": kpi, "period": period, "every": every, "scope": dict(scope)})
    with editing_lock(root):
        _check_version(root, version)
        with store.writing() as session:
            report = remove_targets(root, [key])
            details = {
                "kpi": kpi,
                "file": f"{DEFINITIONS_DIR}/{TARGETS_FILE}",
                "removed": [{"target": r.key, "before": r.before} for r in report.removed],
            }
            record(session, actor, Audited.TARGETS_REMOVED, now=now, target=kpi, details=details)
        return TargetRemoval(kpi, report, targets_version(root))


def _ensure_may_edit(
    store: Store,
    actor: Actor,
    workspace: Workspace,
    kpi: str,
    now: datetime,
    *,
    action: Audited = Audited.TARGETS_EDITED,
) -> None:
    try:
        permissions_for(actor, workspace).ensure(Action.EDIT_TARGETS, KpiResource(kpi, workspace.definitions))
    except PermissionDenied:
        with store.writing() as session:
            record(session, actor, action, now=now, target=kpi, outcome=Outcome.REFUSED)
        raise


def _check_version(root: Path, version: str | None) -> None:
    if version is None:
        raise VersionRequired(
            Message("targets.version_required"), hint=Message("targets.version_hint"), field="version"
        )
    if not matches(version, targets_version(root)):
        raise VersionChanged(Message("targets.version_changed"), hint=Message("targets.version_hint"), field="version")


def _for_kpi(entry: Mapping[str, Any], kpi: str, index: int) -> dict[str, Any]:
    """An entry of the edit, for the KPI of the request: one naming another KPI is refused (never written)."""
    named = entry.get("kpi")
    if named is not None and named != kpi:
        raise UserError(Message("targets.other_kpi", index=index, named=str(named), kpi=kpi), field="kpi")
    return {**entry, "kpi": kpi}


def _has_targets(path: Path) -> bool:
    parsed = read_yaml(path, f"{DEFINITIONS_DIR}/{path.name}")
    root = getattr(parsed, "root", None)
    return isinstance(root, Mapping) and "targets" in root
