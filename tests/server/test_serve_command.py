"""`kpilot serve` as a user runs it: a real uvicorn process on a free port, answering the API with a token until it
is stopped; more than one worker over a DuckDB file is refused before anything starts."""

from __future__ import annotations

import http.client
import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.server.server_support import Company, build_served_company
from tests.support import run_cli

KPILOT = Path(sys.executable).with_name("kpilot")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Company:
    return build_served_company(tmp_path_factory.mktemp("serve") / "ws")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(port: int, path: str, token: str | None = None) -> tuple[int, object]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Authorization": f"Bearer {token}"} if token else {})
    response = connection.getresponse()
    return response.status, json.loads(response.read())


def test_the_command_serves_until_stopped(served: Company) -> None:
    port = free_port()
    process = subprocess.Popen(
        [str(KPILOT), "serve", "-w", str(served.root), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 180  # generous: a loaded machine starts Python slowly
        while True:
            try:
                status, _ = get(port, "/healthz")
                break
            except OSError:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                assert time.monotonic() < deadline, "kpilot serve did not answer within 180 s"
                time.sleep(0.2)
        assert status == 200
        assert get(port, "/readyz")[0] == 200
        status, body = get(port, "/api/v1/compute?kpi=company_revenue&grain=all", served.tokens["anna"])
        assert (status, body) == (200, {"rows": [{"company_revenue": 1775, "partial": False}], "warnings": []})
        assert get(port, "/api/v1/me")[0] == 401
    finally:
        process.send_signal(signal.SIGINT)
        _, errors = process.communicate(timeout=30)
    assert process.returncode == 0, errors
    assert f"http://127.0.0.1:{port}" in errors  # the line that says where it listens
    assert "Traceback" not in errors


def test_several_workers_over_a_duckdb_file_are_refused(served: Company, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "serve", "-w", str(served.root), "--workers", "2")
    assert code == 1
    assert "cannot share a DuckDB warehouse file" in err
    assert "--workers 1" in err
