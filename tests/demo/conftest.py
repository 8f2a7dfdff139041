"""One demo built on 22 November 2026 (October its last complete month, day 53 of 2026-Q4) for every module that
reads it: a demo takes seconds to build. The modules that use it are grouped on one pytest-xdist worker
(`xdist_group`), so that it is built once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from kpilot import Workspace
from kpilot.demo.build import build_demo

NOVEMBER = date(2026, 11, 22)
NOVEMBER_GROUP = pytest.mark.xdist_group("demo_november")


@pytest.fixture(scope="session")
def november_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    with build_demo(tmp_path_factory.mktemp("demo") / "demo", today=NOVEMBER) as workspace:
        yield workspace
