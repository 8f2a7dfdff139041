"""The bonus pages (docs/dashboard.md#bonus-pages) in Debian's Chromium, over the small sales team of
tests/incentives/bonus_support.py with 2025-Q1 run once (tests/api/test_bonus_api.py builds it): the amounts are
the ones worked out by hand in tests/incentives/test_bonus_service.py (anna 3,881.25 = 3,150.00 + 731.25, bruno
2,306.25, dino 1,415.63). A rep sees her own statement only, a manager her reports', a payer runs and approves;
axe-core finds no serious violation; every word of every bonus page is translated.

The company is not the served company of the other page tests (which has no bonus plan), so this module starts its
own live server over it (the `live_server` fixture here overrides tests/web/conftest.py's for this module)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page, expect

from kpilot.i18n import Language
from kpilot.server import create_app
from tests.api.test_bonus_api import build_bonus_company
from tests.server.server_support import Company
from tests.server.test_page_words import same_in_every_language, texts
from tests.web.test_accessibility import axe_violations
from tests.web.web_support import LiveServer, SignIn

ANNA = "/bonus/sales/2025-Q1/anna@acme.example"
PAGES = ("/bonus", "/bonus/team", "/bonus/admin", ANNA)
PEOPLE = {"Anna", "Bruno", "Dino", "Mara", "Carl", "Paula", "Ed", "Otto"}  # data, shown as it is


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    made = build_bonus_company(tmp_path_factory.mktemp("bonus_web") / "ws", passwords=True)
    app = create_app(made.root)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=5))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, name="kpilot-bonus-server")
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            assert thread.is_alive(), "the live server stopped"
            assert time.monotonic() < deadline, "the live server did not start"
            time.sleep(0.02)
        yield LiveServer(Company(made.root, made.tokens), f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        thread.join()
        listener.close()


def test_anna_sees_her_statement_in_italian_and_in_english(
    context: BrowserContext, page: Page, sign_in: SignIn
) -> None:
    sign_in(context, "anna")
    page.goto("/bonus?lang=it")
    # 3,881.25 in Italian's symbols, with the euro's sign after it (CLDR's Italian pattern)
    expect(page.locator("[data-total]")).to_have_text("3.881,25\u00a0€")
    expect(page.locator("[data-line] [data-amount]").first).to_have_text("3.150,00\u00a0€")
    page.goto("/bonus?lang=en")
    expect(page.locator("[data-total]")).to_have_text("3,881.25 EUR")
    expect(page.locator("[data-payable]")).to_have_text("3,881.25 EUR")
    # own revenue: 1,100 of 1,000 is 110 %, which pays 150 % on the default curve; the next 1 % is worth
    # 0.7 x 3,000 x (1.0 / 0.2) x 1 % = 105.00
    own = page.locator("[data-line]").first
    expect(own).to_contain_text("110% of target pays 150%")
    expect(own.locator("[data-next-percent]")).to_have_text("105.00 EUR")
    expect(own.locator("a", has_text="revenue").first).to_have_attribute(
        "href", "/kpis/revenue?period=2025-Q1&owner=anna"
    )


def test_bruno_sees_his_own_and_never_annas(context: BrowserContext, page: Page, sign_in: SignIn) -> None:
    sign_in(context, "bruno")
    page.goto("/bonus?lang=en")
    expect(page.locator("[data-total]")).to_have_text("2,306.25 EUR")  # 1,575.00 + 731.25
    expect(page.locator("main")).not_to_contain_text("Anna")
    expect(page.locator("main")).not_to_contain_text("3,881.25")
    refused = page.goto(ANNA)
    assert refused is not None
    assert refused.status == 403
    expect(page.locator("main")).not_to_contain_text("3,881.25")


def test_mara_sees_her_reports(context: BrowserContext, page: Page, sign_in: SignIn) -> None:
    sign_in(context, "mara")
    page.goto("/bonus/team?lang=en")
    rows = page.locator("table.bonus-team tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator('[data-person="anna@acme.example"]')).to_contain_text("3,881.25 EUR")
    expect(page.locator('[data-person="bruno@acme.example"]')).to_contain_text("2,306.25 EUR")
    expect(page.locator('[data-person="dino@acme.example"]')).to_contain_text("1,415.63 EUR")
    page.locator('[data-person="dino@acme.example"] a').click()
    expect(page.locator("[data-total]")).to_have_text("1,415.63 EUR")
    expect(page.locator("details.bonus-dispute-form")).to_have_count(0)  # only Dino disputes his lines


def test_the_statement_page_has_no_serious_accessibility_violation(
    context: BrowserContext, page: Page, sign_in: SignIn
) -> None:
    sign_in(context, "anna")
    for path in ("/bonus", ANNA):
        page.goto(path)
        page.wait_for_load_state("load")
        assert axe_violations(page) == [], path


def test_anna_disputes_a_line_without_javascript(browser_context_no_js: BrowserContext, sign_in: SignIn) -> None:
    sign_in(browser_context_no_js, "anna")
    page = browser_context_no_js.new_page()
    page.goto(ANNA + "?lang=en")
    line = page.locator("[data-line]").first
    line.locator("summary").click()
    line.locator("textarea").fill("my March deal is missing")
    line.locator("button[type=submit]").click()
    expect(page.locator("[data-disputed]")).to_be_visible()
    expect(page.locator("[data-dispute]").first).to_contain_text("my March deal is missing")


def test_paula_submits_and_otto_approves(browser: Browser, live_server: LiveServer, sign_in: SignIn) -> None:
    for name, step, status in (("paula", "submit", "in review"), ("otto", "approve", "approved")):
        context = browser.new_context(base_url=live_server.url, locale="en-GB")
        try:
            sign_in(context, name)
            page = context.new_page()
            page.goto("/bonus/admin?lang=en")
            page.locator(f'[data-plan="sales"] button[data-step="{step}"]').click()
            expect(page.locator("[data-done]")).to_be_visible()
            expect(page.locator('[data-plan="sales"] [data-status]').first).to_have_text(status)
            assert axe_violations(page) == []
        finally:
            context.close()


def test_anna_may_not_open_the_admin_page(context: BrowserContext, page: Page, sign_in: SignIn) -> None:
    sign_in(context, "anna")
    answer = page.goto("/bonus/admin")
    assert answer is not None
    assert answer.status == 403


@pytest.fixture
def browser_context_no_js(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    made = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    yield made
    made.close()


@pytest.mark.parametrize("language", [language for language in Language if language is not Language.EN], ids=str)
def test_every_word_of_the_bonus_pages_is_translated(
    browser: Browser, live_server: LiveServer, sign_in: SignIn, language: Language
) -> None:
    """As tests/server/test_page_words.py checks every other page: a text on both the English page and the other
    language's is untranslated, unless it is the same in both in the catalogue, or data (names, plans, KPIs)."""
    allowed = same_in_every_language(language) | {"kpilot", "sales", "sales, 2025-Q1", "revenue", "own_revenue"}
    allowed |= {"team_revenue", "company_gate", "EMEA", "Sales", "APAC"}
    allowed |= PEOPLE | {f"2025-Q{quarter}" for quarter in range(1, 5)}  # the plans' periods, by their names
    for name, paths in (("paula", PAGES), ("anna", ("/bonus", ANNA)), ("mara", ("/bonus/team",))):
        context = browser.new_context(base_url=live_server.url)
        try:
            sign_in(context, name)
            for path in paths:
                english = context.request.get(f"{path}?lang=en")
                other = context.request.get(f"{path}?lang={language.value}")
                assert english.status == other.status == 200, (name, path)
                found = {text for text in texts(english.text()) & texts(other.text()) if "@acme.example" not in text}
                assert not (found - allowed), (name, path, sorted(found - allowed))
        finally:
            context.close()


def test_the_statement_downloads_as_a_pdf(context: BrowserContext, page: Page, sign_in: SignIn) -> None:
    """The page's link gives a PDF (its magic number) for Anna; Bruno gets the 403 page, not her PDF."""
    sign_in(context, "anna")
    page.goto(ANNA)
    link = page.locator("[data-pdf]").get_attribute("href") or ""
    assert link == "/bonus/sales/2025-Q1/anna%40acme.example/export.pdf"
    answer = context.request.get(link)
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.body().startswith(b"%PDF-")
    sign_in(context, "bruno")
    refused = context.request.get(link)
    assert refused.status == 403
    assert not refused.body().startswith(b"%PDF-")
