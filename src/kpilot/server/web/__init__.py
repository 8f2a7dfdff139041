"""The web pages (docs/dashboard.md): server-rendered HTML over the same service layer and permissions as the REST
API, in the reader's language. `install` adds them to the app: the pages' routes and `/static` (the page's own
stylesheet, and the browser libraries the build puts in `static/vendor/` from the npm registry)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from kpilot.server.web import (
    admin_accounts,
    admin_audit,
    admin_pages,
    admin_tokens,
    alerts_admin,
    alerts_page,
    boards,
    bonus_admin,
    bonus_pages,
    bonus_pdf,
    exports,
    goals_page,
    kpi_moved,
    kpi_page,
    kpis_page,
    language,
    live,
    my_kpis,
    okr_check_in,
    okr_objective,
    okr_tree,
    share_links_page,
    sharing,
    sign_in,
    smart_page,
    targets_page,
    tv,
)
from kpilot.server.web.framing import NoFraming

ROUTERS = (
    sign_in.router,
    my_kpis.router,
    kpis_page.router,
    kpi_moved.router,
    kpi_page.router,
    boards.router,
    tv.router,
    goals_page.router,
    smart_page.router,
    targets_page.router,
    admin_pages.router,
    admin_accounts.router,
    admin_tokens.router,
    admin_audit.router,
    share_links_page.router,
    sharing.router,
    exports.router,
    language.router,
    live.router,
    okr_tree.router,
    okr_objective.router,
    okr_check_in.router,
    bonus_pdf.router,
    bonus_pages.router,
    bonus_admin.router,
    alerts_admin.router,
    alerts_page.router,
)  # every page (docs/dashboard.md has a section each)


def install(app: FastAPI) -> None:
    for router in ROUTERS:
        app.include_router(router)
    app.add_middleware(NoFraming)  # no site frames a page, but a share link's `?embed=1` (server.web.framing)
    app.mount("/static", StaticFiles(packages=[("kpilot.server.web", "static")]), name="static")
