"""Every command's --format offers the formats it can write, all members of the one `Format` enum."""

from __future__ import annotations

import pytest

from kpilot.cli.formats import Format
from tests.support import run_cli

# What each command wrote before the formats were one enum (`kpilot X --help`), and must still offer.
CHOICES = {
    ("check",): "<table|json>",
    ("compute",): "<table|csv|json|xlsx>",
    ("forecast",): "<table|json>",
    ("matrix",): "<table|json>",
    ("scorecard",): "<table|csv|json>",
    ("tables",): "<table|csv|json>",
    ("describe",): "<table|json>",
    ("catalogue", "list"): "<table|json>",
    ("targets", "suggest"): "<table|json>",
    ("targets", "backtest"): "<table|json>",
}


@pytest.mark.parametrize(
    ("command", "choices"), CHOICES.items(), ids=lambda c: " ".join(c) if isinstance(c, tuple) else c
)
def test_help_lists_the_command_s_formats(
    command: tuple[str, ...], choices: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run_cli(capsys, *command, "--help")
    assert code == 0
    assert choices in out


def test_a_format_the_command_does_not_write_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "check", "--format", "csv")
    assert code == 2
    assert "'csv' is not one of 'table', 'json'" in " ".join(err.replace("│", " ").split())


def test_the_formats_are_one_enum() -> None:
    assert [f.value for f in Format] == ["table", "csv", "json", "xlsx"]
