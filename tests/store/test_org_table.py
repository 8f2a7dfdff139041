"""`kpilot org import --table`: an HR table of the warehouse (DuckDB or PostgreSQL) read with the CSV format's columns,
checked and written the same way as a file."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from kpilot import Workspace
from kpilot.errors import ValidationFailed
from kpilot.i18n import Message
from kpilot.services.org import Added, import_file, import_table
from tests.store.store_support import everything, memberships, people, scopes, write_store_workspace
from tests.support import load_tables, run_cli

TEAMS = "teams:\n  - {name: Sales, kind: department}\n  - {name: EMEA, parent: Sales}\n  - {name: Support}\n"

HR: dict[str, list[Any]] = {
    "name": ["Bruno Neri", "Anna Rossi", "Carla Bianchi"],
    "email": ["bruno@acme.example", "anna@acme.example", "carla@acme.example"],
    "manager": ["anna@acme.example", "carla@acme.example", None],
    "teams": ["EMEA", "EMEA;Support", None],
    "since": [date(2025, 2, 1), date(2025, 1, 15), None],
    "scope.owner": ["rep-08", "rep-07", None],
}


@pytest.fixture
def hr_root(tmp_path: Path, backend: str, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace (SQLite store) whose warehouse, DuckDB or PostgreSQL, holds the table hr_people."""
    root = write_store_workspace(tmp_path / "ws", create=False)
    shutil.copyfile(sqlite_template, root / "kpilot.db")
    settings = (root / "kpilot.yaml").read_text().replace("warehouse: warehouse.duckdb", f"warehouse: {backend}")
    (root / "kpilot.yaml").write_text(settings)
    (tmp_path / "teams.yaml").write_text(TEAMS)
    monkeypatch.chdir(tmp_path)
    with Workspace(root) as ws:
        import_file(ws, Path("teams.yaml"), on=date(2025, 1, 1))
    return root


def _load(root: Path, table: dict[str, list[Any]]) -> None:
    with Workspace(root) as ws:
        load_tables(ws, {"hr_people": pa.table(table)})


def worded(added: tuple[Added, ...]) -> tuple[tuple[str, str], ...]:
    """What an import added, as the English report says it."""
    return tuple((entry.key, str(entry.detail)) for entry in added)


def test_people_from_a_warehouse_table(hr_root: Path) -> None:
    _load(hr_root, HR)
    with Workspace(hr_root) as ws:
        report = import_table(ws, "hr_people", on=date(2025, 1, 1))
    assert report.shown == "table hr_people"
    assert worded(report.added_people) == (  # rows are read in the order of their e-mail address
        ("anna@acme.example", "in EMEA, Support"),
        ("bruno@acme.example", "in EMEA"),
        ("carla@acme.example", "in no team"),
    )
    assert report.added_people[0].detail == Message("services.added_person_in", teams=("EMEA", "Support"))
    store = "kpilot.db"
    assert people(hr_root, store) == [
        ("Anna Rossi", "anna@acme.example", "en", "Europe/Rome", "carla@acme.example"),
        ("Bruno Neri", "bruno@acme.example", "en", "Europe/Rome", "anna@acme.example"),
        ("Carla Bianchi", "carla@acme.example", "en", "Europe/Rome", None),
    ]
    assert memberships(hr_root, store) == [
        ("anna@acme.example", "EMEA", "2025-01-15", None),
        ("anna@acme.example", "Support", "2025-01-15", None),
        ("bruno@acme.example", "EMEA", "2025-02-01", None),
    ]
    assert scopes(hr_root, store) == [
        ("person", "anna@acme.example", "owner", "rep-07"),
        ("person", "bruno@acme.example", "owner", "rep-08"),
    ]
    with Workspace(hr_root) as ws:
        assert import_table(ws, "hr_people", on=date(2025, 3, 1)).unchanged


def test_a_bad_row_in_the_table_refuses_it_whole(hr_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = dict(HR) | {"teams": ["EMEA", "Nowhere", None], "manager": ["anna@acme.example", None, "bruno@acme.example"]}
    _load(hr_root, bad)
    before = everything(hr_root, "kpilot.db")
    with Workspace(hr_root) as ws, pytest.raises(ValidationFailed) as caught:
        import_table(ws, "hr_people", on=date(2025, 1, 1))
    assert [str(issue) for issue in caught.value.issues] == [
        # Rows by e-mail: anna (1) is in a team nobody defined; bruno (2) reports to anna, carla (3) to bruno.
        "table hr_people:1: error: unknown team 'Nowhere': it is neither in the file nor in the store"
        " (add it to the file, or import it first)",
    ]
    assert everything(hr_root, "kpilot.db") == before
    code, out, err = run_cli(capsys, "org", "import", "--table", "hr_people", "-w", str(hr_root))
    assert (code, out) == (1, "")
    assert "table hr_people:1: error: unknown team 'Nowhere'" in err


def test_a_table_with_a_column_kpilot_does_not_know_is_refused(hr_root: Path) -> None:
    _load(hr_root, dict(HR) | {"salary": [1, 2, 3]})
    with Workspace(hr_root) as ws, pytest.raises(ValidationFailed) as caught:
        import_table(ws, "hr_people")
    assert str(caught.value.issues[0]).startswith("table hr_people: error: unknown column 'salary'")
