"""The REST API under load (`make bench`, its last section): `kpilot serve` on the demo workspace, 16 clients for
30 seconds on each endpoint, one endpoint at a time, with keep-alive connections.

Printed per endpoint: requests per second, p50 and p99 latency, and errors (any answer but 200, or no answer); the
reference in the same run is `/healthz` (the server's own cost, no workspace), so that the ratios say what the
endpoints add on this machine. Goal of docs/performance.md: a repeated scorecard at 300 requests per second or more,
with p99 under 250 ms and no errors.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEMO = HERE / "data" / "demo"
KPILOT = Path(sys.executable).with_name("kpilot")
ADMIN = "bench-admin@example.com"
GOAL_RPS, GOAL_P99 = 300.0, 0.250


@dataclass
class Load:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(seconds: float = 30.0, clients: int = 16) -> None:
    print(f"\nREST API: kpilot serve on the demo workspace, {clients} clients, {seconds:g} s per endpoint")
    token = _prepare()
    last_month = (date.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    targets = {
        "/healthz (reference)": "/healthz",
        "/api/v1/scorecard (repeated)": f"/api/v1/scorecard?period={last_month}",
        "/api/v1/compute (repeated)": "/api/v1/compute?kpi=revenue&kpi=orders&grain=month",
    }
    with _server() as port:
        loads = {label: _load(port, path, token, seconds, clients) for label, path in targets.items()}
    reference = loads["/healthz (reference)"]
    print(f"  {'':30} {'req/s':>9} {'p50':>10} {'p99':>10} {'errors':>7} {'req/s ratio':>12}")
    for label, load in loads.items():
        ratio = load.rps / reference.rps if reference.rps else float("nan")
        p50, p99 = load.percentile(0.50) * 1000, load.percentile(0.99) * 1000
        print(f"  {label:30} {load.rps:9.1f} {p50:8.1f} ms {p99:8.1f} ms {load.errors:7d} {ratio:12.4f}")
    scorecard = loads["/api/v1/scorecard (repeated)"]
    met = scorecard.rps >= GOAL_RPS and scorecard.percentile(0.99) <= GOAL_P99 and scorecard.errors == 0
    verdict = "ok" if met else "goal missed"
    print(f"  goal: scorecard >= {GOAL_RPS:g} req/s, p99 <= {GOAL_P99 * 1000:g} ms, no errors: {verdict}")


def _prepare() -> str:
    """The demo workspace (made once, kept in bench/data/demo), its store, and a new admin token for this run."""
    if not (DEMO / "kpilot.yaml").is_file():
        shutil.rmtree(DEMO, ignore_errors=True)
        subprocess.run([str(KPILOT), "demo", str(DEMO)], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([str(KPILOT), "db", "upgrade", "-w", str(DEMO)], check=True, stdout=subprocess.DEVNULL)
    from kpilot import Workspace
    from kpilot.auth.actor import Actor, Role
    from kpilot.auth.errors import AccountExists
    from kpilot.services.accounts import add_account
    from kpilot.services.tokens import create_token
    from kpilot.store import open_store

    now = datetime.now(UTC)
    with Workspace(DEMO) as workspace, open_store(workspace) as store:
        with suppress(AccountExists):
            add_account(store, Actor.operator(), ADMIN, [Role.ADMIN], password=None, now=now)
        made = create_token(store, Actor.operator(), ADMIN, "bench", ["read"], expires_at=now + timedelta(1), now=now)
    return made.raw


@contextmanager
def _server(root: Path = DEMO) -> Iterator[int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    command = [str(KPILOT), "serve", "-w", str(root), "--port", str(port)]
    log = (HERE / "data" / "serve.log").open("w")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ))
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("kpilot serve did not answer within 60 s")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def _load(port: int, path: str, token: str, seconds: float, clients: int) -> Load:
    """`clients` threads, each with its own keep-alive connection, sending requests until the time is up (the
    answers still on their way are waited for and counted)."""
    load = Load()
    lock = threading.Lock()
    warm = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    warm.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    warm.getresponse().read()  # the first request opens the workspace: not part of the measure
    stop = time.perf_counter() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        while time.perf_counter() < stop:
            began = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
                response = connection.getresponse()
                body = response.read()
                ok = response.status == 200 and bool(json.loads(body))
            except (OSError, http.client.HTTPException, ValueError):
                ok = False
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
            with lock:
                if ok:
                    load.latencies.append(time.perf_counter() - began)
                else:
                    load.errors += 1

    began = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    load.seconds = time.perf_counter() - began
    return load
