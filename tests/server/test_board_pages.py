"""Boards, TV mode, goals and the KPI matrix and the SMART check over HTTP (docs/dashboard.md#boards): who may open
which board, each board's numbers, the grouping by goal, the TV rotation, and the matrix and findings in the
reader's language.

The numbers are the deals of tests/permissions/org_support.py, worked out by hand, for 2025-02 (the last complete
month of the data, which ends on 2025-03-20): EMEA has Bruno's 40 and Mara's 5 (45, two deals), APAC Carl's 200
(one deal), the company 245. The targets below are this module's own:

- company_revenue 245 in 2025-02: attainment 245 / 245 = 100% for a reader who sees every row;
- team_revenue 490 in 2025-02: 245 / 490 = 50% for the company as a whole (ada); and 90 for team=EMEA, which the
  EMEA board picks: 45 / 90 = 50%;
- the goal `grow` links company_revenue, team_revenue and restricted_revenue, weight 1 each; restricted_revenue has
  no target, so the goal's attainment for ada is (100% + 50%) / 2 = 75%, over 2 KPIs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kpilot import Workspace
from kpilot.auth.actor import Actor, Role
from kpilot.services.accounts import NewPassword, set_password
from kpilot.services.boards import boards_in
from kpilot.store import open_store
from kpilot.store.organisation import Organisation
from kpilot.store.records import Scope, Team, TeamKind
from tests.server.server_support import Company, build_served_company, client
from tests.server.test_pages import PASSWORD, sign_in

TARGETS = """\
targets:
  - {kpi: company_revenue, period: '2025-02', target: 245}
  - {kpi: team_revenue, period: '2025-02', target: 490}
  - {kpi: team_revenue, period: '2025-02', scope: {team: EMEA}, target: 90}
"""
READERS = ("dino", "carl", "ada", "carla", "vera")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Company:
    company = build_served_company(tmp_path_factory.mktemp("boards") / "ws")
    (company.root / "definitions" / "targets.yaml").write_text(TARGETS)
    now = datetime.now(UTC)
    with Workspace(company.root) as workspace, open_store(workspace) as store:
        for name in READERS:
            set_password(store, Actor.operator(), f"{name}@acme.example", NewPassword(PASSWORD), now=now)
    return company


@contextmanager
def signed_in(root: Path, name: str) -> Iterator[TestClient]:
    with client(root) as api:
        sign_in(api, name)
        yield api


def boards_listed(html: str) -> list[str]:
    return re.findall(r'data-board="([^"]+)"', html)


def card(html: str, kpi: str) -> str:
    found = re.search(rf'<li class="card[^"]*" data-kpi="{kpi}">(.*?)</li>', html, re.S)
    assert found is not None, f"no card for {kpi}"
    return found.group(1)


def value(html: str, kpi: str) -> str:
    found = re.search(r'<p class="value">([^<]+)', card(html, kpi))
    assert found is not None
    return found.group(1).strip()


def comparison(html: str, kpi: str, row: str) -> list[str]:
    found = re.search(rf"<th scope=\"row\">{row}</th>((?:<td>[^<]*</td>)+)", card(html, kpi))
    assert found is not None
    return re.findall(r"<td>([^<]*)</td>", found.group(1))


def groups(html: str) -> list[tuple[str, list[str]]]:
    """Each group of the board (its goal's name, '' for none) with its cards' KPIs, in page order."""
    found = []
    for goal, body in re.findall(r'<section class="board-group" data-goal="([^"]*)">(.*?)</section>', html, re.S):
        found.append((goal, re.findall(r'data-kpi="([^"]+)"', body)))
    return found


def test_who_may_open_which_board(served: Company) -> None:
    expected = {
        "dino": ["company", "team:emea"],  # a member: his own team
        "carl": ["company", "team:apac"],
        "carla": ["company", "team:apac", "team:emea", "team:sales"],  # a manager: Sales and the teams under it
        "ada": ["company", "team:acme", "team:apac", "team:emea", "team:sales"],  # an admin: every team
        "vera": ["company"],  # a viewer reads no organisation: the company scorecard only
    }
    for name, boards in expected.items():
        with signed_in(served.root, name) as api:
            page = api.get("/boards")
        assert page.status_code == 200
        assert boards_listed(page.text) == boards, name


def test_a_board_the_reader_may_not_open_is_not_found(served: Company) -> None:
    with signed_in(served.root, "dino") as api:
        hidden = api.get("/boards/team/apac")
        missing = api.get("/boards/team/nowhere")
        above = api.get("/boards/team/sales")  # his team's department: not his to open
        tv = api.get("/tv?boards=team:apac")
    for answer in (hidden, missing, above, tv):
        assert answer.status_code == 404
        assert "There is no such board, or you may not open it." in answer.text
    assert hidden.text.count("APAC") == 0  # nothing said about the team
    with signed_in(served.root, "carl") as api:
        assert api.get("/boards/team/emea").status_code == 404
    with signed_in(served.root, "vera") as api:
        assert api.get("/boards/team/emea").status_code == 404


def test_signed_out_a_board_asks_to_sign_in(served: Company) -> None:
    with client(served.root) as api:
        answer = api.get("/boards/team/emea", follow_redirects=False)
        tv = api.get("/tv?boards=company", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/sign-in?next=/boards/team/emea"
    assert tv.headers["location"].startswith("/sign-in?next=/tv")


def test_each_team_board_shows_the_team_rows(served: Company) -> None:
    with signed_in(served.root, "dino") as api:
        emea = api.get("/boards/team/emea").text
        company = api.get("/boards/company").text
    assert "EMEA, February 2025" in emea
    assert value(emea, "team_revenue") == "45"  # EMEA in February: 40 + 5
    assert value(emea, "company_revenue") == "45"  # a company KPI, on the EMEA board: EMEA's rows only
    assert value(emea, "private_revenue") == "0"  # his own deals, of which none in February
    assert comparison(emea, "team_revenue", "Target") == ["90", "50%"]  # EMEA's own target: 45 / 90
    assert comparison(emea, "team_revenue", "Previous period")[0] == "30"  # January: 10 + 20
    assert 'data-kpi="managers_revenue"' not in emea  # for managers only
    assert "Company scorecard, February 2025" in company
    assert value(company, "company_revenue") == "245"  # every deal in February: 40 + 5 + 200
    assert value(company, "team_revenue") == "45"  # still only his own rows of a team KPI
    with signed_in(served.root, "carl") as api:
        apac = api.get("/boards/team/apac").text
    assert value(apac, "team_revenue") == "200"  # Carl's deal
    assert value(apac, "company_revenue") == "200"
    with signed_in(served.root, "ada") as api:
        ada_emea = api.get("/boards/team/EMEA").text  # the team's name in any case
        ada_company = api.get("/boards/company").text
        sales = api.get("/boards/team/sales").text
    assert value(ada_emea, "team_revenue") == "45"
    assert value(ada_company, "company_revenue") == "245"
    assert comparison(ada_company, "company_revenue", "Target") == ["245", "100%"]
    assert value(sales, "company_revenue") == "245"  # Sales has no scope: EMEA's rows and APAC's, 45 + 200


def test_cards_are_grouped_by_goal(served: Company) -> None:
    with signed_in(served.root, "ada") as api:
        html = api.get("/boards/team/emea").text
    found = groups(html)
    # The goal `grow` links three KPIs; the nine other KPIs ada sees serve no goal and come last.
    assert found[0] == ("grow", ["company_revenue", "team_revenue", "restricted_revenue"])
    assert found[1][0] == ""
    assert len(found[1][1]) == 9
    assert len(found) == 2
    assert "Serving no goal" in html
    with signed_in(served.root, "vera") as api:
        viewer = groups(api.get("/boards/company").text)
    assert viewer == [("grow", ["company_revenue"]), ("", ["company_deals"])]  # a viewer sees company KPIs only


def test_tv_mode_rotates_without_chrome(served: Company) -> None:
    with signed_in(served.root, "dino") as api:
        first = api.get("/tv?boards=team:emea,company&every=30")
        second = api.get("/tv?boards=team:emea,company&every=30&at=1")
        quick = api.get("/tv?boards=company&every=1")
    assert first.status_code == 200
    # Without JavaScript the browser follows the meta refresh; with it, app.js does (after the same seconds, to the
    # same address), and the rotation can be paused.
    refresh = '<meta http-equiv="refresh" content="30; url=/tv?boards=team:emea,company&amp;every=30&amp;at=1">'
    assert f"<noscript>{refresh}</noscript>" in first.text
    assert 'data-tv-next="/tv?boards=team:emea,company&amp;every=30&amp;at=1" data-tv-every="30"' in first.text
    assert 'class="pages"' not in first.text  # no navigation
    assert 'action="/sign-out"' not in first.text
    assert "EMEA, February 2025" in first.text
    assert value(first.text, "team_revenue") == "45"
    assert "Board 1 of 2" in first.text
    assert "Company scorecard, February 2025" in second.text
    assert value(second.text, "company_revenue") == "245"
    assert "url=/tv?boards=team:emea,company&amp;every=30&amp;at=0" in second.text  # the first again
    assert 'content="5; url=' in quick.text  # held to 5 seconds at least


def test_the_matrix_and_its_attainment(served: Company) -> None:
    with signed_in(served.root, "ada") as api:
        english = api.get("/goals").text
        italian = api.get("/goals?lang=it").text
    assert "Goals and the KPI matrix, February 2025" in english
    row = re.search(r'<tr data-goal="grow">(.*?)</tr>', english, re.S)
    assert row is not None
    assert re.findall(r'<td class="weight">([^<]*)</td>', row.group(1)) == ["1", "1", "1"]
    assert "75% " in row.group(1)  # (100% + 50%) / 2, restricted_revenue has no target
    assert "(2 KPIs counted)" in row.group(1)
    assert '<a href="/kpis/company_revenue">company_revenue</a>' in english
    assert re.search(r'data-kpi="team_revenue"><span class="badge">[^<]+</span> 50%', english)
    assert "Obiettivi e matrice dei KPI, febbraio 2025" in italian
    assert "(2 KPI conteggiati)" in italian
    with signed_in(served.root, "dino") as api:
        dino = api.get("/goals").text
    assert '<td class="value" data-kpi="team_revenue">45</td>' in dino  # his own rows of a team KPI


def test_the_smart_findings_in_words(served: Company) -> None:
    with signed_in(served.root, "ada") as api:
        english = api.get("/smart").text
        polish = api.get("/smart?lang=pl").text
    assert "The SMART check" in english
    section = re.search(r'<section class="smart-kpi" data-kpi="company_revenue">(.*?)</section>', english, re.S)
    assert section is not None
    assert "no owner: nobody answers for it" in section.group(1)
    assert "add `owner: &lt;person or team&gt;`" in section.group(1)  # how to fix it
    assert "definitions/main.yaml:" in section.group(1)  # where
    assert "How to fix" in english
    assert "Kontrola SMART" in polish
    assert "Jak poprawić" in polish
    with signed_in(served.root, "vera") as api:
        viewer = api.get("/smart").text
    kpis = set(re.findall(r'<section class="smart-kpi" data-kpi="([^"]+)"', viewer))
    assert kpis <= {"company_revenue", "company_deals"}  # nothing about a KPI she may not see
    assert "managers_revenue" not in viewer


def test_the_navigation_names_the_new_pages(served: Company) -> None:
    with signed_in(served.root, "dino") as api:
        html = api.get("/boards/team/emea").text
    assert '<a href="/boards" aria-current="page">Boards</a>' in html
    assert '<a href="/goals">Goals</a>' in html
    assert '<a href="/smart">SMART check</a>' in html


def test_a_team_without_rows_has_no_board() -> None:
    """Fail closed: a team's rows are its scope's, else those of the teams under it; a team with neither (no scope,
    nobody under it) has no rows, and so no board, even for an admin."""
    teams = (
        Team(1, "Acme", TeamKind.COMPANY, None, Scope()),
        Team(2, "North", TeamKind.TEAM, 1, Scope.of({"region": "north"})),
        Team(3, "South", TeamKind.TEAM, 1, Scope.of({"region": "south"})),
        Team(4, "Empty", TeamKind.TEAM, 1, Scope()),
    )
    admin = Actor(account_id=1, person_id=None, email="ada@acme.example", roles=frozenset({Role.ADMIN}))
    found = {board.key: board.rows for board in boards_in(Organisation(teams, (), ()), admin, datetime.now(UTC).date())}
    assert found == {
        "acme": ((("region", "north"),), (("region", "south"),)),  # the rows of the teams under it, together
        "north": ((("region", "north"),),),
        "south": ((("region", "south"),),),
    }
    viewer = Actor(account_id=2, person_id=None, email="vera@acme.example", roles=frozenset({Role.VIEWER}))
    assert boards_in(Organisation(teams, (), ()), viewer, datetime.now(UTC).date()) == ()
