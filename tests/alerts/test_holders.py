"""The evaluator's lease and the processes that hold it: a holder names its process; a holder of this host that no
longer runs is gone (killed, or killed and not yet reaped), and its lease is taken over at once instead of on
expiry; a live holder, or one of another host, keeps it until it expires."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kpilot.services.alert_holders import gone, this_process
from kpilot.services.alert_run import run_round
from kpilot.store.alerts import AlertStore
from tests.alerts.alert_support import Company, company

__all__ = ["company"]  # a fixture, used by name
NOW = datetime(2026, 12, 7, 9, tzinfo=UTC)
TTL = timedelta(minutes=5)
NAMED = "from kpilot.services.alert_holders import this_process; print(this_process(), flush=True); input()"


def _holding() -> tuple[subprocess.Popen[str], str]:
    """A live process and its holder name (it waits on its standard input)."""
    process = subprocess.Popen([sys.executable, "-c", NAMED], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    return process, process.stdout.readline().strip()


def test_a_holder_names_this_process() -> None:
    host, pid, start = this_process().rsplit(":", 2)
    assert (host, pid) == (socket.gethostname(), str(os.getpid()))
    assert start.isdigit()
    assert not gone(this_process())


def test_a_killed_process_is_gone_reaped_or_not() -> None:
    process, holder = _holding()
    try:
        assert not gone(holder)
        process.send_signal(signal.SIGKILL)
        while Path(f"/proc/{process.pid}/stat").read_text().rpartition(")")[2].split()[0] not in ("Z", "X"):
            pass  # the kill takes effect: a zombie, not yet reaped
        assert gone(holder)
    finally:
        process.wait()
    assert gone(holder)  # reaped: no such process


def test_a_reused_pid_is_not_the_old_holder() -> None:
    host, pid, start = this_process().rsplit(":", 2)
    assert gone(f"{host}:{pid}:{int(start) - 1}") is False  # ourselves: never gone
    process, holder = _holding()
    try:
        host, pid, start = holder.rsplit(":", 2)
        assert gone(f"{host}:{pid}:{int(start) + 7}")  # that pid now runs a process started at another time
    finally:
        process.kill()
        process.wait()


def test_holders_of_other_hosts_or_other_shapes_are_never_taken_for_gone() -> None:
    assert not gone("elsewhere.example:1:1")
    assert not gone("evaluator-1")
    assert not gone(f"{socket.gethostname()}:not-a-pid:1")


def test_the_lease_of_a_gone_holder_is_taken_over_at_once(company: Company) -> None:
    store = company.store
    process, holder = _holding()
    try:
        with store.writing() as session:
            assert AlertStore(session).acquire("alerts", holder, NOW, TTL)
        with store.writing() as session:  # alive: only its own holder gets it before it expires
            assert not AlertStore(session).acquire("alerts", "me", NOW + timedelta(minutes=1), TTL)
        process.kill()
        process.wait()
        with store.writing() as session:  # a stranger named as replaced changes nothing
            assert not AlertStore(session).acquire("alerts", "me", NOW, TTL, replacing="someone-else")
        with store.writing() as session:
            assert AlertStore(session).acquire("alerts", "me", NOW + timedelta(minutes=1), TTL, replacing=holder)
            lease = AlertStore(session).lease("alerts")
        assert lease is not None
        assert lease.holder == "me"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_round_carries_on_from_a_killed_evaluator(company: Company) -> None:
    process, holder = _holding()
    with company.store.writing() as session:
        assert AlertStore(session).acquire("alerts", holder, NOW, TTL)
    assert not run_round(company.store, company.workspace, NOW, "me").held  # it runs: one evaluator at a time
    process.kill()
    process.wait()
    report = run_round(company.store, company.workspace, NOW + timedelta(seconds=1), "me")
    assert (report.held, report.enqueued) == (True, 1)  # taken over at once, not 5 minutes later
