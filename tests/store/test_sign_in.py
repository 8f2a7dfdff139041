"""Signing in, on SQLite and PostgreSQL: the actor of the right password, one error for a wrong password and an
unknown address, a disabled account refused, the rate limit to the second (five failures within fifteen minutes,
counted from the fifth most recent), a rehash on sign-in, and every attempt audited with the exact row below."""

from __future__ import annotations

from pathlib import Path

import pytest
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from kpilot.auth import Actor, Role, SignInFailed, TooManyAttempts
from kpilot.auth.passwords import verify_password
from kpilot.services.accounts import NewPassword, add_account, set_disabled
from kpilot.services.sign_in import sign_in
from kpilot.store import Accounts, People, PersonFields
from tests.store.accounts_support import at, audit_rows, opened

OPERATOR = Actor.operator()
PASSWORD = "correct horse battery"
CLIENT = "192.0.2.10"


@pytest.fixture
def anna(root: Path) -> Path:
    """A workspace whose store has Anna (a person, Italian) with a member account and PASSWORD, added at 8:00."""
    with opened(root) as s:
        with s.writing() as session:
            People(session).add(PersonFields("Anna Rossi", "anna@acme.example", "it", "Europe/Rome"))
        add_account(s, OPERATOR, "Anna@Acme.example", [Role.MEMBER], password=NewPassword(PASSWORD), now=at(8))
    return root


def _sign_in(root: Path, password: str, moment: object, email: str = "anna@acme.example") -> Actor:
    with opened(root) as s:
        return sign_in(s, email, password, now=moment, client=CLIENT)  # type: ignore[arg-type]


def _failure(moment: object, reason: str, email: str = "anna@acme.example") -> tuple[object, ...]:
    return (moment, "unverified", None, email, "sign_in", email, {"reason": reason}, "failed", CLIENT)


def _refusal(moment: object, reason: str, email: str = "anna@acme.example") -> tuple[object, ...]:
    return (moment, "unverified", None, email, "sign_in", email, {"reason": reason}, "refused", CLIENT)


def _success(moment: object, details: object = None) -> tuple[object, ...]:
    return (moment, "account", 1, "Anna@Acme.example", "sign_in", "Anna@Acme.example", details, "succeeded", CLIENT)


def test_the_right_password_gives_the_accounts_actor_with_its_person(anna: Path, store: str) -> None:
    actor = _sign_in(anna, PASSWORD, at(9), email=" ANNA@acme.example ")
    assert actor == Actor(
        account_id=1,
        person_id=1,
        email="Anna@Acme.example",
        roles=frozenset({Role.MEMBER}),
        permissions=frozenset(),
        token_scopes=None,
        language="it",
    )
    assert audit_rows(anna, store)[1:] == [_success(at(9))]


def test_a_wrong_password_and_an_unknown_address_get_the_same_error(anna: Path, store: str) -> None:
    errors = []
    for email, password in (("anna@acme.example", "wrong horse battery"), ("nobody@acme.example", PASSWORD)):
        with pytest.raises(SignInFailed) as refused:
            _sign_in(anna, password, at(9), email=email)
        errors.append((refused.value.code, str(refused.value), refused.value.field))
    assert (
        errors[0]
        == errors[1]
        == (
            "auth.sign_in_failed",
            "wrong e-mail address or password\n"
            "  hint: check both and try again; an administrator can set a new password with `kpilot users passwd`",
            "password",
        )
    )
    assert audit_rows(anna, store)[1:] == [
        _failure(at(9), "wrong_password"),
        _failure(at(9), "unknown_account", email="nobody@acme.example"),
    ]


def test_an_account_without_a_password_cannot_sign_in_with_one(anna: Path, store: str) -> None:
    with opened(anna) as s:
        add_account(s, OPERATOR, "oidc@acme.example", [Role.VIEWER], password=None, now=at(8))
    with pytest.raises(SignInFailed, match="wrong e-mail address or password"):
        _sign_in(anna, "", at(9), email="oidc@acme.example")
    assert audit_rows(anna, store)[-1] == _failure(at(9), "no_password", email="oidc@acme.example")


def test_a_disabled_account_is_refused_and_told_only_with_the_right_password(anna: Path, store: str) -> None:
    with opened(anna) as s:
        set_disabled(s, OPERATOR, "anna@acme.example", True, now=at(8, 30))
    with pytest.raises(SignInFailed) as wrong:
        _sign_in(anna, "wrong horse battery", at(9))
    assert wrong.value.code == "auth.sign_in_failed"
    with pytest.raises(SignInFailed) as right:
        _sign_in(anna, PASSWORD, at(9, 1))
    assert (right.value.code, str(right.value.message)) == (
        "auth.account_disabled",
        "the account Anna@Acme.example is disabled",
    )
    assert audit_rows(anna, store)[2:] == [_failure(at(9), "wrong_password"), _refusal(at(9, 1), "disabled")]


def test_five_failures_lock_the_address_until_the_oldest_is_fifteen_minutes_old(anna: Path, store: str) -> None:
    for minute in range(5):  # 9:00 ... 9:04, in any case of the address
        with pytest.raises(SignInFailed):
            _sign_in(
                anna,
                "wrong horse battery",
                at(9, minute),
                email="ANNA@acme.example" if minute % 2 else "anna@acme.example",
            )
    # Five failures in the last fifteen minutes: refused even with the right password, until 9:00 + 15 = 9:15.
    for moment in (at(9, 5), at(9, 14, 59)):
        with pytest.raises(TooManyAttempts) as locked:
            _sign_in(anna, PASSWORD, moment)
        assert locked.value.retry_at == at(9, 15)
        assert str(locked.value.message) == "too many failed sign-ins for anna@acme.example: try again at 09:15 UTC"
    # At 9:15 the 9:00 failure is fifteen minutes old and no longer counts: four remain, and the refused attempts
    # never counted.
    assert _sign_in(anna, PASSWORD, at(9, 15)).account_id == 1
    # The success forgot the failures before it: one more failure is one, not six.
    with pytest.raises(SignInFailed):
        _sign_in(anna, "wrong horse battery", at(9, 16))
    assert _sign_in(anna, PASSWORD, at(9, 17)).account_id == 1
    assert audit_rows(anna, store)[1:] == [
        _failure(at(9, 0), "wrong_password"),
        _failure(at(9, 1), "wrong_password", email="ANNA@acme.example"),
        _failure(at(9, 2), "wrong_password"),
        _failure(at(9, 3), "wrong_password", email="ANNA@acme.example"),
        _failure(at(9, 4), "wrong_password"),
        _refusal(at(9, 5), "too_many_attempts"),
        _refusal(at(9, 14, 59), "too_many_attempts"),
        _success(at(9, 15)),
        _failure(at(9, 16), "wrong_password"),
        _success(at(9, 17)),
    ]


def test_the_lock_ends_when_the_fifth_most_recent_failure_is_fifteen_minutes_old(anna: Path) -> None:
    # Failures at 9:00, 9:10, 9:11, 9:12, then 9:16 and 9:17 (at each, fewer than five failures are in the
    # fifteen minutes before it, so each is tried). At 9:18 the last fifteen minutes hold 9:10, 9:11, 9:12, 9:16
    # and 9:17: five, so it is locked until 9:10 + 15 = 9:25 (not 9:00 + 15: that failure no longer counts).
    for moment in (at(9), at(9, 10), at(9, 11), at(9, 12), at(9, 16), at(9, 17)):
        with pytest.raises(SignInFailed):
            _sign_in(anna, "wrong horse battery", moment)
    for moment in (at(9, 18), at(9, 24, 59)):
        with pytest.raises(TooManyAttempts) as locked:
            _sign_in(anna, PASSWORD, moment)
        assert locked.value.retry_at == at(9, 25)
    assert _sign_in(anna, PASSWORD, at(9, 25)).account_id == 1


def test_unknown_addresses_are_rate_limited_too(anna: Path, store: str) -> None:
    for minute in range(5):
        with pytest.raises(SignInFailed):
            _sign_in(anna, PASSWORD, at(9, minute), email="nobody@acme.example")
    with pytest.raises(TooManyAttempts):
        _sign_in(anna, PASSWORD, at(9, 5), email="nobody@acme.example")
    assert _sign_in(anna, PASSWORD, at(9, 5)).account_id == 1  # another address is not affected


def test_a_hash_with_older_parameters_is_replaced_at_sign_in(anna: Path, store: str) -> None:
    old = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8192, parallelism=1),)).hash(PASSWORD)
    with opened(anna) as s, s.writing() as session:
        Accounts(session).set_password_hash(1, old)
    _sign_in(anna, PASSWORD, at(9))
    with opened(anna) as s, s.reading() as session:
        stored = Accounts(session).password_hash(1)
    assert stored is not None
    assert stored != old
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert verify_password(PASSWORD, stored).matches
    _sign_in(anna, PASSWORD, at(9, 1))  # current parameters now: kept
    with opened(anna) as s, s.reading() as session:
        assert Accounts(session).password_hash(1) == stored
    assert audit_rows(anna, store)[1:] == [_success(at(9), {"rehashed": True}), _success(at(9, 1))]
