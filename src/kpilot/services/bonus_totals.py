"""What the ledger says a person is owed and was paid up to a period of a plan: the one sum that statements show and
that paying a run pays out (owed to date minus paid to date), counted by the period each line is booked in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from kpilot.definitions.bonus_model import BonusPlan
from kpilot.engine.periods import Calendar
from kpilot.services.bonus_plans import plan_periods
from kpilot.store.bonus import Line, LineKind


@dataclass(frozen=True)
class Totals:
    owed: Decimal = Decimal(0)  # earned and adjusted
    paid: Decimal = Decimal(0)

    @property
    def payable(self) -> Decimal:
        return self.owed - self.paid


def totals_upto(plan: BonusPlan, calendar: Calendar, period: str, lines: Iterable[Line]) -> dict[int, Totals]:
    """Each person's totals over the lines booked in `period` or a period of the plan's year before it."""
    order = [found.name for found in plan_periods(plan, calendar)]
    upto = set(order[: order.index(period) + 1])
    found: dict[int, Totals] = {}
    for line in lines:
        if line.posted_in not in upto:
            continue
        before = found.get(line.person_id, Totals())
        if line.kind is LineKind.PAID:
            found[line.person_id] = Totals(before.owed, before.paid + line.amount)
        else:
            found[line.person_id] = Totals(before.owed + line.amount, before.paid)
    return found
