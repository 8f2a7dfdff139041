"""Which KPIs add up over time (judged against the pace) and which do not (judged by their value)."""

from __future__ import annotations

import pytest

from kpilot.definitions.model import Aggregation, Definitions, Kpi, Measure, Source
from kpilot.semantic.additive import is_additive
from kpilot.semantic.resolve import SemanticModel


def measure(name: str, agg: Aggregation) -> Measure:
    fraction = 0.9 if agg is Aggregation.PERCENTILE else None
    return Measure(name=name, agg=agg, expr=None if agg is Aggregation.COUNT else "amount", fraction=fraction)


SALES = Source(
    name="sales",
    table="sales",
    time="day",
    measures=(
        measure("revenue", Aggregation.SUM),
        measure("refunds", Aggregation.SUM),
        measure("orders", Aggregation.COUNT),
        measure("buyers", Aggregation.COUNT_DISTINCT),
        measure("basket", Aggregation.AVG),
        measure("smallest", Aggregation.MIN),
        measure("largest", Aggregation.MAX),
        measure("middle", Aggregation.MEDIAN),
        measure("p90", Aggregation.PERCENTILE),
        measure("balance", Aggregation.LAST),
    ),
)
FORMULAS = {
    # additive: sums and counts, combined with + and -, scaled by constants
    "revenue_kpi": "revenue",
    "orders_kpi": "orders",
    "net": "revenue - refunds",
    "gross": "revenue + refunds",
    "doubled": "2 * revenue",
    "doubled_right": "revenue * 2",
    "thousands": "revenue / 1000",
    "computed_constant": "revenue * (10 / 4 - 0.5)",
    "negated": "-revenue",
    "net_of_kpis": "revenue_kpi - refunds",  # through another additive KPI
    "filled": "coalesce(revenue, 0)",
    "qualified": "sales.revenue + sales.orders",
    # not additive
    "aov": "revenue / orders",  # a ratio of measures
    "aov_of_kpis": "revenue_kpi / orders_kpi",
    "uses_ratio": "aov * 2",  # through a non-additive KPI
    "buyers_kpi": "buyers",
    "basket_kpi": "basket",
    "smallest_kpi": "smallest",
    "largest_kpi": "largest",
    "middle_kpi": "middle",
    "p90_kpi": "p90",
    "balance_kpi": "balance",
    "growth_kpi": "growth(revenue)",
    "previous_kpi": "previous(revenue)",
    "to_date_kpi": "to_date(revenue, 'month')",
    "rolling_kpi": "rolling(revenue, 3)",
    "offset": "revenue + 5",  # a constant term does not add up: 12 months of (x + 5) is not (sum x) + 5
    "squared": "revenue * revenue",
    "by_zero": "revenue / (4 - 4)",
    "filled_with_one": "coalesce(revenue, 1)",
    "absolute": "abs(revenue)",
    "conditional": "if(revenue > 0, revenue, 0)",
    "constant": "100",
}
ADDITIVE = {
    "revenue_kpi",
    "orders_kpi",
    "net",
    "gross",
    "doubled",
    "doubled_right",
    "thousands",
    "computed_constant",
    "negated",
    "net_of_kpis",
    "filled",
    "qualified",
}
MODEL = SemanticModel(
    Definitions(sources=(SALES,), kpis=tuple(Kpi(name=name, formula=text) for name, text in FORMULAS.items()))
)


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_is_additive(name: str) -> None:
    assert is_additive(MODEL, name) is (name in ADDITIVE), FORMULAS[name]


def test_unknown_or_broken_kpis_are_not_additive() -> None:
    assert not is_additive(MODEL, "no_such_kpi")
    broken = SemanticModel(Definitions(sources=(SALES,), kpis=(Kpi(name="bad", formula="revenu"),)))
    assert not is_additive(broken, "bad")
