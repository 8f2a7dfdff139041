"""The small sales team of tests/incentives/bonus_support, as a workspace folder for `kpilot bonus` tests, with
the commands' clock set to just after 2025-Q1 (the team's deals and targets are of that quarter)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kpilot import Workspace
from kpilot.cli import bonus_app
from kpilot.store import open_store
from kpilot.store.bonus import BonusStore, Line
from tests.incentives.bonus_support import build_sales
from tests.support import run_cli

NOW = datetime(2025, 4, 10, 9, tzinfo=UTC)
AFTER_Q1 = "2025-04-10"

Kpilot = Callable[..., tuple[int, str, str]]


@pytest.fixture
def sales(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "ws"
    build_sales(root).close()
    monkeypatch.setattr(bonus_app, "now", lambda: NOW)
    monkeypatch.setenv("COLUMNS", "200")  # tables at full width: each row on one line
    for name in ("KPILOT_LANG", "KPILOT_WORKSPACE", "KPILOT_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    return root


@pytest.fixture
def kpilot(sales: Path, capsys: pytest.CaptureFixture[str]) -> Kpilot:
    """`kpilot ARGS... -w <the sales workspace>`: (exit code, stdout, stderr)."""

    def call(*args: str) -> tuple[int, str, str]:
        return run_cli(capsys, *args, "-w", str(sales))

    return call


def ledger(root: Path, plan: str = "sales") -> tuple[Line, ...]:
    with Workspace(root) as workspace, open_store(workspace) as store, store.reading() as session:
        return BonusStore(session).lines(plan)
