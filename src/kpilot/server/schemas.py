"""The shapes the OpenAPI document declares for what every endpoint may answer besides its result: the error
envelope (`kpilot.errors_data`), so that clients, and the schemathesis tests, can check every error against it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class ErrorLocation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    file: str | None
    line: int | None
    column: int | None


class ErrorIssue(BaseModel):
    """One problem of a `validation.problems_found` error."""

    model_config = ConfigDict(extra="forbid")

    code: str
    message: str
    field: str | None
    location: ErrorLocation | None
    hint: str | None
    suggestions: list[str]
    severity: str


class ErrorBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str
    message: str
    field: str | None
    location: ErrorLocation | None
    hint: str | None
    suggestions: list[str]
    issues: list[ErrorIssue] | None = None


class ErrorEnvelope(BaseModel):
    """Every error, whatever its status."""

    model_config = ConfigDict(extra="forbid")

    error: ErrorBody


def _error(*, description: str) -> dict[str, Any]:
    return {"model": ErrorEnvelope, "description": description}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _error(description="The request cannot be served as asked"),
    401: _error(description="No API token, or one the server does not accept"),
    403: _error(description="The caller may not do this"),
    404: _error(description="No such endpoint, or no such object for this caller"),
    422: _error(description="A parameter of the wrong type, or definitions that do not validate"),
    500: _error(description="A bug in kpilot"),
    503: _error(description="The store or the warehouse cannot be used now; try again after Retry-After seconds"),
}
