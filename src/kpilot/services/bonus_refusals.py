"""The bonus rules the store enforces, as the bonus errors they are.

The store's bonus repositories refuse what breaks the ledger's rules (a run approved twice by one person, a status
change the workflow does not allow, a dispute resolved again, an empty reason, a period closed already) and what
does not exist (a run, a line, a dispute) with `StoreError`: the store's class, which a server answers as "the store
cannot be used now" (503, try again later). These are neither: trying again never helps. `as_bonus_refusals`
re-raises them as `BonusRefused` (400) and `BonusNotFound` (404) with the same code, words, hint and field, so that
every surface tells them as what they are; any other store error passes unchanged.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from kpilot.incentives.errors import BonusNotFound, BonusRefused
from kpilot.store.errors import StoreConflict, StoreError

# The store's codes for a bonus object that does not exist.
UNKNOWN = frozenset({"store.bonus.run_unknown", "store.bonus.line_unknown", "store.bonus.dispute_unknown"})
PREFIX = "store.bonus."


@contextmanager
def as_bonus_refusals() -> Iterator[None]:
    try:
        yield
    except StoreConflict:
        raise  # someone else wrote meanwhile: the store's own answer (409) is the right one
    except StoreError as error:
        if not error.code.startswith(PREFIX):
            raise
        kind = BonusNotFound if error.code in UNKNOWN else BonusRefused
        raise kind(error.message, hint=error.hint, field=error.field, suggestions=error.suggestions) from error


P = ParamSpec("P")
R = TypeVar("R")


def bonus_rules(function: Callable[P, R]) -> Callable[P, R]:
    """A service function whose store refusals are bonus refusals (see `as_bonus_refusals`)."""

    @functools.wraps(function)
    def refusing(*args: P.args, **kwargs: P.kwargs) -> R:
        with as_bonus_refusals():
            return function(*args, **kwargs)

    return refusing
