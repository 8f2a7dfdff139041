"""Good citizenship of every page, in Debian's Chromium (docs/dashboard.md#accessibility-and-phones): axe-core finds no
serious or critical violation, and at a phone's width (390 px) nothing is wider than the screen. Every page means
every GET page route of kpilot.server.web (the list tests/server/test_page_words.py checks the words of), opened as
Ada (an admin, who may open them all). A screenshot of each page goes to tests/web/screenshots/, in each language
with KPILOT_SCREENSHOTS=all (`make screenshots` sets it, and copies them to docs/screenshots/).

axe-core comes from the npm registry, pinned in package-lock.json (a development dependency: `make assets` installs
it into node_modules/ and it is never served by kpilot)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from kpilot.i18n import Language
from tests.server.test_okr_pages import build_okrs
from tests.server.test_page_words import page_paths
from tests.web.web_support import PASSWORD, ROOT, LiveServer, screenshot

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
REFUSED = ("serious", "critical")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 720}  # Playwright's default
# The elements that stick out past the screen's right edge (for the message of a failure).
WIDE = """() => [...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 6)
    .map((e) => `${e.tagName.toLowerCase()} ${Math.round(e.getBoundingClientRect().right)}`)"""


def shot_name(path: str, language: Language) -> str:
    slug = "shared-kpi" if path.startswith("/s/") else path.strip("/").replace("/", "-") or "my-kpis"
    return f"page-{slug}-{language.value}"


def settled(page: Page) -> None:
    """The page loaded, with its charts drawn (an open event stream never lets the network be idle)."""
    page.wait_for_load_state("load")
    page.wait_for_function("() => [...document.querySelectorAll('[data-spark]')].every(e => e.querySelector('svg'))")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate("async () => (await axe.run(document)).violations")
    return [violation for violation in found if violation["impact"] in REFUSED]


def shared_path(page: Page) -> str:
    """A new share link of the signed-in reader's to team_revenue, made through the form of /shares: `/s/<token>`."""
    page.goto("/shares")
    csrf = page.locator('input[name="csrf"]').first.get_attribute("value")
    form = {"kind": "kpi", "name": "team_revenue", "scope": "", "period": "", "grain": "month", "days": "30"}
    made = page.request.post("/shares", form={**form, "csrf": csrf or ""}, max_redirects=0)
    assert made.status == 303, made.text()
    page.goto(made.headers["location"])
    url = page.locator("input.share-url").first.get_attribute("value") or ""
    return "/s/" + url.split("/s/", 1)[1].split("?")[0]


@pytest.fixture(scope="module")
def admin(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """Ada's page, signed in once for the module, as the `sign_in` fixture signs in (each test sets the desktop size
    again)."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="UTC")
    answer = context.request.post("/api/v1/session", data={"email": live_server.email("ada"), "password": PASSWORD})
    assert answer.status == 200, answer.text()
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def okrs(live_server: LiveServer) -> None:
    """The OKR cycle of tests/server/test_okr_pages.py, so that the OKR pages have objectives to show (objective 1
    is the sample of tests/server/test_page_words.py)."""
    build_okrs(live_server.company.root)


# Every language's page is opened (and screenshotted) for `make screenshots` (KPILOT_SCREENSHOTS=all); otherwise the
# English one only: each page's words in every language are checked without a browser (tests/server/test_page_words).
ENGLISH_LAST = [*(language for language in Language if language is not Language.EN), Language.EN]
LANGUAGES = ENGLISH_LAST if os.environ.get("KPILOT_SCREENSHOTS") == "all" else [Language.EN]


@pytest.mark.parametrize("path", page_paths())
def test_every_page_is_accessible_and_fits_a_phone(admin: Page, okrs: None, path: str) -> None:
    assert AXE.exists(), f"{AXE} is missing: `make assets` installs it (npm ci)"
    page = admin
    page.set_viewport_size(DESKTOP)
    if "/s/TOKEN" in path:
        path = path.replace("/s/TOKEN", shared_path(page))
    for language in LANGUAGES:  # the English page stays open for axe
        joiner = "&" if "?" in path else "?"
        response = page.goto(f"{path}{joiner}lang={language.value}")
        assert response is not None
        assert response.status == 200, (path, response.status)
        settled(page)
        screenshot(page, shot_name(path, language))
    refused = axe_violations(page)
    described = [(v["id"], v["impact"], [node["target"] for node in v["nodes"]][:3], v["help"]) for v in refused]
    assert not refused, f"{path}: {described}"
    page.set_viewport_size(PHONE)
    page.reload()  # as a phone opens it: the charts sized for its width
    settled(page)
    wider = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert wider <= 0, f"{path} is {wider} px wider than a phone's screen: {page.evaluate(WIDE)}"
