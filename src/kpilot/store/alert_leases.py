"""Scheduler leases: one process at a time runs a named piece of work (the evaluation loop), and a crashed one's
work is taken over once its lease expires.

`acquire` is one statement, `INSERT ... ON CONFLICT (name) DO UPDATE ... WHERE expires_at <= now OR holder = ?`:
the lease is taken if it is free, expired or already the holder's (renewing it), and the database decides between
two processes acquiring at once (on PostgreSQL the second waits for the first to commit, then finds the lease held;
on SQLite writers run one at a time). A lease lasts until `expires_at`, not included.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, delete, or_, select
from sqlalchemy.orm import Session

from kpilot.store.alert_inserts import upsert
from kpilot.store.alert_setup_records import Lease
from kpilot.store.models import SchedulerLeaseRow
from kpilot.store.times import utc


class SchedulerLeases:
    """The scheduler's leases, through one session (whose transaction the caller owns: the lease is taken when it
    commits)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def acquire(self, name: str, holder: str, now: datetime, ttl: timedelta, *, replacing: str | None = None) -> bool:
        """Hold `name` for `holder` until `now + ttl`, if it is free, expired, already `holder`'s, or held by
        `replacing` (a holder known to be gone); whether it is."""
        now = utc(now)
        statement = upsert(self.session, SchedulerLeaseRow).values(
            name=name, holder=holder, acquired_at=now, expires_at=now + ttl
        )
        lease = SchedulerLeaseRow
        renewing = lease.holder == statement.excluded.holder
        statement = statement.on_conflict_do_update(
            index_elements=["name"],
            set_={
                "holder": statement.excluded.holder,
                "acquired_at": case((renewing, lease.acquired_at), else_=statement.excluded.acquired_at),
                "expires_at": statement.excluded.expires_at,
            },
            where=or_(lease.expires_at <= now, renewing, lease.holder == (replacing or holder)),
        )
        return self.session.execute(statement.returning(lease.name)).first() is not None

    def release(self, name: str, holder: str) -> bool:
        """Give `name` up, if `holder` holds it (an expired lease taken over is not the old holder's to release)."""
        result = self.session.execute(
            delete(SchedulerLeaseRow)
            .where(SchedulerLeaseRow.name == name, SchedulerLeaseRow.holder == holder)
            .returning(SchedulerLeaseRow.name)
            .execution_options(synchronize_session=False)
        )
        return result.first() is not None

    def lease(self, name: str) -> Lease | None:
        """Who holds `name` and until when (an expired lease is still shown, with its expiry)."""
        query = select(SchedulerLeaseRow).where(SchedulerLeaseRow.name == name)
        row = self.session.scalars(query.execution_options(populate_existing=True)).one_or_none()
        return None if row is None else Lease(row.name, row.holder, row.acquired_at, row.expires_at)
