"""The web pages over HTTP (kpilot.server.web), without a browser: signing in through the page's form, My KPIs with
each reader's own numbers in their language, and what the forms refuse. The numbers are the deals of
tests/permissions/org_support.py, worked out by hand: the page shows 2025-02, the last complete month of the data (it
ends on 2025-03-20), in which EMEA has two deals (Bruno's 40 and Mara's 5) and APAC one (Carl's 200)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.dates import format_date
from fastapi.testclient import TestClient

from kpilot import Workspace
from kpilot.auth.actor import Actor
from kpilot.auth.sessions import COOKIE
from kpilot.services.accounts import NewPassword, set_password
from kpilot.store import open_store
from tests.server.server_support import Company, build_served_company, client

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Company:
    company = build_served_company(tmp_path_factory.mktemp("pages") / "ws")
    with Workspace(company.root) as workspace, open_store(workspace) as store:
        for name in ("dino", "carl", "ada"):
            set_password(store, Actor.operator(), f"{name}@acme.example", NewPassword(PASSWORD), now=datetime.now(UTC))
    return company


@pytest.fixture
def api(served: Company) -> Iterator[TestClient]:
    """A browser on the server (closed after the test, with the workspace and store it opened)."""
    with client(served.root) as browser:
        yield browser


def form_token(api: TestClient, path: str = "/sign-in") -> str:
    page = api.get(path)
    assert page.status_code == 200
    found = re.search(r'name="form_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


@contextmanager
def signed_in(root: Path, name: str) -> Iterator[TestClient]:
    """A browser signed in as `name`; its server closed after the block (with the workspace it opened)."""
    with client(root) as api:
        sign_in(api, name)
        yield api


def sign_in(api: TestClient, name: str) -> None:
    token = form_token(api)
    answer = api.post(
        "/sign-in",
        data={"email": f"{name}@acme.example", "password": PASSWORD, "form_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/"
    assert COOKIE in api.cookies


def card(html: str, kpi: str) -> str:
    found = re.search(rf'<li class="card[^"]*" data-kpi="{kpi}">(.*?)</li>', html, re.S)
    assert found is not None, f"no card for {kpi}"
    return found.group(1)


def value(html: str, kpi: str) -> str:
    found = re.search(r'<p class="value">([^<]+)', card(html, kpi))
    assert found is not None
    return found.group(1).strip()


def test_signed_out_the_page_asks_to_sign_in(api: TestClient) -> None:
    answer = api.get("/", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/sign-in?next=/"
    page = api.get("/sign-in")
    assert '<html lang="en">' in page.text
    assert "Sign in" in page.text
    assert 'class="pages"' not in page.text  # no navigation before signing in


def test_the_way_back_after_signing_in_keeps_the_query(api: TestClient) -> None:
    answer = api.get("/?lang=it", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/sign-in?next=/%3Flang%3Dit"  # the whole path, as one parameter


def test_a_signed_in_page_has_the_navigation_and_the_sign_out(served: Company) -> None:
    with signed_in(served.root, "dino") as api:
        english = api.get("/").text
        polish = api.get("/?lang=pl").text
    assert re.search(r'<nav class="pages" aria-label="Pages">\s*<a href="/" aria-current="page">My KPIs</a>', english)
    assert "dino@acme.example" in english
    assert 'action="/sign-out"' in english
    assert re.search(r'aria-label="Strony">\s*<a href="/" aria-current="page">Moje KPI</a>', polish)


def test_each_reader_sees_their_own_numbers(served: Company) -> None:
    with signed_in(served.root, "dino") as api:
        dino = api.get("/")
    assert dino.status_code == 200
    assert "My KPIs, February 2025" in dino.text
    assert value(dino.text, "team_revenue") == "45"  # EMEA in February: 40 + 5
    assert value(dino.text, "private_revenue") == "0"  # his own deals in February: none
    with signed_in(served.root, "carl") as api:
        carl = api.get("/")
    assert value(carl.text, "team_revenue") == "200"  # APAC in February: Carl's deal
    assert value(carl.text, "private_revenue") == "200"
    assert 'data-kpi="managers_revenue"' not in carl.text  # for managers only
    with signed_in(served.root, "ada") as api:
        ada = api.get("/")
    assert value(ada.text, "company_revenue") == "245"  # every deal in February: 40 + 5 + 200


def test_a_card_draws_its_last_twelve_periods(served: Company) -> None:
    with signed_in(served.root, "dino") as api:
        html = api.get("/").text
    found = re.search(
        r"<div class=\"spark\" data-spark[^>]*></div>\s*<script type=\"application/json\">(.*?)</script>",
        card(html, "team_revenue"),
        re.S,
    )
    assert found is not None
    spec = json.loads(found.group(1))
    values = spec["data"]["values"]
    assert len(values) == 12  # 2024-03 to 2025-02
    assert values[0]["period"] == "2024-03-01"
    # EMEA by month, by hand: January 10 + 20, February 40 + 5; before that no deal.
    assert [(v["period"], v["value"]) for v in values[-2:]] == [("2025-01-01", 30.0), ("2025-02-01", 45.0)]
    assert all(v["value"] in (0, None) for v in values[:-2])


def test_the_page_in_another_language(served: Company) -> None:
    with signed_in(served.root, "dino") as api:
        italian = api.get("/?lang=it")
        chinese = api.get("/?lang=zh")
    assert '<html lang="it">' in italian.text
    assert "I miei KPI, febbraio 2025" in italian.text
    assert value(italian.text, "team_revenue") == "45"
    assert "Periodo precedente" in italian.text
    assert "我的 KPI" in chinese.text
    assert "去年同期" in chinese.text


def test_a_wrong_password_says_so_without_saying_which(api: TestClient) -> None:
    token = form_token(api)
    answer = api.post(
        "/sign-in", data={"email": "dino@acme.example", "password": "nope", "form_token": token, "next": "/"}
    )
    assert answer.status_code == 401
    assert 'role="alert"' in answer.text
    assert COOKIE not in api.cookies
    assert 'value="dino@acme.example"' in answer.text  # kept, the password not


def test_a_form_from_elsewhere_is_refused(api: TestClient) -> None:
    answer = api.post(
        "/sign-in", data={"email": "dino@acme.example", "password": PASSWORD, "form_token": "forged", "next": "/"}
    )
    assert answer.status_code == 400
    assert "This form has expired" in answer.text
    assert COOKIE not in api.cookies


def test_after_signing_in_only_this_site_is_a_destination(api: TestClient) -> None:
    for elsewhere in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"):
        token = form_token(api)
        answer = api.post(
            "/sign-in",
            data={"email": "dino@acme.example", "password": PASSWORD, "form_token": token, "next": elsewhere},
            follow_redirects=False,
        )
        assert answer.status_code == 303
        assert answer.headers["location"] == "/"


def test_signing_out_needs_the_page_token(api: TestClient) -> None:
    sign_in(api, "dino")
    refused = api.post("/sign-out", data={"csrf": "forged"}, follow_redirects=False)
    assert refused.headers["location"] == "/"
    assert api.get("/", follow_redirects=False).status_code == 200  # still signed in
    csrf = re.search(r'name="csrf" value="([^"]+)"', api.get("/").text)
    assert csrf is not None
    done = api.post("/sign-out", data={"csrf": csrf.group(1)}, follow_redirects=False)
    assert done.headers["location"] == "/sign-in"
    api.cookies.clear()
    assert api.get("/", follow_redirects=False).status_code == 303


def test_the_language_switch_sticks_to_the_person(served: Company, api: TestClient) -> None:
    sign_in(api, "carl")
    csrf = re.search(r'name="csrf" value="([^"]+)"', api.get("/").text)
    assert csrf is not None
    forged = api.post("/language", data={"language": "pl", "csrf": "forged", "back": "/"}, follow_redirects=False)
    assert forged.status_code == 303
    assert '<html lang="en">' in api.get("/").text  # nothing changed
    chosen = api.post("/language", data={"language": "pl", "csrf": csrf.group(1), "back": "/"}, follow_redirects=False)
    assert chosen.headers["location"] == "/"
    with signed_in(served.root, "carl") as other:  # a new session: the choice is the person's, not the browser's
        again = other.get("/")
    assert '<html lang="pl">' in again.text
    assert "Moje KPI, luty 2025" in again.text
    assert '<html lang="en">' in api.get("/?lang=en").text  # one page in another language, the choice kept
    assert '<html lang="pl">' in api.get("/").text
    with Workspace(served.root) as workspace, open_store(workspace) as store:
        from kpilot.services import audit

        entries = audit.read(store, Actor.operator(), now=datetime.now(UTC), action="person.language_set")
    assert [(entry.target, dict(entry.details)) for entry in entries] == [
        ("carl@acme.example", {"language": "pl", "before": "en"})
    ]
    api.post("/language", data={"language": "en", "csrf": csrf.group(1), "back": "/"})


def test_docs_dashboard_md_describes_every_page() -> None:
    """Each page (every route of kpilot.server.web) has a `### METHOD /path` section in docs/dashboard.md, and no
    section names a page that does not exist."""
    from fastapi.routing import APIRoute

    from kpilot.server.web import ROUTERS

    pages = {
        f"{method} {route.path}"
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in sorted(route.methods)
    }
    text = (Path(__file__).resolve().parents[2] / "docs" / "dashboard.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^### ((?:GET|POST|PUT|PATCH|DELETE) /\S*)$", text, re.M))
    assert pages == documented
    assert {"GET /", "GET /sign-in", "POST /sign-in", "POST /sign-out", "POST /language", "GET /live"} <= pages


def test_my_kpis_shows_the_running_period_on_request(served: Company) -> None:
    """`?period=current`: the running month (today's, in the workspace's UTC), so far; the deals end in 2025-03, so
    Dino's team revenue is 0 so far, marked as partial. Any other value is the last complete period, as without one."""
    today = datetime.now(UTC).date()
    with signed_in(served.root, "dino") as api:
        running = api.get("/", params={"period": "current"})
        other = api.get("/", params={"period": "nonsense"})
    assert running.status_code == 200
    month = format_date(today, "LLLL y", locale="en")
    assert f"My KPIs, {month} so far" in running.text
    assert '<a href="/?period=current" aria-current="page">Running period</a>' in running.text
    card = running.text.split('data-kpi="team_revenue"')[1].split("</li>")[0]
    assert '<p class="value">0 <span class="partial"' in card
    assert "My KPIs, February 2025" in other.text
    assert '<a href="/" aria-current="page">Last complete period</a>' in other.text
