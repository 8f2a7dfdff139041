"""Definitions (KPIs, goals, sources) read as written and edited one named entry at a time, over the network
(docs/api.md, "Definitions").

Who may: editors and admins read them and change KPIs and goals; only admins add, change or remove sources, since a
source says what the warehouse reads (`table:`, `sql:`, `file:`). A KPI hidden from the actor is unknown to them, as
everywhere. Each entry has a version (`goals.definition_edits.entry_version`): a replacement or removal must send
the version it was made from (`If-Match`), and a new entry must say it expects none (`If-None-Match: *`), so that
neither two editors nor an editor and a create can overwrite each other. The check and the write happen under the
definitions' edit lock, and each edit that changes something is audited with the entry before and after and the
diff of its file, committed right after the file is replaced; a refused edit is audited as refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from kpilot.auth.actor import Actor
from kpilot.definitions.editing import editing_lock
from kpilot.goals.definition_edits import (
    Entry,
    EntryEdit,
    Kind,
    entries,
    find_entry,
    put_entry,
    remove_entry,
    require_entry,
)
from kpilot.i18n import Message
from kpilot.services.audit import Action as Audited
from kpilot.services.audit import record
from kpilot.services.kpis import permissions_for
from kpilot.services.permissions import Action, KpiResource, PermissionDenied, Permissions
from kpilot.services.versions import VersionChanged, VersionRequired, asks_for_absent, matches
from kpilot.store.records import Outcome
from kpilot.store.session import Store
from kpilot.workspace import Workspace


def list_entries(actor: Actor, workspace: Workspace, kind: Kind) -> list[Entry]:
    """The entries of `kind` the actor may read as written (hidden KPIs left out)."""
    permissions = permissions_for(actor, workspace)
    permissions.ensure(Action.READ_DEFINITIONS)
    return [entry for entry in entries(workspace.root, kind) if _visible(permissions, kind, entry.name)]


def read_entry(actor: Actor, workspace: Workspace, kind: Kind, name: str) -> Entry:
    permissions = permissions_for(actor, workspace)
    permissions.ensure(Action.READ_DEFINITIONS)
    if kind is Kind.KPIS:
        permissions.ensure(Action.READ_DEFINITIONS, KpiResource(name, workspace.definitions))
    return require_entry(workspace.root, kind, name)


def put_definition(
    store: Store,
    actor: Actor,
    workspace: Workspace,
    kind: Kind,
    name: str,
    data: Mapping[str, Any],
    *,
    if_match: str | None,
    if_none_match: str | None,
    now: datetime,
) -> EntryEdit:
    """Add the entry `name` of `kind` (with `If-None-Match: *`) or replace it (with `If-Match` its version)."""
    _ensure_may_edit(store, actor, workspace, kind, name, now)
    root = workspace.root
    with editing_lock(root):
        _check_version(find_entry(root, kind, name), if_match=if_match, if_none_match=if_none_match)
        with store.writing() as session:
            edit = put_entry(root, kind, name, data)
            if edit.changed:
                record(session, actor, Audited.DEFINITION_EDITED, now=now, target=_target(edit), details=_details(edit))
        return edit


def remove_definition(
    store: Store, actor: Actor, workspace: Workspace, kind: Kind, name: str, *, if_match: str | None, now: datetime
) -> EntryEdit:
    """Remove the entry `name` of `kind` (with `If-Match` its version); refused while something still uses it."""
    _ensure_may_edit(store, actor, workspace, kind, name, now)
    root = workspace.root
    with editing_lock(root):
        _check_version(require_entry(root, kind, name), if_match=if_match, if_none_match=None)
        with store.writing() as session:
            edit = remove_entry(root, kind, name)
            record(session, actor, Audited.DEFINITION_REMOVED, now=now, target=_target(edit), details=_details(edit))
        return edit


def edit_data(edit: EntryEdit) -> dict[str, Any]:
    """What an edit did, as the API and `--format json` show it."""
    return {
        "kind": edit.kind.value,
        "name": edit.name,
        "file": edit.file,
        "changed": edit.changed,
        "before": edit.before,
        "after": edit.after,
        "diff": list(edit.diff),
    }


def entry_data(entry: Entry) -> dict[str, Any]:
    return {"kind": entry.kind.value, "name": entry.name, "file": entry.file, "definition": entry.data}


def _ensure_may_edit(store: Store, actor: Actor, workspace: Workspace, kind: Kind, name: str, now: datetime) -> None:
    permissions = permissions_for(actor, workspace)
    action = Action.EDIT_SOURCES if kind is Kind.SOURCES else Action.EDIT_DEFINITIONS
    try:
        permissions.ensure(action)
        if kind is Kind.KPIS and workspace.definitions.kpi(name) is not None:
            permissions.ensure(action, KpiResource(name, workspace.definitions))
    except PermissionDenied:
        with store.writing() as session:
            target = f"{kind.value}/{name}"
            record(session, actor, Audited.DEFINITION_EDITED, now=now, target=target, outcome=Outcome.REFUSED)
        raise


def _check_version(current: Entry | None, *, if_match: str | None, if_none_match: str | None) -> None:
    """Refuse an edit made from another version than the entry's current one, or that does not say which."""
    if current is None:
        if if_match is not None:  # made from a version of an entry that is gone
            raise VersionChanged(Message("definitions.edit.entry_gone"), hint=Message("definitions.edit.version_hint"))
        if not asks_for_absent(if_none_match):
            raise VersionRequired(
                Message("definitions.edit.create_needs_none_match"), hint=Message("definitions.edit.version_hint")
            )
        return
    if asks_for_absent(if_none_match):
        raise VersionChanged(
            Message("definitions.edit.already_exists", name=current.name, file=current.file),
            hint=Message("definitions.edit.version_hint"),
        )
    if if_match is None:
        raise VersionRequired(
            Message("definitions.edit.version_required"), hint=Message("definitions.edit.version_hint")
        )
    if not matches(if_match, current.version):
        raise VersionChanged(Message("definitions.edit.version_changed"), hint=Message("definitions.edit.version_hint"))


def _visible(permissions: Permissions, kind: Kind, name: str) -> bool:
    return kind is not Kind.KPIS or permissions.can(Action.READ_DEFINITIONS, KpiResource(name, permissions.definitions))


def _target(edit: EntryEdit) -> str:
    return f"{edit.kind.value}/{edit.name}"


def _details(edit: EntryEdit) -> dict[str, Any]:
    return {key: value for key, value in edit_data(edit).items() if key != "changed"}
