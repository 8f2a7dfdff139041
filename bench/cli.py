"""The command line's start (`make bench`, a section; alone: `.venv/bin/python bench/run.py --cli-only`).

Times `kpilot --help` and `kpilot validate --no-data` on the demo workspace (made once in bench/data/demo, as the
REST API section makes it), each a fresh process, as the median of several runs interleaved in a shuffled order,
against `python -c pass` (starting the interpreter) in the same run. Also printed, to show where the time goes:
importing Typer and Rich alone (the floor of any Typer command line), loading kpilot's message catalogue (every
command that prints a sentence does), and `validate --no-data` on the README's quickstart definitions (one source,
five KPIs) instead of the demo's 87 KPIs. Goal of issue 8 (docs/performance.md): each of the two under 0.5 s.
"""

from __future__ import annotations

import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from api import DEMO

HERE = Path(__file__).resolve().parent
QUICKSTART = HERE / "data" / "quickstart"
KPILOT = Path(sys.executable).with_name("kpilot")
PYTHON = sys.executable
GOAL_SECONDS = 0.5
ORDER_SEED = 11  # of the random running order
REFERENCE = "python -c pass (reference)"
HELP = "kpilot --help"
VALIDATE = "kpilot validate --no-data (demo)"


def run(repeats: int = 9) -> None:
    print(f"\ncommand line start: fresh processes, median of {repeats} runs each")
    _prepare()
    contenders = {
        REFERENCE: [PYTHON, "-c", "pass"],
        "python: import typer and rich (Typer's floor)": [PYTHON, "-c", "import typer.rich_utils"],
        "python: load the message catalogue": [
            PYTHON,
            "-c",
            "from kpilot.i18n.catalogue import catalogue; catalogue()",
        ],
        HELP: [str(KPILOT), "--help"],
        VALIDATE: [str(KPILOT), "validate", "--no-data", "-w", str(DEMO)],
        "kpilot validate --no-data (quickstart)": [str(KPILOT), "validate", "--no-data", "-w", str(QUICKSTART)],
    }
    times: dict[str, list[float]] = {label: [] for label in contenders}
    order = random.Random(ORDER_SEED)
    for _ in range(repeats + 1):  # the first round warms the file cache and is not counted
        labels = list(contenders)
        order.shuffle(labels)
        for label in labels:
            times[label].append(_seconds(contenders[label]))
    medians = {label: statistics.median(found[1:]) for label, found in times.items()}
    reference = medians[REFERENCE]
    print(f"  {'':48} {'median':>9} {'/ reference':>12}")
    for label, seconds in medians.items():
        print(f"  {label:48} {seconds:7.3f} s {seconds / reference:12.1f}")
    for label in (HELP, VALIDATE):
        verdict = "ok" if medians[label] < GOAL_SECONDS else "goal missed"
        print(f"  goal: {label} under {GOAL_SECONDS:g} s: {verdict}")


def _prepare() -> None:
    """The demo workspace (made once, shared with the REST API section) and the quickstart workspace (remade)."""
    if not (DEMO / "kpilot.yaml").is_file():
        shutil.rmtree(DEMO, ignore_errors=True)
        subprocess.run([str(KPILOT), "demo", str(DEMO)], check=True, stdout=subprocess.DEVNULL)
    shutil.rmtree(QUICKSTART, ignore_errors=True)
    subprocess.run([str(KPILOT), "init", str(QUICKSTART)], check=True, stdout=subprocess.DEVNULL)
    marketing = HERE.parent / "examples" / "quickstart" / "definitions" / "marketing.yaml"
    shutil.copy(marketing, QUICKSTART / "definitions" / "marketing.yaml")


def _seconds(command: list[str]) -> float:
    began = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - began
