"""`.venv/bin/python bench/validate.py`: how long validating large definitions takes (docs/performance.md).

Two generated workspaces in bench/data/ (rewritten every run): 20,000 KPIs over one source, each but the first
using the KPI at half its number (a dependency tree 15 levels deep), and 2,000 sources of 10 measures each, with a
KPI per source. Each is timed three ways, three times (the median is printed): loading the definitions
(`Workspace(path)`, almost all of it the YAML parser), `Workspace.validate(with_data=False)` on the loaded
workspace, and the whole `kpilot validate` command on an empty DuckDB warehouse (so every source is a missing
table: one problem per source).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import kpilot

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
KPILOT = Path(sys.executable).with_name("kpilot")
REPEATS = 3


def many_kpis(count: int) -> str:
    lines = [
        "sources:",
        "  - name: sales",
        "    table: sales",
        "    measures:",
        "      - {name: amount, agg: sum, expr: amount}",
        "      - {name: orders, agg: count}",
        "kpis:",
        "  - {name: k0, formula: amount * 2}",
    ]
    lines += [f"  - {{name: k{i}, formula: 'k{i // 2} + orders + {i}'}}" for i in range(1, count)]
    return "\n".join(lines) + "\n"


def many_sources(count: int, measures: int) -> str:
    lines = ["sources:"]
    for i in range(count):
        lines += [f"  - name: s{i}", f"    table: t{i}", "    measures:"]
        lines += [f"      - {{name: m{i}_{j}, agg: sum, expr: x}}" for j in range(measures)]
    lines.append("kpis:")
    lines += [f"  - {{name: k{i}, formula: 'm{i}_0 + s{i}.m{i}_{measures - 1}'}}" for i in range(count)]
    return "\n".join(lines) + "\n"


def workspace(name: str, definitions: str) -> Path:
    root = DATA / name
    shutil.rmtree(root, ignore_errors=True)
    kpilot.Workspace.init(root, name=name).close()  # an empty DuckDB warehouse
    (root / "definitions" / "generated.yaml").write_text(definitions, encoding="utf-8")
    return root


def median_seconds(work: Callable[[], object]) -> float:
    timings = []
    for _ in range(REPEATS):
        began = time.perf_counter()
        work()
        timings.append(time.perf_counter() - began)
    return statistics.median(timings)


def measure(label: str, root: Path, problems: int) -> None:
    size = (root / "definitions" / "generated.yaml").stat().st_size
    loaded = kpilot.Workspace(root)
    found = loaded.validate(with_data=False)
    if len(found) != 0:
        raise SystemExit(f"{label}: {len(found)} unexpected problems, e.g. {found[0]}")
    load = median_seconds(lambda: kpilot.Workspace(root))
    checks = median_seconds(lambda: loaded.validate(with_data=False))  # a new semantic model every time
    command = [str(KPILOT), "validate", "-w", str(root)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if f"{problems} problem(s) found" not in result.stdout + result.stderr:
        raise SystemExit(f"{label}: `kpilot validate` did not report {problems} problems:\n{result.stdout[-500:]}")
    cli = median_seconds(lambda: subprocess.run(command, capture_output=True, check=False))
    print(
        f"{label} ({size / 1e6:.1f} MB): load {load:.1f} s, checks without data {checks:.1f} s, "
        f"`kpilot validate` on an empty DuckDB {cli:.1f} s"
    )
    loaded.close()


def main() -> int:
    print(f"validate large definitions: median of {REPEATS} runs, Python {sys.version.split()[0]}")
    measure("20,000 KPIs", workspace("validate_kpis", many_kpis(20_000)), problems=1)
    measure("2,000 sources x 10 measures", workspace("validate_sources", many_sources(2_000, 10)), problems=2_000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
