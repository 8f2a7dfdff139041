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

from kpilot.errors import InternalError, KpilotError, WarehouseError

# user:password@ in any URL, and password=... in a libpq connection string.
URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*):[^@\s]*@")
CONNINFO_PASSWORD = re.compile(r"(?P<head>\bpassword\s*=\s*)(?:'(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)
MIN_SECRET = 3  # shorter passwords are not replaced as bare text: they would garble the message, not hide much

LOCK = re.compile(r"Could not set lock on file .*?Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")
OTHER_MODE = "different configuration than existing connections"
NOT_DUCKDB = "not a valid DuckDB database file"
LOCK_HINT = (
    "close the program holding it (a notebook, a DuckDB shell, another kpilot ingest), or have it open the file "
    "read-only (duckdb.connect(path, read_only=True)): kpilot's reads share a file with other read-only readers, "
    "and kpilot ingest needs it to itself"
)


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
    ):
        loaded = sys.modules.get(module)
        kind = getattr(loaded, name, None) if loaded is not None else None
        if isinstance(kind, type) and issubclass(kind, BaseException):
            kinds.append(kind)
    return tuple(kinds)


@contextmanager
def translated(failure: Callable[[str, BaseException], WarehouseError], secrets: Iterable[str] = ()) -> Iterator[None]:
    """Run a driver call: its errors become `failure(first line of the message, error)`, chained to the original;
    kpilot's own errors pass through; anything else is a bug."""
    secrets = tuple(secrets)
    try:
        yield
    except KpilotError:
        raise
    except driver_errors() as error:
        raise failure(first_line(error, secrets), error) from error
    except Exception as error:  # not a database error: kpilot called the driver wrongly
        raise InternalError(
            f"unexpected {type(error).__name__} from the warehouse: {first_line(error, secrets)}"
        ) from error


def open_failure(shown: str, path: Path | None, message: str, error: BaseException) -> WarehouseError:
    """Why the warehouse cannot be opened. `shown` is the target with any password masked; `path` the DuckDB file."""
    if path is not None:
        return _duckdb_open_failure(path, message, error)
    if _permission(message, error):
        return WarehouseError(
            f"cannot open the warehouse '{shown}': the server refused the connection: {message}",
            hint="check the user and password in the URL, and that this user may connect to the database",
        )
    return WarehouseError(
        f"cannot open the warehouse '{shown}': {message}",
        hint="check that the server is running and reachable, and 'warehouse:' in kpilot.yaml "
        "(postgresql://user@host:port/database)",
    )


def _duckdb_open_failure(path: Path, message: str, error: BaseException) -> WarehouseError:
    lock = LOCK.search(str(error))
    if lock is not None:
        return WarehouseError(
            f"the warehouse file '{path}' is in use by another process: {lock['program']} (PID {lock['pid']})",
            hint=LOCK_HINT,
        )
    if "could not set lock" in message.lower():
        return WarehouseError(f"the warehouse file '{path}' is locked by another process: {message}", hint=LOCK_HINT)
    if OTHER_MODE in message:
        return WarehouseError(
            f"the warehouse file '{path}' is already open in this program in the other mode (reading or writing)",
            hint="close the other Workspace on this file (workspace.close()) first: DuckDB opens a file in one mode "
            "per program",
        )
    if _permission(message, error):
        return WarehouseError(
            f"cannot open the warehouse file '{path}': permission denied",
            hint="reading needs read permission on the file; kpilot ingest and kpilot init also need write permission "
            "on it and on its folder (check them with `ls -l`)",
        )
    if NOT_DUCKDB in message:
        return WarehouseError(
            f"'{path}' is not a DuckDB database file",
            hint="point 'warehouse:' in kpilot.yaml at a DuckDB file, or at a PostgreSQL URL",
        )
    return WarehouseError(f"cannot open the warehouse file '{path}': {message}")


def _permission(message: str, error: BaseException) -> bool:
    lowered = message.lower()
    return (
        isinstance(error, PermissionError)
        or "permission denied" in lowered
        or "password authentication failed" in lowered
        or "no password supplied" in lowered
        or "no pg_hba.conf entry" in lowered
    )
