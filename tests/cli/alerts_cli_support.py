"""The company of tests/alerts/alert_support (EMEA's November 2026 revenue fell 30 % on October's, so a round on
2026-12-07 fires `revenue_falls` for team=EMEA, and APAC's is clear) as a workspace folder for `kpilot alerts`
tests, with the commands' clock set by each test (`at`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from kpilot import Workspace
from kpilot.cli import alerts_app
from kpilot.services.org import import_file
from kpilot.store.location import store_location
from kpilot.store.revisions import upgrade
from tests.alerts import alert_support
from tests.alerts.test_evaluate import DEFINITIONS, NOW, workspace
from tests.support import run_cli

Kpilot = Callable[..., tuple[int, str, str]]


class Clock:
    """The moment the commands act at (`kpilot.cli.alerts_app.now`), moved by the test."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    found = Clock(NOW)
    monkeypatch.setattr(alerts_app, "now", found)
    return found


@pytest.fixture
def company_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: Clock) -> Path:
    monkeypatch.setattr("tests.alerts.test_evaluate.DEFINITIONS", DEFINITIONS + alert_support.RULES)
    workspace(tmp_path, {"EMEA": (700, 10)}).close()
    root = tmp_path / "ws"
    upgrade(store_location("kpilot.db", root))
    (root / "org.yaml").write_text(alert_support.ORG)
    with Workspace(root) as ws:
        import_file(ws, root / "org.yaml", on=NOW.date())
    monkeypatch.setenv("COLUMNS", "250")  # tables at full width: each row on one line
    for name in ("KPILOT_LANG", "KPILOT_WORKSPACE", "KPILOT_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    return root


@pytest.fixture
def kpilot(company_root: Path, capsys: pytest.CaptureFixture[str]) -> Kpilot:
    """`kpilot ARGS... -w <the company's workspace>`: (exit code, stdout, stderr)."""

    def call(*args: str) -> tuple[int, str, str]:
        return run_cli(capsys, *args, "-w", str(company_root))

    return call


def row(out: str, first: str) -> list[str]:
    """A table row's cells, by the text of its first cell."""
    for line in out.splitlines():
        cells = [cell.strip() for cell in line.strip()[1:-1].split("│")]
        if line.strip().startswith("│") and cells[0] == first:
            return cells
    raise AssertionError(f"no row {first!r} in:\n{out}")
