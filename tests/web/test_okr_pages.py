"""Checking in, in Debian's Chromium (docs/dashboard.md#okr-pages): Anna opens the check-in screen, checks in on her
key result "Calls made" (the cycle of tests/server/test_okr_pages.py: 30 of 100 so far) and sees her check-in on the
objective's page, with the chart of the values typed drawn. Screenshots: okr-check-in-en, okr-objective-en."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.server.test_okr_pages import Okrs, build_okrs
from tests.web.web_support import LiveServer, SignIn, screenshot


@pytest.fixture(scope="module")
def okrs(live_server: LiveServer) -> Okrs:
    return build_okrs(live_server.company.root)


def test_a_check_in_shows_on_the_objective_page(page: Page, okrs: Okrs, sign_in: SignIn) -> None:
    sign_in(page.context, "anna")
    page.goto("/okrs/check-in")
    form = page.locator(f'section[data-key-result="{okrs.key_results["Calls made"]}"]')
    form.get_by_label("Confidence").select_option("8")
    form.get_by_label("Value").fill("45")
    form.get_by_label("Note").fill("The second caller started")
    screenshot(page, "okr-check-in-en")
    form.get_by_role("button", name="Check in").click()
    expect(page.get_by_role("status")).to_have_text("Check-in saved: Calls made.")
    page.goto(f"/okrs/objectives/{okrs.anna}")
    calls = page.locator(f'section[data-key-result="{okrs.key_results["Calls made"]}"]')
    expect(calls.locator("[data-progress]")).to_have_text("45%")  # 45 of 100
    expect(calls.locator("tr.okr-check-in").first).to_contain_text("The second caller started")
    expect(calls.locator("[data-confidence]")).to_have_text("8 (on track)")
    expect(calls.locator(".history-chart svg")).to_be_visible()  # drawn by vega-embed from the page's own spec
    screenshot(page, "okr-objective-en")
