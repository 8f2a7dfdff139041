"""The store's idempotency keys (migration 0003), on SQLite and PostgreSQL: a key is the account's own, claimed once
(a second claim of a live key is a conflict), completed with its answer, released after a failure, and forgotten
once expired (24 hours after the request, as `services.ingest.KEY_LIFETIME` sets it)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from kpilot.auth.actor import Actor, Role
from kpilot.services.accounts import add_account
from kpilot.services.ingest import KEY_LIFETIME
from kpilot.store.errors import StoreConflict
from kpilot.store.idempotency import IdempotencyKeys, IdempotentRequest
from kpilot.store.session import Store
from tests.store.accounts_support import at, opened, table_values


def _accounts(store: Store) -> tuple[int, int]:
    ids = []
    for email in ("robot@acme.example", "other@acme.example"):
        account = add_account(store, Actor.operator(), email, [Role.EDITOR], password=None, now=at(8)).account
        ids.append(account.id)
    return ids[0], ids[1]


def _request(account_id: int, key: str = "k-1", *, body: str = "a" * 64) -> IdempotentRequest:
    return IdempotentRequest(
        account_id=account_id,
        key=key,
        source="orders",
        body_sha256=body,
        created_at=at(9),
        expires_at=at(9) + KEY_LIFETIME,
    )


def test_a_key_is_claimed_completed_and_found_with_its_answer(root: Path, store: str) -> None:
    with opened(root) as opened_store:
        robot, other = _accounts(opened_store)
        with opened_store.writing() as session:
            claimed = IdempotencyKeys(session).claim(_request(robot))
        assert claimed.id is not None
        assert not claimed.done
        with opened_store.writing() as session:
            IdempotencyKeys(session).complete(claimed.id, 200, {"rows": 2, "key": ["order_id"]})
        with opened_store.reading() as session:
            keys = IdempotencyKeys(session)
            found = keys.find(robot, "k-1", now=at(10))
            assert found is not None
            assert (found.done, found.status, dict(found.response), found.source) == (
                True,
                200,
                {"rows": 2, "key": ["order_id"]},
                "orders",
            )
            assert keys.find(other, "k-1", now=at(10)) is None  # another account's key of the same name
            assert keys.find(robot, "k-1", now=at(9) + KEY_LIFETIME) is None  # expired
    (row,) = table_values(root, store, "idempotency_keys")
    assert row[1:5] == (robot, "k-1", "orders", "a" * 64)


def test_a_live_key_cannot_be_claimed_twice_but_an_expired_or_released_one_can(root: Path, store: str) -> None:
    with opened(root) as opened_store:
        robot, other = _accounts(opened_store)
        with opened_store.writing() as session:
            first = IdempotencyKeys(session).claim(_request(robot))
            IdempotencyKeys(session).claim(_request(other))  # the same key, another account: its own
        with pytest.raises(StoreConflict), opened_store.writing() as session:
            IdempotencyKeys(session).claim(_request(robot, body="b" * 64))
        assert first.id is not None
        with opened_store.writing() as session:
            IdempotencyKeys(session).release(first.id)
        later = _request(robot, body="c" * 64)
        with opened_store.writing() as session:
            IdempotencyKeys(session).claim(later)
        a_day_on = IdempotentRequest(
            account_id=robot,
            key="k-1",
            source="orders",
            body_sha256="d" * 64,
            created_at=at(9) + KEY_LIFETIME + timedelta(seconds=1),
            expires_at=at(9) + 2 * KEY_LIFETIME,
        )
        with opened_store.writing() as session:
            IdempotencyKeys(session).claim(a_day_on)  # the expired claim is removed first
    bodies = sorted(row[4] for row in table_values(root, store, "idempotency_keys"))
    assert bodies == ["a" * 64, "d" * 64]  # the other account's, and the new one


def test_expired_keys_are_purged(root: Path, store: str) -> None:
    with opened(root) as opened_store:
        robot, _ = _accounts(opened_store)
        with opened_store.writing() as session:
            keys = IdempotencyKeys(session)
            keys.claim(_request(robot, "old"))
            assert keys.purge_expired(at(9) + KEY_LIFETIME - timedelta(seconds=1)) == 0
            assert keys.purge_expired(at(9) + KEY_LIFETIME) == 1
    assert table_values(root, store, "idempotency_keys") == []
