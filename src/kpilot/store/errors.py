"""The store's errors, and the one place where SQLAlchemy's and the drivers' exceptions become them.

Every error names the store as messages show it (a password in a URL masked) and says what to do.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, SQLAlchemyError

from kpilot.errors import InternalError, KpilotError, UserError
from kpilot.warehouse.failures import first_line

if TYPE_CHECKING:
    from kpilot.store.location import StoreLocation

UPGRADE_HINT = "run `kpilot db upgrade` (with -w WORKSPACE) to create or update it"


class StoreError(UserError):
    """The metadata store cannot be used as it is (missing, out of date, unreachable, or changed meanwhile)."""


class StoreMissing(StoreError):
    """There is no store yet: no SQLite file, or a database without kpilot's tables."""


class StoreOutdated(StoreError):
    """The store is behind the migrations this kpilot needs."""


class StoreTooNew(StoreError):
    """The store was migrated by a newer kpilot: this one does not know its revision."""


class StoreUnavailable(StoreError):
    """The store's database cannot be reached, or is locked by another program for too long."""


class StoreConflict(StoreError):
    """Someone else changed the store during the same operation; nothing of this one was written."""


@contextmanager
def translated(location: StoreLocation) -> Iterator[None]:
    """Run store calls: SQLAlchemy's errors become store errors naming the store; kpilot's own errors pass."""
    shown, secrets = location.shown, location.secrets
    try:
        yield
    except KpilotError:
        raise
    except IntegrityError as error:  # every row is checked before it is written: only a concurrent writer gets here
        raise StoreConflict(
            f"the store {shown} was changed by someone else at the same time: {_driver_message(error, secrets)}",
            hint="nothing was written; run the command again",
        ) from error
    except OperationalError as error:
        raise StoreUnavailable(
            f"cannot use the store {shown}: {_driver_message(error, secrets)}",
            hint=SQLITE_UNAVAILABLE if location.is_sqlite else POSTGRES_UNAVAILABLE,
        ) from error
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) == INSUFFICIENT_PRIVILEGE:
            raise StoreUnavailable(
                f"the store {shown} refused access: {_driver_message(error, secrets)}",
                hint="the database user needs the right to create, read and write tables in this database",
            ) from error
        if type(error.orig) is sqlite3.DatabaseError:  # its subclasses are errors in statements: our bugs
            raise StoreUnavailable(
                f"cannot read the store {shown}: {_driver_message(error, secrets)}",
                hint="the store: setting must name a SQLite file kpilot created (or a new path), not another file",
            ) from error
        raise InternalError(f"the store {shown} refused a statement: {_driver_message(error, secrets)}") from error
    except SQLAlchemyError as error:
        raise InternalError(f"unexpected error from the store {shown}: {first_line(error, secrets)}") from error


SQLITE_UNAVAILABLE = (
    "another program may hold the SQLite file locked, or its folder may not be writable; run the command again"
)
POSTGRES_UNAVAILABLE = (
    "check that the PostgreSQL server is running and reachable and that the database exists (kpilot db upgrade"
    " creates kpilot's tables, not the database: create it first, e.g. with createdb)"
)
INSUFFICIENT_PRIVILEGE = "42501"  # PostgreSQL's SQLSTATE for "permission denied"


def _driver_message(error: DBAPIError, secrets: tuple[str, ...]) -> str:
    return first_line(error.orig if error.orig is not None else error, secrets)
