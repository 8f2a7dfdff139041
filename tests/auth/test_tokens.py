"""API tokens as values: their shape, their randomness, reading them back, their hash, scopes and expiry."""

from __future__ import annotations

import collections
import re
from datetime import UTC, datetime, timedelta

import pytest

from kpilot.auth.actor import TokenScope
from kpilot.auth.errors import AuthError, TokenRefused
from kpilot.auth.tokens import expiry, make_token, parse_scopes, parse_token, secret_hash, secret_matches

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
SHAPE = re.compile(r"kpilot_([0-9a-f]{16})_([0-9a-f]{64})")


def test_a_token_is_kpilot_lookup_secret_and_its_hash_is_of_the_secret() -> None:
    made = make_token()
    found = SHAPE.fullmatch(made.raw)
    assert found is not None
    assert found[1] == made.lookup
    assert made.secret_hash == secret_hash(found[2])
    assert found[2] not in made.secret_hash
    assert made.raw not in repr(made)
    assert found[2] not in repr(made)


def test_the_hash_is_sha256_of_the_secret_text() -> None:
    # FIPS 180-2, appendix B.1: SHA-256("abc").
    assert secret_hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_tokens_are_random_256_bit_secrets() -> None:
    made = [make_token() for _ in range(2000)]
    assert len({token.raw for token in made}) == 2000
    assert len({token.lookup for token in made}) == 2000
    secrets = [SHAPE.fullmatch(token.raw)[2] for token in made]  # type: ignore[index]
    assert all(len(bytes.fromhex(secret)) == 32 for secret in secrets)
    # 2000 secrets of 64 hex digits: 128,000 digits, 8,000 of each expected. A fair source stays within +-5 % of it
    # (the standard deviation is about 87, so 400 is more than four of them).
    counts = collections.Counter("".join(secrets))
    assert set(counts) == set("0123456789abcdef")
    assert all(abs(count - 8000) < 400 for count in counts.values()), counts


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "kpilot",
        "kpilot__",
        "kpilot_0123456789abcdef_" + "0" * 63,  # a digit short
        "kpilot_0123456789abcdef_" + "0" * 65,
        "kpilot_0123456789ABCDEF_" + "0" * 64,  # upper case is not how kpilot writes them
        "kpilot_0123456789abcdeg_" + "0" * 64,
        "other_0123456789abcdef_" + "0" * 64,
        "Bearer kpilot_0123456789abcdef_" + "0" * 64,
        "kpilot_0123456789abcdef_" + "0" * 64 + "x",
    ],
)
def test_malformed_tokens_are_refused_without_repeating_them(raw: str) -> None:
    with pytest.raises(TokenRefused) as refused:
        parse_token(raw)
    assert refused.value.code == "auth.token_malformed"
    assert str(refused.value.message) == "this is not a kpilot API token"
    assert "0123456789" not in str(refused.value)
    assert "00000000" not in str(refused.value)


def test_a_token_is_read_back_with_spaces_around_it() -> None:
    raw = "kpilot_0123456789abcdef_" + "ab" * 32
    parsed = parse_token(f"  {raw}\n")
    assert (parsed.lookup, parsed.secret) == ("0123456789abcdef", "ab" * 32)
    assert "ab" * 32 not in repr(parsed)


def test_the_secret_matches_its_hash_only() -> None:
    stored = secret_hash("ab" * 32)
    assert secret_matches("ab" * 32, stored)
    assert not secret_matches("ab" * 31 + "ac", stored)
    assert not secret_matches("ab" * 32, stored.upper())


def test_scopes_are_checked_sorted_and_each_kept_once() -> None:
    assert parse_scopes(["read", " ingest:orders", "write", "read", "ingest:ad_spend"]) == (
        "ingest:ad_spend",
        "ingest:orders",
        "read",
        "write",
    )
    assert parse_scopes(["ingest:orders"], sources={"orders", "deals"}) == ("ingest:orders",)
    assert {scope.value for scope in TokenScope} == {"read", "write", "ingest"}


@pytest.mark.parametrize(
    ("scopes", "code", "hint"),
    [
        ([], "auth.scopes_missing", "the scopes are read, write and ingest:SOURCE"),
        (["raed"], "auth.scope_unknown", "did you mean 'read'?"),
        (["admin"], "auth.scope_unknown", "the scopes are read, write and ingest:SOURCE"),
        (["read:orders"], "auth.scope_unknown", "the scopes are read, write and ingest:SOURCE"),
        (["ingest"], "auth.scope_needs_source", "the scopes are read, write and ingest:SOURCE"),
        (["ingest:"], "auth.scope_needs_source", "the scopes are read, write and ingest:SOURCE"),
        (["ingest:1orders"], "auth.scope_bad_source", None),
        (["ingest:or ders"], "auth.scope_bad_source", None),
    ],
)
def test_wrong_scopes_are_refused(scopes: list[str], code: str, hint: str | None) -> None:
    with pytest.raises(AuthError) as refused:
        parse_scopes(scopes)
    assert (refused.value.code, refused.value.field) == (code, "scopes")
    assert (str(refused.value.hint) if refused.value.hint else None) == hint


def test_an_ingest_scope_must_name_a_source_of_the_definitions() -> None:
    with pytest.raises(AuthError) as refused:
        parse_scopes(["ingest:ordrs"], sources={"orders", "deals"})
    assert (
        str(refused.value.message)
        == "the scope 'ingest:ordrs' names the source 'ordrs', which the definitions do not have"
    )
    assert str(refused.value.hint) == "did you mean 'orders'?"
    assert refused.value.suggestions == ("deals", "orders")
    with pytest.raises(AuthError) as refused:
        parse_scopes(["ingest:orders"], sources=set())
    assert str(refused.value.hint) == "the definitions have no sources yet"


def test_expiry_in_days_or_through_a_day_of_the_workspace() -> None:
    assert expiry(None, NOW, "Europe/Rome") == NOW + timedelta(days=90)
    assert expiry("30d", NOW, "Europe/Rome") == datetime(2025, 3, 31, 9, 0, tzinfo=UTC)
    # Valid through 31 March in Rome: it expires when 1 April begins there, 00:00 CEST (UTC+2 since 30 March),
    # which is 22:00 UTC on 31 March.
    assert expiry("2025-03-31", NOW, "Europe/Rome") == datetime(2025, 3, 31, 22, 0, tzinfo=UTC)
    # Through 1 March in Rome (CET, UTC+1): 2 March 00:00 there, 23:00 UTC on 1 March.
    assert expiry("2025-03-01", NOW, "Europe/Rome") == datetime(2025, 3, 1, 23, 0, tzinfo=UTC)
    assert expiry("2025-03-01", NOW, "UTC") == datetime(2025, 3, 2, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("0d", "auth.expiry_days"),
        ("3651d", "auth.expiry_days"),
        ("tomorrow", "auth.expiry_unreadable"),
        ("90", "auth.expiry_unreadable"),
        ("2025-02-30", "auth.expiry_unreadable"),
        ("2025-3-31", "auth.expiry_unreadable"),
        ("2025-02-28", "auth.expiry_past"),
        ("2035-03-03", "auth.expiry_too_far"),
    ],
)
def test_unreadable_or_impossible_expiries_are_refused(given: str, code: str) -> None:
    with pytest.raises(AuthError) as refused:
        expiry(given, NOW, "Europe/Rome")
    assert (refused.value.code, refused.value.field) == (code, "expires_at")
