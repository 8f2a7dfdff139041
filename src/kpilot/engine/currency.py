"""Amounts in several currencies, converted to the workspace currency at the rate of each row's day, before any
measure reads them.

A source declares which of its columns are money, the currency of each row (a column of ISO codes, or one code for
the whole source) and the source of exchange rates. A rates source has a `time:` column (the day a rate applies
from), a `currency` column (ISO code) and a `rate` column: what one unit of that currency is worth in the workspace
currency. A row takes the latest rate on or before its own local day; rows already in the workspace currency take 1.

Rates are turned into validity windows (from a rate's day to the next rate's day) and joined on currency and day,
so each row meets at most one rate and nothing is double counted. A row that meets none (a currency without rates,
a day before the first rate, an empty code) would silently drop out of every sum, so the checks refuse it: `validate`
reports it and a computation that reads the source stops with the same message.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import ibis

from kpilot.definitions.model import Definitions, Source
from kpilot.engine.periods import Calendar
from kpilot.engine.timeexpr import local_date
from kpilot.errors import Issue, Location, UserError, ValidationFailed
from kpilot.i18n import Message, Raw
from kpilot.warehouse.connection import Warehouse

RATE_CURRENCY = "currency"
RATE_VALUE = "rate"
SHOWN = 5  # examples shown in a problem

_CODE, _DAY = "_kpilot_fx_code", "_kpilot_fx_day"
_FROM, _TO, _RATE, _OF = "_kpilot_fx_from", "_kpilot_fx_to", "_kpilot_fx_rate", "_kpilot_fx_of"


def needs_conversion(source: Source, home: str) -> bool:
    spec = source.currency
    return spec is not None and spec.code != home


def converted(source: Source, table: Any, rates: tuple[Source, Any] | None, calendar: Calendar, home: str) -> Any:
    """The source's rows with every amount column in the workspace currency (the same columns, in order)."""
    if not needs_conversion(source, home):
        return table
    joined, rate = _joined(source, table, rates, calendar, home)
    amounts = set(source.currency.amounts) if source.currency else set()
    return joined.select(
        *[(joined[column] * rate).name(column) if column in amounts else joined[column] for column in table.columns]
    )


def _joined(source: Source, table: Any, rates: tuple[Source, Any] | None, calendar: Calendar, home: str) -> Any:
    """Rows with their rate window joined (left join: a row without a rate keeps empty rate columns), and the rate
    to multiply each amount by."""
    spec = source.currency
    assert spec is not None
    assert source.time is not None
    code = table[spec.column] if spec.column else ibis.literal(spec.code)
    day = local_date(table[source.time], table.schema()[source.time], calendar.timezone, source.timezone)
    rows = table.mutate(**{_CODE: code, _DAY: day})
    if rates is None:
        # No rates source: valid only when every row is in the workspace currency, which the checks make sure of.
        return rows, ibis.ifelse(rows[_CODE] == home, 1, ibis.null("decimal(18, 6)"))
    windows = _windows(*rates, calendar)
    joined = rows.left_join(
        windows,
        [
            rows[_CODE] == windows[_OF],
            rows[_DAY] >= windows[_FROM],
            windows[_TO].isnull() | (rows[_DAY] < windows[_TO]),
        ],
    )
    return joined, ibis.ifelse(joined[_CODE] == home, 1, joined[_RATE])


def _windows(source: Source, table: Any, calendar: Calendar) -> Any:
    assert source.time is not None
    day = local_date(table[source.time], table.schema()[source.time], calendar.timezone, source.timezone)
    rates = table.select(**{_OF: table[RATE_CURRENCY], _FROM: day, _RATE: table[RATE_VALUE]})
    following = rates[_FROM].lead().over(ibis.window(group_by=rates[_OF], order_by=rates[_FROM]))
    return rates.mutate(**{_TO: following})


class CurrencyChecks:
    """The currency checks for sources a computation reads, each run once per workspace object."""

    def __init__(self, definitions: Definitions, warehouse: Warehouse, calendar: Calendar, home: str) -> None:
        self._args = definitions, warehouse, calendar, home
        self._found: dict[str, list[Issue]] = {}

    def require(self, sources: Iterable[Source]) -> None:
        """Raise ValidationFailed when a source's amounts cannot all be converted."""
        definitions, warehouse, calendar, home = self._args
        problems: list[Issue] = []
        for source in sources:
            if source.currency is None:
                continue
            if source.name not in self._found:
                self._found[source.name] = source_problems(source, definitions, warehouse, calendar, home)
            problems += self._found[source.name]
        if problems:
            raise ValidationFailed(problems)


def currency_issues(definitions: Definitions, warehouse: Warehouse, calendar: Calendar, home: str) -> list[Issue]:
    """Every currency problem of the workspace (for `validate`)."""
    found: list[Issue] = []
    for source in definitions.sources:
        if source.currency is not None:
            found += source_problems(source, definitions, warehouse, calendar, home)
    return found


def rates_for(source: Source, definitions: Definitions) -> Source | None:
    spec = source.currency
    return definitions.source(spec.rates) if spec is not None and spec.rates else None


def source_problems(
    source: Source, definitions: Definitions, warehouse: Warehouse, calendar: Calendar, home: str
) -> list[Issue]:
    """What stops a source's amounts from being converted: the declaration, then the data."""
    spec = source.currency
    assert spec is not None
    where = spec.origin if spec.origin != Location() else source.origin
    if not needs_conversion(source, home):
        return []
    rates = rates_for(source, definitions)
    if spec.rates is not None and rates is None:
        known = tuple(sorted(s.name for s in definitions.sources if s.name != source.name))
        return [
            Issue(
                Message("engine.rates_source_undefined", source=source.name, rates=spec.rates),
                spec.locations.get("rates", where),
                hint=Message("engine.rates_source_undefined_hint", sources=known),
                suggestions=known,
            )
        ]
    try:
        table = warehouse.source_table(source)
        rates_table = warehouse.source_table(rates) if rates is not None else None
    except UserError:  # a missing table or a rejected sql: reported by the other data checks
        return []
    problems = _declaration_problems(source, table, rates, rates_table, where)
    if problems:
        return problems
    pair = (rates, rates_table) if rates is not None else None
    if rates is not None:
        problems += _duplicate_rates(rates, rates_table, calendar, warehouse)
    return problems + _rows_without_rate(source, table, pair, calendar, home, warehouse, where)


def _declaration_problems(
    source: Source, table: Any, rates: Source | None, rates_table: Any, where: Location
) -> list[Issue]:
    spec = source.currency
    assert spec is not None
    schema = table.schema()
    problems = []
    for column in spec.amounts:
        kind = schema.get(column)
        if kind is None or not kind.is_numeric():
            problem = (
                Message("engine.amount_not_a_column", source=source.name, column=column)
                if kind is None
                else Message("engine.amount_not_a_number", source=source.name, column=column, type=Raw(str(kind)))
            )
            columns = tuple(schema.names)
            hint = Message("engine.columns_hint", columns=columns)
            problems.append(Issue(problem, spec.locations.get("amounts", where), hint=hint, suggestions=columns))
    if spec.column is not None:
        kind = schema.get(spec.column)
        if kind is None or not kind.is_string():
            problem = (
                Message("engine.currency_column_missing", source=source.name, column=spec.column)
                if kind is None
                else Message(
                    "engine.currency_column_not_text", source=source.name, column=spec.column, type=Raw(str(kind))
                )
            )
            hint = Message("engine.currency_column_hint")
            problems.append(Issue(problem, spec.locations.get("column", where), hint=hint))
    if rates is None:
        if spec.code is not None:
            problems.append(
                Issue(
                    Message("engine.no_rates_source", source=source.name, currency=spec.code),
                    where,
                    hint=Message("engine.no_rates_source_hint"),
                )
            )
        return problems
    rate_schema = rates_table.schema()
    code, value = rate_schema.get(RATE_CURRENCY), rate_schema.get(RATE_VALUE)
    if rates.time is None or code is None or not code.is_string() or value is None or not value.is_numeric():
        problems.append(
            Issue(
                Message("engine.rates_source_columns", rates=rates.name, currency=RATE_CURRENCY, rate=RATE_VALUE),
                rates.origin,
                hint=Message("engine.its_columns", columns=tuple(f"{n} ({t})" for n, t in rate_schema.items())),
            )
        )
    return problems


def _duplicate_rates(rates: Source, table: Any, calendar: Calendar, warehouse: Warehouse) -> list[Issue]:
    windows = _windows(rates, table, calendar)
    counted = windows.group_by([_OF, _FROM]).aggregate(rows=windows.count(), rates=windows[_RATE].nunique())
    clashing = counted.filter(counted["rates"] > 1).order_by([_FROM, _OF]).limit(SHOWN)
    found = warehouse.to_arrow(clashing).to_pylist()
    if not found:
        return []
    shown = tuple(Message("engine.currency_on_day", currency=row[_OF], day=row[_FROM]) for row in found)
    return [
        Issue(
            Message("engine.clashing_rates", rates=rates.name, clashes=shown),
            rates.origin,
            hint=Message("engine.clashing_rates_hint"),
        )
    ]


def _rows_without_rate(
    source: Source,
    table: Any,
    rates: tuple[Source, Any] | None,
    calendar: Calendar,
    home: str,
    warehouse: Warehouse,
    where: Location,
) -> list[Issue]:
    joined, rate = _joined(source, table, rates, calendar, home)
    lacking = joined.filter(rate.isnull())
    summary = lacking.group_by(lacking[_CODE]).aggregate(
        rows=lacking.count(), first=lacking[_DAY].min(), last=lacking[_DAY].max()
    )
    found = warehouse.to_arrow(summary.order_by(ibis.desc("rows")).limit(SHOWN)).to_pylist()
    if not found:
        return []
    groups = [
        Message(
            "engine.rows_without_rate",
            count=int(row["rows"]),
            currency=row[_CODE] or Message("engine.no_currency"),
            first=row["first"],
            last=row["last"],
        )
        for row in found
    ]
    rates_name = Message("engine.quoted", name=rates[0].name) if rates is not None else Message("engine.none_named")
    return [
        Issue(
            Message("engine.amounts_not_convertible", source=source.name, currency=home, groups=_semicolons(groups)),
            where,
            hint=Message("engine.amounts_not_convertible_hint", rates=rates_name),
        )
    ]


def _semicolons(items: list[Message]) -> Message:
    """Items listed with semicolons (each holds commas of its own: 1,234 rows): `a; b; c` as nested pairs."""
    listed = items[-1]
    for item in reversed(items[:-1]):
        listed = Message("engine.semicolon_list", first=item, rest=listed)
    return listed
