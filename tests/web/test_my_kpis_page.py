"""My KPIs in Debian's Chromium (docs/dashboard.md#my-kpis): signing in through the page's own form, the cards with
each reader's numbers (the deals of tests/permissions/org_support.py in 2025-02, by hand: EMEA 40 + 5, APAC 200),
the sparklines drawn by vega-embed, and the language switch, which sticks to the person. Screenshots per language
go to tests/web/screenshots/."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.web.web_support import PASSWORD, LiveServer, screenshot


def sign_in_with_the_form(page: Page, live_server: LiveServer, name: str) -> None:
    page.goto("/")
    expect(page).to_have_url(f"{live_server.url}/sign-in?next=/")
    page.get_by_label("E-mail address").fill(live_server.email(name))
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/")


def test_a_member_signs_in_and_sees_their_cards(page: Page, live_server: LiveServer) -> None:
    sign_in_with_the_form(page, live_server, "dino")
    expect(page.get_by_role("heading", level=1)).to_have_text("My KPIs, February 2025")
    team = page.locator('[data-kpi="team_revenue"]')
    expect(team.locator(".value")).to_have_text("45")
    expect(team.locator(".spark svg")).to_be_visible()  # drawn by vega-embed from the page's own spec
    # Loaded after the page (htmx): EMEA's rows, January 30 -> February 45; bruno's 40 tells most of it.
    expect(team.locator(".moved")).to_have_text(
        "team_revenue rose 15, from 30 to 45: 40 more from bruno", timeout=15_000
    )  # fmt: skip
    expect(page.locator('[data-kpi="managers_revenue"]')).to_have_count(0)
    screenshot(page, "my-kpis-en")


def test_another_reader_another_number(page: Page, live_server: LiveServer) -> None:
    sign_in_with_the_form(page, live_server, "carl")
    expect(page.locator('[data-kpi="team_revenue"] .value')).to_have_text("200")


def test_the_language_switch_sticks(page: Page, live_server: LiveServer) -> None:
    sign_in_with_the_form(page, live_server, "anna")
    for language, heading in (("it", "I miei KPI, febbraio 2025"), ("pl", "Moje KPI, luty 2025"), ("zh", "我的 KPI")):
        page.locator(f'.languages button[value="{language}"]').click()
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        page.reload()
        expect(page.locator("html")).to_have_attribute("lang", language)  # kept with the person
        screenshot(page, f"my-kpis-{language}")
    page.locator('.languages button[value="en"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_signing_out(page: Page, live_server: LiveServer) -> None:
    sign_in_with_the_form(page, live_server, "dino")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{live_server.url}/sign-in")
    page.goto("/")
    expect(page).to_have_url(f"{live_server.url}/sign-in?next=/")
