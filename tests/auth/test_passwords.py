"""Passwords: the policy (length, not the e-mail address), Argon2 hashes that round-trip, Unicode normalisation, and
a new hash when the stored one was made with other parameters."""

from __future__ import annotations

import re
import unicodedata

import pytest
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from kpilot.auth.errors import WeakPassword
from kpilot.auth.passwords import (
    check_policy,
    generate_password,
    hash_password,
    verify_nothing,
    verify_password,
)

EMAIL = "Anna.Rossi@Acme.example"
# pwdlib's default Argon2id parameters (argon2-cffi's RFC 9106 low-memory profile): 64 MiB, 3 passes, 4 lanes.
CURRENT_PARAMETERS = "$argon2id$v=19$m=65536,t=3,p=4$"


@pytest.mark.parametrize("password", ["a" * 12, "correct horse", "ünïcödé pass", "密码密码密码密码密码密码"])
def test_twelve_characters_or_more_pass(password: str) -> None:
    check_policy(password, EMAIL)


@pytest.mark.parametrize(("password", "length"), [("", 0), ("a" * 11, 11), ("short", 5)])
def test_shorter_passwords_are_refused_with_their_length(password: str, length: int) -> None:
    with pytest.raises(WeakPassword) as refused:
        check_policy(password, EMAIL)
    assert refused.value.code == "auth.password_too_short"
    assert refused.value.field == "password"
    assert str(refused.value.message) == f"the password has {length} characters; it needs at least 12"
    assert refused.value.hint is not None


def test_length_counts_characters_after_normalisation() -> None:
    # "e" + COMBINING GRAVE ACCENT is one character once composed (NFKC): 11 + 1 = 12 letters, 13 code points.
    decomposed = "caffeinated" + "e\u0300"
    assert len(decomposed) == 13
    check_policy(decomposed, EMAIL)
    with pytest.raises(WeakPassword, match="has 11 characters"):
        check_policy("caffeinate" + "e\u0300", EMAIL)


def test_the_address_and_its_local_part_are_refused_in_any_case() -> None:
    for password in (EMAIL, EMAIL.lower(), "ANNA.ROSSI@ACME.EXAMPLE", "anna.rossi@acme.example"):
        with pytest.raises(WeakPassword) as refused:
            check_policy(password, EMAIL)
        assert refused.value.code == "auth.password_is_email"
    with pytest.raises(WeakPassword) as refused:
        check_policy("anna.rossi.x", "anna.rossi.x@acme.example")
    assert refused.value.code == "auth.password_is_email"
    check_policy("anna.rossi.xy", "anna.rossi.x@acme.example")  # close is not equal


def test_very_long_passwords_are_refused() -> None:
    check_policy("x" * 1024, EMAIL)
    with pytest.raises(WeakPassword) as refused:
        check_policy("x" * 1025, EMAIL)
    assert str(refused.value.message) == "the password has 1,025 characters; at most 1,024 are allowed"


def test_a_hash_verifies_its_password_only() -> None:
    stored = hash_password("correct horse battery")
    assert stored.startswith(CURRENT_PARAMETERS)
    assert "correct horse battery" not in stored
    assert verify_password("correct horse battery", stored).matches
    assert verify_password("correct horse batterY", stored).matches is False
    assert verify_password("", stored).matches is False
    assert verify_password("correct horse battery", stored).rehashed is None  # current parameters: kept


def test_two_hashes_of_one_password_differ_by_their_salt() -> None:
    first, second = hash_password("correct horse battery"), hash_password("correct horse battery")
    assert first != second
    assert verify_password("correct horse battery", second).matches


def test_composed_and_decomposed_forms_are_the_same_password() -> None:
    composed = "caff\u00e8 corretto!"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    assert verify_password(decomposed, hash_password(composed)).matches
    assert verify_password("ｃａｆｆè corretto!", hash_password(composed)).matches  # full-width letters: NFKC


def test_a_hash_with_older_parameters_is_rehashed_on_a_match() -> None:
    old = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8192, parallelism=1),)).hash("correct horse battery")
    assert old.startswith("$argon2id$v=19$m=8192,t=1,p=1$")
    check = verify_password("correct horse battery", old)
    assert check.matches
    assert check.rehashed is not None
    assert check.rehashed.startswith(CURRENT_PARAMETERS)
    assert verify_password("correct horse battery", check.rehashed).matches
    wrong = verify_password("wrong horse battery", old)
    assert (wrong.matches, wrong.rehashed) == (False, None)  # no new hash for a wrong password


def test_a_hash_kpilot_did_not_make_matches_nothing() -> None:
    for stored in ("", "plain text", "$2b$12$abcdefghijklmnopqrstuv", "5f4dcc3b5aa765d61d8327deb882cf99"):
        assert verify_password("password", stored).matches is False


def test_the_check_never_shows_a_new_hash_in_its_repr() -> None:
    old = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8192, parallelism=1),)).hash("correct horse battery")
    check = verify_password("correct horse battery", old)
    assert "argon2" not in repr(check)


def test_verifying_nothing_takes_a_hash_and_returns() -> None:
    assert verify_nothing("anything at all") is None


def test_generated_passwords_are_long_random_and_pass_the_policy() -> None:
    made = {generate_password() for _ in range(200)}
    assert len(made) == 200
    for password in made:
        assert re.fullmatch(r"[A-Za-z0-9_-]{20}", password)
        check_policy(password, EMAIL)
