"""Digests put in the outbox when they are due (docs/alerts.md#digests), on each tick of the alert scheduler
(services.alert_schedule) that holds the evaluator's lease.

- **When**: at 08:00 in the person's time zone (else the workspace's): every day for a daily digest, on the
  workspace's first day of the week for a weekly one. A tick that comes later still finds it due (the server was
  down at 08:00): a daily digest until the day ends, a weekly one until the week does.
- **Once**: the notice's idempotency key is the person's and the local day's (or the week's first day), so however
  often ticks run, and however many processes run them, one digest per person and day (week) is enqueued. The key
  is looked up before the digest is computed, so that a tick after the first costs no computation.
- **Whose**: people with a daily or weekly subscription (the most often of theirs counts) and a channel to be told
  on; with neither, nothing is enqueued. The digest is computed as the person (services.digest), and the notice
  keeps its data (codes and numbers), which the sender writes in each recipient's language.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kpilot.alerts.delivery import idempotency_key
from kpilot.auth.actor import Actor
from kpilot.errors import UserError
from kpilot.services.digest import digest
from kpilot.services.digest_data import digest_data
from kpilot.store.alert_records import AlertLevel, Digest, NewDelivery, NoticeKind, OutboxNotice, OwnerKind
from kpilot.store.alerts import AlertStore
from kpilot.store.organisation import read_organisation
from kpilot.store.records import Person
from kpilot.store.session import Store
from kpilot.workspace import Workspace

SEND_AT = time(8, 0)  # the local hour a digest goes out
RULE = "digest"  # the outbox's `rule` for digests: no alert rule has a name a digest's could be taken for
LOG = logging.getLogger("kpilot.alerts")


def enqueue_due_digests(store: Store, workspace: Workspace, now: datetime) -> int:
    """Put every digest due at `now` and not yet enqueued in the outbox; how many were."""
    with store.reading() as session:
        organisation = read_organisation(session)
        alerts = AlertStore(session)
        wanted: dict[int, set[Digest]] = {}
        for one in alerts.subscriptions():
            wanted.setdefault(one.person_id, set()).add(one.digest)
        due = []
        for person in organisation.people:
            frequency = _frequency(wanted.get(person.id, set()))
            day = _due_day(person, frequency, workspace, now) if frequency is not None else None
            if frequency is None or day is None:
                continue
            key = idempotency_key(RULE, {"person": person.email_key}, frequency.value, day.isoformat(), 0)
            channels = alerts.channels(OwnerKind.PERSON, person.id)
            if channels and alerts.notice_by_key(key) is None:
                due.append((person, frequency, day, key, tuple(channel.id for channel in channels)))
    enqueued = 0
    for person, frequency, day, key, channel_ids in due:
        try:
            found = digest(store, workspace, Actor.operator(), person.email, now)
        except UserError as error:  # no enabled account, a KPI that cannot be computed now: told, tried next tick
            LOG.warning("digest %s: %s", person.id, error.code)
            continue
        notice = OutboxNotice(
            idempotency_key=key,
            rule=RULE,
            scope={"person": person.email},
            kind=NoticeKind.DIGEST,
            episode=0,
            period=day.isoformat(),
            state=AlertLevel.OK,
            payload={"digest": digest_data(found), "frequency": frequency.value},
            created_at=now,
        )
        deliveries = [NewDelivery(person.email, channel_id, now) for channel_id in channel_ids]
        with store.writing() as session:
            enqueued += AlertStore(session).enqueue(notice, deliveries)
    return enqueued


def _frequency(wanted: set[Digest]) -> Digest | None:
    return next((f for f in (Digest.DAILY, Digest.WEEKLY) if f in wanted), None)


def _due_day(person: Person, frequency: Digest, workspace: Workspace, now: datetime) -> date | None:
    """The local day (a weekly digest: the week's first day) whose digest is due at `now`, or None before 08:00 of
    it."""
    local = now.astimezone(_zone(person.timezone or workspace.settings.timezone, workspace))
    day = local.date()
    if frequency is Digest.WEEKLY:
        day -= timedelta(days=(day.weekday() - workspace.calendar.week_start) % 7)
    return day if local.replace(tzinfo=None) >= datetime.combine(day, SEND_AT) else None


def _zone(name: str, workspace: Workspace) -> ZoneInfo:
    """A person's zone; the workspace's when theirs is not one (the store takes any text)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(workspace.settings.timezone)
