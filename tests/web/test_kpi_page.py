"""The KPI pages in Debian's Chromium (docs/dashboard.md#kpi-pages): the charts drawn by vega-embed from the page's
own specs, a click on a bar that filters the page through its URL, a reload of that URL that shows the same, and
the page in each language (screenshots kpi-en, kpi-it, kpi-pl, kpi-zh; kpis-en for the list).

The numbers are the deals of tests/permissions/org_support.py in 2025-02, by hand: APAC 200 (Carl's), EMEA 45
(Bruno's 40 and Mara's 5), 245 in all. The module gives company_revenue a monthly target (commit 100, target 200,
stretch 300) and adds deals_won as a KPI of the catalogue, by writing a definitions file into the live server's
workspace, which the server reads again when its definitions change on disk."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.web import test_accessibility as a11y
from tests.web.web_support import LiveServer, SignIn, screenshot

EXTRA = """\
kpis:
  - {name: deals_won, formula: deals, label: Deals won}
targets:
  - {kpi: company_revenue, every: month, commit: 100, target: 200, stretch: 300}
"""


@pytest.fixture(scope="module", autouse=True)
def catalogue_kpi(live_server: LiveServer) -> None:
    (live_server.company.root / "definitions" / "catalogue.yaml").write_text(EXTRA, encoding="utf-8")


def test_clicking_a_bar_filters_the_page_and_the_url_reproduces_it(
    page: Page, context: BrowserContext, sign_in: SignIn, live_server: LiveServer
) -> None:
    sign_in(context, "ada")
    page.goto("/kpis/company_revenue")
    expect(page.locator(".kpi-value")).to_have_text("245")
    expect(page.locator(".history .kpi-chart svg")).to_be_visible()  # drawn by vega-embed
    screenshot(page, "kpi-targets-en")
    bars = page.locator('[data-breakdown="team"] .kpi-chart svg .mark-rect path')
    expect(bars).to_have_count(2)
    bars.first.click()  # the largest first: APAC
    expect(page).to_have_url(f"{live_server.url}/kpis/company_revenue?team=APAC")
    expect(page.locator(".kpi-value")).to_have_text("200")
    expect(page.locator(".chip")).to_contain_text("team: APAC")
    owners = page.locator('[data-breakdown="owner"] tbody tr')
    expect(owners).to_have_count(1)  # in February, APAC's only deal is Carl's
    expect(owners.first).to_have_attribute("data-member", "carl")
    page.reload()
    expect(page.locator(".kpi-value")).to_have_text("200")
    expect(page.locator('[data-breakdown="team"] .kpi-chart svg .mark-rect path')).to_have_count(2)
    page.locator(".chip").click()  # the chip removes its filter
    expect(page).to_have_url(f"{live_server.url}/kpis/company_revenue")
    expect(page.locator(".kpi-value")).to_have_text("245")


def test_a_bar_drills_down_for_a_member_too(page: Page, context: BrowserContext, sign_in: SignIn) -> None:
    sign_in(context, "dino")
    page.goto("/kpis/team_revenue")
    expect(page.locator(".kpi-value")).to_have_text("45")  # EMEA, the rows Dino may see
    owners = page.locator('[data-breakdown="owner"] .kpi-chart svg .mark-rect path')
    expect(owners).to_have_count(2)
    owners.last.click()  # Mara's 5, the smaller
    expect(page.locator(".kpi-value")).to_have_text("5")
    assert page.url.endswith("/kpis/team_revenue?owner=mara")


def test_the_page_without_javascript_has_the_numbers(browser_without_script: BrowserContext, sign_in: SignIn) -> None:
    sign_in(browser_without_script, "ada")
    page = browser_without_script.new_page()
    page.goto("/kpis/company_revenue")
    page.locator(".history details summary").click()
    expect(page.locator('.history-table tr[data-period="2025-02"] td').first).to_have_text("245")
    page.locator('[data-breakdown="team"] a', has_text="EMEA").click()  # the table's link, as a bar's
    expect(page.locator(".kpi-value")).to_have_text("45")


@pytest.fixture
def browser_without_script(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    """A fresh profile with JavaScript switched off: the page's numbers and links are all in its HTML."""
    made = browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="en-GB")
    yield made
    made.close()


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "What it measures"),
        ("it", "Che cosa misura"),
        ("pl", "Co mierzy"),
        ("zh", "衡量什么"),
    ],
)
def test_the_page_in_each_language(
    page: Page, context: BrowserContext, sign_in: SignIn, language: str, words: str
) -> None:
    sign_in(context, "ada")
    page.goto(f"/kpis/deals_won?lang={language}")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator(".explanation")).to_contain_text(words)  # the catalogue's explanation
    expect(page.locator(".kpi-value")).to_have_text("3")  # February's deals: Bruno's, Mara's, Carl's
    expect(page.locator('[data-breakdown="team"] .kpi-chart svg')).to_be_visible()
    screenshot(page, f"kpi-{language}")


def test_the_list_links_each_kpi(page: Page, context: BrowserContext, sign_in: SignIn, live_server: LiveServer) -> None:
    sign_in(context, "carl")
    page.goto("/kpis")
    expect(page.locator('[data-kpi="team_revenue"] .value')).to_have_text("200")
    expect(page.locator('[data-kpi="managers_revenue"]')).to_have_count(0)
    screenshot(page, "kpis-en")
    page.get_by_role("link", name="team_revenue").click()
    expect(page).to_have_url(f"{live_server.url}/kpis/team_revenue")
    expect(page.locator(".kpi-value")).to_have_text("200")


def test_a_filtered_page_is_accessible_and_fits_a_phone(page: Page, context: BrowserContext, sign_in: SignIn) -> None:
    """With its chips, a told problem and every chart drawn (axe-core, as tests/web/test_accessibility.py runs it)."""
    sign_in(context, "ada")
    page.goto("/kpis/company_revenue?team=EMEA&region=Europe")
    expect(page.locator(".problems")).to_contain_text("This KPI has no dimension 'region'")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-kpi-chart]')].every(e => e.querySelector('svg'))"
    )
    refused = a11y.axe_violations(page)
    assert not refused, [(v["id"], [node["target"] for node in v["nodes"]][:3]) for v in refused]
    page.set_viewport_size(a11y.PHONE)
    page.reload()
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-kpi-chart]')].every(e => e.querySelector('svg'))"
    )
    assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    screenshot(page, "kpi-phone-en")
