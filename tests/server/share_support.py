"""What the share-link and export tests share: the served company with passwords for the people they sign in as,
and making a link through the page's own form (docs/dashboard.md#sharing-and-embedding)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient

from kpilot import Workspace
from kpilot.auth.actor import Actor
from kpilot.services.accounts import NewPassword, set_password
from kpilot.store import open_store
from tests.server.server_support import Company, build_served_company
from tests.server.test_pages import PASSWORD

PEOPLE = ("dino", "carl", "ada", "mara")


def served_with_passwords(root: Path) -> Company:
    company = build_served_company(root)
    with Workspace(company.root) as workspace, open_store(workspace) as store:
        for name in PEOPLE:
            set_password(store, Actor.operator(), f"{name}@acme.example", NewPassword(PASSWORD), now=datetime.now(UTC))
    return company


def csrf_of(api: TestClient) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', api.get("/shares").text)
    assert found is not None
    return found.group(1)


def make_link(api: TestClient, **fields: str) -> tuple[int, str]:
    """Posts the form of /shares (a KPI by default) and returns the new link's id and its path `/s/TOKEN`."""
    data = {"kind": "kpi", "scope": "", "period": "", "grain": "month", "days": "30", **fields}
    answer = api.post("/shares", data={**data, "csrf": csrf_of(api)}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    made = re.fullmatch(r"/shares\?made=(\d+)", answer.headers["location"])
    assert made is not None
    link_id = int(made.group(1))
    page = api.get(answer.headers["location"]).text
    row = re.search(rf'<tr data-share="{link_id}" class="made">(.*?)</tr>', page, re.S)
    assert row is not None
    url = re.search(r'class="share-url" readonly value="http://testserver(/s/[^"?]+)"', row.group(1))
    assert url is not None
    return link_id, url.group(1)


def card_value(html: str) -> str:
    found = re.search(r'<p class="value">([^<]+)', html)
    assert found is not None
    return found.group(1).strip()


def history_rows(html: str) -> dict[str, str]:
    """The shared page's history table: period words -> value as shown."""
    table = re.search(r'<table class="history-table">(.*?)</table>', html, re.S)
    assert table is not None
    rows = re.findall(r'<th scope="row">([^<]+)</th><td>([^<]*)</td>', table.group(1))
    return dict(rows)
