"""Every failure as the one error envelope (`kpilot.errors_data`, the same the command line prints with
`--format json`), with the HTTP status its class means. Nothing else leaves the server: no traceback, no framework
page, no internal detail (a bug is logged with its traceback and answered as `internal`, 500).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from kpilot.auth.errors import (
    AuthError,
    NotPermitted,
    SignInFailed,
    TokenRefused,
    TooManyAttempts,
    UnknownAccount,
    UnknownToken,
)
from kpilot.definitions.problems import problem_of
from kpilot.errors import QueryError, UserError, ValidationFailed, WarehouseUnavailable
from kpilot.errors_data import error_data
from kpilot.goals.definition_edits import UnknownEntry
from kpilot.goals.writer import UnknownTarget
from kpilot.i18n import Message
from kpilot.incentives.errors import BonusNotFound
from kpilot.okr.errors import OkrNotFound
from kpilot.server.language import request_language
from kpilot.services.ingest import IdempotencyKeyReused, RequestInProgress, SourceNotIngestible
from kpilot.services.permissions import NotFound
from kpilot.services.versions import VersionChanged, VersionRequired
from kpilot.store.errors import StoreConflict, StoreError, StoreUnavailable

log = logging.getLogger("kpilot.server")
RETRY_SECONDS = 5  # what a 503 asks a client to wait before it tries again


class Unauthenticated(AuthError):
    """No credentials, or none this server reads."""


class PreconditionFailed(UserError):
    """An `If-Match` that is not the current version of what it would change."""


class ProviderUnavailable(UserError):
    """The identity provider cannot be reached, or answers what no provider should."""


class RequestProblem(UserError):
    """What is refused before a route runs: an unknown route, a wrong method, a parameter of the wrong type."""


class BodyTooLarge(UserError):
    """A request body over the server's limit."""


class UnsupportedBody(UserError):
    """A request body of a media type the endpoint does not read."""


# The first class of an error's MRO found here gives its status.
STATUS_OF_CLASS: Mapping[type[BaseException], int] = {
    UserError: 400,
    QueryError: 400,
    RequestProblem: 400,
    ValidationFailed: 422,
    AuthError: 422,
    SignInFailed: 401,
    TokenRefused: 401,
    Unauthenticated: 401,
    NotPermitted: 403,
    NotFound: 404,
    UnknownEntry: 404,
    UnknownTarget: 404,
    PreconditionFailed: 412,
    BodyTooLarge: 413,
    UnsupportedBody: 415,
    IdempotencyKeyReused: 422,
    RequestInProgress: 409,
    SourceNotIngestible: 422,
    VersionChanged: 412,  # an If-Match that is not the current version of what it would change
    VersionRequired: 428,  # an edit without If-Match
    UnknownToken: 404,  # another account's token is unknown exactly like a missing one
    UnknownAccount: 404,
    OkrNotFound: 404,  # no such cycle, objective or key result (other OKR refusals are 400, as a UserError)
    TooManyAttempts: 429,
    StoreError: 503,  # missing or behind its migrations: nothing to serve until an operator acts (the hint says how)
    StoreConflict: 409,
    StoreUnavailable: 503,
    WarehouseUnavailable: 503,
    ProviderUnavailable: 503,
    BonusNotFound: 404,  # no such plan, period, run, line or dispute (other bonus refusals are 400, as a UserError)
}
# Codes that say an object does not exist (for this caller: hidden objects are unknown exactly like missing ones).
NOT_FOUND_CODES = frozenset(
    {"semantic.unknown_kpi", "server.route_unknown", "services.directory.no_person", "services.directory.no_team"}
)


def status_of(error: BaseException) -> int:
    if isinstance(error, UserError) and error.code in NOT_FOUND_CODES:
        return 404
    return next((STATUS_OF_CLASS[kind] for kind in type(error).__mro__ if kind in STATUS_OF_CLASS), 500)


def envelope(request: Request, error: BaseException, status: int | None = None) -> JSONResponse:
    status = status or status_of(error)
    if status == 500:
        log.error("internal error on %s %s", request.method, request.url.path, exc_info=error)
    data = error_data(error, request_language(request), internal=Message("server.internal"))
    headers = {}
    if status == 503:
        headers["Retry-After"] = str(RETRY_SECONDS)
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(error, TooManyAttempts):
        headers["Retry-After"] = str(max(1, int((error.retry_at - datetime.now(UTC)).total_seconds())))
    return JSONResponse(data, status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    """The handlers that turn every exception a route can raise into the envelope."""

    async def any_error(request: Request, error: Exception) -> JSONResponse:
        return envelope(request, error)

    async def http_error(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, HTTPException)
        return envelope(request, _http_problem(error.status_code), error.status_code)

    async def invalid_request(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)
        return envelope(request, _invalid(error.errors()), 422)

    # A user's error is answered by the exception middleware like any handled error. Starlette runs a handler of
    # `Exception` itself only in its outermost middleware, which answers and then re-raises (so that the server logs
    # it): right for bugs, which are logged, wrong for a wrong parameter.
    app.add_exception_handler(UserError, any_error)
    app.add_exception_handler(Exception, any_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid_request)


def _http_problem(status: int) -> RequestProblem:
    if status == 404:
        return RequestProblem(Message("server.route_unknown"), hint=Message("server.route_unknown_hint"))
    if status == 405:
        return RequestProblem(Message("server.method_not_allowed"), field="method")
    return RequestProblem(Message("server.request_refused", status=status))


def _invalid(errors: Sequence[Any]) -> RequestProblem:
    """The first problem found in the request, worded as the definitions word pydantic's, and named by its field
    (`period`, `kpis`): the part of the request it sits in (query, path, body) is left out."""
    first = dict(errors[0]) if errors else {"type": "value_error", "loc": ()}
    first["loc"] = tuple(first.get("loc", ()))[1:]
    problem = problem_of(first)
    return RequestProblem(problem.message, hint=problem.hint, field=problem.field or None)
