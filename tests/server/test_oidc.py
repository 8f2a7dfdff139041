"""Signing in through a real OpenID Connect provider run on this machine (oidc-provider-mock, in a thread): the
browser is sent to the provider, comes back with a code, and leaves with a kpilot session whose account and roles
come from the provider's claims and the workspace's `oidc:` mapping; a person none of whose groups has a role is
not let in; the provider being down is a 503."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from kpilot import Workspace
from kpilot.auth.actor import Actor
from kpilot.services import audit
from kpilot.store import open_store
from kpilot.store.accounts import Accounts
from tests.server.server_support import Company, build_served_company, client

with warnings.catch_warnings():  # it imports Authlib's deprecated jose module (its concern, not kpilot's)
    warnings.simplefilter("ignore", DeprecationWarning)
    from oidc_provider_mock import User, run_server_in_thread

PEOPLE = [
    User(sub="carl", claims={"email": "carl@acme.example", "email_verified": True, "groups": ["sales", "sales-apac"]}),
    # Dino is in EMEA (org_support.py); the provider now puts him in the APAC group.
    User(sub="dino", claims={"email": "dino@acme.example", "email_verified": True, "groups": ["sales", "sales-apac"]}),
    User(sub="nina", claims={"email": "nina@acme.example", "email_verified": True, "groups": ["kpilot-admins"]}),
    User(sub="olga", claims={"email": "olga@acme.example", "email_verified": True, "groups": ["canteen"]}),
]


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    with run_server_in_thread(user_claims=PEOPLE) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def served(tmp_path: Path, provider: str, monkeypatch: pytest.MonkeyPatch) -> Company:
    company = build_served_company(tmp_path / "ws")
    settings = company.root / "kpilot.yaml"
    settings.write_text(
        settings.read_text()
        + f"oidc:\n  issuer: {provider}\n  client_id: kpilot-tests\n"
        + "  roles: {sales: member, kpilot-admins: admin}\n"
        + "  teams: {sales-emea: EMEA, sales-apac: APAC}\n"
    )
    monkeypatch.setenv("KPILOT_OIDC_CLIENT_SECRET", "a client secret of the tests")
    return company


def sign_in_as(api: TestClient, sub: str) -> httpx.Response:
    """The browser's round trip: kpilot -> the provider's form (answered as `sub`) -> kpilot's callback."""
    to_provider = api.get("/auth/oidc/login", params={"next": "/api/v1/me"}, follow_redirects=False)
    assert to_provider.status_code in (302, 303, 307), to_provider.text
    answered = httpx.post(to_provider.headers["location"], data={"sub": sub}, follow_redirects=False)
    assert answered.status_code in (302, 303), answered.text
    back = urlsplit(answered.headers["location"])
    assert "code" in parse_qs(back.query)
    return api.get(f"{back.path}?{back.query}", follow_redirects=False)


def test_a_provider_sign_in_opens_a_session_with_the_mapped_role(served: Company) -> None:
    with client(served.root) as api:
        back = sign_in_as(api, "carl")
        assert (back.status_code, back.headers["location"]) == (303, "/api/v1/me"), back.text
        me = api.get("/api/v1/me").json()
        assert (me["email"], me["roles"]) == ("carl@acme.example", ["member"])
        assert me["person_id"] is not None  # the organisation's Carl, by e-mail
        # The session sees what Carl may see: APAC's rows of a team KPI (700, see tests/permissions/org_support.py).
        rows = api.get("/api/v1/compute", params={"kpi": "team_revenue", "grain": "all"}).json()["rows"]
        assert rows == [{"team_revenue": 700, "partial": False}]


def test_a_first_sign_in_makes_the_account_and_a_later_one_updates_its_roles(served: Company) -> None:
    with client(served.root) as api:
        assert sign_in_as(api, "nina").status_code == 303
        assert api.get("/api/v1/me").json()["roles"] == ["admin"]
    with Workspace(served.root) as workspace, open_store(workspace) as store, store.reading() as session:
        account = Accounts(session).by_email("nina@acme.example")
    assert account is not None
    assert (account.roles, account.has_password) == (("admin",), False)


def test_no_mapped_group_is_no_entry(served: Company) -> None:
    with client(served.root) as api:
        refused = sign_in_as(api, "olga")
        assert (refused.status_code, refused.json()["error"]["code"]) == (401, "auth.oidc_refused")
        assert api.get("/api/v1/me").status_code == 401


def test_a_provider_that_cannot_be_reached_is_503(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    company = build_served_company(tmp_path / "ws")
    settings = company.root / "kpilot.yaml"
    settings.write_text(settings.read_text() + "oidc:\n  issuer: http://127.0.0.1:9\n  client_id: kpilot-tests\n")
    with client(company.root) as api:
        response = api.get("/auth/oidc/login", follow_redirects=False)
        assert (response.status_code, response.json()["error"]["code"]) == (503, "server.oidc_unavailable")


def test_mapped_groups_move_the_person_between_teams_from_today(served: Company) -> None:
    with client(served.root) as api:
        assert sign_in_as(api, "dino").status_code == 303
        people = {p["email"]: p for p in api.get("/api/v1/people").json()["people"]}
        assert people["dino@acme.example"]["teams"] == ["APAC"]  # left EMEA (mapped, not in his groups), joined APAC
        yesterday = api.get("/api/v1/people", params={"on": "2025-06-01"}).json()["people"]
        assert next(p for p in yesterday if p["name"] == "Dino")["teams"] == ["EMEA"]  # the past stays as it was
        # His team KPI now reads APAC's rows and his own (row 8: 1000): 700 + 1000.
        rows = api.get("/api/v1/compute", params={"kpi": "team_revenue", "grain": "all"}).json()["rows"]
        assert rows == [{"team_revenue": 1700, "partial": False}]
        # Signing in again changes nothing more.
        assert sign_in_as(api, "dino").status_code == 303
        people = {p["email"]: p for p in api.get("/api/v1/people").json()["people"]}
        assert people["dino@acme.example"]["teams"] == ["APAC"]
    with Workspace(served.root) as workspace, open_store(workspace) as store:
        entries = audit.read(store, Actor.operator(), now=datetime.now(UTC), by="dino@acme.example", action="sign_in")
    assert [entry.details for entry in entries] == [
        {"via": "oidc", "teams_joined": ["APAC"], "teams_left": ["EMEA"]},
        {"via": "oidc"},
    ]


def test_the_sign_in_page_offers_the_provider_with_the_same_destination(served: Company) -> None:
    with client(served.root) as api:
        page = api.get("/sign-in", params={"next": "/kpis?region=EMEA"})
        assert page.status_code == 200
        assert 'href="/auth/oidc/login?next=%2Fkpis%3Fregion%3DEMEA"' in page.text
        assert "Sign in with your company account" in page.text
        assert "Accedi con l&#39;account aziendale" in api.get("/sign-in", params={"lang": "it"}).text


def test_without_a_provider_the_sign_in_page_offers_none(tmp_path: Path) -> None:
    with client(build_served_company(tmp_path / "ws").root) as api:
        assert "/auth/oidc/login" not in api.get("/sign-in").text
