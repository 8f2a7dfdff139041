"""System alerts: a rule that cannot be evaluated is the system's problem, not its team's (docs/alerts.md,
"Evaluation errors").

When a rule's scope moves to `error` (3 failed evaluations in a row), the rule's own recipients are not told:
the evaluator raises one system alert per failing source instead, to the workspace's admins, so that a source that
went away with twenty rules on it sends one message, not twenty. When the scope is resolved again after it, the
admins are told the source recovered, once, the same way. A system notice's key is its source, its kind and the
day, so however many rules and scopes fail on a source in a day it is enqueued once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from kpilot.alerts.delivery import idempotency_key
from kpilot.definitions.alert_model import AlertRule
from kpilot.forecast.history import sources_of
from kpilot.store.accounts import Accounts
from kpilot.store.alert_records import AlertLevel, NewDelivery, NoticeKind, OutboxNotice, OwnerKind
from kpilot.store.alerts import AlertStore
from kpilot.store.people import People
from kpilot.workspace import Workspace

SYSTEM = "system"  # the rule name system notices go under in the outbox


def failing_sources(workspace: Workspace, rule: AlertRule) -> tuple[str, ...]:
    """The sources a rule reads (its `source`, or its KPIs'), by name; none when they cannot be told (an unknown
    KPI), and then the rule itself stands for its source."""
    if rule.source:
        return (rule.source,)
    names: set[str] = set()
    for kpi in (rule.kpi, rule.volume.kpi if rule.volume else None):
        if kpi and workspace.definitions.kpi(kpi) is not None:
            names |= sources_of(workspace, kpi)
    return tuple(sorted(names))


def enqueue_system(
    session: Session,
    alerts: AlertStore,
    rule: AlertRule,
    sources: tuple[str, ...],
    kind: NoticeKind,
    reason: dict[str, object],
    now: datetime,
    deliveries_for: Callable[[str, int], NewDelivery],
) -> int:
    """One system notice per source (`kind`: error, or resolved after one) to the admins' channels, each delivery
    made by `deliveries_for(recipient, channel id)` (the grouping's schedule); how many new notices were enqueued
    (0 for a source already told today)."""
    admins = _admins(session)
    enqueued = 0
    day = now.date().isoformat()
    for source in sources or (f"rule:{rule.name}",):
        scope = {"source": source}
        notice = OutboxNotice(
            idempotency_key=idempotency_key(SYSTEM, scope, kind.value, day, 0),
            rule=SYSTEM,
            scope=scope,
            kind=kind,
            episode=0,
            period=day,
            state=AlertLevel.ERROR if kind is NoticeKind.ERROR else AlertLevel.OK,
            payload={"reason": reason, "title": source, "rule": rule.name},
            created_at=now,
        )
        deliveries: list[NewDelivery] = []
        for email, person_id in admins:
            deliveries += [deliveries_for(email, c.id) for c in alerts.channels(OwnerKind.PERSON, person_id)]
        enqueued += 1 if alerts.enqueue(notice, deliveries) else 0
    return enqueued


def _admins(session: Session) -> list[tuple[str, int]]:
    """The admins who are people of the organisation (with their person's id): whom system alerts go to."""
    people = People(session)
    found = []
    for account in Accounts(session).all():
        if "admin" in account.roles and not account.disabled:
            person = people.by_email(account.email)
            if person is not None:
                found.append((person.email, person.id))
    return found
