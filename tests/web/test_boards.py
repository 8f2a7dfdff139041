"""Boards, TV mode, goals and the SMART check in Debian's Chromium (docs/dashboard.md#boards): a team board with each
reader's numbers (the deals of tests/permissions/org_support.py in 2025-02, by hand: EMEA 40 + 5 = 45, the company
40 + 5 + 200 = 245), its cards above the fold, the TV rotation as the browser follows it, and the screenshots of
each page (tests/web/screenshots/)."""

from __future__ import annotations

from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.web.web_support import LiveServer, SignIn, screenshot

LAPTOP = {"width": 1280, "height": 800}


def test_a_member_opens_his_team_board(context: BrowserContext, page: Page, sign_in: SignIn) -> None:
    sign_in(context, "dino")
    page.goto("/boards")
    page.get_by_role("link", name="EMEA", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("EMEA, February 2025")
    expect(page.locator('[data-kpi="team_revenue"] .value')).to_have_text("45")
    expect(page.locator('[data-kpi="company_revenue"] .value')).to_have_text("45")  # EMEA's rows only
    expect(page.locator('[data-kpi="managers_revenue"]')).to_have_count(0)
    expect(page.locator('.board-group[data-goal="grow"] h2')).to_have_text("grow")
    screenshot(page, "board-en")
    for language, heading in (("it", "EMEA, febbraio 2025"), ("pl", "EMEA, luty 2025"), ("zh", "EMEA")):
        page.goto(f"/boards/team/emea?lang={language}")
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        screenshot(page, f"board-{language}")


def test_twelve_cards_fit_above_the_fold(context: BrowserContext, page: Page, sign_in: SignIn) -> None:
    sign_in(context, "ada")  # an admin sees all twelve KPIs of the company
    page.set_viewport_size(LAPTOP)
    page.goto("/boards/company")
    cards = page.locator(".card")
    expect(cards).to_have_count(12)
    bottoms = [box["y"] + box["height"] for box in (cards.nth(i).bounding_box() for i in range(12)) if box]
    assert len(bottoms) == 12
    assert max(bottoms) <= LAPTOP["height"], bottoms


def test_tv_mode_moves_on_by_itself(context: BrowserContext, page: Page, sign_in: SignIn) -> None:
    sign_in(context, "dino")
    page.clock.install()  # the page's timers run on a clock the test moves: no real waiting
    page.goto("/tv?boards=team:emea,company&every=5")
    expect(page.get_by_role("heading", level=1)).to_have_text("EMEA, February 2025")
    expect(page.locator("header")).to_have_count(0)  # no navigation, no language switch, no sign-out
    expect(page.locator('[data-kpi="team_revenue"] .value')).to_have_text("45")
    screenshot(page, "tv-en")
    # After five seconds the page loads the next board by itself.
    page.clock.fast_forward(6_000)
    expect(page.get_by_role("heading", level=1)).to_have_text("Company scorecard, February 2025", timeout=15_000)
    assert "at=1" in page.url
    expect(page.locator('[data-kpi="company_revenue"] .value')).to_have_text("245")


def test_tv_mode_pauses(context: BrowserContext, page: Page, sign_in: SignIn) -> None:
    sign_in(context, "dino")
    page.clock.install()
    page.goto("/tv?boards=team:emea,company&every=5")
    pause = page.get_by_role("button", name="Pause the rotation")
    pause.click()
    expect(pause).to_have_attribute("aria-pressed", "true")
    page.clock.fast_forward(6_000)  # past the five seconds: still the first board
    expect(page.get_by_role("heading", level=1)).to_have_text("EMEA, February 2025")
    pause.click()
    page.clock.fast_forward(6_000)
    expect(page.get_by_role("heading", level=1)).to_have_text("Company scorecard, February 2025", timeout=15_000)


def test_tv_mode_without_javascript(browser: Browser, live_server: LiveServer, sign_in: SignIn) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="en-GB")
    try:
        sign_in(context, "dino")
        page = context.new_page()
        page.goto("/tv?boards=team:emea,company&every=5")
        expect(page.get_by_role("button", name="Pause the rotation")).to_be_hidden()
        # The <noscript> meta refresh moves on by itself.
        expect(page.get_by_role("heading", level=1)).to_have_text("Company scorecard, February 2025", timeout=15_000)
    finally:
        context.close()


def test_goals_and_smart_pages(context: BrowserContext, page: Page, sign_in: SignIn) -> None:
    sign_in(context, "ada")
    page.goto("/goals")
    expect(page.get_by_role("heading", level=1)).to_have_text("Goals and the KPI matrix, February 2025")
    expect(page.locator('tr[data-goal="grow"] td.weight')).to_have_count(3)
    screenshot(page, "goals-en")
    page.get_by_role("link", name="SMART check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The SMART check")
    expect(page.locator('.smart-kpi[data-kpi="company_revenue"] .fix').first).to_be_visible()
    screenshot(page, "smart-en")
