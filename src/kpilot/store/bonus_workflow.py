"""Bonus runs and their workflow: draft -> review -> approved -> paid, and review back to draft.

A run is approved only once it has as many distinct approvers as it needs (one, or two for four eyes); an approver
approves a run in review, once. A run sent back to draft loses its approvals: they were given for what was reviewed,
and what comes back for review is looked at again. Who may move a run is decided by the services, not here.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kpilot.errors import InternalError
from kpilot.i18n import Message
from kpilot.store.bonus_records import Approval, Run, RunStatus
from kpilot.store.errors import StoreError
from kpilot.store.models import BonusRunApprovalRow, BonusRunRow
from kpilot.store.records import email_key
from kpilot.store.times import utc

# The legal moves; anything else is refused.
NEXT: dict[RunStatus, frozenset[RunStatus]] = {
    RunStatus.DRAFT: frozenset({RunStatus.REVIEW}),
    RunStatus.REVIEW: frozenset({RunStatus.APPROVED, RunStatus.DRAFT}),
    RunStatus.APPROVED: frozenset({RunStatus.PAID}),
    RunStatus.PAID: frozenset(),
}
APPROVALS_ALLOWED = (1, 2)


def status_word(status: RunStatus) -> Message:
    return Message(f"store.bonus.status.{status.value}")


class BonusRuns:
    """The bonus runs of the store, read and written through one session (whose transaction the caller owns)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def start_run(
        self, *, plan: str, period: str, started_by: str, definitions_sha: str, approvals_needed: int, at: datetime
    ) -> Run:
        """A new run of `plan` for `period`, in draft."""
        if approvals_needed not in APPROVALS_ALLOWED:  # the plan's definition was validated: this is a bug
            raise InternalError(f"a bonus run needs 1 or 2 approvals, not {approvals_needed}")
        row = BonusRunRow(
            plan=plan,
            period=period,
            started_at=utc(at),
            started_by=started_by,
            definitions_sha=definitions_sha,
            status=RunStatus.DRAFT.value,
            approvals_needed=approvals_needed,
            changed_at=utc(at),
            changed_by=started_by,
        )
        self.session.add(row)
        self.session.flush()
        return self._run(row)

    def run(self, run_id: int) -> Run | None:
        row = self.session.get(BonusRunRow, run_id)
        return None if row is None else self._run(row)

    def runs(self, plan: str, period: str | None = None) -> tuple[Run, ...]:
        """The runs of a plan (for one period, or all), oldest first."""
        query = select(BonusRunRow).where(BonusRunRow.plan == plan)
        if period is not None:
            query = query.where(BonusRunRow.period == period)
        rows = self.session.scalars(query.order_by(BonusRunRow.started_at, BonusRunRow.id))
        return tuple(self._run(row) for row in rows)

    def set_status(self, run_id: int, status: RunStatus, *, by: str, at: datetime) -> Run:
        """Move a run to `status`, if that is a legal move and (to approve it) it has its approvals."""
        row = self._row_for_update(run_id)
        current = RunStatus(row.status)
        if status not in NEXT[current]:
            raise StoreError(
                Message(
                    "store.bonus.transition_refused",
                    run=str(run_id),
                    current=status_word(current),
                    wanted=status_word(status),
                ),
                hint=Message("store.bonus.transition_refused_hint"),
                field="status",
            )
        approvals = self._approvals(run_id)
        if status is RunStatus.APPROVED and len(approvals) < row.approvals_needed:
            raise StoreError(
                Message(
                    "store.bonus.approvals_missing",
                    run=str(run_id),
                    needed=row.approvals_needed,
                    given=len(approvals),
                ),
                field="status",
            )
        if status is RunStatus.DRAFT:
            self.session.execute(delete(BonusRunApprovalRow).where(BonusRunApprovalRow.run_id == run_id))
        row.status = status.value
        row.changed_at = utc(at)
        row.changed_by = by
        self.session.flush()
        return self._run(row)

    def approve(self, run_id: int, approver: str, *, at: datetime) -> Run:
        """`approver` (an e-mail address) approves a run in review; the same address twice is refused."""
        row = self._row_for_update(run_id)
        if row.status != RunStatus.REVIEW.value:
            raise StoreError(
                Message(
                    "store.bonus.approve_not_in_review", run=str(run_id), current=status_word(RunStatus(row.status))
                ),
                field="status",
            )
        key = email_key(approver)
        if any(approval.approver == key for approval in self._approvals(run_id)):
            raise StoreError(Message("store.bonus.approved_twice", run=str(run_id), approver=key), field="approver")
        self.session.add(BonusRunApprovalRow(run_id=run_id, approver=key, at=utc(at)))
        self.session.flush()
        return self._run(row)

    def run_row(self, run_id: int) -> BonusRunRow:
        """The row of a run, for the other bonus repositories of this package; an unknown run is refused."""
        row = self.session.get(BonusRunRow, run_id)
        if row is None:
            raise StoreError(Message("store.bonus.run_unknown", run=str(run_id)), field="run")
        return row

    def _row_for_update(self, run_id: int) -> BonusRunRow:
        # On PostgreSQL the row is locked until the transaction ends, so that two approvers approving at once, or an
        # approval racing a move back to draft, are done one after the other (SQLite's writers are already serial).
        query = select(BonusRunRow).where(BonusRunRow.id == run_id).with_for_update()
        row = self.session.scalars(query).first()
        if row is None:
            raise StoreError(Message("store.bonus.run_unknown", run=str(run_id)), field="run")
        return row

    def _approvals(self, run_id: int) -> tuple[Approval, ...]:
        query = select(BonusRunApprovalRow).where(BonusRunApprovalRow.run_id == run_id)
        rows = self.session.scalars(query.order_by(BonusRunApprovalRow.at, BonusRunApprovalRow.id))
        return tuple(Approval(row.run_id, row.approver, row.at) for row in rows)

    def _run(self, row: BonusRunRow) -> Run:
        return Run(
            id=row.id,
            plan=row.plan,
            period=row.period,
            started_at=row.started_at,
            started_by=row.started_by,
            definitions_sha=row.definitions_sha,
            status=RunStatus(row.status),
            approvals_needed=row.approvals_needed,
            changed_at=row.changed_at,
            changed_by=row.changed_by,
            approvals=self._approvals(row.id),
        )
