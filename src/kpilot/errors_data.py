"""Errors as data: the one JSON shape in which every surface (the command line's `--format json`, the REST API
next) reports a failure.

    {"error": {"code": "engine.unknown_kpi", "message": "unknown KPI 'ctx'", "field": "kpi",
               "location": null, "hint": "did you mean 'ctr'?", "suggestions": ["ctr"]}}

`code` is the message's stable code (clients branch on it, never on the words); `message` and `hint` are rendered
in the reader's language; `field` names what the problem concerns in the model's terms; `location` is
`{"file", "line", "column"}` (any of them null) or null; `suggestions` the values the user may have meant (known
names, for a client to offer), possibly none. A `ValidationFailed` also lists each of its problems under
`issues`, with its `severity`. Anything that is not a `UserError` is kpilot's bug: code `internal`, with the words
the surface chooses (the command line asks for a bug report; a server would rather not show its internals).

It sits one layer above `kpilot.errors` (it needs only the errors and the rendering layer), so that the REST API
can use it without importing the command line.
"""

from __future__ import annotations

from typing import Any

from kpilot.errors import Issue, Location, UserError, ValidationFailed
from kpilot.i18n import DEFAULT, Language, Message, render

INTERNAL = "internal"


def error_data(
    error: BaseException,
    language: Language = DEFAULT,
    *,
    internal: Message,
    internal_hint: Message | None = None,
) -> dict[str, Any]:
    """The envelope for `error`: a user's error as it is, anything else as `internal` with the surface's words."""
    if not isinstance(error, UserError):
        return {"error": _body(INTERNAL, internal, None, None, internal_hint, (), language)}
    body = _body(error.code, error.message, error.field, error.location, error.hint, error.suggestions, language)
    if isinstance(error, ValidationFailed):
        body["issues"] = [issue_data(issue, language) for issue in error.issues]
    return {"error": body}


def issue_data(issue: Issue, language: Language = DEFAULT) -> dict[str, Any]:
    """One validation problem, in the envelope's terms, with its severity (error, warning, info)."""
    data = _body(issue.code, issue.message, issue.field, issue.location, issue.hint, issue.suggestions, language)
    data["severity"] = issue.severity.value
    return data


def location_data(location: Location | None) -> dict[str, Any] | None:
    """`{"file", "line", "column"}`, or None when nothing of the place is known."""
    if location is None or location == Location():
        return None
    return {"file": location.file, "line": location.line, "column": location.col}


def _body(
    code: str,
    message: Message,
    field: str | None,
    location: Location | None,
    hint: Message | None,
    suggestions: tuple[str, ...],
    language: Language,
) -> dict[str, Any]:
    return {
        "code": code,
        "message": render(message, language),
        "field": field,
        "location": location_data(location),
        "hint": render(hint, language) if hint is not None else None,
        "suggestions": list(suggestions),
    }
