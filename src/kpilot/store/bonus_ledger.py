"""The bonus ledger and its period locks.

The ledger is only ever appended to (triggers refuse updates and deletes of its lines): a correction is a new
`adjustment` line, never a changed one. A locked period never changes: no `earned` line is written for it, and no
line of any kind is posted into it (adjustments go into the open period). Lines are added to a run while it is a
draft; `paid` lines, which record a payout, to an approved run. A batch is checked whole before anything is written,
so a batch with one line refused writes none.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kpilot.i18n import Message
from kpilot.store.bonus_amounts import from_minor, optional_amount, optional_json, optional_minor, to_minor
from kpilot.store.bonus_records import Line, LineKind, Lock, NewLine, RunStatus
from kpilot.store.bonus_workflow import BonusRuns, status_word
from kpilot.store.errors import StoreError
from kpilot.store.models import BonusLineRow, BonusLockRow, PersonRow
from kpilot.store.times import utc

# The run's status each kind of line may be added in.
ADDED_WHILE = {
    LineKind.EARNED: RunStatus.DRAFT,
    LineKind.ADJUSTMENT: RunStatus.DRAFT,
    LineKind.PAID: RunStatus.APPROVED,
}
# PostgreSQL advisory locks are named by numbers: this one, with the plan's checksum, means "this plan's ledger".
LEDGER_LOCK = 7_160_002


class BonusLedger:
    """The ledger's lines and the locked periods, through one session (whose transaction the caller owns)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def append_lines(self, run_id: int, lines: Sequence[NewLine], *, at: datetime) -> tuple[Line, ...]:
        """Lines of a run, all or none: each is checked (the run's status, locks, people, amounts) first."""
        run = BonusRuns(self.session).run_row(run_id)
        self.hold_plan(run.plan)
        locked = set(self.locked_period_names(run.plan))
        people = set(self.session.scalars(select(PersonRow.id).where(PersonRow.id.in_({n.person_id for n in lines}))))
        rows = []
        for new in lines:
            if run.status != ADDED_WHILE[new.kind].value:
                raise StoreError(
                    Message(
                        "store.bonus.line_refused_by_status",
                        run=str(run_id),
                        current=status_word(RunStatus(run.status)),
                        kind=Message(f"store.bonus.kind.{new.kind.value}"),
                    ),
                    field="kind",
                )
            closed = new.period if new.kind is LineKind.EARNED and new.period in locked else None
            closed = closed or (new.posted_in if new.posted_in in locked else None)
            if closed is not None:
                raise StoreError(
                    Message("store.bonus.period_locked", plan=run.plan, period=closed),
                    hint=Message("store.bonus.period_locked_hint"),
                    field="period",
                )
            if new.person_id not in people:
                raise StoreError(Message("store.bonus.person_unknown", person=str(new.person_id)), field="person")
            rows.append(_row(run_id, run.plan, new, at))
        self.session.add_all(rows)
        self.session.flush()
        return tuple(_line(row) for row in rows)

    def lines(
        self, plan: str, person_id: int | None = None, period: str | None = None, *, posted_in: str | None = None
    ) -> tuple[Line, ...]:
        """A plan's lines (of one person, for one period, posted into one period, as asked), in the order written."""
        query = select(BonusLineRow).where(BonusLineRow.plan == plan)
        if person_id is not None:
            query = query.where(BonusLineRow.person_id == person_id)
        if period is not None:
            query = query.where(BonusLineRow.period == period)
        if posted_in is not None:
            query = query.where(BonusLineRow.posted_in == posted_in)
        return tuple(_line(row) for row in self.session.scalars(query.order_by(BonusLineRow.id)))

    def run_lines(self, run_id: int) -> tuple[Line, ...]:
        query = select(BonusLineRow).where(BonusLineRow.run_id == run_id).order_by(BonusLineRow.id)
        return tuple(_line(row) for row in self.session.scalars(query))

    def line(self, line_id: int) -> Line | None:
        row = self.session.get(BonusLineRow, line_id)
        return None if row is None else _line(row)

    # --- locks ----------------------------------------------------------------------------------------------
    def lock(self, plan: str, period: str, *, by: str, at: datetime) -> Lock:
        """Close a plan's period for good; locking it again is refused (it was closed by someone already)."""
        self.hold_plan(plan)
        existing = self.session.get(BonusLockRow, (plan, period))
        if existing is not None:
            raise StoreError(
                Message("store.bonus.locked_already", plan=plan, period=period, by=existing.locked_by),
                field="period",
            )
        row = BonusLockRow(plan=plan, period=period, locked_at=utc(at), locked_by=by)
        self.session.add(row)
        self.session.flush()
        return _lock(row)

    def hold_plan(self, plan: str) -> None:
        """Hold the plan's ledger until the transaction ends, so that a lock and lines being appended happen one
        after the other: without it, on PostgreSQL, a period locked by another transaction between this one's check
        and its commit could take a line. SQLite needs nothing more: its writers already run one at a time."""
        if self.session.get_bind().dialect.name == "postgresql":
            key = zlib.crc32(plan.encode()) - 2**31  # PostgreSQL's int4
            self.session.execute(select(func.pg_advisory_xact_lock(LEDGER_LOCK, key)))

    def locked_periods(self, plan: str) -> tuple[Lock, ...]:
        query = select(BonusLockRow).where(BonusLockRow.plan == plan).order_by(BonusLockRow.period)
        return tuple(_lock(row) for row in self.session.scalars(query))

    def locked_period_names(self, plan: str) -> tuple[str, ...]:
        query = select(BonusLockRow.period).where(BonusLockRow.plan == plan).order_by(BonusLockRow.period)
        return tuple(self.session.scalars(query))

    def is_locked(self, plan: str, period: str) -> bool:
        return self.session.get(BonusLockRow, (plan, period)) is not None


def _row(run_id: int, plan: str, new: NewLine, at: datetime) -> BonusLineRow:
    return BonusLineRow(
        run_id=run_id,
        plan=plan,
        person_id=new.person_id,
        period=new.period,
        posted_in=new.posted_in,
        component=new.component,
        kind=new.kind.value,
        amount_minor=to_minor(new.amount, new.currency),
        currency=new.currency,
        reason_code=new.reason_code,
        reason_values=optional_json(new.reason_values),
        before_minor=optional_minor(new.before, new.currency),
        after_minor=optional_minor(new.after, new.currency),
        details=optional_json(new.details),
        created_at=utc(at),
    )


def _line(row: BonusLineRow) -> Line:
    return Line(
        id=row.id,
        run_id=row.run_id,
        plan=row.plan,
        person_id=row.person_id,
        period=row.period,
        posted_in=row.posted_in,
        component=row.component,
        kind=LineKind(row.kind),
        amount=from_minor(row.amount_minor, row.currency),
        currency=row.currency,
        reason_code=row.reason_code,
        reason_values=None if row.reason_values is None else dict(row.reason_values),
        before=optional_amount(row.before_minor, row.currency),
        after=optional_amount(row.after_minor, row.currency),
        details=None if row.details is None else dict(row.details),
        created_at=row.created_at,
    )


def _lock(row: BonusLockRow) -> Lock:
    return Lock(row.plan, row.period, row.locked_at, row.locked_by)
