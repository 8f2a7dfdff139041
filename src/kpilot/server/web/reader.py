"""Who reads a page: every page but the sign-in page starts with `signed_in(request)`, which gives the signed-in
person (as the service layer knows them), the page's language and the session's CSRF token for the page's forms,
or the redirect to `/sign-in` and back. `signed_page` renders a template for them, with the header every signed-in
page shares (the pages' navigation, the language switch, signing out)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from kpilot.auth.actor import Actor
from kpilot.auth.sessions import CSRF_COOKIE
from kpilot.i18n import Language
from kpilot.server.identity import current_actor
from kpilot.server.language import request_language
from kpilot.server.paths import local_path
from kpilot.server.problems import Unauthenticated
from kpilot.server.web.templates import page
from kpilot.services.permissions import Action, can

# The pages of the navigation bar, in its order: (path, the catalogue code of its name). A page whose path starts
# with an entry's path (other than `/`) marks that entry as the current one.
NAV: tuple[tuple[str, str], ...] = (
    ("/", "web.nav.my_kpis"),
    ("/kpis", "web.nav.kpis"),
    ("/boards", "web.nav.boards"),
    ("/goals", "web.nav.goals"),
    ("/okrs", "web.nav.okrs"),
    ("/bonus", "web.nav.bonus"),
    ("/alerts", "web.nav.alerts"),
    ("/smart", "web.nav.smart"),
    ("/shares", "web.nav.shares"),
    ("/admin", "web.nav.admin"),
)
# Entries only some readers see: path -> what the reader must be allowed to do (the service layer decides).
NAV_ONLY: dict[str, Action] = {"/admin": Action.MANAGE_ACCOUNTS}


@dataclass(frozen=True)
class Reader:
    actor: Actor
    language: Language
    csrf: str  # the session's CSRF token: every form that changes something sends it as the field `csrf`

    @property
    def who(self) -> str:
        return self.actor.email or ""


async def signed_in(request: Request) -> Reader | RedirectResponse:
    """The reader of this request, or the way to `/sign-in` and back to this very page (its query included)."""
    try:
        actor = await current_actor(request)
    except Unauthenticated:
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/sign-in?next={quote(local_path(here), safe='/')}", status_code=303)
    return Reader(actor, request_language(request), request.cookies.get(CSRF_COOKIE, ""))


def signed_page(
    request: Request, template: str, reader: Reader, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """`template` for `reader`: `context` holds values only, as for `templates.page`."""
    nav = tuple(entry for entry in NAV if entry[0] not in NAV_ONLY or can(reader.actor, NAV_ONLY[entry[0]]))
    shared = {"actor": reader.who, "csrf": reader.csrf, "nav": nav}
    return page(request, template, reader.language, status_code, **shared, **context)
