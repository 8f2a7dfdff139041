"""`kpilot check` (and `Workspace.check`) warn about a KPI whose `owner:` is nobody of the store's organisation (by
e-mail address, without regard to case); with no store, owners are not looked up and nothing is said of them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kpilot import Workspace
from kpilot.i18n import Language, render
from tests.permissions.org_support import build_company
from tests.support import run_cli

OWNED = """\
kpis:
  - {name: by_anna, formula: revenue, owner: Anna@ACME.example}
  - {name: by_nobody, formula: revenue, owner: nobody@acme.example}
  - {name: by_role, formula: revenue, owner: Head of sales}
  - {name: by_no_one, formula: revenue}
"""


def owner_findings(root: Path) -> list[tuple[str, str, str | None, str, str]]:
    with Workspace(root) as ws:
        found = [f for f in ws.check().findings if f.reason.code.startswith("owners.")]
    return [(f.letter.value, f.severity.value, f.kpi, str(f.reason.values["owner"]), str(f.location)) for f in found]


def test_owners_who_are_nobody_of_the_store_are_flagged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "ws"
    build_company(root).close()
    (root / "definitions" / "owned.yaml").write_text(OWNED)
    # Anna is a person of the store (in another case); the two others are not; a KPI without owner is another check.
    assert owner_findings(root) == [
        ("S", "warning", "by_nobody", "nobody@acme.example", "definitions/owned.yaml:3:5"),
        ("S", "warning", "by_role", "Head of sales", "definitions/owned.yaml:4:5"),
    ]
    code, out, _ = run_cli(capsys, "check", "--format", "json", "-w", str(root))
    data = json.loads(out)
    reasons = [f["reason"] for f in data["findings"] if f["reason_code"] == "owners.unknown_person"]
    assert reasons == [
        "the owner of KPI 'by_nobody', nobody@acme.example, is nobody the store knows: owners are people, by e-mail"
        " address",
        "the owner of KPI 'by_role', Head of sales, is nobody the store knows: owners are people, by e-mail address",
    ]
    assert code == (1 if data["summary"]["error"] else 0)  # a warning does not fail the check by itself


def test_the_finding_speaks_every_language(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    build_company(root).close()
    (root / "definitions" / "owned.yaml").write_text(OWNED)
    with Workspace(root) as ws:
        finding = next(f for f in ws.check().findings if f.reason.code == "owners.unknown_person")
    texts = {language: render(finding.reason, language) for language in Language}
    assert len(set(texts.values())) == len(texts)
    assert all("nobody@acme.example" in text for text in texts.values())


def test_without_a_store_owners_are_not_checked(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    build_company(root).close()
    for leftover in root.glob("kpilot.db*"):  # the file and its write-ahead log
        leftover.unlink()
    (root / "definitions" / "owned.yaml").write_text(OWNED)
    assert owner_findings(root) == []
