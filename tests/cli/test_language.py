"""The command line in the reader's language: `--lang`, `KPILOT_LANG` and the workspace's `language:` (in that order),
words from the catalogue, numbers with the language's symbols, and one JSON envelope for every failure.

The workspace is the small ad workspace of tests/cli/output_support.py. February 2025, worked out by hand: revenue
500,000 + 250,000 = 750,000 EUR against a target of 1,200,000 (commit 1,000,000: off track); 300 + 100 = 400 clicks
against 370.9 (a count: shown 371; achieved); a CTR of 400 / 3,000,000 = 0.0133 % under its floor of 0.0200 % (off
track), down from 334 / 2,000,000 = 0.0167 % in January: -0.00337 pp; a cost per click of 175 / 400 = 0.4375 EUR (no
target); a first response time of (4 + 5) / 2 = 4.5 h under its limit of 6 h (achieved).
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from kpilot.cli import scorecard as scorecard_cli
from kpilot.definitions.model import TimeUnit
from kpilot.goals.status import Status
from kpilot.i18n import Language, text
from kpilot.i18n.catalogue import catalogue
from tests.cli.output_support import ads_workspace
from tests.support import run_cli as kpilot

NBSP = "\u00a0"  # CLDR's space inside Italian and Polish amounts (and Polish thousands): never broken over a line
CLI = Path(__file__).resolve().parents[2] / "src" / "kpilot" / "cli"


@pytest.fixture(scope="module")
def ads(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(ads_workspace(tmp_path_factory.mktemp("language") / "ws"))


@pytest.fixture(autouse=True)
def _wide_and_neutral(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("KPILOT_LANG", raising=False)


def scorecard(capsys: pytest.CaptureFixture[str], ws: str, *args: str) -> tuple[int, str, str]:
    return kpilot(capsys, "scorecard", "--period", "2025-02", "--explain", "-w", ws, *args)


def cells(out: str, label: str) -> list[str]:
    """The cells of the table row whose first cell is `label`."""
    for line in out.splitlines():
        parts = [part.strip() for part in re.split("[│┃]", line)]
        if len(parts) > 2 and parts[1] == label:
            return parts[1:-1]
    raise AssertionError(f"no row {label!r} in:\n{out}")


# --------------------------------------------------------------------------------------------------------------
# the scorecard in four languages


def test_english_is_as_it_always_was(ads: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = scorecard(capsys, ads)
    assert code == 0
    assert "Scorecard 2025-02: test" in out
    assert cells(out, "KPI") == ["KPI", "value", "target", "status", "projection", "Δ previous", "Δ last year"]
    assert cells(out, "Net operating revenue after all discounts")[:4] == [
        "Net operating revenue after all discounts",
        "750,000 EUR",
        "1,200,000 EUR",
        "off track",
    ]
    assert cells(out, "Ad clicks")[1:4] == ["400", "371", "achieved"]
    assert cells(out, "Click-through rate")[1:6] == ["0.0133 %", "0.0200 %", "off track", "–", "-0.00337 pp"]
    assert cells(out, "First response time")[1:4] == ["4.5 h", "6.0 h", "achieved"]
    assert cells(out, "Cost per click")[1:4] == ["0.44 EUR", "–", "no target"]


def test_italian_scorecard(ads: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = scorecard(capsys, ads, "--lang", "it")
    assert (code, err) == (0, "")
    header = cells(out, "KPI")
    assert header == ["KPI", "valore", "obiettivo", "stato", "proiezione", "Δ precedente", "Δ anno scorso"]
    assert cells(out, "Net operating revenue after all discounts")[1:4] == [
        f"750.000{NBSP}€",
        f"1.200.000{NBSP}€",
        "fuori strada",
    ]
    assert cells(out, "Ad clicks")[1:4] == ["400", "371", "raggiunto"]
    assert cells(out, "Click-through rate")[1:6] == ["0,0133 %", "0,0200 %", "fuori strada", "–", "-0,00337 p.p."]
    assert cells(out, "First response time")[1:4] == ["4,5 h", "6,0 h", "raggiunto"]
    assert cells(out, "Cost per click")[1:4] == [f"0,44{NBSP}€", "–", "senza obiettivo"]
    # The reasons (--explain) are the goals' messages in Italian, their numbers with decimal commas.
    reasons = [line for line in out.splitlines() if line.startswith("  Click-through rate: ")]
    assert len(reasons) == 1
    assert "0,0133%" in reasons[0]
    assert "0.0133" not in reasons[0]
    english = scorecard(capsys, ads)[1]
    assert reasons[0] not in english


def test_polish_scorecard(ads: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = scorecard(capsys, ads, "--lang", "pl")
    assert code == 0
    assert "Karta wyników 2025-02: test" in out
    assert cells(out, "KPI")[1:4] == ["wartość", "cel", "status"]
    assert cells(out, "Net operating revenue after all discounts")[1:4] == [
        f"750{NBSP}000{NBSP}€",
        f"1{NBSP}200{NBSP}000{NBSP}€",
        "poza planem",
    ]
    assert cells(out, "Click-through rate")[1:4] == ["0,0133 %", "0,0200 %", "poza planem"]
    assert cells(out, "First response time")[1:4] == ["4,5 godz.", "6,0 godz.", "osiągnięty"]
    assert cells(out, "Cost per click")[3] == "brak celu"


def test_chinese_scorecard(ads: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = scorecard(capsys, ads, "--lang", "zh")
    assert code == 0
    assert "记分卡 2025-02：test" in out
    assert cells(out, "KPI")[1:4] == ["数值", "目标", "状态"]
    # Chinese writes the currency first, with its symbol, and keeps the English digits.
    assert cells(out, "Net operating revenue after all discounts")[1:4] == ["€750,000", "€1,200,000", "偏离目标"]
    assert cells(out, "Ad clicks")[1:4] == ["400", "371", "已达成"]
    assert cells(out, "First response time")[1:4] == ["4.5 小时", "6.0 小时", "已达成"]
    assert cells(out, "Click-through rate")[5] == "-0.00337 个百分点"


def test_the_notice_of_the_default_period_and_the_notes_speak_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = str(ads_workspace(tmp_path / "ws"))
    code, _, err = kpilot(capsys, "scorecard", "--kpi", "clicks", "-w", ws, "--lang", "it")
    assert code == 0
    assert err.startswith("nota: mostro ")
    assert "--period" in err


# --------------------------------------------------------------------------------------------------------------
# which language


def test_kpilot_lang_then_the_option(
    ads: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KPILOT_LANG", "pl_PL")
    assert "Karta wyników" in scorecard(capsys, ads)[1]
    assert "记分卡" in scorecard(capsys, ads, "--lang", "zh")[1]  # the option comes first
    assert "Scorecard 2025-02" in scorecard(capsys, ads, "-l", "en")[1]


def test_the_workspace_setting_comes_after_kpilot_lang(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = ads_workspace(tmp_path / "ws")
    settings = ws / "kpilot.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "language: zh\n", encoding="utf-8")
    assert "记分卡" in scorecard(capsys, str(ws))[1]
    monkeypatch.setenv("KPILOT_LANG", "it")
    assert "valore" in scorecard(capsys, str(ws))[1]
    assert "wartość" in scorecard(capsys, str(ws), "--lang", "pl")[1]


def test_an_unknown_kpilot_lang_is_warned_about_and_ignored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = ads_workspace(tmp_path / "ws")
    settings = ws / "kpilot.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "language: it\n", encoding="utf-8")
    monkeypatch.setenv("KPILOT_LANG", "fr")
    code, out, err = scorecard(capsys, str(ws))
    assert code == 0
    assert "valore" in out  # the workspace's language
    # The warning, once, in the language chosen instead.
    assert err.count("KPILOT_LANG=fr") == 1
    assert err.startswith("avviso: KPILOT_LANG=fr ")
    assert "en, it, pl, zh" in err


def test_an_unknown_lang_is_an_error_that_lists_the_four(ads: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = scorecard(capsys, ads, "--lang", "fr")
    assert (code, out) == (1, "")
    assert err == "error: unknown language 'fr'\n  hint: kpilot speaks en, it, pl, zh\n"


def test_every_command_takes_lang() -> None:
    import typer.main

    from kpilot.cli.main import app

    def visit(command: object, path: str) -> list[str]:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            return [name for sub, item in sorted(subcommands.items()) for name in visit(item, f"{path} {sub}")]
        options = {option for param in getattr(command, "params", []) for option in getattr(param, "opts", [])}
        return [] if {"--lang", "-l"} <= options else [path]

    assert visit(typer.main.get_command(app), "kpilot") == []


# --------------------------------------------------------------------------------------------------------------
# errors in the language, and as JSON


def test_errors_and_hints_speak_the_language(ads: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = kpilot(capsys, "compute", "ctx", "-w", ads, "--lang", "it")
    assert (code, out) == (1, "")
    first, second = err.splitlines()
    assert first.startswith("errore: ")
    assert "'ctx'" in first
    assert second.startswith("  suggerimento: ")
    assert "'ctr'" in second


def test_a_user_error_as_json(ads: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = kpilot(capsys, "compute", "ctx", "-w", ads, "--format", "json")
    assert (code, err) == (1, "")
    assert json.loads(out) == {
        "error": {
            "code": "semantic.unknown_kpi",
            "message": "unknown KPI 'ctx'",
            "field": "kpi",
            "location": None,
            "hint": "did you mean 'ctr'?",
            "suggestions": ["ctr"],
        }
    }


def test_an_error_of_the_command_line_itself_as_json(ads: str, capsys: pytest.CaptureFixture[str]) -> None:
    # --lang is checked while the command line is read; --format json is known by then, wherever it stands.
    code, out, err = kpilot(capsys, "scorecard", "--lang", "xx", "-w", ads, "-f", "json")
    assert (code, err) == (1, "")
    error = json.loads(out)["error"]
    assert (error["code"], error["field"], error["location"]) == ("cli.unknown_language", "language", None)
    assert error["hint"] == "kpilot speaks en, it, pl, zh"


def test_a_validation_failure_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = ads_workspace(tmp_path / "ws")
    (ws / "kpilot.yaml").write_text("timezone: Europe/Roma\nfiscal_year_start: 13\n", encoding="utf-8")
    code, out, err = kpilot(capsys, "scorecard", "-w", str(ws), "-f", "json", "--lang", "pl")
    assert (code, err) == (1, "")
    error = json.loads(out)["error"]
    assert set(error) == {"code", "message", "field", "location", "hint", "suggestions", "issues"}
    assert (error["code"], error["message"]) == ("validation.problems_found", "znaleziono 2 problemy")
    assert [(i["field"], i["location"], i["severity"]) for i in error["issues"]] == [
        ("timezone", {"file": "kpilot.yaml", "line": 1, "column": 11}, "error"),
        ("fiscal_year_start", {"file": "kpilot.yaml", "line": 2, "column": 20}, "error"),
    ]
    for issue in error["issues"]:
        assert set(issue) == {"code", "message", "field", "location", "hint", "suggestions", "severity"}
        assert issue["code"].startswith("definitions.")


def test_an_internal_error_as_json(
    ads: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the scorecard fell over")

    monkeypatch.setattr(scorecard_cli, "scorecard_result", broken)
    code, out, err = kpilot(capsys, "scorecard", "-w", ads, "-f", "json", "--lang", "it", internal_ok=True)
    assert (code, err) == (2, "")
    error = json.loads(out)["error"]
    assert (error["code"], error["field"], error["location"]) == ("internal", None, None)
    assert (
        error["message"]
        == "errore interno (un difetto di kpilot, non dei tuoi dati): RuntimeError: the scorecard fell over"
    )
    assert "KPILOT_DEBUG=1" in error["hint"]
    # For people: two lines on stderr, as before.
    code, out, err = kpilot(capsys, "scorecard", "-w", ads, internal_ok=True)
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "internal error (a bug in kpilot, not in your input): RuntimeError: the scorecard fell over",
        "Please report it with the command you ran; set KPILOT_DEBUG=1 for details.",
    ]


# --------------------------------------------------------------------------------------------------------------
# the catalogue has every word the command line uses


def _cli_codes() -> set[str]:
    codes = set()
    for path in CLI.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and re.fullmatch(r"cli(\.[a-z_]+)+", node.value)
            ):
                codes.add(node.value)
    return codes


def test_every_code_the_command_line_names_is_in_the_catalogue() -> None:
    codes = _cli_codes()
    assert len(codes) > 100  # the scan finds the codes (most are passed to `text` and `Message` as literals)
    assert sorted(code for code in codes if code not in catalogue()) == []


def test_the_codes_built_from_values_exist_in_every_language() -> None:
    for language in Language:
        for status in Status:
            assert text(f"goals.status_word.{status.value}", language)
        for unit in TimeUnit:
            assert text(f"cli.time_unit.{unit.value}", language)
