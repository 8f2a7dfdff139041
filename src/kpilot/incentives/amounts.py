"""From a payout fraction to money: the period's share of the yearly incentive, proration, one rounding at the end,
and the split of the amount over the plan's components (to the cent).

    yearly incentive     the plan's amount, or its share of the person's yearly base pay
  x period share         the period's weight (20/20/20/40) or an even share (a quarter: 1/4)
  x proration factor     days in the plan, part time and ramp (kpilot.incentives.proration)
  x payout fraction      the plan's payout for that person and period (kpilot.incentives.payout)
  = exact amount         rounded once, half up, to the currency's minor unit

The rounded amount is then split over the components, so that a statement line per component adds up to the total
exactly: by largest remainder, in proportion to what each component added. When sections add up that is exact
(each component's weighted payout). When sections multiply, a component's part of the total is its share of its
own section times an equal share per section: an attribution that lets each line be read and disputed, while the
total is what is owed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kpilot.definitions.bonus_model import BonusPlan, Combine, PayPeriod
from kpilot.incentives.money import allocate, round_money
from kpilot.incentives.payout import PlanResult

PERIODS_PER_YEAR = {PayPeriod.MONTH: 12, PayPeriod.QUARTER: 4, PayPeriod.YEAR: 1}
HUNDRED = Decimal(100)
ZERO = Decimal(0)


@dataclass(frozen=True)
class Earned:
    """Every factor of one person's amount for one period, and its split over the components."""

    currency: str
    yearly_incentive: Decimal
    period_share: Decimal
    proration: Decimal
    payout: Decimal
    exact: Decimal  # before rounding
    amount: Decimal  # rounded to the minor unit
    parts: tuple[tuple[str, Decimal], ...]  # (component, amount): adding up to `amount` exactly

    @property
    def period_incentive(self) -> Decimal:
        """What 100 % pays in this period for a full-time person with no ramp."""
        return self.yearly_incentive * self.period_share


def period_share(plan: BonusPlan, index: int) -> Decimal:
    """The share of the year's incentive the `index`-th pay period (0-based) carries."""
    if plan.period_weights:
        return plan.period_weights[index] / HUNDRED
    return Decimal(1) / PERIODS_PER_YEAR[plan.pays]


def yearly_incentive(plan: BonusPlan, base_pay: Decimal | None) -> Decimal | None:
    """The plan's yearly incentive for a person: its amount, or its share of their base pay (None when a share of
    base pay is asked for and the person has none recorded: the run reports it rather than paying 0 silently)."""
    target = plan.target_incentive
    if target.amount is not None:
        return target.amount
    if base_pay is None or target.share_of_base_pay is None:
        return None
    return base_pay * target.share_of_base_pay


def earned(plan: BonusPlan, result: PlanResult, *, yearly: Decimal, share: Decimal, proration: Decimal) -> Earned:
    exact = yearly * share * proration * result.payout
    amount = round_money(exact, plan.currency)
    weights = _component_weights(plan, result)
    names = tuple(name for name, _ in weights)
    if amount == 0 or not any(weight > 0 for _, weight in weights):
        parts = tuple((name, round_money(ZERO, plan.currency)) for name in names)
    else:
        split = allocate(amount, [weight for _, weight in weights], plan.currency)
        parts = tuple(zip(names, split, strict=True))
    return Earned(plan.currency, yearly, share, proration, result.payout, exact, amount, parts)


def _component_weights(plan: BonusPlan, result: PlanResult) -> list[tuple[str, Decimal]]:
    """What each component added to the plan's payout, before the plan's own gates (which scale every part)."""
    sections = {section.name: section for section in result.sections}
    count = Decimal(len(result.sections))
    weights = []
    for component in result.components:
        section = sections[component.section]
        within = component.weight * component.payout / HUNDRED  # its part of the section's score
        # A section's gate scales its components alike: their parts of what the section pays after it.
        scale = section.payout / section.score if section.score else ZERO
        if plan.combine is Combine.MULTIPLY:
            share = (within / section.score if section.score else ZERO) / count
        else:
            section_weight = section.weight if section.weight is not None else HUNDRED
            share = within * scale * section_weight / HUNDRED
        weights.append((component.name, share))
    return weights
