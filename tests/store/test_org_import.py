"""`kpilot org import` and `export` through the service, on SQLite and PostgreSQL: what is written (read back with
plain SQL), idempotency, exact exports that round-trip, moves on a boundary day, full imports, and refusals that
leave the store as it was. Every expected value is worked out by hand from the files below."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest

from kpilot import Workspace
from kpilot.errors import ValidationFailed
from kpilot.i18n import Message
from kpilot.services.org import Added, Changed, Ended, ExportFormat, ImportReport, export_org, import_file
from kpilot.services.org_plan import FieldChange
from kpilot.store import StoreError
from tests.store.store_support import everything, memberships, people, scopes, teams

D = date.fromisoformat

ORG = """\
teams:
  - name: Acme
    kind: company
  - name: Sales
    kind: department
    parent: Acme
  - name: EMEA
    kind: team
    parent: Sales
    scope: {team: EMEA}
  - name: Support
    parent: Acme
people:
  - name: Carla Bianchi
    email: ceo@acme.example
    teams: [Acme]
  - name: Anna Rossi
    email: Anna@Acme.example
    language: it
    timezone: Europe/Rome
    manager: ceo@acme.example
    teams: [EMEA]
    scope: {owner: rep-07}
  - name: Bruno Neri
    email: bruno@acme.example
    manager: anna@acme.example
    teams: EMEA
    since: 2025-01-10
"""

# ORG exported on 1 February 2025, written out by hand: teams parents first (siblings by name), people by e-mail,
# the workspace's language (en) and time zone (Europe/Rome) where the file gave none, `since` the day each person's
# teams took effect.
ORG_EXPORTED = """\
# kpilot organisation on 2025-02-01, from the store: see docs/store.md
teams:
  - name: Acme
    kind: company
  - name: Sales
    kind: department
    parent: Acme
  - name: EMEA
    kind: team
    parent: Sales
    scope: {team: EMEA}
  - name: Support
    kind: team
    parent: Acme
people:
  - name: Anna Rossi
    email: Anna@Acme.example
    language: it
    timezone: Europe/Rome
    manager: ceo@acme.example
    teams: [EMEA]
    since: 2025-01-01
    scope: {owner: rep-07}
  - name: Bruno Neri
    email: bruno@acme.example
    language: en
    timezone: Europe/Rome
    manager: Anna@Acme.example
    teams: [EMEA]
    since: 2025-01-10
  - name: Carla Bianchi
    email: ceo@acme.example
    language: en
    timezone: Europe/Rome
    teams: [Acme]
    since: 2025-01-01
"""

ORG_CSV = """\
record,name,email,kind,parent,language,timezone,manager,teams,since,scope.owner,scope.team
team,Acme,,company,,,,,,,,
team,Sales,,department,Acme,,,,,,,
team,EMEA,,team,Sales,,,,,,,EMEA
team,Support,,team,Acme,,,,,,,
person,Anna Rossi,Anna@Acme.example,,,it,Europe/Rome,ceo@acme.example,EMEA,2025-01-01,rep-07,
person,Bruno Neri,bruno@acme.example,,,en,Europe/Rome,Anna@Acme.example,EMEA,2025-01-10,,
person,Carla Bianchi,ceo@acme.example,,,en,Europe/Rome,,Acme,2025-01-01,,
"""


@pytest.fixture(autouse=True)
def _next_to_the_workspace(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Files are named relative to the current folder, as people do (and as messages then show them)."""
    monkeypatch.chdir(root.parent)


def _import(
    root: Path, name: str, content: str, *, on: str = "2025-01-01", full: bool = False, dry: bool = False
) -> ImportReport:
    path = Path(name)
    path.write_text(textwrap.dedent(content), encoding="utf-8")
    with Workspace(root) as ws:
        return import_file(ws, path, full=full, on=D(on), dry_run=dry)


def _export(root: Path, on: str, fmt: ExportFormat = ExportFormat.YAML) -> str:
    with Workspace(root) as ws:
        return export_org(ws, format=fmt, on=D(on))


def worded(added: tuple[Added, ...]) -> tuple[tuple[str, str], ...]:
    """What an import added, as the English report says it."""
    return tuple((entry.key, str(entry.detail)) for entry in added)


def test_an_import_writes_what_the_file_says(root: Path, store: str) -> None:
    report = _import(root, "org.yaml", ORG)
    assert report.written
    assert worded(report.added_teams) == (
        ("Acme", "company"),
        ("Sales", "department under Acme"),
        ("EMEA", "team under Sales"),
        ("Support", "team under Acme"),
    )
    assert report.added_teams[1].detail == Message(
        "services.added_team_under", kind=Message("services.kind_department"), parent="Acme"
    )
    assert worded(report.added_people) == (
        ("ceo@acme.example", "in Acme"),
        ("Anna@Acme.example", "in EMEA"),
        ("bruno@acme.example", "in EMEA"),
    )
    assert (report.changed, report.ended) == ((), ())
    assert teams(root, store) == [
        ("Acme", "company", None),
        ("EMEA", "team", "Sales"),
        ("Sales", "department", "Acme"),
        ("Support", "team", "Acme"),
    ]
    assert people(root, store) == [
        ("Anna Rossi", "Anna@Acme.example", "it", "Europe/Rome", "ceo@acme.example"),
        ("Bruno Neri", "bruno@acme.example", "en", "Europe/Rome", "Anna@Acme.example"),
        ("Carla Bianchi", "ceo@acme.example", "en", "Europe/Rome", None),
    ]
    assert memberships(root, store) == [
        ("Anna@Acme.example", "EMEA", "2025-01-01", None),
        ("bruno@acme.example", "EMEA", "2025-01-10", None),
        ("ceo@acme.example", "Acme", "2025-01-01", None),
    ]
    assert scopes(root, store) == [("person", "Anna@Acme.example", "owner", "rep-07"), ("team", "EMEA", "team", "EMEA")]


def test_importing_the_same_file_again_changes_nothing(root: Path, store: str) -> None:
    _import(root, "org.yaml", ORG)
    before = everything(root, store)
    again = _import(root, "org.yaml", ORG, on="2025-05-01")
    assert again.unchanged
    assert everything(root, store) == before


@pytest.mark.parametrize(("fmt", "expected"), [(ExportFormat.YAML, ORG_EXPORTED), (ExportFormat.CSV, ORG_CSV)])
def test_an_export_is_exact_and_imports_back_unchanged(
    root: Path, store: str, fmt: ExportFormat, expected: str
) -> None:
    _import(root, "org.yaml", ORG)
    before = everything(root, store)
    exported = _export(root, "2025-02-01", fmt)
    assert exported == expected
    report = _import(root, f"exported.{fmt.value}", exported, on="2025-02-01")
    assert report.unchanged
    assert everything(root, store) == before


def test_a_move_on_the_15th(root: Path, store: str) -> None:
    _import(root, "org.yaml", ORG)
    moved = ORG.replace("teams: EMEA\n    since: 2025-01-10", "teams: [Support]\n    since: 2025-03-15")
    report = _import(root, "moved.yaml", moved, on="2025-03-20")
    assert report.changed == (
        Changed("person", "bruno@acme.example", (FieldChange("teams", "EMEA", "Support (from 2025-03-15)"),)),
    )
    assert [m for m in memberships(root, store) if m[0] == "bruno@acme.example"] == [
        ("bruno@acme.example", "EMEA", "2025-01-10", "2025-03-15"),
        ("bruno@acme.example", "Support", "2025-03-15", None),
    ]
    before = everything(root, store)
    for day, team, since in (("2025-03-14", "EMEA", "2025-01-10"), ("2025-03-15", "Support", "2025-03-15")):
        exported = _export(root, day)
        assert f"    teams: [{team}]\n    since: {since}\n" in exported.split("name: Bruno Neri")[1]
        assert _import(root, "again.yaml", exported, on=day).unchanged
    assert everything(root, store) == before


def test_changes_are_reported_field_by_field(root: Path, store: str) -> None:
    _import(root, "org.yaml", ORG)
    changed = (
        ORG.replace("language: it", "language: pl")
        .replace("    manager: ceo@acme.example\n", "")
        .replace("scope: {owner: rep-07}", "scope: {owner: rep-08}")
        .replace("scope: {team: EMEA}", "scope: {}")
        .replace("name: Anna Rossi", "name: Anna Rossi-Verdi")
    )
    report = _import(root, "changed.yaml", changed, on="2025-02-01")
    assert report.changed == (
        Changed("team", "EMEA", (FieldChange("scope", "team=EMEA", "(none)"),)),
        Changed(
            "person",
            "Anna@Acme.example",
            (
                FieldChange("name", "Anna Rossi", "Anna Rossi-Verdi"),
                FieldChange("language", "it", "pl"),
                FieldChange("manager", "ceo@acme.example", "none"),
                FieldChange("scope", "owner=rep-07", "owner=rep-08"),
            ),
        ),
    )
    assert people(root, store)[0] == ("Anna Rossi-Verdi", "Anna@Acme.example", "pl", "Europe/Rome", None)
    assert scopes(root, store) == [("person", "Anna@Acme.example", "owner", "rep-08")]


def test_a_full_import_ends_the_memberships_of_people_it_leaves_out(root: Path, store: str) -> None:
    _import(root, "org.yaml", ORG)
    without_bruno = ORG.split("  - name: Bruno Neri")[0]
    assert _import(root, "partial.yaml", without_bruno, on="2025-06-01").unchanged  # not full: Bruno stays
    report = _import(root, "full.yaml", without_bruno, on="2025-06-01", full=True)
    assert report.ended == (Ended("bruno@acme.example", ("EMEA",), D("2025-06-01")),)
    assert [m for m in memberships(root, store) if m[0] == "bruno@acme.example"] == [
        ("bruno@acme.example", "EMEA", "2025-01-10", "2025-06-01")
    ]
    assert len(people(root, store)) == 3  # Bruno is still known: his history is kept
    assert _import(root, "full.yaml", without_bruno, on="2025-07-01", full=True).unchanged


def test_a_full_import_removes_memberships_that_would_start_later(root: Path, store: str) -> None:
    planned = ORG.replace("teams: EMEA\n    since: 2025-01-10", "teams: [Support]\n    since: 2025-09-01")
    _import(root, "org.yaml", ORG)
    _import(root, "planned.yaml", planned, on="2025-05-01")
    report = _import(root, "full.yaml", ORG.split("  - name: Bruno Neri")[0], on="2025-06-01", full=True)
    assert report.ended == (Ended("bruno@acme.example", ("EMEA", "Support"), D("2025-06-01")),)
    assert [m for m in memberships(root, store) if m[0] == "bruno@acme.example"] == [
        ("bruno@acme.example", "EMEA", "2025-01-10", "2025-06-01")
    ]


def test_fields_a_file_does_not_have_are_left_as_they_are(root: Path, store: str) -> None:
    _import(root, "org.yaml", ORG)
    report = _import(root, "names.csv", "name,email\nAnna Verdi,ANNA@acme.example\n", on="2025-02-01")
    assert report.changed == (
        Changed(
            "person",
            "ANNA@acme.example",
            (
                FieldChange("name", "Anna Rossi", "Anna Verdi"),
                FieldChange("email", "Anna@Acme.example", "ANNA@acme.example"),
            ),
        ),
    )
    assert people(root, store)[0] == ("Anna Verdi", "ANNA@acme.example", "it", "Europe/Rome", "ceo@acme.example")
    assert memberships(root, store)[0] == ("ANNA@acme.example", "EMEA", "2025-01-01", None)


def test_an_empty_value_means_none(root: Path, store: str) -> None:
    _import(root, "org.yaml", ORG)
    csv = "name,email,manager,teams,language,scope.owner\nAnna Rossi,anna@acme.example,,,,\n"
    report = _import(root, "empty.csv", csv, on="2025-02-01")
    assert report.changed == (
        Changed(
            "person",
            "anna@acme.example",
            (
                FieldChange("email", "Anna@Acme.example", "anna@acme.example"),
                FieldChange("language", "it", "en"),  # the workspace's
                FieldChange("manager", "ceo@acme.example", "none"),
                FieldChange("scope", "owner=rep-07", "(none)"),
                FieldChange("teams", "EMEA", "none (from 2025-02-01)"),
            ),
        ),
    )
    assert memberships(root, store)[0] == ("anna@acme.example", "EMEA", "2025-01-01", "2025-02-01")


def test_a_dry_run_reports_and_writes_nothing(root: Path, store: str) -> None:
    report = _import(root, "org.yaml", ORG, dry=True)
    assert not report.written
    assert [added.key for added in report.added_teams] == ["Acme", "Sales", "EMEA", "Support"]
    assert everything(root, store) == ([], [], [], [])


def test_cells_a_spreadsheet_would_run_are_made_inert_and_read_back(root: Path, store: str) -> None:
    _import(
        root,
        "org.yaml",
        "teams:\n  - {name: '-ops', kind: department}\n"
        "people:\n  - {name: '=2+3', email: x@acme.example, teams: ['-ops']}\n",
    )
    exported = _export(root, "2025-02-01", ExportFormat.CSV)
    assert "team,'-ops,,department," in exported
    assert "person,'=2+3,x@acme.example,,,en,Europe/Rome,,'-ops,2025-01-01\n" in exported
    before = everything(root, store)
    assert _import(root, "again.csv", exported, on="2025-02-01").unchanged
    assert everything(root, store) == before
    assert teams(root, store) == [("-ops", "department", None)]


def test_a_failure_while_writing_leaves_nothing_written(
    root: Path, store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _import(root, "org.yaml", ORG)
    before = everything(root, store)

    def fail(*args: object, **kwargs: object) -> None:
        raise StoreError(Message("store.conflict"))

    monkeypatch.setattr("kpilot.store.memberships.Memberships.start_many", fail)
    bigger = ORG + "  - {name: Dora, email: dora@acme.example, teams: [Support]}\n"
    bigger = bigger.replace("name: Support\n", "name: Support\n    scope: {team: SUP}\n")
    with pytest.raises(StoreError) as raised:
        _import(root, "bigger.yaml", bigger, on="2025-02-01")
    assert raised.value.code == "store.conflict"
    assert everything(root, store) == before  # neither Dora, nor Support's scope: one transaction


# --------------------------------------------------------------------------------------------------------------
# Refusals: every problem, at its line, and nothing written.

REFUSED = [
    (
        "unknown manager",
        "people:\n  - {name: A, email: a@x.example, manager: nobody@x.example}\n",
        ["refused.yaml:2:44: error: unknown manager 'nobody@x.example': it is neither in the file nor in the store"],
    ),
    (
        "managers loop",
        "people:\n  - {name: A, email: a@x.example, manager: b@x.example}\n"
        "  - {name: B, email: b@x.example, manager: A@x.example}\n",
        ["refused.yaml:2:44: error: managers form a loop: a@x.example → b@x.example → a@x.example"],
    ),
    (
        "own manager",
        "people:\n  - {name: A, email: a@x.example, manager: a@x.example}\n",
        ["refused.yaml:2:44: error: managers form a loop: a@x.example → a@x.example"],
    ),
    (
        "unknown parent",
        "teams:\n  - {name: T, parent: Nowhere}\n",
        ["refused.yaml:2:23: error: unknown parent team 'Nowhere': it is neither in the file nor in the store"],
    ),
    (
        "teams loop",
        "teams:\n  - {name: T1, parent: T2}\n  - {name: T2, parent: T1}\n",
        ["refused.yaml:2:24: error: teams form a loop: T1 → T2 → T1"],
    ),
    (
        "department under a team",
        "teams:\n  - {name: T, kind: team}\n  - {name: D, kind: department, parent: T}\n",
        ["refused.yaml:3:41: error: department 'D' cannot sit under team 'T'"],
    ),
    (
        "e-mail twice",
        "people:\n  - {name: A, email: a@x.example}\n  - {name: A2, email: A@X.example}\n",
        ["refused.yaml:3:5: error: a second person with the e-mail 'A@X.example' (the first is at refused.yaml:2:5)"],
    ),
    (
        "team twice",
        "teams:\n  - {name: T}\n  - {name: T}\n",
        ["refused.yaml:3:5: error: a second team with the name 'T' (the first is at refused.yaml:2:5)"],
    ),
    (
        "bad language",
        "people:\n  - {name: A, email: a@x.example, language: fr}\n",
        ["refused.yaml:2:45: error: language 'fr' is not one kpilot speaks (use one of en, it, pl, zh)"],
    ),
    (
        "unknown team",
        "people:\n  - {name: A, email: a@x.example, teams: [Nope]}\n",
        ["refused.yaml:2:42: error: unknown team 'Nope': it is neither in the file nor in the store"],
    ),
    (
        "unknown dimension",
        "people:\n  - {name: A, email: a@x.example, scope: {ownr: a}}\n",
        ["refused.yaml:2:42: error: scope dimension 'ownr' is not a dimension of any source (did you mean 'owner'?)"],
    ),
    (
        "not an e-mail",
        "people:\n  - {name: A, email: a.x.example}\n",
        ["refused.yaml:2:22: error: 'email': 'a.x.example' is not an e-mail address"],
    ),
    (
        "bad date",
        "people:\n  - {name: A, email: a@x.example, teams: [], since: 15/03/2025}\n",
        ["refused.yaml:2:53: error: 'since': '15/03/2025' is not a date"],
    ),
    (
        "unknown key",
        "people:\n  - {name: A, email: a@x.example, team: EMEA}\n",
        ["refused.yaml:2:35: error: unknown key of a person 'team' (did you mean 'teams'?)"],
    ),
]


@pytest.mark.parametrize(("case", "content", "expected"), REFUSED, ids=[case for case, _, _ in REFUSED])
def test_a_bad_file_is_refused_whole(root: Path, store: str, case: str, content: str, expected: list[str]) -> None:
    _import(root, "org.yaml", ORG)
    before = everything(root, store)
    good = "  - {name: Good, email: good@x.example}\n"  # a good entry in the same file is not written either
    content = content + good if "people:" in content else content + "people:\n" + good
    with pytest.raises(ValidationFailed) as caught:
        _import(root, "refused.yaml", content, on="2025-02-01")
    found = [str(issue) for issue in caught.value.issues]
    assert len(found) == len(expected), found
    for line, wanted in zip(found, expected, strict=True):
        assert line.startswith(wanted), found
    assert everything(root, store) == before


CSV_REFUSED = [
    (
        "name,email,langauge\nA,a@x.example,en\n",
        "refused.csv:1: error: unknown column 'langauge' (did you mean 'language'?)",
    ),
    (
        "record,name,email\nboss,A,a@x.example\n",
        "refused.csv:2: error: 'record' must be 'team' or 'person', not 'boss'",
    ),
    ("record,name,email\nteam,T,t@x.example\n", "refused.csv:2: error: 'email' does not apply to a team"),
    ("name,email\nA,a@x.example,extra\n", "refused.csv:2: error: the row has 3 cells, the header 2"),
    ("email\na@x.example\n", "refused.csv:1: error: there is no 'name' column"),
    ("name,email,email\nA,a@x.example,a@x.example\n", "refused.csv:1: error: column 'email' appears more than once"),
]


@pytest.mark.parametrize(("content", "expected"), CSV_REFUSED)
def test_a_bad_csv_file_is_refused_whole(root: Path, store: str, content: str, expected: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        _import(root, "refused.csv", content)
    assert str(caught.value.issues[0]).startswith(expected), [str(i) for i in caught.value.issues]
    assert everything(root, store) == ([], [], [], [])


def test_a_change_before_recorded_history_is_refused(root: Path, store: str) -> None:
    _import(root, "org.yaml", ORG)  # Bruno is in EMEA from 10 January
    earlier = ORG.replace("teams: EMEA\n    since: 2025-01-10", "teams: [Support]\n    since: 2025-01-05")
    before = everything(root, store)
    with pytest.raises(ValidationFailed) as caught:
        _import(root, "earlier.yaml", earlier, on="2025-02-01")
    assert str(caught.value.issues[0]) == (
        "earlier.yaml:28:12: error: bruno@acme.example has team changes recorded from 2025-01-10 on; this import"
        " would change their teams from 2025-01-05, before them (an import adds to a person's history: give"
        " since: 2025-01-10 or later)"
    )
    assert everything(root, store) == before


def test_a_full_import_needs_every_manager_in_the_file(root: Path, store: str) -> None:
    _import(root, "org.yaml", ORG)
    only_bruno = "people:\n  - {name: Bruno Neri, email: bruno@acme.example, manager: anna@acme.example}\n"
    assert _import(root, "bruno.yaml", only_bruno, on="2025-02-01").unchanged  # not full: Anna is in the store
    with pytest.raises(ValidationFailed, match="a full import holds everyone"):
        _import(root, "bruno.yaml", only_bruno, on="2025-02-01", full=True)
    with pytest.raises(ValidationFailed, match="holds no people: a full import of it would end every membership"):
        _import(root, "teams.yaml", "teams:\n  - {name: Acme, kind: company}\n", full=True)
