"""Standard names mapped onto the user's: reading `--map` pairs into a `NameMap`, and renaming the tables, columns
and sources that catalogue formulas, row-level expressions and SQL sources refer to."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

import sqlglot
from sqlglot import exp

from kpilot.catalogue.catalogue import CatalogueError, load_catalogue
from kpilot.catalogue.datamodel import load_datamodel
from kpilot.definitions.base import NAME_PATTERN
from kpilot.formula.ast import Name
from kpilot.formula.check import names_in
from kpilot.formula.lexer import KEYWORDS, quote_string
from kpilot.formula.literals import compared_values
from kpilot.formula.parser import parse
from kpilot.i18n import Message


@dataclass(frozen=True)
class NameMap:
    """Standard names mapped onto the user's: tables, columns (per standard table) and catalogue sources."""

    tables: Mapping[str, str] = field(default_factory=dict)
    columns: Mapping[tuple[str, str], str] = field(default_factory=dict)
    sources: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[tuple[str, str, str], str] = field(default_factory=dict)  # (table, column, value) -> yours

    def table(self, standard: str) -> str:
        return self.tables.get(standard, standard)

    def columns_of(self, standard_table: str) -> dict[str, str]:
        return {col: new for (table, col), new in self.columns.items() if table == standard_table}

    def source(self, standard: str) -> str:
        return self.sources.get(standard, standard)

    def values_of(self, standard_table: str) -> dict[tuple[str, str], str]:
        """(standard column, standard value) -> the user's value, for one standard table."""
        return {(col, value): new for (table, col, value), new in self.values.items() if table == standard_table}


# The forms a mapping takes, for the hint of a mapping that cannot be read.
MAPPING_FORMS = (
    "TABLE=YOUR_TABLE",
    "TABLE.COLUMN=YOUR_COLUMN",
    "TABLE.COLUMN=YOUR_TABLE.YOUR_COLUMN",
    "TABLE.COLUMN.VALUE=YOUR_VALUE",
    "source:NAME=NEW",
)
MAPPING_HINT = Message("catalogue.mapping_forms_hint", forms=MAPPING_FORMS[:-1], last=MAPPING_FORMS[-1])


def parse_mapping(mapping: Mapping[str, str]) -> NameMap:
    """Read `{key: value}` pairs (the CLI's `--map key=value`):

    - `orders=shop_orders` or `table:orders=shop_orders`: the standard table `orders` is the user's `shop_orders`;
    - `orders.amount=total`: column `amount` of the standard `orders` table is the user's column `total`;
    - `orders.amount=sales.total`: both at once (table `orders` is `sales`, its `amount` is `total`);
    - `source:orders=shop_orders`: write the catalogue source `orders` under the name `shop_orders`;
    - `deals.stage.won=Closed Won`: where the catalogue compares column `stage` of `deals` with the value `won`, your
      data says `Closed Won` (the value is taken as written, spaces and case included).
    """
    model = load_datamodel()
    known_sources = {s.name for s in load_catalogue().sources}
    tables: dict[str, str] = {}
    columns: dict[tuple[str, str], str] = {}
    sources: dict[str, str] = {}
    values: dict[tuple[str, str, str], str] = {}
    for raw_key, raw_value in mapping.items():
        key, value = raw_key.strip(), raw_value.strip()
        kind, _, name = key.rpartition(":")
        if kind == "source":
            _check_choice(name, known_sources, Message("catalogue.choice_source"), key)
            sources[name] = _identifier(value, key)
        elif kind in ("", "table") and "." not in name:
            _check_choice(name, model.table_names, TABLE_CHOICE, key)
            _set_table(tables, name, _table_name(value, key), key)
        elif kind == "" and name.count(".") == 1:
            table, column = name.split(".")
            _check_choice(table, model.table_names, TABLE_CHOICE, key)
            _check_choice(column, model.table(table).column_names, Message("catalogue.choice_column", table=table), key)
            user_table, _, user_column = value.rpartition(".")
            if user_table:
                _set_table(tables, table, _table_name(user_table, key), key)
            columns[(table, column)] = _identifier(user_column, key)
        elif kind == "" and name.count(".") >= 2:
            table, column, standard_value = name.split(".", 2)
            _check_choice(table, model.table_names, TABLE_CHOICE, key)
            _check_choice(column, model.table(table).column_names, Message("catalogue.choice_column", table=table), key)
            known = set(catalogue_values().get((table, column), ())) | set(
                model.table(table).column(column).values or ()
            )
            if not known:
                raise CatalogueError(
                    Message("catalogue.mapping_no_values", mapping=key, table=table, column=column),
                    hint=Message("catalogue.mapping_no_values_hint", first="deals.stage", second="orders.status"),
                    field="mapping",
                )
            choice = Message("catalogue.choice_value", table=table, column=column)
            _check_choice(standard_value, sorted(known), choice, key)
            values[(table, column, standard_value)] = value
        else:
            raise CatalogueError(
                Message("catalogue.unreadable_mapping", mapping=f"{key}={value}"), hint=MAPPING_HINT, field="mapping"
            )
    return NameMap(tables=tables, columns=columns, sources=sources, values=values)


def split_mapping(items: Sequence[str]) -> dict[str, str]:
    """`["a=b", "c.d=e.f"]` as a dict; a repeated key keeps the last value."""
    result: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise CatalogueError(
                Message("catalogue.unreadable_mapping", mapping=item), hint=MAPPING_HINT, field="mapping"
            )
        result[key.strip()] = value.strip()
    return result


TABLE_CHOICE = Message("catalogue.choice_table")


def _check_choice(name: str, allowed: Iterable[str], what: Message, key: str) -> None:
    """`what` is what `name` must be, for the message: a data-model table, a column of table 'orders'."""
    known = tuple(allowed)
    if name not in known:
        close = tuple(difflib.get_close_matches(name, known, n=1, cutoff=0.6))
        hint = Message("catalogue.did_you_mean", name=close[0]) if close else Message("catalogue.known", names=known)
        raise CatalogueError(
            Message("catalogue.mapping_not_a", mapping=key, name=name, what=what),
            hint=hint,
            field="mapping",
            suggestions=close or known,
        )


def _identifier(value: str, key: str) -> str:
    if not re.fullmatch(NAME_PATTERN, value) or value.lower() in KEYWORDS:
        raise CatalogueError(
            Message("catalogue.mapping_not_a_name", mapping=key, value=value),
            hint=Message("catalogue.mapping_not_a_name_hint"),
            field="mapping",
        )
    return value


def _table_name(value: str, key: str) -> str:
    parts = value.split(".")
    if len(parts) > 2:
        raise CatalogueError(
            Message("catalogue.mapping_not_a_table", mapping=key, value=value),
            hint=Message("catalogue.mapping_not_a_table_hint"),
            field="mapping",
        )
    return ".".join(_identifier(part, key) for part in parts)


def _set_table(tables: dict[str, str], standard: str, user: str, key: str) -> None:
    if tables.get(standard, user) != user:
        raise CatalogueError(
            Message("catalogue.mapping_table_twice", mapping=key, table=standard, first=tables[standard], second=user),
            field="mapping",
        )
    tables[standard] = user


def rename_names(text: str, rename: Callable[[Name], str | None]) -> str:
    """`text` with every name for which `rename` returns a new spelling replaced (strings and functions untouched)."""
    edits = [(node.span.start, node.span.end, new) for node in names_in(parse(text)) if (new := rename(node))]
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def rename_columns(text: str, columns: Mapping[str, str]) -> str:
    """A row-level expression with its column names renamed."""
    if not columns:
        return text
    return rename_names(text, lambda node: columns.get(node.dotted) if len(node.parts) == 1 else None)


def rename_values(text: str, values: Mapping[tuple[str, str], str]) -> str:
    """A row-level expression with the text values it compares columns with replaced: `(column, value) -> new`,
    with the standard column names (rename the values before the columns)."""
    if not values:
        return text
    edits = [
        (c.literal.span.start, c.literal.span.end, quote_string(values[(c.column, c.literal.value)]))
        for c in compared_values(parse(text))
        if (c.column, c.literal.value) in values
    ]
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


@cache
def catalogue_values() -> Mapping[tuple[str, str], frozenset[str]]:
    """(standard table, column) -> the text values catalogue measures and dimensions compare it with."""
    found: dict[tuple[str, str], set[str]] = {}
    for source in load_catalogue().sources:
        if source.table is None:
            continue
        texts = [m.filter for m in source.measures] + [m.expr for m in source.measures]
        texts += [d.expr for d in source.dimensions]
        for text in (t for t in texts if t is not None):
            for compared in compared_values(parse(text)):
                found.setdefault((source.table, compared.column), set()).add(compared.literal.value)
    return {key: frozenset(values) for key, values in found.items()}


def columns_in(text: str) -> set[str]:
    """Column names a row-level expression reads."""
    return {node.dotted for node in names_in(parse(text)) if len(node.parts) == 1}


def sql_columns(sql: str) -> dict[str, set[str]]:
    """Table -> columns read by a catalogue SQL source (its columns are always qualified by a table alias)."""
    tree = sqlglot.parse_one(sql)
    aliases = {t.alias_or_name: t.name for t in tree.find_all(exp.Table)}
    used: dict[str, set[str]] = {name: set() for name in aliases.values()}
    for column in tree.find_all(exp.Column):
        used[aliases[column.table]].add(column.name)
    return used


def rename_sql(sql: str, names: NameMap) -> str:
    """A catalogue SQL source on the user's tables and columns, keeping its output column names."""
    if not any(t in names.tables or names.columns_of(t) for t in sql_columns(sql)):
        return sql
    tree = sqlglot.parse_one(sql)
    aliases = {t.alias_or_name: t.name for t in tree.find_all(exp.Table)}
    for column in list(tree.find_all(exp.Column)):
        new = names.columns_of(aliases[column.table]).get(column.name)
        if new is None:
            continue
        renamed = exp.column(new, table=column.table)
        parent = column.parent
        is_output = isinstance(parent, exp.Select) and column in parent.expressions
        column.replace(exp.alias_(renamed, column.name) if is_output else renamed)
    for table in list(tree.find_all(exp.Table)):
        if table.name in names.tables:
            new_table = exp.to_table(names.tables[table.name])
            table.replace(exp.alias_(new_table, table.alias, table=True) if table.alias else new_table)
    return tree.sql(pretty=True)
