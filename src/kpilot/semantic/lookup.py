"""Finding a KPI by the name a person typed: one rule, and one message with a "did you mean", for every command."""

from __future__ import annotations

from collections.abc import Sequence

from kpilot.definitions.model import Definitions, Kpi
from kpilot.errors import QueryError
from kpilot.formula.check import suggestion


def require_kpi(definitions: Definitions, name: str) -> Kpi:
    """The KPI called `name`, or a QueryError naming the closest defined KPI (or listing them)."""
    kpi = definitions.kpi(name)
    if kpi is not None:
        return kpi
    known = [k.name for k in definitions.kpis]
    raise QueryError(
        f"unknown KPI '{name}'",
        hint=suggestion(name, known) or ("defined KPIs: " + ", ".join(known) if known else "no KPI is defined"),
    )


def select_kpis(definitions: Definitions, names: Sequence[str], category: str | None) -> list[str]:
    """The KPIs named (all when none is), in definition order, of `category` when given. A name or a category that
    matches nothing is an error: an empty scorecard would look like a scorecard without problems."""
    for name in names:
        require_kpi(definitions, name)
    if category is not None and all(k.category != category for k in definitions.kpis):
        known = sorted({k.category for k in definitions.kpis if k.category})
        raise QueryError(
            f"no KPI has the category '{category}'",
            hint=suggestion(category, known) or ("categories: " + ", ".join(known) if known else "no KPI has one"),
        )
    wanted = set(names)
    return [
        k.name
        for k in definitions.kpis
        if (category is None or k.category == category) and (not names or k.name in wanted)
    ]
