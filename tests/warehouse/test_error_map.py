"""One map of backend errors: every DuckDB exception class, every psycopg category and the Ibis, SQLGlot and Arrow
errors become a specific WarehouseError (chained to the driver's error) or an InternalError; nothing else passes."""

from __future__ import annotations

import duckdb
import psycopg
import psycopg.errors
import pytest

from kpilot.errors import (
    InternalError,
    WarehouseDataError,
    WarehouseError,
    WarehouseQueryError,
    WarehouseUnavailable,
)
from kpilot.i18n import Message, Raw
from kpilot.warehouse.failures import DUCKDB_KINDS, PSYCOPG_KINDS, error_kind, translated


def _subclasses(cls: type) -> set[type]:
    found: set[type] = set()
    stack = [cls]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                stack.append(sub)
    return found


def _generic(message: Raw, error: BaseException) -> WarehouseError:
    return WarehouseError(Message("warehouse.compute_failed", problem=message))


def test_every_duckdb_exception_class_is_mapped() -> None:
    unmapped = sorted(c.__name__ for c in _subclasses(duckdb.Error) if c.__name__ not in DUCKDB_KINDS)
    assert unmapped == [], f"decide what these DuckDB errors mean in failures.DUCKDB_KINDS: {unmapped}"


def test_every_psycopg_category_is_mapped() -> None:
    categories = {c.__name__ for c in psycopg.Error.__subclasses__() if getattr(psycopg, c.__name__, None) is c}
    categories |= {
        c.__name__ for c in psycopg.DatabaseError.__subclasses__() if getattr(psycopg, c.__name__, None) is c
    }
    assert categories - set(PSYCOPG_KINDS) == set()


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (duckdb.CatalogException("Table x does not exist"), WarehouseQueryError),
        (duckdb.ConversionException("Could not convert"), WarehouseDataError),
        (duckdb.IOException("Could not set lock"), WarehouseUnavailable),
        (duckdb.HTTPException("404"), WarehouseUnavailable),
        (duckdb.InternalException("assertion failed"), InternalError),
        (psycopg.errors.UndefinedTable("relation x does not exist"), WarehouseQueryError),
        (psycopg.errors.NumericValueOutOfRange("out of range"), WarehouseDataError),
        (psycopg.errors.DiskFull("no space left"), WarehouseUnavailable),
        (psycopg.errors.AdminShutdown("terminating connection"), WarehouseUnavailable),
        (psycopg.errors.InFailedSqlTransaction("aborted"), InternalError),
    ],
)
def test_a_driver_error_becomes_its_kind_chained_to_the_cause(error: BaseException, kind: type) -> None:
    assert error_kind(error) is kind
    with pytest.raises(kind) as raised, translated(_generic):
        raise error
    assert raised.value.__cause__ is error
    if issubclass(kind, WarehouseError):
        # The maker's message, with the driver's own words passed through untranslated.
        assert raised.value.code == "warehouse.compute_failed"
        assert raised.value.message.values["problem"] == Raw(str(error))
        assert str(raised.value) == f"the warehouse could not compute the request: {error}"


def test_real_duckdb_failures_are_told_apart() -> None:
    con = duckdb.connect()
    with pytest.raises(WarehouseQueryError), translated(_generic):
        con.execute("SELECT * FROM no_such_table")
    with pytest.raises(WarehouseDataError), translated(_generic):
        con.execute("SELECT CAST('abc' AS INTEGER)")


def test_a_specific_kind_chosen_by_the_caller_is_kept() -> None:
    def locked(message: Raw, error: BaseException) -> WarehouseError:
        return WarehouseUnavailable(Message("warehouse.file_locked", path="w.duckdb", problem=message))

    with pytest.raises(WarehouseUnavailable, match="is locked by another process: x"), translated(locked):
        raise duckdb.CatalogException("x")


def test_anything_else_is_an_internal_error() -> None:
    with pytest.raises(InternalError, match="unexpected ValueError"), translated(_generic):
        raise ValueError("bad argument")
