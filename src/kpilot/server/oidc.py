"""Signing in through an OpenID Connect provider (`oidc:` in kpilot.yaml, docs/accounts.md#openid-connect):
`/auth/oidc/login` sends the browser to the provider (Authlib: authorization code flow, state and nonce kept in a
short-lived signed cookie), `/auth/oidc/callback` takes the code back, checks the ID token and opens a kpilot
session as a password sign-in does. They are browser redirects, not API calls, so the OpenAPI document leaves them
out."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from authlib.integrations.starlette_client import OAuth, OAuthError
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse
from httpx2 import HTTPError
from starlette.concurrency import run_in_threadpool
from starlette.middleware.sessions import SessionMiddleware

from kpilot.auth.errors import SignInFailed
from kpilot.auth.sessions import SessionCodec
from kpilot.definitions.model import OidcSettings
from kpilot.i18n import Message
from kpilot.server.cookies import set_session
from kpilot.server.paths import local_path
from kpilot.server.problems import ProviderUnavailable
from kpilot.server.runtime import Runtime
from kpilot.services.oidc import oidc_session

DEFAULT_NEXT = "/api/v1/me"
FLOW_COOKIE = "kpilot_oidc"  # the flow's state and nonce, for the few minutes a sign-in takes
FLOW_SECONDS = 600


def install(app: FastAPI, settings: OidcSettings, secret: str) -> None:
    secret_value = os.environ.get(settings.client_secret_env)
    oauth = OAuth()
    oauth.register(
        "kpilot",
        client_id=settings.client_id,
        client_secret=secret_value,
        server_metadata_url=settings.issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={"scope": " ".join(settings.scopes)},
    )
    provider = oauth.create_client("kpilot")
    app.add_middleware(
        SessionMiddleware, secret_key=secret, session_cookie=FLOW_COOKIE, max_age=FLOW_SECONDS, same_site="lax"
    )
    router = APIRouter(include_in_schema=False)

    @router.get("/auth/oidc/login")
    async def login(request: Request, next: str = DEFAULT_NEXT) -> RedirectResponse:
        request.session["next"] = local_path(next, DEFAULT_NEXT)
        try:
            response: RedirectResponse = await provider.authorize_redirect(
                request, str(request.url_for("oidc_callback"))
            )
        except (HTTPError, OAuthError, ValueError) as error:
            raise _unavailable(settings) from error
        return response

    @router.get("/auth/oidc/callback", name="oidc_callback")
    async def callback(request: Request) -> RedirectResponse:
        try:
            token = await provider.authorize_access_token(request)
        except HTTPError as error:
            raise _unavailable(settings) from error
        except (OAuthError, ValueError) as error:  # state lost, code refused, a token that does not verify
            raise SignInFailed(
                Message("auth.oidc_failed"), hint=Message("auth.oidc_failed_hint"), field="oidc"
            ) from error
        claims = dict(token.get("userinfo") or {})
        runtime: Runtime = request.app.state.runtime
        codec: SessionCodec = request.app.state.sessions
        client = request.client.host if request.client else None

        def open_session() -> tuple[str, str]:
            with runtime.workspace() as workspace:
                day = workspace.calendar.today()
            with runtime.store() as store:
                now = datetime.now(UTC)
                _, cookie, claim = oidc_session(store, codec, claims, settings, now=now, day=day, client=client)
            return cookie, claim.csrf

        cookie, csrf = await run_in_threadpool(open_session)
        response = RedirectResponse(request.session.pop("next", DEFAULT_NEXT), status_code=303)
        set_session(response, request, cookie, csrf)
        return response

    app.include_router(router)


def _unavailable(settings: OidcSettings) -> ProviderUnavailable:
    return ProviderUnavailable(Message("server.oidc_unavailable", issuer=settings.issuer), field="oidc")
