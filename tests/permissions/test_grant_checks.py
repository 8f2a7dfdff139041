"""`kpilot check` (and `Workspace.check`) warn about grants naming a person or team the store does not know; with
no store, the check is the SMART check alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kpilot import Workspace
from tests.permissions.org_support import build_company
from tests.support import run_cli

TYPOS = """\
kpis:
  - name: payroll
    formula: revenue
    visibility: restricted
    grants:
      people: [carl@acme.example, carol@acme.example]
      teams: [EMAE]
"""


def test_unknown_people_and_teams_in_grants_are_flagged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "ws"
    build_company(root).close()
    (root / "definitions" / "payroll.yaml").write_text(TYPOS)
    with Workspace(root) as ws:
        findings = [f for f in ws.check().findings if f.reason.code.startswith("permissions.")]
    assert [(f.letter.value, f.severity.value, f.kpi, f.reason.code) for f in findings] == [
        ("S", "warning", "payroll", "permissions.unknown_grant_person"),
        ("S", "warning", "payroll", "permissions.unknown_grant_team"),
    ]
    assert findings[0].reason.values["address"] == "carol@acme.example"
    assert str(findings[0].location) == "definitions/payroll.yaml:6:35"
    assert str(findings[1].location) == "definitions/payroll.yaml:7:15"
    code, out, _ = run_cli(capsys, "check", "--format", "json", "-w", str(root))
    data = json.loads(out)
    reasons = [f["reason"] for f in data["findings"] if f["reason_code"].startswith("permissions.")]
    assert reasons == [
        "KPI 'payroll' is granted to carol@acme.example, whom the store does not know: that grant lets nobody see it",
        "KPI 'payroll' is granted to team 'EMAE', which the store does not know: that grant lets nobody see it",
    ]
    assert code == (1 if data["summary"]["error"] else 0)  # warnings: they do not fail the check by themselves


def test_without_a_store_grants_are_not_checked(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    build_company(root).close()
    for leftover in root.glob("kpilot.db*"):  # the file and its write-ahead log
        leftover.unlink()
    (root / "definitions" / "payroll.yaml").write_text(TYPOS)
    with Workspace(root) as ws:
        assert not [f for f in ws.check().findings if f.reason.code.startswith("permissions.")]
