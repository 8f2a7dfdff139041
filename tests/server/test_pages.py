"""The web pages over HTTP (kpilot.server.web), without a browser: signing in through the page's form, My KPIs with
each reader's own numbers in their language, and what the forms refuse. The numbers are the deals of
tests/permissions/org_support.py, worked out by hand: the page shows 2025-02, the last complete month of the data (it
ends on 2025-03-20), in which EMEA has two deals (Bruno's 40 and Mara's 5) and APAC one (Carl's 200)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
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


def form_token(api: TestClient, path: str = "/sign-in") -> str:
    page = api.get(path)
    assert page.status_code == 200
    found = re.search(r'name="form_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def signed_in(root: Path, name: str) -> TestClient:
    api = client(root)
    token = form_token(api)
    answer = api.post(
        "/sign-in",
        data={"email": f"{name}@acme.example", "password": PASSWORD, "form_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/"
    assert COOKIE in api.cookies
    return api


def card(html: str, kpi: str) -> str:
    found = re.search(rf'<li class="card[^"]*" data-kpi="{kpi}">(.*?)</li>', html, re.S)
    assert found is not None, f"no card for {kpi}"
    return found.group(1)


def value(html: str, kpi: str) -> str:
    found = re.search(r'<p class="value">([^<]+)', card(html, kpi))
    assert found is not None
    return found.group(1).strip()


def test_signed_out_the_page_asks_to_sign_in(served: Company) -> None:
    api = client(served.root)
    answer = api.get("/", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/sign-in?next=/"
    page = api.get("/sign-in")
    assert '<html lang="en">' in page.text
    assert "Sign in" in page.text


def test_each_reader_sees_their_own_numbers(served: Company) -> None:
    dino = signed_in(served.root, "dino").get("/")
    assert dino.status_code == 200
    assert "My KPIs, February 2025" in dino.text
    assert value(dino.text, "team_revenue") == "45"  # EMEA in February: 40 + 5
    assert value(dino.text, "private_revenue") == "0"  # his own deals in February: none
    carl = signed_in(served.root, "carl").get("/")
    assert value(carl.text, "team_revenue") == "200"  # APAC in February: Carl's deal
    assert value(carl.text, "private_revenue") == "200"
    assert 'data-kpi="managers_revenue"' not in carl.text  # for managers only
    ada = signed_in(served.root, "ada").get("/")
    assert value(ada.text, "company_revenue") == "245"  # every deal in February: 40 + 5 + 200


def test_the_page_in_another_language(served: Company) -> None:
    api = signed_in(served.root, "dino")
    italian = api.get("/?lang=it")
    assert '<html lang="it">' in italian.text
    assert "I miei KPI, febbraio 2025" in italian.text
    assert value(italian.text, "team_revenue") == "45"
    assert "Periodo precedente" in italian.text
    chinese = api.get("/?lang=zh")
    assert "我的 KPI" in chinese.text
    assert "去年同期" in chinese.text


def test_a_wrong_password_says_so_without_saying_which(served: Company) -> None:
    api = client(served.root)
    token = form_token(api)
    answer = api.post(
        "/sign-in", data={"email": "dino@acme.example", "password": "nope", "form_token": token, "next": "/"}
    )
    assert answer.status_code == 401
    assert 'role="alert"' in answer.text
    assert COOKIE not in api.cookies
    assert 'value="dino@acme.example"' in answer.text  # kept, the password not


def test_a_form_from_elsewhere_is_refused(served: Company) -> None:
    api = client(served.root)
    answer = api.post(
        "/sign-in", data={"email": "dino@acme.example", "password": PASSWORD, "form_token": "forged", "next": "/"}
    )
    assert answer.status_code == 400
    assert "This form has expired" in answer.text
    assert COOKIE not in api.cookies


def test_after_signing_in_only_this_site_is_a_destination(served: Company) -> None:
    api = client(served.root)
    for elsewhere in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"):
        token = form_token(api)
        answer = api.post(
            "/sign-in",
            data={"email": "dino@acme.example", "password": PASSWORD, "form_token": token, "next": elsewhere},
            follow_redirects=False,
        )
        assert answer.status_code == 303
        assert answer.headers["location"] == "/"


def test_signing_out_needs_the_page_token(served: Company) -> None:
    api = signed_in(served.root, "dino")
    refused = api.post("/sign-out", data={"csrf": "forged"}, follow_redirects=False)
    assert refused.headers["location"] == "/"
    assert api.get("/", follow_redirects=False).status_code == 200  # still signed in
    csrf = re.search(r'name="csrf" value="([^"]+)"', api.get("/").text)
    assert csrf is not None
    done = api.post("/sign-out", data={"csrf": csrf.group(1)}, follow_redirects=False)
    assert done.headers["location"] == "/sign-in"
    api.cookies.clear()
    assert api.get("/", follow_redirects=False).status_code == 303
