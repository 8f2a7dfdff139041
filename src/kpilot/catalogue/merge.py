"""Merging catalogue KPIs into a workspace's `definitions/catalogue.yaml` document: each KPI with the sources,
measures and dimensions it needs, renamed onto the user's names, and the user's tables and columns checked against
the warehouse when that is possible. Used by `add.add_to_workspace()`, which reads and writes the file."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar, cast

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from kpilot.catalogue.catalogue import Catalogue, CatalogueError, CatalogueKpi
from kpilot.catalogue.mapping import (
    NameMap,
    columns_in,
    rename_columns,
    rename_names,
    rename_sql,
    rename_values,
    sql_columns,
)
from kpilot.definitions.model import Measure, Source
from kpilot.formula.ast import Name
from kpilot.formula.literals import compared_values
from kpilot.formula.parser import parse
from kpilot.i18n import Message

CATALOGUE_FILE = "catalogue.yaml"
_T = TypeVar("_T")


TableColumns = Callable[[str], Mapping[str, str] | None]
# (table, column, values) -> the values among them that occur in no row, and the column's most frequent values
# with their row counts; None when the values cannot be looked up (the column is not text, say).
ValueLookup = Callable[[str, str, frozenset[str]], tuple[frozenset[str], Sequence[tuple[str, int]]] | None]


class Plan:
    """Builds the merged catalogue.yaml document in place, collecting what changed."""

    def __init__(
        self,
        catalogue: Catalogue,
        names: NameMap,
        document: CommentedMap,
        elsewhere: Mapping[str, str],
        columns: TableColumns | None,
        notes: list[Message],
        values: ValueLookup | None = None,
    ) -> None:
        self.catalogue, self.names, self.document = catalogue, names, document
        _list_at(document, "sources")
        _list_at(document, "kpis")
        self.elsewhere, self.columns, self.notes, self.values = elsewhere, columns, notes, values
        self.added: list[str] = []
        self.present: list[str] = []
        self.sources_added: list[str] = []
        self.sources_extended: list[str] = []
        self.skipped: list[str] = []
        self._values_checked: dict[tuple[str, str], set[str]] = {}

    def add_kpi(self, entry: CatalogueKpi, language: str) -> None:
        kpis = _list_at(self.document, "kpis")
        if _find(kpis, entry.name) is not None:
            self.present.append(entry.name)
            return
        self._refuse_clash(
            f"kpi:{entry.name}", Message("catalogue.kpi_named", kpi=entry.name), Message("catalogue.rename_it_hint")
        )
        by_source: dict[str, list[str]] = {}
        for source, measure in entry.measures:
            by_source.setdefault(source, []).append(measure)
        for source, measures in by_source.items():
            self._add_measures(self.catalogue.source(source), measures, entry.name)
        kpis.append(_kpi_node(entry, self.names, language))
        self.added.append(entry.name)

    def _refuse_clash(self, key: str, what: Message, hint: Message) -> None:
        if key in self.elsewhere:
            raise CatalogueError(Message("catalogue.already_defined", what=what, file=self.elsewhere[key]), hint=hint)

    def _add_measures(self, source: Source, measures: list[str], kpi: str) -> None:
        name = self.names.source(source.name)
        sources = _list_at(self.document, "sources")
        node = _find(sources, name)
        if node is None:
            hint = Message("catalogue.source_clash_hint", mapping=f"source:{source.name}=NEW_NAME")
            self._refuse_clash(f"source:{name}", Message("catalogue.source_named", source=name), hint)
            node = _source_node(source, name, self.names)
            if source.sql is not None:
                self._check_sql(source, kpi)
            sources.append(node)
            self.sources_added.append(name)
        elif source.table is not None and source.table in self.names.tables:
            mapped = self.names.table(source.table)
            if node.get("table") != mapped:
                raise CatalogueError(
                    Message(
                        "catalogue.source_reads_other_table",
                        source=name,
                        file=CATALOGUE_FILE,
                        table=str(node.get("table")),
                        mapped=mapped,
                    ),
                    hint=Message("catalogue.source_reads_other_table_hint", mapping=f"source:{source.name}=NEW"),
                    field="mapping",
                )
        self._extend(node, source, measures, kpi, new=name in self.sources_added)

    def _extend(self, node: CommentedMap, source: Source, measures: list[str], kpi: str, *, new: bool) -> None:
        standard = source.table
        renames = self.names.columns_of(standard) if standard is not None else {}
        values = self.names.values_of(standard) if standard is not None else {}
        available = None
        if standard is not None and self.columns is not None:
            available = self._table_columns(str(node.get("table")), standard, kpi)
            if new and available is not None and isinstance(node.get("time"), str):
                what = Message("catalogue.time_of_source", source=str(node["name"]))
                self._require({node["time"]}, available, standard, kpi, what)
        existing = _list_at(node, "measures")
        changed = False
        for measure_name in measures:
            measure = source.measure(measure_name)
            if measure is None or _find(existing, measure_name) is not None:
                continue
            item = _measure_node(measure, renames, values)
            if available is not None and standard is not None:
                needed = set().union(*(columns_in(str(item[k])) for k in ("expr", "filter") if k in item))
                what = Message("catalogue.measure_named", source=str(node["name"]), measure=measure_name)
                self._require(needed, available, standard, kpi, what)
                if "filter" in item:
                    self._check_values(str(node.get("table")), standard, str(item["filter"]), available)
            existing.append(item)
            changed = True
        changed |= self._add_dimensions(node, source, renames, values, available)
        if changed and not new and node["name"] not in self.sources_extended:
            self.sources_extended.append(str(node["name"]))

    def _table_columns(self, table: str, standard: str, kpi: str) -> Mapping[str, str] | None:
        assert self.columns is not None
        if "." in table:
            self.notes.append(Message("catalogue.other_schema_not_checked", table=table))
            return None
        found = self.columns(table)
        if found is None:
            raise CatalogueError(
                Message("catalogue.table_not_in_warehouse", kpi=kpi, table=table, standard=standard),
                hint=Message("catalogue.table_not_in_warehouse_hint", mapping=f"{standard}=YOUR_TABLE"),
            )
        return found

    def _check_sql(self, source: Source, kpi: str) -> None:
        assert source.sql is not None
        if self.columns is None:
            return
        for standard, needed in sql_columns(source.sql).items():
            available = self._table_columns(self.names.table(standard), standard, kpi)
            if available is not None:
                renames = self.names.columns_of(standard)
                user = {renames.get(column, column) for column in needed}
                what = Message("catalogue.source_named", source=self.names.source(source.name))
                self._require(user, available, standard, kpi, what)

    def _require(self, needed: set[str], available: Mapping[str, str], standard: str, kpi: str, user: Message) -> None:
        """Refuse a KPI whose `user` (a measure, a source's time) reads a column the user's table lacks."""
        missing = sorted(needed - set(available))
        if not missing:
            return
        column, table = missing[0], self.names.table(standard)
        renames = self.names.columns_of(standard)
        original = next((std for std, mine in renames.items() if mine == column), column)
        close = tuple(difflib.get_close_matches(column, list(available), n=1))
        columns = tuple(sorted(available))
        mapping = f"{standard}.{original}=YOUR_COLUMN"
        if close:
            hint = Message(
                "catalogue.map_column_guess_hint", name=close[0], mapping=mapping, table=table, columns=columns
            )
        else:
            hint = Message("catalogue.map_column_hint", mapping=mapping, table=table, columns=columns)
        raise CatalogueError(
            Message("catalogue.column_missing", kpi=kpi, column=column, table=table, user=user),
            hint=hint,
            suggestions=close or columns,
        )

    def _check_values(self, table: str, standard: str, text: str, available: Mapping[str, str]) -> None:
        """A note for each text value a filter compares a column with that occurs in no row of the user's table,
        with the values found there and the mapping that would fix it (once per table, column and value)."""
        if self.values is None:
            return
        wanted: dict[str, set[str]] = {}
        for compared in compared_values(parse(text)):
            if compared.column in available:
                wanted.setdefault(compared.column, set()).add(compared.literal.value)
        renames = self.names.columns_of(standard)
        for column, values in sorted(wanted.items()):
            key = (table, column)
            if key in self._values_checked:
                values -= self._values_checked[key]
            self._values_checked.setdefault(key, set()).update(values)
            found = self.values(table, column, frozenset(values)) if values else None
            if found is None:
                continue
            missing, frequent = found
            original = next((std for std, mine in renames.items() if mine == column), column)
            shown = tuple(Message("catalogue.value_with_rows", value=value, count=rows) for value, rows in frequent)
            for value in sorted(missing):
                standard_value = next(
                    (std for (col, std), mine in self.names.values_of(standard).items() if mine == value), value
                )
                self.notes.append(
                    Message(
                        "catalogue.value_never_held",
                        column=column,
                        table=table,
                        value=value,
                        values=shown,
                        mapping=f"{standard}.{original}.{standard_value}=YOUR_VALUE",
                    )
                )

    def _add_dimensions(
        self,
        node: CommentedMap,
        source: Source,
        renames: Mapping[str, str],
        values: Mapping[tuple[str, str], str],
        available: Mapping[str, str] | None,
    ) -> bool:
        dimensions = _list_at(node, "dimensions", flow=True)
        have = {d if isinstance(d, str) else d.get("name") for d in dimensions}
        changed = False
        for dimension in source.dimensions:
            if dimension.name in have:
                continue
            expr = rename_columns(rename_values(dimension.expression, values), renames)
            if available is not None and not columns_in(expr) <= set(available):
                self.skipped.append(f"{node['name']}.{dimension.name}")
                continue
            dimensions.append(dimension.name if expr == dimension.name else _flow(_map(name=dimension.name, expr=expr)))
            changed = True
        return changed


def _source_node(source: Source, name: str, names: NameMap) -> CommentedMap:
    node = _map(name=name)
    if source.table is not None:
        node["table"] = names.table(source.table)
    else:
        assert source.sql is not None
        node["sql"] = LiteralScalarString(rename_sql(source.sql, names) + "\n")
    renames = names.columns_of(source.table) if source.table is not None else {}
    if source.time is not None:
        node["time"] = renames.get(source.time, source.time)
    if source.description:
        node["description"] = source.description
    node["dimensions"] = _flow(CommentedSeq())
    node["measures"] = CommentedSeq()
    return node


def _measure_node(measure: Measure, renames: Mapping[str, str], values: Mapping[tuple[str, str], str]) -> CommentedMap:
    item = _map(name=measure.name, agg=measure.agg.value)
    for key in ("expr", "filter"):
        text = getattr(measure, key)
        if text is not None:
            item[key] = rename_columns(rename_values(text, values), renames)
    if measure.fraction is not None:
        item["fraction"] = measure.fraction
    return _flow(item)


def _kpi_node(entry: CatalogueKpi, names: NameMap, language: str) -> CommentedMap:
    kpi = entry.definition
    text = entry.text(language)
    formula = _rename_sources(kpi.formula, names)
    node = _map(name=kpi.name, formula=formula, label=text.label, description=text.what)
    node.update(unit=kpi.unit.value)
    if kpi.time_unit is not None:
        node["time_unit"] = kpi.time_unit.value
    node["direction"] = kpi.direction.value
    for key in ("grain", "level", "category", "tier", "indicator", "nature"):
        if getattr(kpi, key) is not None:
            node[key] = getattr(kpi, key)
    if kpi.mature_after is not None:
        node["mature_after"] = f"{kpi.mature_after} days"
    if entry.breakdown:
        node["tags"] = _flow(CommentedSeq([f"breakdown:{entry.breakdown}"]))
    return node


def _rename_sources(formula: str, names: NameMap) -> str:
    def rename(node: Name) -> str | None:
        if len(node.parts) == 2 and node.parts[0] in names.sources:
            return f"{names.source(node.parts[0])}.{node.parts[1]}"
        return None

    return rename_names(formula, rename)


def _map(**items: Any) -> CommentedMap:
    node = CommentedMap()
    node.update(items)
    return node


def _flow(node: _T) -> _T:
    """Write a YAML mapping or list on one line."""
    cast(Any, node).fa.set_flow_style()
    return node


def _find(items: Any, name: str) -> CommentedMap | None:
    if not isinstance(items, list):
        return None
    return next((i for i in items if isinstance(i, CommentedMap) and i.get("name") == name), None)


def _list_at(node: CommentedMap, key: str, *, flow: bool = False) -> CommentedSeq:
    """The list under `key`, created when absent or empty."""
    value = node.get(key)
    if value is None:
        value = node[key] = _flow(CommentedSeq()) if flow else CommentedSeq()
    if not isinstance(value, CommentedSeq):
        owner = node.get("name")
        where = (
            Message("catalogue.key_of_entry", key=key, name=str(owner))
            if owner
            else Message("catalogue.key_of_file", key=key)
        )
        raise CatalogueError(
            Message("catalogue.not_a_list", what=where), hint=Message("catalogue.fix_file_hint", file=CATALOGUE_FILE)
        )
    return value
