"""The facade: a workspace folder (settings, definitions, warehouse) and what can be done with it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import Any

import pyarrow as pa
from pydantic import ValidationError as PydanticValidationError
from ruamel.yaml import YAML

from kpilot.definitions.loader import DEFINITIONS_DIR, SETTINGS_FILE, load_definitions, load_settings
from kpilot.definitions.model import Definitions, Settings
from kpilot.engine.compile import Compiled, compile_plan
from kpilot.engine.execute import execute
from kpilot.engine.periods import Calendar, Grain
from kpilot.engine.plan import Request, make_plan
from kpilot.errors import Issue, QueryError, Severity, UserError, ValidationFailed
from kpilot.goals.targets import target_issues
from kpilot.semantic.resolve import SemanticModel
from kpilot.semantic.validate import static_issues, warehouse_issues
from kpilot.warehouse.connection import Warehouse


class Workspace:
    """A kpilot workspace folder. Cheap to open; the warehouse is connected on first use."""

    def __init__(self, path: str | Path = ".") -> None:
        self.root = Path(path).resolve()
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
    ) -> Workspace:
        """Create a workspace folder with settings and an empty definitions folder; refuse to overwrite one."""
        root = Path(path)
        if (root / SETTINGS_FILE).exists():
            raise UserError(f"{root} already holds a kpilot workspace ({SETTINGS_FILE} exists)")
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
        (root / DEFINITIONS_DIR).mkdir(parents=True, exist_ok=True)
        data = settings.model_dump(mode="json")
        yaml = YAML()
        yaml.default_flow_style = False
        with (root / SETTINGS_FILE).open("w", encoding="utf-8") as handle:
            handle.write("# kpilot workspace settings: see docs/workspace.md\n")
            yaml.dump(data, handle)
        workspace = cls(root)
        workspace.warehouse.connect()  # creates the embedded DuckDB file
        return workspace

    @property
    def warehouse(self) -> Warehouse:
        if self._warehouse is None:
            self._warehouse = Warehouse(self.settings.warehouse, self.root)
        return self._warehouse

    def close(self) -> None:
        if self._warehouse is not None:
            self._warehouse.close()
            self._warehouse = None

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def validate(self, *, with_data: bool = True) -> list[Issue]:
        """Every problem in the definitions (and, with data, against the warehouse), sorted by place."""
        issues = [*self.load_issues, *static_issues(self.definitions), *target_issues(self.definitions)]
        if with_data:
            issues += warehouse_issues(self.definitions, self.warehouse)
        return sorted(issues, key=lambda i: (i.location.file or "", i.location.line or 0, i.location.col or 0))

    def table_columns(self, table: str) -> dict[str, str] | None:
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
    ) -> Request:
        return Request(
            kpis=tuple(kpis),
            grain=_grain(grain),
            by=tuple(by),
            start=_date(start, "--from"),
            end=_date(end, "--to"),
            where=where or None,
        )

    @cached_property
    def definition_errors(self) -> list[Issue]:
        """Problems that stop any computation (definitions are immutable for the life of this object)."""
        found = [*self.load_issues, *static_issues(self.definitions)]
        return [issue for issue in found if issue.severity is Severity.ERROR]

    def compile(self, request: Request) -> Compiled:
        if self.definition_errors:
            raise ValidationFailed(self.definition_errors)
        plan = make_plan(request, self.model, self.calendar)
        return compile_plan(plan, self.warehouse)

    def compute(
        self,
        kpis: Sequence[str],
        *,
        grain: str | Grain = Grain.MONTH,
        by: Sequence[str] = (),
        start: date | str | None = None,
        end: date | str | None = None,
        where: str | None = None,
        today: date | None = None,
    ) -> pa.Table:
        """KPIs per period (and dimension values) as an Arrow table; `partial` marks periods not fully covered."""
        request = self.request(kpis, grain=grain, by=by, start=start, end=end, where=where)
        compiled = self.compile(request)
        return execute(compiled, self.warehouse, today or self.calendar.today())

    def sql(self, kpis: Sequence[str], **options: Any) -> str:
        """The SQL the warehouse runs for a compute request."""
        import ibis

        compiled = self.compile(self.request(kpis, **options))
        return str(ibis.to_sql(compiled.expr, dialect=self.warehouse.dialect))


def _setting_issue(problem: Any) -> Issue:
    option = "--" + str(problem["loc"][0]).replace("_", "-") if problem.get("loc") else "settings"
    return Issue(f"{option}: {str(problem['msg']).removeprefix('Value error, ')}")


def _grain(value: str | Grain) -> Grain:
    try:
        return Grain(value)
    except ValueError:
        allowed = ", ".join(g.value for g in Grain)
        raise QueryError(f"unknown grain '{value}'", hint=f"use one of: {allowed}") from None


def _date(value: date | str | None, option: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise QueryError(
            f"{option} '{value}' is not a date", hint="write dates as YYYY-MM-DD, e.g. 2025-03-31"
        ) from None
