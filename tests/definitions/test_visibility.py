"""`visibility:` and `grants:` of a KPI are read and checked like every other key: company by default, grants only for
restricted KPIs, people by e-mail address, roles that a grant can mean; and warnings where a KPI shows less than it
says (restricted to nobody, or built on a narrower KPI)."""

from __future__ import annotations

from pathlib import Path

from kpilot import Workspace
from kpilot.definitions.model import Visibility
from kpilot.semantic.visibility import kpis_used
from tests.support import write_workspace

SOURCES = """\
sources:
  - name: deals
    table: deals
    time: day
    dimensions: [owner]
    measures:
      - {name: revenue, agg: sum, expr: amount}
kpis:
"""


def _open(tmp_path: Path, kpis: str) -> Workspace:
    write_workspace(tmp_path / "ws", SOURCES + kpis)
    return Workspace(tmp_path / "ws")


def _issues(tmp_path: Path, kpis: str) -> list[tuple[str, str]]:
    with _open(tmp_path, kpis) as ws:
        return [(issue.code, str(issue)) for issue in ws.validate(with_data=False)]


def test_a_kpi_is_company_wide_unless_it_says_otherwise(tmp_path: Path) -> None:
    kpis = "  - {name: revenue, formula: revenue}\n  - {name: mine, formula: revenue, visibility: private}\n"
    with _open(tmp_path, kpis) as ws:
        assert [(k.name, k.visibility, k.grants) for k in ws.definitions.kpis] == [
            ("revenue", Visibility.COMPANY, None),
            ("mine", Visibility.PRIVATE, None),
        ]
        assert ws.validate(with_data=False) == []


def test_grants_are_read_with_their_places(tmp_path: Path) -> None:
    kpis = (
        "  - name: payroll\n    formula: revenue\n    visibility: restricted\n"
        "    grants: {people: hr@acme.example, teams: [Finance, HR], roles: [manager]}\n"
    )
    with _open(tmp_path, kpis) as ws:
        (kpi,) = ws.definitions.kpis
        assert kpi.grants is not None
        assert (kpi.grants.people, kpi.grants.teams, kpi.grants.roles) == (
            ("hr@acme.example",),  # one address is a list of one
            ("Finance", "HR"),
            ("manager",),
        )
        assert str(kpi.grants.locations["teams.1"]) == "definitions/main.yaml:12:56"
        assert ws.validate(with_data=False) == []


def test_grants_that_cannot_hold_are_refused(tmp_path: Path) -> None:
    assert _issues(tmp_path, "  - {name: a, formula: revenue, grants: {people: [x@acme.example]}}\n") == [
        (
            "definitions.grants_need_restricted",
            "definitions/main.yaml:9:5: error: 'grants' applies to restricted KPIs only, and this one is 'company':"
            " add 'visibility: restricted' or remove 'grants'",
        )
    ]
    bad = "  - {name: a, formula: revenue, visibility: restricted, grants: {people: [nobody], roles: [admin]}}\n"
    assert [code for code, _ in _issues(tmp_path, bad)] == ["definitions.field_problem", "definitions.invalid_choice"]
    assert "expected 'manager' or 'member'" in _issues(tmp_path, bad)[1][1]
    typo = "  - {name: a, formula: revenue, visibility: secret}\n"
    assert "expected 'company', 'team', 'private' or 'restricted'" in _issues(tmp_path, typo)[0][1]
    unknown = "  - {name: a, formula: revenue, visibility: restricted, grants: {peple: [x@acme.example]}}\n"
    assert _issues(tmp_path, unknown)[0][1].endswith("unknown key 'peple' (did you mean 'people'?)")


def test_warnings_where_a_kpi_shows_less_than_it_says(tmp_path: Path) -> None:
    kpis = (
        "  - {name: payroll, formula: revenue, visibility: restricted}\n"
        "  - {name: share, formula: payroll / revenue}\n"
        "  - {name: own, formula: revenue, visibility: private}\n"
        "  - {name: teams, formula: own * 2, visibility: team}\n"
        "  - {name: fine, formula: own * 2, visibility: private}\n"
    )
    assert _issues(tmp_path, kpis) == [
        (
            "semantic.restricted_grants_nobody",
            "definitions/main.yaml:9:5: warning: KPI 'payroll' is restricted and grants it to nobody: only admins and"
            " editors see it (add 'grants:' with the people (by e-mail), teams or roles who should see it)",
        ),
        (
            "semantic.visibility_narrowed",
            "definitions/main.yaml:10:5: warning: KPI 'share' is 'company' but its formula uses 'payroll', which is"
            " 'restricted': readers see 'share' only where they may see 'payroll' (give it the visibility of"
            " 'payroll', or widen that of 'payroll' if everyone may see it)",
        ),
        (
            "semantic.visibility_narrowed",
            "definitions/main.yaml:12:5: warning: KPI 'teams' is 'team' but its formula uses 'own', which is"
            " 'private': readers see 'teams' only where they may see 'own' (give it the visibility of 'own', or"
            " widen that of 'own' if everyone may see it)",
        ),
    ]


def test_the_kpis_a_formula_uses(tmp_path: Path) -> None:
    kpis = (
        "  - {name: revenue, formula: revenue}\n"  # the measure: a KPI does not use itself
        "  - {name: double, formula: revenue + revenue + deals.revenue}\n"
        "  - {name: broken, formula: 'revenue +'}\n"
    )
    with _open(tmp_path, kpis) as ws:
        assert kpis_used(ws.definitions, "revenue") == ()
        assert kpis_used(ws.definitions, "double") == ("revenue",)
        assert kpis_used(ws.definitions, "broken") == ()
        assert kpis_used(ws.definitions, "nothing") == ()
