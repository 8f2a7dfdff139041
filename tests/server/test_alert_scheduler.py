"""The alert scheduler inside the server (`kpilot serve`, create_app(alerts=True)): it ticks on a thread while the
server answers, evaluates the workspace's rules (EMEA's November revenue fell 30 %: one firing notice), holds the
evaluator's lease while the server runs, and gives it up when the server stops. A server made without it (every
test client, `kpilot serve --no-alerts`) evaluates nothing."""

from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient

from kpilot import Workspace
from kpilot.server.app import create_app
from kpilot.services.alert_run import LEASE
from kpilot.services.org import import_file
from kpilot.store import open_store
from kpilot.store.alerts import AlertStore
from kpilot.store.location import store_location
from kpilot.store.revisions import upgrade
from tests.alerts.alert_support import ORG, RULES
from tests.alerts.test_evaluate import NOW, workspace


def _company(tmp_path: Path) -> Path:
    workspace(tmp_path, {"EMEA": (700, 10)}).close()
    root = tmp_path / "ws"
    (root / "definitions" / "alerts.yaml").write_text(RULES)
    (root / "kpilot.yaml").write_text((root / "kpilot.yaml").read_text() + "alerts:\n  every: 5\n")
    upgrade(store_location("kpilot.db", root))
    (root / "org.yaml").write_text(ORG)
    with Workspace(root) as ws:
        import_file(ws, root / "org.yaml", on=NOW.date())
    return root


def _outbox(root: Path) -> tuple[list[str], str | None]:
    with Workspace(root) as ws, open_store(ws) as store, store.reading() as session:
        alerts = AlertStore(session)
        lease = alerts.lease(LEASE)
        found = [notice.scope.get("team", "") for notice in alerts.notices(rule="revenue_falls")]
        return found, lease.holder if lease is not None else None


def test_the_server_evaluates_while_it_answers_and_lets_the_lease_go(tmp_path: Path) -> None:
    root = _company(tmp_path)
    with TestClient(create_app(root, alerts=True)) as server:
        deadline = time.monotonic() + 120
        while _outbox(root)[0] != ["EMEA"] and time.monotonic() < deadline:
            assert server.get("/healthz").status_code == 200  # answering all along
            time.sleep(0.2)
        notices, holder = _outbox(root)
        assert notices == ["EMEA"]
        assert holder is not None
    assert _outbox(root) == (["EMEA"], None)  # stopped: the lease given up


def test_a_server_without_the_scheduler_evaluates_nothing(tmp_path: Path) -> None:
    root = _company(tmp_path)
    with TestClient(create_app(root)) as server:
        assert server.get("/healthz").status_code == 200
        time.sleep(1)
    assert _outbox(root) == ([], None)
