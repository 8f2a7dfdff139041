"""Record every statement kpilot sends to the warehouse, to check that user input only ever reaches it as a query.

The recorder wraps the driver connection under the Ibis backend (DuckDB's connection, psycopg's connection and its
cursors) and forwards everything else untouched, so what it sees is exactly what the database receives.
"""

from __future__ import annotations

from typing import Any

import sqlglot
from sqlglot import expressions as exp

from kpilot import Workspace

_EXECUTING = frozenset({"execute", "executemany", "sql", "query"})


class Recorder:
    """Forwards to `inner`, appending the text of every statement to `log`."""

    def __init__(self, inner: Any, log: list[str]) -> None:
        self._inner = inner
        self._log = log

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        if name in _EXECUTING:

            def executing(*args: Any, **kwargs: Any) -> Any:
                statement = args[0] if args else kwargs.get("query", "")
                self._log.append(statement.decode() if isinstance(statement, bytes) else str(statement))
                return attribute(*args, **kwargs)

            return executing
        if name == "cursor":
            return lambda *args, **kwargs: Recorder(attribute(*args, **kwargs), self._log)
        return attribute

    def __enter__(self) -> Recorder:
        return Recorder(self._inner.__enter__(), self._log)

    def __exit__(self, *details: Any) -> Any:
        return self._inner.__exit__(*details)

    def __iter__(self) -> Any:
        return iter(self._inner)


def record(workspace: Workspace) -> list[str]:
    """Connect the workspace's warehouse and start recording; returns the (growing) list of statements."""
    log: list[str] = []
    backend = workspace.warehouse.con
    backend.con = Recorder(backend.con, log)
    return log


def not_one_query(statements: list[str], dialect: str) -> list[str]:
    """The recorded statements that are anything but exactly one read-only query (SELECT, set operations, or a
    DESCRIBE of a table or query, which is how DuckDB reports a query's columns)."""
    read = "postgres" if dialect == "postgres" else "duckdb"
    bad = []
    for statement in statements:
        try:
            parsed = [tree for tree in sqlglot.parse(statement, read=read) if tree is not None]
        except sqlglot.errors.SqlglotError:
            bad.append(statement)
            continue
        if len(parsed) != 1 or not _read_only(parsed[0]):
            bad.append(statement)
    return bad


def _read_only(tree: exp.Expression) -> bool:
    if isinstance(tree, exp.Describe):
        inner = tree.this
        return isinstance(inner, exp.Table) or (isinstance(inner, exp.Expression) and _read_only(inner))
    if not isinstance(tree, exp.Query):
        return False
    writes = (exp.Insert, exp.Update, exp.Delete, exp.Merge, exp.Create, exp.Drop, exp.Alter, exp.Copy, exp.Command)
    return not any(isinstance(node, writes) for node in tree.walk())
