"""The application: one workspace, its routes, and the one error envelope (docs/server.md)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from kpilot.auth.sessions import SessionCodec
from kpilot.definitions.loader import load_settings
from kpilot.definitions.model import Settings
from kpilot.errors import KpilotError
from kpilot.i18n import Language
from kpilot.server import health, oidc, problems
from kpilot.server.alert_scheduler import alert_scheduler
from kpilot.server.api.v1 import router as api_v1
from kpilot.server.data_watch import DataWatch
from kpilot.server.language import SETTING_LANGUAGE
from kpilot.server.runtime import Runtime
from kpilot.server.secret import secret_key
from kpilot.server.web import install as install_web

OPENAPI_URL = "/api/openapi.json"


def create_app(folder: str | Path, *, alerts: bool = False) -> FastAPI:
    """The server of the workspace in `folder`. The workspace and the store are opened at the first request that
    needs them (and again after they went away), so that a server started before its database answers still
    starts, says 503 until it can serve, and then serves. With `alerts`, the alert scheduler ticks on a thread of
    the server while it runs (`kpilot serve` does; docs/alerts.md#running-the-evaluator)."""
    root = Path(folder).resolve()
    runtime = Runtime(root)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        scheduler = alert_scheduler(runtime) if alerts else None
        if scheduler is not None:
            scheduler.start()
        try:
            yield
        finally:
            if scheduler is not None:
                scheduler.stop(timeout=30)
            runtime.close()

    app = FastAPI(
        title="kpilot",
        summary="KPIs, targets, scorecards and forecasts over a kpilot workspace.",
        version="1",
        openapi_url=OPENAPI_URL,
        docs_url="/api/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    app.state.data_watch = DataWatch(runtime)  # what the pages' live updates listen to
    secret = secret_key(root)
    app.state.sessions = SessionCodec(secret)
    setattr(app.state, SETTING_LANGUAGE, _setting_language(root))
    problems.install(app)
    app.include_router(health.router)
    app.include_router(api_v1)
    install_web(app)  # the pages (docs/dashboard.md)
    settings = _settings(root)
    app.state.oidc = settings is not None and settings.oidc is not None  # the sign-in page offers the provider
    if settings is not None and settings.oidc is not None:
        oidc.install(app, settings.oidc, secret)
    return app


def _settings(root: Path) -> Settings | None:
    try:
        return load_settings(root)
    except (KpilotError, OSError, ValueError):  # broken settings: the first request that opens the workspace says why
        return None


def _setting_language(root: Path) -> Language | None:
    settings = _settings(root)
    return Language(settings.language) if settings is not None else None


def from_environment() -> FastAPI:
    """The app of the workspace `kpilot serve` names in KPILOT_WORKSPACE: how each worker process builds its own
    (each with its alert scheduler unless KPILOT_ALERTS is `0`: the store's lease lets one of them evaluate)."""
    return create_app(os.environ.get("KPILOT_WORKSPACE", "."), alerts=os.environ.get("KPILOT_ALERTS", "1") != "0")
