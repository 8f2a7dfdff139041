"""One error hierarchy for kpilot.

`UserError` is something the user can fix (a definition, a formula, a data file, a request); it carries where the
problem is and, when we can tell, how to fix it. `InternalError` is our bug. Third-party exceptions are translated
into one of these at the boundary so that no traceback reaches a user.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file and 1-based line and column, any of which may be unknown."""

    file: str | None = None
    line: int | None = None
    col: int | None = None

    def __str__(self) -> str:
        parts = [self.file or "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.col is not None:
                parts.append(str(self.col))
        return ":".join(parts)


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Issue:
    """One validation problem, collected rather than raised so that a user sees all of them at once."""

    message: str
    location: Location = field(default_factory=Location)
    hint: str | None = None
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location != Location() else ""
        text = f"{where}{self.severity.value}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class KpilotError(Exception):
    """Base of every error kpilot raises on purpose."""


class UserError(KpilotError):
    """A problem the user can fix; the message says where, why and how."""

    def __init__(self, message: str, *, location: Location | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class ValidationFailed(UserError):
    """Definitions or settings have problems; `issues` lists every one of them."""

    def __init__(self, issues: list[Issue] | tuple[Issue, ...]) -> None:
        self.issues = tuple(issues)
        count = sum(1 for issue in self.issues if issue.severity is Severity.ERROR)
        super().__init__(f"{count} problem(s) found")

    def __str__(self) -> str:
        return "\n".join([self.message, *(str(issue) for issue in self.issues)])


class FormulaError(UserError):
    """A formula does not parse or does not type-check.

    `offset` is the 0-based character offset inside the formula text; the caller that knows where the formula sits
    in a file turns it into a `Location`.
    """

    def __init__(self, message: str, *, offset: int = 0, hint: str | None = None, text: str = "") -> None:
        super().__init__(message, hint=hint)
        self.offset = offset
        self.text = text

    def snippet(self) -> str:
        """The formula with a caret under the offending character."""
        if not self.text:
            return ""
        return f"    {self.text}\n    {' ' * self.offset}^"


class DataError(UserError):
    """A data file or table does not fit what is expected; nothing was written."""


class QueryError(UserError):
    """A compute request cannot be served as asked (unknown KPI, dimension missing in a source, bad range...)."""


class WarehouseError(UserError):
    """The warehouse cannot be reached or refused an operation for a reason the user can fix."""


class WarehouseUnavailable(WarehouseError):
    """The warehouse cannot be reached or used right now: not running, locked by another program, out of disk or
    memory, a lost connection, a conflicting transaction. Trying again later may work (a server answers 503)."""


class WarehouseQueryError(WarehouseError):
    """The warehouse refused the query: a name it does not know, SQL it cannot read, a feature it lacks."""


class WarehouseDataError(WarehouseError):
    """The warehouse cannot handle the values: a conversion that fails, a number out of range, a broken constraint."""


class InternalError(KpilotError):
    """A bug in kpilot: please report it with the command that triggered it."""
