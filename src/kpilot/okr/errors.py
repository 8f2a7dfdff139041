"""The one error OKR rules raise: what was refused, in which field, and how to fix it (nothing is written)."""

from __future__ import annotations

from kpilot.errors import UserError


class OkrRefused(UserError):
    """An OKR change that breaks a rule (a sixth key result, a cycle in the past, a negative weight, a link that
    makes a cycle, a check-in without the note it needs...). A server answers 400 (422 for unknown choices)."""


class OkrNotFound(OkrRefused):
    """No such cycle, objective or key result (a server answers 404)."""
