"""Browser tests (docs/dashboard.md#browser-tests): a live kpilot server on 127.0.0.1 over the served company of
tests/server/server_support.py, Debian's Chromium driven by Playwright, and signing in through the API.

One server a test module (on each xdist worker that runs the module), one browser a worker, one fresh context and
page a test, so that cookies never leak from one test to the next. The browser is /usr/bin/chromium (`make test`
installs Debian's package when it is missing); Playwright's own browser downloads are never used."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import uvicorn
from fastapi import APIRouter
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from kpilot import Workspace
from kpilot.auth.actor import Actor
from kpilot.server import create_app
from kpilot.services.accounts import NewPassword, set_password
from kpilot.store import open_store
from tests.permissions.org_support import ROLES
from tests.server.server_support import Company, build_served_company
from tests.web.web_support import PASSWORD, LiveServer, SignIn

CHROMIUM = Path("/usr/bin/chromium")
STARTUP_SECONDS = 20.0  # generous: a worker may be busy with another test's JVM or DuckDB on a 2-core machine
SHUTDOWN_SECONDS = 5  # then uvicorn drops what is still open (an event stream of a page left open, say)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/web is a `web` test (`pytest -m web` runs only them, `-m "not web"` skips them)."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.web)


@pytest.fixture(scope="module")
def test_routes() -> APIRouter:
    """Extra routes for the live server, for a test module that needs a page of its own (a module overrides this
    fixture); the application's own routes are never changed."""
    return APIRouter()


@pytest.fixture(scope="session")
def served_template(tmp_path_factory: pytest.TempPathFactory) -> Company:
    """The served company with every person of tests/permissions/org_support.py given an account, a read token and
    the password PASSWORD: built once a worker (nine Argon2 hashes take seconds), copied for each module."""
    company = build_served_company(tmp_path_factory.mktemp("web-template") / "ws")
    _give_passwords(company.root)
    return company


@pytest.fixture(scope="module")
def live_server(
    tmp_path_factory: pytest.TempPathFactory, served_template: Company, test_routes: APIRouter
) -> Iterator[LiveServer]:
    """`kpilot serve` in a background thread: uvicorn on a port the kernel picked, over a copy of the served
    company of this module's own (the workspace holds only relative paths, and the server's secret is made at its
    first start, so each copy has its own)."""
    root = tmp_path_factory.mktemp("web") / "ws"
    shutil.copytree(served_template.root, root)
    company = Company(root, served_template.tokens)
    app = create_app(company.root)
    app.include_router(test_routes)
    # A socket bound before uvicorn starts: the port is known, and no other process can take it in between.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=SHUTDOWN_SECONDS)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, name="kpilot-live-server")
    thread.start()
    try:
        _wait_until_started(server, thread)
        yield LiveServer(company, f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        thread.join()
        listener.close()


def _give_passwords(root: Path) -> None:
    now = datetime.now(UTC)
    with Workspace(root) as workspace, open_store(workspace) as store:
        for name in ROLES:
            set_password(store, Actor.operator(), f"{name}@acme.example", NewPassword(PASSWORD), now=now)


def _wait_until_started(server: uvicorn.Server, thread: threading.Thread) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"the live kpilot server did not start within {STARTUP_SECONDS} s")
        time.sleep(0.02)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless, one a worker."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package (apt-get install chromium)")
    launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
    yield launched
    launched.close()


@pytest.fixture
def context(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    """A fresh browser profile (no cookies) whose relative URLs go to the live server."""
    made = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id="UTC")
    yield made
    made.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def sign_in(live_server: LiveServer) -> SignIn:
    """sign_in(context, name): signs `name` in through `POST /api/v1/session`. The request goes through the context's
    own API client, which shares the context's cookie jar, so the session cookie (HttpOnly) and the CSRF cookie are
    the browser's from then on, as after the sign-in page. Returns the API's answer (email, roles, csrf_token)."""

    def signed_in(context: BrowserContext, name: str) -> dict[str, object]:
        response = context.request.post(
            f"{live_server.url}/api/v1/session", data={"email": live_server.email(name), "password": PASSWORD}
        )
        assert response.status == 200, response.text()
        answer: dict[str, object] = response.json()
        return answer

    return signed_in
