"""The errors of signing in and of checking who may do what. Each is a `UserError` with a code; a server maps the
classes to its statuses (401 for `SignInFailed` and `TokenRefused`, 429 for `TooManyAttempts`, 403 for
`NotPermitted`, 422 for the rest)."""

from __future__ import annotations

from datetime import datetime

from kpilot.errors import UserError
from kpilot.i18n import Message


class AuthError(UserError):
    """A sign-in, a token, a password or a role that cannot be used as given."""


class SignInFailed(AuthError):
    """Wrong address or password (the same error for both, so that it does not tell which addresses have an
    account), or a disabled account (said only to whoever gave the right password)."""


class TooManyAttempts(AuthError):
    """Too many failed sign-ins for an address in a short time: refused until `retry_at`, even with the right
    password."""

    def __init__(self, message: Message, *, retry_at: datetime, hint: Message | None = None) -> None:
        super().__init__(message, hint=hint, field="email")
        self.retry_at = retry_at


class TokenRefused(AuthError):
    """An API token that is malformed, unknown, expired, revoked, or whose account is disabled."""


class WeakPassword(AuthError):
    """A password the policy refuses (too short, the e-mail address itself...)."""


class NotPermitted(AuthError):
    """The actor may not do this: fail closed."""


class UnknownAccount(AuthError):
    """No account has this e-mail address."""


class AccountExists(AuthError):
    """An account with this e-mail address (in any case) is already there."""


class UnknownToken(AuthError):
    """No token has this id (or none the actor may see: the same error, so that ids cannot be probed)."""
