"""The check a `sql:` source passes before anything of it reaches the warehouse: exactly one read-only query.

The query is parsed with SQLGlot in the warehouse's dialect, and what goes to the warehouse is SQLGlot's rendering
of the checked tree, never the text as written: a statement the parser did not see cannot slip through behind a
quirk of quoting, and Ibis renders the sub-query from the same tree when it computes. Refused, anywhere in the
tree (inside a WITH too): any statement but a query (DDL, DML, COPY, ATTACH, INSTALL, LOAD, PRAGMA, SET, CALL...),
SELECT INTO, row locks, functions that run SQL given as text or act outside the query, and file-reading functions
whose path is not a literal inside the allowed folders. Relative paths are made absolute, relative to the
workspace folder, as for `file:` sources.

This is the first of two fences: the warehouse connection is read-only and DuckDB's file access is limited to the
same folders, so a query that passed this check by mistake still cannot write or read outside.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from kpilot.definitions.model import Source
from kpilot.errors import Location, WarehouseError
from kpilot.i18n import Message, Raw
from kpilot.warehouse.folders import Folders

READ_ONLY_HINT = Message("warehouse.sql_read_only_hint")

# Statement nodes: refused at the top and anywhere inside (a DELETE ... RETURNING in a WITH is a statement too).
# fmt: off
STATEMENT_NAMES = (
    "Insert", "Update", "Delete", "Merge", "Create", "Drop", "Alter", "TruncateTable", "Copy", "Command", "Attach",
    "Detach", "Install", "Pragma", "Set", "Use", "Transaction", "Commit", "Rollback", "Grant", "Revoke", "Analyze",
    "Cache", "Uncache", "Refresh", "Describe", "Summarize", "Show", "Execute", "Kill", "LoadData", "Export",
    "Declare", "Comment",
)
ADMINISTRATION = (
    "pg_terminate_", "pg_cancel_", "pg_backup_", "pg_start_backup", "pg_stop_backup", "pg_create_", "pg_drop_",
    "pg_replication_", "pg_logical_", "pg_log_", "pg_advisory", "pg_try_advisory", "pg_import_",
)
# fmt: on
STATEMENTS: tuple[type[exp.Expression], ...] = tuple(
    kind for kind in (getattr(exp, name, None) for name in STATEMENT_NAMES) if isinstance(kind, type)
)
KIND_NAMES = {"TruncateTable": "TRUNCATE", "LoadData": "LOAD DATA", "Into": "SELECT INTO"}


@dataclass(frozen=True)
class Refused:
    """A family of functions a source may not call, and why (a phrase: "changes the database")."""

    names: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()
    why: Message | None = None

    def covers(self, name: str) -> bool:
        return name in self.names or name.startswith(self.prefixes) or name.endswith(self.suffixes)


REFUSED = (
    Refused(
        frozenset({"query", "query_table", "cursor_to_xml", "cursor_to_xmlschema"}),
        ("query_to_xml", "dblink"),
        why=Message("warehouse.sql_why_runs_text"),
    ),
    Refused(
        frozenset({"pg_stat_file", "loread", "lowrite"}),
        ("pg_read_", "pg_ls_", "pg_file_", "lo_"),
        why=Message("warehouse.sql_why_server_files"),
    ),
    Refused(frozenset({"set_config"}), why=Message("warehouse.sql_why_settings")),
    Refused(
        frozenset({"nextval", "setval", "txid_current", "pg_current_xact_id", "pg_export_snapshot"}),
        why=Message("warehouse.sql_why_changes_database"),
    ),
    # Spark's calls of any Java method by name.
    Refused(frozenset({"reflect", "java_method", "try_reflect"}), why=Message("warehouse.sql_why_runs_code")),
    Refused(
        frozenset({"pg_reload_conf", "pg_rotate_logfile", "pg_promote", "pg_switch_wal", "pg_notify"}),
        ADMINISTRATION,
        why=Message("warehouse.sql_why_administers"),
    ),
)
# DuckDB's functions that read files (or list them): allowed with a literal path inside the folders.
FILE_FUNCTIONS = Refused(
    frozenset({"glob", "sniff_csv", "st_read", "st_read_meta", "st_readosm", "st_readshp", "iceberg_metadata"}),
    ("read_", "parquet_", "iceberg_"),
    ("_scan",),
)
# Spark's data sources, which read a file for a table named FORMAT.`path`.
SPARK_FORMATS = frozenset({"parquet", "orc", "json", "csv", "text", "avro", "binaryfile", "delta", "xml", "libsvm"})
# A table named like a file is one to DuckDB (FROM 'data/x.csv' reads the file): the same rule applies.
FILE_LIKE = re.compile(r"[/\\*?]|\.(?:csv|tsv|txt|parquet|json|jsonl|ndjson)(?:\.(?:gz|zst))?$", re.IGNORECASE)


def checked_sql(source: Source, dialect: str, folders: Folders) -> str:
    """The source's query as the warehouse must run it, or a WarehouseError saying what is refused and where."""
    assert source.sql is not None
    guard = _Guard(source, dialect, folders)
    tree = guard.single_query(source.sql)
    for node in list(tree.walk()):
        guard.check(node)
    return tree.sql(dialect=dialect)


class _Guard:
    def __init__(self, source: Source, dialect: str, folders: Folders) -> None:
        self.source = source
        self.dialect = dialect
        self.folders = folders
        self.where: Location | None = source.locations.get(
            "sql", source.origin if source.origin != Location() else None
        )

    def refuse(self, problem: Message, hint: Message = READ_ONLY_HINT) -> WarehouseError:
        """`problem` is what the source's sql does, a message whose value `source` is filled in here."""
        message = Message(problem.code, source=self.source.name, **problem.values)
        return WarehouseError(message, location=self.where, hint=hint, field="sql")

    def single_query(self, text: str) -> exp.Query:
        if "\x00" in text:
            raise self.refuse(Message("warehouse.sql_nul"), hint=Message("warehouse.sql_nul_hint"))
        try:
            with _quiet_sqlglot():
                trees = [tree for tree in sqlglot.parse(text, read=self.dialect) if tree is not None]
        except SqlglotError as error:
            detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise self.refuse(
                Message("warehouse.sql_unparsable", dialect=self.dialect, problem=Raw(detail)),
                hint=Message("warehouse.sql_unparsable_hint"),
            ) from error
        if not trees:
            raise self.refuse(Message("warehouse.sql_empty"), hint=Message("warehouse.sql_empty_hint"))
        if len(trees) > 1:
            raise self.refuse(
                Message("warehouse.sql_many_statements", count=len(trees)),
                hint=Message("warehouse.sql_many_statements_hint"),
            )
        tree = trees[0]
        if not isinstance(tree, exp.Query):
            raise self.refuse(Message("warehouse.sql_not_a_query", statement=_kind(tree, text)))
        return tree

    def check(self, node: exp.Expression) -> None:
        if isinstance(node, STATEMENTS) and not isinstance(node, exp.Query):
            raise self.refuse(Message("warehouse.sql_holds_statement", statement=_kind(node, "")))
        if isinstance(node, exp.Into):
            raise self.refuse(Message("warehouse.sql_select_into"))
        if isinstance(node, exp.Lock):
            raise self.refuse(Message("warehouse.sql_locks_rows"), hint=Message("warehouse.sql_locks_rows_hint"))
        if isinstance(node, exp.Func):
            self.check_function(node)
        if isinstance(node, exp.Table) and self.dialect == "duckdb":
            self.check_table(node)
        if isinstance(node, exp.Table) and self.dialect == "pyspark":
            self.check_spark_table(node)

    def check_function(self, node: exp.Func) -> None:
        names = _function_names(node, self.dialect)
        for family in REFUSED:
            if any(family.covers(name) for name in names):
                raise self.refuse(
                    Message("warehouse.sql_calls_refused", function=_shown(names), why=family.why),
                    hint=Message("warehouse.sql_calls_refused_hint"),
                )
        if any(FILE_FUNCTIONS.covers(name) for name in names):
            function = _shown(names)
            for literal in self.path_literals(node, function):
                subject = Message("warehouse.subject_sql_function_path", source=self.source.name, function=function)
                absolute = self.allowed(literal.this, subject)
                literal.replace(exp.Literal.string(absolute))

    def path_literals(self, node: exp.Func, function: str) -> list[exp.Literal]:
        """The literal path (or list of paths) a file function reads; refused when it is computed."""
        first = node.expressions[0] if isinstance(node, exp.Anonymous) and node.expressions else node.args.get("this")
        if first is None and node.expressions:
            first = node.expressions[0]
        candidates = first.expressions if isinstance(first, exp.Array) else [first]
        if not candidates or not all(isinstance(c, exp.Literal) and c.is_string for c in candidates):
            raise self.refuse(
                Message("warehouse.sql_path_not_literal", function=function),
                hint=Message("warehouse.sql_path_not_literal_hint"),
            )
        return [c for c in candidates if isinstance(c, exp.Literal)]

    def check_table(self, node: exp.Table) -> None:
        name = node.this
        if isinstance(name, exp.Identifier) and not node.args.get("db") and FILE_LIKE.search(name.name):
            subject = Message("warehouse.subject_sql_file_path", source=self.source.name)
            node.set("this", exp.to_identifier(self.allowed(name.name, subject), quoted=True))

    def check_spark_table(self, node: exp.Table) -> None:
        """Spark reads a file for a table named FORMAT.`path` (parquet.`/data/x.parquet`): on Spark, files are
        read by `file:` sources, within the folders, and a `sql:` source reads tables only."""
        db = node.args.get("db")
        if isinstance(db, exp.Identifier) and (db.name.lower() in SPARK_FORMATS or FILE_LIKE.search(node.name)):
            raise self.refuse(
                Message("warehouse.sql_spark_reads_file", table=f"{db.name}.{node.name}"),
                hint=Message("warehouse.sql_spark_reads_file_hint"),
            )

    def allowed(self, pattern: str, subject: Message) -> str:
        """The absolute path the warehouse must read for `pattern`, refused when it (or a link it matches) leads
        outside the folders; `subject` names the path in messages."""
        self.folders.files(subject, pattern, self.where)  # refuses links that lead outside
        return str(self.folders.place(subject, pattern, self.where))


def _function_names(node: exp.Func, dialect: str) -> set[str]:
    """Every name the function goes by: SQLGlot's, and the one the warehouse will see (schema left out)."""
    sqlglot_name = node.name if isinstance(node, exp.Anonymous) else node.sql_name()  # type: ignore[no-untyped-call]
    names = {str(sqlglot_name).lower()}
    rendered = node.sql(dialect=dialect).split("(", 1)[0].strip().strip('"').lower()
    if rendered and re.fullmatch(r"[\w.\"]+", rendered):
        names.add(rendered.rsplit(".", 1)[-1].strip('"'))
    return names


def _shown(names: set[str]) -> str:
    return min(names, key=lambda name: (len(name), name))


def _kind(node: exp.Expression, text: str) -> Message:
    """'a DROP statement', 'an UPDATE statement': what a statement is, in the words of SQL. English picks its
    article by the keyword's first letter, so each article has its code (the other languages say the same for both)."""
    name = type(node).__name__
    if isinstance(node, exp.Command):
        word = str(node.this).upper()
    elif isinstance(node, STATEMENTS):
        word = KIND_NAMES.get(name, name.upper())
    else:  # parsed as an expression (`checkpoint` is a column to SQLGlot): the first word is the statement
        word = text.split(None, 1)[0].upper() if text.strip() else name.upper()
        if not re.fullmatch(r"[A-Z_]+", word):
            return Message("warehouse.sql_statement_unknown")
    if word[0] in "AEIOU":
        return Message("warehouse.sql_statement_an", statement=word)
    return Message("warehouse.sql_statement_a", statement=word)


@contextmanager
def _quiet_sqlglot() -> Iterator[None]:
    """SQLGlot logs a warning when it falls back to parsing a statement as a Command; the refusal says it better,
    and a log line would reach the terminal of a CLI user."""
    logger = logging.getLogger("sqlglot")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)
