"""The part of a period a person spent in each team, for a blended target (see `kpilot.incentives.proration`).

A share is a team's fte-days over all fte-days. Services weigh each team's target by its share, so the shares must
add up to 1 exactly, or a person who changed team would be paid a little more or less than one target. Exact
fractions (1/3, 2/3) have no finite decimal, so the shares are written on six decimal places (SHARE_QUANTUM) by the
largest remainder method: every share is first rounded down, then the millionths still missing go one each to the
shares that lost the most in rounding down (the earlier team first on a tie). 10/30 and 20/30 become 0.333333 and
0.666667.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

PLACES = 6
SHARE_QUANTUM = Decimal(1).scaleb(-PLACES)  # 0.000001
_UNITS = 10**PLACES


@dataclass(frozen=True)
class TeamShare:
    """The part of the paid factor that belongs to one team (None: an individual plan)."""

    team: str | None
    share: Decimal  # on six decimal places; the shares of one proration add up to 1 exactly


def team_shares(fte_days: Mapping[str | None, Fraction]) -> tuple[TeamShare, ...]:
    """Each team's share of the fte-days, in the mapping's order (the order the teams were first met); none when
    there are no fte-days at all."""
    total = sum(fte_days.values(), Fraction(0))
    if total == 0:
        return ()
    exact = [days / total * _UNITS for days in fte_days.values()]
    units = [math.floor(part) for part in exact]
    missing = _UNITS - sum(units)
    # Largest remainder first; on a tie the earlier team (sorted is stable, the key never looks at the team).
    by_remainder = sorted(range(len(exact)), key=lambda index: exact[index] - units[index], reverse=True)
    for index in by_remainder[:missing]:
        units[index] += 1
    return tuple(TeamShare(team, Decimal(count).scaleb(-PLACES)) for team, count in zip(fte_days, units, strict=True))
