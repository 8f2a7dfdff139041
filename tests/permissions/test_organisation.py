"""Row access follows the organisation: memberships by their dates, managers over everyone below them (at any
depth), teams under a manager's teams, grants to people, teams and roles, and KPIs built on other KPIs. Every value
is counted by hand from the deals of org_support."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kpilot import Workspace
from kpilot.errors import QueryError
from kpilot.services.kpis import workspace_for
from tests.permissions.org_support import DAY, MOVED, actor


def _total(view: Workspace, visibility: str, **options: object) -> tuple[object, object]:
    names = [f"{visibility}_deals", f"{visibility}_revenue"]
    (row,) = view.compute(names, grain="all", **options).to_pylist()  # type: ignore[arg-type]
    return row[names[0]], row[names[1]]


def _names(view: Workspace) -> set[str]:
    return {kpi.name for kpi in view.definitions.kpis}


def test_a_move_counts_from_its_first_day(company: Workspace) -> None:
    """Bruno is in EMEA until 2025-03-14 and in APAC from 2025-03-15 (valid_to is not included)."""
    bruno = actor(company, "bruno")
    before = workspace_for(bruno, company, on=MOVED - timedelta(days=1))
    after = workspace_for(bruno, company, on=MOVED)
    # 03-14: his own rows (3, 7) and EMEA's (1-4, 8): 1075 + 400
    assert _total(before, "team") == (6, 1475)
    # 03-15: his own rows (3, 7) and APAC's (5-7): 700 + 40
    assert _total(after, "team") == (4, 740)
    # His own rows do not move with him: 40 + 400 either day.
    assert _total(before, "private") == _total(after, "private") == (2, 440)
    # The restricted KPI is granted to EMEA: his on the 14th, not on the 15th.
    assert _total(before, "restricted") == (8, 1775)
    assert "restricted_revenue" not in _names(after)


def test_a_manager_sees_everyone_below_them_at_any_depth(company: Workspace) -> None:
    """Carla heads Sales (no scope of its own, no rows of her own); Mara reports to her, Anna to Mara, Bruno to
    Anna. Dino and Carl report to nobody."""
    view = workspace_for(actor(company, "carla"), company, on=DAY)
    # Private: the rows of Mara (4), Anna (1, 2) and Bruno (3, 7): 5 + 30 + 440.
    assert _total(view, "private") == (5, 475)
    # Team: the teams under Sales (EMEA, APAC) hold every row.
    assert _total(view, "team") == (8, 1775)
    assert _total(view, "team", scope={"owner": "dino"}) == (1, 1000)
    # A grant to EMEA does not reach the department above it.
    assert "restricted_revenue" not in _names(view)


def test_a_member_with_reports_but_not_the_manager_role_sees_only_their_own(company: Workspace) -> None:
    """Bruno reports to Anna, but Anna's role is member: her private KPIs are hers alone (rows 1, 2)."""
    view = workspace_for(actor(company, "anna"), company, on=DAY)
    assert _total(view, "private") == (2, 30)
    assert _total(view, "private", scope={"owner": "bruno"}) == (0, 0)


def test_grants_name_people_teams_and_roles(company: Workspace) -> None:
    # Carl is granted by e-mail address, written Carl@Acme.example: addresses compare without case.
    carl = workspace_for(actor(company, "carl"), company, on=DAY)
    assert _total(carl, "restricted") == (8, 1775)
    # Dino is in EMEA, which is granted.
    assert _total(workspace_for(actor(company, "dino"), company, on=DAY), "restricted") == (8, 1775)
    # managers_revenue is granted to the manager role: Mara and Carla see it, Anna does not.
    names = {who: _names(workspace_for(actor(company, who), company, on=DAY)) for who in ("mara", "carla", "anna")}
    assert "managers_revenue" in names["mara"]
    assert "managers_revenue" in names["carla"]
    assert "managers_revenue" not in names["anna"]
    # The viewer is never shown a restricted KPI, whatever its grants.
    vera = workspace_for(actor(company, "vera", email="carl@acme.example"), company, on=DAY)
    assert "restricted_revenue" not in _names(vera)


def test_a_kpi_built_on_others_shows_what_all_of_them_show(company: Workspace) -> None:
    # restricted_share (company) uses restricted_revenue: Anna is granted it (1775 / 1775), Carla is not.
    anna = workspace_for(actor(company, "anna"), company, on=DAY)
    assert anna.compute(["restricted_share"], grain="all").column("restricted_share").to_pylist() == [1.0]
    carla = workspace_for(actor(company, "carla"), company, on=DAY)
    with pytest.raises(QueryError) as raised:
        carla.compute(["restricted_share"], grain="all")
    assert raised.value.code == "semantic.unknown_kpi"
    # team_average (team) over private_deals: Anna's team rows and her own rows together are her own rows: 30 / 2.
    assert anna.compute(["team_average"], grain="all").column("team_average").to_pylist() == [15.0]


def test_a_source_without_the_dimensions_of_a_scope_gives_no_row(company: Workspace) -> None:
    """The budget has a region and neither owner nor team: a member's slices select none of its rows."""
    anna = workspace_for(actor(company, "anna"), company, on=DAY)
    assert anna.compute(["team_budget"], grain="all").column("team_budget").to_pylist() == [0]
    admin = workspace_for(actor(company, "ada"), company, on=DAY)
    assert admin.compute(["team_budget"], grain="all").column("team_budget").to_pylist() == [500]
