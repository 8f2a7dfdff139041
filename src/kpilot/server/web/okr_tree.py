"""`/okrs`: the OKR tree of a cycle (docs/dashboard.md#okr-pages): the current cycle's (services.okrs.current_cycle)
or the one `?cycle=` names, its objectives nested by alignment (server.web.okr_view.tree), each with its owner,
progress as a bar and a percentage, its colour in words, the progress expected by today and a "behind" mark; each key
result on one line. Links to the other cycles, and the scoring formula and roll-up rule in words under the tree.

Reading is the service layer's (READ_OKRS; the KPI values over the reader's own rows): a cycle that does not exist is
a 404 page in the reader's language."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from kpilot.errors import UserError
from kpilot.i18n import Language, value_text
from kpilot.okr.errors import OkrNotFound
from kpilot.server.runtime import Runtime
from kpilot.server.web.edit_forms import refusal_page
from kpilot.server.web.okr_view import rules, tree
from kpilot.server.web.reader import Reader, signed_in, signed_page
from kpilot.services.okrs import current_cycle, cycles, read_cycle
from kpilot.services.permissions import PermissionDenied
from kpilot.store.okrs import Cycle

router = APIRouter(include_in_schema=False)


@router.get("/okrs")
async def okr_tree(request: Request) -> Response:
    reader = await signed_in(request)
    if not isinstance(reader, Reader):
        return reader
    wanted = request.query_params.get("cycle", "")[:200].strip() or None
    runtime: Runtime = request.app.state.runtime

    def made() -> dict[str, Any]:
        with runtime.workspace() as workspace, runtime.store() as store:
            known = cycles(store, reader.actor, workspace)
            name = wanted
            if name is None:
                found = current_cycle(store, reader.actor, workspace)
                name = found.name if found is not None else None
            picker = tuple((c.name, f"/okrs?{urlencode({'cycle': c.name})}", c.name == name) for c in known)
            if name is None:
                return {"scores": None, "picker": picker}
            scores = read_cycle(store, reader.actor, workspace, name)
        return {
            "scores": scores,
            "cycle": scores.cycle,
            **cycle_dates(scores.cycle, scores.today, reader.language),
            "picker": picker,
            "tree": tree(scores, reader.language),
            "rules": rules(scores, reader.language),
        }

    try:
        context = await run_in_threadpool(made)
    except OkrNotFound as error:
        return refusal_page(request, reader, "web.okr.not_found", error=error, status_code=404)
    except PermissionDenied as error:
        return refusal_page(request, reader, "web.okr.not_allowed", error=error, status_code=403)
    except UserError as error:
        return refusal_page(request, reader, "web.okr.not_shown", error=error, status_code=422)
    return signed_page(request, "okr_tree.html", reader, **context)


def cycle_dates(cycle: Cycle, today: date, language: Language) -> dict[str, str]:
    """The cycle's first and last day (as people write it: inclusive) and the day its values are as of."""
    last = cycle.ends_on - timedelta(days=1)
    return {
        "starts": value_text(cycle.starts_on, language),
        "ends": value_text(last, language),
        "as_of": value_text(today, language),
    }
