"""Fitting tables to the terminal: numbers whole, labels wrapped, the least important columns left out first."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from kpilot.cli.layout import Kind, Spec, fit_table, terminal_width

SPECS = (
    Spec("KPI", Kind.LABEL, "left"),
    Spec("value"),
    Spec("target", drop=3),
    Spec("projection", drop=2),
    Spec("Δ last year", drop=1),
)
ROWS = [
    ["Net operating profit after tax", "431,586 EUR", "454,200 EUR", "–", "+170.6 %"],
    ["Ad impressions", "8,406,593", "8,635,000", "–", "+29.1 %"],
    ["Click-through rate (CTR)", "0.0139 %", "0.0195 %", "–", "+0.03 pp"],
]
NUMBERS = [cell for row in ROWS for cell in row[1:] if cell != "–"]


def render(specs: tuple[Spec, ...], rows: list[list[str]], width: int) -> tuple[str, tuple[str, ...]]:
    fitted = fit_table(specs, rows, width, title="Scorecard", notes=["* a note"])
    buffer = io.StringIO()
    fitted.print(Console(file=buffer, width=width, color_system=None))
    return buffer.getvalue(), fitted.dropped


def lines_of(text: str) -> list[str]:
    return text.splitlines()


@pytest.mark.parametrize("width", [40, 60, 80, 120])
def test_no_number_is_cut_and_the_table_fits(width: int) -> None:
    text, dropped = render(SPECS, ROWS, width)
    assert "…" not in text
    assert all(len(line) <= width for line in lines_of(text))
    for index, spec in enumerate(SPECS[1:], start=1):
        if spec.header in dropped:
            continue
        for row in ROWS:
            assert row[index] in text, f"{row[index]!r} is not whole at width {width}:\n{text}"


def test_what_is_left_out_first() -> None:
    # At 120 everything fits on one line per row; the projection column holds nothing and goes first.
    assert render(SPECS, ROWS, 120)[1] == ()
    assert render(SPECS, ROWS, 60)[1] == ("projection",)
    assert render(SPECS, ROWS, 50)[1] == ("projection", "Δ last year")
    # The KPI and its value are never left out, even when the table cannot fit.
    text, dropped = render(SPECS, ROWS, 24)
    assert dropped == ("target", "projection", "Δ last year")  # named in the table's order
    assert all(number in text for number in ["431,586 EUR", "8,406,593", "0.0139 %"])


def test_the_note_names_the_columns_left_out() -> None:
    text, _ = render(SPECS, ROWS, 50)
    flat = " ".join(text.split())
    assert "* a note" in flat
    assert "left out to fit 50 columns: projection, Δ last year (a wider terminal shows them)" in flat


def test_labels_wrap_at_spaces_and_keep_every_word() -> None:
    text, _ = render(SPECS, ROWS, 60)
    label_column = " ".join(line.split("│")[1].strip() for line in lines_of(text) if line.startswith("│"))
    for word in ["Net", "operating", "profit", "after", "tax", "Ad", "impressions", "Click-through", "(CTR)"]:
        assert word in label_column.split()


def test_a_wide_terminal_gets_the_natural_table() -> None:
    text, _ = render(SPECS, ROWS, 200)
    assert "│ Net operating profit after tax │ 431,586 EUR │" in text


def test_a_table_that_cannot_fit_is_printed_wider_rather_than_cut() -> None:
    specs = (Spec("a", Kind.FIXED), Spec("b", Kind.FIXED))
    fitted = fit_table(specs, [["1234567890123", "9876543210987"]], 20)
    assert fitted.width > 20  # the terminal wraps the lines; nothing is lost
    buffer = io.StringIO()
    fitted.print(Console(file=buffer, width=20, color_system=None))
    assert "1234567890123" in buffer.getvalue()
    assert "9876543210987" in buffer.getvalue()


def test_markup_is_measured_as_it_prints() -> None:
    text, _ = render(SPECS, [["[bold]finance[/]", "[green]+1.5 %[/]", "", "", ""]], 40)
    assert "finance" in text
    assert "+1.5 %" in text
    assert "[green]" not in text


def test_terminal_width_follows_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    console = Console(file=io.StringIO(), width=160)
    monkeypatch.setenv("COLUMNS", "80")
    assert terminal_width(console) == 80
    monkeypatch.setenv("COLUMNS", "5")  # a mistake: ignored
    assert terminal_width(console) == 160
    monkeypatch.delenv("COLUMNS")
    assert terminal_width(console) == 160
