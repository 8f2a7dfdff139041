"""What an account may be granted on top of its roles (docs/accounts.md)."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from kpilot.auth.actor import Role
from kpilot.auth.errors import AuthError
from kpilot.formula.check import suggestion
from kpilot.i18n import Message


class Permission(StrEnum):
    COMPENSATION = "compensation"  # pay data: bonus plans, statements and the figures behind them


E = TypeVar("E", Role, Permission)


def role_of(text: str) -> Role:
    """A role by its name (`admin`, `editor`, `manager`, `member`, `viewer`), in any case."""
    return _choice(Role, text, "role", Message("auth.role_unknown", role=text), "auth.known_roles")


def permission_of(text: str) -> Permission:
    """A permission by its name (`compensation`), in any case."""
    message = Message("auth.permission_unknown", permission=text)
    return _choice(Permission, text, "permission", message, "auth.known_permissions")


def _choice(kind: type[E], text: str, field: str, message: Message, known_code: str) -> E:
    names = tuple(member.value for member in kind)
    wanted = text.strip().lower()
    if wanted in names:
        return kind(wanted)
    hint = suggestion(wanted, names) or Message(known_code, names=names)
    raise AuthError(message, hint=hint, field=field, suggestions=names)
