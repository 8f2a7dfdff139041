"""What the warehouse's drivers raise, as messages for people: secrets masked, and the real cause named.

A driver error becomes a WarehouseError (the user can act on it); anything else escaping a driver call is a bug in
kpilot and becomes an InternalError. Every text that comes from a driver passes through `masked` first: psycopg
can echo the connection string, and a PostgreSQL URL may hold a password.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from kpilot.errors import (
    InternalError,
    KpilotError,
    WarehouseDataError,
    WarehouseError,
    WarehouseQueryError,
    WarehouseUnavailable,
)
from kpilot.i18n import Message, Raw

Kind = type[WarehouseError] | type[InternalError]

# Every exception class DuckDB defines, by name, and what it means for the user. A test fails when DuckDB adds one
# that is not here, so that a new kind of failure is decided on rather than reported as something it is not.
DUCKDB_KINDS: dict[str, Kind] = {
    "Error": WarehouseError,
    "Warning": WarehouseError,
    "DatabaseError": WarehouseError,
    "FatalException": InternalError,  # the database is in an unusable state: DuckDB's own bug
    "InternalError": InternalError,
    "InternalException": InternalError,
    "InterruptException": WarehouseUnavailable,
    "OperationalError": WarehouseUnavailable,
    "TransactionException": WarehouseUnavailable,  # a conflicting writer: try again
    "OutOfMemoryException": WarehouseUnavailable,
    "ConnectionException": WarehouseUnavailable,
    "IOException": WarehouseUnavailable,
    "HTTPException": WarehouseUnavailable,
    "SerializationException": WarehouseUnavailable,
    "PermissionException": WarehouseQueryError,  # a file outside the allowed folders
    "SequenceException": WarehouseQueryError,
    "DependencyException": WarehouseQueryError,
    "ProgrammingError": WarehouseQueryError,
    "ParserException": WarehouseQueryError,
    "SyntaxException": WarehouseQueryError,
    "BinderException": WarehouseQueryError,
    "CatalogException": WarehouseQueryError,
    "InvalidTypeException": WarehouseQueryError,
    "NotSupportedError": WarehouseQueryError,
    "NotImplementedException": WarehouseQueryError,
    "InvalidInputException": WarehouseDataError,
    "DataError": WarehouseDataError,
    "OutOfRangeException": WarehouseDataError,
    "ConversionException": WarehouseDataError,
    "TypeMismatchException": WarehouseDataError,
    "IntegrityError": WarehouseDataError,
    "ConstraintException": WarehouseDataError,
}

# psycopg's classes follow the DB-API categories (with hundreds of SQLSTATE subclasses under them): a class is known
# by its nearest category.
PSYCOPG_KINDS: dict[str, Kind] = {
    "Error": WarehouseError,
    "Warning": WarehouseError,
    "DatabaseError": WarehouseError,
    "InterfaceError": InternalError,  # kpilot used the driver wrongly
    "InternalError": InternalError,  # transaction state: kpilot's own handling
    "OperationalError": WarehouseUnavailable,
    "ProgrammingError": WarehouseQueryError,
    "NotSupportedError": WarehouseQueryError,
    "DataError": WarehouseDataError,
    "IntegrityError": WarehouseDataError,
}

# pyspark's exceptions (pyspark.errors), by name: the JVM's errors arrive as these, the analyser's as AnalysisException.
SPARK_KINDS: dict[str, Kind] = {
    "AnalysisException": WarehouseQueryError,  # a missing table or column, a type Spark refuses
    "ParseException": WarehouseQueryError,
    "ArithmeticException": WarehouseDataError,  # an overflow in ANSI mode
    "NumberFormatException": WarehouseDataError,
    "DateTimeException": WarehouseDataError,
    "IllegalArgumentException": WarehouseQueryError,
    "PySparkException": WarehouseError,
}

OTHER_KINDS: dict[str, Kind] = {
    "ibis.common.exceptions.IbisError": WarehouseQueryError,  # Ibis refused what a source or request asks
    "sqlglot.errors.SqlglotError": WarehouseQueryError,
    "pyarrow.lib.ArrowException": WarehouseDataError,  # values that do not fit Arrow's types
}


def error_kind(error: BaseException) -> Kind:
    """What a driver's exception means: the WarehouseError subclass it becomes, or InternalError."""
    for cls in type(error).__mro__:
        module = cls.__module__
        if module in ("duckdb", "_duckdb") and cls.__name__ in DUCKDB_KINDS:
            return DUCKDB_KINDS[cls.__name__]
        if module.startswith("psycopg") and cls.__name__ in PSYCOPG_KINDS and _is_psycopg_category(cls):
            return PSYCOPG_KINDS[cls.__name__]
        if module.startswith("pyspark.errors") and cls.__name__ in SPARK_KINDS:
            return SPARK_KINDS[cls.__name__]
        if module.startswith("py4j"):  # the JVM behind Spark went away, or never started
            return WarehouseUnavailable
        if f"{module}.{cls.__qualname__}" in OTHER_KINDS:
            return OTHER_KINDS[f"{module}.{cls.__qualname__}"]
    return WarehouseError


def _is_psycopg_category(cls: type) -> bool:
    psycopg = sys.modules.get("psycopg")
    return psycopg is not None and getattr(psycopg, cls.__name__, None) is cls


# user:password@ in any URL, and password=... in a libpq connection string.
URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*):[^@\s]*@")
CONNINFO_PASSWORD = re.compile(r"(?P<head>\bpassword\s*=\s*)(?:'(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)
MIN_SECRET = 3  # shorter passwords are not replaced as bare text: they would garble the message, not hide much

# DuckDB's and libpq's own words, matched to tell one failure from another (their text is English whatever the
# locale): a lock held by another process, a file open in the other mode, a file that is not a database, and the
# refusals that mean a permission or a password is wrong.
LOCK = re.compile(r"Could not set lock on file .*?Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")
LOCK_UNNAMED = re.compile(r"could not set lock", re.IGNORECASE)
OTHER_MODE = "different configuration than existing connections"
NOT_DUCKDB = "not a valid DuckDB database file"
REFUSED_ACCESS = re.compile(
    r"permission denied|password authentication failed|no password supplied|no pg_hba\.conf entry", re.IGNORECASE
)
LOCK_HINT = Message("warehouse.file_lock_hint")


def masked(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with passwords replaced by ***: in URLs, in connection strings, and wherever a known one appears."""
    text = URL_PASSWORD.sub(r"\g<head>:***@", text)
    text = CONNINFO_PASSWORD.sub(r"\g<head>***", text)
    for secret in secrets:
        if len(secret) >= MIN_SECRET:
            text = text.replace(secret, "***")
    return text


def url_secrets(url: str) -> tuple[str, ...]:
    """The password of a URL as written and as decoded (libpq decodes %-escapes, and messages may show either)."""
    try:
        password = urlsplit(url).password
    except ValueError:
        return ()
    return (password, unquote(password)) if password else ()


def first_line(error: BaseException, secrets: Iterable[str] = ()) -> str:
    text = str(error).strip() or type(error).__name__
    return masked(text.splitlines()[0], secrets)


def driver_errors() -> tuple[type[BaseException], ...]:
    """The exception classes of the database layer. A driver that was never imported raised nothing, so only
    imported ones are looked up: the CLI does not pay for importing psycopg to run on DuckDB."""
    kinds: list[type[BaseException]] = []
    for module, name in (
        ("duckdb", "Error"),
        ("psycopg", "Error"),
        ("ibis.common.exceptions", "IbisError"),
        ("sqlglot.errors", "SqlglotError"),
        ("pyarrow", "ArrowException"),
        ("pyspark.errors", "PySparkException"),
        ("py4j.protocol", "Py4JError"),
    ):
        loaded = sys.modules.get(module)
        kind = getattr(loaded, name, None) if loaded is not None else None
        if isinstance(kind, type) and issubclass(kind, BaseException):
            kinds.append(kind)
    return tuple(kinds)


@contextmanager
def translated(failure: Callable[[Raw, BaseException], WarehouseError], secrets: Iterable[str] = ()) -> Iterator[None]:
    """Run a driver call: its errors become `failure(first line of the message, error)`, chained to the original;
    kpilot's own errors pass through; anything else is a bug. The driver's text is passed on as it is (`Raw`):
    it is the driver's, in the driver's language, and kpilot's message around it says what it means."""
    secrets = tuple(secrets)
    try:
        yield
    except KpilotError:
        raise
    except driver_errors() as error:
        kind = error_kind(error)
        message = first_line(error, secrets)
        if kind is InternalError:
            raise InternalError(f"the warehouse failed inside ({type(error).__name__}): {message}") from error
        raise specific(failure(Raw(message), error), kind) from error
    except Exception as error:  # not a database error: kpilot called the driver wrongly
        raise InternalError(
            f"unexpected {type(error).__name__} from the warehouse: {first_line(error, secrets)}"
        ) from error


def specific(found: WarehouseError, kind: Kind) -> WarehouseError:
    """`found` as the kind of failure the driver's error says, unless its maker already chose a specific one."""
    if type(found) is not WarehouseError or kind is InternalError or kind is WarehouseError:
        return found
    assert issubclass(kind, WarehouseError)
    return kind(
        found.message, location=found.location, hint=found.hint, field=found.field, suggestions=found.suggestions
    )


def open_failure(shown: str, path: Path | None, problem: Raw, error: BaseException) -> WarehouseError:
    """Why the warehouse cannot be opened. `shown` is the target with any password masked; `path` the DuckDB file;
    `problem` the driver's own words (masked)."""
    if path is not None:
        return _duckdb_open_failure(path, problem, error)
    if _permission(problem.text, error):
        return WarehouseUnavailable(
            Message("warehouse.server_refused", target=shown, problem=problem),
            hint=Message("warehouse.server_refused_hint"),
        )
    return WarehouseUnavailable(
        Message("warehouse.server_unreachable", target=shown, problem=problem),
        hint=Message("warehouse.server_unreachable_hint"),
    )


def _duckdb_open_failure(path: Path, problem: Raw, error: BaseException) -> WarehouseError:
    shown = str(path)
    lock = LOCK.search(str(error))
    if lock is not None:
        # The PID as digits, not as a number with thousands separators: it is what `ps` and `kill` take.
        in_use = Message("warehouse.file_in_use", path=shown, program=Raw(lock["program"]), pid=lock["pid"])
        return WarehouseUnavailable(in_use, hint=LOCK_HINT)
    if LOCK_UNNAMED.search(problem.text):
        return WarehouseUnavailable(Message("warehouse.file_locked", path=shown, problem=problem), hint=LOCK_HINT)
    if OTHER_MODE in problem.text:
        return WarehouseUnavailable(
            Message("warehouse.file_open_other_mode", path=shown), hint=Message("warehouse.file_open_other_mode_hint")
        )
    if _permission(problem.text, error):
        return WarehouseUnavailable(
            Message("warehouse.file_permission_denied", path=shown),
            hint=Message("warehouse.file_permission_denied_hint"),
        )
    if NOT_DUCKDB in problem.text:
        return WarehouseError(
            Message("warehouse.not_duckdb_file", path=shown), hint=Message("warehouse.not_duckdb_hint")
        )
    return WarehouseUnavailable(Message("warehouse.file_open_failed", path=shown, problem=problem))


def _permission(message: str, error: BaseException) -> bool:
    return isinstance(error, PermissionError) or REFUSED_ACCESS.search(message) is not None
