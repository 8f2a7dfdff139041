"""The facade: a workspace folder (settings, definitions, warehouse) and what can be done with it."""

from __future__ import annotations

import io
import os
from collections.abc import Mapping, Sequence
from datetime import date
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import pyarrow as pa
from pydantic import ValidationError as PydanticValidationError
from ruamel.yaml import YAML

from kpilot.definitions.editing import write_atomically, write_error
from kpilot.definitions.loader import DEFINITIONS_DIR, SETTINGS_FILE, load_definitions, load_settings
from kpilot.definitions.model import Definitions, Settings, Source
from kpilot.definitions.problems import problem_of
from kpilot.engine.arguments import checked, date_of, make_request
from kpilot.engine.compile import Compiled, compile_plan
from kpilot.engine.currency import CurrencyChecks, currency_issues
from kpilot.engine.execute import execute
from kpilot.engine.periods import Calendar, Grain
from kpilot.engine.plan import Request, make_plan
from kpilot.engine.preflight import SourceChecks, measureless_issues
from kpilot.engine.scope import scope_of
from kpilot.engine.target_checks import target_issues
from kpilot.engine.value_checks import filter_issues, value_issues
from kpilot.errors import FormulaError, Issue, QueryError, Severity, UserError, ValidationFailed
from kpilot.formula.ast import MeasureRef
from kpilot.formula.check import walk
from kpilot.i18n import Message, Raw
from kpilot.semantic.resolve import SemanticModel
from kpilot.semantic.validate import name_issues, static_issues, warehouse_issues
from kpilot.warehouse.connection import Warehouse

# The first line of a new kpilot.yaml: a comment in the file, which docs/workspace.md shows as it is written.
SETTINGS_HEADER = "# kpilot workspace settings: see docs/workspace.md\n"


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
        self._source_checks: SourceChecks | None = None
        self._currency_checks: CurrencyChecks | None = None

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
        yaml.dump(settings.model_dump(mode="json"), text)
        write_atomically(root / SETTINGS_FILE, text.getvalue())
        workspace = cls(root)
        workspace.warehouse.create()  # the embedded DuckDB file
        return workspace

    @property
    def warehouse(self) -> Warehouse:
        if self._warehouse is None:
            self._warehouse = Warehouse(self.settings.warehouse, self.root, allowed_paths=self.settings.allowed_paths)
        return self._warehouse

    def close(self) -> None:
        if self._warehouse is not None:
            self._warehouse.close()
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
    ) -> Request:
        """A compute request. `kpis` and `by` take one name or a list of names; dates are dates or ISO text;
        `scope` is a team's or person's slice ({'team': 'EMEA'}), applied as typed conditions with `where`."""
        return make_request(kpis, grain=grain, by=by, start=start, end=end, where=where, scope=scope)

    @cached_property
    def definition_errors(self) -> list[Issue]:
        """Problems that stop any computation (definitions are immutable for the life of this object). A KPI whose
        formula does not resolve stops only itself: the plan reports it when that KPI is asked for."""
        found = [*self.load_issues, *name_issues(self.definitions)]
        return [issue for issue in found if issue.severity is Severity.ERROR]

    def compile(self, request: Request) -> Compiled:
        request = checked(request)
        if self.definition_errors:
            raise ValidationFailed(self.definition_errors)
        plan = make_plan(request, self.model, self.calendar)
        # The data checks of `validate`, for the sources this request reads: a measure that sums a text column is
        # refused here with validate's message, not by the engine halfway through.
        if self._source_checks is None:
            self._source_checks = SourceChecks(self.warehouse)
        self._source_checks.require((sp.source, sp.measures) for sp in plan.sources)
        if self._currency_checks is None:
            home = self.settings.currency
            self._currency_checks = CurrencyChecks(self.definitions, self.warehouse, self.calendar, home)
        self._currency_checks.require(sp.source for sp in plan.sources)
        return compile_plan(plan, self.warehouse, currency=self.settings.currency)

    def filter_warnings(
        self, where: str | None, kpis: Sequence[str] | None = None, *, scope: Mapping[str, str] | None = None
    ) -> list[Issue]:
        """What makes numbers suspect although they compute: a row filter (`where`, a scope) that keeps no row of
        a source the KPIs read (every KPI's when None), with the values it names that never occur."""
        chosen = scope_of(scope)
        if where is None and not chosen:
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
        today: date | None = None,
    ) -> pa.Table:
        """KPIs per period (and dimension values) as an Arrow table; `partial` marks periods not fully covered."""
        request = self.request(kpis, grain=grain, by=by, start=start, end=end, where=where, scope=scope)
        day = date_of(today, "today")
        compiled = self.compile(request)
        return execute(compiled, self.warehouse, day or self.calendar.today())

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
    ) -> str:
        """The SQL the warehouse runs for a compute request."""
        import ibis

        request = self.request(kpis, grain=grain, by=by, start=start, end=end, where=where, scope=scope)
        compiled = self.compile(request)
        return str(ibis.to_sql(compiled.expr, dialect=self.warehouse.dialect))


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
