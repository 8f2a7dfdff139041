"""`/api/v1/alerts`: a person's own channels and subscriptions, silences, and the admin view with evaluations and
deliveries (docs/api.md, "Alerts"; the rules in docs/alerts.md). Every route calls services.alert_setup or
services.alert_admin, which decide who may: one's own channels and subscriptions `FOLLOW` (every role), a team's
channels, anyone else's and silences `MANAGE_ALERTS`, the admin view `READ_ALERTS` (admins); a token's scopes
as everywhere (reading one's own needs `read`, changing anything `write`).

Something unknown (a channel, subscription, silence, person, team) is 404 in the envelope, as is one that is
someone else's (the services raise `NotFound` for both): ids cannot be probed. A channel's target is checked when
it is added and never answered back: only `target_shown` (services.alert_data)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from kpilot.auth.actor import Actor
from kpilot.errors import UserError
from kpilot.i18n import Message
from kpilot.server.identity import CurrentActor, CurrentRuntime
from kpilot.services import alert_setup as setup
from kpilot.services.alert_admin import Focus, admin_view, evaluations
from kpilot.services.alert_data import (
    admin_data,
    channel_data,
    delivery_data,
    evaluation_data,
    silence_data,
    subscription_data,
)
from kpilot.services.alert_setup import Owner
from kpilot.store.alert_records import ChannelKind, DeliveryStatus, Digest, OwnerKind, SilenceSubject, SubscriptionKind
from kpilot.store.models import ALERT_TEXT_LENGTH, EMAIL_LENGTH, NAME_LENGTH

router = APIRouter(prefix="/alerts", tags=["alerts"])

MAX_ID = 2**31 - 1  # the store's integer keys
TARGET_LENGTH = 2000  # far longer than any apprise URL a person types
SCOPE_KEY_LENGTH = 2000
ChannelId = Annotated[int, Path(ge=1, le=MAX_ID, description="The channel's id.")]
SubscriptionId = Annotated[int, Path(ge=1, le=MAX_ID, description="The subscription's id.")]
SilenceId = Annotated[int, Path(ge=1, le=MAX_ID, description="The silence's id.")]
PersonQuery = Annotated[
    str | None, Query(max_length=EMAIL_LENGTH, description="Someone else's, by e-mail address (admins).")
]
Words = Annotated[str, Field(min_length=1, max_length=ALERT_TEXT_LENGTH, pattern=r"\S")]


class ChannelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ChannelKind = Field(description="email, slack, teams, webhook or apprise.")
    target: Annotated[str, Field(min_length=1, max_length=TARGET_LENGTH, description="The channel's apprise URL.")]
    person: Annotated[str | None, Field(max_length=EMAIL_LENGTH, description="Another person's (admins).")] = None
    team: Annotated[str | None, Field(max_length=NAME_LENGTH, description="A team's (admins).")] = None
    dedupes: bool | None = Field(None, description="Whether its receiver drops a repeated Idempotency-Key.")


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: SubscriptionKind = Field(description="kpi, board or team.")
    target: Annotated[
        str, Field(min_length=1, max_length=NAME_LENGTH, description="The KPI's, board's or team's name.")
    ]
    digest: Digest = Field(Digest.WEEKLY, description="none, daily or weekly.")
    person: Annotated[str | None, Field(max_length=EMAIL_LENGTH, description="For another person (admins).")] = None


class DigestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    digest: Digest = Field(description="none, daily or weekly.")


class SilenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: SilenceSubject = Field(description="rule, kpi, source or team.")
    subject: Annotated[str, Field(min_length=1, max_length=NAME_LENGTH, description="Its name.")]
    starts_at: datetime | None = Field(None, description="From (ISO 8601, with its offset); now when left out.")
    ends_at: datetime = Field(description="Until (not included).")
    reason: Words


def now() -> datetime:
    """The moment a request acts at (tests may set it)."""
    return datetime.now(UTC)


# --- channels -------------------------------------------------------------------------------------------------
@router.get("/channels", summary="The caller's channels (an admin's: another person's or a team's)")
def list_channels(
    actor: CurrentActor,
    runtime: CurrentRuntime,
    person: PersonQuery = None,
    team: Annotated[str | None, Query(max_length=NAME_LENGTH, description="A team's channels (admins).")] = None,
) -> dict[str, Any]:
    owner = _owner(person, team)
    with runtime.store() as store:
        found = setup.channels(store, actor, owner)
    return {"channels": [channel_data(one) for one in found]}


@router.post("/channels", status_code=201, summary="Add a channel: the caller's own, or (admins) a team's")
def new_channel(body: ChannelIn, actor: CurrentActor, runtime: CurrentRuntime) -> dict[str, Any]:
    with runtime.workspace() as workspace, runtime.store() as store:
        owner = _owner(body.person, body.team) or _own(actor)
        made = setup.add_channel(
            store, workspace, actor, owner, body.kind, body.target, now=now(), dedupes=body.dedupes
        )
    return channel_data(made)


@router.delete("/channels/{channel_id}", summary="Remove a channel")
def remove_channel(channel_id: ChannelId, actor: CurrentActor, runtime: CurrentRuntime) -> dict[str, Any]:
    with runtime.store() as store:
        setup.remove_channel(store, actor, channel_id, now=now())
    return {"removed": channel_id}


# --- subscriptions --------------------------------------------------------------------------------------------
@router.get("/subscriptions", summary="What the caller follows (an admin's: anyone's)")
def list_subscriptions(actor: CurrentActor, runtime: CurrentRuntime, person: PersonQuery = None) -> dict[str, Any]:
    with runtime.store() as store:
        found = setup.subscriptions(store, actor, person)
    return {"subscriptions": [subscription_data(one) for one in found]}


@router.post("/subscriptions", status_code=201, summary="Follow a KPI, a board or a team, with a digest")
def new_subscription(body: SubscriptionIn, actor: CurrentActor, runtime: CurrentRuntime) -> dict[str, Any]:
    with runtime.workspace() as workspace, runtime.store() as store:
        made = setup.subscribe(
            store, workspace, actor, body.kind, body.target, now=now(), digest=body.digest, email=body.person
        )
    return subscription_data(made)


@router.patch("/subscriptions/{subscription_id}", summary="Change a subscription's digest")
def change_digest(
    subscription_id: SubscriptionId, body: DigestIn, actor: CurrentActor, runtime: CurrentRuntime
) -> dict[str, Any]:
    with runtime.store() as store:
        return subscription_data(setup.set_digest(store, actor, subscription_id, body.digest, now=now()))


@router.delete("/subscriptions/{subscription_id}", summary="Stop following")
def unsubscribe(subscription_id: SubscriptionId, actor: CurrentActor, runtime: CurrentRuntime) -> dict[str, Any]:
    with runtime.store() as store:
        setup.unsubscribe(store, actor, subscription_id, now=now())
    return {"removed": subscription_id}


# --- silences -------------------------------------------------------------------------------------------------
@router.get("/silences", summary="The silences not yet over (or every one)")
def list_silences(
    actor: CurrentActor,
    runtime: CurrentRuntime,
    ended: Annotated[bool, Query(description="Also those that ended.")] = False,
) -> dict[str, Any]:
    with runtime.store() as store:
        found = setup.silences(store, actor, now=now(), ended=ended)
    return {"silences": [silence_data(one) for one in found]}


@router.post("/silences", status_code=201, summary="Silence a rule, a KPI, a source or a team for a while (admins)")
def new_silence(body: SilenceIn, actor: CurrentActor, runtime: CurrentRuntime) -> dict[str, Any]:
    moment = now()
    starts_at = body.starts_at or moment
    if starts_at.tzinfo is None or body.ends_at.tzinfo is None or body.ends_at <= starts_at:
        # Told here in words and by field: the store would refuse it as a problem of its own.
        start, end = starts_at.isoformat(), body.ends_at.isoformat()
        raise UserError(Message("store.alert.silence_backwards", start=start, end=end), field="ends_at")
    with runtime.workspace() as workspace, runtime.store() as store:
        made = setup.add_silence(
            store, workspace, actor, body.kind, body.subject,
            starts_at=starts_at, ends_at=body.ends_at, reason=body.reason, now=moment,
        )  # fmt: skip
    return silence_data(made)


@router.delete("/silences/{silence_id}", summary="End a silence now (admins)")
def remove_silence(silence_id: SilenceId, actor: CurrentActor, runtime: CurrentRuntime) -> dict[str, Any]:
    with runtime.store() as store:
        setup.remove_silence(store, actor, silence_id, now=now())
    return {"removed": silence_id}


# --- the admin view -------------------------------------------------------------------------------------------
@router.get("/admin", summary="Every rule with its scopes' states, subscriptions, channels, silences, deliveries")
def admin(
    actor: CurrentActor,
    runtime: CurrentRuntime,
    person: Annotated[str | None, Query(max_length=EMAIL_LENGTH, description="What reaches this person.")] = None,
    team: Annotated[str | None, Query(max_length=NAME_LENGTH, description="What concerns this team.")] = None,
    kpi: Annotated[str | None, Query(max_length=NAME_LENGTH, description="What watches this KPI.")] = None,
    status: Annotated[DeliveryStatus | None, Query(description="Deliveries in this status only.")] = None,
) -> dict[str, Any]:
    focus = Focus(person=person or None, team=team or None, kpi=kpi or None, status=status)
    with runtime.workspace() as workspace, runtime.store() as store:
        return admin_data(admin_view(store, workspace, actor, now=now(), focus=focus))


@router.get("/evaluations", summary="A rule's last evaluations in one scope, newest first (admins)")
def rule_evaluations(
    actor: CurrentActor,
    runtime: CurrentRuntime,
    rule: Annotated[str, Query(min_length=1, max_length=NAME_LENGTH, description="The rule's name.")],
    scope: Annotated[str, Query(max_length=SCOPE_KEY_LENGTH, description="The scope's key: `team=EMEA`.")] = "",
    limit: Annotated[int, Query(ge=1, le=200, description="At most this many.")] = 20,
) -> dict[str, Any]:
    with runtime.store() as store:
        found = evaluations(store, actor, rule, scope, limit=limit)
    return {"rule": rule, "scope_key": scope, "evaluations": [evaluation_data(one) for one in found]}


@router.get("/deliveries", summary="The last deliveries with their status, newest first (admins)")
def deliveries(
    actor: CurrentActor,
    runtime: CurrentRuntime,
    status: Annotated[DeliveryStatus | None, Query(description="Only those in this status.")] = None,
) -> dict[str, Any]:
    with runtime.workspace() as workspace, runtime.store() as store:
        view = admin_view(store, workspace, actor, now=now(), focus=Focus(status=status))
    return {"deliveries": [delivery_data(one) for one in view.deliveries]}


def _owner(person: str | None, team: str | None) -> Owner | None:
    if person and team:
        raise UserError(Message("api.alerts.owner_one"), field="team")
    if team:
        return Owner(OwnerKind.TEAM, team)
    return Owner(OwnerKind.PERSON, person) if person else None


def _own(actor: Actor) -> Owner:
    """The caller's own person, by address: the service finds it (and refuses an account with no person)."""
    return Owner(OwnerKind.PERSON, actor.email or "")
