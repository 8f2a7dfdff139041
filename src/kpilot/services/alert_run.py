"""One round of the alert evaluator: every rule evaluated (services.alert_eval), each scope's state stepped
(alerts.states) and stored, and what must be told put in the outbox with one delivery per recipient's channel.

- **One evaluator at a time**: a round first takes the store's `alerts` lease; a process that cannot take it does
  nothing (another is evaluating), and a crashed evaluator's lease expires, so the next round takes over.
- **Nothing twice, nothing lost**: each scope's new state, its evaluation and its notice are one transaction, the
  state written only over the version read (a second evaluator's write makes this one roll back), and a notice is
  enqueued under its idempotency key (rule, scope, state, period, episode), so a round repeated after a crash
  re-finds what was done and enqueues nothing new.
- **Silences** (a rule, its KPI or source, or a team in its scope, silenced now): the state moves, nothing is told,
  and what people were last told is kept, so the state it is in is told once the silence is over.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from kpilot.alerts.delivery import Grouping, idempotency_key
from kpilot.alerts.states import AlertState, State, Timing, step
from kpilot.definitions.alert_model import AlertRule
from kpilot.services.alert_eval import ScopeVerdict, evaluate
from kpilot.store.alert_records import (
    AlertLevel,
    Evaluation,
    EvaluationOutcome,
    NewDelivery,
    NoticeKind,
    OutboxNotice,
    OwnerKind,
    SilenceSubject,
    StoredState,
    json_value,
    scope_key,
)
from kpilot.store.alert_setup_records import Silence
from kpilot.store.alerts import AlertStore
from kpilot.store.organisation import read_organisation
from kpilot.store.records import email_key
from kpilot.store.session import Store
from kpilot.workspace import Workspace

LEASE = "alerts"
LEASE_TTL = timedelta(minutes=5)


@dataclass(frozen=True)
class RoundReport:
    held: bool  # False: another evaluator holds the lease, nothing was done
    evaluated: int = 0  # rule-scopes
    enqueued: int = 0  # new notices in the outbox


def run_round(store: Store, workspace: Workspace, now: datetime, holder: str) -> RoundReport:
    with store.writing() as session:
        if not AlertStore(session).acquire(LEASE, holder, now, LEASE_TTL):
            return RoundReport(held=False)
    evaluated = enqueued = 0
    for rule in workspace.definitions.alert_rules:
        for verdict in evaluate(workspace, rule, now):
            evaluated += 1
            enqueued += _apply(store, rule, verdict, now)
    return RoundReport(True, evaluated, enqueued)


def _apply(store: Store, rule: AlertRule, verdict: ScopeVerdict, now: datetime) -> int:
    """Step one scope's state and enqueue its notice, in one transaction; 1 if a new notice was enqueued."""
    key = scope_key(verdict.scope)
    with store.writing() as session:
        alerts = AlertStore(session)
        stored = alerts.state(rule.name, key)
        current = _domain(stored)
        moved, notice = step(current, verdict.verdict.outcome, Timing(rule.pending_for, rule.keep_firing_for))
        silenced = notice is not None and _silenced(rule, verdict.scope, alerts.active_silences(now))
        if silenced:
            moved = replace(moved, announced=current.announced)  # told once the silence is over
        alerts.put_state(_stored(rule, verdict, moved, now, stored), expected_version=stored.version if stored else 0)
        alerts.record_evaluation(
            Evaluation(
                rule=rule.name,
                scope_key=key,
                period=verdict.period,
                at=now,
                outcome=EvaluationOutcome(verdict.verdict.outcome.value),
                state=AlertLevel(moved.state.value),
                reason_code=verdict.verdict.reason.code,
                reason_values=json_value(_exact(verdict.verdict.reason.to_data()["values"])),
                value=None if verdict.value is None else repr(verdict.value),
            )
        )
        if notice is None or silenced:
            return 0
        deliveries = _deliveries(session, alerts, rule, now)
        outbox = OutboxNotice(
            idempotency_key=idempotency_key(
                rule.name, verdict.scope, notice.kind.value, verdict.period, notice.episode
            ),
            rule=rule.name,
            scope=dict(verdict.scope),
            kind=NoticeKind(notice.kind.value),
            episode=notice.episode,
            period=verdict.period,
            state=AlertLevel(notice.state.value),
            payload={"reason": json_value(_exact(verdict.verdict.reason.to_data())), "title": rule.title},
            created_at=now,
        )
        return 1 if alerts.enqueue(outbox, deliveries) else 0


def _deliveries(session: Session, alerts: AlertStore, rule: AlertRule, now: datetime) -> list[NewDelivery]:
    """One delivery per channel of each recipient the rule names, after the grouping wait."""
    organisation = read_organisation(session)
    people = {person.email_key: person for person in organisation.people}
    teams = {team.name: team for team in organisation.teams}
    at = Grouping().send_at(now, None)
    found = []
    for email in rule.notify.people:
        person = people.get(email_key(email))
        if person is not None:
            found += [NewDelivery(person.email, c.id, at) for c in alerts.channels(OwnerKind.PERSON, person.id)]
    for name in rule.notify.teams:
        team = teams.get(name)
        if team is not None:
            found += [NewDelivery(team.name, c.id, at) for c in alerts.channels(OwnerKind.TEAM, team.id)]
    return found


def _exact(value: Any) -> Any:
    """Reason data with the warehouse's floats as the Decimals of their shortest text (the store keeps no float:
    it would not read back as the number that was judged)."""
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Mapping):
        return {key: _exact(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_exact(item) for item in value]
    return value


def _silenced(rule: AlertRule, scope: Mapping[str, str], silences: Sequence[Silence]) -> bool:
    subjects = {(SilenceSubject.RULE, rule.name)}
    if rule.kpi:
        subjects.add((SilenceSubject.KPI, rule.kpi))
    if rule.source:
        subjects.add((SilenceSubject.SOURCE, rule.source))
    if "team" in scope:
        subjects.add((SilenceSubject.TEAM, scope["team"]))
    return any((silence.subject_kind, silence.subject) in subjects for silence in silences)


def _domain(stored: StoredState | None) -> AlertState:
    if stored is None:
        return AlertState()
    return AlertState(
        state=State(stored.state.value),
        streak=stored.streak,
        empties=stored.empties,
        failures=stored.failures,
        episode=stored.episode,
        in_episode=stored.in_episode,
        recent=tuple(State(level.value) for level in stored.recent),
        flapping=stored.flapping,
        announced=State(stored.announced.value),
    )


def _stored(
    rule: AlertRule, verdict: ScopeVerdict, moved: AlertState, now: datetime, stored: StoredState | None
) -> StoredState:
    return StoredState(
        rule=rule.name,
        scope=dict(verdict.scope),
        state=AlertLevel(moved.state.value),
        streak=moved.streak,
        empties=moved.empties,
        failures=moved.failures,
        episode=moved.episode,
        in_episode=moved.in_episode,
        recent=tuple(AlertLevel(level.value) for level in moved.recent),
        flapping=moved.flapping,
        announced=AlertLevel(moved.announced.value),
        evaluated_at=now,
        version=stored.version if stored else 0,
    )
