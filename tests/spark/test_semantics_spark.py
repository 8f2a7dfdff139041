"""The engine's semantic rules (tests/engine/test_semantics.py) on Spark local mode: the same tests, the same
hand-worked expected values, with the `backend` fixture of tests/spark/conftest.py."""

from __future__ import annotations

from tests.engine.test_semantics import *  # noqa: F403  (the tests themselves, collected here again)
from tests.spark.conftest import SPARK_MARKS

pytestmark = list(SPARK_MARKS)
