"""What people set up for alerts (docs/alerts.md#channels-subscriptions-and-silences): the channels a person or a
team is told on, what a person follows, and silences.

Who may change what is decided here, once, for the command line, the API and the pages:

- a person's own channels and subscriptions: the person themself (`FOLLOW`, every role), or an admin
  (`MANAGE_ALERTS`);
- a team's channels, silences, and anyone else's channels and subscriptions: `MANAGE_ALERTS` (admins; the local
  operator);
- a subscription to a KPI needs the KPI to be one its person may see (else it is "not found", as everywhere), to a
  board one of the boards they may open, to a team one that exists.

A channel's target is checked when it is added, as the sender would check it (its kind's schemes, apprise can read
it, a webhook's host not internal unless the workspace allows it), so that a mistake is told now and not as a failed
delivery later; it is never shown back in full (`target_shown`: its scheme and host) nor written into the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from kpilot.auth.actor import Actor
from kpilot.errors import UserError
from kpilot.i18n import Message
from kpilot.services.actors import actor_of
from kpilot.services.alert_send_targets import EMAIL, GENERIC_HTTP, networks, refusal
from kpilot.services.apprise_loaded import apprise
from kpilot.services.audit import Action as Audited
from kpilot.services.audit import record
from kpilot.services.boards import board_key, boards_in
from kpilot.services.kpis import permissions_for
from kpilot.services.permissions import Action, KpiResource, NotFound, ensure
from kpilot.store.accounts import Accounts
from kpilot.store.alert_records import Channel, ChannelKind, Digest, OwnerKind, SilenceSubject, SubscriptionKind
from kpilot.store.alert_setup_records import NewSilence, Silence, Subscription
from kpilot.store.alerts import AlertStore
from kpilot.store.organisation import Organisation, read_organisation
from kpilot.store.records import Person, Team, email_key
from kpilot.store.session import Store
from kpilot.store.times import utc
from kpilot.workspace import Workspace

COMPANY_BOARD = "company"  # the company scorecard, a board everyone may follow


@dataclass(frozen=True)
class Owner:
    """Whose a channel is: a person (by e-mail address) or a team (by name)."""

    kind: OwnerKind
    name: str


@dataclass(frozen=True)
class ChannelView:
    """A channel as it is shown: its owner by name and its target cut to scheme and host (the rest may hold a
    token)."""

    id: int
    owner: Owner
    kind: ChannelKind
    target_shown: str
    dedupes: bool
    created_at: datetime


@dataclass(frozen=True)
class SubscriptionView:
    id: int
    email: str
    name: str
    kind: SubscriptionKind
    target: str
    digest: Digest
    created_at: datetime


def add_channel(
    store: Store,
    workspace: Workspace,
    actor: Actor,
    owner: Owner,
    kind: ChannelKind,
    target: str,
    *,
    now: datetime,
    dedupes: bool | None = None,
) -> ChannelView:
    """A new channel of `owner`. `dedupes` (whether its receiver drops a repeated Idempotency-Key): by default
    yes for webhooks, which are sent the key, and no for the rest."""
    target = target.strip()
    _check_target(workspace, kind, target)
    with store.writing() as session:
        organisation = read_organisation(session)
        owner_id = _owner_id(actor, organisation, owner)
        deduplicating = dedupes if dedupes is not None else _scheme(target) in GENERIC_HTTP
        channel = AlertStore(session).add_channel(owner.kind, owner_id, kind, target, dedupes=deduplicating, at=now)
        details = {"owner": owner.name, "owner_kind": owner.kind.value, "kind": kind.value, "target": shown(target)}
        record(session, actor, Audited.ALERT_CHANNEL_ADDED, now=utc(now), target=str(channel.id), details=details)
        return _channel_view(channel, organisation)


def channels(store: Store, actor: Actor, owner: Owner | None = None) -> tuple[ChannelView, ...]:
    """The channels of `owner` (the actor's own person when None; every channel for `MANAGE_ALERTS` with
    `Owner(kind, "")`, all owners of that kind)."""
    with store.reading() as session:
        organisation = read_organisation(session)
        alerts = AlertStore(session)
        if owner is not None and not owner.name:
            ensure(actor, Action.READ_ALERTS)
            found = alerts.channels(owner.kind)
        else:
            wanted = owner or _own(actor, organisation)
            found = alerts.channels(wanted.kind, _owner_id(actor, organisation, wanted, reading=True))
        return tuple(_channel_view(channel, organisation) for channel in found)


def remove_channel(store: Store, actor: Actor, channel_id: int, *, now: datetime) -> None:
    with store.writing() as session:
        organisation = read_organisation(session)
        alerts = AlertStore(session)
        channel = alerts.channel(channel_id)
        if channel is None or not _may_change(actor, organisation, channel):
            raise NotFound(Message("services.alerts.channel_unknown", channel=channel_id), field="channel")
        alerts.remove_channel(channel_id)
        record(session, actor, Audited.ALERT_CHANNEL_REMOVED, now=utc(now), target=str(channel_id))


def subscribe(
    store: Store,
    workspace: Workspace,
    actor: Actor,
    kind: SubscriptionKind,
    target: str,
    *,
    now: datetime,
    digest: Digest = Digest.WEEKLY,
    email: str | None = None,
) -> SubscriptionView:
    """`email`'s person (the actor's own when None) follows a KPI, a board or a team, with this digest."""
    with store.reading() as session:
        organisation = read_organisation(session)
        person = person_of(actor, organisation, email)
        follower = actor if person.id == actor.person_id else as_person(session, person)
    target = _followable(store, workspace, organisation, follower, kind, target.strip())
    with store.writing() as session:
        made = AlertStore(session).subscribe(person.id, kind, target, digest=digest, at=now)
        details = {"kind": kind.value, "subject": target, "digest": digest.value}
        record(session, actor, Audited.ALERT_SUBSCRIBED, now=utc(now), target=person.email, details=details)
        return _subscription_view(made, person)


def set_digest(store: Store, actor: Actor, subscription_id: int, digest: Digest, *, now: datetime) -> SubscriptionView:
    with store.writing() as session:
        organisation = read_organisation(session)
        alerts = AlertStore(session)
        found, person = _subscription(actor, organisation, alerts, subscription_id)
        changed = alerts.set_digest(found.id, digest)
        details = {"subject": found.target, "digest": digest.value, "before": found.digest.value}
        record(session, actor, Audited.ALERT_DIGEST_SET, now=utc(now), target=person.email, details=details)
        return _subscription_view(changed, person)


def unsubscribe(store: Store, actor: Actor, subscription_id: int, *, now: datetime) -> None:
    with store.writing() as session:
        organisation = read_organisation(session)
        alerts = AlertStore(session)
        found, person = _subscription(actor, organisation, alerts, subscription_id)
        alerts.unsubscribe(found.id)
        details = {"kind": found.kind.value, "subject": found.target}
        record(session, actor, Audited.ALERT_UNSUBSCRIBED, now=utc(now), target=person.email, details=details)


def subscriptions(store: Store, actor: Actor, email: str | None = None) -> tuple[SubscriptionView, ...]:
    """A person's subscriptions (the actor's own when `email` is None; anyone's for `MANAGE_ALERTS`, and every
    person's with `email=""`)."""
    with store.reading() as session:
        organisation = read_organisation(session)
        people = {person.id: person for person in organisation.people}
        if email == "":
            ensure(actor, Action.READ_ALERTS)
            found = AlertStore(session).subscriptions()
        else:
            person = person_of(actor, organisation, email, reading=True)
            found = AlertStore(session).subscriptions(person_id=person.id)
        return tuple(_subscription_view(one, people[one.person_id]) for one in found if one.person_id in people)


def add_silence(
    store: Store,
    workspace: Workspace,
    actor: Actor,
    subject_kind: SilenceSubject,
    subject: str,
    *,
    starts_at: datetime,
    ends_at: datetime,
    reason: str,
    now: datetime,
) -> Silence:
    """Silence a rule, a KPI, a source or a team from `starts_at` to `ends_at` (a maintenance window, a known
    problem): its rules still move, nobody is told until it ends."""
    ensure(actor, Action.MANAGE_ALERTS)
    subject, reason = subject.strip(), reason.strip()
    if utc(ends_at) <= utc(starts_at):
        raise UserError(
            Message("services.alerts.silence_backwards", start=utc(starts_at), end=utc(ends_at)),
            hint=Message("services.alerts.silence_backwards_hint"),
            field="ends_at",
        )
    if not reason:
        raise UserError(Message("services.alerts.silence_reason"), field="reason")
    with store.writing() as session:
        _check_subject(workspace, read_organisation(session), subject_kind, subject)
        new = NewSilence(subject_kind, subject, starts_at, ends_at, reason, actor.email or "operator")
        silence = AlertStore(session).add_silence(new)
        details = {"kind": subject_kind.value, "subject": subject, "until": utc(ends_at).isoformat()}
        record(session, actor, Audited.ALERT_SILENCED, now=utc(now), target=str(silence.id), details=details)
        return silence


def remove_silence(store: Store, actor: Actor, silence_id: int, *, now: datetime) -> None:
    ensure(actor, Action.MANAGE_ALERTS)
    with store.writing() as session:
        if not AlertStore(session).remove_silence(silence_id):
            raise NotFound(Message("services.alerts.silence_unknown", silence=silence_id), field="silence")
        record(session, actor, Audited.ALERT_SILENCE_REMOVED, now=utc(now), target=str(silence_id))


def silences(store: Store, actor: Actor, *, now: datetime, ended: bool = False) -> tuple[Silence, ...]:
    """The silences not yet over at `now` (every one with `ended`), by when they start. Everyone may read them: a
    silence is why nobody was told."""
    ensure(actor, Action.READ_KPIS)
    with store.reading() as session:
        every = AlertStore(session).silences()
    kept = every if ended else tuple(one for one in every if one.ends_at > utc(now))
    return tuple(sorted(kept, key=lambda one: (one.starts_at, one.id)))


def shown(target: str) -> str:
    """A target as it may be shown: its scheme and host for web and e-mail addresses (`json://hooks.example.com`,
    `mailtos://smtp.example.com`), only its scheme for the others, whose "host" is often a token (`slack://…`);
    paths, users, passwords, queries and tokens left out."""
    scheme = _scheme(target)
    if scheme not in GENERIC_HTTP | EMAIL | {"http", "https"}:
        return f"{scheme}://…" if scheme else "…"  # slack://TOKEN/…, msteams://…: what follows is a token
    try:
        host = urlsplit(target).hostname
    except ValueError:
        host = None
    return f"{scheme}://{host or '…'}"


def _check_target(workspace: Workspace, kind: ChannelKind, target: str) -> None:
    probe = Channel(0, OwnerKind.PERSON, 0, kind, target, dedupes=False, created_at=datetime.min)
    allowed = networks(workspace.settings.alerts.internal_webhooks)
    refused = refusal(probe, allow_internal=False, allowed=allowed)
    if refused is not None and not refused.retry:  # a name that does not resolve now may later: kept
        hint = Message(f"services.alerts.channel.{kind.value}")
        raise UserError(Message(refused.code), hint=hint, field="target")
    if not apprise.Apprise().add(target):
        raise UserError(Message("alerts.message.error.bad_target"), hint=Message("services.alerts.apprise_hint"))


def _owner_id(actor: Actor, organisation: Organisation, owner: Owner, *, reading: bool = False) -> int:
    if owner.kind is OwnerKind.TEAM:
        ensure(actor, Action.READ_ALERTS if reading else Action.MANAGE_ALERTS)
        return _team(organisation, owner.name).id
    return person_of(actor, organisation, owner.name, reading=reading).id


def person_of(actor: Actor, organisation: Organisation, email: str | None, *, reading: bool = False) -> Person:
    """The person a change (or, `reading`, a read) is about: the actor's own (`FOLLOW`; reading, `READ_KPIS`,
    which a read-only token has), or anyone's by address (`MANAGE_ALERTS`; reading, `READ_ALERTS`)."""
    own = next((p for p in organisation.people if p.id == actor.person_id), None) if actor.person_id else None
    if email is None or (own is not None and email_key(email) == own.email_key):
        ensure(actor, Action.READ_KPIS if reading else Action.FOLLOW)
        if own is None:
            raise UserError(Message("services.alerts.no_person"), hint=Message("services.alerts.no_person_hint"))
        return own
    ensure(actor, Action.READ_ALERTS if reading else Action.MANAGE_ALERTS)
    found = next((p for p in organisation.people if p.email_key == email_key(email)), None)
    if found is None:
        raise NotFound(Message("services.alerts.person_unknown", email=email), field="person")
    return found


def _own(actor: Actor, organisation: Organisation) -> Owner:
    return Owner(OwnerKind.PERSON, person_of(actor, organisation, None).email)


def _team(organisation: Organisation, name: str) -> Team:
    found = next((team for team in organisation.teams if team.name.casefold() == name.casefold()), None)
    if found is None:
        names = tuple(team.name for team in organisation.teams)
        raise NotFound(Message("services.alerts.team_unknown", team=name), field="team", suggestions=names[:20])
    return found


def _may_change(actor: Actor, organisation: Organisation, channel: Channel) -> bool:
    """Whether the actor may change the channel: it is their own person's, or they manage alerts. Someone who may
    not is told it does not exist, as for one that does not."""
    try:
        ensure(actor, Action.MANAGE_ALERTS)
        return True
    except UserError:
        own = channel.owner_kind is OwnerKind.PERSON and channel.owner_id == actor.person_id
        if own:
            ensure(actor, Action.FOLLOW)
        return own


def _subscription(
    actor: Actor, organisation: Organisation, alerts: AlertStore, subscription_id: int
) -> tuple[Subscription, Person]:
    found = next((one for one in alerts.subscriptions() if one.id == subscription_id), None)
    person = next((p for p in organisation.people if found and p.id == found.person_id), None)
    if found is None or person is None:
        raise NotFound(Message("services.alerts.subscription_unknown", subscription=subscription_id))
    try:
        person_of(actor, organisation, person.email)
    except UserError:
        raise NotFound(Message("services.alerts.subscription_unknown", subscription=subscription_id)) from None
    return found, person


def _followable(
    store: Store, workspace: Workspace, organisation: Organisation, follower: Actor, kind: SubscriptionKind, target: str
) -> str:
    """The subject's name as kept, once it is known that `follower` may follow it."""
    day = workspace.calendar.today()
    if kind is SubscriptionKind.KPI:
        permissions = permissions_for(follower, workspace, on=day, store=store)
        permissions.ensure(Action.READ_KPIS, KpiResource(target, workspace.definitions))
        return target
    if kind is SubscriptionKind.TEAM:
        return _team(organisation, target).name
    if board_key(target) == COMPANY_BOARD:
        return COMPANY_BOARD
    keys = {board.key: board.team.name for board in boards_in(organisation, follower, day)}
    if board_key(target) not in keys:
        raise NotFound(Message("services.alerts.board_unknown", board=target), field="board")
    return keys[board_key(target)]


def as_person(session: Session, person: Person) -> Actor:
    """The person as they would ask themself: their account's roles (none without an enabled account: a person
    with no role may follow nothing they could not see)."""
    account = Accounts(session).by_email(person.email)
    if account is None or account.disabled:
        return Actor(account_id=None, person_id=person.id, email=person.email, roles=frozenset())
    return actor_of(session, account)


def _check_subject(workspace: Workspace, organisation: Organisation, kind: SilenceSubject, subject: str) -> None:
    definitions = workspace.definitions
    known: tuple[str, ...]
    if kind is SilenceSubject.RULE:
        known = tuple(rule.name for rule in definitions.alert_rules)
    elif kind is SilenceSubject.KPI:
        known = tuple(kpi.name for kpi in definitions.kpis)
    elif kind is SilenceSubject.SOURCE:
        known = tuple(source.name for source in definitions.sources)
    else:
        known = tuple(team.name for team in organisation.teams)
    if subject not in known:
        raise UserError(
            Message(
                "services.alerts.subject_unknown", kind=Message(f"services.alerts.subject.{kind.value}"), name=subject
            ),
            field="subject",
            suggestions=known[:20],
        )


def _channel_view(channel: Channel, organisation: Organisation) -> ChannelView:
    if channel.owner_kind is OwnerKind.PERSON:
        name = next((p.email for p in organisation.people if p.id == channel.owner_id), str(channel.owner_id))
    else:
        name = next((t.name for t in organisation.teams if t.id == channel.owner_id), str(channel.owner_id))
    return ChannelView(
        channel.id,
        Owner(channel.owner_kind, name),
        channel.kind,
        shown(channel.target),
        channel.dedupes,
        channel.created_at,
    )


def _subscription_view(subscription: Subscription, person: Person) -> SubscriptionView:
    return SubscriptionView(
        subscription.id,
        person.email,
        person.name,
        subscription.kind,
        subscription.target,
        subscription.digest,
        subscription.created_at,
    )


def _scheme(target: str) -> str:
    return target.partition("://")[0].lower() if "://" in target else ""


__all__ = [
    "COMPANY_BOARD",
    "ChannelView",
    "Owner",
    "SubscriptionView",
    "add_channel",
    "add_silence",
    "as_person",
    "channels",
    "person_of",
    "remove_channel",
    "remove_silence",
    "set_digest",
    "shown",
    "silences",
    "subscribe",
    "subscriptions",
    "unsubscribe",
]
