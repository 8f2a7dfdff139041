"""The standard data model for business sources (`datamodel.yaml`) as frozen, typed values.

The YAML is the single source of truth: KPI formulas in the catalogue use its column names, the demo generator
writes exactly its schemas, and `docs/data-model.md` documents it (a test keeps them in sync).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import pyarrow as pa
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from kpilot.errors import InternalError, Location, UserError
from kpilot.i18n import Message, Raw

DECIMAL_PRECISION = 18
DECIMAL_SCALE = 2


class ColumnType(StrEnum):
    DATE = "date"
    TIMESTAMP = "timestamp"
    STRING = "string"
    INTEGER = "integer"
    DECIMAL = "decimal"
    BOOLEAN = "boolean"

    @property
    def is_temporal(self) -> bool:
        return self in (ColumnType.DATE, ColumnType.TIMESTAMP)

    @property
    def is_numeric(self) -> bool:
        return self in (ColumnType.INTEGER, ColumnType.DECIMAL)

    @property
    def sql_type(self) -> str:
        """The DuckDB / PostgreSQL type the column is stored as."""
        return _SQL_TYPES[self]

    def arrow_type(self) -> pa.DataType:
        """The Arrow (and Parquet) type the column is stored as."""
        if self is ColumnType.DATE:
            return pa.date32()
        if self is ColumnType.TIMESTAMP:
            return pa.timestamp("us")  # naive: local time in the workspace time zone
        if self is ColumnType.STRING:
            return pa.string()
        if self is ColumnType.INTEGER:
            return pa.int64()
        if self is ColumnType.DECIMAL:
            return pa.decimal128(DECIMAL_PRECISION, DECIMAL_SCALE)
        return pa.bool_()


_SQL_TYPES = {
    ColumnType.DATE: "DATE",
    ColumnType.TIMESTAMP: "TIMESTAMP",
    ColumnType.STRING: "VARCHAR",
    ColumnType.INTEGER: "BIGINT",
    ColumnType.DECIMAL: f"DECIMAL({DECIMAL_PRECISION}, {DECIMAL_SCALE})",
    ColumnType.BOOLEAN: "BOOLEAN",
}


class TableKind(StrEnum):
    EVENTS = "events"  # additive over time
    SNAPSHOT = "snapshot"  # a stock: take the last value of a period, never the sum
    ENTITY = "entity"  # one row per business object with life-cycle dates


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    description: str
    nullable: bool = False
    values: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    references: str | None = None  # "table.column"


@dataclass(frozen=True)
class Table:
    name: str
    kind: TableKind
    description: str
    grain: str
    time_column: str
    primary_key: tuple[str, ...]
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"table {self.name!r} has no column {name!r}; columns: {', '.join(self.column_names)}")

    def arrow_schema(self) -> pa.Schema:
        """The exact Arrow schema of the table; non-nullable columns are marked so in Parquet too."""
        fields = [pa.field(c.name, c.type.arrow_type(), nullable=c.nullable) for c in self.columns]
        return pa.schema(fields)


@dataclass(frozen=True)
class DataModel:
    version: int
    currency: str
    tables: tuple[Table, ...]

    @property
    def table_names(self) -> tuple[str, ...]:
        return tuple(table.name for table in self.tables)

    def table(self, name: str) -> Table:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(f"unknown table {name!r}; the data model has: {', '.join(self.table_names)}")


_TABLE_KEYS = {"name", "kind", "description", "grain", "time_column", "primary_key", "columns"}
_COLUMN_KEYS = {"name", "type", "description", "nullable", "values", "min", "max", "references"}


class DataModelProblem(ValueError):
    """A data model that does not follow the format; `message` says what, in the reader's language."""

    def __init__(self, message: Message) -> None:
        super().__init__(message)
        self.message = message


def load_datamodel(path: Path | None = None) -> DataModel:
    """Load a data model; without `path`, the standard one shipped with kpilot (loaded once)."""
    if path is None:
        return _standard_datamodel()
    try:
        return parse_datamodel(YAML(typ="safe").load(path.read_text(encoding="utf-8")))
    except DataModelProblem as error:
        problem: Message = error.message
    except (OSError, YAMLError, ValueError) as error:  # the file system's, YAML's or Python's own words
        problem = Message("catalogue.raw_problem", problem=Raw(str(error)))
    raise UserError(Message("catalogue.invalid_datamodel", problem=problem), location=Location(file=str(path)))


@cache
def _standard_datamodel() -> DataModel:
    text = resources.files("kpilot.catalogue").joinpath("datamodel.yaml").read_text(encoding="utf-8")
    try:
        return parse_datamodel(YAML(typ="safe").load(text))
    except (YAMLError, ValueError) as error:
        raise InternalError(f"the shipped datamodel.yaml is invalid: {error}") from error


def parse_datamodel(raw: Any) -> DataModel:
    """Build and check a data model from parsed YAML; raises DataModelProblem (a ValueError) naming the first
    problem."""
    document = _mapping(raw, _DOCUMENT, {"version", "currency", "tables"})
    tables = tuple(_parse_table(item) for item in _list(document.get("tables"), _part(_DOCUMENT, "tables")))
    version, currency = int(document.get("version", 1)), str(document.get("currency", "EUR"))
    model = DataModel(version=version, currency=currency, tables=tables)
    _check_unique(model.table_names, lambda name: Message("catalogue.duplicate_table", table=name))
    _check_references(model)
    return model


# Where a problem is, for its message: the data model, a table, a column of a table, or a key of one of them.
_DOCUMENT = Message("catalogue.place_datamodel")


def _part(place: Message, key: str) -> Message:
    return Message("catalogue.place_key", place=place, key=key)


def _parse_table(raw: Any) -> Table:
    item = _mapping(raw, Message("catalogue.place_a_table"), _TABLE_KEYS)
    name = _text(item, "name", Message("catalogue.place_a_table"))
    where = Message("catalogue.place_table", table=name)
    columns = tuple(_parse_column(c, name) for c in _list(item.get("columns"), _part(where, "columns")))
    table = Table(
        name=name,
        kind=_choice(TableKind, item, "kind", where),
        description=_text(item, "description", where),
        grain=_text(item, "grain", where),
        time_column=_text(item, "time_column", where),
        primary_key=tuple(str(key) for key in _list(item.get("primary_key"), _part(where, "primary_key"))),
        columns=columns,
    )
    _check_unique(table.column_names, lambda column: Message("catalogue.duplicate_column", table=name, column=column))
    for key in (table.time_column, *table.primary_key):
        if key not in table.column_names:
            raise DataModelProblem(Message("catalogue.key_not_a_column", place=where, column=key))
    if not table.column(table.time_column).type.is_temporal:
        raise DataModelProblem(Message("catalogue.time_not_temporal", place=where, column=table.time_column))
    return table


def _parse_column(raw: Any, table: str) -> Column:
    unnamed = Message("catalogue.place_a_column", table=table)
    item = _mapping(raw, unnamed, _COLUMN_KEYS)
    name = _text(item, "name", unnamed)
    here = Message("catalogue.place_column", table=table, column=name)
    column_type = _choice(ColumnType, item, "type", here)
    values = item.get("values")
    if values is not None and column_type is not ColumnType.STRING:
        raise DataModelProblem(Message("catalogue.values_only_on_strings", place=here))
    if ("min" in item or "max" in item) and not column_type.is_numeric:
        raise DataModelProblem(Message("catalogue.min_max_only_on_numbers", place=here))
    return Column(
        name=name,
        type=column_type,
        description=_text(item, "description", here),
        nullable=bool(item.get("nullable", False)),
        values=None if values is None else tuple(str(v) for v in _list(values, _part(here, "values"))),
        minimum=None if item.get("min") is None else float(item["min"]),
        maximum=None if item.get("max") is None else float(item["max"]),
        references=None if item.get("references") is None else str(item["references"]),
    )


def _check_references(model: DataModel) -> None:
    for table in model.tables:
        for column in table.columns:
            if column.references is None:
                continue
            target, _, target_column = column.references.partition(".")
            if target not in model.table_names or target_column not in model.table(target).column_names:
                raise DataModelProblem(
                    Message(
                        "catalogue.unknown_reference",
                        table=table.name,
                        column=column.name,
                        reference=column.references,
                    )
                )


def _mapping(raw: Any, place: Message, allowed: set[str]) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise DataModelProblem(Message("catalogue.not_a_mapping", place=place, kind=type(raw).__name__))
    unknown = tuple(sorted(map(str, set(raw) - allowed)))
    if unknown:
        raise DataModelProblem(Message("catalogue.unknown_keys", place=place, keys=unknown))
    return raw


def _list(raw: Any, place: Message) -> list[Any]:
    if not isinstance(raw, list) or not raw:
        raise DataModelProblem(Message("catalogue.empty_list", place=place))
    return raw


def _text(item: Mapping[str, Any], key: str, place: Message) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise DataModelProblem(Message("catalogue.empty_text", place=place, key=key))
    return value.strip()


_E = TypeVar("_E", bound=StrEnum)


def _choice(kind: type[_E], item: Mapping[str, Any], key: str, place: Message) -> _E:
    value = _text(item, key, place)
    allowed = tuple(member.value for member in kind)
    if value not in allowed:
        raise DataModelProblem(Message("catalogue.not_a_choice", place=place, key=key, value=value, allowed=allowed))
    return kind(value)


def _check_unique(names: tuple[str, ...], duplicate: Callable[[str], Message]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise DataModelProblem(duplicate(name))
        seen.add(name)
