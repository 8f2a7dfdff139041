"""What a load does to the rollups over the table it wrote, in its own transaction: the rollup is up to date when
the load commits, or neither is written.

- Rows appended to a source's table, while its rollup is current: the rollup gets the daily rows of the appended
  rows alone (read from the ingest's stage, not from the table), and the days they touch are merged. Rows of any
  date count, however late they arrive.
- Anything else (the table created, replaced or upserted into, exchange rates loaded, a rollup that is not current,
  definitions that changed since it was built): the rollup is built again from all the table's rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import ibis

from kpilot.definitions.model import Definitions
from kpilot.engine.periods import Calendar
from kpilot.engine.rollups import build
from kpilot.engine.rollups.state import Declared, declared, version_text
from kpilot.errors import QueryError, UserError
from kpilot.i18n import Message, Raw
from kpilot.warehouse.data_version import DataVersions
from kpilot.warehouse.ingest_log import ensure_log, last_loads, load_before_last
from kpilot.warehouse.notices import Notice, RollupNotKept
from kpilot.warehouse.rollup_state import RollupState, ensure_states, forget_state, state_in, write_state
from kpilot.warehouse.sessions import Session, quote
from kpilot.warehouse.written import Written


@dataclass(frozen=True)
class Refresher:
    """The rollups to keep, and what their days and currency depend on."""

    rollups: tuple[Declared, ...]
    calendar: Calendar
    currency: str
    unlogged: Hashable  # the stamp of writes kpilot did not log, as the load leaves it (warehouse.data_version)

    def __call__(self, session: Session, written: Written) -> tuple[Notice, ...]:
        touched = [each for each in self.rollups if written.table in _tables_of(each)]
        if not touched:
            return ()
        ensure_states(session)
        loads = last_loads(session)
        notices: list[Notice] = []
        for each in touched:
            try:
                refresh(session, each, written, loads, self)
            except NotBuilt as refused:
                notices.append(RollupNotKept(each.source.name, refused.problem))
                _forget(session, each)
        return tuple(notices)

    def build_all(self, session: Session, names: Sequence[str] = ()) -> list[RollupState]:
        """Build the rollups again from all their rows (`names`: of these sources only)."""
        ensure_log(session)
        ensure_states(session)
        loads = last_loads(session)
        built = []
        for each in self.rollups:
            if names and each.source.name not in names:
                continue
            try:
                built.append(rebuild(session, each, loads, self))
            except NotBuilt as refused:
                problem = Message("engine.rollup_not_built", source=each.source.name, problem=refused.problem)
                raise QueryError(problem, hint=Message("engine.rollup_not_built_hint")) from None
        return [state for state in built if state is not None]


def refresher(
    definitions: Definitions, calendar: Calendar, currency: str, unlogged: Hashable, backend: str
) -> Refresher | None:
    """What keeps the definitions' rollups after a load (None: they declare none, or the warehouse cannot hold
    them: rollups are kept on DuckDB, whose every write kpilot can tell)."""
    rollups = tuple(declared(definitions, calendar.timezone, currency))
    if not rollups or backend != "duckdb":
        return None
    return Refresher(rollups, calendar, currency, unlogged)


def refresh(
    session: Session, each: Declared, written: Written, loads: dict[str, int], how: Refresher
) -> RollupState | None:
    """Bring one rollup up to date after `written`, in its transaction."""
    version = _version(each, loads, how)
    if version is None:
        return None
    state = state_in(session, each.source.name)
    stage = written.stage if written.mode == "append" and written.table == each.source.table else None
    if stage is None or state is None or not _was_current(session, state, each, written.table, loads, how):
        return rebuild(session, each, loads, how)
    rows = build.add(session, each.layout, _daily(session, each, stage, how))
    fresh = RollupState(each.source.name, each.digest, version, rows, state.built_at, dt.datetime.now(dt.UTC))
    write_state(session, fresh)
    return fresh


def _was_current(
    session: Session, state: RollupState, each: Declared, table: str, loads: dict[str, int], how: Refresher
) -> bool:
    """Whether the rollup was current before the load into `table` that the log's last entry for it records."""
    before = dict(loads)
    previous = load_before_last(session, table)
    if previous:
        before[table] = previous
    else:
        before.pop(table, None)
    return state.digest == each.digest and state.version == _version(each, before, how)


def rebuild(session: Session, each: Declared, loads: dict[str, int], how: Refresher) -> RollupState | None:
    """Build the rollup from all its source's rows (None: its data has no version, it could never be current)."""
    assert each.source.table is not None
    version = _version(each, loads, how)
    if version is None:
        return None
    rows = build.build(session, each.layout, _daily(session, each, each.source.table, how))
    now = dt.datetime.now(dt.UTC)
    state = RollupState(each.source.name, each.digest, version, rows, now, now)
    write_state(session, state)
    return state


class NotBuilt(Exception):
    """The rollup cannot be computed from the table as it is (a time column of text, a sum of text...)."""

    def __init__(self, problem: Message) -> None:
        super().__init__(str(problem))
        self.problem = problem


def _daily(session: Session, each: Declared, table: str, how: Refresher) -> build.Daily:
    """The daily rows of `table` (the source's table, or a stage like it), compiled before any of its SQL runs, so
    that a definition the rows do not fit is refused here and the load goes on without it."""
    from ibis.common.exceptions import IbisError

    source = each.source
    assert source.table is not None
    schema = build.table_schema(session, source.table)
    time = schema.get(source.time) if source.time is not None else None
    if time is None or not (time.is_date() or time.is_timestamp()):
        raise NotBuilt(Message("engine.rollup_time_not_time", column=source.time, type=Raw(str(time))))
    rows = ibis.table(schema, name=table)
    rates = None
    if each.rates is not None and each.rates.table is not None:
        rates = (each.rates, ibis.table(build.table_schema(session, each.rates.table), name=each.rates.table))
    try:
        return build.Daily.of(build.daily(each.layout, rows, rates, how.calendar, how.currency))
    except UserError as error:
        raise NotBuilt(error.message) from None
    except IbisError as error:
        raise NotBuilt(Message("engine.rollup_not_computable", problem=Raw(str(error).splitlines()[0]))) from None


def _forget(session: Session, each: Declared) -> None:
    session.execute(f"DROP TABLE IF EXISTS {quote(each.layout.table)}")
    forget_state(session, each.source.name)


def _tables_of(each: Declared) -> set[str | None]:
    return {each.source.table, each.rates.table if each.rates is not None else None} - {None}


def _version(each: Declared, loads: dict[str, int], how: Refresher) -> str | None:
    return version_text(DataVersions(loads, how.unlogged, {}), each.source, each.rates)
