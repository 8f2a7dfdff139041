"""API tokens as values: made, read, hashed and checked here; kept by the store (docs/accounts.md).

A token is `kpilot_<lookup>_<secret>`: the lookup (8 random bytes, 16 hex digits) is public and finds the token's
row; the secret (32 random bytes, 64 hex digits) is shown once, when the token is made, and only its SHA-256 hash
is stored. A fast hash is right here, unlike for passwords: the secret is 256 random bits, which no one can guess
however many hashes a second they try, so a slow hash would only slow down every request.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kpilot.auth.actor import TokenScope
from kpilot.auth.errors import AuthError, TokenRefused
from kpilot.definitions.base import NAME_PATTERN
from kpilot.formula.check import suggestion
from kpilot.i18n import Message

PREFIX = "kpilot"
LOOKUP_BYTES = 8
SECRET_BYTES = 32
SHAPE = re.compile(rf"{PREFIX}_([0-9a-f]{{{2 * LOOKUP_BYTES}}})_([0-9a-f]{{{2 * SECRET_BYTES}}})")
SOURCE_NAME = re.compile(NAME_PATTERN)
SCOPE_NAMES = tuple(scope.value for scope in TokenScope)
DAYS = re.compile(r"(\d{1,5})d")
MAX_DAYS = 3650  # ten years: a token that long-lived should be a deliberate date
DEFAULT_DAYS = 90


@dataclass(frozen=True)
class MadeToken:
    raw: str = field(repr=False)  # shown once, never stored
    lookup: str
    secret_hash: str = field(repr=False)


@dataclass(frozen=True)
class ParsedToken:
    lookup: str
    secret: str = field(repr=False)


def make_token() -> MadeToken:
    lookup, secret = secrets.token_hex(LOOKUP_BYTES), secrets.token_hex(SECRET_BYTES)
    return MadeToken(raw=f"{PREFIX}_{lookup}_{secret}", lookup=lookup, secret_hash=secret_hash(secret))


def parse_token(raw: str) -> ParsedToken:
    """The lookup and secret of a token as sent (surrounding spaces ignored). The error never repeats the text, which
    may be a secret pasted in the wrong place."""
    found = SHAPE.fullmatch(raw.strip())
    if found is None:
        raise TokenRefused(Message("auth.token_malformed"), hint=Message("auth.token_shape_hint"), field="token")
    return ParsedToken(lookup=found[1], secret=found[2])


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def secret_matches(secret: str, stored_hash: str) -> bool:
    """Constant time: how long the comparison takes tells nothing about how much of the hash matched."""
    return hmac.compare_digest(secret_hash(secret).encode("ascii"), stored_hash.encode("ascii"))


def parse_scopes(texts: Iterable[str], sources: Collection[str] | None = None) -> tuple[str, ...]:
    """Scopes as written (`read`, `write`, `ingest:SOURCE`), checked and sorted, each once. With `sources`, an
    `ingest:` scope must name one of them."""
    found: set[str] = set()
    for text in texts:
        found.add(_scope(text.strip(), sources))
    if not found:
        raise AuthError(Message("auth.scopes_missing"), hint=Message("auth.scopes_hint"), field="scopes")
    return tuple(sorted(found))


def expiry(text: str | None, now: datetime, timezone: str) -> datetime:
    """When a token made `now` expires: `90d` (days from now; the default), or `YYYY-MM-DD`, valid through that day
    in the workspace's time zone (it expires when the next day begins there)."""
    given = text.strip() if text is not None else f"{DEFAULT_DAYS}d"
    days = DAYS.fullmatch(given)
    if days is not None:
        count = int(days[1])
        if not 1 <= count <= MAX_DAYS:
            raise AuthError(
                Message("auth.expiry_days", days=count, maximum=MAX_DAYS), field="expires_at", hint=_EXPIRY_HINT
            )
        return now + timedelta(days=count)
    try:
        last = date.fromisoformat(given) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", given) else None
    except ValueError:
        last = None
    if last is None:
        raise AuthError(Message("auth.expiry_unreadable", value=given), hint=_EXPIRY_HINT, field="expires_at")
    ends = datetime.combine(last + timedelta(days=1), time(), tzinfo=ZoneInfo(timezone))
    if ends <= now:
        raise AuthError(Message("auth.expiry_past", day=last), hint=_EXPIRY_HINT, field="expires_at")
    if ends - now > timedelta(days=MAX_DAYS + 1):
        raise AuthError(Message("auth.expiry_too_far", day=last, maximum=MAX_DAYS), field="expires_at")
    return ends


_EXPIRY_HINT = Message("auth.expiry_hint")


def _scope(text: str, sources: Collection[str] | None) -> str:
    kind, colon, source = text.partition(":")
    if kind == TokenScope.INGEST:
        if not colon or not source:
            raise AuthError(Message("auth.scope_needs_source"), hint=Message("auth.scopes_hint"), field="scopes")
        if SOURCE_NAME.fullmatch(source) is None:
            raise AuthError(Message("auth.scope_bad_source", scope=text, source=source), field="scopes")
        if sources is not None and source not in sources:
            known = tuple(sorted(sources))
            raise AuthError(
                Message("auth.scope_unknown_source", scope=text, source=source),
                hint=suggestion(source, known)
                or (Message("auth.known_sources", sources=known) if known else Message("auth.no_sources")),
                field="scopes",
                suggestions=known,
            )
        return f"{TokenScope.INGEST.value}:{source}"
    if not colon and kind in (TokenScope.READ, TokenScope.WRITE):
        return kind
    hint = suggestion(kind, SCOPE_NAMES) if not colon else None
    raise AuthError(
        Message("auth.scope_unknown", scope=text),
        hint=hint or Message("auth.scopes_hint"),
        field="scopes",
        suggestions=SCOPE_NAMES,
    )
