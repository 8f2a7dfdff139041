from __future__ import annotations

from collections.abc import Iterator

import pytest

from kpilot import Workspace
from tests.permissions.org_support import build_company


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """The small company of org_support, built once per module (the tests only read it)."""
    workspace = build_company(tmp_path_factory.mktemp("company") / "ws")
    yield workspace
    workspace.close()
