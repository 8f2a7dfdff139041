"""`/alerts/admin`: the alerts admin's page (docs/dashboard.md#alert-pages), from services.alert_admin.admin_view,
which only `MANAGE_ALERTS` (admins) may read: anyone else gets a 403 page. Every rule with whom it tells and each of
its scopes' state and last evaluation (its reason in words), the subscriptions by person, the channels (by scheme
and host), the silences in force with a form to add one and a button to end each, and the last deliveries with
their status; narrowed by person, team, KPI and delivery status in the URL (a plain GET form).

Silences are added and ended through services.alert_setup, which decides who may; times are typed and shown in UTC."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from kpilot.errors import UserError
from kpilot.i18n import Language, Message, render, text
from kpilot.i18n.catalogue import catalogue
from kpilot.server.runtime import Runtime
from kpilot.server.web.alerts_page import FIELD_LENGTH, acted, moment_text, silence_row
from kpilot.server.web.edit_forms import refusal_page
from kpilot.server.web.reader import Reader, signed_in, signed_page
from kpilot.services import alert_setup as setup
from kpilot.services.alert_admin import DeliveryView, Focus, RuleView, admin_view
from kpilot.services.alert_message import reason_message
from kpilot.services.permissions import PermissionDenied
from kpilot.store.alert_records import DeliveryStatus, SilenceSubject
from kpilot.store.models import ALERT_TEXT_LENGTH

router = APIRouter(include_in_schema=False)
PAGE = "/alerts/admin"
FILTERS = ("person", "team", "kpi", "status")
DONE = frozenset({"silenced", "silence_ended"})


@dataclass(frozen=True)
class ScopeRow:
    scope: str
    state: str  # the state's value (for a data attribute)
    state_words: str
    flapping: bool
    episode: int
    evaluated: str
    last: str  # the last evaluation: its outcome, period and reason, in words


@dataclass(frozen=True)
class RuleBlock:
    name: str
    title: str
    when: str
    watches: str  # the KPI or the source
    tells: str
    scopes: tuple[ScopeRow, ...]


@dataclass(frozen=True)
class DeliveryRow:
    id: int
    created: str
    rule: str
    notice: str
    scope: str
    recipient: str
    channel: str
    status: str
    status_words: str
    attempts: int
    error: str
    sent: str


@router.get(PAGE)
async def admin_page(request: Request) -> Response:
    reader = await signed_in(request)
    if not isinstance(reader, Reader):
        return reader
    done = request.query_params.get("done", "")[:FIELD_LENGTH]
    return await run_in_threadpool(_page, request, reader, done, "", 200)


@router.post(PAGE + "/silences")
async def add_silence(request: Request) -> Response:
    fields = await request.form()

    def act(runtime: Runtime, reader: Reader) -> str:
        kind = _field(fields, "kind")
        moment = datetime.now(UTC)
        starts = _moment(fields, "starts") or moment
        ends = _moment(fields, "ends")
        reason = str(fields.get("reason") or "").strip()[:ALERT_TEXT_LENGTH]
        # Told here, by field: the store would refuse these as a problem of its own.
        if ends is None:
            raise UserError(Message("web.alerts.ends_needed"), field="ends")
        if ends <= starts:
            raise UserError(Message("store.alert.silence_backwards", start=starts.isoformat(), end=ends.isoformat()),
                            field="ends")  # fmt: skip
        if not reason:
            raise UserError(Message("web.alerts.reason_needed"), field="reason")
        subject = SilenceSubject(kind) if kind in {one.value for one in SilenceSubject} else SilenceSubject.RULE
        with runtime.workspace() as workspace, runtime.store() as store:
            setup.add_silence(store, workspace, reader.actor, subject, _field(fields, "subject"),
                              starts_at=starts, ends_at=ends, reason=reason, now=moment)  # fmt: skip
        return "silenced"

    return await acted(request, fields, act, PAGE, _page)


@router.post(PAGE + "/silences/{silence_id}/remove")
async def remove_silence(request: Request, silence_id: int) -> Response:
    fields = await request.form()

    def act(runtime: Runtime, reader: Reader) -> str:
        with runtime.store() as store:
            setup.remove_silence(store, reader.actor, silence_id, now=datetime.now(UTC))
        return "silence_ended"

    return await acted(request, fields, act, PAGE, _page)


def _page(request: Request, reader: Reader, done: str, problem: str, status: int) -> Response:
    runtime: Runtime = request.app.state.runtime
    language = reader.language
    asked = {name: request.query_params.get(name, "").strip()[:FIELD_LENGTH] for name in FILTERS}
    chosen = asked["status"] if asked["status"] in {one.value for one in DeliveryStatus} else ""
    focus = Focus(
        person=asked["person"] or None,
        team=asked["team"] or None,
        kpi=asked["kpi"] or None,
        status=DeliveryStatus(chosen) if chosen else None,
    )
    try:
        with runtime.workspace() as workspace, runtime.store() as store:
            view = admin_view(store, workspace, reader.actor, now=datetime.now(UTC), focus=focus)
            definitions = workspace.definitions
            subjects = {
                "rule": tuple(rule.name for rule in definitions.alert_rules),
                "kpi": tuple(kpi.name for kpi in definitions.kpis),
                "source": tuple(source.name for source in definitions.sources),
            }
    except PermissionDenied as error:
        return refusal_page(request, reader, "web.alerts.not_allowed", error=error, status_code=403)
    return signed_page(
        request,
        "alerts_admin.html",
        reader,
        status,
        asked=asked | {"status": chosen},
        kpis=subjects["kpi"],
        subjects=subjects,
        statuses=tuple(one.value for one in DeliveryStatus),
        silence_kinds=tuple(one.value for one in SilenceSubject),
        rules=tuple(_rule(rule, language) for rule in view.rules),
        subscriptions=view.subscriptions,
        channels=view.channels,
        silences=tuple(silence_row(one, language) for one in view.silences),
        removable=True,
        deliveries=tuple(_delivery(one, language) for one in view.deliveries),
        done=text(f"web.alerts.done.{done}", language) if done in DONE else "",
        problem=problem,
    )


def _rule(rule: RuleView, language: Language) -> RuleBlock:
    tells = (*rule.people, *rule.teams)
    return RuleBlock(
        name=rule.name,
        title=rule.title,
        when=text(f"web.alerts.when.{rule.kind}", language),
        watches=rule.kpi or rule.source or "",
        tells=", ".join(tells) if tells else text("web.alerts.nobody", language),
        scopes=tuple(
            ScopeRow(
                scope=_scope(scope.scope, language),
                state=scope.state.value,
                state_words=text(f"web.alerts.state.{scope.state.value}", language),
                flapping=scope.flapping,
                episode=scope.episode,
                evaluated=moment_text(scope.evaluated_at, language),
                last=_last(scope.last, language),
            )
            for scope in rule.scopes
        ),
    )


def _last(evaluation: Any, language: Language) -> str:
    if evaluation is None:
        return ""
    outcome = text(f"web.alerts.outcome.{evaluation.outcome.value}", language)
    reason = reason_message({"code": evaluation.reason_code, "values": evaluation.reason_values or {}})
    said = render(reason, language) if reason is not None and reason.code in catalogue() else ""
    return text("web.alerts.last", language, outcome=outcome, period=evaluation.period, reason=said)


def _delivery(delivery: DeliveryView, language: Language) -> DeliveryRow:
    kind = delivery.channel_kind
    channel = (
        text("web.alerts.channel_gone", language)
        if kind is None
        else f"{text(f'web.alerts.channel.{kind.value}', language)} · {delivery.channel_shown}"
    )
    error = delivery.last_error or ""
    return DeliveryRow(
        id=delivery.id,
        created=moment_text(delivery.created_at, language),
        rule=delivery.rule,
        notice=text(f"web.alerts.notice.{delivery.notice.value}", language),
        scope=_scope(delivery.scope, language),
        recipient=delivery.recipient,
        channel=channel,
        status=delivery.status.value,
        status_words=text(f"web.alerts.delivery.{delivery.status.value}", language),
        attempts=delivery.attempts,
        error=text(error, language) if error in catalogue() else error,
        sent=moment_text(delivery.sent_at, language),
    )


def _scope(scope: dict[str, str], language: Language) -> str:
    if not scope:
        return text("web.alerts.whole_company", language)
    return ", ".join(f"{dimension}={value}" for dimension, value in sorted(scope.items()))


def _moment(fields: Any, name: str) -> datetime | None:
    """A moment typed in a `datetime-local` field, in UTC (None when left empty)."""
    typed = _field(fields, name)
    if not typed:
        return None
    try:
        found = datetime.fromisoformat(typed)
    except ValueError:
        raise UserError(Message("web.alerts.bad_moment", value=typed), field=name) from None
    return found.replace(tzinfo=UTC) if found.tzinfo is None else found.astimezone(UTC)


def _field(fields: Any, name: str) -> str:
    return str(fields.get(name) or "").strip()[:FIELD_LENGTH]
