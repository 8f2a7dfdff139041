"""The facade: a workspace folder (settings, definitions, warehouse) and what can be done with it."""

from __future__ import annotations

import copy
import functools
import hashlib
import io
import operator
import os
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, Self

import pyarrow as pa
from pydantic import ValidationError as PydanticValidationError
from ruamel.yaml import YAML

from kpilot.definitions.editing import write_atomically, write_error
from kpilot.definitions.loader import DEFINITIONS_DIR, SETTINGS_FILE, load_definitions, load_settings
from kpilot.definitions.model import Definitions, Kpi, Measure, Settings, Source
from kpilot.definitions.problems import problem_of
from kpilot.engine.access import Access, intersect
from kpilot.engine.arguments import checked, date_of, make_request
from kpilot.engine.cache import LRU
from kpilot.engine.compile import Compiled, compile_plan
from kpilot.engine.currency import CurrencyChecks, currency_issues
from kpilot.engine.execute import Extent, run_together
from kpilot.engine.merge import merge_results
from kpilot.engine.periods import Calendar, Grain
from kpilot.engine.plan import Plan, Request, make_plan
from kpilot.engine.preflight import SourceChecks, measureless_issues
from kpilot.engine.rollups.layout import Layout
from kpilot.engine.rollups.state import Declared as DeclaredRollup
from kpilot.engine.rollups.state import current as current_rollups
from kpilot.engine.rollups.state import declared as declared_rollups
from kpilot.engine.scope import scope_of
from kpilot.engine.sharing import measures_read, widened
from kpilot.engine.target_checks import target_issues
from kpilot.engine.value_checks import filter_issues, value_issues
from kpilot.errors import FormulaError, InternalError, Issue, QueryError, Severity, UserError, ValidationFailed
from kpilot.formula.ast import MeasureRef
from kpilot.formula.check import walk
from kpilot.i18n import Message, Raw
from kpilot.semantic.lookup import require_kpi
from kpilot.semantic.resolve import SemanticModel
from kpilot.semantic.validate import name_issues, static_issues, warehouse_issues
from kpilot.semantic.visibility import showing_only
from kpilot.warehouse.connection import Warehouse
from kpilot.warehouse.data_version import DataVersions, data_versions
from kpilot.warehouse.resources import Resources

# The first line of a new kpilot.yaml: a comment in the file, which docs/workspace.md shows as it is written.
SETTINGS_HEADER = "# kpilot workspace settings: see docs/workspace.md\n"
# Compiled queries kept per workspace (with its views): a scorecard compiles a handful, a dashboard a few dozen.
COMPILED_KEPT = 256
# Answers kept per workspace (with its views), under the data's versions (warehouse.data_version): a repeated request
# over unchanged data is served from memory. Bounded by count and by their tables' bytes.
ANSWERS_KEPT = 1024
ANSWERS_BYTES = 256 * 1024 * 1024


class AccessPolicy(Protocol):
    """What one reader may see, decided above the workspace (`kpilot.services.kpis.workspace_for` makes one from an
    actor, the organisation and a day): the workspace only asks it, so that every computation made through a view
    (compute, sql, and the scorecards, forecasts, suggestions, checks and matrices built on them) obeys it."""

    @property
    def unrestricted(self) -> bool:
        """Whether the reader sees every KPI over every row (admins, editors, the local operator)."""
        ...

    def visible(self, kpi: str) -> bool:
        """Whether the reader may see the KPI (and every KPI its formula uses)."""
        ...

    def access(self, kpi: str) -> Access:
        """The rows the KPI is computed over for this reader (with those of the KPIs its formula uses)."""
        ...

    def ensure(self, action: str) -> None:
        """Raise (a `PermissionDenied`) unless the reader may do `action` (`edit_targets`, ...)."""
        ...


class Workspace:
    """A kpilot workspace folder. Cheap to open; the warehouse is connected on first use."""

    def __init__(self, path: str | Path = ".") -> None:
        self.root = _folder(path).resolve()
        self.settings: Settings = load_settings(self.root)
        self.definitions: Definitions
        self.definitions, self.load_issues = load_definitions(self.root)
        self.model = SemanticModel(self.definitions)
        self.calendar = Calendar(
            timezone=self.settings.timezone,
            week_start=self.settings.week_start.offset,
            fiscal_year_start=self.settings.fiscal_year_start,
        )
        self._warehouse: Warehouse | None = None
        self._owns_warehouse = True
        self._source_checks: SourceChecks | None = None
        self._currency_checks: CurrencyChecks | None = None
        self.policy: AccessPolicy | None = None  # None: everything, as the files show it (see `restricted`)
        # Shared with the views (`restricted`): kept under the definitions' content, so views with equal definitions
        # (readers with the same visible KPIs) share what they compile.
        self._compiled: LRU[_Kept] = LRU(COMPILED_KEPT)
        self._rendered: LRU[str] = LRU(COMPILED_KEPT)  # source queries' SQL (engine.compile)
        self._answers: LRU[_Answer] = LRU(ANSWERS_KEPT, budget=ANSWERS_BYTES, weigh=_Answer.weight)
        self._digest: tuple[Definitions, str] | None = None
        self._declared: tuple[Definitions, tuple[DeclaredRollup, ...]] | None = None

    @classmethod
    def init(
        cls,
        path: str | Path,
        *,
        name: str | None = None,
        timezone: str = "UTC",
        week_start: str = "monday",
        fiscal_year_start: int = 1,
        currency: str = "EUR",
    ) -> Self:
        """Create a workspace folder with settings and an empty definitions folder; refuse to overwrite one."""
        root = _folder(path)
        if (root / SETTINGS_FILE).exists():
            raise UserError(Message("workspace.already_a_workspace", folder=str(root), settings=SETTINGS_FILE))
        values = {
            "name": name or root.resolve().name,
            "timezone": timezone,
            "week_start": week_start,
            "fiscal_year_start": fiscal_year_start,
            "currency": currency,
        }
        try:
            settings = Settings.model_validate(values)
        except PydanticValidationError as error:
            raise ValidationFailed([_setting_issue(problem) for problem in error.errors()]) from None
        try:
            (root / DEFINITIONS_DIR).mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise write_error(root / DEFINITIONS_DIR, error, folder=True) from error
        yaml = YAML()
        yaml.default_flow_style = False
        text = io.StringIO(SETTINGS_HEADER)
        text.seek(0, io.SEEK_END)
        # Every setting with its value, so that the file shows what can be set; sections that are off (`oidc:`) are
        # left out rather than written as an empty key.
        yaml.dump(settings.model_dump(mode="json", exclude_none=True), text)
        write_atomically(root / SETTINGS_FILE, text.getvalue())
        workspace = cls(root)
        workspace.warehouse.create()  # the embedded DuckDB file
        return workspace

    @property
    def warehouse(self) -> Warehouse:
        if self._warehouse is None:
            settings = self.settings
            resources = Resources.of(
                self.root,
                memory_limit=settings.memory_limit,
                temp_directory=settings.temp_directory,
                threads=settings.threads,
            )
            self._warehouse = Warehouse(
                settings.warehouse, self.root, allowed_paths=settings.allowed_paths, resources=resources
            )
        return self._warehouse

    def restricted(self, policy: AccessPolicy) -> Self:
        """A view of this workspace for one reader: its definitions hold only the KPIs `policy` lets them see (with
        their targets and goal links), so that a hidden KPI is unknown exactly like a missing one, and every request
        it compiles is restricted to the rows the policy gives each KPI (docs/permissions.md). The view shares this
        workspace's warehouse and is valid while this workspace is open; closing it leaves the warehouse open."""
        # Found before copying, so that the view keeps them: the files' problems (duplicate names, say, of KPIs it may
        # not show) stop its computations as they stop this workspace's.
        _ = self.definition_errors
        view = copy.copy(self)
        view.policy = policy
        view.definitions = showing_only(self.definitions, policy.visible)
        # The same definitions (a reader who sees every KPI) keep the expanded formulas already made.
        view.model = self.model if view.definitions is self.definitions else SemanticModel(view.definitions)
        view._warehouse = self.warehouse
        view._owns_warehouse = False
        view._source_checks = view._currency_checks = None
        return view

    def with_kpis(self, kpis: Sequence[Kpi], measures: Sequence[tuple[str, Measure]] = ()) -> Self:
        """This workspace with more KPIs, made for one computation (the numerator and denominator of a ratio that
        analysis decomposes, say); their names must be new. `measures` (source name, measure) are added to their
        sources for the new KPIs to use (the sum and the count an average is, say), with new names too. It shares
        this workspace's warehouse and what it keeps (under the definitions' content, which the new KPIs change),
        and is valid while this workspace is open. Made from the workspace itself, never from a reader's view: make
        the view from it, so that the new KPIs are seen as the reader may see them."""
        if self.policy is not None:
            raise InternalError("with_kpis extends a workspace, not a reader's view: make the view from it")
        taken = {kpi.name for kpi in self.definitions.kpis}
        clashing = sorted(kpi.name for kpi in kpis if kpi.name in taken)
        if clashing:
            raise InternalError(f"with_kpis: {clashing} are KPIs of the workspace already")
        _ = self.definition_errors
        extended = copy.copy(self)
        current = self.definitions
        extended.definitions = Definitions.model_construct(
            sources=_with_measures(current.sources, measures),
            kpis=(*current.kpis, *kpis),
            targets=current.targets,
            goals=current.goals,
        )
        extended.model = SemanticModel(extended.definitions)
        extended._warehouse = self.warehouse
        extended._owns_warehouse = False
        extended._source_checks = extended._currency_checks = None
        return extended

    @property
    def _restricting(self) -> bool:
        """Whether this is a view that hides rows or KPIs from its reader."""
        return self.policy is not None and not self.policy.unrestricted

    def ensure(self, action: str) -> None:
        """Raise unless this workspace's reader may do `action` (always allowed without a policy)."""
        if self.policy is not None:
            self.policy.ensure(action)

    def close(self) -> None:
        if self._warehouse is not None:
            if self._owns_warehouse:
                self._warehouse.close()
                self._compiled.clear()
                self._rendered.clear()
                # The answers stay: they are kept under the data's versions, read again at the next request (a
                # server lets its connection go between requests and reopens it).
            self._warehouse = None
        self._source_checks = None  # a reopened warehouse may hold other data
        self._currency_checks = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def validate(self, *, with_data: bool = True) -> list[Issue]:
        """Every problem in the definitions (and, with data, against the warehouse), sorted by place."""
        if not isinstance(with_data, bool):
            raise QueryError(
                Message("workspace.with_data_not_bool", value=Raw(repr(with_data))),
                hint=Message("workspace.with_data_hint"),
                field="with_data",
            )
        issues = [*self.load_issues, *static_issues(self.definitions), *target_issues(self.definitions)]
        issues += measureless_issues(self.definitions, self.model)
        if with_data:
            issues += warehouse_issues(self.definitions, self.warehouse)
            if not self._restricting:  # these list values and row counts of every row: not for a restricted reader
                issues += value_issues(self.definitions, self.warehouse, self.calendar)
                issues += currency_issues(self.definitions, self.warehouse, self.calendar, self.settings.currency)
        return sorted(issues, key=lambda i: (i.location.file or "", i.location.line or 0, i.location.col or 0))

    def table_columns(self, table: str) -> dict[str, str] | None:
        if not isinstance(table, str):
            raise QueryError(
                Message("workspace.table_not_text", value=Raw(repr(table))),
                hint=Message("workspace.example", example="table='ads'"),
                field="table",
            )
        return self.warehouse.table_columns(table)

    def request(
        self,
        kpis: Sequence[str],
        *,
        grain: str | Grain = Grain.MONTH,
        by: Sequence[str] = (),
        start: date | str | None = None,
        end: date | str | None = None,
        where: str | None = None,
        scope: Mapping[str, str] | None = None,
        access: Sequence[Mapping[str, str]] | None = None,
    ) -> Request:
        """A compute request. `kpis` and `by` take one name or a list of names; dates are dates or ISO text;
        `scope` is a team's or person's slice ({'team': 'EMEA'}), applied as typed conditions with `where`;
        `access` limits the rows further to those of any of its scopes (engine.access; None: no limit). In a view
        (`restricted`) the request also carries the reader's access to its KPIs, all of them together."""
        request = make_request(kpis, grain=grain, by=by, start=start, end=end, where=where, scope=scope, access=access)
        return self._with_policy(request)

    @cached_property
    def definition_errors(self) -> list[Issue]:
        """Problems that stop any computation (definitions are immutable for the life of this object). A KPI whose
        formula does not resolve stops only itself: the plan reports it when that KPI is asked for."""
        found = [*self.load_issues, *name_issues(self.definitions)]
        return [issue for issue in found if issue.severity is Severity.ERROR]

    def compile(self, request: Request) -> Compiled:
        """The query of a request. In a view, the request's access is narrowed to what the reader may see of all
        its KPIs together, whatever access it came with (one query holds one restriction: `compute` computes KPIs
        with different ones apart). A request compiled before, over definitions of the same content and on the
        same connection to the warehouse, is not compiled again (the last COMPILED_KEPT are kept)."""
        rollups, _ = self._current_rollups()
        request, plan, kept = self._plan(request, rollups)
        return self._compiled_plan(request, plan, kept, rollups=rollups)

    def _current_rollups(self) -> tuple[Mapping[str, Layout], DataVersions | None]:
        """The rollups that are current now (engine.rollups.state), by source: read once for each batch of
        requests, and part of what a compiled query is kept under (it reads them); and the data's versions read to
        tell (None: not read), which the batch's answers are then kept under."""
        if self._declared is None or self._declared[0] is not self.definitions:
            timezone, currency = self.settings.timezone, self.settings.currency
            self._declared = (self.definitions, tuple(declared_rollups(self.definitions, timezone, currency)))
        if not self._declared[1]:
            return {}, None
        found, versions = current_rollups(self.warehouse, self._declared[1])
        return {name: each.layout for name, each in found.items()}, versions

    def _plan(self, request: Request, rollups: Mapping[str, Layout]) -> tuple[Request, Plan, _Kept | None]:
        """The request as compiled (with the reader's access), its plan, and what it compiled to before (if it was),
        with the checks of the sources it reads passed."""
        request = self._with_policy(checked(request))
        if self.definition_errors:
            raise ValidationFailed(self.definition_errors)
        kept = self._compiled.find((self._definitions_key(), request, None, tuple(sorted(rollups))))
        plan = kept.compiled.plan if kept is not None else make_plan(request, self.model, self.calendar)
        # The data checks of `validate`, for the sources this request reads: a measure that sums a text column is
        # refused here with validate's message, not by the engine halfway through.
        if self._source_checks is None:
            self._source_checks = SourceChecks(self.warehouse)
        self._source_checks.require((sp.source, sp.measures) for sp in plan.sources)
        if self._currency_checks is None:
            home = self.settings.currency
            self._currency_checks = CurrencyChecks(self.definitions, self.warehouse, self.calendar, home)
        self._currency_checks.require(sp.source for sp in plan.sources)
        return request, plan, kept

    def _compiled_plan(
        self,
        request: Request,
        plan: Plan,
        kept: _Kept | None,
        shared: bool = False,
        rollups: Mapping[str, Layout] | None = None,
    ) -> Compiled:
        """`plan` (of `request`, or widened from it when `shared`) compiled, or as it was compiled before, reading
        the current `rollups` where they answer exactly."""
        rollups = rollups or {}
        key = (self._definitions_key(), request, measures_read(plan) if shared else None, tuple(sorted(rollups)))
        if shared:
            kept = self._compiled.find(key)
        warehouse = self.warehouse
        if kept is not None and kept.warehouse is warehouse and kept.connection == warehouse.connections:
            return kept.compiled
        compiled = compile_plan(
            plan, warehouse, currency=self.settings.currency, rendered=self._rendered, rollups=rollups
        )
        self._compiled.keep(key, _Kept(compiled, warehouse, warehouse.connections))
        return compiled

    def forget_answers(self) -> None:
        """Forget the answers kept in memory (the next requests compute from the warehouse); never needed for
        correct numbers, since an answer is kept under the data's versions (docs/performance.md)."""
        self._answers.clear()

    def definitions_digest(self) -> str:
        """A digest of the definitions' content: what a bonus run records it computed with."""
        return self._definitions_key()

    def _definitions_key(self) -> str:
        """The definitions' content, as a digest (a view's definitions are its own: their digest is its own)."""
        if self._digest is None or self._digest[0] is not self.definitions:
            text = self.definitions.model_dump_json()
            self._digest = (self.definitions, hashlib.sha256(text.encode()).hexdigest())
        return self._digest[1]

    def _with_policy(self, request: Request) -> Request:
        """The request with the reader's access to each of its KPIs added to its own (a view's; as is otherwise)."""
        if self.policy is None:
            return request
        access = request.access
        for name in request.kpis:
            access = intersect(access, self.policy.access(name))
        return replace(request, access=access)

    def _parts(self, request: Request) -> list[Request]:
        """The request split by the reader's access: one request per restriction, its KPIs in the order asked.
        Every KPI is looked up first, so that a hidden or unknown one is refused before any query runs."""
        if self.policy is None or len(request.kpis) < 2:
            return [request]
        for name in request.kpis:
            require_kpi(self.definitions, name)
        groups: dict[Access, list[str]] = {}
        for name in request.kpis:
            groups.setdefault(self.policy.access(name), []).append(name)
        return [replace(request, kpis=tuple(names)) for names in groups.values()]

    def filter_warnings(
        self, where: str | None, kpis: Sequence[str] | None = None, *, scope: Mapping[str, str] | None = None
    ) -> list[Issue]:
        """What makes numbers suspect although they compute: a row filter (`where`, a scope) that keeps no row of
        a source the KPIs read (every KPI's when None), with the values it names that never occur. None in a view
        that restricts its reader: the warnings count and list values of every row."""
        chosen = scope_of(scope)
        if (where is None and not chosen) or self._restricting:
            return []
        if where is not None and not isinstance(where, str):
            raise QueryError(
                Message("workspace.where_not_text", value=Raw(repr(where))),
                hint=Message("workspace.example", example="where=\"team = 'EMEA'\""),
                field="where",
            )
        names = [k.name for k in self.definitions.kpis] if kpis is None else list(kpis)
        read: dict[str, Source] = {}
        for name in names:
            try:
                tree = self.model.expand(name)
            except FormulaError:  # a broken KPI reports itself when it is computed
                continue
            for node in walk(tree):
                if isinstance(node, MeasureRef) and node.source not in read:
                    source = self.definitions.source(node.source)
                    if source is not None:
                        read[node.source] = source
        return filter_issues(where, list(read.values()), self.warehouse, self.calendar, chosen)

    def compute(
        self,
        kpis: Sequence[str],
        *,
        grain: str | Grain = Grain.MONTH,
        by: Sequence[str] = (),
        start: date | str | None = None,
        end: date | str | None = None,
        where: str | None = None,
        scope: Mapping[str, str] | None = None,
        access: Sequence[Mapping[str, str]] | None = None,
        today: date | None = None,
    ) -> pa.Table:
        """KPIs per period (and dimension values) as an Arrow table; `partial` marks periods not fully covered.
        In a view, KPIs the reader sees over different rows are computed apart and put side by side
        (engine.merge)."""
        request = make_request(kpis, grain=grain, by=by, start=start, end=end, where=where, scope=scope, access=access)
        (found,) = self._run([request], date_of(today, "today") or self.calendar.today(), False)
        if isinstance(found, UserError):
            raise found
        return found[0]

    def compute_each(
        self, requests: Sequence[Request], *, today: date | None = None, share: bool = False
    ) -> list[pa.Table | UserError]:
        """What `compute` gives for each request (its table, or the UserError it raises), all computed by one
        statement: the warehouse is asked once (engine.statement). With `share`, requests that read the same rows
        (grain, by, range, where, scope, access and look-back alike) read each source once: each one's plan takes
        from a source the measures all of them need (the others' change nothing in its KPIs); a request that
        cannot be compiled so is compiled alone, so that each request fails or succeeds as `compute` would."""
        day = date_of(today, "today") or self.calendar.today()
        return [found if isinstance(found, UserError) else found[0] for found in self._run(requests, day, share)]

    def compute_with_extent(self, request: Request, *, today: date | None = None) -> tuple[pa.Table, Extent]:
        """`compute`, and the first and last period with data in what the request reads (engine.execute.Extent),
        from the same scans."""
        (found,) = self._run([request], date_of(today, "today") or self.calendar.today(), False, extent=True)
        if isinstance(found, UserError):
            raise found
        table, extent = found
        assert extent is not None
        return table, extent

    def extents(self, requests: Sequence[Request]) -> list[Extent | UserError]:
        """For each request (at a grain other than `all`), the first and last period with data in what it reads, or
        the UserError computing it raises: the ends its periods would have with no range. One statement for all,
        which computes no KPI."""
        found: list[Extent | UserError] = []
        compiled: list[tuple[int, Compiled]] = []
        for index, request in enumerate(requests):
            try:
                compiled += [(index, self.compile(part)) for part in self._parts(checked(request))]
                found.append(Extent())
            except UserError as error:
                found.append(error)
        compiled = [(index, each) for index, each in compiled if not isinstance(found[index], UserError)]
        if compiled:
            day = self.calendar.today()
            queries = [each for _, each in compiled]
            keys = self._answer_keys(queries, day, "extent")
            kept = [self._answers.find(key) if key is not None else None for key in keys]
            asked = [each for each, answer in zip(queries, kept, strict=True) if answer is None]
            _, measured = run_together([], self.warehouse, day, extents=asked) if asked else ([], [])
            given = iter(measured)
            ends = []
            for key, answer in zip(keys, kept, strict=True):
                if answer is None:
                    answer = _Answer(None, next(given))
                    if key is not None:
                        self._answers.keep(key, answer)
                assert answer.extent is not None
                ends.append(answer.extent)
            for (index, _), extent in zip(compiled, ends, strict=True):
                known = found[index]
                assert isinstance(known, Extent)
                found[index] = known | extent
        return found

    def _run(
        self, requests: Sequence[Request], day: date, share: bool, extent: bool = False
    ) -> list[tuple[pa.Table, Extent | None] | UserError]:
        """Each request's table (and extent, when asked), or its error: see compute_each."""
        found: dict[int, UserError] = {}
        planned: list[tuple[int, Request, Plan, _Kept | None]] = []
        rollups, versions = self._current_rollups()
        for index, request in enumerate(requests):
            try:
                planned += [(index, *self._plan(part, rollups)) for part in self._parts(checked(request))]
            except UserError as error:
                found[index] = error
        plans = [plan for _, _, plan, _ in planned]
        wider = widened(plans) if share else plans
        compiled: list[tuple[int, Compiled]] = []
        for (index, request, plan, kept), wide in zip(planned, wider, strict=True):
            if index in found:
                continue
            try:
                try:
                    each = self._compiled_plan(request, wide, kept, shared=wide is not plan, rollups=rollups)
                except UserError:
                    if wide is plan:
                        raise
                    each = self._compiled_plan(request, plan, kept, rollups=rollups)  # its own error, or query
                compiled.append((index, each))
            except UserError as error:
                found[index] = error
        compiled = [(index, each) for index, each in compiled if index not in found]
        outcomes = self._answered([each for _, each in compiled], day, extent, versions)
        parts: dict[int, list[tuple[pa.Table, Extent | None]]] = {}
        for (index, _), outcome in zip(compiled, outcomes, strict=True):
            if isinstance(outcome, UserError):
                found.setdefault(index, outcome)
            else:
                parts.setdefault(index, []).append(outcome)
        results: list[tuple[pa.Table, Extent | None] | UserError] = []
        for index, request in enumerate(requests):
            if index in found:
                results.append(found[index])
                continue
            tables = [table for table, _ in parts[index]]
            table = tables[0] if len(tables) == 1 else merge_results(tables, checked(request))
            ends = [end for _, end in parts[index] if end is not None]
            results.append((table, functools.reduce(operator.or_, ends) if ends else None))
        return results

    def _answered(
        self, queries: Sequence[Compiled], day: date, extent: bool, versions: DataVersions | None = None
    ) -> list[tuple[pa.Table, Extent | None] | UserError]:
        """Each query's table (and extent), or the error running it raises: kept answers where the data is as it
        was when they were computed, and one statement for the others. `versions`: the data's versions as read
        before the queries were compiled, if they were."""
        keys = self._answer_keys(queries, day, "table+extent" if extent else "table", versions)
        outcomes: list[tuple[pa.Table, Extent | None] | UserError | None] = []
        for key in keys:
            answer = self._answers.find(key) if key is not None else None
            # kept under a `table` kind: it has its table
            outcomes.append(None if answer is None or answer.table is None else (answer.table, answer.extent))
        asked = [index for index, outcome in enumerate(outcomes) if outcome is None]
        if not asked:
            return [outcome for outcome in outcomes if outcome is not None]
        todo = [queries[index] for index in asked]
        computed: list[tuple[pa.Table, Extent | None] | UserError] = []
        try:
            tables, ends = run_together(todo, self.warehouse, day, extents=todo if extent else ())
            computed = [(table, ends[i] if ends else None) for i, table in enumerate(tables)]
        except UserError:  # one of them fails to run: each alone, to tell which
            for each in todo:
                try:
                    alone, ends = run_together([each], self.warehouse, day, extents=[each] if extent else ())
                    computed.append((alone[0], ends[0] if ends else None))
                except UserError as error:
                    computed.append(error)
        for index, outcome in zip(asked, computed, strict=True):
            outcomes[index] = outcome
            key = keys[index]
            if key is not None and not isinstance(outcome, UserError):
                self._answers.keep(key, _Answer(*outcome))
        return [outcome for outcome in outcomes if outcome is not None]

    def _answer_keys(
        self, queries: Sequence[Compiled], day: date, kind: str, versions: DataVersions | None = None
    ) -> list[Hashable | None]:
        """What each query's answer is kept under: the definitions' content, the request (with the reader's access)
        and the SQL it compiled to (which holds the scope and every row restriction), the day (running periods),
        what is asked (`kind`), and the version of the data of every source it reads. None: not kept (a source whose
        data has no version, such as a PostgreSQL table)."""
        if not queries:
            return []
        read = {source.name: source for each in queries for source in _sources_read(each.plan)}
        # Versions read before compiling hold every table's (and read earlier is never newer); a file source's files
        # are stamped as the query opened them.
        if versions is None or any(source.file is not None for source in read.values()):
            versions = data_versions(self.warehouse, read)
        definitions = self._definitions_key()
        return [_answer_key(definitions, each, day, kind, versions) for each in queries]

    def sql(
        self,
        kpis: Sequence[str],
        *,
        grain: str | Grain = Grain.MONTH,
        by: Sequence[str] = (),
        start: date | str | None = None,
        end: date | str | None = None,
        where: str | None = None,
        scope: Mapping[str, str] | None = None,
        access: Sequence[Mapping[str, str]] | None = None,
    ) -> str:
        """The SQL the warehouse runs for a compute request (in a view, one statement per restriction, in the
        order `compute` runs them, separated by `;`)."""
        request = make_request(kpis, grain=grain, by=by, start=start, end=end, where=where, scope=scope, access=access)
        return ";\n\n".join(self.compile(part).sql for part in self._parts(request))


@dataclass(frozen=True)
class _Answer:
    """A computed answer: a query's table (None: only its extent was asked) and its extent (None: not asked)."""

    table: pa.Table | None
    extent: Extent | None

    def weight(self) -> int:
        return self.table.nbytes if self.table is not None else 0


def _with_measures(sources: tuple[Source, ...], measures: Sequence[tuple[str, Measure]]) -> tuple[Source, ...]:
    """The sources with `measures` added (with_kpis): a source changed so is a new definition, whose rollup (built
    for the one before) is not read: its rows are."""
    added: dict[str, list[Measure]] = {}
    for source, measure in measures:
        added.setdefault(source, []).append(measure)
    known = {source.name: source for source in sources}
    for name, new in added.items():
        have = {measure.name for measure in known[name].measures} if name in known else None
        if have is None or any(measure.name in have for measure in new):
            raise InternalError(f"with_kpis: measures {[m.name for m in new]} do not fit source {name!r}")
    return tuple(
        source.model_copy(update={"measures": (*source.measures, *added[source.name])})
        if source.name in added
        else source
        for source in sources
    )


def _sources_read(plan: Plan) -> list[Source]:
    """Every source a plan reads rows of: its sources, and their exchange rates."""
    return [source for sp in plan.sources for source in (sp.source, sp.rates) if source is not None]


def _answer_key(
    definitions: str, compiled: Compiled, day: date, kind: str, versions: DataVersions | None
) -> Hashable | None:
    if versions is None:
        return None
    data = tuple(versions.of(source) for source in _sources_read(compiled.plan))
    if any(version is None for version in data):
        return None
    return definitions, compiled.plan.request, compiled.sql, day, kind, data


@dataclass(frozen=True)
class _Kept:
    """A compiled query, and the warehouse connection it was compiled against (its tables' columns and types)."""

    compiled: Compiled
    warehouse: Warehouse
    connection: int  # Warehouse.connections then


def _setting_issue(error: Any) -> Issue:
    """A setting `init` was given that does not fit, named as the setting (timezone), as kpilot.yaml spells it."""
    problem = problem_of(error)
    return Issue(problem.message, hint=problem.hint, field=problem.field or None)


def _folder(path: Any) -> Path:
    if isinstance(path, str | os.PathLike):
        return Path(path)
    raise UserError(
        Message("workspace.path_not_a_folder", value=Raw(repr(path))),
        hint=Message("workspace.example", example="Workspace('my-kpis')"),
        field="path",
    )
