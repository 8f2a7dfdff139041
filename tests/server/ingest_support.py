"""The served company of server_support with what pushing rows needs: a keyed source (`orders`, `key: order_id`), a
source that reads SQL (`deals_by_sql`, which rows cannot be pushed into), and tokens with ingest scopes. Built once
as a template and copied for each test, since every test changes the data."""

from __future__ import annotations

import shutil
import textwrap
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from kpilot import Workspace
from kpilot.auth.actor import Actor
from kpilot.services import audit
from kpilot.services.tokens import create_token
from kpilot.store import AuditEntry, open_store
from tests.server.server_support import build_served_company

PUSHED = textwrap.dedent("""\
    sources:
      - name: orders
        table: orders
        key: order_id
        time: day
        dimensions: [team]
        measures:
          - {name: order_total, agg: sum, expr: amount}
      - name: deals_by_sql
        sql: "select day, team, amount from deals"
        time: day
        dimensions: [team]
        measures:
          - {name: sql_total, agg: sum, expr: amount}
    kpis:
      - {name: order_revenue, formula: order_total}
""")
# Who may push what: (person, token scopes). Ada is an admin, Eddie an editor, Anna a member.
INGEST_TOKENS = {
    "ada": ["read", "ingest:deals", "ingest:orders", "ingest:deals_by_sql", "ingest:ghost"],
    "eddie": ["ingest:orders"],
    "anna": ["ingest:deals"],
}


@dataclass(frozen=True)
class Pushing:
    root: Path
    read_tokens: dict[str, str]
    ingest_tokens: dict[str, str]

    def reader(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.read_tokens[name]}"}

    def pusher(self, name: str, **headers: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.ingest_tokens[name]}", **headers}


def build_template(root: Path) -> Pushing:
    company = build_served_company(root)
    (root / "definitions" / "pushed.yaml").write_text(PUSHED)
    now = datetime.now(UTC)
    made = {}
    with Workspace(root) as workspace, open_store(workspace) as store:
        for name, scopes in INGEST_TOKENS.items():
            email = f"{name}@acme.example"
            token = create_token(
                store, Actor.operator(), email, "push", scopes, expires_at=now + timedelta(days=1), now=now
            )
            made[name] = token.raw
    return Pushing(root, company.tokens, made)


def copied(template: Pushing, root: Path) -> Pushing:
    shutil.copytree(template.root, root)
    return Pushing(root, template.read_tokens, template.ingest_tokens)


def total(api: TestClient, pushing: Pushing, kpi: str, *, who: str = "ada", grain: str = "all") -> Any:
    response = api.get("/api/v1/compute", params={"kpi": kpi, "grain": grain}, headers=pushing.reader(who))
    assert response.status_code == 200, response.text
    rows = response.json()["rows"]
    return rows[0][kpi] if grain == "all" else rows


def ingest_entries(root: Path) -> tuple[AuditEntry, ...]:
    with Workspace(root) as workspace, open_store(workspace) as store:
        return audit.read(store, Actor.operator(), now=datetime.now(UTC), action="data.ingested")
