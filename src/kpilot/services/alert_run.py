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
- **Grouping and repeats** (`alerts.delivery.Grouping`): a delivery joins the group waiting for its recipient on
  its channel, or goes `wait` after now and not within `interval` of their last message; a scope still firing is
  told again every `repeat` after it was last told, at most `max_repeats` times per episode (`_repeat`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

from sqlalchemy.orm import Session

from kpilot.alerts.delivery import Grouping, idempotency_key, repeat_key
from kpilot.alerts.states import AlertState, State, Timing, step
from kpilot.alerts.states import NoticeKind as Notice
from kpilot.definitions.alert_model import AlertRule
from kpilot.services.alert_eval import ScopeVerdict
from kpilot.services.alert_holders import gone
from kpilot.services.alert_system import enqueue_system, failing_sources
from kpilot.services.alert_timeout import evaluated_within
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
GROUPING = Grouping()  # docs/alerts.md, "Delivery": wait 30 s, interval 5 min, repeat every 4 h at most 6 times


@dataclass(frozen=True)
class RoundReport:
    held: bool  # False: another evaluator holds the lease, nothing was done
    evaluated: int = 0  # rule-scopes
    enqueued: int = 0  # new notices in the outbox


def run_round(store: Store, workspace: Workspace, now: datetime, holder: str) -> RoundReport:
    """Every rule evaluated in every scope, if `holder` gets the lease."""
    if not take_lease(store, now, holder):
        return RoundReport(held=False)
    evaluated = enqueued = 0
    for rule in workspace.definitions.alert_rules:
        scopes, notices = run_rule(store, workspace, rule, now)
        evaluated, enqueued = evaluated + scopes, enqueued + notices
    return RoundReport(True, evaluated, enqueued)


def take_lease(store: Store, now: datetime, holder: str) -> bool:
    """Take (or renew) the evaluator's lease for `holder`; whether it holds it. A holder of this host that is gone
    is taken over from at once (services.alert_holders)."""
    with store.writing() as session:
        alerts = AlertStore(session)
        held = alerts.lease(LEASE)
        replacing = held.holder if held is not None and gone(held.holder) else None  # killed: carry on at once
        return alerts.acquire(LEASE, holder, now, LEASE_TTL, replacing=replacing)


def run_rule(store: Store, workspace: Workspace, rule: AlertRule, now: datetime) -> tuple[int, int]:
    """One rule evaluated in each of its scopes, each scope's state stepped and its notice enqueued (by the lease's
    holder: see `take_lease`); the scopes evaluated and the notices enqueued."""
    sources = failing_sources(workspace, rule)
    with store.reading() as session:
        known = [state.scope for state in AlertStore(session).states(rule.name)]
    evaluated = enqueued = 0
    for verdict in evaluated_within(workspace, rule, now, workspace.settings.alerts.timeout, known):
        evaluated += 1
        enqueued += _apply(store, rule, verdict, now, sources)
    return evaluated, enqueued


def _apply(store: Store, rule: AlertRule, verdict: ScopeVerdict, now: datetime, sources: tuple[str, ...]) -> int:
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
        payload = {"reason": json_value(_exact(verdict.verdict.reason.to_data())), "title": rule.title}
        if notice is not None and not silenced and _system(notice.kind, current):
            system = NoticeKind.ERROR if notice.kind is Notice.ERROR else NoticeKind.RESOLVED
            schedule = partial(_delivery, alerts, now=now)
            return enqueue_system(session, alerts, rule, sources, system, payload["reason"], now, schedule)
        if notice is not None and not silenced:
            told = idempotency_key(rule.name, verdict.scope, notice.kind.value, verdict.period, notice.episode)
            kind, episode, level = NoticeKind(notice.kind.value), notice.episode, AlertLevel(notice.state.value)
        elif notice is None and (repeat := _repeat(alerts, rule.name, key, moved, now)) is not None:
            if _silenced(rule, verdict.scope, alerts.active_silences(now)):
                return 0  # not repeated while silenced: the repeat is due again once the silence is over
            told, payload = repeat_key(rule.name, verdict.scope, moved.episode, repeat), {**payload, "repeat": repeat}
            kind, episode, level = NoticeKind.FIRING, moved.episode, AlertLevel.FIRING  # the firing words again
        else:
            return 0
        outbox = OutboxNotice(
            idempotency_key=told,
            rule=rule.name,
            scope=dict(verdict.scope),
            kind=kind,
            episode=episode,
            period=verdict.period,
            state=level,
            payload=payload,
            created_at=now,
        )
        return 1 if alerts.enqueue(outbox, _deliveries(session, alerts, rule, now)) else 0


def _repeat(alerts: AlertStore, rule: str, key: str, moved: AlertState, now: datetime) -> int | None:
    """The number of the repeat of a still-firing episode due now (1 for the first), None when none is.

    Only a scope that is firing, told so, and not flapping is repeated. When it was last told and how often it was
    repeated are read from the outbox, not kept in the rule's state: the outbox is where a repeat is recorded (with
    its number, under a key of its own), in the same transaction that decides it, so the two can never disagree
    and a repeated round finds the repeat it already enqueued. Last told is the latest notice of the episode
    (its firing, a repeat, a flapping notice), when it was enqueued."""
    if moved.state is not State.FIRING or moved.announced is not State.FIRING or moved.flapping:
        return None
    told = alerts.episode_notices(rule, key, moved.episode)
    if not told:
        return None
    repeats = max((_repeat_number(n) for n in told if n.kind is NoticeKind.FIRING), default=0)
    return repeats + 1 if GROUPING.repeat_due(told[-1].created_at, repeats, now) else None


def _repeat_number(notice: OutboxNotice) -> int:
    number = notice.payload.get("repeat")
    return number if isinstance(number, int) else 0  # the episode's first firing notice has none


def _deliveries(session: Session, alerts: AlertStore, rule: AlertRule, now: datetime) -> list[NewDelivery]:
    """One delivery per channel of each recipient the rule names, when grouping lets it go."""
    organisation = read_organisation(session)
    people = {person.email_key: person for person in organisation.people}
    teams = {team.name: team for team in organisation.teams}
    found = []
    for email in rule.notify.people:
        person = people.get(email_key(email))
        if person is not None:
            found += [_delivery(alerts, person.email, c.id, now) for c in alerts.channels(OwnerKind.PERSON, person.id)]
    for name in rule.notify.teams:
        team = teams.get(name)
        if team is not None:
            found += [_delivery(alerts, team.name, c.id, now) for c in alerts.channels(OwnerKind.TEAM, team.id)]
    return found


def _system(kind: Notice, before: AlertState) -> bool:
    """Whether a notice is the system's: an error, or the resolution of one (told to admins, per source)."""
    return kind is Notice.ERROR or (kind is Notice.RESOLVED and before.announced is State.ERROR)


def _delivery(alerts: AlertStore, recipient: str, channel: int, now: datetime) -> NewDelivery:
    """A delivery that joins the group waiting for the recipient on the channel, or starts one (`Grouping`)."""
    at = GROUPING.schedule(now, alerts.waiting_group(recipient, channel), alerts.last_message(recipient, channel))
    return NewDelivery(recipient, channel, at)


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
