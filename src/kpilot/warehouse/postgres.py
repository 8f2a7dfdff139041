"""The columns of a `sql:` source on PostgreSQL, asked of the server without running the query.

Ibis finds a query's columns by creating a temporary view over it, which a read-only session refuses (and which
would be a write). The server can instead parse and describe the query as an unnamed prepared statement: nothing
is executed, not even a function call in the select list, and the types come back as the server sees them.
"""

from __future__ import annotations

from typing import Any

import ibis.expr.datatypes as dt

from kpilot.errors import WarehouseError
from kpilot.i18n import Message

UNNAMED = b""  # the unnamed prepared statement: replaced by the next one, so nothing is left behind


def query_schema(backend: Any, sql: str, source: str) -> dict[str, dt.DataType]:
    """Column name -> Ibis type of `sql` (the query of source `source`) on an Ibis PostgreSQL backend; driver errors
    are psycopg's."""
    import psycopg
    from psycopg import pq

    raw = backend.con
    encoding = raw.info.encoding
    prepared = raw.pgconn.prepare(UNNAMED, sql.encode(encoding))
    if prepared.status != pq.ExecStatus.COMMAND_OK:
        raise _error(psycopg, prepared, encoding)
    described = raw.pgconn.describe_prepared(UNNAMED)
    if described.status != pq.ExecStatus.COMMAND_OK:
        raise _error(psycopg, described, encoding)
    names = [(described.fname(i) or b"").decode(encoding) for i in range(described.nfields)]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise WarehouseError(
            Message("warehouse.sql_repeats_columns", source=source, columns=tuple(repeated)),
            hint=Message("warehouse.sql_repeats_columns_hint"),
            field="sql",
        )
    columns = [(described.ftype(i), described.fmod(i)) for i in range(described.nfields)]
    mapper = backend.compiler.type_mapper
    return {
        name: mapper.from_string(kind, nullable=True)
        for name, kind in zip(names, _type_names(raw, columns), strict=True)
    }


def _type_names(raw: Any, columns: list[tuple[int, int]]) -> list[str]:
    """The server's names of (type oid, modifier) pairs, as Ibis reads a table's columns (enums as 'enum')."""
    if not columns:
        return []
    # Plain integers from libpq, so the values can be written into the query; one round trip for all columns.
    rows = ", ".join(f"({n}, {oid}, {mod})" for n, (oid, mod) in enumerate(columns))
    query = (
        "SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_enum AS e WHERE e.enumtypid = CAST(c.oid AS OID)) "
        "THEN 'enum' ELSE pg_catalog.format_type(CAST(c.oid AS OID), c.mod) END "
        f"FROM (VALUES {rows}) AS c(n, oid, mod) ORDER BY c.n"
    )
    with raw.cursor() as cursor:
        cursor.execute(query)
        return [str(row[0]) for row in cursor.fetchall()]


def _error(psycopg: Any, result: Any, encoding: str) -> Exception:
    """The psycopg exception the server's error stands for, so that callers handle it like any driver error."""
    from psycopg import pq

    state = (result.error_field(pq.DiagnosticField.SQLSTATE) or b"").decode()
    message = (result.error_field(pq.DiagnosticField.MESSAGE_PRIMARY) or result.error_message or b"").decode(
        encoding, errors="replace"
    )
    try:
        kind = psycopg.errors.lookup(state) if state else psycopg.DatabaseError
    except KeyError:
        kind = psycopg.DatabaseError
    error: Exception = kind(message)
    return error
