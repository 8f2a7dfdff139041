"""Passwords: the policy, Argon2 hashes (pwdlib), and new hashes when the parameters have changed.

Passwords are compared after Unicode NFKC normalisation, so that the same password typed on two keyboards (a
composed or a decomposed "è", a full-width digit) is the same password. The policy asks for length, not for
character classes (NIST SP 800-63B): at least 12 characters, and not the account's own e-mail address.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from pwdlib import PasswordHash
from pwdlib.exceptions import UnknownHashError
from pwdlib.hashers.argon2 import Argon2Hasher

from kpilot.auth.errors import WeakPassword
from kpilot.i18n import Message

MIN_LENGTH = 12
MAX_LENGTH = 1024  # long passphrases are welcome; megabytes of "password" are not
GENERATED_BYTES = 15  # 120 random bits, written as 20 URL-safe characters

# Argon2id with pwdlib's defaults (argon2-cffi's RFC 9106 "low memory" profile). A hash made with other parameters
# still verifies, and is replaced by one with these at the next sign-in (`PasswordCheck.rehashed`).
_HASHER = PasswordHash((Argon2Hasher(),))


@dataclass(frozen=True)
class PasswordCheck:
    matches: bool
    rehashed: str | None = field(default=None, repr=False)  # a new hash to store when the old one is outdated


def check_policy(password: str, email: str) -> None:
    """Refuse a password that is too short or too long, or that is the account's e-mail address (or the part
    before its @)."""
    typed = normalized(password)
    if len(typed) < MIN_LENGTH:
        raise WeakPassword(
            Message("auth.password_too_short", length=len(typed), minimum=MIN_LENGTH),
            hint=Message("auth.password_hint"),
            field="password",
        )
    if len(typed) > MAX_LENGTH:
        raise WeakPassword(Message("auth.password_too_long", length=len(typed), maximum=MAX_LENGTH), field="password")
    address = normalized(email).strip().casefold()
    if typed.casefold() in {address, address.partition("@")[0]}:
        raise WeakPassword(Message("auth.password_is_email"), hint=Message("auth.password_hint"), field="password")


def hash_password(password: str) -> str:
    return _HASHER.hash(normalized(password))


def verify_password(password: str, password_hash: str) -> PasswordCheck:
    """Whether `password` matches the hash and, when it does and the hash's parameters are outdated, a new hash."""
    try:
        matches, rehashed = _HASHER.verify_and_update(normalized(password), password_hash)
    except UnknownHashError:  # not a hash kpilot made: nothing matches it (fail closed)
        return PasswordCheck(matches=False)
    return PasswordCheck(matches=matches, rehashed=rehashed if matches else None)


def verify_nothing(password: str) -> None:
    """Spend the time a verification takes, for an address without an account or a password, so that how long a
    refusal takes does not tell whether the address has an account."""
    _HASHER.verify(normalized(password), _decoy())


def generate_password() -> str:
    """A random password for someone to change later: 120 bits, 20 characters of letters, digits, - and _."""
    return secrets.token_urlsafe(GENERATED_BYTES)


def normalized(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


@cache
def _decoy() -> str:
    return _HASHER.hash(secrets.token_urlsafe(GENERATED_BYTES))
