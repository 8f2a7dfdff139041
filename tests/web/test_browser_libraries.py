"""The browser libraries, as the live server serves them from /static/vendor/, work together in Chromium: each is
the locked version; vega-embed draws a Vega-Lite chart to scale; htmx swaps a fragment on a click; the
htmx-ext-sse extension swaps one a server-sent event brings; and the page logs no error or warning (an htmx 1
extension under htmx 2, say, warns). A test-only page, so that nothing here waits for the dashboard's pages.

The chart's numbers are the served company's team totals (tests/permissions/org_support.py, by hand): EMEA rows
1-4 and 8, 10 + 20 + 40 + 5 + 1000 = 1075; APAC rows 5-7, 100 + 200 + 400 = 700."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, StreamingResponse
from playwright.sync_api import BrowserContext, ConsoleMessage, Page

from tests.web.web_support import LiveServer, SignIn, locked_version, screenshot

TOTALS = {"EMEA": 1075, "APAC": 700}

SPEC = {
    "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
    "data": {"values": [{"team": team, "amount": amount} for team, amount in TOTALS.items()]},
    "mark": "bar",
    "encoding": {
        "x": {"field": "team", "type": "nominal", "sort": None},
        "y": {"field": "amount", "type": "quantitative"},
    },
}

PAGE = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>browser libraries</title>
  <link rel="icon" href="data:,">
  <script src="/static/vendor/htmx.min.js"></script>
  <script src="/static/vendor/htmx-ext-sse.min.js"></script>
  <script src="/static/vendor/vega.min.js"></script>
  <script src="/static/vendor/vega-lite.min.js"></script>
  <script src="/static/vendor/vega-embed.min.js"></script>
</head>
<body>
  <div id="chart"></div>
  <button id="load" hx-get="/_test/fragment" hx-target="#slot">load</button>
  <div id="slot">empty</div>
  <div id="live" hx-ext="sse" sse-connect="/_test/events" sse-swap="total">waiting</div>
  <script>
    window.drawn = vegaEmbed("#chart", {json.dumps(SPEC)}, {{renderer: "svg", actions: false}}).then(() => true);
  </script>
</body>
</html>"""


@pytest.fixture(scope="module")
def test_routes() -> APIRouter:
    routes = APIRouter(prefix="/_test")

    @routes.get("/page", response_class=HTMLResponse)
    def page() -> str:
        return PAGE

    @routes.get("/fragment", response_class=HTMLResponse)
    def fragment() -> str:
        return '<p id="swapped">EMEA 1075</p>'

    @routes.get("/events")
    def events(request: Request) -> StreamingResponse:
        # One event, then the stream stays open, as a live page's does (a stream that ends is an error to
        # EventSource, which htmx logs), until the browser goes away.
        async def stream() -> AsyncIterator[str]:
            yield 'event: total\ndata: <span id="total">1775</span>\n\n'
            while not await request.is_disconnected():
                await asyncio.sleep(0.05)

        return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"})

    return routes


def _open(page: Page) -> list[str]:
    """Opens the test page; returns the list the page's errors and warnings are collected in."""
    problems: list[str] = []

    def logged(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            problems.append(f"{message.type}: {message.text}")

    page.on("console", logged)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    response = page.goto("/_test/page")
    assert response is not None
    assert response.status == 200
    return problems


def test_the_served_libraries_are_the_locked_versions(page: Page) -> None:
    problems = _open(page)
    versions = page.evaluate("() => [htmx.version, vega.version, vegaLite.version, vegaEmbed.version]")
    assert versions == [locked_version(package) for package in ("htmx.org", "vega", "vega-lite", "vega-embed")]
    # the extension registered itself with this htmx (it adds htmx.createEventSource when it does)
    assert page.evaluate("() => typeof htmx.createEventSource") == "function"
    assert problems == []


def test_vega_embed_draws_the_chart_to_scale(page: Page) -> None:
    problems = _open(page)
    assert page.evaluate("() => window.drawn") is True
    bars = page.locator("#chart svg .mark-rect path")
    assert bars.count() == len(TOTALS)
    heights = []
    for index in range(bars.count()):
        box = bars.nth(index).bounding_box()
        assert box is not None
        heights.append(box["height"])
    # A linear scale from zero: the bars' heights are in the ratio of the amounts, EMEA first (sort: null).
    assert heights[0] / heights[1] == pytest.approx(TOTALS["EMEA"] / TOTALS["APAC"], rel=0.01)
    screenshot(page, "browser-libraries")
    assert problems == []


def test_htmx_swaps_a_fragment_on_a_click(page: Page) -> None:
    problems = _open(page)
    page.click("#load")
    page.wait_for_selector("#slot #swapped")
    assert page.text_content("#slot") == "EMEA 1075"
    assert problems == []


def test_the_sse_extension_swaps_a_server_sent_fragment(page: Page) -> None:
    problems = _open(page)
    page.wait_for_selector("#live #total")
    assert page.text_content("#live") == "1775"
    assert problems == []


def test_signing_in_through_the_api_gives_the_browser_the_session(
    context: BrowserContext, page: Page, sign_in: SignIn, live_server: LiveServer
) -> None:
    _open(page)
    me = "() => fetch('/api/v1/me').then(answer => answer.status)"
    assert page.evaluate(me) == 401
    answer = sign_in(context, "anna")
    assert answer["roles"] == ["member"]
    cookies = {cookie["name"]: cookie for cookie in context.cookies(live_server.url)}
    assert cookies["kpilot_session"].get("httpOnly") is True
    assert cookies["kpilot_csrf"]["value"] == answer["csrf_token"]
    who = page.evaluate("() => fetch('/api/v1/me').then(answer => answer.json())")
    assert who["email"] == "anna@acme.example"
