"""Share links through the service (kpilot.services.sharing), over the served company of tests/server/server_support.py:
made only for what the creator may see, opened as the creator (read-only) while they work, gone once expired,
revoked or when the creator is disabled, revoked only by their creator or an administrator, and signed so that a
link names its row and nothing else."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kpilot import Workspace
from kpilot.auth.actor import Actor
from kpilot.auth.errors import NotPermitted
from kpilot.errors import QueryError
from kpilot.services.accounts import set_disabled
from kpilot.services.actors import actor_of
from kpilot.services.permissions import NotFound
from kpilot.services.sharing import (
    LockedFilters,
    ShareCodec,
    ShareError,
    ShareGone,
    ShareStatus,
    ShareUnknown,
    create_share,
    list_shares,
    open_share,
    revoke_share,
)
from kpilot.store import Accounts, Store, open_store
from kpilot.store.records import email_key
from tests.server.server_support import build_served_company

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
EMEA = LockedFilters.of({"team": "EMEA"}, "2025-02", "month")


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_served_company(tmp_path_factory.mktemp("share-service") / "ws").root


@pytest.fixture
def opened(root: Path) -> Iterator[tuple[Store, Workspace]]:
    with Workspace(root) as workspace, open_store(workspace) as store:
        yield store, workspace


def actor(store: Store, name: str) -> Actor:
    with store.reading() as session:
        account = next(a for a in Accounts(session).all() if a.email_key == email_key(f"{name}@acme.example"))
        return actor_of(session, account)


def test_a_link_is_made_listed_and_opened_as_its_creator(opened: tuple[Store, Workspace]) -> None:
    store, workspace = opened
    dino = actor(store, "dino")
    made = create_share(store, workspace, dino, kind="kpi", target="team_revenue", filters=EMEA, days=7, now=NOW)
    assert made.status is ShareStatus.ACTIVE
    assert made.link.expires_at == NOW + timedelta(days=7)
    assert made.filters == EMEA
    assert made.link.id in [view.link.id for view in list_shares(store, dino, now=NOW)]
    assert made.link.id not in [view.link.id for view in list_shares(store, actor(store, "carl"), now=NOW)]
    found = open_share(store, made.link.id, now=NOW + timedelta(days=6))
    assert found.actor.account_id == dino.account_id
    assert found.actor.roles == dino.roles
    assert found.actor.token_scopes == frozenset({"read"})  # read-only, whatever the creator may do
    assert found.view.filters == EMEA


def test_only_what_the_creator_may_see(opened: tuple[Store, Workspace]) -> None:
    store, workspace = opened
    carl = actor(store, "carl")  # a member: managers_revenue is for managers
    with pytest.raises(NotFound):
        create_share(store, workspace, carl, kind="kpi", target="managers_revenue", filters=EMEA, now=NOW)
    with pytest.raises(QueryError, match="there is no board 'team:emea' you may see"):  # Carl is in APAC
        create_share(store, workspace, carl, kind="board", target="team:emea", filters=LockedFilters(), now=NOW)
    with pytest.raises(ShareError):  # only an account can share
        create_share(store, workspace, Actor.operator(), kind="kpi", target="team_revenue", filters=EMEA, now=NOW)
    reading = Actor(**{**carl.__dict__, "token_scopes": frozenset({"read"})})
    with pytest.raises(NotPermitted):  # a read token makes no link
        create_share(store, workspace, reading, kind="kpi", target="team_revenue", filters=EMEA, now=NOW)
    for days in (0, 91):
        with pytest.raises(ShareError):
            create_share(store, workspace, carl, kind="kpi", target="team_revenue", filters=EMEA, days=days, now=NOW)
    assert list_shares(store, carl, now=NOW) == ()


def test_expired_revoked_and_disabled_links_are_gone(opened: tuple[Store, Workspace]) -> None:
    store, workspace = opened
    mara = actor(store, "mara")
    expiring = create_share(store, workspace, mara, kind="kpi", target="team_revenue", filters=EMEA, days=1, now=NOW)
    with pytest.raises(ShareGone):
        open_share(store, expiring.link.id, now=NOW + timedelta(days=1))
    revoked = create_share(store, workspace, mara, kind="kpi", target="team_revenue", filters=EMEA, now=NOW)
    with pytest.raises(ShareUnknown):  # another member's link is unknown to Carl
        revoke_share(store, actor(store, "carl"), revoked.link.id, now=NOW)
    assert revoke_share(store, mara, revoked.link.id, now=NOW).status is ShareStatus.REVOKED
    with pytest.raises(ShareError):
        revoke_share(store, mara, revoked.link.id, now=NOW)
    with pytest.raises(ShareGone):
        open_share(store, revoked.link.id, now=NOW)
    by_admin = create_share(store, workspace, mara, kind="kpi", target="team_revenue", filters=EMEA, now=NOW)
    revoke_share(store, actor(store, "ada"), by_admin.link.id, now=NOW)  # an administrator revokes any link
    kept = create_share(store, workspace, mara, kind="board", target="company", filters=LockedFilters(), now=NOW)
    open_share(store, kept.link.id, now=NOW)
    set_disabled(store, Actor.operator(), "mara@acme.example", True, now=NOW)
    try:
        with pytest.raises(ShareGone):  # a creator who may no longer sign in takes their links along
            open_share(store, kept.link.id, now=NOW)
    finally:
        set_disabled(store, Actor.operator(), "mara@acme.example", False, now=NOW)
    with pytest.raises(ShareUnknown):
        open_share(store, 10**9, now=NOW)


def test_a_link_is_its_id_signed() -> None:
    ours, theirs = ShareCodec("a" * 64), ShareCodec("b" * 64)
    token = ours.token(42)
    assert ours.link_id(token) == 42
    assert theirs.link_id(token) is None
    assert ours.link_id(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert ours.link_id("42") is None
    assert ours.link_id(ShareCodec("a" * 64)._serializer.dumps("42")) is None  # signed, but not an id
