"""Finding a KPI by the name a person typed: one rule, and one message with a "did you mean", for every command."""

from __future__ import annotations

from collections.abc import Sequence

from kpilot.definitions.model import Definitions, Kpi
from kpilot.errors import QueryError
from kpilot.formula.check import closest, did_you_mean
from kpilot.i18n import Message


def require_kpi(definitions: Definitions, name: str) -> Kpi:
    """The KPI called `name`, or a QueryError naming the closest defined KPI (or listing them)."""
    kpi = definitions.kpi(name)
    if kpi is not None:
        return kpi
    known = [k.name for k in definitions.kpis]
    close = closest(name, known)
    listed = Message("semantic.defined_kpis_hint", kpis=tuple(known)) if known else Message("semantic.no_kpis_hint")
    raise QueryError(
        Message("semantic.unknown_kpi", kpi=name),
        hint=did_you_mean(close) or listed,
        field="kpi",
        suggestions=(close,) if close else tuple(known),
    )


def select_kpis(definitions: Definitions, names: Sequence[str], category: str | None) -> list[str]:
    """The KPIs named (all when none is), in definition order, of `category` when given. A name or a category that
    matches nothing is an error: an empty scorecard would look like a scorecard without problems."""
    for name in names:
        require_kpi(definitions, name)
    if category is not None and all(k.category != category for k in definitions.kpis):
        known = sorted({k.category for k in definitions.kpis if k.category})
        close = closest(category, known)
        listed = (
            Message("semantic.categories_hint", categories=tuple(known))
            if known
            else Message("semantic.no_categories_hint")
        )
        raise QueryError(
            Message("semantic.unknown_category", category=category),
            hint=did_you_mean(close) or listed,
            field="category",
            suggestions=(close,) if close else tuple(known),
        )
    wanted = set(names)
    return [
        k.name
        for k in definitions.kpis
        if (category is None or k.category == category) and (not names or k.name in wanted)
    ]
