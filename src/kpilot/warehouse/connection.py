"""The warehouse: an Ibis backend (embedded DuckDB by default, or PostgreSQL), and sources as Ibis tables."""

from __future__ import annotations

import glob
from functools import cached_property
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.datatypes as dt

from kpilot.definitions.model import Source
from kpilot.errors import Location, WarehouseError

IBIS_TEMPORARY = "ibis_"
FILE_READERS = {".parquet": "read_parquet", ".csv": "read_csv", ".tsv": "read_csv", ".json": "read_json"}


class Warehouse:
    """Where a workspace's data lives. `target` is a DuckDB file path (relative to the workspace) or a URL."""

    def __init__(self, target: str, root: Path) -> None:
        self.target = target
        self.root = root
        self._tables: dict[str, Any] = {}

    @property
    def is_url(self) -> bool:
        return "://" in self.target

    @cached_property
    def con(self) -> Any:
        try:
            if self.is_url:
                url = self.target.replace("postgresql://", "postgres://", 1)
                return ibis.connect(url)
            path = Path(self.target)
            path = path if path.is_absolute() else self.root / path
            return ibis.duckdb.connect(str(path))
        except Exception as error:  # any driver error means the same thing to the user: cannot connect
            raise WarehouseError(
                f"cannot open the warehouse '{self.target}': {_first_line(error)}",
                hint="check 'warehouse:' in kpilot.yaml (a DuckDB file path or postgresql://user@host:port/db)",
            ) from None

    def connect(self) -> None:
        """Open the connection now (creating an embedded DuckDB file), rather than on first use."""
        _ = self.con

    @property
    def dialect(self) -> str:
        return str(self.con.name)

    def list_tables(self) -> list[str]:
        """The warehouse's tables, without the temporary views Ibis registers for in-memory data."""
        return [name for name in self.con.list_tables() if not name.startswith(IBIS_TEMPORARY)]

    def table_columns(self, name: str) -> dict[str, str] | None:
        """Column name -> type of a warehouse table, or None if there is no such table."""
        if name not in self.list_tables():
            return None
        return {column: str(kind) for column, kind in self.con.table(name).schema().items()}

    def source_table(self, source: Source) -> Any:
        """The source as an Ibis table (cached per warehouse)."""
        if source.name not in self._tables:
            self._tables[source.name] = self._open(source)
        return self._tables[source.name]

    def source_schema(self, source: Source) -> dict[str, dt.DataType]:
        return dict(self.source_table(source).schema().items())

    def _open(self, source: Source) -> Any:
        where = source.origin if source.origin != Location() else None
        if source.table is not None:
            return self._open_table(source, source.table, where)
        if source.file is not None:
            return self._open_file(source, source.file, where)
        assert source.sql is not None
        try:
            return self.con.sql(source.sql)
        except Exception as error:  # the database's own message says what is wrong with the SQL
            raise WarehouseError(
                f"source '{source.name}': the warehouse rejected its sql: {_first_line(error)}",
                location=source.locations.get("sql", where),
            ) from None

    def _open_table(self, source: Source, table: str, where: Location | None) -> Any:
        schema, _, name = table.rpartition(".")
        con = self.con  # connection problems have their own message
        try:
            known = con.list_tables(database=schema) if schema else self.con.list_tables()
        except Exception as error:
            raise WarehouseError(f"source '{source.name}': cannot list tables: {_first_line(error)}") from None
        if name not in known:
            raise WarehouseError(
                f"source '{source.name}': table '{table}' is not in the warehouse",
                location=where,
                hint=f"load it with `kpilot ingest FILE --table {table}`"
                + (f" (tables: {', '.join(sorted(known)[:10])})" if known else ""),
            )
        return self.con.table(name, database=schema) if schema else self.con.table(name)

    def _open_file(self, source: Source, pattern: str, where: Location | None) -> Any:
        if self.is_url:
            raise WarehouseError(
                f"source '{source.name}': 'file:' sources need the embedded DuckDB warehouse",
                location=where,
                hint="load the file with `kpilot ingest` and use 'table:' instead",
            )
        path = Path(pattern)
        full = path if path.is_absolute() else self.root / path
        matches = sorted(glob.glob(str(full)))
        if not matches:
            raise WarehouseError(f"source '{source.name}': no file matches '{pattern}'", location=where)
        suffixes = {Path(m).suffix.lower() for m in matches}
        reader = FILE_READERS.get(suffixes.pop()) if len(suffixes) == 1 else None
        if reader is None:
            raise WarehouseError(
                f"source '{source.name}': '{pattern}' must match files of one kind: {', '.join(sorted(FILE_READERS))}",
                location=where,
            )
        try:
            return getattr(self.con, reader)(matches, table_name=f"kpilot_file_{source.name}")
        except Exception as error:
            raise WarehouseError(f"source '{source.name}': cannot read '{pattern}': {_first_line(error)}") from None

    def close(self) -> None:
        if "con" in self.__dict__:
            self.con.disconnect()
            del self.__dict__["con"]
        self._tables.clear()


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]
