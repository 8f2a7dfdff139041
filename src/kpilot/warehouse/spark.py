"""Spark as the warehouse: its session, and what kpilot reads and runs through it (the `spark://` target is
parsed by definitions.spark_target).

One Spark application serves a process (Spark allows one context per JVM): every workspace opened in it shares the
first session's context, each through a session of its own (`newSession`: its own settings, current database and
temporary views), so that two workspaces never see each other's file sources. Closing a warehouse leaves the
context running for the others; it ends with the process.

pyspark is imported here only, and this module only when a workspace's warehouse is Spark: the CLI pays nothing
for it otherwise.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from kpilot.definitions.spark_target import SparkTarget, parse_spark_target
from kpilot.errors import WarehouseError
from kpilot.i18n import Message

# What kpilot sets on a session it starts, unless the target says otherwise: no web UI (a port per process) and no
# progress bars written into kpilot's output; a local machine's data is small enough for few shuffle partitions.
DEFAULTS = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.shuffle.partitions": "8",
}
# Set on every session kpilot computes with, after the target's settings: SQL never reads a file by its path
# (parquet.`/path`), the second fence behind sql_guard's refusal.
FENCES = {"spark.sql.runSQLOnFiles": "false"}
FILE_FORMATS = {".parquet": "parquet"}  # what a `file:` source may read on Spark
VIEW_PREFIX = "_kpilot_file_"  # file sources as temporary views: hidden from listings as kpilot's own (`_kpilot_`)


def parse(target: str) -> SparkTarget:
    """The parts of a `spark://` target; a malformed one is told with what the target may be."""
    parsed = parse_spark_target(target)
    if parsed is None:
        raise WarehouseError(
            Message("warehouse.spark_target_invalid", target=target),
            hint=Message("warehouse.spark_target_hint"),
            field="warehouse",
        )
    return parsed


def connect(target: SparkTarget, root: Path, *, writable: bool) -> Any:
    """An Ibis PySpark backend over a session of its own (see the module docstring). A writable one creates the
    target's database if it is missing; a read finds it or fails."""
    from pyspark import SparkContext
    from pyspark.sql import SparkSession

    # pyspark tells whether the process runs a context only through this attribute; a builder given settings
    # would change them on a running context's default session, shared by every other user of it.
    if SparkContext._active_spark_context is not None:
        base = SparkSession.builder.getOrCreate()
    else:
        if target.master is None:
            raise WarehouseError(
                Message("warehouse.spark_no_session"),
                hint=Message("warehouse.spark_no_session_hint"),
                field="warehouse",
            )
        builder = SparkSession.builder.master(target.master).appName("kpilot")
        # Managed tables (kpilot's writes, in local mode) go in the workspace, not in the current folder.
        settings = {**DEFAULTS, "spark.sql.warehouse.dir": str(root / "spark-warehouse"), **dict(target.conf)}
        for key, value in settings.items():
            builder = builder.config(key, value)
        base = builder.getOrCreate()
        base.sparkContext.setLogLevel("ERROR")
    session = base.newSession()
    for key, value in [*target.conf, *FENCES.items()]:
        if session.conf.isModifiable(key):  # the others are the context's, set when it started
            session.conf.set(key, value)
    from kpilot.warehouse.spark_backend import KpilotSparkBackend

    con = KpilotSparkBackend().connect(session)  # sets the session's time zone to UTC, as kpilot's SQL expects
    if target.database is not None:
        if writable:
            session.sql(f"CREATE DATABASE IF NOT EXISTS `{target.database}`")
        elif not session.catalog.databaseExists(target.database):
            raise WarehouseError(
                Message("warehouse.spark_database_missing", database=target.database),
                hint=Message("warehouse.spark_database_missing_hint"),
                field="warehouse",
            )
        session.catalog.setCurrentDatabase(target.database)
    return con


def read_files(con: Any, files: list[Path], source: str) -> Any:
    """The Parquet files of a `file:` source as an Ibis table (a temporary view of this warehouse's session)."""
    view = f"{VIEW_PREFIX}{source}_{secrets.token_hex(4)}"
    _session(con).read.parquet(*(str(file) for file in files)).createOrReplaceTempView(view)
    return con.table(view)


def run(con: Any, sql: str, schema: Any) -> Any:
    """A statement's rows as an Arrow table of `schema` (an Ibis schema), as the backend's `to_pyarrow` gives them
    (warehouse.spark_backend)."""
    from ibis.formats.pyarrow import PyArrowData

    return PyArrowData.convert_table(_session(con).sql(sql).toArrow(), schema)


def _session(con: Any) -> Any:
    """The SparkSession under an Ibis PySpark backend (Ibis keeps it as `_session` and offers no public name)."""
    return con._session
