"""`/okrs/check-in`: one screen for checking in (docs/dashboard.md#okr-pages): every key result of the current cycle
the signed-in person may check in on (services.okr_my.my_key_results decides which), each with a small form: the
confidence from 0 to 10 (with the rubric's words), the value of a key result whose number is typed, the milestones
to mark done, a note.

A check-in goes through services.okrs.check_in, which checks who may and every rule (a note when the confidence is
low or the key result behind its pace...). A refusal comes back on that key result's form, in the reader's language,
with what was typed kept and nothing written; a check-in on a key result that is not the reader's is a 403 page.
Done, the page comes back with a confirmation. The form sends the session's CSRF token (server.web.edit_forms)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from kpilot.errors import UserError
from kpilot.i18n import Language, Message, Raw, render, value_text
from kpilot.okr.errors import OkrNotFound, OkrRefused
from kpilot.okr.kinds import KeyResultKind
from kpilot.server.runtime import Runtime
from kpilot.server.web.edit_forms import form_reader, refusal_page
from kpilot.server.web.okr_view import CONFIDENCES, KeyResultRow, band_words, key_result_row, rubric
from kpilot.server.web.reader import Reader, signed_in, signed_page
from kpilot.services.okr_my import my_key_results
from kpilot.services.okrs import check_in
from kpilot.services.permissions import PermissionDenied

router = APIRouter(include_in_schema=False)
PAGE = "/okrs/check-in"
NOTE_LENGTH = 4000  # longer than any note a person types on this form
FIELD_LENGTH = 200


@dataclass(frozen=True)
class Typed:
    """A check-in form as it was sent (kept as typed, to give it back when it is refused)."""

    key_result: int
    confidence: str = ""
    value: str = ""
    done: tuple[int, ...] = ()
    note: str = ""

    @classmethod
    def of(cls, fields: FormData) -> Typed:
        done = tuple(int(str(item)) for item in fields.getlist("done") if str(item).isdigit())
        key_result = str(fields.get("key_result") or "")
        return cls(
            key_result=int(key_result) if key_result.isdigit() else 0,
            confidence=str(fields.get("confidence") or "").strip()[:FIELD_LENGTH],
            value=str(fields.get("value") or "").strip()[:FIELD_LENGTH],
            done=done,
            note=str(fields.get("note") or "")[:NOTE_LENGTH],
        )


@dataclass(frozen=True)
class MilestoneBox:
    position: int
    title: str
    done_on: str  # "" while not done
    checked: bool


@dataclass(frozen=True)
class CheckInForm:
    row: KeyResultRow
    objective: int
    objective_title: str
    typed_value: bool  # the key result's number is typed (not measured by a KPI, not milestones)
    confidence: str  # the option chosen
    value: str
    note: str
    milestones: tuple[MilestoneBox, ...]
    problem: str = ""  # why the last post of this form was refused, in words


@dataclass(frozen=True)
class Shown:
    typed: Typed | None = None
    problem: str = ""
    saved: int = 0  # the key result checked in on, for the confirmation
    status_code: int = 200


@router.get(PAGE)
async def check_in_page(request: Request) -> Response:
    reader = await signed_in(request)
    if not isinstance(reader, Reader):
        return reader
    saved = request.query_params.get("saved", "")
    shown = Shown(saved=int(saved) if saved.isdigit() else 0)
    return await run_in_threadpool(_page, request, reader, shown)


@router.post(PAGE)
async def post_check_in(request: Request) -> Response:
    fields = await request.form()
    reader = await form_reader(request, str(fields.get("csrf") or ""), PAGE)
    if not isinstance(reader, Reader):
        return reader
    typed = Typed.of(fields)
    runtime: Runtime = request.app.state.runtime

    def save() -> None:
        confidence = _confidence(typed.confidence)
        value = _value(typed.value)
        with runtime.workspace() as workspace, runtime.store() as store:
            check_in(
                store, reader.actor, workspace, typed.key_result, confidence=confidence, value=value,
                done=typed.done, note=typed.note, now=datetime.now(UTC),
            )  # fmt: skip

    try:
        await run_in_threadpool(save)
    except OkrNotFound as error:
        return refusal_page(request, reader, "web.okr.not_found", error=error, status_code=404)
    except PermissionDenied as error:
        return refusal_page(request, reader, "web.okr.not_yours", error=error, status_code=403)
    except UserError as error:
        shown = Shown(typed=typed, problem=_said(error, reader.language), status_code=422)
        return await run_in_threadpool(_page, request, reader, shown)
    return RedirectResponse(f"{PAGE}?saved={typed.key_result}", status_code=303)


def _page(request: Request, reader: Reader, shown: Shown) -> Response:
    runtime: Runtime = request.app.state.runtime
    language = reader.language
    try:
        with runtime.workspace() as workspace, runtime.store() as store:
            mine = my_key_results(store, reader.actor, workspace)
    except PermissionDenied as error:
        return refusal_page(request, reader, "web.okr.not_allowed", error=error, status_code=403)
    forms: list[CheckInForm] = []
    saved = ""
    if mine is not None:
        for item in mine.key_results:
            kr = item.key_result
            typed = shown.typed if shown.typed is not None and shown.typed.key_result == kr.key_result.id else None
            last = "" if kr.confidence is None else str(kr.confidence)
            forms.append(
                CheckInForm(
                    row=key_result_row(kr, mine.scores, language),
                    objective=item.objective.objective.id,
                    objective_title=item.objective.objective.title,
                    typed_value=kr.key_result.kind == KeyResultKind.NUMBER.value,
                    confidence=typed.confidence if typed is not None else last,
                    value=typed.value if typed is not None else "",
                    note=typed.note if typed is not None else "",
                    milestones=tuple(
                        MilestoneBox(
                            m.position,
                            m.title,
                            "" if m.done_on is None else value_text(m.done_on, language),
                            m.done_on is not None or (typed is not None and m.position in typed.done),
                        )
                        for m in kr.milestones
                    ),
                    problem=shown.problem if typed is not None else "",
                )
            )
            if kr.key_result.id == shown.saved:
                saved = kr.key_result.title
    options = tuple((str(n), band_words(n, language)) for n in CONFIDENCES)
    context = {
        "cycle": None if mine is None else mine.scores.cycle,
        "forms": tuple(forms),
        "options": options,
        "rubric": rubric(language),
        "saved": saved,
        "problem": shown.problem if shown.typed is not None and not any(f.problem for f in forms) else "",
    }
    return signed_page(request, "okr_check_in.html", reader, shown.status_code, **context)


def _confidence(typed: str) -> int:
    if not typed.isdigit() or int(typed) > 10:
        raise OkrRefused(Message("okr.confidence_range", confidence=Raw(typed or "–")), field="confidence")
    return int(typed)


def _value(typed: str) -> Decimal | None:
    """A value as typed: a point or a comma as the decimal mark, spaces between groups ("1 200,5" or "1200.5")."""
    if not typed:
        return None
    cleaned = typed.replace(" ", "").replace("\u00a0", "").replace("_", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise OkrRefused(Message("web.okr.not_a_number", value=Raw(typed)), field="value")
    return value


def _said(error: UserError, language: Language) -> str:
    said = render(error.message, language)
    return f"{said} {render(error.hint, language)}" if error.hint is not None else said
