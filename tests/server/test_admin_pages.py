"""The admin pages over HTTP (docs/dashboard.md, "Admin pages"): administrators only (a 403 page in words for
anyone else, and no link to them in the navigation), the organisation with its memberships' dates, roles changed
and audited, a token made (its secret shown once) and revoked, and the audit log filtered and paged.

The organisation is tests/permissions/org_support.py's: Bruno is in EMEA from 2025-01-01 until 2025-03-15, and in
APAC from then on; Ada is the administrator, Eddie an editor, Dino a member, Vera a viewer."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kpilot import Workspace
from kpilot.auth.actor import Actor
from kpilot.server.web import admin_audit
from kpilot.services import audit
from kpilot.services.accounts import NewPassword, set_password
from kpilot.store import open_store
from tests.server.server_support import Company, build_served_company, client
from tests.server.test_pages import PASSWORD, sign_in

PAGES = ("/admin", "/admin/people", "/admin/accounts", "/admin/tokens", "/admin/audit")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Company:
    company = build_served_company(tmp_path_factory.mktemp("admin-pages") / "ws")
    with Workspace(company.root) as workspace, open_store(workspace) as store:
        for name in ("ada", "eddie", "dino"):
            set_password(store, Actor.operator(), f"{name}@acme.example", NewPassword(PASSWORD), now=datetime.now(UTC))
    return company


@contextmanager
def signed_in(root: Path, name: str) -> Iterator[TestClient]:
    with client(root) as api:
        sign_in(api, name)
        yield api


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def rows(html: str, table: str) -> list[list[str]]:
    found = re.search(rf'<table class="admin-table" data-table="{table}">(.*?)</table>', html, re.S)
    assert found is not None, f"no table {table}"
    body = found.group(1).split("<tbody>", 1)[1]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


@pytest.mark.parametrize("name", ["dino", "eddie"])
def test_the_admin_pages_are_for_administrators_only(served: Company, name: str) -> None:
    with signed_in(served.root, name) as api:
        answers = [api.get(path) for path in PAGES]
        home = api.get("/").text
    for answer in answers:
        assert answer.status_code == 403
        assert "This page is for administrators only" in answer.text
        assert "data-table" not in answer.text  # nothing of what the page holds
    assert 'href="/admin"' not in home  # no link to pages one may not open


def test_an_administrator_sees_them_linked(served: Company) -> None:
    with signed_in(served.root, "ada") as api:
        home = api.get("/").text
        index = api.get("/admin")
    assert '<a href="/admin">Admin</a>' in home
    assert index.status_code == 200
    for path in PAGES[1:]:
        assert f'href="{path}"' in index.text


def test_people_and_teams_with_the_memberships_dates(served: Company) -> None:
    with signed_in(served.root, "ada") as api:
        html = api.get("/admin/people").text
    held = rows(html, "memberships")
    assert ["bruno@acme.example", "EMEA", "2025-01-01", "2025-03-15"] in held  # left EMEA on Bruno's move
    assert ["bruno@acme.example", "APAC", "2025-03-15", "ongoing"] in held
    assert len(held) == 10  # nine people, Bruno twice
    people = {row[1]: row for row in rows(html, "people")}
    assert people["bruno@acme.example"] == ["Bruno", "bruno@acme.example", "anna@acme.example", "APAC"]
    teams = {row[0]: row for row in rows(html, "teams")}
    assert teams["EMEA"][2:] == ["Sales", "anna@acme.example, dino@acme.example, mara@acme.example"]


def test_roles_are_changed_and_audited(served: Company) -> None:
    with signed_in(served.root, "ada") as api:
        html = api.get("/admin/accounts").text
        accounts = {row[0]: row for row in rows(html, "accounts")}
        assert accounts["vera@acme.example"][1] == "Vera"
        changed = api.post(
            "/admin/accounts/roles",
            data={"csrf": csrf_of(html), "email": "vera@acme.example", "roles": ["viewer", "member"]},
            follow_redirects=False,
        )
        assert changed.status_code == 303
        after = api.get(changed.headers["location"]).text
        none = api.post("/admin/accounts/roles", data={"csrf": csrf_of(html), "email": "vera@acme.example"})
    vera = re.search(r'<tr data-account="vera@acme.example">(.*?)</tr>', after, re.S)
    assert vera is not None
    assert re.findall(r'value="(\w+)" checked', vera.group(1)) == ["member", "viewer"]
    assert "The roles of vera@acme.example are saved." in after
    assert none.status_code == 422  # no role ticked: refused in words, nothing changed
    with Workspace(served.root) as workspace, open_store(workspace) as store:
        entries = audit.read(store, Actor.operator(), now=datetime.now(UTC), action="account.roles_set")
    assert [(e.actor_email, e.target, dict(e.details)) for e in entries] == [
        ("ada@acme.example", "vera@acme.example", {"roles": {"from": ["viewer"], "to": ["member", "viewer"]}})
    ]


def test_a_token_is_shown_once_and_revoked(served: Company) -> None:
    with signed_in(served.root, "ada") as api:
        html = api.get("/admin/tokens").text
        made = api.post(
            "/admin/tokens",
            data={
                "csrf": csrf_of(html),
                "name": "nightly export",
                "email": "eddie@acme.example",
                "scopes": ["read"],
                "days": "7",
            },
        )
        assert made.status_code == 201
        secret = re.search(r'class="token-secret" readonly value="(kpilot_([0-9a-f]{16})_[0-9a-f]+)"', made.text)
        assert secret is not None
        raw, lookup = secret.group(1), secret.group(2)
        listed = api.get("/admin/tokens").text
        assert raw not in listed  # shown once, never again
        assert re.search(rf'<tr data-token="{lookup}" data-status="active">', listed)
        with client(served.root) as script:
            assert script.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
            revoked = api.post(
                "/admin/tokens/revoke", data={"csrf": csrf_of(listed), "token": lookup}, follow_redirects=False
            )
            assert revoked.status_code == 303
            assert script.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
        after = api.get(revoked.headers["location"]).text
        again = api.post("/admin/tokens/revoke", data={"csrf": csrf_of(after), "token": lookup})
    assert f"Token {lookup} is revoked." in after
    assert re.search(rf'<tr data-token="{lookup}" data-status="revoked">', after)
    assert again.status_code == 422  # revoked already: said on the page


def test_a_form_from_elsewhere_changes_nothing(served: Company) -> None:
    with signed_in(served.root, "ada") as api:
        forged = api.post("/admin/tokens", data={"csrf": "forged", "name": "x", "scopes": ["read"]})
        listed = api.get("/admin/tokens").text
    assert forged.status_code == 403
    assert "This form has expired" in forged.text
    assert ">x</td>" not in listed


def test_the_audit_log_newest_first_filtered_and_paged(served: Company, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(admin_audit, "PAGE_SIZE", 2)  # the server runs in this process: pages of two entries
    with signed_in(served.root, "ada") as api:
        api.get("/admin/tokens")  # (reads are not recorded; only what changes and signing in)
        everything = api.get("/admin/audit").text
        signed = api.get("/admin/audit?action=sign_in&actor=ADA@acme.example").text
        second = api.get("/admin/audit?action=account.created&page=2").text
        bad_day = api.get("/admin/audit?since=2025-02-30")
    first = rows(everything, "audit")
    assert len(first) == 2
    assert first[0][1:3] == ["ada@acme.example", "sign_in"]  # the newest: this very sign-in
    # The filter by address ignores its case: every entry left is one of Ada's sign-ins (this test's, at least).
    sign_ins = rows(signed, "audit")
    assert sign_ins
    assert all(row[1:3] == ["ada@acme.example", "sign_in"] for row in sign_ins)
    # Nine accounts were made (server_support, one a person): page 2 of 5 holds the 3rd and 4th newest.
    assert "9 entries, newest first: page 2 of 5" in second
    assert [row[3] for row in rows(second, "audit")] == ["carl@acme.example", "bruno@acme.example"]
    assert 'rel="prev"' in second
    assert 'rel="next"' in second
    assert bad_day.status_code == 200
    assert 'role="alert"' in bad_day.text
