"""The KPI catalogue: standard KPIs over the standard data model, explained in four languages.

`kpis.yaml` holds catalogue sources (data-model tables with shared measures) and KPIs; `texts/<language>.yaml`
holds their explanations. `load_catalogue()` reads both into frozen values. `add_to_workspace()` copies chosen KPIs,
the KPIs they use and the measures they need into `definitions/catalogue.yaml` of a workspace, renaming standard
tables, columns and sources onto the user's own (see `parse_mapping`) and checking the warehouse first.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar, cast

import sqlglot
from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString
from sqlglot import exp

from kpilot.catalogue.datamodel import load_datamodel
from kpilot.definitions.base import NAME_PATTERN, Identifier
from kpilot.definitions.editing import dump, new_problems, read_document, write_atomically
from kpilot.definitions.loader import DEFINITIONS_DIR, SETTINGS_FILE, load_definitions
from kpilot.definitions.model import Definitions, Kpi, Measure, Source
from kpilot.definitions.yaml_source import plain, read_yaml
from kpilot.errors import InternalError, Issue, KpilotError, UserError
from kpilot.formula.ast import Name
from kpilot.formula.check import names_in, suggestion
from kpilot.formula.lexer import KEYWORDS
from kpilot.formula.parser import parse
from kpilot.semantic.validate import static_issues

LANGUAGES = ("en", "it", "pl", "zh")
TEXT_FIELDS = ("label", "what", "why", "how")
VARIANT_FIELD = "variants"
CATEGORIES = ("marketing", "sales", "service", "website", "finance", "hr", "operations")
CATALOGUE_FILE = "catalogue.yaml"
_T = TypeVar("_T")
_FILE_HEADER = (
    "KPI definitions added from the kpilot catalogue (`kpilot catalogue add`).\n"
    "Later adds merge into this file by name: entries already here, and your edits to them, are kept.\n"
)


class CatalogueError(UserError):
    """A catalogue request cannot be served: unknown KPI, bad mapping, missing data, name clash."""


# ---------------------------------------------------------------------------------------------------- values


@dataclass(frozen=True)
class KpiText:
    """A KPI explained in one language; `variants` only for KPIs that have alternative definitions."""

    label: str
    what: str
    why: str
    how: str
    variants: str | None = None


class _Entry(Kpi):
    """A KPI as written in kpis.yaml: a workspace KPI plus catalogue-only fields."""

    variant_of: Identifier | None = None
    breakdown: Identifier | None = None


@dataclass(frozen=True)
class CatalogueKpi:
    """One catalogue KPI: its definition, texts, and what its formula refers to directly."""

    definition: Kpi
    texts: Mapping[str, KpiText]
    measures: tuple[tuple[str, str], ...]  # (source, measure) named in the formula
    uses: tuple[str, ...]  # other KPIs named in the formula
    variant_of: str | None = None
    variants: tuple[str, ...] = ()
    breakdown: str | None = None

    @property
    def name(self) -> str:
        return self.definition.name

    @property
    def formula(self) -> str:
        return self.definition.formula

    @property
    def category(self) -> str:
        return self.definition.category or ""

    @property
    def unit(self) -> str:
        return self.definition.unit.value

    @property
    def direction(self) -> str:
        return self.definition.direction.value

    def text(self, language: str = "en") -> KpiText:
        if language not in self.texts:
            raise CatalogueError(f"unknown language '{language}'", hint=f"use one of: {', '.join(LANGUAGES)}")
        return self.texts[language]


@dataclass(frozen=True)
class Catalogue:
    """Every catalogue source and KPI, in file order."""

    sources: tuple[Source, ...]
    entries: tuple[CatalogueKpi, ...]
    _by_name: Mapping[str, CatalogueKpi] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", MappingProxyType({e.name: e for e in self.entries}))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._by_name)

    def kpi(self, name: str) -> CatalogueKpi:
        entry = self._by_name.get(name)
        if entry is None:
            hint = suggestion(name, self._by_name) or "see `kpilot catalogue list`"
            raise CatalogueError(f"the catalogue has no KPI '{name}'", hint=hint)
        return entry

    def kpis(self, category: str | None = None) -> tuple[CatalogueKpi, ...]:
        if category is not None and category not in CATEGORIES:
            raise CatalogueError(f"unknown category '{category}'", hint=f"use one of: {', '.join(CATEGORIES)}")
        return tuple(e for e in self.entries if category is None or e.category == category)

    def source(self, name: str) -> Source:
        found = next((s for s in self.sources if s.name == name), None)
        if found is None:
            raise InternalError(f"catalogue source '{name}' is not defined")
        return found

    def closure(self, names: Iterable[str]) -> tuple[CatalogueKpi, ...]:
        """The KPIs named plus every KPI their formulas use, in catalogue order."""
        wanted: set[str] = set()
        stack = [self.kpi(name).name for name in names]
        while stack:
            name = stack.pop()
            if name not in wanted:
                wanted.add(name)
                stack.extend(self.kpi(name).uses)
        return tuple(e for e in self.entries if e.name in wanted)


# ---------------------------------------------------------------------------------------------------- loading


@cache
def load_catalogue() -> Catalogue:
    """The catalogue shipped with kpilot (read once)."""
    package = resources.files("kpilot.catalogue")
    try:
        raw = _yaml_safe(package.joinpath("kpis.yaml").read_text(encoding="utf-8"))
        texts = {lang: _yaml_safe(package.joinpath(f"texts/{lang}.yaml").read_text("utf-8")) for lang in LANGUAGES}
        return build_catalogue(raw, texts)
    except (KpilotError, ValidationError, ValueError, OSError) as error:
        raise InternalError(f"the shipped KPI catalogue is invalid: {error}") from error


def build_catalogue(raw: Any, texts: Mapping[str, Any]) -> Catalogue:
    """Check and assemble catalogue data; raises ValueError (or pydantic's) naming the first problem."""
    sources = tuple(Source.model_validate(item) for item in raw["sources"])
    entries = [_Entry.model_validate(item) for item in raw["kpis"]]
    variants: dict[str, list[str]] = {}
    for entry in entries:
        if entry.variant_of is not None:
            variants.setdefault(entry.variant_of, []).append(entry.name)
    measures = {(s.name, m.name) for s in sources for m in s.measures}
    names = {e.name for e in entries}
    variant_names = {e.name for e in entries if e.variant_of is not None}
    result = []
    for entry in entries:
        refs, uses = formula_references(entry.formula)
        unknown = [f"measure {s}.{m}" for s, m in refs if (s, m) not in measures]
        unknown += [f"KPI {u}" for u in uses if u not in names]
        if entry.variant_of is not None and (entry.variant_of not in names or entry.variant_of in variant_names):
            unknown.append(f"main KPI {entry.variant_of} (variant_of must name a KPI that is not a variant)")
        if unknown:
            raise ValueError(f"KPI '{entry.name}' refers to unknown {', '.join(unknown)}")
        has_variants = entry.variant_of is not None or entry.name in variants
        result.append(
            CatalogueKpi(
                definition=Kpi.model_validate(entry.model_dump(exclude={"variant_of", "breakdown"})),
                texts=MappingProxyType({lang: _text(texts[lang], entry.name, has_variants) for lang in LANGUAGES}),
                measures=refs,
                uses=uses,
                variant_of=entry.variant_of,
                variants=tuple(variants.get(entry.name, ())),
                breakdown=entry.breakdown,
            )
        )
    return Catalogue(sources=sources, entries=tuple(result))


def _text(texts: Any, name: str, has_variants: bool) -> KpiText:
    item = texts.get(name) if isinstance(texts, dict) else None
    if not isinstance(item, dict):
        raise ValueError(f"no texts for KPI '{name}'")
    fields = [*TEXT_FIELDS, VARIANT_FIELD] if has_variants else list(TEXT_FIELDS)
    if set(item) != set(fields) or not all(isinstance(item[f], str) and item[f].strip() for f in fields):
        raise ValueError(f"texts of KPI '{name}' need exactly these non-empty fields: {', '.join(fields)}")
    return KpiText(**{key: str(value).strip() for key, value in item.items()})


def formula_references(formula: str) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """(source, measure) pairs and KPI names used by a catalogue formula (measures are always qualified)."""
    measures: dict[tuple[str, str], None] = {}
    kpis: dict[str, None] = {}
    for node in names_in(parse(formula)):
        if len(node.parts) == 2:
            measures[(node.parts[0], node.parts[1])] = None
        else:
            kpis[node.dotted] = None
    return tuple(measures), tuple(kpis)


def _yaml_safe(text: str) -> Any:
    return YAML(typ="safe").load(text)


# ---------------------------------------------------------------------------------------------------- mapping


@dataclass(frozen=True)
class NameMap:
    """Standard names mapped onto the user's: tables, columns (per standard table) and catalogue sources."""

    tables: Mapping[str, str] = field(default_factory=dict)
    columns: Mapping[tuple[str, str], str] = field(default_factory=dict)
    sources: Mapping[str, str] = field(default_factory=dict)

    def table(self, standard: str) -> str:
        return self.tables.get(standard, standard)

    def columns_of(self, standard_table: str) -> dict[str, str]:
        return {col: new for (table, col), new in self.columns.items() if table == standard_table}

    def source(self, standard: str) -> str:
        return self.sources.get(standard, standard)


MAPPING_HINT = (
    "write TABLE=YOUR_TABLE, TABLE.COLUMN=YOUR_COLUMN, TABLE.COLUMN=YOUR_TABLE.YOUR_COLUMN or source:NAME=NEW"
)


def parse_mapping(mapping: Mapping[str, str]) -> NameMap:
    """Read `{key: value}` pairs (the CLI's `--map key=value`):

    - `orders=shop_orders` or `table:orders=shop_orders`: the standard table `orders` is the user's `shop_orders`;
    - `orders.amount=total`: column `amount` of the standard `orders` table is the user's column `total`;
    - `orders.amount=sales.total`: both at once (table `orders` is `sales`, its `amount` is `total`);
    - `source:orders=shop_orders`: write the catalogue source `orders` under the name `shop_orders`.
    """
    model = load_datamodel()
    known_sources = {s.name for s in load_catalogue().sources}
    tables: dict[str, str] = {}
    columns: dict[tuple[str, str], str] = {}
    sources: dict[str, str] = {}
    for raw_key, raw_value in mapping.items():
        key, value = raw_key.strip(), raw_value.strip()
        kind, _, name = key.rpartition(":")
        if kind == "source":
            _check_choice(name, known_sources, "catalogue source", key)
            sources[name] = _identifier(value, key)
        elif kind in ("", "table") and "." not in name:
            _check_choice(name, model.table_names, "data-model table", key)
            _set_table(tables, name, _table_name(value, key), key)
        elif kind == "" and name.count(".") == 1:
            table, column = name.split(".")
            _check_choice(table, model.table_names, "data-model table", key)
            _check_choice(column, model.table(table).column_names, f"column of table '{table}'", key)
            user_table, _, user_column = value.rpartition(".")
            if user_table:
                _set_table(tables, table, _table_name(user_table, key), key)
            columns[(table, column)] = _identifier(user_column, key)
        else:
            raise CatalogueError(f"cannot read the mapping '{key}={value}'", hint=MAPPING_HINT)
    return NameMap(tables=tables, columns=columns, sources=sources)


def split_mapping(items: Sequence[str]) -> dict[str, str]:
    """`["a=b", "c.d=e.f"]` as a dict; a repeated key keeps the last value."""
    result: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise CatalogueError(f"cannot read the mapping '{item}'", hint=MAPPING_HINT)
        result[key.strip()] = value.strip()
    return result


def _check_choice(name: str, allowed: Iterable[str], what: str, key: str) -> None:
    allowed = list(allowed)
    if name not in allowed:
        hint = suggestion(name, allowed) or f"known: {', '.join(allowed)}"
        raise CatalogueError(f"mapping '{key}': '{name}' is not a {what}", hint=hint)


def _identifier(value: str, key: str) -> str:
    if not re.fullmatch(NAME_PATTERN, value) or value.lower() in KEYWORDS:
        raise CatalogueError(
            f"mapping '{key}': '{value}' is not a plain name",
            hint="use letters, digits and '_', starting with a letter (rename the column in the warehouse otherwise)",
        )
    return value


def _table_name(value: str, key: str) -> str:
    parts = value.split(".")
    if len(parts) > 2:
        raise CatalogueError(f"mapping '{key}': '{value}' is not a table name", hint="write TABLE or SCHEMA.TABLE")
    return ".".join(_identifier(part, key) for part in parts)


def _set_table(tables: dict[str, str], standard: str, user: str, key: str) -> None:
    if tables.get(standard, user) != user:
        raise CatalogueError(f"mapping '{key}': table '{standard}' is mapped to both '{tables[standard]}' and '{user}'")
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


# ---------------------------------------------------------------------------------------------------- adding


@dataclass(frozen=True)
class AddReport:
    """What `add_to_workspace` did; nothing is written when `changed` is false."""

    path: Path
    added: tuple[str, ...]  # KPIs written now (requested ones and the KPIs they use)
    dependencies: tuple[str, ...]  # the subset of `added` that was not requested
    present: tuple[str, ...]  # KPIs already in the file, left as they were
    sources_added: tuple[str, ...]
    sources_extended: tuple[str, ...]  # existing sources that got new measures or dimensions
    dimensions_skipped: tuple[str, ...]  # "source.dimension": its column is not in the user's table
    checked: bool  # whether tables and columns were checked against the warehouse
    notes: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.added or self.sources_added or self.sources_extended)


TableColumns = Callable[[str], Mapping[str, str] | None]


def add_to_workspace(
    workspace_dir: str | Path,
    kpi_names: Sequence[str],
    mapping: Mapping[str, str] | None = None,
    *,
    check: bool = True,
) -> AddReport:
    """Copy catalogue KPIs (and what they need) into `workspace_dir/definitions/catalogue.yaml`.

    Refuses, writing nothing, when a KPI is unknown, the mapping is wrong, a name clashes with another definitions
    file, or (when the workspace's warehouse is available and `check` is true) a needed table or column is missing.
    """
    catalogue = load_catalogue()
    if not kpi_names:
        raise CatalogueError("name at least one KPI to add", hint="see `kpilot catalogue list`, or use --all")
    root = Path(workspace_dir)
    names = parse_mapping(mapping or {})
    chosen = catalogue.closure(kpi_names)
    requested = {catalogue.kpi(n).name for n in kpi_names}
    path = root / DEFINITIONS_DIR / CATALOGUE_FILE
    document = read_document(path, _FILE_HEADER, "the catalogue cannot merge into it")
    elsewhere = _names_elsewhere(root / DEFINITIONS_DIR)
    with _warehouse(root, check) as (columns, language, notes):
        plan = _Plan(catalogue, names, document, elsewhere, columns, notes)
        for entry in chosen:
            plan.add_kpi(entry, language)
    _validate(document, path)
    _check_whole_workspace(root, document, path)
    report = AddReport(
        path=path,
        added=tuple(plan.added),
        dependencies=tuple(n for n in plan.added if n not in requested),
        present=tuple(plan.present),
        sources_added=tuple(plan.sources_added),
        sources_extended=tuple(s for s in plan.sources_extended if s not in plan.sources_added),
        dimensions_skipped=tuple(plan.skipped),
        checked=columns is not None,
        notes=tuple(notes),
    )
    if report.changed:
        write_atomically(path, dump(document))
    return report


@contextmanager
def _warehouse(root: Path, check: bool) -> Iterator[tuple[TableColumns | None, str, list[str]]]:
    """How to read the user's table columns (None: do not check), the workspace language, and notes."""
    if not (root / SETTINGS_FILE).is_file():
        yield None, "en", [f"{root} is not a kpilot workspace (no {SETTINGS_FILE}): columns were not checked"]
        return
    from kpilot.workspace import Workspace  # the engine is heavy: import it only when adding

    try:
        workspace = Workspace(root)
    except UserError as error:
        yield None, "en", [f"the workspace could not be opened, columns were not checked: {error.message}"]
        return
    with workspace:
        if not check:
            yield None, workspace.settings.language, ["columns were not checked (--no-check)"]
            return
        cache: dict[str, Mapping[str, str] | None] = {}

        def columns(table: str) -> Mapping[str, str] | None:
            if table not in cache:
                cache[table] = workspace.table_columns(table)
            return cache[table]

        yield columns, workspace.settings.language, []


class _Plan:
    """Builds the merged catalogue.yaml document in place, collecting what changed."""

    def __init__(
        self,
        catalogue: Catalogue,
        names: NameMap,
        document: CommentedMap,
        elsewhere: Mapping[str, str],
        columns: TableColumns | None,
        notes: list[str],
    ) -> None:
        self.catalogue, self.names, self.document = catalogue, names, document
        _list_at(document, "sources")
        _list_at(document, "kpis")
        self.elsewhere, self.columns, self.notes = elsewhere, columns, notes
        self.added: list[str] = []
        self.present: list[str] = []
        self.sources_added: list[str] = []
        self.sources_extended: list[str] = []
        self.skipped: list[str] = []

    def add_kpi(self, entry: CatalogueKpi, language: str) -> None:
        kpis = _list_at(self.document, "kpis")
        if _find(kpis, entry.name) is not None:
            self.present.append(entry.name)
            return
        self._refuse_clash(f"kpi:{entry.name}", f"KPI '{entry.name}'", "rename or remove it there first")
        by_source: dict[str, list[str]] = {}
        for source, measure in entry.measures:
            by_source.setdefault(source, []).append(measure)
        for source, measures in by_source.items():
            self._add_measures(self.catalogue.source(source), measures, entry.name)
        kpis.append(_kpi_node(entry, self.names, language))
        self.added.append(entry.name)

    def _refuse_clash(self, key: str, what: str, hint: str) -> None:
        if key in self.elsewhere:
            raise CatalogueError(f"{what} is already defined in {self.elsewhere[key]}", hint=hint)

    def _add_measures(self, source: Source, measures: list[str], kpi: str) -> None:
        name = self.names.source(source.name)
        sources = _list_at(self.document, "sources")
        node = _find(sources, name)
        if node is None:
            hint = f"write the catalogue's source under another name: --map source:{source.name}=NEW_NAME"
            self._refuse_clash(f"source:{name}", f"source '{name}'", hint)
            node = _source_node(source, name, self.names)
            if source.sql is not None:
                self._check_sql(source, kpi)
            sources.append(node)
            self.sources_added.append(name)
        elif source.table is not None and source.table in self.names.tables:
            mapped = self.names.table(source.table)
            if node.get("table") != mapped:
                raise CatalogueError(
                    f"source '{name}' in {CATALOGUE_FILE} reads table '{node.get('table')}', but the mapping says "
                    f"'{mapped}'",
                    hint=f"edit or remove it there first, or add under a new name: --map source:{source.name}=NEW",
                )
        self._extend(node, source, measures, kpi, new=name in self.sources_added)

    def _extend(self, node: CommentedMap, source: Source, measures: list[str], kpi: str, *, new: bool) -> None:
        standard = source.table
        renames = self.names.columns_of(standard) if standard is not None else {}
        available = None
        if standard is not None and self.columns is not None:
            available = self._table_columns(str(node.get("table")), standard, kpi)
            if new and available is not None and isinstance(node.get("time"), str):
                self._require({node["time"]}, available, standard, kpi, f"the time of source '{node['name']}'")
        existing = _list_at(node, "measures")
        changed = False
        for measure_name in measures:
            measure = source.measure(measure_name)
            if measure is None or _find(existing, measure_name) is not None:
                continue
            item = _measure_node(measure, renames)
            if available is not None and standard is not None:
                needed = set().union(*(columns_in(str(item[k])) for k in ("expr", "filter") if k in item))
                self._require(needed, available, standard, kpi, f"measure {node['name']}.{measure_name}")
            existing.append(item)
            changed = True
        changed |= self._add_dimensions(node, source, renames, available)
        if changed and not new and node["name"] not in self.sources_extended:
            self.sources_extended.append(str(node["name"]))

    def _table_columns(self, table: str, standard: str, kpi: str) -> Mapping[str, str] | None:
        assert self.columns is not None
        if "." in table:
            self.notes.append(f"table '{table}' is in another schema: its columns were not checked")
            return None
        found = self.columns(table)
        if found is None:
            raise CatalogueError(
                f"KPI '{kpi}' needs table '{table}' (standard table '{standard}'), which is not in the warehouse",
                hint=f"load it with `kpilot ingest`, or map your own table: --map {standard}=YOUR_TABLE",
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
                self._require(user, available, standard, kpi, f"source '{self.names.source(source.name)}'")

    def _require(self, needed: set[str], available: Mapping[str, str], standard: str, kpi: str, user: str) -> None:
        missing = sorted(needed - set(available))
        if not missing:
            return
        column, table = missing[0], self.names.table(standard)
        renames = self.names.columns_of(standard)
        original = next((std for std, mine in renames.items() if mine == column), column)
        close = difflib.get_close_matches(column, list(available), n=1)
        guess = f"did you mean '{close[0]}'? " if close else ""
        raise CatalogueError(
            f"KPI '{kpi}' needs column '{column}' in table '{table}' (for {user}), but the table has no such column",
            hint=f"{guess}map your column: --map {standard}.{original}=YOUR_COLUMN "
            f"(columns of '{table}': {', '.join(sorted(available))})",
        )

    def _add_dimensions(
        self, node: CommentedMap, source: Source, renames: Mapping[str, str], available: Mapping[str, str] | None
    ) -> bool:
        dimensions = _list_at(node, "dimensions", flow=True)
        have = {d if isinstance(d, str) else d.get("name") for d in dimensions}
        changed = False
        for dimension in source.dimensions:
            if dimension.name in have:
                continue
            expr = rename_columns(dimension.expression, renames)
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


def _measure_node(measure: Measure, renames: Mapping[str, str]) -> CommentedMap:
    item = _map(name=measure.name, agg=measure.agg.value)
    for key in ("expr", "filter"):
        value = getattr(measure, key)
        if value is not None:
            item[key] = rename_columns(value, renames)
    if measure.fraction is not None:
        item["fraction"] = measure.fraction
    return _flow(item)


def _kpi_node(entry: CatalogueKpi, names: NameMap, language: str) -> CommentedMap:
    kpi = entry.definition
    text = entry.text(language)
    formula = _rename_sources(kpi.formula, names)
    node = _map(name=kpi.name, formula=formula, label=text.label, description=text.what)
    node.update(unit=kpi.unit.value, direction=kpi.direction.value)
    for key in ("grain", "level", "category", "tier", "indicator", "nature"):
        if getattr(kpi, key) is not None:
            node[key] = getattr(kpi, key)
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
        raise CatalogueError(
            f"'{key}' of {node.get('name', 'the catalogue file')} must be a list; nothing was written",
            hint=f"fix {CATALOGUE_FILE} (kpilot validate shows where), then add again",
        )
    return value


def _names_elsewhere(folder: Path) -> dict[str, str]:
    """`source:NAME` and `kpi:NAME` defined in the other definitions files -> the file."""
    found: dict[str, str] = {}
    paths = sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]) if folder.is_dir() else []
    for path in (p for p in paths if p.name != CATALOGUE_FILE):
        parsed = read_yaml(path, f"{DEFINITIONS_DIR}/{path.name}")
        root = getattr(parsed, "root", None)
        if not isinstance(root, dict):
            continue
        for key, kind in (("sources", "source"), ("kpis", "kpi")):
            for item in root.get(key) or []:
                if isinstance(item, dict) and isinstance(item.get("name"), str):
                    found.setdefault(f"{kind}:{item['name']}", f"{DEFINITIONS_DIR}/{path.name}")
    return found


def _validate(document: CommentedMap, path: Path) -> None:
    data = plain(document)
    try:
        Definitions.model_validate({"sources": data.get("sources", []), "kpis": data.get("kpis", [])})
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        raise CatalogueError(
            f"{path} would not be valid after the merge ({where}: {first.get('msg')}); nothing was written",
            hint="fix the entry there (kpilot validate shows where), then add again",
        ) from None


def _check_whole_workspace(root: Path, document: CommentedMap, path: Path) -> None:
    """Refuse an add that would break the workspace's own definitions, e.g. a catalogue measure that makes a bare
    name in the user's KPIs ambiguous."""
    new = new_problems(root, path.name, dump(document), _static_problems)
    if new:
        listed = "; ".join(f"{issue.location}: {issue.message}" for issue in new[:3])
        raise CatalogueError(
            f"adding these KPIs would break definitions already in the workspace ({listed}); nothing was written",
            hint="qualify the names in your formulas as source.measure, or add with --map source:NAME=OTHER",
        )


def _static_problems(root: Path) -> list[Issue]:
    definitions, issues = load_definitions(root)
    return [*issues, *static_issues(definitions)]
