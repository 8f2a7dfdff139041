"""Every writer of definitions takes one lock (definitions.editing.editing_lock): an edit from another process waits
for the one in progress, and an edit inside an edit (the targets service around the targets writer) does not wait
on itself."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from datetime import date
from pathlib import Path

from kpilot.definitions.editing import LOCK_FILE, editing_lock
from kpilot.goals.writer import merge_targets
from tests.support import make_workspace

DEFINITIONS = """\
sources:
  - {name: sales, table: sales, time: day, measures: [{name: revenue, agg: sum, expr: amount}]}
kpis:
  - {name: revenue, formula: revenue}
"""
HOLDER = textwrap.dedent("""\
    import fcntl, sys
    with open(sys.argv[1], "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        print("held", flush=True)
        sys.stdin.readline()
""")


def _workspace(root: Path) -> Path:
    make_workspace(root, DEFINITIONS, {"sales": {"day": [date(2025, 1, 1)], "amount": [5]}}).close()
    return root


def test_an_edit_waits_for_another_process_that_edits(tmp_path: Path) -> None:
    root = _workspace(tmp_path / "ws")
    lock = root / LOCK_FILE
    lock.parent.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(lock)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        done = threading.Event()

        def write() -> None:
            merge_targets(root, [{"kpi": "revenue", "period": "2025", "target": 10}])
            done.set()

        writer = threading.Thread(target=write)
        writer.start()
        assert not done.wait(0.5)  # blocked while the other process holds the lock: nothing written yet
        assert not (root / "definitions" / "targets.yaml").exists()
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        writer.join(timeout=60)
        assert done.is_set()
        assert "target: 10" in (root / "definitions" / "targets.yaml").read_text()
    finally:
        holder.kill()
        holder.wait()


def test_an_edit_inside_an_edit_does_not_wait_on_itself(tmp_path: Path) -> None:
    root = _workspace(tmp_path / "ws")
    with editing_lock(root), editing_lock(root):
        report = merge_targets(root, [{"kpi": "revenue", "period": "2025", "target": 10}])
    assert report.added == ("revenue 2025",)
