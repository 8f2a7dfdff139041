"""The bonus ledger's rules: what a run of the bonus computation posts, and what is owed, paid and payable.

A ledger, not recomputed totals: lines are only ever added, never changed or removed, so that a statement once
shown can always be explained from the lines behind it, and a locked (closed, reported, paid) period keeps adding up
to what it showed. `lines_to_post` compares what a run computed for each key (plan, person, period, component) with
what the ledger already holds for it, the EARNED and ADJUSTMENT lines added up wherever they were booked:
- the same amount: nothing is posted, so running the computation again is idempotent; except that a key of an
  open period that the ledger has never held gets its EARNED line even at 0, so that a statement can show why
  nothing was earned (a failed gate, a threshold not reached) from the line's own breakdown;
- a different amount in a period that is not locked: an EARNED line for the difference, booked in the key's own
  period. It is the append-only form of replacing a draft: the period's lines add up to the new amount;
- a different amount in a locked period: one ADJUSTMENT line for the difference, booked in the open period with the
  reason incentives.ledger.data_changed and what the locked period added up to before and is owed after. The locked
  period's own lines stay as they were, and the correction shows where it is paid.
A key the ledger holds but the run did not compute is left alone: whether it vanished (the person left the plan,
the component was removed) or was only outside this run is the caller's to know. To reverse it, pass 0 for it.
PAID lines record payments (for a plan's total, component ""); they never enter the comparison: what was paid does
not change what was earned, it changes what is still payable (owed - paid).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from kpilot.i18n import Message


class LineKind(StrEnum):
    EARNED = "earned"  # what the computation says the key earned, as a difference to what was booked before
    ADJUSTMENT = "adjustment"  # a change to a locked period's amount, booked in the open period
    PAID = "paid"  # a payment


_KIND_ORDER = {kind: index for index, kind in enumerate(LineKind)}
_OWED = frozenset({LineKind.EARNED, LineKind.ADJUSTMENT})
_PAID = frozenset({LineKind.PAID})


@dataclass(frozen=True, order=True)
class LineKey:
    """What a computed amount is for."""

    plan: str
    person: str  # the person's e-mail (the store's key)
    period: str  # the plan period it was earned in: "2026-10", "2026-Q3"
    component: str  # the plan component's name ("" for the plan total lines such as payments)


@dataclass(frozen=True)
class LedgerLine:
    """One line of the ledger; `amount` is already rounded to the currency's minor unit by the caller."""

    key: LineKey
    kind: LineKind
    amount: Decimal
    posted_in: str  # the period the line is booked in (see the module's rules)
    reason: Message | None = None  # ADJUSTMENT: incentives.ledger.data_changed with period, before, after
    before: Decimal | None = None  # ADJUSTMENT: what the locked period's lines added up to
    after: Decimal | None = None  # ADJUSTMENT: what it is now owed


def lines_to_post(
    existing: Sequence[LedgerLine], computed: Mapping[LineKey, Decimal], locked: Collection[str], open_period: str
) -> tuple[LedgerLine, ...]:
    """The new lines that bring the ledger to `computed`, ordered by key then kind; `existing` is not changed."""
    if open_period in locked:
        raise ValueError(f"the open period {open_period!r} is locked: adjustments cannot be booked in it")
    booked: dict[LineKey, Decimal] = {}
    for line in existing:
        if line.kind in _OWED:
            booked[line.key] = booked.get(line.key, Decimal(0)) + line.amount
    posted = []
    for key, amount in computed.items():
        if not amount.is_finite():
            raise ValueError(f"the amount computed for {key} is not a number: {amount}")
        before = booked.get(key, Decimal(0))
        difference = amount - before
        if difference == 0 and (key in booked or key.period in locked):
            continue
        if key.period not in locked:
            posted.append(LedgerLine(key, LineKind.EARNED, difference, posted_in=key.period))
        else:
            reason = Message("incentives.ledger.data_changed", period=key.period, before=before, after=amount)
            posted.append(
                LedgerLine(key, LineKind.ADJUSTMENT, difference, open_period, reason, before=before, after=amount)
            )
    return tuple(sorted(posted, key=lambda line: (line.key, _KIND_ORDER[line.kind])))


def owed(
    lines: Iterable[LedgerLine],
    *,
    plan: str | None = None,
    person: str | None = None,
    period: str | None = None,
    component: str | None = None,
) -> Decimal:
    """Earned and adjusted to date, for the keys that match every filter given (period: the period earned in)."""
    return _total(lines, _OWED, plan, person, period, component)


def paid(
    lines: Iterable[LedgerLine],
    *,
    plan: str | None = None,
    person: str | None = None,
    period: str | None = None,
    component: str | None = None,
) -> Decimal:
    """Paid to date, for the keys that match every filter given."""
    return _total(lines, _PAID, plan, person, period, component)


def payable(
    lines: Iterable[LedgerLine],
    *,
    plan: str | None = None,
    person: str | None = None,
    period: str | None = None,
    component: str | None = None,
) -> Decimal:
    """Owed less paid. Payments are booked on a plan's total (component ""), so filter by plan, person and period
    here: filtering by a component leaves the payments out."""
    matching = tuple(lines)
    return _total(matching, _OWED, plan, person, period, component) - _total(
        matching, _PAID, plan, person, period, component
    )


def _total(
    lines: Iterable[LedgerLine],
    kinds: frozenset[LineKind],
    plan: str | None,
    person: str | None,
    period: str | None,
    component: str | None,
) -> Decimal:
    wanted = (plan, person, period, component)
    total = Decimal(0)
    for line in lines:
        key = (line.key.plan, line.key.person, line.key.period, line.key.component)
        if line.kind in kinds and all(want is None or want == have for want, have in zip(wanted, key, strict=True)):
            total += line.amount
    return total
