"""Who is asking: actors and roles (docs/permissions.md), password hashing and API tokens (docs/accounts.md). Pure
values and functions; accounts and tokens are kept by the store, and `kpilot.services` alone decides what an actor
may do."""

from kpilot.auth.actor import ANONYMOUS, Actor, Role, TokenScope
from kpilot.auth.errors import AuthError, NotPermitted, SignInFailed, TokenRefused, TooManyAttempts, WeakPassword
from kpilot.auth.grants import Permission, permission_of, role_of

__all__ = [
    "ANONYMOUS",
    "Actor",
    "AuthError",
    "NotPermitted",
    "Permission",
    "Role",
    "SignInFailed",
    "TokenRefused",
    "TokenScope",
    "TooManyAttempts",
    "WeakPassword",
    "permission_of",
    "role_of",
]
