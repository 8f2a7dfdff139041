"""`kpilot digest --person EMAIL`: the digest as it would be sent, in the person's language unless `--lang` says
otherwise, as text, HTML or JSON, on the company of digest_support (Ana follows returns: 20 in November over her
rows, EMEA's, after 10)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kpilot.store.alert_records import SubscriptionKind
from tests.alerts.digest_support import NOW, Company, company
from tests.support import run_cli

__all__ = ["company"]  # fixtures, used by name

ANA = "ana@acme.example"


@pytest.fixture
def root(company: Company, monkeypatch: pytest.MonkeyPatch) -> Path:
    company.follow(ANA, SubscriptionKind.KPI, "returns")
    monkeypatch.setattr("kpilot.cli.digest.now", lambda: NOW)
    for name in ("KPILOT_LANG", "KPILOT_WORKSPACE", "KPILOT_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    return company.workspace.root


def test_text_in_the_persons_language_and_another(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "digest", "--person", ANA, "-w", str(root))
    assert code == 0
    assert out.splitlines()[0] == "Il tuo riepilogo: KPI della settimana, 07/12/2026"  # Ana reads Italian
    assert "    valore 20, obiettivo –" in out.splitlines()
    code, out, _ = run_cli(capsys, "digest", "--person", ANA, "--lang", "zh", "-w", str(root))
    assert code == 0
    assert out.splitlines()[0] == "你的摘要：2026年12月7日的每周 KPI"


def test_json_and_html_to_a_file(root: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run_cli(capsys, "digest", "--person", ANA, "--format", "json", "-w", str(root))
    assert code == 0
    data = json.loads(out)
    (card,) = data["cards"]
    assert (card["kpi"], card["value"], card["previous"], card["status"]) == ("returns", "20.0", "10.0", "no_target")
    page = tmp_path / "digest.html"
    code, _, err = run_cli(capsys, "digest", "--person", ANA, "-f", "html", "-o", str(page), "-w", str(root))
    assert code == 0
    assert page.read_text(encoding="utf-8").startswith('<!DOCTYPE html>\n<html lang="it">')
    assert str(page) in err


def test_an_unknown_person(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "digest", "--person", "nobody@acme.example", "-w", str(root))
    assert code != 0
    assert "nobody@acme.example" in err
