"""`/alerts`: what the signed-in person follows and where they are told (docs/dashboard.md#alert-pages). Their
subscriptions, each with its digest to change and a button to stop following; forms to follow a KPI (the KPIs they
may see, as services.kpis shows them), a board or a team (the boards they may open); their own channels, each shown
by scheme and host only, with forms to add and remove one; and the silences now in force, to read.

Every change is a plain form that posts the session's CSRF token (server.web.edit_forms) to a route that calls
services.alert_setup, which decides who may and checks what is asked (a KPI they may not see is unknown, a webhook
to an internal address refused); a refusal comes back on this page in the reader's words, nothing written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from kpilot.errors import UserError
from kpilot.i18n import Language, render, text, value_text
from kpilot.server.problems import status_of
from kpilot.server.reading import seen_by
from kpilot.server.runtime import Runtime
from kpilot.server.web.edit_forms import form_reader, refusal_page
from kpilot.server.web.reader import Reader, signed_in, signed_page
from kpilot.services import alert_setup as setup
from kpilot.services.boards import team_boards
from kpilot.services.permissions import Action, PermissionDenied, can
from kpilot.store.alert_records import ChannelKind, Digest, OwnerKind, SubscriptionKind
from kpilot.store.alert_setup_records import Silence

router = APIRouter(include_in_schema=False)
PAGE = "/alerts"
FIELD_LENGTH = 200
TARGET_LENGTH = 2000
DONE = frozenset({"follow", "digest", "unfollow", "channel_added", "channel_removed"})
Act = Callable[[Runtime, Reader], str]


@dataclass(frozen=True)
class SilenceRow:
    id: int
    kind: str  # the subject's kind, in words
    subject: str
    starts: str
    ends: str
    reason: str
    by: str


@router.get(PAGE)
async def alerts_page(request: Request) -> Response:
    reader = await signed_in(request)
    if not isinstance(reader, Reader):
        return reader
    done = request.query_params.get("done", "")[:FIELD_LENGTH]
    return await run_in_threadpool(_page, request, reader, done, "", 200)


@router.post(PAGE + "/follow")
async def follow(request: Request) -> Response:
    fields = await request.form()

    def act(runtime: Runtime, reader: Reader) -> str:
        kind = SubscriptionKind(_field(fields, "kind")) if _field(fields, "kind") in _values(SubscriptionKind) else None
        digest = Digest(_field(fields, "digest")) if _field(fields, "digest") in _values(Digest) else Digest.WEEKLY
        with runtime.workspace() as workspace, runtime.store() as store:
            setup.subscribe(store, workspace, reader.actor, kind or SubscriptionKind.KPI, _field(fields, "target"),
                            now=now(), digest=digest)  # fmt: skip
        return "follow"

    return await acted(request, fields, act, PAGE, _page)


@router.post(PAGE + "/subscriptions/{subscription_id}/digest")
async def digest(request: Request, subscription_id: int) -> Response:
    fields = await request.form()

    def act(runtime: Runtime, reader: Reader) -> str:
        chosen = Digest(_field(fields, "digest")) if _field(fields, "digest") in _values(Digest) else Digest.WEEKLY
        with runtime.store() as store:
            setup.set_digest(store, reader.actor, subscription_id, chosen, now=now())
        return "digest"

    return await acted(request, fields, act, PAGE, _page)


@router.post(PAGE + "/subscriptions/{subscription_id}/unfollow")
async def unfollow(request: Request, subscription_id: int) -> Response:
    fields = await request.form()

    def act(runtime: Runtime, reader: Reader) -> str:
        with runtime.store() as store:
            setup.unsubscribe(store, reader.actor, subscription_id, now=now())
        return "unfollow"

    return await acted(request, fields, act, PAGE, _page)


@router.post(PAGE + "/channels")
async def add_channel(request: Request) -> Response:
    fields = await request.form()

    def act(runtime: Runtime, reader: Reader) -> str:
        chosen = _field(fields, "kind")
        kind = ChannelKind(chosen) if chosen in _values(ChannelKind) else ChannelKind.EMAIL
        target = str(fields.get("target") or "").strip()[:TARGET_LENGTH]
        with runtime.workspace() as workspace, runtime.store() as store:
            own = setup.Owner(OwnerKind.PERSON, reader.actor.email or "")
            setup.add_channel(store, workspace, reader.actor, own, kind, target, now=now())
        return "channel_added"

    return await acted(request, fields, act, PAGE, _page)


@router.post(PAGE + "/channels/{channel_id}/remove")
async def remove_channel(request: Request, channel_id: int) -> Response:
    fields = await request.form()

    def act(runtime: Runtime, reader: Reader) -> str:
        with runtime.store() as store:
            setup.remove_channel(store, reader.actor, channel_id, now=now())
        return "channel_removed"

    return await acted(request, fields, act, PAGE, _page)


Shown = Callable[[Request, Reader, str, str, int], Response]


async def acted(request: Request, fields: Any, act: Act, page: str, shown: Shown) -> Response:
    """A form's change done by `act` (in the thread pool), then back to `page?done=...`; a refusal of the service
    shown on the page (`shown`) with the status the API would answer, nothing written; no permission a 403 page."""
    reader = await form_reader(request, str(fields.get("csrf") or ""), page)
    if not isinstance(reader, Reader):
        return reader
    runtime: Runtime = request.app.state.runtime
    try:
        done = await run_in_threadpool(act, runtime, reader)
    except PermissionDenied as error:
        if status_of(error) == 404:  # unknown, or someone else's: said on the page
            return await run_in_threadpool(shown, request, reader, "", problem(error, reader.language), 404)
        return refusal_page(request, reader, "web.alerts.not_allowed", error=error, status_code=403)
    except UserError as error:
        return await run_in_threadpool(shown, request, reader, "", problem(error, reader.language), status_of(error))
    return RedirectResponse(f"{page}?{urlencode({'done': done})}", status_code=303)


def problem(error: UserError, language: Language) -> str:
    said = render(error.message, language)
    return f"{said} {render(error.hint, language)}" if error.hint is not None else said


def _page(request: Request, reader: Reader, done: str, problem: str, status: int) -> Response:
    runtime: Runtime = request.app.state.runtime
    language = reader.language
    try:
        with runtime.store() as store:
            followed = setup.subscriptions(store, reader.actor)
            mine = setup.channels(store, reader.actor)
            quiet = setup.silences(store, reader.actor, now=now())
            with seen_by(runtime, reader.actor) as workspace:
                kpis = tuple((kpi.name, kpi.title) for kpi in workspace.definitions.kpis)
                boards = team_boards(store, reader.actor, workspace.calendar.today())
    except PermissionDenied as error:
        return refusal_page(request, reader, "web.alerts.not_allowed", error=error, status_code=403)
    except UserError as error:  # an account with no person: nothing to follow with
        return refusal_page(request, reader, "web.alerts.not_shown", error=error, status_code=422)
    return signed_page(
        request,
        "alerts.html",
        reader,
        status,
        subscriptions=followed,
        channels=tuple((one, moment_text(one.created_at, language)) for one in mine),
        silences=tuple(silence_row(one, language) for one in quiet),
        kpis=kpis,
        boards=(setup.COMPANY_BOARD, *(board.team.name for board in boards)),
        teams=tuple(board.team.name for board in boards),
        digests=tuple(one.value for one in Digest),
        channel_kinds=tuple(one.value for one in ChannelKind),
        done=text(f"web.alerts.done.{done}", language) if done in DONE else "",
        problem=problem,
        may_manage=can(reader.actor, Action.MANAGE_ALERTS),  # the admin page's link (the service decides)
    )


def silence_row(silence: Silence, language: Language) -> SilenceRow:
    return SilenceRow(
        silence.id,
        text(f"services.alerts.subject.{silence.subject_kind.value}", language),
        silence.subject,
        moment_text(silence.starts_at, language),
        moment_text(silence.ends_at, language),
        silence.reason,
        silence.created_by,
    )


def moment_text(moment: datetime | None, language: Language) -> str:
    """A moment in the reader's way of writing dates, in UTC (said so: the server does not know the reader's zone)."""
    if moment is None:
        return ""
    return text("web.alerts.at_utc", language, at=value_text(moment.astimezone(UTC), language))


def _field(fields: Any, name: str) -> str:
    return str(fields.get(name) or "").strip()[:FIELD_LENGTH]


def _values(kind: Any) -> frozenset[str]:
    return frozenset(one.value for one in kind)


def now() -> datetime:
    return datetime.now(UTC)
