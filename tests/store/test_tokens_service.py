"""API tokens through the services, on SQLite and PostgreSQL: created and shown once, hashed at rest (the token is
nowhere in the database), the actor a token stands for, refused when malformed, wrong, revoked, expired or its
account disabled, a last use written at most once a minute, and every change audited with the exact row below."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from kpilot.auth import Actor, NotPermitted, Role, TokenRefused
from kpilot.auth.errors import AuthError, UnknownToken
from kpilot.auth.tokens import secret_hash
from kpilot.services.accounts import add_account, set_disabled
from kpilot.services.tokens import (
    CreatedToken,
    TokenStatus,
    actor_for_token,
    create_token,
    list_tokens,
    revoke_token,
)
from kpilot.store import People, PersonFields
from tests.store.accounts_support import at, audit_rows, opened, table_values

OPERATOR = Actor.operator()
OP = ("operator", None, None)


@pytest.fixture
def accounts(root: Path) -> Path:
    """Bruno (a person, Polish; an editor) and Mia (a member), both added at 8:00."""
    with opened(root) as s:
        with s.writing() as session:
            People(session).add(PersonFields("Bruno Neri", "bruno@acme.example", "pl", "Europe/Warsaw"))
        add_account(s, OPERATOR, "bruno@acme.example", [Role.EDITOR], password=None, now=at(8))
        add_account(s, OPERATOR, "mia@acme.example", [Role.MEMBER], password=None, now=at(8))
    return root


def _create(
    root: Path, email: str = "bruno@acme.example", *, actor: Actor = OPERATOR, **options: object
) -> CreatedToken:
    values: dict[str, object] = {"name": "deploy", "scopes": ["ingest:orders", "read"], "expires_at": at(9, day=2)}
    values |= options
    with opened(root) as s:
        return create_token(s, actor, email, now=at(9), **values)  # type: ignore[arg-type]


def _actor(root: Path, raw: str, moment: object) -> Actor:
    with opened(root) as s:
        return actor_for_token(s, raw, now=moment)  # type: ignore[arg-type]


def test_a_token_is_created_shown_once_and_audited(accounts: Path, store: str) -> None:
    created = _create(accounts)
    token = created.view.token
    assert created.raw.startswith(f"kpilot_{token.lookup}_")
    assert len(created.raw) == 88
    assert created.raw not in repr(created)
    assert (created.view.email, created.view.status) == ("bruno@acme.example", TokenStatus.ACTIVE)
    assert (token.name, token.scopes, token.created_at, token.expires_at, token.last_used_at) == (
        "deploy",
        ("ingest:orders", "read"),
        at(9),
        at(9, day=2),
        None,
    )
    assert audit_rows(accounts, store)[2:] == [
        (
            at(9),
            *OP,
            "token.created",
            token.lookup,
            {
                "account": "bruno@acme.example",
                "name": "deploy",
                "scopes": ["ingest:orders", "read"],
                "expires_at": "2025-03-02T09:00:00+00:00",
            },
            "succeeded",
            None,
        ),
    ]


def test_the_token_is_hashed_at_rest(accounts: Path, store: str) -> None:
    created = _create(accounts)
    secret = created.raw.rsplit("_", 1)[1]
    [row] = table_values(accounts, store, "tokens")
    assert secret_hash(secret) in row  # the hash is stored...
    assert not any(secret in str(value) for value in row)  # ...and the secret is not, in any column
    if "://" not in store:  # and not anywhere in the SQLite file or its write-ahead log
        files = [accounts / "kpilot.db", accounts / "kpilot.db-wal"]
        data = b"".join(path.read_bytes() for path in files if path.exists())
        assert secret_hash(secret).encode() in data
        assert secret.encode() not in data
        assert created.raw.encode() not in data


def test_the_actor_of_a_token_is_its_account_with_the_tokens_scopes(accounts: Path) -> None:
    created = _create(accounts)
    assert _actor(accounts, f" {created.raw}\n", at(10)) == Actor(
        account_id=1,
        person_id=1,
        email="bruno@acme.example",
        roles=frozenset({Role.EDITOR}),
        token_scopes=frozenset({"ingest:orders", "read"}),
        language="pl",
    )


def test_last_use_is_written_at_most_once_a_minute(accounts: Path) -> None:
    created = _create(accounts)

    def last_used() -> object:
        with opened(accounts) as s:
            [view] = list_tokens(s, OPERATOR, now=at(12))
        return view.token.last_used_at

    _actor(accounts, created.raw, at(10))
    assert last_used() == at(10)
    _actor(accounts, created.raw, at(10, 0, 59))
    assert last_used() == at(10)  # within the minute: not written again
    _actor(accounts, created.raw, at(10, 1))
    assert last_used() == at(10, 1)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda raw: raw[:-1] + ("0" if raw[-1] != "0" else "1"), "auth.token_invalid"),  # the secret's last digit
        (lambda raw: "kpilot_" + "0" * 16 + raw[23:], "auth.token_invalid"),  # another lookup
        (lambda raw: raw.replace("kpilot_", "kpilot-"), "auth.token_malformed"),
        (lambda raw: raw[:40], "auth.token_malformed"),
    ],
)
def test_a_wrong_or_malformed_token_is_refused(accounts: Path, change: object, code: str) -> None:
    created = _create(accounts)
    with pytest.raises(TokenRefused) as refused:
        _actor(accounts, change(created.raw), at(10))  # type: ignore[operator]
    assert (refused.value.code, refused.value.field) == (code, "token")


def test_a_token_expires_at_its_moment(accounts: Path) -> None:
    created = _create(accounts)  # expires at 9:00 on 2 March
    assert _actor(accounts, created.raw, at(9, day=2) - timedelta(microseconds=1)).account_id == 1
    with pytest.raises(TokenRefused) as refused:
        _actor(accounts, created.raw, at(9, day=2))
    assert str(refused.value.message) == f"the API token {created.view.token.lookup} expired on 2025-03-02 09:00 UTC"
    with opened(accounts) as s:
        [view] = list_tokens(s, OPERATOR, now=at(9, day=2))
    assert view.status is TokenStatus.EXPIRED


def test_a_revoked_token_is_refused_and_revoking_is_audited(accounts: Path, store: str) -> None:
    created = _create(accounts)
    lookup = created.view.token.lookup
    with opened(accounts) as s:
        revoked = revoke_token(s, OPERATOR, lookup, now=at(10))
        with pytest.raises(AuthError) as again:
            revoke_token(s, OPERATOR, lookup, now=at(10, 1))
    assert revoked == replace(
        created.view, token=replace(created.view.token, revoked_at=at(10)), status=TokenStatus.REVOKED
    )
    assert str(again.value.message) == f"the API token {lookup} was already revoked on 2025-03-01 10:00 UTC"
    with pytest.raises(TokenRefused) as refused:
        _actor(accounts, created.raw, at(10, 2))
    assert refused.value.code == "auth.token_revoked"
    assert audit_rows(accounts, store)[3:] == [
        (at(10), *OP, "token.revoked", lookup, {"account": "bruno@acme.example", "name": "deploy"}, "succeeded", None),
    ]


def test_a_disabled_accounts_tokens_are_refused_until_it_is_enabled(accounts: Path) -> None:
    created = _create(accounts)
    with opened(accounts) as s:
        set_disabled(s, OPERATOR, "bruno@acme.example", True, now=at(10))
    with pytest.raises(TokenRefused) as refused:
        _actor(accounts, created.raw, at(10, 1))
    assert refused.value.code == "auth.token_account_disabled"
    with opened(accounts) as s:
        set_disabled(s, OPERATOR, "bruno@acme.example", False, now=at(10, 2))
    assert _actor(accounts, created.raw, at(10, 3)).account_id == 1


def test_a_disabled_account_gets_no_new_token(accounts: Path) -> None:
    with opened(accounts) as s:
        set_disabled(s, OPERATOR, "bruno@acme.example", True, now=at(8, 30))
    with pytest.raises(AuthError, match=r"the account bruno@acme\.example is disabled"):
        _create(accounts)


def test_accounts_manage_their_own_tokens_only(accounts: Path, store: str) -> None:
    bruno = Actor(account_id=1, person_id=1, email="bruno@acme.example", roles=frozenset({Role.EDITOR}))
    mia = Actor(account_id=2, person_id=None, email="mia@acme.example", roles=frozenset({Role.MEMBER}))
    own = _create(accounts, actor=bruno, name="laptop", scopes=["read"])
    theirs = _create(accounts, "mia@acme.example", name="mine", scopes=["read"])
    with pytest.raises(NotPermitted):
        _create(accounts, "mia@acme.example", actor=bruno, scopes=["read"])
    with opened(accounts) as s:
        assert [view.token.name for view in list_tokens(s, bruno, now=at(10))] == ["laptop"]
        assert [view.email for view in list_tokens(s, OPERATOR, now=at(10))] == [
            "bruno@acme.example",
            "mia@acme.example",
        ]
        with pytest.raises(NotPermitted):
            list_tokens(s, bruno, email="mia@acme.example", now=at(10))
        # Another account's token is answered as an unknown one, and the attempt is recorded.
        with pytest.raises(UnknownToken) as unknown:
            revoke_token(s, mia, own.view.token.lookup, now=at(10, 1))
        assert str(unknown.value.message) == f"no API token has the id '{own.view.token.lookup}'"
        with pytest.raises(UnknownToken):
            revoke_token(s, mia, "0" * 16, now=at(10, 2))
        assert revoke_token(s, bruno, own.view.token.lookup, now=at(10, 3)).status is TokenStatus.REVOKED
    lookup = own.view.token.lookup
    b, m = ("account", 1, "bruno@acme.example"), ("account", 2, "mia@acme.example")
    assert [row[:8] for row in audit_rows(accounts, store)[2:]] == [
        (
            at(9),
            *b,
            "token.created",
            lookup,
            {
                "account": "bruno@acme.example",
                "name": "laptop",
                "scopes": ["read"],
                "expires_at": "2025-03-02T09:00:00+00:00",
            },
            "succeeded",
        ),
        (
            at(9),
            *OP,
            "token.created",
            theirs.view.token.lookup,
            {
                "account": "mia@acme.example",
                "name": "mine",
                "scopes": ["read"],
                "expires_at": "2025-03-02T09:00:00+00:00",
            },
            "succeeded",
        ),
        (at(9), *b, "token.created", "mia@acme.example", None, "refused"),
        (at(10), *b, "token.listed", "mia@acme.example", None, "refused"),
        (at(10, 1), *m, "token.revoked", lookup, None, "refused"),
        (at(10, 3), *b, "token.revoked", lookup, {"account": "bruno@acme.example", "name": "laptop"}, "succeeded"),
    ]


def test_a_token_needs_a_name_scopes_and_a_future_expiry(accounts: Path) -> None:
    for options, code in (
        ({"name": " "}, "auth.token_name"),
        ({"name": "x" * 201}, "auth.token_name"),
        ({"scopes": []}, "auth.scopes_missing"),
        ({"scopes": ["ingest:ordrs"], "sources": ["orders"]}, "auth.scope_unknown_source"),
        ({"expires_at": at(9)}, "auth.expiry_past_moment"),
    ):
        with pytest.raises(AuthError) as refused:
            _create(accounts, **options)
        assert refused.value.code == code


def test_a_token_is_held_to_its_scopes_when_it_manages_tokens_and_accounts(accounts: Path, store: str) -> None:
    admin = Actor(account_id=1, person_id=1, email="bruno@acme.example", roles=frozenset({Role.ADMIN}))
    reader = replace(admin, token_scopes=frozenset({"read"}))
    writer = replace(admin, token_scopes=frozenset({"read", "write"}))
    # A read-only token lists, but changes nothing; a token makes no token stronger than itself.
    with opened(accounts) as s:
        assert list_tokens(s, reader, now=at(9)) == ()
    with pytest.raises(NotPermitted) as refused:
        _create(accounts, actor=reader, scopes=["read"])
    assert str(refused.value.message) == "the API token has no write scope, which this needs (token.created)"
    with pytest.raises(NotPermitted) as refused:
        _create(accounts, actor=writer, scopes=["read", "ingest:orders"])
    assert str(refused.value.message) == "a token can only create tokens with scopes it has itself (read, write)"
    made = _create(accounts, actor=writer, scopes=["read"])
    with opened(accounts) as s:
        with pytest.raises(NotPermitted):
            revoke_token(s, reader, made.view.token.lookup, now=at(10))
        with pytest.raises(NotPermitted):
            set_disabled(s, reader, "mia@acme.example", True, now=at(10, 1))
    token = made.view.token.lookup
    assert [row[4:8] for row in audit_rows(accounts, store)[2:]] == [
        ("token.created", "bruno@acme.example", None, "refused"),
        ("token.created", "bruno@acme.example", None, "refused"),
        (
            "token.created",
            token,
            {
                "account": "bruno@acme.example",
                "name": "deploy",
                "scopes": ["read"],
                "expires_at": "2025-03-02T09:00:00+00:00",
            },
            "succeeded",
        ),
        ("token.revoked", token, None, "refused"),
        ("account.disabled", "mia@acme.example", None, "refused"),
    ]
