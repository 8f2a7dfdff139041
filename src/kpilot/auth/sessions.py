"""Browser sessions: a signed cookie that names the account, when it was issued, the account's session epoch and
a CSRF token (docs/accounts.md#sessions).

Nothing is kept on the server: the cookie is signed with the server's secret key (itsdangerous, HMAC-SHA256) and
expires after `MAX_AGE`. The epoch is a digest of the account's password hash, so that changing the password (or
an administrator resetting it) ends every session the account had. The CSRF token is random per session: a request
with the cookie that changes something must send it back in the `X-CSRF-Token` header, which another site's page
cannot read.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

MAX_AGE = timedelta(hours=12)
COOKIE = "kpilot_session"
CSRF_COOKIE = "kpilot_csrf"
CSRF_HEADER = "X-CSRF-Token"
_SALT = "kpilot.session"


@dataclass(frozen=True)
class SessionClaim:
    account_id: int
    epoch: str
    csrf: str


class SessionInvalid(Exception):
    """A cookie that is not ours, altered, or too old: the caller treats it as no session at all."""


def session_epoch(password_hash: str | None) -> str:
    """A digest of the account's password hash (never the hash itself), so that a new password ends old sessions."""
    return hashlib.sha256((password_hash or "-").encode()).hexdigest()[:16]  # "-": an account without a password


class SessionCodec:
    """Issues and reads session cookies with one secret; `max_age` is how long a cookie is good for."""

    def __init__(self, secret: str, *, max_age: timedelta = MAX_AGE) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt=_SALT)
        self._max_age = int(max_age.total_seconds())

    def issue(self, account_id: int, epoch: str) -> tuple[str, SessionClaim]:
        claim = SessionClaim(account_id, epoch, secrets.token_urlsafe(24))
        return self._serializer.dumps({"a": claim.account_id, "e": claim.epoch, "c": claim.csrf}), claim

    def read(self, cookie: str) -> SessionClaim:
        try:
            payload = self._serializer.loads(cookie, max_age=self._max_age)
        except (SignatureExpired, BadSignature) as error:
            raise SessionInvalid from error
        if not isinstance(payload, dict) or not isinstance(payload.get("a"), int):
            raise SessionInvalid
        return SessionClaim(int(payload["a"]), str(payload.get("e", "")), str(payload.get("c", "")))


def csrf_matches(claim: SessionClaim, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(claim.csrf.encode(), (sent or "").encode())
