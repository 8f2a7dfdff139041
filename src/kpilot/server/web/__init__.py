"""The web pages (docs/dashboard.md): server-rendered HTML over the same service layer and permissions as the REST
API, in the reader's language. `install` adds them to the app: the pages' routes and `/static` (the page's own
stylesheet, and the browser libraries the build puts in `static/vendor/` from the npm registry)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from kpilot.server.web import language, my_kpis, sign_in

ROUTERS = (sign_in.router, my_kpis.router, language.router)  # every page (docs/dashboard.md has a section each)


def install(app: FastAPI) -> None:
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(packages=[("kpilot.server.web", "static")]), name="static")
