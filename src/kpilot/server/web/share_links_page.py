"""`/shares`: a signed-in person's share links (docs/dashboard.md#sharing-and-embedding): the form that makes one (a
KPI or a board, the filters it locks, how many days it works), the links made, each with its address, the iframe
that embeds it, and the button that revokes it.

`GET /shares?kind=kpi&name=revenue&period=2025-02&region=EMEA` fills the form in, so that a page can offer "share
this" as a plain link; every parameter that is none of the form's is a filter (`dimension=value`), as on the KPI
page. The forms carry the session's CSRF token: a post without it changes nothing (403)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from kpilot.engine.scope import parse_scope
from kpilot.errors import UserError
from kpilot.i18n import Language, Message, render, text, value_text
from kpilot.server.reading import seen_by
from kpilot.server.runtime import Runtime
from kpilot.server.web.edit_forms import form_reader
from kpilot.server.web.reader import Reader, signed_in, signed_page
from kpilot.server.web.sharing import codec, max_days, now
from kpilot.services.boards import team_boards
from kpilot.services.sharing import (
    COMPANY,
    DEFAULT_DAYS,
    GRAINS,
    TEAM_PREFIX,
    LockedFilters,
    ShareError,
    ShareView,
    create_share,
    list_shares,
    revoke_share,
)

router = APIRouter(include_in_schema=False)
FORM_FIELDS = ("kind", "name", "scope", "period", "grain", "days", "made", "lang")


@dataclass(frozen=True)
class ShareForm:
    kind: str = "kpi"
    name: str = ""
    scope: str = ""
    period: str = ""
    grain: str = "month"
    days: str = str(DEFAULT_DAYS)


@dataclass(frozen=True)
class LinkRow:
    id: int
    what: str
    filters: str
    expires: str
    status: str
    url: str | None  # the link, while it works
    embed: str | None  # the address an iframe on another page shows it at


@router.get("/shares")
async def shares(request: Request, made: int | None = None) -> Response:
    reader = await signed_in(request)
    if not isinstance(reader, Reader):
        return reader
    pairs = request.query_params.multi_items()
    asked = dict(pairs)
    scope = ", ".join(f"{key}={value}" for key, value in pairs if key not in FORM_FIELDS)
    form = ShareForm(
        kind=asked.get("kind", "kpi"),
        name=asked.get("name", ""),
        scope=scope,
        period=asked.get("period", ""),
        grain=asked.get("grain", "month"),
        days=asked.get("days", str(DEFAULT_DAYS)),
    )
    return await _page(request, reader, form, made=made)


@router.post("/shares")
async def make_share(
    request: Request,
    csrf: Annotated[str, Form(max_length=128)] = "",
    kind: Annotated[str, Form(max_length=16)] = "kpi",
    name: Annotated[str, Form(max_length=500)] = "",
    scope: Annotated[str, Form(max_length=2000)] = "",
    period: Annotated[str, Form(max_length=32)] = "",
    grain: Annotated[str, Form(max_length=16)] = "month",
    days: Annotated[str, Form(max_length=8)] = str(DEFAULT_DAYS),
) -> Response:
    form = ShareForm(kind, name.strip(), scope, period.strip(), grain, days.strip())
    reader = await _form_reader(request, csrf, "/shares")
    if not isinstance(reader, Reader):
        return reader
    runtime: Runtime = request.app.state.runtime
    moment = now(request)

    def made() -> ShareView:
        filters = LockedFilters.of(parse_scope(form.scope), form.period, form.grain)
        with runtime.store() as store, runtime.workspace() as workspace:
            return create_share(
                store,
                workspace,
                reader.actor,
                kind=form.kind,
                target=form.name,
                filters=filters,
                days=_days(form.days),
                now=moment,
                max_days=max_days(),
            )

    try:
        view = await run_in_threadpool(made)
    except UserError as error:
        return await _page(request, reader, form, problem=render(error.message, reader.language), status=400)
    return RedirectResponse(f"/shares?made={view.link.id}", status_code=303)


@router.post("/shares/{link_id}/revoke")
async def revoke(request: Request, link_id: int, csrf: Annotated[str, Form(max_length=128)] = "") -> Response:
    reader = await _form_reader(request, csrf, "/shares")
    if not isinstance(reader, Reader):
        return reader
    runtime: Runtime = request.app.state.runtime
    moment = now(request)

    def revoked() -> None:
        with runtime.store() as store:
            revoke_share(store, reader.actor, link_id, now=moment)

    try:
        await run_in_threadpool(revoked)
    except UserError as error:
        status = 404 if error.code == "services.sharing.unknown" else 400
        words = render(error.message, reader.language)
        return await _page(request, reader, ShareForm(), problem=words, status=status)
    return RedirectResponse("/shares", status_code=303)


async def _form_reader(request: Request, csrf: str, back: str) -> Reader | Response:
    """The reader of a form's post (server.web.edit_forms), refused on this page's own form when its CSRF token is
    not the session's."""

    async def refused(request: Request, reader: Reader) -> Response:
        problem = text("web.share.csrf", reader.language)
        return await _page(request, reader, ShareForm(), problem=problem, status=403)

    return await form_reader(request, csrf, back, refused)


async def _page(
    request: Request,
    reader: Reader,
    form: ShareForm,
    *,
    made: int | None = None,
    problem: str | None = None,
    status: int = 200,
) -> Response:
    runtime: Runtime = request.app.state.runtime
    moment = now(request)
    base = str(request.base_url).rstrip("/")
    signer = codec(request)

    def gathered() -> dict[str, Any]:
        with runtime.store() as store:
            links = list_shares(store, reader.actor, now=moment)
            with seen_by(runtime, reader.actor) as workspace:
                titles = {kpi.name: kpi.title for kpi in workspace.definitions.kpis}
                boards = team_boards(store, reader.actor, workspace.calendar.today())
        targets = [COMPANY, *(f"{TEAM_PREFIX}{board.key}" for board in boards)]
        rows = [_row(view, titles, reader.language, f"{base}/s/{signer.token(view.link.id)}") for view in links]
        return {"kpis": list(titles), "boards": targets, "links": rows}

    context = await run_in_threadpool(gathered)
    return signed_page(
        request,
        "shares.html",
        reader,
        status_code=status,
        form=form,
        made=made,
        problem=problem,
        grains=GRAINS,
        default_days=DEFAULT_DAYS,
        max_days=max_days(),
        **context,
    )


def _row(view: ShareView, titles: Mapping[str, str], language: Language, url: str) -> LinkRow:
    link, filters = view.link, view.filters
    what = titles.get(link.target, link.target) if link.kind == "kpi" else _board_words(link.target, language)
    parts: Sequence[str] = [f"{key}={value}" for key, value in filters.scope]
    locked = [
        *parts,
        filters.period or text("web.share.latest", language),
        text(f"web.share.grain_{filters.grain}", language),
    ]
    active = view.status.value == "active"
    return LinkRow(
        id=link.id,
        what=what,
        filters=", ".join(locked),
        expires=f"{value_text(link.expires_at, language)} UTC",
        status=view.status.value,
        url=url if active else None,
        embed=f"{url}?embed=1" if active else None,
    )


def _board_words(target: str, language: Language) -> str:
    if target == COMPANY:
        return text("web.export.company_board", language)
    return text("web.share.team_board", language, team=target.removeprefix(TEAM_PREFIX))


def _days(given: str) -> int:
    try:
        return int(given)
    except ValueError:
        raise ShareError(Message("services.sharing.days", days=given, maximum=max_days()), field="days") from None
