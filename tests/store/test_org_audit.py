"""An organisation import that changes teams, people or memberships is audited, in its own transaction, with what
it added, changed, started and ended; one that changes nothing, a dry run and a refused file leave no entry."""

from __future__ import annotations

import textwrap
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from kpilot import Workspace
from kpilot.errors import ValidationFailed
from kpilot.services.org import import_file
from tests.store.accounts_support import audit_rows
from tests.store.test_org_import import ORG


@pytest.fixture(autouse=True)
def _next_to_the_workspace(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(root.parent)


def _import(root: Path, name: str, content: str, on: str, *, dry: bool = False) -> None:
    Path(name).write_text(textwrap.dedent(content), encoding="utf-8")
    with Workspace(root) as ws:
        import_file(ws, Path(name), on=date.fromisoformat(on), dry_run=dry)


def test_an_import_is_audited_with_what_it_did(root: Path, store: str) -> None:
    before = datetime.now(UTC)
    _import(root, "org.yaml", ORG, "2025-01-01")
    after = datetime.now(UTC)
    [row] = audit_rows(root, store)
    assert before <= row[0] <= after
    assert row[1:] == (
        "operator",
        None,
        None,
        "org.imported",
        "org.yaml",
        {
            "on": "2025-01-01",
            "added_teams": ["Acme", "Sales", "EMEA", "Support"],
            "added_people": ["ceo@acme.example", "Anna@Acme.example", "bruno@acme.example"],
            "joined": [
                {"email": "ceo@acme.example", "team": "Acme", "from": "2025-01-01"},
                {"email": "Anna@Acme.example", "team": "EMEA", "from": "2025-01-01"},
                {"email": "bruno@acme.example", "team": "EMEA", "from": "2025-01-10"},
            ],
        },
        "succeeded",
        None,
    )


def test_a_move_is_audited_as_a_change_an_end_and_a_start(root: Path, store: str) -> None:
    _import(root, "org.yaml", ORG, "2025-01-01")
    moved = ORG.replace("teams: EMEA\n    since: 2025-01-10", "teams: [Support]\n    since: 2025-03-15")
    _import(root, "moved.yaml", moved, "2025-03-20")
    assert audit_rows(root, store)[1][5:7] == (
        "moved.yaml",
        {
            "on": "2025-03-20",
            "changed": {"bruno@acme.example": ["teams EMEA → Support (from 2025-03-15)"]},
            "joined": [{"email": "bruno@acme.example", "team": "Support", "from": "2025-03-15"}],
            "left": [{"email": "bruno@acme.example", "team": "EMEA", "from": "2025-03-15"}],
        },
    )


def test_nothing_changed_a_dry_run_or_a_refused_file_is_not_audited(root: Path, store: str) -> None:
    _import(root, "org.yaml", ORG, "2025-01-01", dry=True)
    assert audit_rows(root, store) == []
    _import(root, "org.yaml", ORG, "2025-01-01")
    _import(root, "org.yaml", ORG, "2025-01-01")  # the same again: nothing to change
    with pytest.raises(ValidationFailed):
        _import(
            root, "bad.yaml", "people:\n  - name: Dora\n    email: dora@acme.example\n    teams: [Nope]\n", "2025-01-02"
        )
    assert [row[4] for row in audit_rows(root, store)] == ["org.imported"]
