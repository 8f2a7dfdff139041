"""Several currencies: amounts converted to the workspace currency at the rate of each row's day, before any measure
reads them; rows that cannot be converted refuse the computation. On DuckDB and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pyarrow as pa
import pytest

from kpilot import Workspace
from kpilot.errors import Severity, ValidationFailed

MONEY = pa.decimal128(18, 2)
RATE = pa.decimal128(18, 6)

ORDERS = pa.table(
    {
        "ordered_at": [date(2025, 1, 5), date(2025, 1, 10), date(2025, 1, 15), date(2025, 1, 20), date(2025, 2, 3)],
        "currency": ["EUR", "USD", "USD", "GBP", "USD"],
        "amount": pa.array([Decimal(v) for v in ("100.00", "100.00", "200.00", "50.00", "10.00")], MONEY),
    }
)
FX = pa.table(
    {
        "day": [date(2025, 1, 1), date(2025, 1, 15), date(2025, 1, 1)],
        "currency": ["USD", "USD", "GBP"],
        "rate": pa.array([Decimal("0.90"), Decimal("0.95"), Decimal("1.20")], RATE),
    }
)

DEFINITIONS = """
sources:
  - name: fx
    table: fx
    time: day
  - name: orders
    table: orders
    time: ordered_at
    currency: {column: currency, amounts: [amount], rates: fx}
    dimensions: [currency]
    measures:
      - {name: revenue, agg: sum, expr: amount}
      - {name: orders, agg: count}
      - {name: biggest, agg: max, expr: amount}
kpis:
  - {name: revenue, formula: revenue, unit: currency}
  - {name: aov, formula: revenue / orders, unit: currency}
  - {name: biggest_order, formula: biggest, unit: currency}
"""

TODAY = date(2025, 3, 1)


def test_amounts_are_converted_at_the_rate_of_their_day(workspace_factory: Callable[..., Workspace]) -> None:
    ws = workspace_factory(DEFINITIONS, {"orders": ORDERS, "fx": FX})
    assert [i for i in ws.validate() if i.severity is Severity.ERROR] == []
    rows = ws.compute(["revenue", "aov", "biggest_order"], today=TODAY).to_pylist()
    # By hand: January 100 EUR + 100 USD x 0.90 (Jan 10) + 200 USD x 0.95 (Jan 15: the new rate's first day)
    # + 50 GBP x 1.20 = 100 + 90 + 190 + 60 = 440 over 4 orders; February 10 USD x 0.95 = 9.50.
    assert [Decimal(str(row["revenue"])) for row in rows] == [Decimal("440"), Decimal("9.5")]
    assert [row["aov"] for row in rows] == [pytest.approx(110.0), pytest.approx(9.5)]
    assert [float(row["biggest_order"]) for row in rows] == [pytest.approx(190.0), pytest.approx(9.5)]


def test_split_by_currency(workspace_factory: Callable[..., Workspace]) -> None:
    ws = workspace_factory(DEFINITIONS, {"orders": ORDERS, "fx": FX})
    rows = ws.compute(["revenue"], by=["currency"], grain="all", today=TODAY).to_pylist()
    totals = {row["currency"]: float(row["revenue"]) for row in rows}
    assert totals == {"EUR": pytest.approx(100.0), "GBP": pytest.approx(60.0), "USD": pytest.approx(289.5)}


def test_one_currency_for_a_whole_source(workspace_factory: Callable[..., Workspace]) -> None:
    definitions = DEFINITIONS.replace(
        "{column: currency, amounts: [amount], rates: fx}", "{code: USD, amounts: [amount], rates: fx}"
    )
    ws = workspace_factory(definitions, {"orders": ORDERS, "fx": FX})
    rows = ws.compute(["revenue"], grain="all", today=TODAY).to_pylist()
    # Every amount is USD: 100 x 0.90 + 100 x 0.90 + 200 x 0.95 + 50 x 0.95 + 10 x 0.95 = 180 + 247 = 427.
    assert float(rows[0]["revenue"]) == pytest.approx(427.0)


def test_rows_without_a_rate_refuse_the_computation(workspace_factory: Callable[..., Workspace]) -> None:
    early = pa.table(
        {
            "ordered_at": [date(2024, 12, 30), date(2025, 1, 2), date(2025, 1, 3)],
            "currency": ["USD", "CHF", "CHF"],
            "amount": pa.array([Decimal("5.00"), Decimal("7.00"), Decimal("8.00")], MONEY),
        }
    )
    ws = workspace_factory(DEFINITIONS, {"orders": pa.concat_tables([ORDERS, early]), "fx": FX})
    errors = [i for i in ws.validate() if i.severity is Severity.ERROR]
    assert [i.code for i in errors] == ["engine.amounts_not_convertible"]
    assert [str(i.message) for i in errors] == [
        "source 'orders': rows with amounts that cannot be converted to EUR (no rate on or before their day, or no "
        "currency code): 2 in CHF from 2025-01-02 to 2025-01-03; 1 in USD from 2024-12-30 to 2024-12-30"
    ]
    with pytest.raises(ValidationFailed, match="cannot be converted to EUR"):
        ws.compute(["revenue"], today=TODAY)


def test_clashing_rates_and_bad_declarations_are_errors(workspace_factory: Callable[..., Workspace]) -> None:
    clash = pa.concat_tables(
        [FX, pa.table({"day": [date(2025, 1, 15)], "currency": ["USD"], "rate": pa.array([Decimal("0.96")], RATE)})]
    )
    ws = workspace_factory(DEFINITIONS, {"orders": ORDERS, "fx": clash})
    assert [str(i.message) for i in ws.validate() if i.severity is Severity.ERROR] == [
        "rates source 'fx' has different rates for the same currency and day: USD on 2025-01-15"
    ]
    unknown = DEFINITIONS.replace("rates: fx}", "rates: rates}")
    ws = workspace_factory(unknown, {"orders": ORDERS, "fx": FX})
    found = [i for i in ws.validate() if i.severity is Severity.ERROR]
    assert [i.code for i in found] == ["engine.rates_source_undefined"]
    assert [str(i.message) for i in found] == ["source 'orders': the rates source 'rates' is not defined"]
    assert found[0].suggestions == ("fx",)
    assert found[0].location.line is not None


def test_a_source_in_the_workspace_currency_is_left_alone(workspace_factory: Callable[..., Workspace]) -> None:
    definitions = DEFINITIONS.replace(
        "{column: currency, amounts: [amount], rates: fx}", "{code: EUR, amounts: [amount]}"
    )
    ws = workspace_factory(definitions, {"orders": ORDERS, "fx": FX})
    # 100 + 100 + 200 + 50 + 10, as written.
    assert float(ws.compute(["revenue"], grain="all", today=TODAY).to_pylist()[0]["revenue"]) == pytest.approx(460.0)
