"""The semantic model as typed, immutable values: workspace settings, sources with measures, and KPIs.

These models describe the YAML shape; `definitions.loader` reads files into them and attaches where each item came
from, so that every later problem can be reported as file:line:col.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from enum import StrEnum
from functools import cached_property
from typing import Literal, Protocol, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationInfo, field_validator, model_validator

from kpilot.definitions.alert_model import AlertRule
from kpilot.definitions.base import Frozen, Identifier, Invalid
from kpilot.definitions.bonus_model import BonusPlan
from kpilot.definitions.goals_model import Goal, Target
from kpilot.definitions.spark_target import is_spark, parse_spark_target
from kpilot.errors import Location
from kpilot.i18n import Message, Raw


class Weekday(StrEnum):
    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"

    @property
    def offset(self) -> int:
        """0 for Monday ... 6 for Sunday, as `date.weekday()`."""
        return list(Weekday).index(self)


RoleName = Literal["admin", "editor", "manager", "member", "viewer"]  # the roles of docs/permissions.md


class OidcSettings(Frozen):
    """`oidc:` in kpilot.yaml: signing in through an OpenID Connect provider (docs/accounts.md#openid-connect). The
    client secret is read from the environment variable named here, never from the file."""

    issuer: str = Field(pattern=r"^https?://\S+$")
    client_id: str = Field(min_length=1)
    client_secret_env: str = Field(default="KPILOT_OIDC_CLIENT_SECRET", pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    scopes: tuple[str, ...] = ("openid", "email", "profile")
    groups_claim: str = "groups"
    # A group of the provider -> the role its members get; an account's roles are those of its groups at each
    # sign-in. Someone none of whose groups is named gets `default_role`, or (None) is not let in: fail closed.
    roles: dict[str, RoleName] = Field(default_factory=dict)
    default_role: RoleName | None = None
    # A group of the provider -> a team of the organisation (by name). The teams named here follow the groups: at
    # each sign-in the person (of the organisation, by e-mail) joins those of their groups from that day and leaves
    # the others of them; teams not named here are left to `kpilot org import`.
    teams: dict[str, str] = Field(default_factory=dict)
    create_accounts: bool = True  # a first sign-in makes the account (without a password)


class AlertSettings(Frozen):
    """`alerts:` in kpilot.yaml: how often the evaluator runs, and the internal networks webhooks may reach
    (docs/alerts.md#settings)."""

    every: int = Field(default=60, ge=5, le=86400)  # seconds between rounds of `kpilot alerts run` and the server
    timeout: int = Field(default=120, ge=1, le=86400)  # seconds one rule's evaluation may take; then it failed
    # Networks (CIDR, IPv4 or IPv6) that webhook channels may post to although they are not on the public internet:
    # an admin's decision, for receivers on the company network. Empty: no internal address at all.
    internal_webhooks: tuple[str, ...] = ()

    @field_validator("internal_webhooks")
    @classmethod
    def _networks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for entry in value:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise Invalid(Message("definitions.alerts.network_invalid", network=Raw(repr(entry)))) from None
        return value


# `memory_limit:` as DuckDB reads it, kept to the units it documents: 1000-based KB..TB, 1024-based KiB..TiB.
MEMORY_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)
MEMORY_UNITS = {
    **{unit: 1000 ** (power + 1) for power, unit in enumerate(("KB", "MB", "GB", "TB"))},
    **{unit: 1024 ** (power + 1) for power, unit in enumerate(("KiB", "MiB", "GiB", "TiB"))},
}
# Below this DuckDB cannot hold even a query's first buffers: it fails every statement rather than spilling.
MIN_MEMORY_BYTES = 16 * 1000**2
MAX_THREADS = 1024


def _only_duckdb(info: ValidationInfo, key: str) -> None:
    """The resource settings are the embedded DuckDB's: a server (PostgreSQL, Spark) is configured on its side."""
    warehouse = info.data.get("warehouse")
    if isinstance(warehouse, str) and "://" in warehouse:
        raise Invalid(Message("definitions.duckdb_only_setting", key=key))


class Settings(Frozen):
    """`kpilot.yaml`: how the workspace reads time and where its data lives."""

    name: str = "kpilot workspace"
    # A DuckDB file, a postgresql:// URL, or a spark:// target (docs/scale.md).
    warehouse: str = "warehouse.duckdb"
    # The metadata store (people, teams...): a SQLite file in the workspace, or a PostgreSQL URL (docs/store.md).
    store: str = "kpilot.db"
    timezone: str = "UTC"
    week_start: Weekday = Weekday.MONDAY
    fiscal_year_start: int = Field(default=1, ge=1, le=12)
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    language: Literal["en", "it", "pl", "zh"] = "en"
    # Folders besides the workspace folder whose files `file:` and `sql:` sources may read (docs/workspace.md).
    allowed_paths: tuple[str, ...] = ()
    alerts: AlertSettings = AlertSettings()  # the evaluator's schedule, webhooks' internal networks
    oidc: OidcSettings | None = None  # sign-in through an OpenID Connect provider (docs/accounts.md)
    # What the embedded DuckDB may use (docs/workspace.md#memory-and-spilling); None leaves DuckDB's own default
    # (80% of the machine's memory, every core). The spill folder is relative to the workspace, or absolute; by
    # default `.kpilot/spill` in the workspace. Left out of `kpilot init`'s file while unset.
    memory_limit: str | None = None
    temp_directory: str | None = None
    threads: int | None = Field(default=None, ge=1, le=MAX_THREADS)

    @field_validator("memory_limit")
    @classmethod
    def _memory_amount(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        _only_duckdb(info, "memory_limit")
        amount = MEMORY_AMOUNT.fullmatch(value)
        if amount is None:
            raise Invalid(Message("definitions.memory_limit_invalid", value=Raw(repr(value))))
        unit = amount.group(2).upper().replace("I", "i")
        if float(amount.group(1)) * MEMORY_UNITS[unit] < MIN_MEMORY_BYTES:
            raise Invalid(Message("definitions.memory_limit_too_small", value=Raw(repr(value)), least="16MB"))
        return value

    @field_validator("temp_directory")
    @classmethod
    def _spill_folder(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        _only_duckdb(info, "temp_directory")
        shown = Raw(repr(value))
        if not value or "\x00" in value or "://" in value or value.startswith("~"):
            raise Invalid(Message("definitions.temp_directory_invalid", path=shown))
        if value.rstrip("/\\") == "":
            raise Invalid(Message("definitions.allowed_path_everything", path=shown))
        return value

    @field_validator("threads")
    @classmethod
    def _threads_on_duckdb(cls, value: int | None, info: ValidationInfo) -> int | None:
        if value is not None:
            _only_duckdb(info, "threads")
        return value

    @field_validator("allowed_paths")
    @classmethod
    def _plain_folders(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for entry in value:
            if not entry or "\x00" in entry:
                raise Invalid(Message("definitions.allowed_path_empty"))
            shown = Raw(repr(entry))
            if any(mark in entry for mark in "*?["):
                raise Invalid(Message("definitions.allowed_path_pattern", path=shown))
            if entry.startswith("~"):
                raise Invalid(Message("definitions.allowed_path_tilde", path=shown))
            if "://" in entry:
                raise Invalid(Message("definitions.allowed_path_url", path=shown))
            if entry.rstrip("/\\") == "":
                raise Invalid(Message("definitions.allowed_path_everything", path=shown))
        return value

    @field_validator("warehouse")
    @classmethod
    def _warehouse_target(cls, value: str) -> str:
        if is_spark(value) and parse_spark_target(value) is None:
            raise Invalid(Message("definitions.spark_target", target=Raw(repr(value))))
        return value

    @field_validator("store")
    @classmethod
    def _store_location(cls, value: str) -> str:
        if not value or "\x00" in value:
            raise Invalid(Message("definitions.store_location"))
        scheme, sep, _ = value.partition("://")
        if sep and scheme.lower() not in ("postgresql", "postgres", "postgresql+psycopg"):
            raise Invalid(Message("definitions.store_scheme", scheme=scheme))
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise Invalid(Message("definitions.unknown_time_zone", zone=Raw(repr(value)))) from error
        return value


class Aggregation(StrEnum):
    SUM = "sum"
    COUNT = "count"
    COUNT_DISTINCT = "count_distinct"
    AVG = "avg"
    MIN = "min"
    MAX = "max"
    MEDIAN = "median"
    PERCENTILE = "percentile"
    LAST = "last"

    @property
    def additive(self) -> bool:
        """Whether per-period values can be summed into a longer period (needed by to_date and rolling)."""
        return self in (Aggregation.SUM, Aggregation.COUNT)


class Measure(Frozen):
    """An aggregate over a source's rows: `agg(expr)` over the rows that pass `filter`."""

    name: Identifier
    agg: Aggregation
    expr: str | None = None
    filter: str | None = None
    fraction: float | None = Field(default=None, gt=0, lt=1)
    label: str | None = None
    description: str | None = None
    origin: Location = Location()
    locations: dict[str, Location] = Field(default_factory=dict, exclude=True)

    @model_validator(mode="after")
    def _check_shape(self) -> Measure:
        if self.agg is Aggregation.PERCENTILE and self.fraction is None:
            raise Invalid(Message("definitions.percentile_needs_fraction"))
        if self.agg is not Aggregation.PERCENTILE and self.fraction is not None:
            raise Invalid(Message("definitions.fraction_only_percentile"))
        if self.expr is None and self.agg not in (Aggregation.COUNT,):
            raise Invalid(Message("definitions.agg_needs_expr", agg=self.agg.value))
        return self


class Dimension(Frozen):
    """A column (or row-level expression) that KPIs can be grouped and filtered by."""

    name: Identifier
    expr: str | None = None
    label: str | None = None
    origin: Location = Location()
    locations: dict[str, Location] = Field(default_factory=dict, exclude=True)

    @property
    def expression(self) -> str:
        return self.expr if self.expr is not None else self.name


class Currency(Frozen):
    """A source whose amounts are not all in the workspace currency: which columns are money, what currency each
    row is in (a column of ISO codes, or one code for the whole source), and the source of exchange rates."""

    amounts: tuple[Identifier, ...] = Field(min_length=1)
    column: Identifier | None = None
    code: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    rates: Identifier | None = None
    origin: Location = Location()
    locations: dict[str, Location] = Field(default_factory=dict, exclude=True)

    @model_validator(mode="after")
    def _one_way(self) -> Currency:
        if (self.column is None) == (self.code is None):
            raise Invalid(Message("definitions.currency_one_way"))
        return self


class Rollup(Frozen):
    """Daily aggregates of a source's additive measures kept in the warehouse (docs/performance.md, "Rollups"):
    over `dimensions` (all the source's dimensions when left out), refreshed by every ingest into its table."""

    dimensions: tuple[Identifier, ...] | None = None
    origin: Location = Location()
    locations: dict[str, Location] = Field(default_factory=dict, exclude=True)

    @field_validator("dimensions")
    @classmethod
    def _each_once(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is not None and len(set(value)) != len(value):
            raise Invalid(Message("definitions.rollup_dimension_twice"))
        return value


class Source(Frozen):
    """Where rows come from (exactly one of table, file, sql), how they sit in time, and what is measured."""

    name: Identifier
    table: str | None = None
    file: str | None = None
    sql: str | None = None
    time: str | None = None
    timezone: str | None = None
    dimensions: tuple[Dimension, ...] = ()
    measures: tuple[Measure, ...] = ()
    currency: Currency | None = None
    # How `kpilot ingest` loads files into this source's table (docs/ingest.md): the column(s) whose values identify
    # a row, so that a file's rows replace the table's rows with the same key; and how the files write their dates.
    key: tuple[str, ...] = ()
    date_format: str | dict[str, str] | None = None
    rollup: Rollup | None = None  # `rollup: true` keeps one over every dimension
    description: str | None = None
    origin: Location = Location()
    locations: dict[str, Location] = Field(default_factory=dict, exclude=True)

    @field_validator("rollup", mode="before")
    @classmethod
    def _rollup_shorthand(cls, value: object) -> object:
        if value is True:
            return {}
        return None if value is False else value

    @model_validator(mode="after")
    def _rollup_fits(self) -> Source:
        if self.rollup is None:
            return self
        if self.table is None or self.time is None:
            raise Invalid(Message("definitions.rollup_needs_table_and_time"))
        declared = {d.name for d in self.dimensions}
        unknown = [name for name in self.rollup.dimensions or () if name not in declared]
        if unknown:
            raise Invalid(
                Message(
                    "definitions.rollup_unknown_dimension", dimension=unknown[0], dimensions=tuple(sorted(declared))
                )
            )
        return self

    @property
    def rollup_dimensions(self) -> tuple[str, ...]:
        """The dimensions a rollup of this source is kept over (none without a rollup)."""
        if self.rollup is None:
            return ()
        if self.rollup.dimensions is None:
            return tuple(d.name for d in self.dimensions)
        return self.rollup.dimensions

    @field_validator("key", mode="before")
    @classmethod
    def _one_key_column(cls, value: object) -> object:
        return (value,) if isinstance(value, str) else value

    @field_validator("key")
    @classmethod
    def _key_columns(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(not column for column in value):
            raise Invalid(Message("definitions.key_column_unnamed"))
        if len(set(value)) != len(value):
            raise Invalid(Message("definitions.key_column_twice"))
        return value

    @model_validator(mode="after")
    def _ingest_settings_need_a_table(self) -> Source:
        if (self.key or self.date_format is not None) and self.table is None:
            raise Invalid(Message("definitions.ingest_needs_table"))
        return self

    @field_validator("dimensions", mode="before")
    @classmethod
    def _dimension_shorthand(cls, value: object) -> object:
        if isinstance(value, list | tuple):
            return [{"name": item} if isinstance(item, str) else item for item in value]
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        return value if value is None else Settings._known_zone(value)

    @field_validator("table")
    @classmethod
    def _table_name(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?", value):
            raise Invalid(Message("definitions.table_name", table=Raw(repr(value))))
        return value

    @model_validator(mode="after")
    def _one_origin(self) -> Source:
        given = [key for key in ("table", "file", "sql") if getattr(self, key) is not None]
        if len(given) != 1:
            found = tuple(given) if given else Message("definitions.none_found")
            raise Invalid(Message("definitions.one_origin", found=found))
        if self.timezone is not None and self.time is None:
            raise Invalid(Message("definitions.timezone_needs_time"))
        if self.currency is not None and self.time is None:
            raise Invalid(Message("definitions.currency_needs_time"))
        return self

    def measure(self, name: str) -> Measure | None:
        return self._measures_by_name.get(name)

    def dimension(self, name: str) -> Dimension | None:
        return self._dimensions_by_name.get(name)

    @cached_property
    def _measures_by_name(self) -> dict[str, Measure]:
        return first_by_name(self.measures)

    @cached_property
    def _dimensions_by_name(self) -> dict[str, Dimension]:
        return first_by_name(self.dimensions)


class Unit(StrEnum):
    NUMBER = "number"
    PERCENT = "percent"
    CURRENCY = "currency"
    DURATION = "duration"
    RATIO = "ratio"


class TimeUnit(StrEnum):
    """What a `duration` KPI counts in: its value 43.8 with `days` is shown as 43.8 days."""

    SECONDS = "seconds"
    MINUTES = "minutes"
    HOURS = "hours"
    DAYS = "days"
    WEEKS = "weeks"


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"
    RANGE = "range"


class Visibility(StrEnum):
    """Who may see a KPI, and over which rows (docs/permissions.md)."""

    COMPANY = "company"  # everyone with a role, over every row
    TEAM = "team"  # members over their own and their teams' rows; managers also over those below them
    PRIVATE = "private"  # each person over their own rows; managers also over their reports'
    RESTRICTED = "restricted"  # only those its `grants` name (and admins and editors), nobody else at all


class Grants(Frozen):
    """Who may see a restricted KPI besides admins and editors: people by e-mail address, teams by name (their
    members and the members of the teams under them), and everyone with a role."""

    people: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    # Admins and editors see every KPI and viewers only company ones, so a grant can only name these two roles.
    roles: tuple[Literal["manager", "member"], ...] = ()
    origin: Location = Location()
    locations: dict[str, Location] = Field(default_factory=dict, exclude=True)

    @field_validator("people", "teams", "roles", mode="before")
    @classmethod
    def _one_as_a_list(cls, value: object) -> object:
        return (value,) if isinstance(value, str) else value

    @field_validator("people")
    @classmethod
    def _addresses(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for address in value:
            if not re.fullmatch(r"[^@\s]+@[^@\s]+", address):
                raise Invalid(Message("definitions.grant_not_an_address", address=Raw(repr(address))))
        return value

    @field_validator("teams")
    @classmethod
    def _team_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(not name for name in value):
            raise Invalid(Message("definitions.grant_team_unnamed"))
        return value

    @property
    def empty(self) -> bool:
        return not (self.people or self.teams or self.roles)


class Kpi(Frozen):
    """A named formula over measures and other KPIs, with what it means and which way is good."""

    name: Identifier
    formula: str
    label: str | None = None
    description: str | None = None
    unit: Unit = Unit.NUMBER
    time_unit: TimeUnit | None = None  # for unit: duration, what the value counts in (hours, days...)
    direction: Direction = Direction.UP
    owner: str | None = None
    grain: Literal["day", "week", "month", "quarter", "year"] | None = None
    level: Literal["company", "department", "team", "individual"] | None = None
    category: str | None = None
    tier: Literal["strategic", "operational", "functional"] | None = None
    indicator: Literal["leading", "lagging"] | None = None
    nature: Literal["quantitative", "qualitative"] = "quantitative"
    tags: tuple[str, ...] = ()
    # Days a cohort needs before its value is final (leads converting, signups paying): `mature_after: 60 days`.
    mature_after: int | None = Field(default=None, ge=1, le=3660)
    at_risk: float = Field(default=0.9, gt=0, le=1)  # attainment below this is off track; between it and 1, at risk
    # Company by default: a workspace written before visibility existed showed every KPI to whoever could read it,
    # and the default keeps it so (docs/permissions.md). Narrower KPIs say so.
    visibility: Visibility = Visibility.COMPANY
    grants: Grants | None = None
    origin: Location = Location()
    locations: dict[str, Location] = Field(default_factory=dict, exclude=True)

    @model_validator(mode="after")
    def _check_time_unit(self) -> Kpi:
        if self.time_unit is not None and self.unit is not Unit.DURATION:
            raise Invalid(Message("definitions.time_unit_only_duration", unit=self.unit.value))
        return self

    @model_validator(mode="after")
    def _grants_only_restricted(self) -> Kpi:
        if self.grants is not None and self.visibility is not Visibility.RESTRICTED:
            raise Invalid(Message("definitions.grants_need_restricted", visibility=self.visibility.value))
        return self

    @property
    def title(self) -> str:
        return self.label or self.name

    @field_validator("mature_after", mode="before")
    @classmethod
    def _days(cls, value: object) -> object:
        """`60`, `60 days`, `1 day` or `8 weeks`, as a number of days."""
        if isinstance(value, str):
            match = re.fullmatch(r"\s*(\d{1,4})\s*(day|days|week|weeks)\s*", value)
            if match is None:
                raise Invalid(Message("definitions.days_or_weeks", value=Raw(repr(value))))
            return int(match[1]) * (7 if match[2].startswith("week") else 1)
        return value


class Definitions(Frozen):
    """Every definition file of a workspace, merged."""

    sources: tuple[Source, ...] = ()
    kpis: tuple[Kpi, ...] = ()
    targets: tuple[Target, ...] = ()
    goals: tuple[Goal, ...] = ()
    bonus_plans: tuple[BonusPlan, ...] = ()
    alert_rules: tuple[AlertRule, ...] = ()

    # Lookups by name go through dicts built once (a workspace may hold thousands of KPIs, each looked up by every
    # formula that names it); with duplicate names (an Issue of their own) the first definition wins, as before.

    def source(self, name: str) -> Source | None:
        return self._sources_by_name.get(name)

    def kpi(self, name: str) -> Kpi | None:
        return self._kpis_by_name.get(name)

    def targets_of(self, kpi: str) -> tuple[Target, ...]:
        return self._targets_by_kpi.get(kpi, ())

    def goal(self, name: str) -> Goal | None:
        return self._goals_by_name.get(name)

    def bonus_plan(self, name: str) -> BonusPlan | None:
        return self._bonus_plans_by_name.get(name)

    def alert_rule(self, name: str) -> AlertRule | None:
        return self._alert_rules_by_name.get(name)

    @cached_property
    def _sources_by_name(self) -> dict[str, Source]:
        return first_by_name(self.sources)

    @cached_property
    def _kpis_by_name(self) -> dict[str, Kpi]:
        return first_by_name(self.kpis)

    @cached_property
    def _goals_by_name(self) -> dict[str, Goal]:
        return first_by_name(self.goals)

    @cached_property
    def _bonus_plans_by_name(self) -> dict[str, BonusPlan]:
        return first_by_name(self.bonus_plans)

    @cached_property
    def _alert_rules_by_name(self) -> dict[str, AlertRule]:
        return first_by_name(self.alert_rules)

    @cached_property
    def _targets_by_kpi(self) -> dict[str, tuple[Target, ...]]:
        grouped: dict[str, list[Target]] = {}
        for target in self.targets:
            grouped.setdefault(target.kpi, []).append(target)
        return {kpi: tuple(targets) for kpi, targets in grouped.items()}


class _Named(Protocol):
    @property
    def name(self) -> str: ...


_NamedT = TypeVar("_NamedT", bound=_Named)


def first_by_name(items: Iterable[_NamedT]) -> dict[str, _NamedT]:
    """Items by name; the first of several with one name."""
    found: dict[str, _NamedT] = {}
    for item in items:
        found.setdefault(item.name, item)
    return found
