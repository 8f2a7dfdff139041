"""A server keeps the tokens it has checked (services.tokens.KnownTokens): a repeated request reads one number from
the store instead of the token, account, roles and person, and yet a revocation, a disabled account or new roles
count from the very next request. The company is tests/permissions/org_support.py's (Anna, a member in EMEA, sees
her own private rows: 10 + 20 = 30)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from kpilot import Workspace
from kpilot.auth.actor import Actor, Role
from kpilot.services.accounts import set_disabled, set_roles
from kpilot.services.tokens import CheckedToken, KnownTokens, create_token, revoke_token
from kpilot.store import open_store
from tests.server.server_support import build_served_company, client

NOW = datetime(2025, 3, 20, 12, tzinfo=UTC)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[TestClient, Path, str]]:
    root = tmp_path / "ws"
    build_served_company(root)
    with Workspace(root) as workspace, open_store(workspace) as store:
        made = create_token(
            store, Actor.operator(), "anna@acme.example", "t", ["read"],
            expires_at=datetime.now(UTC) + timedelta(days=1), now=datetime.now(UTC),
        )  # fmt: skip
    with client(root) as api:
        yield api, root, made.raw


def private_revenue(api: TestClient, token: str) -> Any:
    params = {"kpi": "private_revenue", "grain": "all", "from": "2025-01-01", "to": "2025-03-31"}
    return api.get("/api/v1/compute", params=params, headers={"Authorization": f"Bearer {token}"})


def operator_change(root: Path, change: Any) -> None:
    with Workspace(root) as workspace, open_store(workspace) as store:
        change(store)


def test_a_repeated_request_reads_only_the_stores_version(served: Any) -> None:
    api, _, token = served
    assert private_revenue(api, token).json()["rows"][0]["private_revenue"] == 30
    runtime = api.app.state.runtime  # type: ignore[attr-defined]
    statements: list[str] = []
    with runtime.store() as store:
        engine = store._engine

        def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", seen)
        try:
            assert private_revenue(api, token).json()["rows"][0]["private_revenue"] == 30
        finally:
            event.remove(engine, "before_cursor_execute", seen)
    reads = [statement for statement in statements if statement.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 1, statements
    assert "audit_log" in reads[0]


def test_a_revoked_token_is_refused_at_once(served: Any) -> None:
    api, root, token = served
    assert private_revenue(api, token).status_code == 200
    lookup = token.split("_")[1]
    operator_change(root, lambda store: revoke_token(store, Actor.operator(), lookup, now=datetime.now(UTC)))
    refused = private_revenue(api, token)
    assert (refused.status_code, refused.json()["error"]["code"]) == (401, "auth.token_revoked")


def test_a_disabled_account_is_refused_at_once(served: Any) -> None:
    api, root, token = served
    assert private_revenue(api, token).status_code == 200
    operator_change(
        root, lambda store: set_disabled(store, Actor.operator(), "anna@acme.example", True, now=datetime.now(UTC))
    )
    refused = private_revenue(api, token)
    assert (refused.status_code, refused.json()["error"]["code"]) == (401, "auth.token_account_disabled")


def test_new_roles_count_at_once(served: Any) -> None:
    api, root, token = served
    assert private_revenue(api, token).status_code == 200
    operator_change(
        root,
        lambda store: set_roles(store, Actor.operator(), "anna@acme.example", [Role.VIEWER], now=datetime.now(UTC)),
    )
    hidden = private_revenue(api, token)  # a viewer sees company KPIs only: the private one does not exist
    assert (hidden.status_code, hidden.json()["error"]["code"]) == (404, "semantic.unknown_kpi")


def test_a_kept_check_lasts_only_so_long_and_never_past_expiry() -> None:
    known = KnownTokens(size=2)
    actor = Actor(account_id=1, person_id=None, email="x@acme.example", roles=frozenset({Role.MEMBER}))
    kept = CheckedToken(actor, 1, expires_at=NOW + timedelta(hours=1), last_used_at=NOW, version=7, checked_at=NOW)
    known.put(b"a", kept)
    assert known.get(b"a", 7, NOW + timedelta(seconds=9)) == kept
    assert known.get(b"a", 8, NOW) is None  # another version of the store: checked again (and dropped)
    known.put(b"a", kept)
    assert known.get(b"a", 7, NOW + timedelta(seconds=10)) is None  # kept too long
    soon = CheckedToken(actor, 1, expires_at=NOW + timedelta(seconds=5), last_used_at=NOW, version=7, checked_at=NOW)
    known.put(b"b", soon)
    assert known.get(b"b", 7, NOW + timedelta(seconds=5)) is None  # expired meanwhile
    for key in (b"c", b"d", b"e"):
        known.put(key, kept)
    assert len(known) == 2
    assert known.get(b"c", 7, NOW) is None  # the least recently used went first
