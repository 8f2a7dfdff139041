"""E-mail addresses as accounts take them: one `@`, something on each side, no spaces, at most 320 characters
(RFC 3696). Whether mail reaches the address is not kpilot's to check."""

from __future__ import annotations

import re

from kpilot.auth.errors import AuthError
from kpilot.i18n import Message

MAX_LENGTH = 320
SHAPE = re.compile(r"[^@\s]+@[^@\s]+")


def checked_email(text: str) -> str:
    """The address without surrounding spaces, as written (its case is kept; accounts compare it case-folded)."""
    email = text.strip()
    if len(email) > MAX_LENGTH or SHAPE.fullmatch(email) is None:
        raise AuthError(
            Message("auth.email_invalid", email=email[:MAX_LENGTH]), hint=Message("auth.email_hint"), field="email"
        )
    return email
