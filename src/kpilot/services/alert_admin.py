"""The alerts admin view (docs/alerts.md#the-admin-view): every rule with whom it tells and where each of its scopes
stands, every subscription and channel, the silences, and the last deliveries with their status; narrowed to a
person, a team or a KPI.

Only `READ_ALERTS` (admins, the local operator) reads it: it shows who is told what, across the company. A
person's own subscriptions and channels are `services.alert_setup`'s. Channel targets are shown cut to scheme and
host, as everywhere; delivery errors are message codes, never a target.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from kpilot.auth.actor import Actor
from kpilot.definitions.alert_model import AlertRule
from kpilot.services.alert_setup import ChannelView, Owner, SubscriptionView, channels, shown, subscriptions
from kpilot.services.alert_system import SYSTEM
from kpilot.services.permissions import Action, ensure
from kpilot.store.alert_records import (
    AlertLevel,
    ChannelKind,
    Delivery,
    DeliveryStatus,
    Evaluation,
    NoticeKind,
    OwnerKind,
    StoredState,
)
from kpilot.store.alert_setup_records import Silence
from kpilot.store.alerts import AlertStore
from kpilot.store.organisation import Organisation, read_organisation
from kpilot.store.records import email_key
from kpilot.store.session import Store
from kpilot.workspace import Workspace

DELIVERIES_SHOWN = 100


@dataclass(frozen=True)
class Focus:
    """What the view is narrowed to (all None: everything)."""

    person: str | None = None  # an e-mail address
    team: str | None = None
    kpi: str | None = None
    status: DeliveryStatus | None = None  # deliveries in this status only


@dataclass(frozen=True)
class ScopeView:
    """Where a rule stands in one scope, with its last evaluation."""

    scope: dict[str, str]
    scope_key: str
    state: AlertLevel
    episode: int
    flapping: bool
    evaluated_at: datetime
    last: Evaluation | None


@dataclass(frozen=True)
class RuleView:
    name: str
    title: str
    kind: str  # `when`
    kpi: str | None
    source: str | None
    grain: str
    by: tuple[str, ...]
    people: tuple[str, ...]  # whom it tells, as its definition names them
    teams: tuple[str, ...]
    scopes: tuple[ScopeView, ...]  # by scope key

    @property
    def firing(self) -> int:
        return sum(1 for scope in self.scopes if scope.state in (AlertLevel.FIRING, AlertLevel.RECOVERING))


@dataclass(frozen=True)
class DeliveryView:
    id: int
    rule: str
    notice: NoticeKind
    scope: dict[str, str]
    period: str
    recipient: str
    channel_kind: ChannelKind | None  # None: its channel was removed since
    channel_shown: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime
    last_error: str | None  # a message code
    sent_at: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class AdminView:
    focus: Focus
    rules: tuple[RuleView, ...]
    subscriptions: tuple[SubscriptionView, ...]
    channels: tuple[ChannelView, ...]
    silences: tuple[Silence, ...]  # not yet over
    deliveries: tuple[DeliveryView, ...]  # newest first, at most DELIVERIES_SHOWN


def admin_view(store: Store, workspace: Workspace, actor: Actor, *, now: datetime, focus: Focus = Focus()) -> AdminView:
    ensure(actor, Action.READ_ALERTS)
    with store.reading() as session:
        organisation = read_organisation(session)
        alerts = AlertStore(session)
        day = workspace.calendar.today()
        teams = _teams_of(organisation, focus.person, day) if focus.person else ()
        rules = tuple(rule for rule in workspace.definitions.alert_rules if _concerns(rule, focus, teams))
        rule_views = tuple(_rule_view(alerts, rule, focus) for rule in rules)
        deliveries = _deliveries(alerts, {rule.name for rule in rules}, focus, organisation)
        silences = tuple(one for one in alerts.silences() if one.ends_at > now and _silence_concerns(one, focus))
    every_channel = channels(store, actor, Owner(OwnerKind.PERSON, "")) + channels(
        store, actor, Owner(OwnerKind.TEAM, "")
    )
    every_subscription = subscriptions(store, actor, "")
    return AdminView(
        focus=focus,
        rules=rule_views,
        subscriptions=tuple(one for one in every_subscription if _subscription_concerns(one, focus, organisation, day)),
        channels=tuple(one for one in every_channel if _channel_concerns(one, focus, teams)),
        silences=tuple(sorted(silences, key=lambda one: (one.starts_at, one.id))),
        deliveries=deliveries,
    )


def evaluations(store: Store, actor: Actor, rule: str, scope_key: str, *, limit: int = 20) -> tuple[Evaluation, ...]:
    """The last evaluations of a rule in a scope, newest first: why it is where it is."""
    ensure(actor, Action.READ_ALERTS)
    with store.reading() as session:
        return AlertStore(session).evaluations(rule, scope_key, limit)


def _teams_of(organisation: Organisation, email: str, day: date) -> tuple[str, ...]:
    """The teams the person is in on `day` (whose rules and channels reach them)."""
    person = next((p for p in organisation.people if p.email_key == email_key(email)), None)
    return () if person is None else tuple(team.name for team in organisation.teams_on(person.id, day))


def _concerns(rule: AlertRule, focus: Focus, teams: tuple[str, ...]) -> bool:
    if focus.kpi is not None and focus.kpi not in (rule.kpi, rule.volume.kpi if rule.volume else None):
        return False
    if focus.team is not None:
        named = {team.casefold() for team in rule.notify.teams}
        scoped = rule.scope.get("team", "").casefold() == focus.team.casefold() or "team" in rule.by
        if focus.team.casefold() not in named and not scoped:
            return False
    if focus.person is not None:
        people = {email_key(one) for one in rule.notify.people}
        if email_key(focus.person) not in people and not set(rule.notify.teams) & set(teams):
            return False
    return True


def _rule_view(alerts: AlertStore, rule: AlertRule, focus: Focus) -> RuleView:
    states = alerts.states(rule.name)
    if focus.team is not None and "team" in rule.by:
        states = tuple(one for one in states if one.scope.get("team", "").casefold() == focus.team.casefold())
    return RuleView(
        name=rule.name,
        title=rule.title,
        kind=rule.when.value,
        kpi=rule.kpi,
        source=rule.source,
        grain=rule.grain,
        by=tuple(rule.by),
        people=tuple(rule.notify.people),
        teams=tuple(rule.notify.teams),
        scopes=tuple(_scope_view(alerts, one) for one in sorted(states, key=lambda one: one.scope_key)),
    )


def _scope_view(alerts: AlertStore, state: StoredState) -> ScopeView:
    last = alerts.evaluations(state.rule, state.scope_key, 1)
    return ScopeView(
        scope=dict(state.scope),
        scope_key=state.scope_key,
        state=state.state,
        episode=state.episode,
        flapping=state.flapping,
        evaluated_at=state.evaluated_at,
        last=last[0] if last else None,
    )


def _deliveries(
    alerts: AlertStore, rules: set[str], focus: Focus, organisation: Organisation
) -> tuple[DeliveryView, ...]:
    recipient = focus.person or focus.team
    if focus.person is not None:  # deliveries name people as the organisation writes their address
        wanted = email_key(focus.person)
        recipient = next((p.email for p in organisation.people if p.email_key == wanted), focus.person)
    elif focus.team is not None:
        wanted = focus.team.casefold()
        recipient = next((t.name for t in organisation.teams if t.name.casefold() == wanted), focus.team)
    found: list[Delivery] = list(alerts.deliveries(recipient=recipient, status=focus.status, limit=DELIVERIES_SHOWN))
    views = []
    for delivery in found:
        notice = alerts.notice(delivery.outbox_id)
        if notice is None or not _shown(notice.rule, notice.kind, rules, focus):
            continue
        channel = alerts.channel(delivery.channel_id)
        views.append(
            DeliveryView(
                id=delivery.id,
                rule=notice.rule,
                notice=notice.kind,
                scope=dict(notice.scope),
                period=notice.period,
                recipient=delivery.recipient,
                channel_kind=channel.kind if channel else None,
                channel_shown=shown(channel.target) if channel else "",
                status=delivery.status,
                attempts=delivery.attempts,
                next_attempt_at=delivery.next_attempt_at,
                last_error=delivery.last_error,
                sent_at=delivery.sent_at,
                created_at=notice.created_at,
            )
        )
    return tuple(views)


def _shown(rule: str, kind: NoticeKind, rules: set[str], focus: Focus) -> bool:
    """Whether a notice's deliveries are in the view: its rule's, digests, and system alerts (but for a KPI)."""
    return rule in rules or kind is NoticeKind.DIGEST or (rule == SYSTEM and focus.kpi is None)


def _silence_concerns(silence: Silence, focus: Focus) -> bool:
    if focus.kpi is not None and silence.subject_kind.value == "kpi":
        return silence.subject == focus.kpi
    if focus.team is not None and silence.subject_kind.value == "team":
        return silence.subject.casefold() == focus.team.casefold()
    return True


def _subscription_concerns(one: SubscriptionView, focus: Focus, organisation: Organisation, day: date) -> bool:
    if focus.person is not None and email_key(one.email) != email_key(focus.person):
        return False
    if focus.kpi is not None and (one.kind.value != "kpi" or one.target != focus.kpi):
        return False
    if focus.team is not None:
        members = set(_members(organisation, focus.team, day))
        return one.target.casefold() == focus.team.casefold() or email_key(one.email) in members
    return True


def _members(organisation: Organisation, team: str, day: date) -> tuple[str, ...]:
    found = next((t for t in organisation.teams if t.name.casefold() == team.casefold()), None)
    if found is None:
        return ()
    ids = {m.person_id for m in organisation.memberships if m.team_id == found.id and m.covers(day)}
    return tuple(p.email_key for p in organisation.people if p.id in ids)


def _channel_concerns(one: ChannelView, focus: Focus, teams: tuple[str, ...]) -> bool:
    if focus.person is not None:
        own = one.owner.kind is OwnerKind.PERSON and email_key(one.owner.name) == email_key(focus.person)
        return own or (one.owner.kind is OwnerKind.TEAM and one.owner.name in teams)
    if focus.team is not None:
        return one.owner.kind is OwnerKind.TEAM and one.owner.name.casefold() == focus.team.casefold()
    return True
