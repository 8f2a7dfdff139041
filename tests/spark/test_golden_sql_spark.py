"""The golden SQL cases (tests/engine/test_golden_sql.py) from a real Spark workspace: `*.pyspark.sql`."""

from __future__ import annotations

from tests.engine.test_golden_sql import test_golden_sql  # noqa: F401  (collected here again, on Spark)
from tests.spark.conftest import SPARK_MARKS

pytestmark = list(SPARK_MARKS)
