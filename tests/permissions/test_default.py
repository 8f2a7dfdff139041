"""Without a policy a workspace is what it always was: every KPI over every row, requests without an access
restriction, and the same SQL as before. The local operator's view is the workspace itself in all but name."""

from __future__ import annotations

from kpilot import Workspace
from kpilot.auth.actor import Actor
from kpilot.services.kpis import workspace_for
from tests.permissions.org_support import DAY

EVERY_KPI = [
    "company_revenue",
    "team_revenue",
    "private_revenue",
    "restricted_revenue",
    "managers_revenue",
    "restricted_share",
    "team_budget",
]


def test_no_policy_means_every_kpi_over_every_row(company: Workspace) -> None:
    assert company.policy is None
    assert company.request(["team_revenue"]).access is None
    (row,) = company.compute(EVERY_KPI, grain="all").to_pylist()
    assert [row[name] for name in EVERY_KPI] == [1775, 1775, 1775, 1775, 1775, 1.0, 500]
    assert " WHERE" not in company.sql(["team_revenue"], grain="all")


def test_the_operators_view_computes_what_the_workspace_computes(company: Workspace) -> None:
    view = workspace_for(Actor.operator(), company, on=DAY)
    assert [k.name for k in view.definitions.kpis] == [k.name for k in company.definitions.kpis]
    for grain in ("all", "month"):
        assert view.compute(EVERY_KPI, grain=grain) == company.compute(EVERY_KPI, grain=grain)
    assert view.sql(EVERY_KPI) == company.sql(EVERY_KPI)
    assert view.request(EVERY_KPI) == company.request(EVERY_KPI)
