"""A `spark://` warehouse target in kpilot.yaml, parsed: where Spark runs, the catalog database, Spark settings.

    spark://local[2]                         local mode on this machine, two cores (local, local[*] too)
    spark://master-host:7077                 a standalone cluster's master (several: host1:7077,host2:7077)
    spark://yarn                             YARN, configured by the environment (HADOOP_CONF_DIR)
    spark://session                          the session this process already runs in (spark-submit, a notebook)
    spark://local[2]?database=sales&spark.sql.shuffle.partitions=8

Read when the settings load (so that a typo is told with its place in kpilot.yaml) and again when the warehouse
connects (warehouse.spark); nothing here imports pyspark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

SCHEME = "spark://"
SESSION = "session"
LOCAL = re.compile(r"local(\[(\*|\d+)(,\d+)?\])?")
HOST = re.compile(r"[A-Za-z0-9.-]+:\d+")
DATABASE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class SparkTarget:
    master: str | None  # as Spark names it (local[2], spark://host:7077, yarn); None: the process's own session
    database: str | None  # the catalog database sources' tables are read from (None: the session's current one)
    conf: tuple[tuple[str, str], ...]  # Spark settings given in the target


def is_spark(target: str) -> bool:
    return target[: len(SCHEME)].lower() == SCHEME


def parse_spark_target(target: str) -> SparkTarget | None:
    """The parts of a `spark://` target, or None when it is not one kpilot knows."""
    rest, _, query = target[len(SCHEME) :].partition("?")
    database: str | None = None
    conf: list[tuple[str, str]] = []
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key == "database" and DATABASE.fullmatch(value):
            database = value
        elif key.startswith("spark.") and value:
            conf.append((key, value))
        else:
            return None
    if rest == SESSION:
        master = None
    elif LOCAL.fullmatch(rest) or rest == "yarn":
        master = rest
    elif rest and all(HOST.fullmatch(host) for host in rest.split(",")):
        master = SCHEME + rest
    else:
        return None
    return SparkTarget(master, database, tuple(conf))
