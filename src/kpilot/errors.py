"""One error hierarchy for kpilot.

`UserError` is something the user can fix (a definition, a formula, a data file, a request); it carries where the
problem is and, when we can tell, how to fix it. `InternalError` is our bug. Third-party exceptions are translated
into one of these at the boundary so that no traceback reaches a user.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kpilot.i18n import Language, Message, render


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
    ERROR = "error"  # the definitions or the request cannot be used as they are
    WARNING = "warning"  # it works, but the numbers may mislead
    INFO = "info"  # worth knowing (a SMART finding that suggests an improvement)


@dataclass(frozen=True, init=False)
class Issue:
    """One validation problem, collected rather than raised so that a user sees all of them at once.

    `message` and `hint` are codes with values (rendered in the reader's language by `kpilot.i18n`); `field` names
    what the problem concerns in the model's terms (`grain`, `period`, `scope`), never a command-line flag;
    `suggestions` are values the user may have meant (known names), for a surface to offer."""

    message: Message
    location: Location
    hint: Message | None
    severity: Severity
    field: str | None
    suggestions: tuple[str, ...]

    def __init__(
        self,
        message: Message,
        location: Location | None = None,
        hint: Message | None = None,
        severity: Severity = Severity.ERROR,
        *,
        field: str | None = None,
        suggestions: tuple[str, ...] = (),
    ) -> None:
        object.__setattr__(self, "message", _message(message))
        object.__setattr__(self, "location", location if location is not None else Location())
        object.__setattr__(self, "hint", None if hint is None else _message(hint))
        object.__setattr__(self, "severity", severity)
        object.__setattr__(self, "field", field)
        object.__setattr__(self, "suggestions", tuple(suggestions))

    @property
    def code(self) -> str:
        return self.message.code

    def describe(self, language: Language = Language.EN) -> str:
        """The problem in words, with where it is and the hint."""
        where = f"{self.location}: " if self.location != Location() else ""
        words = f"{where}{render(Message('severity.' + self.severity.value), language)}: "
        words += render(self.message, language)
        if self.hint:
            words += f" ({render(self.hint, language)})"
        return words

    def __str__(self) -> str:
        return self.describe()


class KpilotError(Exception):
    """Base of every error kpilot raises on purpose."""


class UserError(KpilotError):
    """A problem the user can fix: a code with values (what and why), where it is, which field of the request or
    definition it concerns (`grain`, never `--grain`), a hint (how to fix it) and the values the user may have
    meant. Words come from `kpilot.i18n` at the surface; `str()` is the English text, for logs and tests."""

    def __init__(
        self,
        message: Message,
        *,
        location: Location | None = None,
        hint: Message | None = None,
        field: str | None = None,
        suggestions: tuple[str, ...] = (),
    ) -> None:
        self.message = _message(message)
        self.location = location
        self.hint = None if hint is None else _message(hint)
        self.field = field
        self.suggestions = tuple(suggestions)
        super().__init__(self.message.code)

    @property
    def code(self) -> str:
        return self.message.code

    def describe(self, language: Language = Language.EN) -> str:
        """The error in words: where, what, and the hint on its own line."""
        what = render(self.message, language)
        words = f"{self.location}: {what}" if self.location else what
        if self.hint:
            words += f"\n  {render(Message('error.hint_label'), language)}: {render(self.hint, language)}"
        return words

    def __str__(self) -> str:
        return self.describe()


class ValidationFailed(UserError):
    """Definitions or settings have problems; `issues` lists every one of them."""

    def __init__(self, issues: list[Issue] | tuple[Issue, ...]) -> None:
        self.issues = tuple(issues)
        count = sum(1 for issue in self.issues if issue.severity is Severity.ERROR)
        super().__init__(Message("validation.problems_found", count=count))

    def describe(self, language: Language = Language.EN) -> str:
        return "\n".join([render(self.message, language), *(issue.describe(language) for issue in self.issues)])


class FormulaError(UserError):
    """A formula does not parse or does not type-check.

    `offset` is the 0-based character offset inside the formula text; the caller that knows where the formula sits
    in a file turns it into a `Location`.
    """

    def __init__(
        self,
        message: Message,
        *,
        offset: int = 0,
        hint: Message | None = None,
        text: str = "",
        suggestions: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message, hint=hint, suggestions=suggestions)
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


def _message(value: object) -> Message:
    """A problem's words are a Message (a code with values) or nothing: a plain string here is our bug, caught when
    it is made rather than when someone far away tries to render it in Polish."""
    if not isinstance(value, Message):
        raise TypeError(f"a kpilot error takes a Message, not {type(value).__name__}: {value!r}")
    return value
