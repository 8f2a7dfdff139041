"""Share links in Debian's Chromium (docs/dashboard.md#sharing-and-embedding): a link made from the /shares page,
opened in a fresh browser that never signed in (Dino's numbers: EMEA in 2025-02 is Bruno's 40 + Mara's 5 = 45, by
hand from tests/permissions/org_support.py), embedded in another site's page (the live server under another host
name: another origin), revoked, and gone on reload. Screenshots per language go to tests/web/screenshots/."""

from __future__ import annotations

import re
from html import escape

import pytest
from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from playwright.sync_api import Browser, Page, expect

from tests.web.web_support import LiveServer, SignIn, screenshot


@pytest.fixture(scope="module")
def test_routes() -> APIRouter:
    """Another site's page that embeds a link twice: as `?embed=1` (allowed) and as the plain page (refused)."""
    routes = APIRouter()

    @routes.get("/test/embedding")
    def embedding(src: str) -> HTMLResponse:
        shown = escape(src)
        return HTMLResponse(
            '<!doctype html><html lang="en"><head><title>Intranet</title></head><body><h1>Intranet</h1>'
            f'<iframe name="embedded" title="embedded" src="{shown}?embed=1" width="700" height="600"></iframe>'
            f'<iframe name="plain" title="plain" src="{shown}" width="300" height="200"></iframe></body></html>',
            # The test page itself must not refuse being shown; its own framing is not what is tested.
            headers={"Content-Security-Policy": "frame-ancestors 'self'"},
        )

    return routes


def make_link_on_the_page(page: Page, live_server: LiveServer) -> str:
    """Dino shares team_revenue for 2025-02 through the form, as `Share` on a KPI page would open it."""
    page.goto("/shares?kind=kpi&name=team_revenue&period=2025-02")
    expect(page.get_by_label("KPI or board (company, team:name)")).to_have_value("team_revenue")
    page.get_by_role("button", name="Create the link").click()
    expect(page).to_have_url(re.compile(r"/shares\?made=\d+$"))
    made = page.locator("tr.made")
    expect(made.locator(".share-status")).to_have_text("Working")
    link = made.locator("input.share-url").input_value()
    assert link.startswith(f"{live_server.url}/s/")
    return link


def test_a_link_made_on_the_page_works_signed_out_until_revoked(
    browser: Browser, page: Page, live_server: LiveServer, sign_in: SignIn
) -> None:
    sign_in(page.context, "dino")
    link = make_link_on_the_page(page, live_server)
    screenshot(page, "shares-en")

    stranger = browser.new_context(locale="en-GB", timezone_id="UTC")  # never signed in
    try:
        shared = stranger.new_page()
        shared.goto(link)
        expect(shared.get_by_role("heading", level=1)).to_have_text("team_revenue")
        expect(shared.locator('[data-kpi="team_revenue"] .value')).to_have_text("45")
        expect(shared.locator(".share-chart svg")).to_be_visible()  # the KPI page's chart, drawn by vega-embed
        expect(shared.locator("nav.pages")).to_have_count(0)
        expect(shared.get_by_role("button", name="Sign out")).to_have_count(0)
        for language in ("en", "it", "pl", "zh"):
            shared.goto(f"{link}?lang={language}")
            expect(shared.locator("html")).to_have_attribute("lang", language)
            expect(shared.locator('[data-kpi="team_revenue"] .value')).to_have_text("45")
            screenshot(shared, f"share-{language}")

        page.get_by_role("button", name="Revoke the link to team_revenue").first.click()
        expect(page).to_have_url(f"{live_server.url}/shares")
        shared.goto(link)
        expect(shared.get_by_role("heading", level=1)).to_have_text("This link no longer works")
        expect(shared.locator('[data-kpi="team_revenue"]')).to_have_count(0)
        screenshot(shared, "share-gone-en")
    finally:
        stranger.close()


def test_another_site_embeds_the_link_and_only_as_embed(
    browser: Browser, page: Page, live_server: LiveServer, sign_in: SignIn
) -> None:
    sign_in(page.context, "dino")
    link = make_link_on_the_page(page, live_server)
    other_site = live_server.url.replace("127.0.0.1", "localhost")  # another origin, the same server
    intranet = browser.new_context(locale="en-GB", timezone_id="UTC")
    try:
        host = intranet.new_page()
        host.goto(f"{other_site}/test/embedding?src={link}")
        embedded = host.frame_locator('iframe[name="embedded"]')
        expect(embedded.locator('[data-kpi="team_revenue"] .value')).to_have_text("45")
        expect(embedded.locator(".share-chart svg")).to_be_visible()
        expect(embedded.locator("header.bar")).to_have_count(0)  # minimal chrome
        plain = host.frame(name="plain")
        assert plain is not None
        plain.wait_for_load_state()
        # The plain page refuses to be framed (frame-ancestors 'none'): the browser shows nothing of it.
        assert plain.locator('[data-kpi="team_revenue"]').count() == 0
        screenshot(host, "share-embedded-en")
    finally:
        intranet.close()
