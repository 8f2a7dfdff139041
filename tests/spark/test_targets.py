"""The `spark://` warehouse target in kpilot.yaml (definitions.spark_target): parsed without any Spark running."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kpilot import Workspace
from kpilot.definitions.spark_target import SparkTarget, parse_spark_target
from kpilot.errors import ValidationFailed
from tests.support import write_workspace


@pytest.mark.parametrize(
    ("target", "parsed"),
    [
        ("spark://local[2]", SparkTarget("local[2]", None, ())),
        ("spark://local", SparkTarget("local", None, ())),
        ("spark://local[*]?database=sales", SparkTarget("local[*]", "sales", ())),
        ("spark://m1:7077,m2:7077", SparkTarget("spark://m1:7077,m2:7077", None, ())),
        ("spark://yarn?spark.executor.memory=4g", SparkTarget("yarn", None, (("spark.executor.memory", "4g"),))),
        ("spark://session", SparkTarget(None, None, ())),
    ],
)
def test_targets(target: str, parsed: SparkTarget) -> None:
    assert parse_spark_target(target) == parsed


@pytest.mark.parametrize(
    "target",
    ["spark://", "spark://local[x]", "spark://host", "spark://local?colour=blue", "spark://local?database=a-b"],
)
def test_a_malformed_target_is_told_where_it_is_written(tmp_path: Path, target: str) -> None:
    write_workspace(tmp_path, "kpis: []\n", warehouse=target)
    with pytest.raises(ValidationFailed) as failed:
        Workspace(tmp_path).validate(with_data=False)
    (issue,) = failed.value.issues
    assert "is not a Spark target" in issue.describe()  # definitions.spark_target, inside the field problem
    assert (issue.location.line, issue.location.col) == (2, 12)  # the value of `warehouse:`, kpilot.yaml's line 2


def test_a_duckdb_workspace_never_imports_pyspark(tmp_path: Path) -> None:
    # A fresh interpreter computes on DuckDB through the whole engine: Spark's modules load only for spark://.
    write_workspace(tmp_path, "kpis: []\n")
    probe = (
        "import sys\n"
        "from kpilot import Workspace\n"
        f"ws = Workspace({str(tmp_path)!r})\n"
        "ws.validate()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pyspark', 'py4j')"
        " or m in ('kpilot.warehouse.spark', 'kpilot.warehouse.spark_backend')))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
