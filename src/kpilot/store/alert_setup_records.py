"""What people set up for alerts, as the store hands it out: subscriptions, silences, and the scheduler's leases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kpilot.store.alert_records import Digest, SilenceSubject, SubscriptionKind


@dataclass(frozen=True)
class Subscription:
    """A person following a KPI, a board or a team, with the digest they want of it."""

    id: int
    person_id: int
    kind: SubscriptionKind
    target: str  # the KPI's, board's or team's name
    digest: Digest
    created_at: datetime


@dataclass(frozen=True)
class NewSilence:
    subject_kind: SilenceSubject
    subject: str  # the KPI's, source's, team's or rule's name
    starts_at: datetime
    ends_at: datetime  # not included
    reason: str
    created_by: str  # an e-mail address, or `operator`


@dataclass(frozen=True)
class Silence:
    id: int
    subject_kind: SilenceSubject
    subject: str
    starts_at: datetime
    ends_at: datetime
    reason: str
    created_by: str

    def active_at(self, moment: datetime) -> bool:
        return self.starts_at <= moment < self.ends_at


@dataclass(frozen=True)
class Lease:
    """A named piece of work held by one process until `expires_at` (not included)."""

    name: str
    holder: str
    acquired_at: datetime  # when this holder took it (a renewal keeps it)
    expires_at: datetime
