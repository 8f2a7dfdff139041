"""Target editing in Debian's Chromium (docs/dashboard.md, "Target editing"): an editor picks a suggestion, previews
the status the values would give and saves them; the history chart is drawn. Screenshots per language go to
tests/web/screenshots/ (targets-en, -it, -pl, -zh).

The numbers are the deals of tests/permissions/org_support.py, by hand: company_revenue is 130 in January 2025 and
245 in February (the history before March), and 400 + 1000 = 1400 in March."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.web.web_support import LiveServer, SignIn, screenshot

PAGE = "/kpis/company_revenue/targets?period=2025-03"


def test_pick_preview_and_save(page: Page, live_server: LiveServer, sign_in: SignIn) -> None:
    sign_in(page.context, "eddie")
    page.goto(PAGE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Targets of company_revenue")
    expect(page.locator(".history-chart svg")).to_be_visible()  # drawn by vega-embed from the page's own spec
    page.locator('a[data-pick="last"]').click()  # the last month of history, February's 245, as the target
    target = page.get_by_label("Target", exact=True)
    expect(target).to_have_value("245")
    page.get_by_label("Commit", exact=True).fill("1000")
    target.fill("1200")
    page.get_by_label("Stretch", exact=True).fill("1500")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("[data-preview-status]")).to_have_attribute("data-preview-status", "achieved")  # 1400 > 1200
    expect(target).to_have_value("1200")  # the typed values are kept
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("The targets are saved.")
    expect(page.locator('[data-now="target"]')).to_have_text("1,200")


def test_a_refused_value_is_said_on_the_form(page: Page, live_server: LiveServer, sign_in: SignIn) -> None:
    sign_in(page.context, "eddie")
    page.goto("/kpis/company_revenue/targets?period=2025-06")
    page.get_by_label("Commit", exact=True).fill("1000")
    page.get_by_label("Target", exact=True).fill("1200")
    page.get_by_label("Stretch", exact=True).fill("1100")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("commit <= target <= stretch")
    expect(page.get_by_label("Stretch", exact=True)).to_have_value("1100")


def test_screenshots_in_each_language(page: Page, live_server: LiveServer, sign_in: SignIn) -> None:
    sign_in(page.context, "eddie")
    for language, heading in (
        ("en", "Targets of company_revenue"),
        ("it", "Obiettivi di company_revenue"),
        ("pl", "Cele: company_revenue"),
        ("zh", "company_revenue 的目标"),
    ):
        page.goto(f"{PAGE}&method=last&lang={language}")
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        expect(page.locator(".history-chart svg")).to_be_visible()
        screenshot(page, f"targets-{language}")


def test_a_member_is_told_they_may_not(page: Page, live_server: LiveServer, sign_in: SignIn) -> None:
    sign_in(page.context, "dino")
    response = page.goto(PAGE)
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Only editors and administrators may edit targets")
