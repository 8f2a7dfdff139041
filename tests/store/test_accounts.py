"""Managing accounts through the services, on SQLite and PostgreSQL: each change made, and recorded in the audit log
with exactly the row below; refusals for anyone but an administrator, recorded too; nothing recorded when nothing
changed. Expected rows are written out by hand."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kpilot.auth import ANONYMOUS, Actor, NotPermitted, Permission, Role, WeakPassword
from kpilot.auth.errors import AccountExists, AuthError, UnknownAccount
from kpilot.auth.passwords import verify_password
from kpilot.services import audit
from kpilot.services.accounts import (
    NewPassword,
    add_account,
    list_accounts,
    set_disabled,
    set_password,
    set_permission,
    set_roles,
)
from kpilot.store import Accounts, People, PersonFields
from tests.store.accounts_support import at, audit_rows, opened

OPERATOR = Actor.operator()
MEMBER = Actor(account_id=7, person_id=None, email="mia@acme.example", roles=frozenset({Role.MEMBER}))
OP = ("operator", None, None)  # how the local operator is recorded: kind, account id, e-mail


def test_add_accounts_with_a_given_generated_or_no_password(root: Path, store: str) -> None:
    with opened(root) as s:
        given = add_account(
            s,
            OPERATOR,
            " Anna@Acme.example ",
            [Role.MEMBER, Role.ADMIN],
            password=NewPassword("correct horse battery"),
            now=at(9),
        )
        generated = add_account(s, OPERATOR, "bruno@acme.example", [Role.VIEWER], password=NewPassword(), now=at(9, 1))
        none = add_account(s, OPERATOR, "carla@acme.example", [Role.EDITOR], password=None, now=at(9, 2))
        with s.reading() as session:
            accounts = Accounts(session)
            anna_hash = accounts.password_hash(given.account.id)
            bruno_hash = accounts.password_hash(generated.account.id)
            assert accounts.password_hash(none.account.id) is None
    assert (given.account.email, given.account.roles, given.generated) == (
        "Anna@Acme.example",
        ("admin", "member"),
        None,
    )
    assert anna_hash is not None
    assert verify_password("correct horse battery", anna_hash).matches
    assert generated.generated is not None
    assert len(generated.generated) == 20
    assert bruno_hash is not None
    assert verify_password(generated.generated, bruno_hash).matches
    assert generated.generated not in repr(generated)
    assert (none.account.has_password, none.generated) == (False, None)
    assert audit_rows(root, store) == [
        (
            at(9),
            *OP,
            "account.created",
            "Anna@Acme.example",
            {"roles": ["admin", "member"], "password": "given"},
            "succeeded",
            None,
        ),
        (
            at(9, 1),
            *OP,
            "account.created",
            "bruno@acme.example",
            {"roles": ["viewer"], "password": "generated"},
            "succeeded",
            None,
        ),
        (
            at(9, 2),
            *OP,
            "account.created",
            "carla@acme.example",
            {"roles": ["editor"], "password": "none"},
            "succeeded",
            None,
        ),
    ]


def test_an_account_is_refused_with_a_weak_password_a_bad_address_no_role_or_twice(root: Path, store: str) -> None:
    with opened(root) as s:
        with pytest.raises(WeakPassword):
            add_account(s, OPERATOR, "anna@acme.example", [Role.VIEWER], password=NewPassword("short"), now=at(9))
        with pytest.raises(WeakPassword):
            add_account(
                s, OPERATOR, "anna@acme.example", [Role.VIEWER], password=NewPassword("ANNA@acme.example"), now=at(9)
            )
        for email in ("anna", "anna@", "@acme.example", "an na@acme.example", "a@b@c", "x" * 320 + "@a.b"):
            with pytest.raises(AuthError) as refused:
                add_account(s, OPERATOR, email, [Role.VIEWER], password=None, now=at(9))
            assert (refused.value.code, refused.value.field) == ("auth.email_invalid", "email")
        with pytest.raises(AuthError) as refused:
            add_account(s, OPERATOR, "anna@acme.example", [], password=None, now=at(9))
        assert refused.value.code == "auth.roles_missing"
        add_account(s, OPERATOR, "anna@acme.example", [Role.VIEWER], password=None, now=at(9))
        with pytest.raises(AccountExists) as refused:
            add_account(s, OPERATOR, "ANNA@acme.example", [Role.ADMIN], password=None, now=at(9, 1))
        assert str(refused.value.message) == "there is already an account for anna@acme.example"
    assert [row[4] for row in audit_rows(root, store)] == ["account.created"]  # only the one added


def test_passwords_roles_permissions_disabling_each_recorded_once(root: Path, store: str) -> None:
    with opened(root) as s:
        add_account(s, OPERATOR, "anna@acme.example", [Role.MEMBER], password=None, now=at(9))
        assert (
            set_password(s, OPERATOR, "Anna@acme.example", NewPassword("correct horse battery"), now=at(9, 1)) is None
        )
        assert set_roles(s, OPERATOR, "anna@acme.example", [Role.VIEWER, Role.EDITOR], now=at(9, 2)) is True
        assert set_roles(s, OPERATOR, "anna@acme.example", [Role.EDITOR, Role.VIEWER], now=at(9, 3)) is False
        assert set_permission(s, OPERATOR, "anna@acme.example", Permission.COMPENSATION, True, now=at(9, 4)) is True
        assert set_permission(s, OPERATOR, "anna@acme.example", Permission.COMPENSATION, True, now=at(9, 5)) is False
        assert set_disabled(s, OPERATOR, "anna@acme.example", True, now=at(9, 6)) is True
        assert set_disabled(s, OPERATOR, "anna@acme.example", True, now=at(9, 7)) is False
        [view] = list_accounts(s, OPERATOR, now=at(9, 8))
        assert (view.account.roles, view.account.permissions, view.account.disabled_at) == (
            ("editor", "viewer"),
            ("compensation",),
            at(9, 6),
        )
        assert set_disabled(s, OPERATOR, "anna@acme.example", False, now=at(9, 9)) is True
        assert set_permission(s, OPERATOR, "anna@acme.example", Permission.COMPENSATION, False, now=at(9, 10)) is True
        assert set_permission(s, OPERATOR, "anna@acme.example", Permission.COMPENSATION, False, now=at(9, 11)) is False
        generated = set_password(s, OPERATOR, "anna@acme.example", NewPassword(), now=at(9, 12))
        with s.reading() as session:
            stored = Accounts(session).password_hash(Accounts(session).by_email("anna@acme.example").id)  # type: ignore[union-attr]
    assert generated is not None
    assert stored is not None
    assert verify_password(generated, stored).matches
    assert audit_rows(root, store) == [
        (
            at(9),
            *OP,
            "account.created",
            "anna@acme.example",
            {"roles": ["member"], "password": "none"},
            "succeeded",
            None,
        ),
        (at(9, 1), *OP, "account.password_set", "anna@acme.example", {"password": "given"}, "succeeded", None),
        (
            at(9, 2),
            *OP,
            "account.roles_set",
            "anna@acme.example",
            {"roles": {"from": ["member"], "to": ["editor", "viewer"]}},
            "succeeded",
            None,
        ),
        (
            at(9, 4),
            *OP,
            "account.permission_granted",
            "anna@acme.example",
            {"permissions": {"from": [], "to": ["compensation"]}},
            "succeeded",
            None,
        ),
        (
            at(9, 6),
            *OP,
            "account.disabled",
            "anna@acme.example",
            {"disabled_at": {"from": None, "to": "2025-03-01T09:06:00+00:00"}},
            "succeeded",
            None,
        ),
        (
            at(9, 9),
            *OP,
            "account.enabled",
            "anna@acme.example",
            {"disabled_at": {"from": "2025-03-01T09:06:00+00:00", "to": None}},
            "succeeded",
            None,
        ),
        (
            at(9, 10),
            *OP,
            "account.permission_revoked",
            "anna@acme.example",
            {"permissions": {"from": ["compensation"], "to": []}},
            "succeeded",
            None,
        ),
        (at(9, 12), *OP, "account.password_set", "anna@acme.example", {"password": "generated"}, "succeeded", None),
    ]


def test_an_unknown_account_is_named_with_the_closest_address(root: Path) -> None:
    with opened(root) as s:
        add_account(s, OPERATOR, "anna@acme.example", [Role.MEMBER], password=None, now=at(9))
        with pytest.raises(UnknownAccount) as refused:
            set_disabled(s, OPERATOR, "ana@acme.example", True, now=at(9, 1))
    assert str(refused.value.message) == "no account has the e-mail address ana@acme.example"
    assert str(refused.value.hint) == "did you mean 'anna@acme.example'?"


def test_the_accounts_list_names_each_accounts_person(root: Path) -> None:
    with opened(root) as s:
        with s.writing() as session:
            People(session).add(PersonFields("Anna Rossi", "Anna@Acme.example", "it", "Europe/Rome"))
        add_account(s, OPERATOR, "anna@acme.example", [Role.MEMBER], password=None, now=at(9))
        add_account(s, OPERATOR, "robot@acme.example", [Role.VIEWER], password=None, now=at(9))
        views = list_accounts(s, OPERATOR, now=at(9, 1))
    assert [(view.account.email, view.person) for view in views] == [
        ("anna@acme.example", "Anna Rossi"),
        ("robot@acme.example", None),
    ]


def test_only_administrators_manage_accounts_and_refusals_are_recorded(root: Path, store: str) -> None:
    with opened(root) as s:
        add_account(s, OPERATOR, "mia@acme.example", [Role.MEMBER], password=None, now=at(9))
        attempts = [
            lambda: add_account(s, MEMBER, "x@acme.example", [Role.ADMIN], password=None, now=at(10)),
            lambda: set_roles(s, MEMBER, "mia@acme.example", [Role.ADMIN], now=at(10, 1)),
            lambda: set_permission(s, MEMBER, "mia@acme.example", Permission.COMPENSATION, True, now=at(10, 2)),
            lambda: set_disabled(s, ANONYMOUS, "mia@acme.example", True, now=at(10, 3)),
            lambda: list_accounts(s, MEMBER, now=at(10, 4)),
            lambda: audit.read(s, MEMBER, now=at(10, 5)),
            lambda: set_password(s, MEMBER, "x@acme.example", NewPassword("correct horse battery"), now=at(10, 6)),
        ]
        for attempt in attempts:
            with pytest.raises(NotPermitted):
                attempt()
        # An account may set its own password.
        assert set_password(s, MEMBER, "MIA@acme.example", NewPassword("correct horse battery"), now=at(10, 7)) is None
    mia = ("account", 7, "mia@acme.example")
    assert audit_rows(root, store)[1:] == [
        (at(10), *mia, "account.created", "x@acme.example", None, "refused", None),
        (at(10, 1), *mia, "account.roles_set", "mia@acme.example", None, "refused", None),
        (at(10, 2), *mia, "account.permission_granted", "mia@acme.example", None, "refused", None),
        (at(10, 3), "unverified", None, None, "account.disabled", "mia@acme.example", None, "refused", None),
        (at(10, 4), *mia, "account.listed", None, None, "refused", None),
        (at(10, 5), *mia, "audit.read", None, None, "refused", None),
        (at(10, 6), *mia, "account.password_set", "x@acme.example", None, "refused", None),
        (at(10, 7), *mia, "account.password_set", "mia@acme.example", {"password": "given"}, "succeeded", None),
    ]


def test_administrators_read_the_audit_log_by_time_actor_and_action(root: Path) -> None:
    with opened(root) as s:
        add_account(s, OPERATOR, "anna@acme.example", [Role.ADMIN], password=None, now=at(9))
        add_account(s, OPERATOR, "bruno@acme.example", [Role.VIEWER], password=None, now=at(10))
        anna = Actor(account_id=1, person_id=None, email="anna@acme.example", roles=frozenset({Role.ADMIN}))
        set_roles(s, anna, "bruno@acme.example", [Role.MEMBER], now=at(11))
        read = [
            audit.read(s, anna, now=at(12)),
            audit.read(s, anna, now=at(12), since=at(10)),
            audit.read(s, anna, now=at(12), until=at(10)),
            audit.read(s, anna, now=at(12), by="Anna@acme.example"),
            audit.read(s, OPERATOR, now=at(12), action="account.created", since=at(9, 30)),
        ]
    assert [[(e.at, e.action, e.target) for e in entries] for entries in read] == [
        [
            (at(9), "account.created", "anna@acme.example"),
            (at(10), "account.created", "bruno@acme.example"),
            (at(11), "account.roles_set", "bruno@acme.example"),
        ],
        [(at(10), "account.created", "bruno@acme.example"), (at(11), "account.roles_set", "bruno@acme.example")],
        [(at(9), "account.created", "anna@acme.example")],
        [(at(11), "account.roles_set", "bruno@acme.example")],
        [(at(10), "account.created", "bruno@acme.example")],
    ]


def test_an_admins_token_reads_the_audit_log_only_with_the_read_scope(root: Path, store: str) -> None:
    admin = Actor(account_id=1, person_id=None, email="anna@acme.example", roles=frozenset({Role.ADMIN}))
    with opened(root) as s:
        add_account(s, OPERATOR, "anna@acme.example", [Role.ADMIN], password=None, now=at(9))
        assert len(audit.read(s, replace(admin, token_scopes=frozenset({"read"})), now=at(10))) == 1
        with pytest.raises(NotPermitted) as refused:
            audit.read(s, replace(admin, token_scopes=frozenset({"ingest:orders"})), now=at(10, 1))
    assert str(refused.value.message) == "the API token has no read scope, which this needs (audit.read)"
    assert audit_rows(root, store)[1] == (
        at(10, 1),
        "account",
        1,
        "anna@acme.example",
        "audit.read",
        None,
        None,
        "refused",
        None,
    )
