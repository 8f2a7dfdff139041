"""The one place where SQLAlchemy's and the drivers' exceptions become the store's errors (`store.errors`).

Apart from `store.errors` so that the store's location (which raises store errors) and the translation (which names
the location) do not import each other.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, SQLAlchemyError

from kpilot.errors import InternalError, KpilotError
from kpilot.i18n import Message, Raw
from kpilot.store.errors import StoreConflict, StoreUnavailable
from kpilot.store.location import StoreLocation
from kpilot.warehouse.failures import first_line


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
            Message("store.conflict", store=shown, problem=_driver_message(error, secrets)),
            hint=Message("store.conflict_hint"),
        ) from error
    except OperationalError as error:
        raise StoreUnavailable(
            Message("store.unavailable", store=shown, problem=_driver_message(error, secrets)),
            hint=SQLITE_UNAVAILABLE if location.is_sqlite else POSTGRES_UNAVAILABLE,
        ) from error
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) == INSUFFICIENT_PRIVILEGE:
            raise StoreUnavailable(
                Message("store.access_refused", store=shown, problem=_driver_message(error, secrets)),
                hint=Message("store.access_refused_hint"),
            ) from error
        if type(error.orig) is sqlite3.DatabaseError:  # its subclasses are errors in statements: our bugs
            raise StoreUnavailable(
                Message("store.unreadable", store=shown, problem=_driver_message(error, secrets)),
                hint=Message("store.unreadable_hint"),
                field="store",
            ) from error
        raise InternalError(f"the store {shown} refused a statement: {_driver_message(error, secrets).text}") from error
    except SQLAlchemyError as error:
        raise InternalError(f"unexpected error from the store {shown}: {first_line(error, secrets)}") from error


SQLITE_UNAVAILABLE = Message("store.sqlite_unavailable_hint")
POSTGRES_UNAVAILABLE = Message("store.postgres_unavailable_hint")
INSUFFICIENT_PRIVILEGE = "42501"  # PostgreSQL's SQLSTATE for "permission denied"


def _driver_message(error: DBAPIError, secrets: tuple[str, ...]) -> Raw:
    """The driver's own words (its language, passwords masked), passed on untranslated inside a store message."""
    return Raw(first_line(error.orig if error.orig is not None else error, secrets))
