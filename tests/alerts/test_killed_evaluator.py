"""An evaluator killed mid-round (kill -9) and restarted sends nothing twice and loses nothing (issue 12).

The company: 40 teams, each with revenue 1,000 a month until October 2026 and 700 in November, so that the rule
`revenue_falls` (by team, a fall of 10 % or more) fires in every one of them: 40 notices, each told to Ana by e-mail
(a real aiosmtpd server) and to a webhook (a real HTTP receiver). `kpilot alerts run` runs as its own process; the
test watches the store and kills it with SIGKILL once some teams' states are written and others not, then starts
another `kpilot alerts run --once`, which takes the dead evaluator's lease over at once (its process is gone) and
finishes the round. Sending then goes on until nothing is due: every team is told exactly once on each channel.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from kpilot import Workspace
from kpilot.services.alert_send import send_due
from kpilot.services.org import import_file
from kpilot.store import open_store
from kpilot.store.alert_records import ChannelKind, DeliveryStatus, OwnerKind
from kpilot.store.alerts import AlertStore
from kpilot.store.location import store_location
from kpilot.store.people import People
from kpilot.store.revisions import upgrade
from kpilot.store.session import Store
from tests.alerts.alert_support import SmtpServer, receiver, smtp
from tests.alerts.test_evaluate import MONTHS
from tests.support import make_workspace

__all__ = ["receiver", "smtp"]  # fixtures, used by name
TEAMS = [f"T{number:03}" for number in range(1, 41)]  # of one length: `team=T001` is in no other's text
DEFINITIONS = """\
sources:
  - name: sales
    table: sales
    time: day
    dimensions: [team]
    measures:
      - {name: amount, agg: sum, expr: amount}
kpis:
  - {name: revenue, formula: amount}
alert_rules:
  - name: revenue_falls
    label: Revenue falls
    when: change
    kpi: revenue
    min_change: 10
    by: [team]
    notify: {people: [ana@acme.example]}
"""
ORG = """\
people:
  - {name: Ana, email: ana@acme.example}
"""
KPILOT = [sys.executable, "-c", "from kpilot.cli.main import run; run()"]
pytestmark = pytest.mark.slow


@pytest.fixture
def root(tmp_path: Path) -> Path:
    rows: dict[str, list[object]] = {"day": [], "team": [], "amount": []}
    for month in MONTHS:
        for team in TEAMS:
            rows["day"].append(month)
            rows["team"].append(team)
            rows["amount"].append(700.0 if month == date(2026, 11, 1) else 1000.0)
    folder = tmp_path / "ws"
    make_workspace(folder, DEFINITIONS, {"sales": rows}).close()
    upgrade(store_location("kpilot.db", folder))
    (folder / "org.yaml").write_text(ORG)
    ws = Workspace(folder)
    import_file(ws, folder / "org.yaml", on=date.today())
    ws.close()
    return folder


def _states(store: Store) -> int:
    with store.reading() as session:
        return len(AlertStore(session).states("revenue_falls"))


def test_a_killed_evaluator_restarted_sends_nothing_twice_and_loses_nothing(
    root: Path, smtp: SmtpServer, receiver: HTTPServer
) -> None:
    posts: list[tuple[str, str]] = []  # (Idempotency-Key, body) of every post received

    def hook(request: Request) -> Response:
        posts.append((request.headers.get("Idempotency-Key", ""), request.get_data(as_text=True)))
        return Response("ok")

    receiver.expect_request("/hook").respond_with_handler(hook)
    ws = Workspace(root)
    with open_store(ws) as store:
        with store.writing() as session:
            ana = People(session).by_email("ana@acme.example")
            assert ana is not None
            now = datetime.now(UTC)
            alerts = AlertStore(session)
            alerts.add_channel(OwnerKind.PERSON, ana.id, ChannelKind.EMAIL, smtp.url(), dedupes=False, at=now)
            hook_url = f"json://127.0.0.1:{receiver.port}/hook"
            alerts.add_channel(OwnerKind.PERSON, ana.id, ChannelKind.WEBHOOK, hook_url, dedupes=True, at=now)
        ws.close()
        (root / "kpilot.yaml").write_text(
            (root / "kpilot.yaml").read_text() + "alerts:\n  internal_webhooks: [127.0.0.0/8]\n"
        )
        environment = {**os.environ, "KPILOT_LANG": "en"}
        first = subprocess.Popen([*KPILOT, "alerts", "run", "-w", str(root)], env=environment, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 120
            while (written := _states(store)) < 5 and time.monotonic() < deadline and first.poll() is None:
                time.sleep(0.005)
            assert 5 <= written < len(TEAMS), written  # killed mid-round: some teams done, others not
            first.send_signal(signal.SIGKILL)
        finally:
            first.wait()
        assert _states(store) < len(TEAMS)
        second = subprocess.run(
            [*KPILOT, "alerts", "run", "--once", "-w", str(root)], env=environment, capture_output=True, timeout=300
        )
        assert second.returncode == 0, second.stderr
        assert _states(store) == len(TEAMS)
        # Send until nothing is left, as later ticks would (past the grouping waits)
        ws = Workspace(root)
        try:
            later = datetime.now(UTC)
            for _ in range(40):
                later += timedelta(minutes=6)
                send_due(store, ws, later, "sender", timeout=5)
                with store.reading() as session:
                    waiting = AlertStore(session).deliveries(status=DeliveryStatus.QUEUED, limit=1)
                if not waiting:
                    break
        finally:
            ws.close()
        with store.reading() as session:
            alerts = AlertStore(session)
            notices = alerts.notices(rule="revenue_falls", limit=1000)
            statuses = Counter(d.status for d in alerts.deliveries(rule="revenue_falls", limit=1000))
    assert sorted(notice.scope["team"] for notice in notices) == TEAMS  # each team's notice, once
    assert statuses == {DeliveryStatus.SENT: 2 * len(TEAMS)}  # nothing lost, nothing failed
    mailed = Counter(team for _, _, body in smtp.mailbox.messages for team in TEAMS if f"team={team}" in body)
    assert mailed == dict.fromkeys(TEAMS, 1)  # every team told by e-mail exactly once
    hooked = dict(posts)  # a receiver drops a repeated key: one message per key
    told = Counter(team for body in hooked.values() for team in TEAMS if f"team={team}" in body)
    assert told == dict.fromkeys(TEAMS, 1)
