"""The catalogue's hand-worked values (tests/catalogue/test_catalogue.py) on Spark local mode: every standard KPI
over the same hand-made data, with the same expected values, `sql:` sources included."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kpilot import Workspace
from kpilot.catalogue.add import add_to_workspace
from kpilot.catalogue.catalogue import load_catalogue
from tests.catalogue.test_catalogue import (  # noqa: F401  (the tests themselves, collected here again)
    DATA,
    make_workspace,
    test_roa_over_a_year,
    test_traffic_by_source_splits_by_source,
    test_value_by_hand,
)
from tests.spark.conftest import SPARK_MARKS, spark_target

pytestmark = list(SPARK_MARKS)


@pytest.fixture(scope="module")
def filled(spark_session: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """The hand-made data in a Spark workspace with the whole catalogue (overrides the module's own fixture)."""
    root = make_workspace(tmp_path_factory.mktemp("catalogue") / "ws", DATA, spark_target())
    add_to_workspace(root, load_catalogue().names, {})
    with Workspace(root) as workspace:
        yield workspace
