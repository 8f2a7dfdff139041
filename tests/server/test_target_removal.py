"""Removing a target over the REST API (docs/api.md, DELETE /api/v1/targets/{kpi}): only the target named, only by
an editor or admin, only from the version it was made from, audited."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kpilot import Workspace
from kpilot.auth.actor import Actor
from kpilot.services.tokens import create_token
from kpilot.store import open_store
from kpilot.store.audit import AuditLog
from tests.server.server_support import build_served_company, client

TARGETS = """\
# Our targets.
targets:
  - {kpi: company_revenue, period: '2025', target: 2000}
  - {kpi: company_revenue, period: '2025', scope: {team: EMEA}, target: 1200}
  - {kpi: company_deals, every: month, target: 3}
"""


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[TestClient, Path, dict[str, dict[str, str]]]]:
    root = tmp_path / "ws"
    build_served_company(root)
    (root / "definitions" / "targets.yaml").write_text(TARGETS)
    now = datetime.now(UTC)
    headers = {}
    with Workspace(root) as workspace, open_store(workspace) as store:
        for person in ("eddie", "anna"):
            made = create_token(
                store, Actor.operator(), f"{person}@acme.example", "t", ["read", "write"],
                expires_at=now + timedelta(days=1), now=now,
            )  # fmt: skip
            headers[person] = {"Authorization": f"Bearer {made.raw}"}
    with client(root) as api:
        yield api, root, headers


def etag(api: TestClient, headers: dict[str, str]) -> str:
    return api.get("/api/v1/targets", headers=headers).headers["etag"]


def test_only_the_named_target_goes(served: Any) -> None:
    api, root, headers = served
    eddie = headers["eddie"]
    params = {"period": "2025", "scope": "team=EMEA"}
    response = api.delete(
        "/api/v1/targets/company_revenue", params=params, headers=eddie | {"If-Match": etag(api, eddie)}
    )
    assert response.status_code == 200, response.text
    assert response.json()["removed"] == [
        {"target": "company_revenue 2025 team=EMEA", "before": {"kpi": "company_revenue", "period": "2025",
                                                                 "scope": {"team": "EMEA"}, "target": 1200}}
    ]  # fmt: skip
    left = api.get("/api/v1/targets/company_revenue", headers=eddie).json()["targets"]
    assert [(target["period"], target["scope"], target["target"]) for target in left] == [("2025", {}, 2000)]
    assert response.headers["etag"] == etag(api, eddie)
    text = (root / "definitions" / "targets.yaml").read_text()
    assert "# Our targets." in text
    assert "every: month" in text
    recurring = api.delete(
        "/api/v1/targets/company_deals", params={"every": "month"}, headers=eddie | {"If-Match": etag(api, eddie)}
    )
    assert recurring.status_code == 200, recurring.text
    assert api.get("/api/v1/targets/company_deals", headers=eddie).json()["targets"] == []
    audit = api.get("/api/v1/audit", params={"action": "targets.removed"}, headers=headers["eddie"])
    assert audit.status_code == 403  # editors do not read the audit log; what it holds is checked below
    with Workspace(root) as workspace, open_store(workspace) as store, store.reading() as session:
        entries = AuditLog(session).read(action="targets.removed")
    assert [(entry.target, entry.actor_email) for entry in entries] == [
        ("company_revenue", "eddie@acme.example"), ("company_deals", "eddie@acme.example"),
    ]  # fmt: skip


def test_refusals_remove_nothing(served: Any) -> None:
    api, root, headers = served
    eddie, anna = headers["eddie"], headers["anna"]
    before = (root / "definitions" / "targets.yaml").read_text()
    version = etag(api, eddie)
    path = "/api/v1/targets/company_revenue"
    cases = [
        (anna, {"period": "2025"}, {"If-Match": version}, 403, "permissions.denied"),
        (eddie, {"period": "2025"}, {}, 428, "targets.version_required"),
        (eddie, {"period": "2025"}, {"If-Match": '"stale"'}, 412, "targets.version_changed"),
        (eddie, {"period": "2024"}, {"If-Match": version}, 404, "goals.writer.no_such_target"),
        (eddie, {}, {"If-Match": version}, 400, "targets.period_or_every"),
        (eddie, {"period": "2025", "every": "month"}, {"If-Match": version}, 400, "targets.period_or_every"),
    ]
    for who, params, condition, status, code in cases:
        response = api.delete(path, params=params, headers=who | condition)
        assert (response.status_code, response.json()["error"]["code"]) == (status, code), (params, response.text)
    hidden = api.delete("/api/v1/targets/no_such_kpi", params={"period": "2025"}, headers=eddie | {"If-Match": version})
    assert hidden.status_code == 404
    assert (root / "definitions" / "targets.yaml").read_text() == before
