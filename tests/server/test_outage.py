"""The store and the warehouse (both PostgreSQL, reached through a TCP proxy the test controls) go away under a
running server: requests get 503 in the envelope, with Retry-After, and once they are back the server answers
again, the same numbers, without a restart."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from kpilot import Workspace
from kpilot.auth.actor import Actor, Role
from kpilot.services.accounts import add_account
from kpilot.services.tokens import create_token
from kpilot.store import open_store
from kpilot.store.location import store_location
from kpilot.store.revisions import upgrade
from tests.conftest import PG_OK
from tests.server.server_support import client
from tests.server.tcp_proxy import TcpProxy
from tests.support import load_tables, postgres_database, write_workspace

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not PG_OK, reason="PostgreSQL is not reachable on 127.0.0.1:5432"),
]
DEFINITIONS = """
sources:
  - name: deals
    table: deals
    time: day
    measures:
      - {name: revenue, agg: sum, expr: amount}
kpis:
  - {name: revenue, formula: revenue}
"""
DEALS = {"day": [date(2025, 1, 5), date(2025, 2, 10), date(2025, 2, 20)], "amount": [10, 20, 30]}
NOW = datetime.now(UTC)


@pytest.fixture
def proxied(tmp_path: Path) -> Iterator[tuple[Path, TcpProxy, str]]:
    """A workspace whose warehouse and store are PostgreSQL databases reached through one proxy; an admin's token."""
    with postgres_database() as warehouse, postgres_database() as store, TcpProxy("127.0.0.1", 5432) as proxy:
        through = [re.sub(r":5432/", f":{proxy.port}/", url) for url in (warehouse, store)]
        root = tmp_path / "ws"
        write_workspace(root, DEFINITIONS, warehouse=through[0])
        with (root / "kpilot.yaml").open("a") as settings:
            settings.write(f"store: {through[1]}\n")
        with Workspace(root) as workspace:
            load_tables(workspace, {"deals": DEALS})
            upgrade(store_location(through[1], root))
            with open_store(workspace) as opened:
                add_account(opened, Actor.operator(), "ada@acme.example", [Role.ADMIN], password=None, now=NOW)
                made = create_token(
                    opened, Actor.operator(), "ada@acme.example", "t", ["read"], expires_at=NOW + timedelta(1), now=NOW
                )
        yield root, proxy, made.raw


def test_a_cut_is_503_and_the_server_recovers_by_itself(proxied: tuple[Path, TcpProxy, str]) -> None:
    root, proxy, token = proxied
    headers = {"Authorization": f"Bearer {token}"}
    params = {"kpi": "revenue", "grain": "all"}
    with client(root) as api:
        before = api.get("/api/v1/compute", params=params, headers=headers)
        assert before.json()["rows"] == [{"revenue": 60, "partial": False}]  # 10 + 20 + 30
        proxy.cut()
        for path, query in (("/api/v1/compute", params), ("/api/v1/me", {}), ("/readyz", {})):
            response = api.get(path, params=query, headers=headers)
            assert response.status_code == 503, (path, response.text)
            assert response.headers["retry-after"] == "5"
            assert response.json()["error"]["code"].split(".")[0] in {"store", "warehouse"}, response.text
        proxy.restore()
        assert api.get("/readyz").status_code == 200
        after = api.get("/api/v1/compute", params=params, headers=headers)
        assert (after.status_code, after.json()["rows"]) == (200, [{"revenue": 60, "partial": False}])
