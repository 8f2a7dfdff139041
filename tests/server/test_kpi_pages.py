"""The KPI pages over HTTP (kpilot.server.web.kpi_page, kpis_page), without a browser: each reader's numbers, the
drill-down's URL state, what a bad filter says, the 404 of a hidden KPI, the definition and the catalogue's words.

The numbers are the deals of tests/permissions/org_support.py, worked out by hand (the page shows 2025-02 when no
period is named: the data ends on 2025-03-20, so February is the last complete month with data):

    January 2025:  EMEA anna 10 + anna 20 = 30;   APAC carl 100;                   all 130
    February 2025: EMEA bruno 40 + mara 5 = 45;   APAC carl 200;                   all 245
    March 2025:    EMEA dino 1000;                APAC bruno 400;                  all 1400
    2025-Q1: EMEA 1075, APAC 700, all 1775; no deal before 2025.

This module adds to the company a target for company_revenue (every month: commit 100, target 200, stretch 300; for
team=EMEA in 2025-02: target 50) and a KPI taken from the catalogue (deals_won, in definitions/catalogue.yaml)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from html import unescape

import pytest
from fastapi.testclient import TestClient

from kpilot import Workspace
from kpilot.auth.actor import Actor
from kpilot.services.accounts import NewPassword, set_password
from kpilot.store import open_store
from tests.server.server_support import Company, build_served_company, client

PASSWORD = "correct horse battery staple"
READERS = ("dino", "carl", "ada", "vera")
EXTRA = """\
kpis:
  - {name: deals_won, formula: deals, label: Deals won}
targets:
  - {kpi: company_revenue, every: month, commit: 100, target: 200, stretch: 300}
  - {kpi: company_revenue, period: 2025-02, scope: {team: EMEA}, target: 50}
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Company:
    company = build_served_company(tmp_path_factory.mktemp("kpi-pages") / "ws")
    (company.root / "definitions" / "catalogue.yaml").write_text(EXTRA, encoding="utf-8")
    with Workspace(company.root) as workspace, open_store(workspace) as store:
        for name in READERS:
            set_password(store, Actor.operator(), f"{name}@acme.example", NewPassword(PASSWORD), now=datetime.now(UTC))
    return company


@contextmanager
def signed_in(served: Company, name: str) -> Iterator[TestClient]:
    """A browser with `name`'s session (as the sign-in page opens it); the server closed after the block."""
    with client(served.root) as api:
        answer = api.post("/api/v1/session", json={"email": f"{name}@acme.example", "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        yield api


def page_text(html: str) -> str:
    """The words of a page's main part, as a reader reads them (tags and specs left out)."""
    main = html.split("<main>", 1)[1]
    main = re.sub(r'<script type="application/json">.*?</script>', " ", main, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", main))).strip()


def headline(html: str) -> str:
    found = re.search(r'<p class="value kpi-value">([^<]+)', html)
    assert found is not None
    return found.group(1).strip()


def history(html: str) -> dict[str, list[str]]:
    """The history table: period name -> value, commit, target, stretch."""
    table = re.search(r'<table class="history-table">(.*?)</table>', html, re.S)
    assert table is not None
    rows = re.findall(r'<tr data-period="([^"]+)"[^>]*>(.*?)</tr>', table.group(1), re.S)
    return {name: [cell.strip() for cell in re.findall(r"<td>([^<]*)</td>", cells)] for name, cells in rows}


def breakdown(html: str, dimension: str) -> dict[str, tuple[str, str | None]]:
    """A dimension's breakdown table: value -> (the number, the link that filters by it; None when it is active)."""
    section = re.search(rf'<section class="breakdown" data-breakdown="{dimension}".*?</section>', html, re.S)
    assert section is not None, f"no breakdown by {dimension}"
    found = {}
    for member, cells in re.findall(r'<tr data-member="([^"]+)"[^>]*>(.*?)</tr>', section.group(0), re.S):
        link = re.search(r'<a href="([^"]+)"', cells)
        number = re.search(r"<td>([^<]*)</td>", cells)
        assert number is not None
        found[member] = (number.group(1).strip(), unescape(link.group(1)) if link else None)
    return found


def chips(html: str) -> dict[str, str]:
    """The active filters' chips: their words -> the link that removes the filter."""
    return {
        re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", words))).replace("×", "").split("  ")[0].strip(): unescape(
            href
        )
        for href, words in re.findall(r'<a class="chip" href="([^"]+)"[^>]*>(.*?)</a>', html, re.S)
    }


def chart(html: str, index: int = 0) -> dict[str, object]:
    specs = re.findall(r'data-kpi-chart[^>]*></div>\s*<script type="application/json">(.*?)</script>', html, re.S)
    spec: dict[str, object] = json.loads(specs[index])
    return spec


def test_the_list_shows_each_reader_their_kpis_linked(served: Company) -> None:
    with signed_in(served, "carl") as api:
        carl = api.get("/kpis")
    assert carl.status_code == 200
    assert "KPIs, February 2025" in page_text(carl.text)
    assert '<a href="/kpis/team_revenue">team_revenue</a>' in carl.text
    assert re.search(r'data-kpi="team_revenue">.*?<td class="value">200</td>', carl.text, re.S)  # APAC: 200
    assert "managers_revenue" not in carl.text  # for managers only
    with signed_in(served, "ada") as api:
        ada = api.get("/kpis")
    assert re.search(r'data-kpi="company_revenue">.*?<td class="value">245</td>', ada.text, re.S)  # 40 + 5 + 200
    assert '<a href="/kpis/managers_revenue">' in ada.text  # an admin sees every KPI
    assert re.search(r'<h2 id="group-\d+">Without a category</h2>', ada.text)
    assert re.search(r'<a href="/kpis" aria-current="page">KPIs</a>', ada.text)  # the navigation marks the page


def test_each_reader_sees_their_own_numbers(served: Company) -> None:
    with signed_in(served, "dino") as api:
        dino = api.get("/kpis/team_revenue").text
    assert headline(dino) == "45"  # EMEA in February: 40 + 5
    assert history(dino)["2025-01"][0] == "30"  # EMEA in January: 10 + 20
    assert breakdown(dino, "owner") == {
        "bruno": ("40", "/kpis/team_revenue?owner=bruno"),
        "mara": ("5", "/kpis/team_revenue?owner=mara"),
    }
    assert set(breakdown(dino, "team")) == {"EMEA"}  # APAC's rows are not his to see
    with signed_in(served, "carl") as api:
        carl = api.get("/kpis/team_revenue").text
    assert headline(carl) == "200"
    assert history(carl)["2025-01"][0] == "100"
    assert breakdown(carl, "owner") == {"carl": ("200", "/kpis/team_revenue?owner=carl")}
    with signed_in(served, "ada") as api:
        ada = api.get("/kpis/team_revenue").text
    assert headline(ada) == "245"
    assert breakdown(ada, "team") == {
        "APAC": ("200", "/kpis/team_revenue?team=APAC"),
        "EMEA": ("45", "/kpis/team_revenue?team=EMEA"),
    }  # largest first


def test_a_hidden_kpi_is_the_same_404_as_a_missing_one(served: Company) -> None:
    with signed_in(served, "carl") as api:
        hidden = api.get("/kpis/managers_revenue")
        missing = api.get("/kpis/no_such_kpi")
        polish = api.get("/kpis/managers_revenue?lang=pl")
    assert hidden.status_code == missing.status_code == 404
    assert page_text(hidden.text).replace("managers_revenue", "X") == page_text(missing.text).replace(
        "no_such_kpi", "X"
    )
    assert "There is no KPI called 'managers_revenue' that you may see." in page_text(hidden.text)
    assert "Nie ma takiego KPI" in polish.text
    assert '<html lang="pl">' in polish.text
    with signed_in(served, "vera") as api:  # a viewer is not among the restricted KPI's grants
        assert api.get("/kpis/restricted_revenue").status_code == 404
    with signed_in(served, "dino") as api:  # the grants name the team EMEA, Dino's
        assert api.get("/kpis/restricted_revenue").status_code == 200


def test_signed_out_the_page_asks_to_sign_in(served: Company) -> None:
    with client(served.root) as api:
        answer = api.get("/kpis/company_revenue?team=EMEA", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/sign-in?next=/kpis/company_revenue%3Fteam%3DEMEA"


def test_drilling_down_keeps_the_whole_state_in_the_url(served: Company) -> None:
    with signed_in(served, "ada") as api:
        first = api.get("/kpis/company_revenue").text
        emea_link = breakdown(first, "team")["EMEA"][1]
        assert emea_link == "/kpis/company_revenue?team=EMEA"
        emea = api.get(emea_link).text
        bruno_link = breakdown(emea, "owner")["bruno"][1]
        assert bruno_link == "/kpis/company_revenue?team=EMEA&owner=bruno"
        both = api.get(bruno_link).text
        quarter = api.get("/kpis/company_revenue?period=2025-Q1&team=APAC").text
        by_quarter = api.get("/kpis/company_revenue?grain=quarter").text
    assert headline(emea) == "45"
    # Filtered by team, the team's own breakdown still shows every team (the chosen one marked, not a link).
    assert breakdown(emea, "team") == {"APAC": ("200", "/kpis/company_revenue?team=APAC"), "EMEA": ("45", None)}
    assert breakdown(emea, "owner") == {
        "bruno": ("40", "/kpis/company_revenue?team=EMEA&owner=bruno"),
        "mara": ("5", "/kpis/company_revenue?team=EMEA&owner=mara"),
    }
    assert headline(both) == "40"  # Bruno's EMEA deal in February
    assert chips(both) == {
        "team: EMEA": "/kpis/company_revenue?owner=bruno",
        "owner: bruno": "/kpis/company_revenue?team=EMEA",
    }
    assert headline(quarter) == "700"  # APAC in 2025-Q1: 100 + 200 + 400
    assert 'href="/kpis/company_revenue?period=2024-Q4&amp;team=APAC" rel="prev"' in quarter
    assert headline(by_quarter) == "1,775"  # every deal is in 2025-Q1, the quarter of the default month
    assert list(history(by_quarter))[-2:] == ["2024-Q4", "2025-Q1"]


def test_the_history_has_the_targets_and_the_chart_its_numbers(served: Company) -> None:
    with signed_in(served, "ada") as api:
        whole = api.get("/kpis/company_revenue").text
        emea = api.get("/kpis/company_revenue?team=EMEA").text
    rows = history(whole)
    assert len(rows) == 12
    assert next(iter(rows)) == "2024-03"
    assert list(rows)[-1] == "2025-02"
    assert rows["2025-02"] == ["245", "100", "200", "300"]  # the monthly target: commit, target, stretch
    assert rows["2024-03"] == ["0", "100", "200", "300"]
    assert "Achieved" in page_text(whole) or "achieved" in page_text(whole)  # 245 is past the target of 200
    spec = chart(whole)
    values = spec["data"]["values"]  # type: ignore[index]
    feb = next(v for v in values if v["period"] == "2025-02-01")
    assert (feb["value"], feb["commit"], feb["target"], feb["stretch"]) == (245, 100, 200, 300)
    # The forecast, as `kpilot forecast` makes it: from the months the data covers (January to March: the data's
    # last day, 2025-03-20, is its end), the naive method repeats March's 1000 + 400 for the next three months.
    steps = [(v["period"], v["forecast"]) for v in values if "low" in v]
    assert steps == [("2025-04-01", 1400), ("2025-05-01", 1400), ("2025-06-01", 1400)]
    assert "the data ends in 2025-03" in page_text(whole)
    emea_steps = [(v["period"], v["forecast"]) for v in chart(emea)["data"]["values"] if "low" in v]  # type: ignore[index]
    # For EMEA, March (Dino's 1000 on the 1st) stops well before its end: the forecast repeats February's 45 from
    # March on, and its line starts at February's value.
    assert emea_steps == [("2025-03-01", 45), ("2025-04-01", 45), ("2025-05-01", 45)]
    emea_rows = history(emea)
    assert emea_rows["2025-02"] == ["45", "–", "50", "–"]  # the scoped target of February alone
    assert emea_rows["2025-01"] == ["30", "–", "–", "–"]


def test_bad_filters_say_so_and_never_fail(served: Company) -> None:
    with signed_in(served, "ada") as api:
        unknown = api.get("/kpis/company_revenue?region=Europe")
        value = api.get("/kpis/company_revenue?team=LATAM")
        nothing = api.get("/kpis/company_revenue?team=APAC&owner=anna")
        period = api.get("/kpis/company_revenue?period=someday&grain=fortnight")
    for answer in (unknown, value, nothing, period):
        assert answer.status_code == 200
        assert "Traceback" not in answer.text
    assert "This KPI has no dimension 'region', so the filter is not applied; its dimensions: team, owner." in (
        page_text(unknown.text)
    )
    assert headline(unknown.text) == "245"  # shown unfiltered
    assert (
        "'team' has no value 'LATAM' in the data you may see, so the filter is not applied; its values: APAC, "
        "EMEA." in page_text(value.text)
    )
    assert "No row of this KPI's data matches these filters together" in page_text(nothing.text)
    assert "'someday' is not a period this page can show" in page_text(period.text)
    assert "'fortnight' is not a grain of this page" in page_text(period.text)
    with signed_in(served, "carl") as api:  # the values listed are only those of the reader's rows
        carl = api.get("/kpis/team_revenue?team=EMEA").text
    assert "its values: APAC." in page_text(carl)
    assert headline(carl) == "200"


def test_the_definition_goals_smart_and_catalogue(served: Company) -> None:
    with signed_in(served, "ada") as api:
        own = api.get("/kpis/company_revenue").text
        catalogue = api.get("/kpis/deals_won").text
        italian = api.get("/kpis/deals_won?lang=it").text
        chinese = api.get("/kpis/deals_won?lang=zh").text
    words = page_text(own)
    assert "Formula revenue" in words
    assert "Good when higher is better" in words
    assert 'data-goal="grow"' in own
    assert "grow (weight 1)" in words
    assert "no owner: nobody answers for it" in words  # a SMART finding: the KPI names no owner
    assert "From the KPI catalogue" not in words  # the workspace's own KPI
    explained = page_text(catalogue)
    assert "What it measures Deals closed as won in the period." in explained
    assert "What you can do to move it Focus time on the deals most likely to close" in explained
    assert "deals_closed.deals_won" in explained  # how it is computed, from which data
    assert headline(catalogue) == "3"  # February's deals: bruno, mara, carl
    assert "Che cosa misura" in page_text(italian)
    assert "Dal catalogo dei KPI" in page_text(italian)
    assert "衡量什么" in page_text(chinese)


def forecast(html: str) -> list[tuple[str, str]]:
    table = re.search(r'<table class="forecast-table">(.*?)</table>', html, re.S)
    if table is None:
        return []
    rows = re.findall(r'<tr data-period="([^"]+)"><th scope="row">[^<]*</th><td>([^<]*)</td>', table.group(1))
    return [(name, number.strip()) for name, number in rows]


def test_a_forecast_kept_for_one_reader_is_not_shown_to_another(served: Company) -> None:
    """One server, two readers, the same URL: the forecast (kept between requests) is each reader's own."""
    with client(served.root) as api:
        for name in ("dino", "ada"):
            answer = api.post("/api/v1/session", json={"email": f"{name}@acme.example", "password": PASSWORD})
            assert answer.status_code == 200
            if name == "dino":
                dino = api.get("/kpis/team_revenue").text
                again = api.get("/kpis/team_revenue").text
        ada = api.get("/kpis/team_revenue").text
    # Dino's EMEA: January 30, February 45 (March stops on the 1st): February's 45 repeated from March on.
    assert forecast(dino) == [("2025-03", "45"), ("2025-04", "45"), ("2025-05", "45")]
    assert forecast(again) == forecast(dino)
    # Every row (Ada): March's 1000 + 400 repeated from April on.
    assert forecast(ada) == [("2025-04", "1,400"), ("2025-05", "1,400"), ("2025-06", "1,400")]


def test_the_running_period_shows_its_pace(served: Company) -> None:
    """`period=current`: the running month, which has no deal. Its target is 200 (every month): by now it should
    be at 200 times the part of the month gone, the days completed and today as half a day."""
    with signed_in(served, "ada") as api:
        html = api.get("/kpis/company_revenue?period=current").text
    today = datetime.now(UTC).date()  # the workspace's time zone is UTC (its default)
    days = (today.replace(month=today.month % 12 + 1, day=1, year=today.year + today.month // 12) - today).days
    length = today.day - 1 + days
    expected = 200 * (today.day - 1 + 0.5) / length
    rows = dict(re.findall(r'<tr class="pace"><th scope="row">([^<]+)</th><td colspan="2">([^<]+)</td>', html))
    # Between 1 and 1000, a number is shown with two decimals (a whole one with none), as the tables show it.
    assert rows["Expected by now"] == (f"{expected:.0f}" if expected.is_integer() else f"{expected:.2f}")
    assert rows["Pace"] == "0%"  # nothing yet
    last = chart(html)["data"]["values"][-1]  # type: ignore[index]
    assert last["period"] == f"{today:%Y-%m}-01"
    assert last["expected"] == pytest.approx(expected)
    assert "so far" in page_text(html)
