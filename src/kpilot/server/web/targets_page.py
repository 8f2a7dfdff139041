"""`/kpis/{name}/targets`: target editing for editors (docs/dashboard.md, "Target editing").

For a KPI, a period and a scope (the form's query string), the page shows the suggestions with the history they
rest on, the target that applies now, and a form with commit, target and stretch (min and max for a range KPI),
filled from a picked suggestion (`?method=growth`), or else from the target defined for exactly this period and
scope. "Preview" judges the period against the typed values; "Save" writes them through `services.targets`, the
atomic, conflict-checked edit the REST API uses, audited. The form carries the targets' version it was rendered
from: a save after another editor's is refused, and the form comes back with the typed values and the targets as
they are now. A refused value comes back on the form in words, the typed values kept.

Who may: a KPI the reader may not see is a 404 page, as one that does not exist; one they see but may not edit the
targets of (members, managers, viewers) a 403 page that says so. The service layer decides both."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from kpilot.api import Workspace
from kpilot.definitions.model import Kpi
from kpilot.errors import UserError, ValidationFailed
from kpilot.goals.suggest.methods import Method
from kpilot.i18n import render
from kpilot.semantic.lookup import require_kpi
from kpilot.server.reading import seen_by
from kpilot.server.runtime import Runtime
from kpilot.server.web.cards import card
from kpilot.server.web.edit_forms import form_reader, not_found_page, refusal_page
from kpilot.server.web.reader import Reader, signed_in, signed_page
from kpilot.server.web.target_form import TargetForm
from kpilot.server.web.target_view import chosen_levels, current_entry, preview, suggestions
from kpilot.services.kpis import permissions_for, workspace_for
from kpilot.services.permissions import Action, KpiResource, NotFound, PermissionDenied
from kpilot.services.targets import edit_targets, targets_version
from kpilot.services.versions import VersionChanged

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class Shown:
    """How the form is shown besides its values: a preview asked for, why a save was refused, a save done."""

    preview: bool = False
    problems: tuple[str, ...] = ()
    conflict: bool = False
    saved: bool = False
    method: str = ""  # the suggestion picked (a method's code)
    status_code: int = 200


@router.get("/kpis/{name}/targets")
async def targets_page(request: Request, name: str) -> Response:
    reader = await signed_in(request)
    if not isinstance(reader, Reader):
        return reader
    query = request.query_params
    form = replace(TargetForm.of(query), version="")  # a version is the page's own, never the link's
    shown = Shown(saved=query.get("saved") == "1", method=query.get("method", "")[:40])
    return await run_in_threadpool(_page, request, reader, name, form, shown)


@router.post("/kpis/{name}/targets/preview")
async def preview_targets(request: Request, name: str) -> Response:
    fields = await request.form()
    reader = await form_reader(request, str(fields.get("csrf") or ""), f"/kpis/{name}/targets")
    if not isinstance(reader, Reader):
        return reader
    return await run_in_threadpool(_page, request, reader, name, TargetForm.of(fields), Shown(preview=True))


@router.post("/kpis/{name}/targets")
async def save_targets(request: Request, name: str) -> Response:
    fields = await request.form()
    reader = await form_reader(request, str(fields.get("csrf") or ""), f"/kpis/{name}/targets")
    if not isinstance(reader, Reader):
        return reader
    form = TargetForm.of(fields)
    runtime: Runtime = request.app.state.runtime

    def save() -> Response:
        with runtime.workspace() as workspace, runtime.store() as store:
            try:
                kpi = require_kpi(workspace_for(reader.actor, workspace).definitions, name)
            except UserError as error:  # hidden or missing, alike
                raise NotFound(error.message, hint=error.hint, field="kpi") from None
            entry = form.entry(kpi)
            edit_targets(store, reader.actor, workspace, kpi.name, [entry], version=form.version or None, now=_now())
        back = {"period": form.period, "scope": form.scope, "saved": "1"}
        return RedirectResponse(f"/kpis/{kpi.name}/targets?{urlencode(back)}", status_code=303)

    try:
        return await run_in_threadpool(save)
    except NotFound as error:
        return not_found_page(request, reader, error)
    except PermissionDenied as error:
        return refusal_page(request, reader, "web.targets.not_editor", error=error)
    except VersionChanged:
        # Nothing was written. The form comes back as typed, against the targets as they are now (and their
        # version): saving again replaces the other editor's target knowingly. The page says so in its own words
        # (the service's hint is the API's: read again, send the ETag).
        again = replace(form, version="")
        return await run_in_threadpool(_page, request, reader, name, again, Shown(conflict=True, status_code=409))
    except ValidationFailed as error:
        problems = tuple(render(issue.message, reader.language) for issue in error.issues) or (_said(error, reader),)
        return await run_in_threadpool(_page, request, reader, name, form, Shown(problems=problems, status_code=422))
    except UserError as error:
        return await run_in_threadpool(
            _page, request, reader, name, form, Shown(problems=(_said(error, reader),), status_code=422)
        )


def _page(request: Request, reader: Reader, name: str, form: TargetForm, shown: Shown) -> Response:
    runtime: Runtime = request.app.state.runtime
    try:
        with seen_by(runtime, reader.actor) as workspace:
            try:
                kpi = require_kpi(workspace.definitions, name)
            except UserError:
                return not_found_page(request, reader)
            permissions_for(reader.actor, workspace).ensure(
                Action.EDIT_TARGETS, KpiResource(kpi.name, workspace.definitions)
            )
            if not form.version:
                form = replace(form, version=targets_version(workspace.root))
            context = _context(workspace, kpi, form, shown, reader)
    except NotFound as error:
        return not_found_page(request, reader, error)
    except PermissionDenied as error:
        return refusal_page(request, reader, "web.targets.not_editor", error=error)
    return signed_page(request, "targets.html", reader, shown.status_code, **context)


def _context(workspace: Workspace, kpi: Kpi, form: TargetForm, shown: Shown, reader: Reader) -> dict[str, Any]:
    language = reader.language
    problems = list(shown.problems)
    context: dict[str, Any] = {"kpi": kpi, "shown": shown}
    try:
        scope = form.scope_values()
        result = workspace.scorecard(period=form.period or None, scope=scope, kpis=[kpi.name])
    except UserError as error:
        problems.append(_said(error, reader))
        return context | {"form": form, "problems": problems, "line": None}
    form = replace(form, period=form.period or result.name)
    line = result.lines[0]
    if not form.typed:
        picked = chosen_levels(workspace, kpi, form, shown.method) if shown.method else None
        defined = current_entry(workspace.definitions, kpi, form)
        if picked is not None:
            form = form.with_levels(picked)
        elif defined is not None:
            form = form.with_levels({n: getattr(defined, n) for n in ("commit", "target", "stretch", "min", "max")})
    judged = None
    if shown.preview and not problems:
        try:
            judged = preview(workspace, line, form.entry(kpi), language)
        except UserError as error:
            problems.append(_said(error, reader))
    return context | {
        "form": form,
        "problems": problems,
        "line": card(line, workspace.settings.currency, language),
        "basis": render(line.target.basis, language) if line.target is not None else None,
        "suggested": suggestions(workspace, kpi, form, language),
        "preview": judged,
        "links": _method_links(kpi, form),
        "range": kpi.direction.value == "range",
    }


def _method_links(kpi: Kpi, form: TargetForm) -> Mapping[str, str]:
    """Each method's "use these values" link: the same page with that suggestion's levels in the form."""
    base = {"period": form.period, "scope": form.scope}
    return {m.value: f"/kpis/{kpi.name}/targets?{urlencode(base | {'method': m.value})}" for m in Method}


def _said(error: UserError, reader: Reader) -> str:
    said = render(error.message, reader.language)
    return f"{said} {render(error.hint, reader.language)}" if error.hint is not None else said


def _now() -> datetime:
    return datetime.now(UTC)
