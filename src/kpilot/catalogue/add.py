"""Adding catalogue KPIs to a workspace: `add_to_workspace()` copies chosen KPIs, the KPIs they use and the measures
they need into `definitions/catalogue.yaml` of a workspace, renaming standard tables, columns and sources onto the
user's own (see `mapping.parse_mapping`) and checking the warehouse first. It writes nothing when the merged file, or
the workspace's own definitions with it, would not be valid.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError
from ruamel.yaml.comments import CommentedMap

from kpilot.catalogue.catalogue import Catalogue, CatalogueError, CatalogueKpi, load_catalogue
from kpilot.catalogue.mapping import NameMap, parse_mapping
from kpilot.catalogue.merge import CATALOGUE_FILE, Plan, TableColumns, ValueLookup
from kpilot.definitions.editing import dump, editing_lock, new_problems, read_document, write_atomically
from kpilot.definitions.loader import DEFINITIONS_DIR, SETTINGS_FILE, load_definitions
from kpilot.definitions.model import Definitions
from kpilot.definitions.problems import problem_of
from kpilot.definitions.yaml_source import plain, read_yaml
from kpilot.errors import Issue, UserError
from kpilot.i18n import Message
from kpilot.semantic.validate import static_issues

_FILE_HEADER = (
    "KPI definitions added from the kpilot catalogue (`kpilot catalogue add`).\n"
    "Later adds merge into this file by name: entries already here, and your edits to them, are kept.\n"
)


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
    notes: tuple[Message, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.added or self.sources_added or self.sources_extended)


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
        raise CatalogueError(
            Message("catalogue.no_kpi_named"), hint=Message("catalogue.no_kpi_named_hint"), field="kpi_names"
        )
    root = Path(workspace_dir)
    names = parse_mapping(mapping or {})
    chosen = catalogue.closure(kpi_names)
    requested = {catalogue.kpi(n).name for n in kpi_names}
    with editing_lock(root):  # from reading the file to replacing it, no other edit of the definitions
        return _added(root, catalogue, chosen, requested, names, check)


def _added(
    root: Path,
    catalogue: Catalogue,
    chosen: Sequence[CatalogueKpi],
    requested: set[str],
    names: NameMap,
    check: bool,
) -> AddReport:
    path = root / DEFINITIONS_DIR / CATALOGUE_FILE
    document = read_document(path, _FILE_HEADER, Message("catalogue.cannot_merge"))
    elsewhere = _names_elsewhere(root / DEFINITIONS_DIR)
    with _warehouse(root, check) as (columns, values, language, notes):
        plan = Plan(catalogue, names, document, elsewhere, columns, notes, values)
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
def _warehouse(root: Path, check: bool) -> Iterator[tuple[TableColumns | None, ValueLookup | None, str, list[Message]]]:
    """How to read the user's table columns and look up values (None: do not check), the language, and notes."""
    if not (root / SETTINGS_FILE).is_file():
        yield None, None, "en", [Message("catalogue.not_a_workspace", folder=str(root), settings=SETTINGS_FILE)]
        return
    from kpilot.engine.value_checks import lookup_values  # the engine is heavy: import it only when adding
    from kpilot.workspace import Workspace

    try:
        workspace = Workspace(root)
    except UserError as error:
        yield None, None, "en", [Message("catalogue.workspace_not_opened", problem=error.message)]
        return
    with workspace:
        if not check:
            yield None, None, workspace.settings.language, [Message("catalogue.not_checked")]
            return
        cache: dict[str, Mapping[str, str] | None] = {}

        def columns(table: str) -> Mapping[str, str] | None:
            if table not in cache:
                cache[table] = workspace.table_columns(table)
            return cache[table]

        def values(
            table: str, column: str, wanted: frozenset[str]
        ) -> tuple[frozenset[str], list[tuple[str, int]]] | None:
            return lookup_values(workspace.warehouse, table, column, wanted)

        yield columns, values, workspace.settings.language, []


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
        problem = problem_of(error.errors()[0])
        raise CatalogueError(
            Message("catalogue.merge_invalid", file=str(path), place=problem.field, problem=problem.message),
            hint=Message("catalogue.merge_invalid_hint"),
        ) from None


def _check_whole_workspace(root: Path, document: CommentedMap, path: Path) -> None:
    """Refuse an add that would break the workspace's own definitions, e.g. a catalogue measure that makes a bare
    name in the user's KPIs ambiguous."""
    new = new_problems(root, path.name, dump(document), _static_problems)
    if new:
        listed = tuple(
            Message("catalogue.problem_at", place=str(issue.location), problem=issue.message) for issue in new[:3]
        )
        raise CatalogueError(
            Message("catalogue.would_break_workspace", problems=_semicolons(listed)),
            hint=Message("catalogue.would_break_workspace_hint", mapping="source:NAME=OTHER"),
        )


def _semicolons(items: Sequence[Message]) -> Message:
    """Problems listed with semicolons (each may hold commas of its own): `a; b; c` as nested pairs."""
    listed = items[-1]
    for item in reversed(items[:-1]):
        listed = Message("catalogue.semicolon_list", first=item, rest=listed)
    return listed


def _static_problems(root: Path) -> list[Issue]:
    definitions, issues = load_definitions(root)
    return [*issues, *static_issues(definitions)]
