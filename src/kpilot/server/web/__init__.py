"""The web pages (docs/dashboard.md): server-rendered HTML over the same service layer and permissions as the REST
API, in the reader's language. `install` adds them to the app: the pages' routes and `/static` (the page's own
stylesheet, and the browser libraries the build puts in `static/vendor/` from the npm registry)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from kpilot.server.web import my_kpis, sign_in


def install(app: FastAPI) -> None:
    app.include_router(sign_in.router)
    app.include_router(my_kpis.router)
    app.mount("/static", StaticFiles(packages=[("kpilot.server.web", "static")]), name="static")
