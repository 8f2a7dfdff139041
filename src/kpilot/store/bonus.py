"""Bonuses in the store (docs/store.md#bonuses): runs and their workflow, the append-only ledger, period locks,
disputes and compensation, as one repository over one session.

`BonusStore` gathers the four small repositories (`bonus_workflow`, `bonus_ledger`, `bonus_disputes`,
`bonus_compensation`), so that services hold one object; each hands out the immutable values of `bonus_records`.
Nothing here imports `kpilot.incentives`: the services turn its ledger lines into `NewLine`s and back.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from kpilot.store.bonus_compensation import BonusCompensation
from kpilot.store.bonus_disputes import BonusDisputes
from kpilot.store.bonus_leaves import BonusLeaves, Leave
from kpilot.store.bonus_ledger import BonusLedger
from kpilot.store.bonus_records import (
    Approval,
    Compensation,
    Dispute,
    DisputeStatus,
    Line,
    LineKind,
    Lock,
    NewLine,
    Run,
    RunStatus,
)
from kpilot.store.bonus_workflow import BonusRuns

__all__ = [
    "Approval",
    "BonusStore",
    "Compensation",
    "Dispute",
    "DisputeStatus",
    "Leave",
    "Line",
    "LineKind",
    "Lock",
    "NewLine",
    "Run",
    "RunStatus",
]


class BonusStore(BonusRuns, BonusLedger, BonusDisputes, BonusCompensation, BonusLeaves):
    """Every bonus table of the store, read and written through one session (whose transaction the caller owns:
    `store.writing()` commits all of a call or, when it raises, none of it)."""

    def __init__(self, session: Session) -> None:
        self.session = session
