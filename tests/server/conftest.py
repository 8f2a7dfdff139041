from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.server.server_support import Company, build_served_company, client


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Company:
    """The served company, built once per module (the tests of a module that changes it build their own)."""
    return build_served_company(tmp_path_factory.mktemp("served") / "ws")


@pytest.fixture(scope="module")
def api(company: Company) -> Iterator[TestClient]:
    with client(company.root) as test_client:
        yield test_client
