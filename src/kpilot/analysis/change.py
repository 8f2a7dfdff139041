"""What moved a KPI between two periods, member by member of one dimension (docs/analysis.md#change-explained).

An additive KPI (a sum or a count) is the sum of its members: each member's part is its own change.

A ratio KPI is R = N / D, the ratio of the aggregates (sum of numerators over sum of denominators), which is the
share-weighted mean of the members' own ratios: R = sum of s_i * r_i, where s_i = D_i / D is member i's share of the
denominator and r_i = N_i / D_i its own ratio. Between a period before (s, r) and after (s', r'), the change splits
exactly, member by member, into

    rate_i = (r'_i - r_i) * (s_i + s'_i) / 2          the member's own ratio moved (at its mean share)
    mix_i  = (s'_i - s_i) * ((r_i + r'_i) / 2 - Rm)   its share moved, valued by how far its ratio is from the mean

where Rm = (R + R') / 2. Since the shares add up to 1 in both periods, the sum of (s'_i - s_i) * Rm over the members
is 0, and the sum of every rate_i + mix_i is the sum of s'_i r'_i - s_i r_i, that is R' - R: the parts add up to the
total change. Centring by Rm is what makes a shift of traffic towards a member that converts below the mean count
against it, and one towards a member above the mean for it, while a shift between two members at the mean moves
nothing.

A member present in only one period (no denominator in the other) has no own ratio there; its ratio in the period
where it has one is used for both, so that its whole part is mix. A member with a numerator but no denominator in a
period (revenue on no order) is outside every share; its N_i / D is counted as its part `unshared`. When a period's
whole denominator is 0 the ratio is empty there (division by zero is empty) and nothing is decomposed: the result
says why (`reason`).

The arithmetic is exact (fractions, from the floats or Decimals given), so that the parts add up to the change
before each is rounded once to a float: no cancellation between a member's large shares and small ratios can make
them disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

Number = float | int | Decimal
Members = Mapping[str | None, Number]  # member -> an additive KPI's value
RatioMembers = Mapping[str | None, tuple[Number, Number]]  # member -> (numerator, denominator)


class Presence(StrEnum):
    BOTH = "both"
    NEW = "new"  # only in the period after
    GONE = "gone"  # only in the period before


class NoChange(StrEnum):
    """Why a change cannot be decomposed (codes; the rendering layer says them in words)."""

    NO_DENOMINATOR_BEFORE = "analysis.change.no_denominator_before"
    NO_DENOMINATOR_AFTER = "analysis.change.no_denominator_after"


@dataclass(frozen=True)
class Contribution:
    member: str | None  # None: the rows where the dimension is empty
    before: float | None  # the member's value (additive) or its own ratio (ratio); None: not there
    after: float | None
    presence: Presence
    rate: float  # additive KPIs: the member's change; ratios: its own ratio's move
    mix: float = 0.0  # ratios: its share's move, against the mean
    unshared: float = 0.0  # ratios: a numerator without a denominator

    @property
    def total(self) -> float:
        return self.rate + self.mix + self.unshared


@dataclass(frozen=True)
class ChangeExplained:
    ratio: bool
    before: float | None  # the KPI's value in the period before and after
    after: float | None
    contributions: tuple[Contribution, ...]  # largest part first (by its absolute size)
    reason: NoChange | None = None  # why there are no contributions

    @property
    def change(self) -> float | None:
        return None if self.before is None or self.after is None else self.after - self.before

    @property
    def mix(self) -> float:
        return sum(part.mix for part in self.contributions)

    @property
    def rate(self) -> float:
        return sum(part.rate for part in self.contributions)


def additive_change(before: Members, after: Members) -> ChangeExplained:
    """Each member's own change: a member missing in a period counts as 0 there."""
    parts = []
    for member in _members(before, after):
        old, new = before.get(member), after.get(member)
        rate = _exact(new) - _exact(old)
        parts.append(Contribution(member, _float(old), _float(new), _presence(old, new), rate=float(rate)))
    total, total_after = sum(map(_exact, before.values()), Fraction(0)), sum(map(_exact, after.values()), Fraction(0))
    return ChangeExplained(False, float(total), float(total_after), _ranked(parts))


def ratio_change(before: RatioMembers, after: RatioMembers) -> ChangeExplained:
    numerator, denominator = _sums(before)
    numerator_after, denominator_after = _sums(after)
    old = numerator / denominator if denominator else None
    new = numerator_after / denominator_after if denominator_after else None
    if old is None or new is None:
        reason = NoChange.NO_DENOMINATOR_BEFORE if old is None else NoChange.NO_DENOMINATOR_AFTER
        return ChangeExplained(True, _float(old), _float(new), (), reason)
    mean = (old + new) / 2
    parts = []
    zero = (Fraction(0), Fraction(0))
    for member in _members(before, after):
        n, d = map(_exact, before.get(member, zero))
        n2, d2 = map(_exact, after.get(member, zero))
        share, share_after = d / denominator, d2 / denominator_after
        own = n / d if d else None
        own_after = n2 / d2 if d2 else None
        rate = mix = Fraction(0)
        if own is not None and own_after is not None:
            rate = (own_after - own) * (share + share_after) / 2
            mix = (share_after - share) * ((own + own_after) / 2 - mean)
        else:
            known = own if own is not None else own_after
            if known is not None:  # there in one period only: its one ratio stands for both
                mix = (share_after - share) * (known - mean)
        unshared = (n2 / denominator_after if not d2 else 0) - (n / denominator if not d else 0)
        contribution = Contribution(
            member,
            _float(own),
            _float(own_after),
            _presence(own, own_after),
            rate=float(rate),
            mix=float(mix),
            unshared=float(unshared),
        )
        parts.append(contribution)
    return ChangeExplained(True, float(old), float(new), _ranked(parts))


def _exact(value: Number | Fraction | None) -> Fraction:
    return Fraction(0) if value is None else Fraction(value)


def _float(value: Number | Fraction | None) -> float | None:
    return None if value is None else float(value)


def _sums(members: RatioMembers) -> tuple[Fraction, Fraction]:
    pairs = [(_exact(n), _exact(d)) for n, d in members.values()]
    return sum((n for n, _ in pairs), Fraction(0)), sum((d for _, d in pairs), Fraction(0))


def _members(before: Mapping[str | None, object], after: Mapping[str | None, object]) -> list[str | None]:
    return list(dict.fromkeys([*before, *after]))


def _presence(before: object, after: object) -> Presence:
    if before is None and after is not None:
        return Presence.NEW
    if after is None and before is not None:
        return Presence.GONE
    return Presence.BOTH


def _ranked(parts: list[Contribution]) -> tuple[Contribution, ...]:
    """Largest part first; ties in the members' order (None, the empty member, last)."""
    return tuple(sorted(parts, key=lambda part: (-abs(part.total), part.member is None, part.member or "")))
