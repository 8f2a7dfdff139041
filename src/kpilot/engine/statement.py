"""One SQL statement from the compiled pieces of one or more requests.

Ibis compiles the small pieces (each source's aggregate, the periods and dimension values, the KPI formulas over a
frame table); this module writes the part Ibis is slow at, the frame that joins every source's aggregate onto the
periods (with SQLGlot), and puts it all in one statement of common table expressions:

    WITH _kpilot_source_orders AS (...), _kpilot_source_ads AS (...),  -- one scan per source
         _kpilot_rows AS (...),                                        -- periods x dimension values
         _kpilot_frame AS (SELECT rows..., COALESCE(orders.revenue, 0), ... LEFT JOIN ...)
    SELECT <KPIs> FROM _kpilot_frame ...

Each piece is rendered once, when its request is compiled, and statements are put together from the rendered
pieces, so that a statement of many requests compiled before costs no compiling at all. The pieces name each other
with quoted identifiers of a prefix no warehouse table may have (`_kpilot_`), so renaming one is replacing its
quoted name.

Several requests go into one statement as parts: equal source queries are written once (a source read by two parts
with the same filters is scanned once), each part has its own rows, frame and KPIs, and the parts' results are
stacked with UNION ALL, each in its own columns (`part_column`), after a `_kpilot_part` column saying whose row it
is.
"""

from __future__ import annotations

import functools
import re
import textwrap
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from sqlglot import exp

from kpilot.engine.aggregate import PERIOD

SOURCE_PREFIX = "_kpilot_source_"
ROWS = "_kpilot_rows"
FRAME = "_kpilot_frame"
KPIS = "_kpilot_kpis"
PART = "_kpilot_part"


def source_name(source: str) -> str:
    """The name a part's pieces give the aggregate of `source`."""
    return SOURCE_PREFIX + source


def part_column(part: int, index: int) -> str:
    """The name of a part's `index`-th column in a stacked statement."""
    return f"_kpilot_{part}_{index}"


@dataclass(frozen=True)
class Measure:
    """A measure column of the frame: cast to `cast` (None: as it is), and 0 instead of empty when `zero`."""

    column: str
    cast: exp.DataType | None
    zero: bool


@dataclass(frozen=True)
class SourcePiece:
    name: str  # as the part's rows and frame name it: source_name(...)
    sql: str  # the aggregate
    same: Hashable  # equal for equal aggregates (their Ibis expression): one scan in a stacked statement


@dataclass(frozen=True)
class Pieces:
    """One request in rendered SQL pieces, in one dialect."""

    dialect: str
    sources: tuple[SourcePiece, ...]
    rows: str | None  # periods x dimension values, over the sources' names; None without keys
    frame: str | None  # the sources joined onto the rows (None: the part reads the sources themselves)
    kpis: str  # the KPIs over FRAME, with the common table expressions Ibis gave them
    kpis_ctes: tuple[str, ...]  # those expressions alone (`name AS (...)`)
    kpis_body: str  # the KPIs' query without them
    keys: tuple[str, ...]  # the result's key columns (period and dimensions): its rows' order
    columns: tuple[str, ...]  # of the result, in order
    types: tuple[str, ...]  # of the result's columns, as the dialect writes them


def pieces_of(
    dialect: str,
    sources: Sequence[tuple[SourcePiece, Sequence[Measure]]],
    keys: Sequence[str],
    rows: exp.Query | None,
    kpis: exp.Query,
    columns: Sequence[str],
    types: Sequence[exp.DataType],
) -> Pieces:
    """The pieces of a request from its compiled parts (each source with the measures the frame takes from it)."""
    frame = _frame(sources, keys, rows is not None)
    own = kpis.args.get("with_")
    kpis.set("with_", None)  # rendered apart, to go after the statement's own (`kpis` is this call's to change)
    ctes = tuple(_sql(cte, dialect) for cte in own.expressions) if own is not None else ()
    body = _sql(kpis, dialect)
    return Pieces(
        dialect=dialect,
        sources=tuple(source for source, _ in sources),
        rows=None if rows is None else _sql(rows, dialect),
        frame=_sql(frame, dialect),
        kpis=f"WITH {', '.join(ctes)}\n{body}" if ctes else body,
        kpis_ctes=ctes,
        kpis_body=body,
        keys=tuple(keys),
        columns=tuple(columns),
        types=tuple(kind.sql(dialect=dialect) for kind in types),
    )


def statement(parts: Sequence[Pieces]) -> str:
    """The one statement that computes every part (one part: its result as it is; more: stacked)."""
    dialect = parts[0].dialect
    ctes: list[str] = []
    written: dict[Hashable, str] = {}  # a source query (`same`) -> its name in the statement
    finals = []
    for index, part in enumerate(parts):
        renamed: dict[str, str] = {}
        for source in part.sources:
            if source.same not in written:
                written[source.same] = _unique(source.name, set(written.values()))
                ctes.append(_cte(written[source.same], source.sql, dialect))
            renamed[source.name] = written[source.same]
        if len(parts) > 1:
            renamed.update({ROWS: f"{ROWS}_{index}", FRAME: f"{FRAME}_{index}"})
        rename = _renaming(renamed, dialect)
        if part.rows is not None:
            ctes.append(_cte(renamed.get(ROWS, ROWS), rename(part.rows), dialect))
        if part.frame is not None:
            ctes.append(_cte(renamed.get(FRAME, FRAME), rename(part.frame), dialect))
        finals.append(rename(part.kpis))
    if len(parts) == 1:
        (part,) = parts
        return f"WITH {', '.join([*ctes, *part.kpis_ctes])}\n{part.kpis_body}"
    ctes += [_cte(f"{KPIS}_{index}", final, dialect) for index, final in enumerate(finals)]
    return f"WITH {', '.join(ctes)}\n{_stacked(parts)}"


def extent_pieces(part: Pieces) -> Pieces:
    """The first and the last period with data in a part's sources (under its filters and range): where its
    periods would start and end if the request left them open. Read from the part's own source queries, so that in
    one statement with the part they cost no second scan."""
    dialect = part.dialect
    reads = "\nUNION ALL\n".join(
        f"SELECT {_quoted(PERIOD, dialect)} AS p FROM {_quoted(source.name, dialect)}" for source in part.sources
    )
    sql = f"SELECT MIN(p) AS {_quoted('first', dialect)}, MAX(p) AS {_quoted('last', dialect)} FROM (\n{reads}\n) AS p"
    day = exp.DataType.build("date").sql(dialect=dialect)
    return Pieces(dialect, part.sources, None, None, sql, (), sql, (), ("first", "last"), (day, day))


def _unique(name: str, taken: set[str]) -> str:
    found, count = name, 1
    while found in taken:
        count += 1
        found = f"{name}_{count}"
    return found


@functools.lru_cache(maxsize=4096)
def _quoted(name: str, dialect: str) -> str:
    """A quoted identifier (kept: a stacked statement names thousands of columns, and SQLGlot takes its time)."""
    return exp.to_identifier(name, quoted=True).sql(dialect=dialect)


def _cte(name: str, sql: str, dialect: str) -> str:
    return f"{_quoted(name, dialect)} AS (\n{textwrap.indent(sql, '  ')}\n)"


def _sql(node: exp.Expression, dialect: str) -> str:
    return node.sql(dialect=dialect, pretty=True)


def _renaming(names: dict[str, str], dialect: str) -> Callable[[str], str]:
    """Replace each quoted name of `names` by its new name, quoted (the old names are whole quoted identifiers)."""
    changed = {_quoted(old, dialect): _quoted(new, dialect) for old, new in names.items() if old != new}
    if not changed:
        return lambda sql: sql
    pattern = re.compile("|".join(re.escape(old) for old in sorted(changed, key=len, reverse=True)))
    return lambda sql: pattern.sub(lambda found: changed[found.group(0)], sql)


def _column(table: str, name: str) -> exp.Column:
    return exp.column(exp.to_identifier(name, quoted=True), table=exp.to_identifier(table, quoted=True))


def _frame(sources: Sequence[tuple[SourcePiece, Sequence[Measure]]], keys: Sequence[str], rows: bool) -> exp.Select:
    """Every source's measures joined onto the rows (on equal keys, empty equal to empty); without rows, the
    sources' single rows side by side."""
    aliases = [f"s{i}" for i in range(len(sources))]
    columns: list[exp.Expression] = [_column("r", key) for key in keys]
    for alias, (_, measures) in zip(aliases, sources, strict=True):
        for measure in measures:
            value: exp.Expression = _column(alias, measure.column)
            if measure.cast is not None:
                value = exp.Cast(this=value, to=measure.cast.copy())
            if measure.zero:
                value = exp.Coalesce(this=value, expressions=[exp.Literal.number(0)])
            columns.append(exp.alias_(value, exp.to_identifier(measure.column, quoted=True), copy=False))
    select = exp.Select(expressions=columns)
    tables = [(alias, source.name) for alias, (source, _) in zip(aliases, sources, strict=True)]
    if not rows:
        first, *others = tables
        select = select.from_(_table(*first), copy=False)
        for alias, name in others:
            select = select.join(_table(alias, name), join_type="cross", copy=False)
        return select
    select = select.from_(_table("r", ROWS), copy=False)
    for alias, name in tables:
        condition = exp.and_(
            *(exp.NullSafeEQ(this=_column("r", key), expression=_column(alias, key)) for key in keys), copy=False
        )
        select = select.join(_table(alias, name), on=condition, join_type="left", copy=False)
    return select


def _table(alias: str, name: str) -> exp.Table:
    return exp.Table(
        this=exp.to_identifier(name, quoted=True), alias=exp.TableAlias(this=exp.to_identifier(alias, quoted=True))
    )


def _stacked(parts: Sequence[Pieces]) -> str:
    """Each part's result in its own columns (empty in the other parts' rows), stacked, in part order and then in
    the order of each part's keys (empty values last), as each part's own query orders its rows. Written as text:
    it is the same few words for every column, and many parts have many columns."""
    dialect = parts[0].dialect

    def name(part: int, position: int) -> str:
        return _quoted(part_column(part, position), dialect)

    empty = [[f"CAST(NULL AS {kind})" for kind in part.types] for part in parts]
    columns = [[_quoted(column, dialect) for column in part.columns] for part in parts]
    branches = []
    for index in range(len(parts)):
        values = [f"{index} AS {_quoted(PART, dialect)}"]
        for other, part in enumerate(parts):
            for position in range(len(part.columns)):
                value = f"k.{columns[other][position]}" if other == index else empty[other][position]
                values.append(f"{value} AS {name(other, position)}")
        branches.append(f"SELECT {', '.join(values)} FROM {_quoted(f'{KPIS}_{index}', dialect)} AS k")
    order = [_quoted(PART, dialect)]
    for index, part in enumerate(parts):
        for key in part.keys:
            column = exp.column(exp.to_identifier(part_column(index, part.columns.index(key)), quoted=True))
            order.append(exp.Ordered(this=column, nulls_first=False).sql(dialect=dialect))
    return "\nUNION ALL\n".join(branches) + "\nORDER BY " + ", ".join(order)
