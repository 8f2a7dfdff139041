"""The store's accounts, tokens, failed sign-ins and audit log, on SQLite and PostgreSQL: records handed out, the
constraints that back them, moments kept in UTC, and an audit log that cannot be changed or emptied row by row."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text

from kpilot.errors import InternalError
from kpilot.store import (
    Accounts,
    ActorKind,
    AuditEntry,
    AuditLog,
    NewToken,
    Outcome,
    SignInFailures,
    StoreConflict,
    Tokens,
)
from kpilot.store.location import store_location
from kpilot.store.revisions import downgrade, upgrade
from tests.store.accounts_support import at, audit_rows, opened


def test_accounts_are_found_by_address_in_any_case_with_roles_in_order(root: Path) -> None:
    with opened(root) as store, store.writing() as session:
        added = Accounts(session).add(
            "Anna@Acme.example", roles={"viewer", "admin", "member"}, password_hash="$argon2id$x", now=at(9)
        )
        Accounts(session).grant(added.id, "compensation")
    with opened(root) as store, store.reading() as session:
        found = Accounts(session).by_email("  anna@ACME.example ")
        assert found is not None
        assert (found.email, found.roles, found.permissions) == (
            "Anna@Acme.example",
            ("admin", "member", "viewer"),
            ("compensation",),
        )
        assert (found.created_at, found.disabled_at, found.has_password, found.disabled) == (at(9), None, True, False)
        assert Accounts(session).password_hash(found.id) == "$argon2id$x"
        assert "argon2" not in repr(found)  # the hash is not part of the record
        assert Accounts(session).by_email("bruno@acme.example") is None


def test_one_account_per_address(root: Path) -> None:
    with opened(root) as store:
        with store.writing() as session:
            Accounts(session).add("anna@acme.example", roles={"viewer"}, password_hash=None, now=at(9))
        with pytest.raises(StoreConflict), store.writing() as session:
            Accounts(session).add("ANNA@acme.example", roles={"viewer"}, password_hash=None, now=at(9))


def test_the_store_refuses_a_role_it_does_not_know(root: Path) -> None:
    with opened(root) as store:
        with store.writing() as session:
            account = Accounts(session).add("anna@acme.example", roles={"viewer"}, password_hash=None, now=at(9))
        with pytest.raises(InternalError, match="roles the store does not know"), store.writing() as session:
            Accounts(session).set_roles(account.id, {"owner"})
        with pytest.raises(StoreConflict, match="ck_account_roles_role"), store.writing() as session:
            session.execute(text(f"INSERT INTO account_roles (account_id, role) VALUES ({account.id}, 'owner')"))


def test_a_rehash_is_written_only_over_the_hash_it_replaces(root: Path) -> None:
    with opened(root) as store, store.writing() as session:
        accounts = Accounts(session)
        account = accounts.add("anna@acme.example", roles={"viewer"}, password_hash="old", now=at(9))
        assert accounts.set_password_hash(account.id, "newer", replacing="other") is False
        assert accounts.password_hash(account.id) == "old"
        assert accounts.set_password_hash(account.id, "newer", replacing="old") is True
        assert accounts.password_hash(account.id) == "newer"


def test_moments_are_kept_and_given_back_in_utc(root: Path) -> None:
    rome = timezone(timedelta(hours=1))
    with opened(root) as store, store.writing() as session:
        account = Accounts(session).add(
            "anna@acme.example", roles={"viewer"}, password_hash=None, now=datetime(2025, 3, 1, 10, 0, tzinfo=rome)
        )
        Accounts(session).set_disabled(account.id, datetime(2025, 3, 1, 12, 30, 15, 250, tzinfo=rome))
    with opened(root) as store, store.reading() as session:
        found = Accounts(session).get(account.id)
        assert found is not None
        assert found.created_at == at(9)
        assert found.created_at.tzinfo is UTC
        assert found.disabled_at == datetime(2025, 3, 1, 11, 30, 15, 250, tzinfo=UTC)


def test_a_moment_without_a_time_zone_is_a_bug(root: Path) -> None:
    with opened(root) as store, pytest.raises(InternalError, match="without a time zone"), store.writing() as s:
        Accounts(s).add("anna@acme.example", roles={"viewer"}, password_hash=None, now=datetime(2025, 3, 1, 9))


def test_tokens_by_lookup_with_their_hash_apart(root: Path) -> None:
    with opened(root) as store, store.writing() as session:
        account = Accounts(session).add("anna@acme.example", roles={"viewer"}, password_hash=None, now=at(9))
        new = NewToken(account.id, "deploy", "0123456789abcdef", "f" * 64, ("read", "ingest:orders"), at(9), at(10))
        added = Tokens(session).add(new)
    with opened(root) as store, store.writing() as session:
        tokens = Tokens(session)
        found = tokens.by_lookup("0123456789abcdef")
        assert found == added
        assert (found.name, found.scopes, found.created_at, found.expires_at) == (
            "deploy",
            ("ingest:orders", "read"),
            at(9),
            at(10),
        )
        assert (found.last_used_at, found.revoked_at) == (None, None)
        assert tokens.secret_hash(found.id) == "f" * 64
        assert "f" * 64 not in repr(found)
        tokens.set_last_used(found.id, at(9, 30))
        tokens.revoke(found.id, at(9, 45))
        assert tokens.of_accounts([account.id]) == (replace(found, last_used_at=at(9, 30), revoked_at=at(9, 45)),)
        assert tokens.by_lookup("fedcba9876543210") is None


def test_failed_sign_ins_are_counted_per_address_in_any_case(root: Path) -> None:
    with opened(root) as store, store.writing() as session:
        failures = SignInFailures(session)
        for moment, email in ((at(9), "Anna@Acme.example"), (at(9, 5), "anna@acme.example"), (at(9, 6), "b@c.d")):
            failures.add(email, moment)
        assert failures.after("ANNA@acme.example", at(8)) == (at(9), at(9, 5))
        assert failures.after("anna@acme.example", at(9)) == (at(9, 5),)  # after: the moment itself excluded
        failures.forget_before(at(9))
        assert failures.after("anna@acme.example", at(8)) == (at(9, 5),)
        failures.forget("ANNA@ACME.EXAMPLE")
        assert failures.after("anna@acme.example", at(8)) == ()
        assert failures.after("b@c.d", at(8)) == (at(9, 6),)


def test_the_audit_log_keeps_entries_as_given_and_filters_them(root: Path, store: str) -> None:
    entries = [
        AuditEntry(at(9), ActorKind.OPERATOR, None, None, "account.created", "anna@acme.example", {"roles": ["admin"]}),
        AuditEntry(at(10), ActorKind.ACCOUNT, 1, "Anna@Acme.example", "sign_in", "Anna@Acme.example", client="cli"),
        AuditEntry(
            at(11),
            ActorKind.UNVERIFIED,
            None,
            "bruno@acme.example",
            "sign_in",
            "bruno@acme.example",
            {"reason": "unknown_account"},
            Outcome.FAILED,
            "192.0.2.7",
        ),
    ]
    with opened(root) as store_, store_.writing() as session:
        written = [AuditLog(session).append(entry) for entry in entries]
    assert [entry.id for entry in written] == [1, 2, 3]
    assert audit_rows(root, store) == [
        (
            at(9),
            "operator",
            None,
            None,
            "account.created",
            "anna@acme.example",
            {"roles": ["admin"]},
            "succeeded",
            None,
        ),
        (at(10), "account", 1, "Anna@Acme.example", "sign_in", "Anna@Acme.example", None, "succeeded", "cli"),
        (
            at(11),
            "unverified",
            None,
            "bruno@acme.example",
            "sign_in",
            "bruno@acme.example",
            {"reason": "unknown_account"},
            "failed",
            "192.0.2.7",
        ),
    ]
    with opened(root) as store_, store_.reading() as session:
        log = AuditLog(session)
        assert [e.id for e in log.read()] == [1, 2, 3]
        assert [e.id for e in log.read(since=at(10))] == [2, 3]
        assert [e.id for e in log.read(until=at(10))] == [1]  # until: excluded
        assert [e.id for e in log.read(since=at(9, 30), until=at(11))] == [2]
        assert [e.id for e in log.read(actor_email="anna@ACME.example")] == [2]
        assert [e.id for e in log.read(action="sign_in")] == [2, 3]
        assert [e.id for e in log.read(action="sign_in", actor_email="bruno@acme.example")] == [3]
        assert log.read()[0] == AuditEntry(
            at(9), ActorKind.OPERATOR, None, None, "account.created", "anna@acme.example", {"roles": ["admin"]}, id=1
        )


def test_the_audit_log_refuses_updates_and_deletes(root: Path, store: str) -> None:
    with opened(root) as store_:
        with store_.writing() as session:
            AuditLog(session).append(AuditEntry(at(9), ActorKind.OPERATOR, None, None, "account.created", "a@b.c"))
        for statement in ("UPDATE audit_log SET target = 'x@y.z'", "DELETE FROM audit_log"):
            with (
                pytest.raises((StoreConflict, InternalError), match="audit_log_append_only"),
                store_.writing() as session,
            ):
                session.execute(text(statement))
    assert [row[5] for row in audit_rows(root, store)] == ["a@b.c"]


def test_the_append_only_triggers_come_back_after_a_downgrade_and_upgrade(root: Path, store: str) -> None:
    location = store_location(store, root)
    downgrade(location, "0001")
    upgrade(location)
    with opened(root) as store_:
        with store_.writing() as session:
            AuditLog(session).append(AuditEntry(at(9), ActorKind.OPERATOR, None, None, "account.created", "a@b.c"))
        with pytest.raises((StoreConflict, InternalError), match="audit_log_append_only"), store_.writing() as session:
            session.execute(text("DELETE FROM audit_log"))
