"""What the bonus ledger's repository (`store.bonus`) takes and hands out: immutable values, never ORM rows.

These mirror, without importing, the pure ledger of `kpilot.incentives` (the store sits beside it, not above it):
services convert one into the other. Money is a Decimal in the currency's own unit (12.34 EUR), kept in the store as
exact integer minor units (1234 cents).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any


class RunStatus(StrEnum):
    """Where a bonus run is in its workflow: draft -> review -> approved -> paid (review may go back to draft)."""

    DRAFT = "draft"
    REVIEW = "review"
    APPROVED = "approved"
    PAID = "paid"


class LineKind(StrEnum):
    EARNED = "earned"  # what a period's results earned, computed by a run
    ADJUSTMENT = "adjustment"  # a later correction, posted into an open period
    PAID = "paid"  # what was paid out


class DisputeStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Approval:
    run_id: int
    approver: str  # the e-mail address, case folded (one approval per address)
    at: datetime


@dataclass(frozen=True)
class Run:
    id: int
    plan: str
    period: str  # the plan's period computed, as named: `2026-10`
    started_at: datetime
    started_by: str  # an actor's e-mail address, or `operator`
    definitions_sha: str  # the content hash of the definitions the run computed with
    status: RunStatus
    approvals_needed: int  # 1 or 2 distinct approvers
    changed_at: datetime  # the last change of status (a new run: when it started)
    changed_by: str
    approvals: tuple[Approval, ...] = ()  # oldest first


@dataclass(frozen=True)
class NewLine:
    """A ledger line to append to a run. `component` is "" for a line about the whole plan. `reason_values` and
    `details` are JSON values; a Decimal among them is kept as its text (read back as a string), a float is refused
    (it would not be the number that was computed)."""

    person_id: int
    period: str  # the period the money is for
    posted_in: str  # the period whose statement shows the line
    component: str
    kind: LineKind
    amount: Decimal
    currency: str
    reason_code: str | None = None
    reason_values: Mapping[str, Any] | None = None
    before: Decimal | None = None
    after: Decimal | None = None
    details: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Line:
    id: int
    run_id: int
    plan: str
    person_id: int
    period: str
    posted_in: str
    component: str
    kind: LineKind
    amount: Decimal
    currency: str
    reason_code: str | None
    reason_values: Mapping[str, Any] | None
    before: Decimal | None
    after: Decimal | None
    details: Mapping[str, Any] | None
    created_at: datetime


@dataclass(frozen=True)
class Lock:
    plan: str
    period: str
    locked_at: datetime
    locked_by: str


@dataclass(frozen=True)
class Dispute:
    id: int
    line_id: int
    person_id: int  # the person the line is about
    reason: str
    status: DisputeStatus
    opened_at: datetime
    resolved_at: datetime | None
    resolved_by: str | None
    resolution: str | None


@dataclass(frozen=True)
class Compensation:
    """A person's yearly base pay and working time from `valid_from` (inclusive) to `valid_to` (exclusive; None
    while it lasts). `fte` is a fraction of full time, 0 < fte <= 1, to the thousandth (0.8 is four days a week)."""

    id: int
    person_id: int
    valid_from: date
    valid_to: date | None
    base_pay: Decimal
    currency: str
    fte: Decimal

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)
