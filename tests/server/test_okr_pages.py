"""The OKR pages over HTTP (docs/dashboard.md#okr-pages): the tree of the current cycle with progress worked out by
hand, an objective's page, and the check-in screen: who sees which forms, a post on another's key result refused, a
check-in that needs a note refused on its form with nothing written, a check-in saved; every page in four languages.

The cycle (`build_okrs`, through services.okrs) runs from 30 days before today for 90 days, so that today is its
31st day: the share of it gone by, the progress expected by today, is 31/90 = 34%. Its objectives:

    1 Grow the company (team Acme)       New customers 0 -> 40, checked in at 20: 1/2
                                         Open the shop, 4 milestones, 1 done: 1/4
    2 EMEA sells more (team EMEA)        EMEA deals 0 -> 10, at 8: 4/5                       aligned to 1
    3 Anna's pipeline (Anna)             Calls made 0 -> 100, at 10 then 30: 3/10
                                         Anna's revenue, KPI company_revenue 0 -> 100: no deals in the cycle, 0
                                                                                             aligned to New customers
    4 Dino's deals (Dino)                Deals closed 0 -> 5, no check-in (counts 0)

    2: 4/5 = 80% (green); 3: (3/10 + 0) / 2 = 15% (red; 34% - 15% = 19 points behind: behind);
    1: (1/2 + 1/4 + 4/5) / 3 = 31/60 = 52% (yellow), New customers' cascade is 3's 15%; 4: 0% (red, behind).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kpilot import Workspace
from kpilot.auth.actor import Actor
from kpilot.okr.kinds import Direction, KeyResultKind, Level, OwnerKind
from kpilot.services import okrs
from kpilot.services.accounts import NewPassword, set_password
from kpilot.services.okrs import AlignTo, NewKeyResult, NewObjective
from kpilot.store import open_store
from tests.permissions.org_support import actor
from tests.server.server_support import Company, build_served_company, client
from tests.server.test_pages import PASSWORD, sign_in

OPERATOR = Actor.operator()
CYCLE = "Now"
# What the cycle holds that is data (titles, notes): shown as typed in every language.
OKR_TEXTS = frozenset(
    {
        CYCLE, "Grow the company", "New customers", "Open the shop", "Design", "Build", "Open", "Announce",
        "EMEA sells more", "EMEA deals", "Anna's pipeline", "Calls made", "Anna's revenue", "Dino's deals",
        "Deals closed", "Slow start", "Hiring a second caller", "Agency",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Okrs:
    """The ids of what build_okrs made."""

    company: int
    emea: int
    anna: int
    dino: int
    key_results: dict[str, int]  # by title


def number(title: str, target: int, stretch: int | None = None) -> NewKeyResult:
    return NewKeyResult(
        title, KeyResultKind.NUMBER, direction=Direction.INCREASE, baseline=Decimal(0), target=Decimal(target),
        stretch=None if stretch is None else Decimal(stretch),
    )  # fmt: skip


def build_okrs(root: Path) -> Okrs:
    """The cycle of the module's docstring, in the workspace at `root` (its store empty of OKRs)."""
    now = datetime.now(UTC)
    with Workspace(root) as workspace, open_store(workspace) as store:
        today = workspace.calendar.today(now)
        start = today - timedelta(days=30)
        okrs.create_cycle(
            store, OPERATOR, workspace, name=CYCLE, starts_on=start, ends_on=start + timedelta(days=89), now=now
        )

        def add(title: str, level: Level, kind: OwnerKind, owner: str, *krs: NewKeyResult, **more: object) -> int:
            new = NewObjective(title, level, kind, owner, key_results=krs, **more)  # type: ignore[arg-type]
            return okrs.add_objective(store, OPERATOR, workspace, CYCLE, new, now=now).id

        shop = NewKeyResult(
            "Open the shop", KeyResultKind.MILESTONES, milestones=("Design", "Build", "Open", "Announce")
        )
        company = add("Grow the company", Level.COMPANY, OwnerKind.TEAM, "Acme", number("New customers", 40), shop)
        emea = add(
            "EMEA sells more", Level.TEAM, OwnerKind.TEAM, "EMEA", number("EMEA deals", 10, 15),
            aligned_to=(AlignTo(objective=company),),
        )  # fmt: skip
        content = okrs.read_cycle(store, OPERATOR, workspace, CYCLE, today=today).content
        ids = {kr.title: kr.id for kr in content.key_results}
        revenue = NewKeyResult(
            "Anna's revenue", KeyResultKind.KPI, kpi="company_revenue", direction=Direction.INCREASE,
            baseline=Decimal(0), target=Decimal(100),
        )  # fmt: skip
        anna = add(
            "Anna's pipeline", Level.PERSON, OwnerKind.PERSON, "anna@acme.example", number("Calls made", 100), revenue,
            aligned_to=(AlignTo(key_result=ids["New customers"]),),
        )  # fmt: skip
        dino = add("Dino's deals", Level.PERSON, OwnerKind.PERSON, "dino@acme.example", number("Deals closed", 5))
        content = okrs.read_cycle(store, OPERATOR, workspace, CYCLE, today=today).content
        ids = {kr.title: kr.id for kr in content.key_results}
        eddie, mara, anna_ = (actor(workspace, name) for name in ("eddie", "mara", "anna"))
        earlier = now - timedelta(days=7)
        okrs.check_in(store, eddie, workspace, ids["New customers"], confidence=7, value=Decimal(20), now=now)
        okrs.check_in(store, eddie, workspace, ids["Open the shop"], confidence=6, done=(1,), now=now)
        okrs.check_in(store, mara, workspace, ids["EMEA deals"], confidence=8, value=Decimal(8), now=now)
        # 10 of 100 on day 24 of 90: 27 - 10 = 17 points behind its pace, so the check-in needs its note.
        okrs.check_in(
            store, anna_, workspace, ids["Calls made"], confidence=5, value=Decimal(10), note="Slow start", now=earlier
        )
        okrs.check_in(
            store, anna_, workspace, ids["Calls made"], confidence=7, value=Decimal(30),
            note="Hiring a second caller", now=now,
        )  # fmt: skip
        okrs.add_initiative(store, OPERATOR, workspace, ids["Calls made"], title="Agency", state="active", now=now)
    return Okrs(company, emea, anna, dino, ids)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> tuple[Company, Okrs]:
    company = build_served_company(tmp_path_factory.mktemp("okr-pages") / "ws")
    with Workspace(company.root) as workspace, open_store(workspace) as store:
        for name in ("ada", "anna", "mara"):
            set_password(store, Actor.operator(), f"{name}@acme.example", NewPassword(PASSWORD), now=datetime.now(UTC))
    return company, build_okrs(company.root)


@pytest.fixture(scope="module")
def ada(served: tuple[Company, Okrs]) -> Iterator[TestClient]:
    with client(served[0].root) as api:
        sign_in(api, "ada")
        yield api


def objective_item(html: str, objective: int) -> str:
    """The objective's own line in the tree (its head: title, owner, bar, expected, behind)."""
    found = re.search(
        rf'<li class="okr-objective" data-objective="{objective}">\s*<div class="okr-head">(.*?)</div>', html, re.S
    )
    assert found is not None, f"no objective {objective}"
    return found.group(1)


def forms(html: str) -> list[int]:
    return [int(found) for found in re.findall(r'<section class="okr-check-in-form" data-key-result="(\d+)"', html)]


def csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def check_ins(root: Path, key_result: int) -> int:
    with Workspace(root) as workspace, open_store(workspace) as store:
        content = okrs.read_cycle(store, OPERATOR, workspace, CYCLE).content
    return sum(1 for found in content.check_ins if found.key_result_id == key_result)


def test_the_tree_shows_the_progress_worked_out_by_hand(ada: TestClient, served: tuple[Company, Okrs]) -> None:
    _, made = served
    page = ada.get("/okrs")
    assert page.status_code == 200
    html = page.text
    assert "<h1>OKRs of Now</h1>" in html
    company, emea, anna, dino = (objective_item(html, i) for i in (made.company, made.emea, made.anna, made.dino))
    assert "52%" in company
    assert "yellow" in company
    assert "data-behind" not in company
    assert "80%" in emea
    assert "green" in emea
    assert "15%" in anna
    assert "red" in anna
    assert "data-behind" in anna
    assert "0%" in dino
    assert "data-behind" in dino
    assert "expected by today: 34%" in company  # 31/90
    assert "Owner: Acme" in company
    assert "Owner: Anna" in anna
    # EMEA's objective under the company's; Anna's under the key result it aligns to, with that key result's cascade.
    customers = re.search(
        rf'<li class="okr-kr" data-key-result="{made.key_results["New customers"]}">(.*?)</li>\s*</ul>', html, re.S
    )
    assert customers is not None
    assert f'data-objective="{made.anna}"' in customers.group(1)
    assert "the objectives aligned to it: 15%" in customers.group(1)
    assert html.index(f'data-objective="{made.company}"') < html.index(f'data-objective="{made.emea}"')
    assert html.count(f'data-objective="{made.anna}"') == 1  # under the key result only, not among the roots
    line = re.search(rf'data-key-result="{made.key_results["Calls made"]}">(.*?)</li>', html, re.S)
    assert line is not None
    assert "30" in line.group(1)
    assert "to date" in line.group(1)
    assert "7 (on track)" in line.group(1)
    assert "weighted mean" in html
    assert "(value − baseline) / (target − baseline)" in html
    assert 'href="/okrs?cycle=Now" aria-current="page"' in html
    assert '<a href="/okrs" aria-current="page">OKRs</a>' in html  # the navigation's entry


def test_an_unknown_cycle_is_a_404_in_words(ada: TestClient) -> None:
    page = ada.get("/okrs?cycle=Nope&lang=it")
    assert page.status_code == 404
    assert "OKR inesistente" in page.text


def test_the_objective_page_shows_measures_check_ins_chart_and_links(
    ada: TestClient, served: tuple[Company, Okrs]
) -> None:
    _, made = served
    html = ada.get(f"/okrs/objectives/{made.anna}").text
    assert "<h1>Anna&#39;s pipeline</h1>" in html
    assert 'href="/kpis/company_revenue"' in html
    assert "owner=anna" in html
    revenue_id = made.key_results["Anna's revenue"]
    revenue = re.search(rf'data-key-result="{revenue_id}"(.*?)</section>', html, re.S)
    assert revenue is not None
    assert '<td data-value>0 <span class="partial">to date</span>' in revenue.group(1)
    calls = re.search(rf'data-key-result="{made.key_results["Calls made"]}"(.*?)</section>', html, re.S)
    assert calls is not None
    part = calls.group(1)
    assert re.search(r"<td data-progress>30%</td>", part)  # 30 / 100
    assert "behind by 4%" in part  # 31/90 - 3/10 = 0.044
    assert "Slow start" in part
    assert "Hiring a second caller" in part
    assert "anna@acme.example" in part
    assert part.index("Hiring a second caller") < part.index("Slow start")  # the newest first
    assert "5 (at risk)" in part
    assert "Agency" in part
    assert "under way" in part
    spec = json.loads(re.search(r'<script type="application/json">(.*?)</script>', part, re.S).group(1))  # type: ignore[union-attr]
    assert [point["value"] for point in spec["data"]["values"]] == [10.0, 30.0]
    assert spec["layer"][1]["encoding"]["y"]["datum"] == 100.0  # the target as a rule
    assert f'data-aligned-to="{made.company}"' in html
    assert "through the key result New customers" in html
    company = ada.get(f"/okrs/objectives/{made.company}").text
    assert f'data-aligned-here="{made.emea}"' in company
    assert f'data-aligned-here="{made.anna}"' in company
    assert "Design: done on" in company
    assert "Build: not done yet" in company


def test_an_unknown_objective_is_a_404(ada: TestClient) -> None:
    assert ada.get("/okrs/objectives/999").status_code == 404


def test_a_member_checks_in_on_their_own_key_results_only(served: tuple[Company, Okrs]) -> None:
    company, made = served
    ids = made.key_results
    with client(company.root) as api:
        sign_in(api, "anna")
        html = api.get("/okrs/check-in").text
        assert forms(html) == [ids["Calls made"], ids["Anna's revenue"]]  # not Dino's, nor her teams'
        assert "1 to 3: unlikely without a change of plan or help" in html  # the rubric
        before = check_ins(company.root, ids["Deals closed"])
        refused = api.post(
            "/okrs/check-in", data={"csrf": csrf(html), "key_result": ids["Deals closed"], "confidence": "8"}
        )
        assert refused.status_code == 403
        assert "not yours" in refused.text
        assert check_ins(company.root, ids["Deals closed"]) == before


def test_a_manager_checks_in_for_their_team_and_reports(served: tuple[Company, Okrs]) -> None:
    company, made = served
    ids = made.key_results
    with client(company.root) as api:
        sign_in(api, "mara")
        html = api.get("/okrs/check-in").text
    # EMEA is Mara's team; Anna reports to her; Dino (in EMEA, nobody's report) and Acme's objective are not hers.
    assert forms(html) == [ids["EMEA deals"], ids["Calls made"], ids["Anna's revenue"]]


def test_a_check_in_that_needs_a_note_is_refused_on_its_form(served: tuple[Company, Okrs]) -> None:
    company, made = served
    calls = made.key_results["Calls made"]
    with client(company.root) as api:
        sign_in(api, "anna")
        html = api.get("/okrs/check-in?lang=it").text
        before = check_ins(company.root, calls)
        data = {"csrf": csrf(html), "key_result": calls, "confidence": "2", "value": "35", "note": " "}
        refused = api.post("/okrs/check-in?lang=it", data=data)
    assert refused.status_code == 422
    form = re.search(rf'data-key-result="{calls}"(.*?)</section>', refused.text, re.S)
    assert form is not None
    assert "questo aggiornamento richiede una nota (fiducia sotto 4)" in form.group(1)  # in the reader's language
    assert 'name="value" inputmode="decimal" value="35"' in form.group(1)  # as typed
    assert '<option value="2" selected>' in form.group(1)
    assert check_ins(company.root, calls) == before


def test_a_check_in_is_saved_and_confirmed(served: tuple[Company, Okrs]) -> None:
    company, made = served
    # Measured by its KPI: a check-in changes no progress. At 0 it is 34 points behind its pace: a note is needed.
    revenue = made.key_results["Anna's revenue"]
    with client(company.root) as api:
        sign_in(api, "anna")
        html = api.get("/okrs/check-in").text
        saved = api.post(
            "/okrs/check-in",
            data={"csrf": csrf(html), "key_result": revenue, "confidence": "8", "note": "First deals next month"},
            follow_redirects=False,
        )
        assert saved.status_code == 303
        assert saved.headers["location"] == f"/okrs/check-in?saved={revenue}"
        back = api.get(saved.headers["location"]).text
        objective = api.get(f"/okrs/objectives/{made.anna}").text
    assert "Check-in saved: Anna&#39;s revenue." in back
    part = re.search(rf'data-key-result="{revenue}"(.*?)</section>', objective, re.S)
    assert part is not None
    assert "8 (on track)" in part.group(1)
    assert "First deals next month" in part.group(1)


def test_a_check_in_without_the_session_token_changes_nothing(served: tuple[Company, Okrs]) -> None:
    company, made = served
    calls = made.key_results["Calls made"]
    before = check_ins(company.root, calls)
    with client(company.root) as api:
        sign_in(api, "anna")
        answer = api.post("/okrs/check-in", data={"csrf": "forged", "key_result": calls, "confidence": "8"})
    assert answer.status_code == 403
    assert check_ins(company.root, calls) == before


@pytest.mark.parametrize(
    ("language", "heading", "words"),
    [
        ("en", "OKRs of Now", "Key results"),
        ("it", "OKR di Now", "Risultati chiave"),
        ("pl", "OKR-y cyklu Now", "Kluczowe rezultaty"),
        ("zh", "Now 的 OKR", "关键结果"),
    ],
)
def test_the_pages_in_four_languages(
    ada: TestClient, served: tuple[Company, Okrs], language: str, heading: str, words: str
) -> None:
    tree = ada.get(f"/okrs?lang={language}")
    assert f'<html lang="{language}">' in tree.text
    assert f"<h1>{heading}</h1>" in tree.text
    assert words in ada.get(f"/okrs/objectives/{served[1].company}?lang={language}").text
    assert ada.get(f"/okrs/check-in?lang={language}").status_code == 200


def test_a_value_that_is_not_a_number_is_refused_on_its_form(served: tuple[Company, Okrs]) -> None:
    company, made = served
    calls = made.key_results["Calls made"]
    before = check_ins(company.root, calls)
    with client(company.root) as api:
        sign_in(api, "anna")
        html = api.get("/okrs/check-in").text
        data = {"csrf": csrf(html), "key_result": calls, "confidence": "8", "value": "lots", "note": "Busy week"}
        refused = api.post("/okrs/check-in", data=data)
    assert refused.status_code == 422
    assert "&#39;lots&#39; is not a number" in refused.text
    assert 'name="value" inputmode="decimal" value="lots"' in refused.text
    assert check_ins(company.root, calls) == before


def test_the_goals_page_names_the_objectives_that_move_its_kpis(ada: TestClient, served: tuple[Company, Okrs]) -> None:
    """Anna's objective has a key result measured by company_revenue, a KPI of the goal `grow`: the matrix's page
    names it under the matrix (her rows in the cycle hold no deal: 0 of 100, 0%)."""
    _, made = served
    html = ada.get("/goals").text
    section = re.search(r'<section class="okr-links">(.*?)</section>', html, re.S)
    assert section is not None
    assert "Objectives of Now that move these KPIs" in section.group(1)
    row = re.search(r"<tr>\s*<td>company_revenue</td>(.*?)</tr>", section.group(1), re.S)
    assert row is not None
    assert f'href="/okrs/objectives/{made.anna}">Anna&#39;s pipeline</a>' in row.group(1)
    assert "Anna&#39;s revenue" in row.group(1)
    assert "0%" in row.group(1)
