"""`kpilot ingest` while the server runs (docs/server.md, "The command line while the server runs"): the server holds
the DuckDB file only while it answers, the command waits for it (bounded), writes, and the server then serves the
new numbers. The command runs as its own process, as from another terminal: DuckDB's lock is between processes.
Every load from the command line is in the audit log as the operator's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import cast

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kpilot.server.runtime import Runtime
from kpilot.store.records import ActorKind, Outcome
from tests.server.ingest_support import Pushing, build_template, ingest_entries, total
from tests.server.server_support import client

KPILOT = str(Path(sys.executable).with_name("kpilot"))
MORE = "day,team,owner,amount\n2025-04-01,EMEA,anna,25\n"


@pytest.fixture
def pushing(tmp_path: Path) -> Pushing:
    return build_template(tmp_path / "ws")


def runtime_of(api: TestClient) -> Runtime:
    runtime: Runtime = cast(FastAPI, api.app).state.runtime
    return runtime


def ingest(root: Path, *options: str) -> subprocess.Popen[str]:
    more = root / "more.csv"
    more.write_text(MORE)
    command = [KPILOT, "ingest", str(more), "--table", "deals", "-w", str(root), *options]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_cli_ingest_waits_for_the_server_then_the_server_serves_the_new_rows(pushing: Pushing) -> None:
    with client(pushing.root) as api:
        assert total(api, pushing, "company_revenue") == 1775
        with runtime_of(api).workspace():  # a request in progress: the server holds the file
            process = ingest(pushing.root, "--wait", "60")
            assert process.stderr is not None
            first = process.stderr.readline()  # printed when the file is found taken, before any write
            assert first.startswith("notice: waiting up to 60 s for the warehouse file"), first
        out, errors = process.communicate(timeout=120)
        assert process.returncode == 0, errors
        assert out.strip() == "1 rows appended to table 'deals' (4 columns)"
        assert total(api, pushing, "company_revenue") == 1775 + 25
    (entry,) = ingest_entries(pushing.root)
    assert (entry.actor_kind, entry.target, entry.outcome) == (ActorKind.OPERATOR, "deals", Outcome.SUCCEEDED)
    assert dict(entry.details) == {
        "table": "deals",
        "sources": ["deals"],
        "file": str((pushing.root / "more.csv").resolve()),
        "mode": "append",
        "rows": 1,
        "replaced_rows": 0,
    }


def test_a_cli_ingest_that_cannot_get_the_file_says_so_and_writes_nothing(pushing: Pushing) -> None:
    with client(pushing.root) as api:
        with runtime_of(api).workspace():
            process = ingest(pushing.root, "--wait", "0.5")
            _, errors = process.communicate(timeout=120)
        assert process.returncode != 0
        assert "waited 0.5 s for the warehouse file, and it is still taken" in errors
        assert "POST /api/v1/sources/SOURCE/rows" in errors
        assert total(api, pushing, "company_revenue") == 1775
    assert ingest_entries(pushing.root) == ()
