"""The company of the digest tests: monthly sales of two teams from 2024-10 to 2026-11 (EMEA 1,000 a month with 10
returns, APAC 500 with 5, each 1st of the month), where November 2026 is EMEA's bad month: revenue 700 and 20
returns. Revenue and returns are `team` KPIs (a member sees their teams' rows); `margin` is restricted (a member
sees nothing of it). EMEA's revenue target is 900 a month.

Ana (Italian, member of EMEA) and Bo (Polish, member of APAC) have member accounts; Cy (Chinese, member of EMEA)
too, and follows nothing. Ana lives in Rome and Bo in Warsaw (UTC+1 in December); the workspace's zone is UTC and
its weeks start on Monday. The day is Monday 2026-12-07: the last complete month is 2026-11."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from kpilot import Workspace
from kpilot.auth.actor import Actor
from kpilot.services.actors import actor_of
from kpilot.services.org import import_file
from kpilot.store import open_store
from kpilot.store.accounts import Accounts
from kpilot.store.alert_records import ChannelKind, Digest, OwnerKind, SubscriptionKind
from kpilot.store.alerts import AlertStore
from kpilot.store.location import store_location
from kpilot.store.people import People
from kpilot.store.revisions import upgrade
from kpilot.store.session import Store
from tests.support import make_workspace

NOW = datetime(2026, 12, 7, 9, tzinfo=UTC)
MONTHS = [date(2024 + (9 + i) // 12, (9 + i) % 12 + 1, 1) for i in range(26)]  # 2024-10 ... 2026-11
DEFINITIONS = """\
sources:
  - name: sales
    table: sales
    time: day
    dimensions: [team]
    measures:
      - {name: amount, agg: sum, expr: amount}
      - {name: returns, agg: sum, expr: returns}
kpis:
  - {name: revenue, label: Revenue, formula: amount, visibility: team}
  - {name: returns, label: Returns, formula: returns, direction: down, visibility: team}
  - {name: margin, label: Margin, formula: amount - returns, visibility: restricted}
targets:
  - {kpi: revenue, every: month, scope: {team: EMEA}, target: 900}
"""
ORG = """\
teams:
  - {name: EMEA, kind: team, scope: {team: EMEA}}
  - {name: APAC, kind: team, scope: {team: APAC}}
people:
  - {name: Ana, email: ana@acme.example, language: it, timezone: Europe/Rome, teams: [EMEA]}
  - {name: Bo, email: bo@acme.example, language: pl, timezone: Europe/Warsaw, teams: [APAC]}
  - {name: Cy, email: cy@acme.example, language: zh, teams: [EMEA]}
"""


@dataclass(frozen=True)
class Company:
    workspace: Workspace
    store: Store

    def actor(self, email: str) -> Actor:
        with self.store.reading() as session:
            account = Accounts(session).by_email(email)
            assert account is not None
            return actor_of(session, account)

    def person_id(self, email: str) -> int:
        with self.store.reading() as session:
            person = People(session).by_email(email)
            assert person is not None
            return person.id

    def follow(self, email: str, kind: SubscriptionKind, target: str, digest: Digest = Digest.WEEKLY) -> None:
        with self.store.writing() as session:
            AlertStore(session).subscribe(self.person_id(email), kind, target, digest=digest, at=NOW)

    def add_channel(self, email: str, target: str, kind: ChannelKind = ChannelKind.EMAIL) -> None:
        with self.store.writing() as session:
            AlertStore(session).add_channel(
                OwnerKind.PERSON, self.person_id(email), kind, target, dedupes=False, at=NOW
            )


def sales() -> dict[str, list[object]]:
    rows: dict[str, list[object]] = {"day": [], "team": [], "amount": [], "returns": []}
    for month in MONTHS:
        for team, (amount, returns) in {"EMEA": (1000.0, 10.0), "APAC": (500.0, 5.0)}.items():
            if month == date(2026, 11, 1) and team == "EMEA":
                amount, returns = 700.0, 20.0
            rows["day"].append(month)
            rows["team"].append(team)
            rows["amount"].append(amount)
            rows["returns"].append(returns)
    return rows


@pytest.fixture
def company(tmp_path: Path) -> Iterator[Company]:
    made = make_workspace(tmp_path / "ws", DEFINITIONS, {"sales": sales()})
    made.close()
    root = tmp_path / "ws"
    upgrade(store_location("kpilot.db", root))
    (root / "org.yaml").write_text(ORG)
    ws = Workspace(root)
    import_file(ws, root / "org.yaml", on=date(2024, 1, 1))
    with open_store(ws) as store:
        with store.writing() as session:
            for email in ("ana@acme.example", "bo@acme.example", "cy@acme.example"):
                Accounts(session).add(email, roles=["member"], password_hash=None, now=NOW)
        yield Company(ws, store)
    ws.close()
