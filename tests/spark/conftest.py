"""Spark local mode for the tests: one SparkSession for the whole run (a JVM takes seconds to start), shared by
every Spark workspace through sessions of their own (warehouse.spark), each workspace in a database of its own.

The tests here are marked `slow` and grouped on one pytest-xdist worker (`xdist_group`, with `--dist loadgroup`):
each worker would otherwise start a JVM of its own. They skip, saying why, only when no Java runtime is installed.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SPARK_MARKS = (pytest.mark.slow, pytest.mark.xdist_group("spark"))


@pytest.fixture(scope="session")
def spark_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if shutil.which("java") is None:
        pytest.skip("Spark needs a Java runtime (java is not on PATH)")
    from pyspark.sql import SparkSession

    folder: Path = tmp_path_factory.mktemp("spark")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("kpilot-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.warehouse.dir", str(folder / "warehouse"))
        .config("spark.local.dir", str(folder / "scratch"))
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def spark_target() -> str:
    """A warehouse target on the tests' session, in a database of its own (created by the first write)."""
    return f"spark://local[2]?database=kpilot_{uuid.uuid4().hex[:12]}"


@pytest.fixture
def backend(spark_session: Any) -> str:
    """Overrides tests/conftest.py's backend: the workspaces of the tests here are on Spark."""
    return spark_target()
