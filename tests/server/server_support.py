"""The small company of tests/permissions/org_support.py behind a server: an account with a token for each person
(their role as org_support gives it), made through the service layer as `kpilot users add` and `kpilot tokens
create` make them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from kpilot.auth.actor import Actor
from kpilot.server import create_app
from kpilot.services.accounts import add_account
from kpilot.services.tokens import create_token
from kpilot.store import open_store
from tests.permissions.org_support import ROLES, build_company

NOW = datetime.now(UTC)


@dataclass(frozen=True)
class Company:
    root: Path
    tokens: dict[str, str]  # a person's first name -> their API token (read)

    def headers(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[name]}"}


def build_served_company(root: Path) -> Company:
    workspace = build_company(root)
    operator = Actor.operator()
    tokens = {}
    with open_store(workspace) as store:
        for name, role in ROLES.items():
            email = f"{name}@acme.example"
            add_account(store, operator, email, [role], password=None, now=NOW)
            made = create_token(store, operator, email, "tests", ["read"], expires_at=NOW + timedelta(days=1), now=NOW)
            tokens[name] = made.raw
    workspace.close()
    return Company(root, tokens)


def client(root: Path) -> TestClient:
    return TestClient(create_app(root), raise_server_exceptions=False)
