"""The errors bonus rules raise: what was refused, in which field, and how to fix it (nothing is written)."""

from __future__ import annotations

from kpilot.errors import UserError


class BonusRefused(UserError):
    """A bonus change or run that breaks a rule (a period that is not over, a locked period, an approver approving
    their own run, a dispute on someone else's line...). A server answers 400 (422 for unknown choices)."""


class BonusNotFound(BonusRefused):
    """No such plan, period, run, statement line or dispute (a server answers 404)."""
