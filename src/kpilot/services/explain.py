"""What moved a KPI between two periods, member by member of each dimension (docs/analysis.md#change-explained),
computed through the reader's view of the workspace: rows they may not see never enter the parts.

The KPI's kind decides the method (analysis.change): a KPI that adds up (a sum or a count) is split into each
member's own change; a ratio of two sums (analysis.ratio_parts: the formula's numerator and denominator, each made a
KPI of its own for the computation, seen by the reader as the KPI itself is) into rate and mix effects, and so is
an average (an `avg` measure is the sum of its expression over the count of its values: two measures added to its
source for the computation); any other KPI (a median, a distinct count, a growth rate) shows each member's own value
before and after, which do not add up to the KPI's change (`Method.MEMBERS` says so). The parts are computed in one
statement per dimension for both periods.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

import pyarrow as pa

from kpilot.analysis.change import ChangeExplained, Contribution, Presence, additive_change, ratio_change
from kpilot.analysis.dimensions import dimensions_of
from kpilot.analysis.ratio_parts import ratio_parts
from kpilot.auth.actor import Actor
from kpilot.definitions.model import Kpi
from kpilot.engine.period_names import explicit_period, last_complete, parse_period
from kpilot.engine.periods import Grain
from kpilot.errors import QueryError, UserError
from kpilot.i18n import Amount, Message, Points
from kpilot.semantic.additive import is_additive
from kpilot.semantic.lookup import require_kpi
from kpilot.services.kpis import workspace_for
from kpilot.store.session import Store
from kpilot.workspace import Workspace

# The suffixes of a ratio's parts made KPIs; Workspace.with_kpis refuses a name the definitions have already.
NUMERATOR = "__numerator"
DENOMINATOR = "__denominator"


class Versus(StrEnum):
    PREVIOUS = "previous"  # the period before
    LAST_YEAR = "last_year"  # the same period a year before


class Method(StrEnum):
    ADDITIVE = "additive"  # each member's own change; the parts add up to the change
    RATIO = "ratio"  # rate and mix effects; the parts add up to the change
    MEMBERS = "members"  # each member's own value: the parts do not add up to the change


@dataclass(frozen=True)
class Explanation:
    kpi: Kpi
    dimension: str
    period: date
    grain: Grain
    compared: date  # the start of the period compared with
    versus: Versus
    method: Method
    change: ChangeExplained
    partial: bool  # the period is still running: its value is to date
    currency: str  # the workspace's, for money amounts


def explain(
    store: Store | None,
    actor: Actor,
    workspace: Workspace,
    kpi: str,
    *,
    period: str | None = None,
    versus: Versus = Versus.PREVIOUS,
    by: Sequence[str] = (),
    today: date | None = None,
) -> tuple[Explanation, ...]:
    """The change of `kpi` from the compared period to `period` (default: the last complete month), split by each
    dimension of `by` (default: every dimension the KPI can be broken down by)."""
    calendar = workspace.calendar
    day = today or calendar.today()
    named = explicit_period(period, calendar)
    start, grain = parse_period(named, calendar) if named else (last_complete(day, Grain.MONTH, calendar), Grain.MONTH)
    shift = -1 if versus is Versus.PREVIOUS else -grain.periods_per_year
    compared = calendar.shift(start, shift, grain)
    view, method, factor = _view(store, actor, workspace, kpi)
    definition = require_kpi(view.definitions, kpi)
    known = dimensions_of(view, kpi)
    chosen = list(by) or list(known)
    unknown = [name for name in chosen if name not in known]
    if unknown:
        raise QueryError(
            Message("analysis.explain.unknown_dimension", dimension=unknown[0], kpi=kpi),
            hint=Message("analysis.explain.dimensions_hint", dimensions=tuple(known) or ("-",)),
            field="by",
            suggestions=tuple(known),
        )
    names = [kpi, kpi + NUMERATOR, kpi + DENOMINATOR] if method is Method.RATIO else [kpi]
    last = min(calendar.end(start, grain) - timedelta(days=1), day)
    ranges = ((compared, calendar.end(compared, grain) - timedelta(days=1)), (start, last))
    found = []
    for dimension in chosen:
        requests = [
            view.request(names, grain=grain, by=[dimension], start=first, end=final) for first, final in ranges
        ] + [view.request([kpi], grain=grain, start=first, end=final) for first, final in ranges]
        tables = view.compute_each(requests, today=day)
        for table in tables:
            if isinstance(table, UserError):
                raise table
        before, after, whole_before, whole_after = (t for t in tables if isinstance(t, pa.Table))
        change = _without_empty(_change(method, kpi, before, after, factor))
        if method is Method.MEMBERS:
            change = replace(change, before=_total(whole_before, kpi), after=_total(whole_after, kpi))
        partial = any(bool(row.get("partial")) for row in whole_after.to_pylist())
        found.append(
            Explanation(
                definition,
                dimension,
                start,
                grain,
                compared,
                versus,
                method,
                change,
                partial,
                workspace.settings.currency,
            )
        )
    return tuple(found)


def _view(store: Store | None, actor: Actor, workspace: Workspace, kpi: str) -> tuple[Workspace, Method, float]:
    """The reader's view, with the KPI's numerator and denominator as KPIs of their own when it is a ratio of two
    sums or an average (each a copy of the KPI's definition with the part's formula: the same visibility, grants
    and owner; an average's sum and count measures added to its source); the method; and the ratio's constant
    factor (1 unless it is a ratio with one)."""
    definition = workspace.definitions.kpi(kpi)
    parts = ratio_parts(workspace.model, kpi) if definition is not None else None
    if definition is None or parts is None:
        method = Method.ADDITIVE if definition is not None and is_additive(workspace.model, kpi) else Method.MEMBERS
        return workspace_for(actor, workspace, store=store), method, 1.0
    extended = workspace.with_kpis(
        [_part_kpi(definition, NUMERATOR, parts.numerator), _part_kpi(definition, DENOMINATOR, parts.denominator)],
        parts.measures,
    )
    if not (is_additive(extended.model, kpi + NUMERATOR) and is_additive(extended.model, kpi + DENOMINATOR)):
        method = Method.ADDITIVE if is_additive(workspace.model, kpi) else Method.MEMBERS
        return workspace_for(actor, workspace, store=store), method, 1.0
    return workspace_for(actor, extended, store=store), Method.RATIO, parts.factor


def _part_kpi(kpi: Kpi, suffix: str, formula: str) -> Kpi:
    fields: dict[str, Any] = {name: getattr(kpi, name) for name in Kpi.model_fields}
    fields.update(name=kpi.name + suffix, formula=formula, grain=None)
    return Kpi.model_construct(**fields)


def _change(method: Method, kpi: str, before: pa.Table, after: pa.Table, factor: float) -> ChangeExplained:
    dimension = _dimension(before) or _dimension(after)
    if method is Method.RATIO:
        parts = [kpi + NUMERATOR, kpi + DENOMINATOR]
        explained = ratio_change(_pairs(before, dimension, parts), _pairs(after, dimension, parts))
        return _scaled(explained, factor) if factor != 1 else explained
    return additive_change(_members(before, dimension, kpi), _members(after, dimension, kpi))


def _dimension(table: pa.Table) -> str | None:
    ignored = {"period", "partial", "immature"}
    return next((name for name in table.column_names if name not in ignored and "__" not in name), None)


def _members(table: pa.Table, dimension: str | None, kpi: str) -> dict[str | None, float]:
    if dimension is None:
        return {}
    return {row[dimension]: row[kpi] for row in table.to_pylist() if row[kpi] is not None}


def _pairs(table: pa.Table, dimension: str | None, names: list[str]) -> dict[str | None, tuple[float, float]]:
    if dimension is None:
        return {}
    numerator, denominator = names
    return {row[dimension]: (row[numerator] or 0, row[denominator] or 0) for row in table.to_pylist()}


def _total(table: pa.Table, kpi: str) -> float | None:
    rows = table.to_pylist()
    return rows[0][kpi] if rows else None


def _without_empty(change: ChangeExplained) -> ChangeExplained:
    """Without the members that are in neither period (a ratio's member with no denominator in both): no part."""
    kept = tuple(p for p in change.contributions if p.before is not None or p.after is not None or p.total)
    return replace(change, contributions=kept)


def headline(found: Explanation, top: int = 2) -> Message:
    """The change and its top contributors in one sentence, as codes and values: "Conversion rate rose 0.1 points
    from 1.96% to 2.09%: 0.1 points because it rose within mobile, ..." (a ratio's parts are its rate and mix
    effects, each member's larger one first)."""
    kpi = found.kpi
    change = found.change
    if change.change is None or change.before is None or change.after is None:
        return Message("analysis.explain.no_change", kpi=kpi.title)
    values = {
        "kpi": kpi.title,
        "change": _amount(found, abs(change.change), True),
        "before": _amount(found, change.before),
        "after": _amount(found, change.after),
    }
    if change.change == 0:
        return Message("analysis.explain.headline_flat", **values)
    head = Message("analysis.explain.headline_up" if change.change > 0 else "analysis.explain.headline_down", **values)
    parts = [_part(found, effect, value, member) for effect, value, member in _effects(found)[:top]]
    if found.method is Method.MEMBERS or not parts:
        return head
    return Message("analysis.explain.sentence", headline=head, parts=tuple(parts))


def most_telling(found: Sequence[Explanation]) -> Explanation | None:
    """Of one KPI's explanations (one per dimension), the one whose largest part explains most of the change: the
    dimension to say "what moved it most" by. None when no dimension splits the change into parts that add up."""
    best: tuple[float, Explanation] | None = None
    for item in found:
        change = item.change.change
        if item.method is Method.MEMBERS or not change:
            continue
        effects = _effects(item)
        if not effects:
            continue
        share = abs(effects[0][1]) / abs(change)
        if best is None or share > best[0]:
            best = (share, item)
    return None if best is None else best[1]


def _effects(found: Explanation) -> list[tuple[str, float, str | None]]:
    """(effect, size, member), the largest first: a ratio's rate and mix parts apart (the mix of a member there in
    one period only is its arrival or its going), an additive KPI's members."""
    effects = []
    for part in found.change.contributions:
        if found.method is Method.RATIO:
            mix = "mix" if part.presence is Presence.BOTH else part.presence.value  # "new", "gone"
            effects.extend([("rate", part.rate, part.member), (mix, part.mix + part.unshared, part.member)])
        else:
            effects.append(("member", part.total, part.member))
    total = found.change.change or 0.0
    # The parts that moved the KPI the way it went, the largest first, leaving out those under a tenth of the change
    # (every part, against it too, is in the table).
    return sorted((e for e in effects if e[1] * total > 0 and abs(e[1]) >= abs(total) / 10), key=lambda e: -abs(e[1]))


def _part(found: Explanation, effect: str, value: float, member: str | None) -> Message:
    who = Message("analysis.explain.empty_member") if member is None else member
    direction = "up" if value > 0 else "down"
    return Message(f"analysis.explain.part.{effect}_{direction}", amount=_amount(found, abs(value), True), member=who)


def _amount(found: Explanation, value: float, change: bool = False) -> Amount | Points:
    """A value or change as the KPI's values are written (a duration with its time unit: 8.5 h)."""
    kpi = found.kpi
    if change and kpi.unit.value == "percent":
        return Points(value, places=2)
    time_unit = None if kpi.time_unit is None else kpi.time_unit.value
    return Amount(value, kpi.unit.value, found.currency, time_unit)


def _scaled(change: ChangeExplained, factor: float) -> ChangeExplained:
    def scaled(value: float | None) -> float | None:
        return None if value is None else value * factor

    parts = tuple(
        Contribution(
            part.member,
            scaled(part.before),
            scaled(part.after),
            part.presence,
            rate=part.rate * factor,
            mix=part.mix * factor,
            unshared=part.unshared * factor,
        )
        for part in change.contributions
    )
    return replace(change, before=scaled(change.before), after=scaled(change.after), contributions=parts)


def explanation_data(found: Explanation) -> dict[str, Any]:
    change = found.change
    return {
        "kpi": found.kpi.name,
        "dimension": found.dimension,
        "period": found.period.isoformat(),
        "grain": found.grain.value,
        "compared": found.compared.isoformat(),
        "versus": found.versus.value,
        "method": found.method.value,
        "partial": found.partial,
        "before": change.before,
        "after": change.after,
        "change": change.change,
        "rate": change.rate if found.method is Method.RATIO else None,
        "mix": change.mix if found.method is Method.RATIO else None,
        "reason": None if change.reason is None else {"code": change.reason.value, "values": {}},
        "contributions": [
            {
                "member": part.member,
                "presence": part.presence.value,
                "before": part.before,
                "after": part.after,
                "total": part.total,
                "rate": part.rate,
                "mix": part.mix,
                "unshared": part.unshared,
            }
            for part in change.contributions
        ],
    }
