"""The warehouse: an Ibis backend (embedded DuckDB by default, PostgreSQL, or Spark), and sources as Ibis tables.

Definitions, filters and scopes may come from people other than the one running kpilot, so the connection that
computes is fenced: it is read-only (DuckDB opens the file read-only, PostgreSQL sessions default to read-only
transactions), DuckDB reads files only inside the workspace folder and the `allowed_paths` folders and loads no
extension, and a `sql:` source must pass `sql_guard` before the warehouse sees it. Writing (kpilot ingest, kpilot
init, the demo) asks for a separate connection with `writable()`. On Spark (`warehouse.spark`, imported only for a
`spark://` target) nothing but kpilot's compiled queries and guarded `sql:` sources reach the session.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from kpilot.definitions.model import Source
from kpilot.definitions.spark_target import is_spark
from kpilot.errors import Location, WarehouseError
from kpilot.i18n import Message, Raw
from kpilot.warehouse.failures import driver_errors, masked, open_failure, translated, url_secrets
from kpilot.warehouse.folders import Folders
from kpilot.warehouse.resources import Resources

# Ibis (and sqlglot, under sql_guard) are imported where they are used, not here: the checks that read definitions
# only (`kpilot validate --no-data`, through semantic.validate and engine.preflight) import this module for its type.
if TYPE_CHECKING:
    import ibis.expr.datatypes as dt

IBIS_TEMPORARY = "ibis_"
INTERNAL_PREFIX = "_kpilot_"  # kpilot's own tables (the ingest log): never listed as the user's data
FILE_READERS = {".parquet": "read_parquet", ".csv": "read_csv", ".tsv": "read_csv", ".json": "read_json"}
POSTGRES_SCHEMES = ("postgresql", "postgres")
# Given when DuckDB starts: no extension is installed or loaded behind kpilot's back (httpfs would reach the network).
DUCKDB_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
# Settings left changeable once the configuration is locked, none of them about files or extensions: what Ibis sets
# on every connection (a second Workspace on the same file shares the locked database), and the progress bar, which
# each connection turns off so that DuckDB prints none of its own into kpilot's output (on by default in Python).
DUCKDB_UNLOCKED = ("timezone", "python_enable_replacements", "enable_progress_bar")
# libpq options for every PostgreSQL session: standard strings whatever the server's default, so that a backslash in
# a literal Ibis writes is an ordinary character (with them off, 'a\' would end in an escaped quote).
POSTGRES_STRINGS = "-c standard_conforming_strings=on"
POSTGRES_READ_ONLY = "-c default_transaction_read_only=on"
DUCKDB_REFUSED_FILE = "disabled by configuration"  # DuckDB's words when it refuses a file outside the folders
TABLES_SHOWN = 10  # tables named in the hint when a source's table is missing


class Warehouse:
    """Where a workspace's data lives. `target` is a DuckDB file path (relative to the workspace) or a URL.

    The connection is read-only unless `writable`; `allowed_paths` are the folders, besides the workspace folder,
    whose files sources may read (relative to the workspace folder, or absolute); `resources` what DuckDB may use
    (its memory, threads and spill folder; by default DuckDB's memory and threads, spilling to `.kpilot/spill`)."""

    def __init__(
        self,
        target: str,
        root: Path,
        *,
        allowed_paths: Sequence[str] = (),
        writable: bool = False,
        resources: Resources | None = None,
    ) -> None:
        self.target = target
        self.root = root
        self.allowed_paths = tuple(allowed_paths)
        self.resources = resources if resources is not None else Resources.of(root)
        self.folders = Folders.of(root, self.allowed_paths)
        self.writable_connection = writable
        self._secrets = url_secrets(target) if self.is_url else ()
        self._tables: dict[str, Any] = {}
        self._files: dict[str, tuple[Path, ...]] = {}  # the files each file source read when opened
        self._listing: list[str] | None = None  # the user's tables, as listed once per connection
        # Connections made so far: what was compiled against one connection's tables (their columns and types) is
        # compiled again against the next one's, which may differ (an ingest in between, say).
        self.connections = 0

    def __repr__(self) -> str:
        return f"Warehouse({self.shown!r}{', writable' if self.writable_connection else ''})"

    @property
    def is_url(self) -> bool:
        return "://" in self.target

    @property
    def is_spark(self) -> bool:
        return is_spark(self.target)

    @property
    def shown(self) -> str:
        """The target as messages show it: a password in a URL is masked."""
        return masked(self.target, self._secrets)

    @property
    def path(self) -> Path | None:
        """The DuckDB file, or None for a server."""
        if self.is_url:
            return None
        path = Path(self.target)
        return path if path.is_absolute() else self.root / path

    @property
    def dialect(self) -> str:
        """The SQL dialect, as Ibis and SQLGlot name it (known without connecting)."""
        if self.is_spark:
            return "pyspark"
        return "postgres" if self.is_url else "duckdb"

    @property
    def compiler(self) -> Any:
        """Ibis's SQL compiler for this warehouse's dialect (on Spark, one that knows kpilot's own functions)."""
        if self.is_spark:
            from kpilot.warehouse.spark_backend import compiler

            return compiler
        import ibis.backends.sql.compilers as sql_compilers  # see the imports above

        return getattr(sql_compilers, self.dialect).compiler

    @cached_property
    def con(self) -> Any:
        path = self.path
        if self.is_spark:
            con = self._connect_spark()
        else:
            con = self._connect_duckdb(path) if path is not None else self._connect_postgres()
        self.connections += 1
        return con

    def connect(self) -> None:
        """Open the connection now, rather than on first use."""
        _ = self.con

    def create(self) -> None:
        """Create the embedded DuckDB file if it does not exist (kpilot init); a server needs nothing."""
        with self.writable():
            pass

    @contextmanager
    def writable(self) -> Iterator[Any]:
        """An Ibis connection that may write, for the block only. This warehouse's own (read-only) connection is
        closed first: DuckDB opens a file in one mode per process."""
        self.close()
        writer = Warehouse(
            self.target, self.root, allowed_paths=self.allowed_paths, writable=True, resources=self.resources
        )
        try:
            yield writer.con
        finally:
            writer.close()

    def close(self) -> None:
        if "con" in self.__dict__:
            # A Spark session is left running: Ibis's disconnect stops the one Spark context the process may have.
            with suppress(*driver_errors()):  # a connection that fails to close is gone all the same
                if not self.is_spark:
                    self.con.disconnect()
            del self.__dict__["con"]
        self._tables.clear()
        self._files.clear()
        self._listing = None

    def interrupt(self) -> None:
        """Stop the query running on this warehouse's connection, from another thread (an alert rule's evaluation
        out of time). The query fails as interrupted; nothing happens when no connection is open. Spark is not
        interrupted: its jobs are the cluster's to cancel."""
        con = self.__dict__.get("con")
        if con is None or self.is_spark:
            return
        raw = getattr(con, "con", None)
        with suppress(*driver_errors()):
            if self.path is not None and raw is not None:
                raw.interrupt()  # DuckDB: the running statement stops at its next check
            elif raw is not None and hasattr(raw, "cancel"):
                raw.cancel()  # PostgreSQL (psycopg): the server cancels the statement

    # --- reading -----------------------------------------------------------------------------------------------

    def list_tables(self) -> list[str]:
        """The warehouse's tables: the user's data, without the temporary views Ibis registers for in-memory data
        and kpilot's own tables (so they are never shown, opened by a source or described as data)."""
        con = self.con
        with translated(_listing_failure, self._secrets):
            names = con.list_tables()
        return [name for name in names if not name.startswith((IBIS_TEMPORARY, INTERNAL_PREFIX))]

    def table_columns(self, name: str) -> dict[str, str] | None:
        """Column name -> type of a warehouse table, or None if there is no such table."""
        if name not in self.list_tables():
            return None
        con = self.con
        with translated(_listing_failure, self._secrets):
            return {column: str(kind) for column, kind in con.table(name).schema().items()}

    def find_table(self, name: str) -> Any | None:
        """A warehouse table or view by name (SCHEMA.TABLE allowed) as an Ibis table, or None if there is none. The
        name is looked up in the warehouse's own listing and opened through Ibis, which quotes it: it never reaches
        SQL as text (kpilot describe takes it from the command line)."""
        schema, _, table = name.rpartition(".")
        con = self.con
        with translated(_listing_failure, self._secrets):
            if schema and schema not in con.list_databases():
                return None
            known = con.list_tables(database=schema) if schema else self.list_tables()
            if table not in known:
                return None
            return con.table(table, database=schema) if schema else con.table(table)

    def source_table(self, source: Source) -> Any:
        """The source as an Ibis table (cached per warehouse)."""
        if source.name not in self._tables:
            self._tables[source.name] = self._open(source)
        return self._tables[source.name]

    def files_read(self, source: Source) -> tuple[Path, ...]:
        """The files a file source reads on this connection (those its pattern matched when it was opened)."""
        self.source_table(source)
        return self._files.get(source.name, ())

    def source_schema(self, source: Source) -> dict[str, dt.DataType]:
        return dict(self.source_table(source).schema().items())

    # --- connecting --------------------------------------------------------------------------------------------

    def _connect_duckdb(self, path: Path) -> Any:
        exists = _exists(path)
        # A read of a workspace whose file does not exist yet must not create it: an empty database stands in.
        database = str(path) if exists or self.writable_connection else ":memory:"

        def failure(message: Raw, error: BaseException) -> WarehouseError:
            return open_failure(self.shown, path, message, error)

        import ibis  # see the imports above

        with translated(failure):
            con = ibis.duckdb.connect(database, read_only=exists and not self.writable_connection, **DUCKDB_CONFIG)
        try:
            with translated(failure):
                _confine(con.con, self.folders, path, self.resources)
        except BaseException:
            con.disconnect()
            raise
        return con

    def _connect_spark(self) -> Any:
        from kpilot.warehouse import spark

        target = spark.parse(self.target)

        def failure(message: Raw, error: BaseException) -> WarehouseError:
            return open_failure(self.shown, None, message, error)

        with translated(failure, self._secrets):
            return spark.connect(target, self.root, writable=self.writable_connection)

    def _connect_postgres(self) -> Any:
        try:
            parts = urlsplit(self.target)
            _ = parts.port  # a port that is not a number raises here rather than deep in the driver
        except ValueError as error:
            raise WarehouseError(
                Message("warehouse.url_invalid", url=self.shown, problem=Raw(masked(str(error), self._secrets))),
                hint=Message("warehouse.url_invalid_hint"),
                field="warehouse",
            ) from error
        if parts.scheme not in POSTGRES_SCHEMES:
            raise WarehouseError(
                Message("warehouse.url_not_postgres", url=self.shown),
                hint=Message("warehouse.url_not_postgres_hint"),
                field="warehouse",
            )
        given = parse_qs(parts.query).get("options", [""])[-1]
        # Ours come last: libpq applies options in order, so a URL cannot switch the fences off.
        options = " ".join(
            filter(None, [given, POSTGRES_STRINGS, "" if self.writable_connection else POSTGRES_READ_ONLY])
        )
        url = "postgres://" + self.target.split("://", 1)[1]

        def failure(message: Raw, error: BaseException) -> WarehouseError:
            return open_failure(self.shown, None, message, error)

        import ibis  # see the imports above

        with translated(failure, self._secrets):
            return ibis.connect(url, options=options)

    # --- sources -----------------------------------------------------------------------------------------------

    def _open(self, source: Source) -> Any:
        where = source.origin if source.origin != Location() else None
        if source.table is not None:
            return self._open_table(source, source.table, where)
        if source.file is not None:
            return self._open_file(source, source.file, where)
        return self._open_sql(source, source.locations.get("sql", where))

    def _open_sql(self, source: Source, where: Location | None) -> Any:
        from kpilot.warehouse.sql_guard import checked_sql  # see the imports above

        sql = checked_sql(source, self.dialect, self.folders)  # refused before anything reaches the warehouse
        con = self.con  # connection problems have their own message

        def failure(message: Raw, error: BaseException) -> WarehouseError:
            if DUCKDB_REFUSED_FILE in message.text:
                return WarehouseError(
                    Message("warehouse.sql_reads_outside", source=source.name, problem=message),
                    location=where,
                    hint=Message("warehouse.keep_files_inside_hint"),
                    field="sql",
                )
            return WarehouseError(
                Message("warehouse.sql_rejected", source=source.name, problem=message), location=where, field="sql"
            )

        with translated(failure, self._secrets):
            if self.is_spark:
                return con.sql(sql)  # Spark analyses the query for its columns, runs nothing
            if self.is_url:
                from kpilot.warehouse.postgres import query_schema

                return con.sql(sql, schema=query_schema(con, sql, source.name))
            return con.sql(sql)  # DuckDB describes the query (DESCRIBE binds it, runs nothing)

    def to_arrow(self, expr: Any) -> Any:
        """Run an Ibis expression and return its Arrow table. A database error at run time (bad SQL in a source, a
        type the engine rejects) is the user's to fix, told with any password masked; anything else is our bug."""
        con = self.con
        with translated(_compute_failure, self._secrets):
            return con.to_pyarrow(expr)

    def run(self, sql: str, schema: Any) -> Any:
        """Run a statement compiled for this warehouse (`dialect`) and return its rows as an Arrow table of `schema`
        (an Ibis schema), converted as Ibis's own `to_pyarrow` converts them; errors as `to_arrow` tells them. The
        engine compiles a request once and runs its SQL here, rather than have Ibis compile it again."""
        con = self.con
        with translated(_compute_failure, self._secrets):
            if self.is_spark:
                from kpilot.warehouse import spark

                return spark.run(con, sql, schema)
            if self.is_url:
                from ibis.formats.pyarrow import PyArrowData

                return PyArrowData.convert_table(_postgres_rows(con.con, sql, schema), schema)
            from ibis.backends.duckdb.converter import DuckDBPyArrowData

            return DuckDBPyArrowData.convert_table(con.con.sql(sql).to_arrow_table(), schema)

    def _open_table(self, source: Source, table: str, where: Location | None) -> Any:
        schema, _, name = table.rpartition(".")
        con = self.con

        def failure(message: Raw, error: BaseException) -> WarehouseError:
            return WarehouseError(
                Message("warehouse.table_unreadable", source=source.name, table=table, problem=message),
                location=where,
                field="table",
            )

        listed = None if schema else self._listing  # listed earlier on this connection (None: not yet)
        with translated(failure, self._secrets):
            if schema:
                known = con.list_tables(database=schema)
            else:
                # Listed once for all the sources a computation opens; again when the name is not in the listing
                # (the table may be new since), so that a missing table is told as missing.
                if listed is None or name not in listed:
                    listed = None
                    self._listing = self.list_tables()
                known = self._listing
        if name not in known:
            shown = tuple(sorted(known)[:TABLES_SHOWN])
            raise WarehouseError(
                Message("warehouse.table_missing", source=source.name, table=table),
                location=where,
                hint=Message("warehouse.table_missing_hint_known", table=table, tables=shown)
                if shown
                else Message("warehouse.table_missing_hint", table=table),
                field="table",
                suggestions=shown,
            )
        try:
            with translated(failure, self._secrets):
                return con.table(name, database=schema) if schema else con.table(name)
        except WarehouseError:
            if listed is None:
                raise
            self._listing = None  # the table was in an earlier listing: it may be gone since, as a new one tells
            return self._open_table(source, table, where)

    def _open_file(self, source: Source, pattern: str, where: Location | None) -> Any:
        if self.is_url and not self.is_spark:
            raise WarehouseError(
                Message("warehouse.file_source_needs_duckdb", source=source.name),
                location=where,
                hint=Message("warehouse.file_source_needs_duckdb_hint"),
                field="file",
            )
        matches = self.folders.files(Message("warehouse.subject_file", source=source.name), pattern, where)
        if not matches:
            raise WarehouseError(
                Message("warehouse.no_file_matches", source=source.name, pattern=pattern), location=where, field="file"
            )
        suffixes = {m.suffix.lower() for m in matches}
        readers = self._file_readers()
        reader = readers.get(suffixes.pop()) if len(suffixes) == 1 else None
        if reader is None:
            raise WarehouseError(
                Message(
                    "warehouse.files_of_one_kind",
                    source=source.name,
                    pattern=pattern,
                    kinds=tuple(sorted(readers)),
                ),
                location=where,
                field="file",
            )
        con = self.con

        def failure(message: Raw, error: BaseException) -> WarehouseError:
            return WarehouseError(
                Message("warehouse.file_unreadable", source=source.name, pattern=pattern, problem=message),
                location=where,
                field="file",
            )

        with translated(failure):
            if self.is_spark:
                from kpilot.warehouse import spark

                table = spark.read_files(con, matches, source.name)
            else:
                table = getattr(con, reader)([str(m) for m in matches], table_name=f"kpilot_file_{source.name}")
        self._files[source.name] = tuple(matches)
        return table

    def _file_readers(self) -> dict[str, str]:
        if self.is_spark:
            from kpilot.warehouse.spark import FILE_FORMATS

            return FILE_FORMATS
        return FILE_READERS


def _confine(raw: Any, folders: Folders, path: Path, resources: Resources) -> None:
    """Limit DuckDB's file access to the folders, and lock its configuration so that no statement can lift that.

    DuckDB refuses `allowed_directories` before the database has started, so these are set right after connecting
    (Ibis sets the time zone in between). The workspace's resources (memory, threads, spill folder) are set first,
    since nothing may change them once locked. The database file stays open wherever it is, and DuckDB adds its
    spill folder to the allowed folders itself, so large queries can still spill to disk.
    """
    wanted = sorted(str(folder).rstrip("/") + "/" for folder in folders.all)  # a prefix: "/ws" would allow "/ws2"
    (locked,) = raw.execute("SELECT current_setting('lock_configuration')").fetchone()
    if locked:
        # DuckDB shares one database per file within a process: another Warehouse here fenced it already.
        external, allowed, spill = raw.execute(
            "SELECT current_setting('enable_external_access'), current_setting('allowed_directories'), "
            "current_setting('temp_directory')"
        ).fetchone()
        # DuckDB adds its spill folder to the allowed ones itself.
        if external or sorted(set(allowed) - {str(spill).rstrip("/") + "/"}) != wanted:
            raise WarehouseError(
                Message("warehouse.file_open_other_folders", path=str(path)),
                hint=Message("warehouse.file_open_other_folders_hint"),
            )
    else:
        resources.apply(raw)
        # SET takes no bound parameters; the folders are resolved paths, quoted as DuckDB literals ('' for ').
        listing = ", ".join("'" + folder.replace("'", "''") + "'" for folder in wanted)
        raw.execute(f"SET allowed_directories = [{listing}]")
        raw.execute("SET enable_external_access = false")
        raw.execute(f"SET allowed_configs = [{', '.join(repr(name) for name in DUCKDB_UNLOCKED)}]")
        raw.execute("SET lock_configuration = true")
    raw.execute("SET enable_progress_bar = false")


def _postgres_rows(raw: Any, sql: str, schema: Any) -> Any:
    """A PostgreSQL statement's rows as an Arrow table of `schema`, read as Ibis reads them (a row is a struct of
    the schema's types), in a transaction of its own (read-only, as every session of the computing connection)."""
    import pyarrow as pa  # see the imports above

    with raw.cursor() as cursor, raw.transaction():
        rows = cursor.execute(sql).fetchall()
    batch = pa.RecordBatch.from_struct_array(pa.array(rows, type=schema.as_struct().to_pyarrow()))
    return pa.Table.from_batches([batch], schema=schema.to_pyarrow())


def _compute_failure(message: Raw, error: BaseException) -> WarehouseError:
    return WarehouseError(Message("warehouse.compute_failed", problem=message))


def _listing_failure(message: Raw, error: BaseException) -> WarehouseError:
    return WarehouseError(Message("warehouse.listing_failed", problem=message))


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # a folder we may not search: let DuckDB open it and report the permission problem
        return True
