"""`kpilot alerts run`, `status`, `evaluations` and `deliveries` on the company of tests/cli/alerts_cli_support:
EMEA's revenue went from 1,000 in October 2026 to 700 in November, down 30 % (the rule wants 10 %): a breach, and,
with no `pending_for`, firing at once; APAC stayed at 500: clear, ok. Ana (who reads Italian) has an e-mail channel
to a real SMTP server (aiosmtpd); the notice's delivery waits the 30 s grouping before it may go."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from kpilot import Workspace
from kpilot.services.alert_run import LEASE
from kpilot.store import open_store
from kpilot.store.alerts import AlertStore
from tests.alerts.alert_support import DUE, SmtpServer, smtp
from tests.cli.alerts_cli_support import Clock, Kpilot, clock, company_root, kpilot, row

FIXTURES = (clock, company_root, kpilot, smtp)
ROOT = Path(__file__).resolve().parents[2]


def rows(out: str, first: str) -> list[list[str]]:
    found = []
    for line in out.splitlines():
        cells = [cell.strip() for cell in line.strip()[1:-1].split("│")]
        if line.strip().startswith("│") and cells[0] == first:
            found.append(cells)
    return found


def ana_has_email(kpilot: Kpilot, smtp: SmtpServer) -> None:
    code, out, err = kpilot(
        "alerts", "channels", "add", "--person", "ana@acme.example", "--kind", "email", "--target", smtp.url()
    )
    assert (code, err) == (0, "")
    # The target is shown by its scheme and host only: the SMTP host, port and addresses after them are left out.
    assert out.strip() == "Channel #1 added: email for ana@acme.example, to mailto://acme.example"


def test_run_once_evaluates_then_sends_the_email_exactly_once(kpilot: Kpilot, clock: Clock, smtp: SmtpServer) -> None:
    ana_has_email(kpilot, smtp)
    code, out, err = kpilot("alerts", "run", "--once")
    # Two scopes evaluated (APAC, EMEA), one firing notice queued; its delivery is not due for 30 s yet.
    assert (code, out) == (0, "")
    assert err.strip() == "2026-12-07 09:00: evaluated 2, queued 1; sent 0, to retry 0, failed 0, unknown 0"
    assert smtp.mailbox.messages == []

    clock.moment = DUE
    code, _, err = kpilot("alerts", "run", "--once")
    assert code == 0
    assert err.strip() == "2026-12-07 09:00: evaluated 2, queued 0; sent 1, to retry 0, failed 0, unknown 0"
    # Ana reads Italian: "Avviso: {title}"; 1,000 written 1.000.
    assert smtp.mailbox.messages == [
        (
            ("ana@acme.example",),
            "Avviso: Revenue falls",
            "700, rispetto a 1.000: peggiorato di 30%\nAmbito: team=EMEA\nPeriodo: 2026-11",
        )
    ]

    clock.moment = DUE + timedelta(minutes=1)  # still firing, the same episode: nothing new to tell or send
    code, _, err = kpilot("alerts", "run", "--once")
    assert code == 0
    assert err.strip() == "2026-12-07 09:01: evaluated 2, queued 0; sent 0, to retry 0, failed 0, unknown 0"
    assert len(smtp.mailbox.messages) == 1


def test_status_shows_the_rules_their_scopes_and_the_channels(kpilot: Kpilot, smtp: SmtpServer) -> None:
    ana_has_email(kpilot, smtp)
    assert kpilot("alerts", "run", "--once")[0] == 0
    code, out, err = kpilot("alerts", "status")
    assert (code, err) == (0, "")
    # One of its two scopes is firing; it tells Ana and the team EMEA.
    assert row(out, "Revenue falls (revenue_falls)") == [
        "Revenue falls (revenue_falls)",
        "change",
        "revenue",
        "ana@acme.example, EMEA",
        "1",
        "2",
    ]
    apac, emea = rows(out, "revenue_falls")
    assert apac == [
        "revenue_falls",
        "team=APAC",
        "ok",
        "0",
        "2026-12-07 09:00",
        "2026-11",
        "clear",
        "500, against 500: not worse",
    ]
    assert emea == [
        "revenue_falls",
        "team=EMEA",
        "firing",
        "1",
        "2026-12-07 09:00",
        "2026-11",
        "breach",
        "700, against 1,000: worse by 30%",
    ]
    assert row(out, "1")[:4] == ["1", "person ana@acme.example", "email", "mailto://acme.example"]
    assert f"port={smtp.port}" not in out
    assert "Silences" in out
    assert "Subscriptions" in out


def test_status_as_json(kpilot: Kpilot, smtp: SmtpServer) -> None:
    ana_has_email(kpilot, smtp)
    kpilot("alerts", "run", "--once")
    code, out, _ = kpilot("alerts", "status", "--format", "json")
    assert code == 0
    shown = json.loads(out)
    (rule,) = shown["rules"]
    assert (rule["name"], rule["when"], rule["kpi"], rule["firing"]) == ("revenue_falls", "change", "revenue", 1)
    assert rule["notify"] == {"people": ["ana@acme.example"], "teams": ["EMEA"]}
    states = {scope["scope_key"]: (scope["state"], scope["last"]["outcome"]) for scope in rule["scopes"]}
    assert states == {"team=APAC": ("ok", "clear"), "team=EMEA": ("firing", "breach")}
    (channel,) = shown["channels"]
    assert (channel["kind"], channel["target_shown"], channel["dedupes"]) == ("email", "mailto://acme.example", False)
    assert smtp.url() not in out
    assert "127.0.0.1" not in out
    # Narrowed to a KPI no rule watches: no rule.
    assert json.loads(kpilot("alerts", "status", "--kpi", "returns", "-f", "json")[1])["rules"] == []


def test_evaluations_of_a_scope_and_of_every_scope(kpilot: Kpilot, clock: Clock) -> None:
    kpilot("alerts", "run", "--once")
    clock.moment = DUE
    kpilot("alerts", "run", "--once")
    code, out, _ = kpilot("alerts", "evaluations", "revenue_falls", "--scope", "team=EMEA")
    assert code == 0
    # Two rounds, newest first; both read 700 against 1,000.
    assert (
        rows(out, "team=EMEA")
        == [["team=EMEA", "2026-12-07 09:00", "2026-11", "breach", "firing", "700", "700, against 1,000: worse by 30%"]]
        * 2
    )
    code, out, _ = kpilot("alerts", "evaluations", "revenue_falls", "--limit", "1", "-f", "json")
    assert code == 0
    found = [(one["scope_key"], one["outcome"], one["state"], one["reason"]["code"]) for one in json.loads(out)]
    assert found == [
        ("team=APAC", "clear", "ok", "alerts.reason.change.not_worse"),
        ("team=EMEA", "breach", "firing", "alerts.reason.change.worse"),
    ]
    assert json.loads(out)[1]["at"] == "2026-12-07T09:00:30+00:00"  # the newer of the two


def test_an_unknown_rule_or_a_bad_scope_is_told(kpilot: Kpilot) -> None:
    code, _, err = kpilot("alerts", "evaluations", "revenue_fall")
    assert code == 1
    assert err.strip().splitlines()[0] == "error: unknown alert rule: revenue_fall"
    code, out, _ = kpilot("alerts", "evaluations", "revenue_fall", "--format", "json")
    assert code == 1
    error = json.loads(out)["error"]
    assert (error["code"], error["suggestions"]) == ("cli.alerts.rule_unknown", ["revenue_falls"])
    code, _, err = kpilot("alerts", "evaluations", "revenue_falls", "--scope", "team")
    assert code == 1
    assert err.startswith("error: not a scope: team")


def test_deliveries_show_what_was_sent_to_whom(kpilot: Kpilot, clock: Clock, smtp: SmtpServer) -> None:
    ana_has_email(kpilot, smtp)
    kpilot("alerts", "run", "--once")
    code, out, _ = kpilot("alerts", "deliveries")
    assert code == 0
    assert row(out, "1")[:9] == [
        "1",
        "revenue_falls",
        "firing",
        "team=EMEA",
        "2026-11",
        "ana@acme.example",
        "email mailto://acme.example",
        "queued",
        "0",
    ]
    clock.moment = DUE
    kpilot("alerts", "run", "--once")
    (sent,) = json.loads(kpilot("alerts", "deliveries", "-f", "json")[1])
    assert (sent["status"], sent["attempts"], sent["sent_at"], sent["last_error"]) == (
        "sent",
        1,
        "2026-12-07T09:00:30+00:00",
        None,
    )
    assert json.loads(kpilot("alerts", "deliveries", "--status", "queued", "-f", "json")[1]) == []
    assert json.loads(kpilot("alerts", "deliveries", "--team", "EMEA", "-f", "json")[1]) == []  # Ana's, not EMEA's
    assert "none" in kpilot("alerts", "deliveries", "--status", "failed")[1]


def test_sigterm_stops_the_scheduler_cleanly_and_releases_the_lease(company_root: Path) -> None:
    """A real process, on the real clock (2026-12 or later: November 2026 is complete, EMEA's breach is found)."""
    environment = {**os.environ, "COLUMNS": "200", "PYTHONPATH": str(ROOT / "src")}
    command = [
        sys.executable,
        "-c",
        "from kpilot.cli.main import run; run()",
        "alerts",
        "run",
        "--every",
        "3600",
        "-w",
        str(company_root),
    ]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=environment, cwd=ROOT)
    try:
        assert process.stderr is not None
        lines = [process.stderr.readline(), process.stderr.readline()]  # the start, then the first tick
        assert lines[0].startswith("Evaluating alert rules every 3,600 s as ")
        assert ": evaluated 2, queued 1; sent 0" in lines[1]
        with Workspace(company_root) as ws, open_store(ws) as store, store.reading() as session:
            assert AlertStore(session).lease(LEASE) is not None  # held while it runs
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        assert process.stderr.read().strip() == "stopped; the evaluator's lease is released"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    with Workspace(company_root) as ws, open_store(ws) as store, store.reading() as session:
        assert AlertStore(session).lease(LEASE) is None
