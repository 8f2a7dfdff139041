"""Every surface of `kpilot.Workspace` computes through a view with the reader's access, without knowing about it:
compute, sql, scorecard, forecast, target suggestions, the SMART check and the matrix. Values are counted by hand
from the deals of org_support (Anna's team rows are EMEA's: January 10 + 20, February 40 + 5, March 1000)."""

from __future__ import annotations

from datetime import date

from kpilot import Workspace
from kpilot.services.kpis import workspace_for
from tests.permissions.org_support import DAY, actor

TODAY = date(2025, 4, 10)
JANUARY, FEBRUARY, MARCH = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)


def test_kpis_with_different_rows_are_computed_apart_and_put_side_by_side(company: Workspace) -> None:
    anna = workspace_for(actor(company, "anna"), company, on=DAY)
    table = anna.compute(["company_revenue", "team_revenue"], grain="month", today=TODAY)
    assert [(r["period"], r["company_revenue"], r["team_revenue"]) for r in table.to_pylist()] == [
        (JANUARY, 10 + 20 + 100, 10 + 20),
        (FEBRUARY, 40 + 5 + 200, 40 + 5),
        (MARCH, 400 + 1000, 1000),
    ]
    assert table.column_names == ["period", "company_revenue", "team_revenue", "partial"]
    by_owner = anna.compute(["company_deals", "team_deals"], grain="all", by=["owner"], today=TODAY).to_pylist()
    assert [(r["owner"], r["company_deals"], r["team_deals"]) for r in by_owner] == [
        ("anna", 2, 2),
        ("bruno", 2, 1),  # row 7 is in APAC
        ("carl", 2, None),  # no EMEA row: the team KPI's query has no such group
        ("dino", 1, 1),
        ("mara", 1, 1),
    ]
    statements = anna.sql(["company_revenue", "team_revenue"]).split(";\n\n")
    assert len(statements) == 2
    assert "'EMEA'" not in statements[0]
    assert "'EMEA'" in statements[1]
    assert "'anna'" in statements[1]


def test_the_scorecard_scores_the_readers_rows(company: Workspace) -> None:
    anna = workspace_for(actor(company, "anna"), company, on=DAY)
    card = anna.scorecard(period="2025-02", kpis=["company_revenue", "team_revenue"], today=TODAY)
    assert [(line.kpi.name, line.value, line.previous) for line in card.lines] == [
        ("company_revenue", 245, 130),
        ("team_revenue", 45, 30),
    ]
    vera = workspace_for(actor(company, "vera"), company, on=DAY)
    everything = vera.scorecard(period="2025-02", today=TODAY)
    assert [line.kpi.name for line in everything.lines] == ["company_revenue", "company_deals"]


def test_forecasts_and_suggestions_rest_on_the_readers_history(company: Workspace) -> None:
    anna = workspace_for(actor(company, "anna"), company, on=DAY)
    # March is left out of her history: her rows stop on 1 March, earlier in the month than in February.
    assert anna.forecast("team_revenue", periods=1, today=TODAY).history == ((JANUARY, 30.0), (FEBRUARY, 45.0))
    history = anna.suggest_targets("team_revenue", period="2025-04", today=TODAY).to_data()["history"]
    assert [point["value"] for point in history] == [30.0, 45.0]
    # Unrestricted, the same KPI has every row: 130, 245 and 1400.
    assert company.forecast("team_revenue", periods=1, today=TODAY).history == (
        (JANUARY, 130.0),
        (FEBRUARY, 245.0),
        (MARCH, 1400.0),
    )


def test_the_matrix_and_the_check_leave_out_what_the_reader_may_not_see(company: Workspace) -> None:
    vera = workspace_for(actor(company, "vera"), company, on=DAY)
    matrix = vera.matrix(period="2025-02", today=TODAY)
    assert [column.kpi.name for column in matrix.columns] == ["company_revenue"]
    assert [(column.kpi.name, column.value) for column in matrix.columns] == [("company_revenue", 245.0)]
    assert [row.weights for row in matrix.rows] == [{"company_revenue": 1.0}]
    findings = vera.check(today=TODAY).findings
    assert {finding.kpi for finding in findings if finding.kpi} == {"company_revenue", "company_deals"}
    assert all("team_" not in str(finding.reason) for finding in findings)
    anna = workspace_for(actor(company, "anna"), company, on=DAY)
    columns = anna.matrix(period="2025-02", today=TODAY).columns
    assert [(column.kpi.name, column.value) for column in columns] == [
        ("company_revenue", 245.0),
        ("team_revenue", 45.0),
        ("restricted_revenue", 245.0),  # granted to EMEA: every row
    ]


def test_a_view_shares_the_warehouse_and_leaves_it_open(company: Workspace) -> None:
    view = workspace_for(actor(company, "anna"), company, on=DAY)
    assert view.warehouse is company.warehouse
    view.close()
    assert company.compute(["company_deals"], grain="all").column("company_deals").to_pylist() == [8]
    assert company.policy is None
