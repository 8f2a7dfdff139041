"""What the browser tests share (docs/dashboard.md#browser-tests): the live server's address, the sign-in helper's
type, screenshots, and the built browser assets: where `make assets` puts them and the versions package-lock.json
pins."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import BrowserContext, Page

from tests.server.server_support import Company

ROOT = Path(__file__).parents[2]
VENDOR = ROOT / "src" / "kpilot" / "server" / "web" / "static" / "vendor"
LOCK = ROOT / "package-lock.json"
SCREENSHOTS = Path(__file__).parent / "screenshots"  # gitignored; written by the tests, read by people
PASSWORD = "correct horse battery staple"  # every person's password on the live server

# name under /static/vendor/ -> (npm package, the file in that package); the pages load these names.
VENDOR_FILES = {
    "htmx.min.js": ("htmx.org", "dist/htmx.min.js"),
    "htmx-ext-sse.min.js": ("htmx-ext-sse", "dist/sse.min.js"),
    "vega.min.js": ("vega", "build/vega.min.js"),
    "vega-lite.min.js": ("vega-lite", "build/vega-lite.min.js"),
    "vega-embed.min.js": ("vega-embed", "build/vega-embed.min.js"),
}


def locked_version(package: str) -> str:
    """The version package-lock.json installs for `package` (a direct dependency, at the top of node_modules)."""
    lock = json.loads(LOCK.read_text(encoding="utf-8"))
    return str(lock["packages"][f"node_modules/{package}"]["version"])


@dataclass(frozen=True)
class LiveServer:
    company: Company
    url: str  # http://127.0.0.1:<port>, no trailing slash

    def email(self, name: str) -> str:
        return f"{name}@acme.example"


# sign_in(context, name) -> the API's answer; the fixture `sign_in` of tests/web/conftest.py
SignIn = Callable[[BrowserContext, str], dict[str, object]]


def screenshot(page: Page, name: str) -> Path:
    """Writes the page's screenshot to tests/web/screenshots/<name>.png and returns the path."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
