"""Browser sessions over the API: signing in sets an HttpOnly, SameSite cookie that identifies the account; a change
made with the cookie needs the session's CSRF token; a bad password is 401, five within 15 minutes make the sixth
429 with Retry-After; a new password, or a disabled account, ends the session; a tampered or expired cookie is no
session at all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from kpilot import Workspace
from kpilot.auth.actor import Actor, Role
from kpilot.auth.sessions import COOKIE, CSRF_HEADER, SessionCodec, SessionInvalid
from kpilot.services.accounts import NewPassword, add_account, set_disabled, set_password
from kpilot.store import open_store
from tests.server.server_support import Company, build_served_company, client

PASSWORD = "correct horse battery staple"
EMAIL = "sam@acme.example"


@pytest.fixture
def served(tmp_path: Path) -> Company:
    company = build_served_company(tmp_path / "ws")
    with Workspace(company.root) as workspace, open_store(workspace) as store:
        now = datetime.now(UTC)
        add_account(store, Actor.operator(), EMAIL, [Role.MEMBER], password=NewPassword(PASSWORD), now=now)
    return company


def sign_in(api: TestClient, password: str = PASSWORD) -> dict[str, str]:
    response = api.post("/api/v1/session", json={"email": EMAIL, "password": password})
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_signing_in_sets_a_cookie_that_identifies_the_account(served: Company) -> None:
    with client(served.root) as api:
        response = api.post("/api/v1/session", json={"email": EMAIL.upper(), "password": PASSWORD})
        assert response.status_code == 200, response.text
        set_cookie = ";".join(response.headers.get_list("set-cookie")).lower()
        assert f"{COOKIE}=" in set_cookie
        assert "httponly" in set_cookie
        assert "samesite=lax" in set_cookie
        assert response.json()["roles"] == ["member"]
        me = api.get("/api/v1/me")  # the client keeps the cookie
        assert (me.status_code, me.json()["email"]) == (200, EMAIL)


def test_a_change_with_the_cookie_needs_the_csrf_token(served: Company) -> None:
    with client(served.root) as api:
        session = sign_in(api)
        refused = api.delete("/api/v1/session")
        assert (refused.status_code, refused.json()["error"]["code"]) == (403, "server.csrf_missing")
        done = api.delete("/api/v1/session", headers={CSRF_HEADER: session["csrf_token"]})
        assert done.status_code == 204
        api.cookies.clear()
        assert api.get("/api/v1/me").status_code == 401


def test_a_wrong_password_is_401_and_the_sixth_attempt_429(served: Company) -> None:
    with client(served.root) as api:
        for _ in range(5):
            wrong = api.post("/api/v1/session", json={"email": EMAIL, "password": "not the password at all"})
            assert (wrong.status_code, wrong.json()["error"]["code"]) == (401, "auth.sign_in_failed")
        limited = api.post("/api/v1/session", json={"email": EMAIL, "password": PASSWORD})
        assert limited.status_code == 429
        assert 0 < int(limited.headers["retry-after"]) <= 15 * 60


def test_a_new_password_or_a_disabled_account_ends_the_session(served: Company) -> None:
    with client(served.root) as api:
        sign_in(api)
        assert api.get("/api/v1/me").status_code == 200
        with Workspace(served.root) as workspace, open_store(workspace) as store:
            set_password(store, Actor.operator(), EMAIL, NewPassword(PASSWORD + "!"), now=datetime.now(UTC))
        ended = api.get("/api/v1/me")
        assert (ended.status_code, ended.json()["error"]["code"]) == (401, "auth.session_ended")
        sign_in(api, PASSWORD + "!")
        with Workspace(served.root) as workspace, open_store(workspace) as store:
            set_disabled(store, Actor.operator(), EMAIL, True, now=datetime.now(UTC))
        assert api.get("/api/v1/me").status_code == 401


def test_a_repeated_request_with_the_cookie_reads_only_the_stores_version(served: Company) -> None:
    with client(served.root) as api:
        sign_in(api)
        assert api.get("/api/v1/me").status_code == 200  # checked once, and kept (services.sessions)
        statements: list[str] = []
        with api.app.state.runtime.store() as store:  # type: ignore[attr-defined]
            engine = store._engine

            def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
                statements.append(statement)

            event.listen(engine, "before_cursor_execute", seen)
            try:
                me = api.get("/api/v1/me")
            finally:
                event.remove(engine, "before_cursor_execute", seen)
        assert (me.status_code, me.json()["email"]) == (200, EMAIL)
        reads = [statement for statement in statements if statement.lstrip().upper().startswith("SELECT")]
        assert len(reads) == 1, statements
        assert "audit_log" in reads[0]


def test_a_tampered_or_foreign_cookie_is_no_session(served: Company) -> None:
    with client(served.root) as api:
        sign_in(api)
        cookie = api.cookies[COOKIE]
        api.cookies.clear()
        api.cookies.set(COOKIE, cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB"))
        assert api.get("/api/v1/me").json()["error"]["code"] == "server.session_invalid"
        forged, _ = SessionCodec("another server's secret key, 32 characters or more").issue(1, "x")
        api.cookies.clear()
        api.cookies.set(COOKIE, forged)
        assert api.get("/api/v1/me").status_code == 401


def test_cookies_expire() -> None:
    codec = SessionCodec("a secret key of thirty-two characters or more", max_age=timedelta(seconds=-1))
    cookie, _ = codec.issue(7, "epoch")
    with pytest.raises(SessionInvalid):
        codec.read(cookie)
    fresh = SessionCodec("a secret key of thirty-two characters or more")
    assert fresh.read(cookie).account_id == 7


def test_the_secret_key_is_made_once_and_kept_private(served: Company) -> None:
    key = served.root / ".kpilot" / "secret_key"
    with client(served.root):
        pass
    assert key.stat().st_mode & 0o077 == 0
    first = key.read_text()
    with client(served.root):
        pass
    assert key.read_text() == first
    assert len(first) == 64
