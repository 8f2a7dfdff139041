"""The codes goals/ and forecast/ speak in, against their catalogues (goals.yaml, forecast.yaml).

tests/i18n/test_catalogue.py sees the codes written as `Message("...")`'s first argument; these packages also pick a
code in a condition (`"goals.status.subject_so_far" if so_far else "goals.status.subject"`), so every code-shaped
literal in their source is checked here, and every code of their catalogues must be spoken somewhere (no stale
entries).
"""

from __future__ import annotations

import ast
import math
import re
from pathlib import Path

import pytest

from kpilot.i18n import Language, Message, Number, render
from kpilot.i18n.catalogue import catalogue

SRC = Path(__file__).resolve().parents[2] / "src" / "kpilot"
CODE = re.compile(r"(goals|forecast)\.[a-z0-9_]+(\.[a-z0-9_]+)*")


def _literals(package: str) -> set[str]:
    found = set()
    for path in (SRC / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.fullmatch(node.value):
                found.add(node.value)
    return found


SPOKEN = _literals("goals") | _literals("forecast")


def test_every_code_the_packages_speak_is_in_the_catalogue() -> None:
    assert sorted(code for code in SPOKEN if code not in catalogue()) == []


@pytest.mark.parametrize("prefix", ["goals", "forecast"])
def test_every_code_of_the_catalogue_is_spoken(prefix: str) -> None:
    stale = sorted(code for code in catalogue() if code.split(".")[0] == prefix and code not in SPOKEN)
    assert stale == []


def test_a_status_word_and_a_month_in_every_language() -> None:
    on_track = Message("goals.status_word.on_track")
    assert [render(on_track, language) for language in Language] == [
        "on track",
        "in linea",
        "zgodnie z planem",
        "进展正常",
    ]
    # A day and its month inside a sentence: Polish uses the genitive ("do 12 maja"), Chinese puts the month first.
    by = Message("goals.status.by_day", day=12, month=Message("goals.month.may"))
    assert [render(by, language) for language in Language] == [
        "by 12 May",
        "entro il 12 maggio",
        "do 12 maja",
        "截至5月12日",
    ]


def test_numbers_with_their_own_precision() -> None:
    # kpilot.i18n.Number, added for these packages: a growth factor to four decimals, a signed percentage, six
    # significant digits; the same digits in every language, with its own decimal and grouping symbols.
    factor = Message("goals.suggest.seasonal_total", base="2024-Q4 = 133.1", factor=Number(1.4641, ".4f"), span="x")
    assert render(factor).startswith("2024-Q4 = 133.1 × 1.4641 (total")
    assert render(factor, Language.IT).startswith("2024-Q4 = 133.1 × 1,4641 (totale")
    growth = Message("goals.suggest.method_error", method="seasonal", error=Number(-0.0123, "+.1%"))
    assert [render(growth, language) for language in Language] == [
        "seasonal -1.2%",
        "seasonal -1,2%",
        "seasonal -1,2%",
        "seasonal -1.2%",
    ]
    naive = Message("forecast.models.naive", value=Number(1234567.0, ",.6g"))
    assert render(naive) == "Naive: every future period repeats the last known value, 1.23457e+06."
    assert render(naive, Language.IT).endswith("l'ultimo valore noto, 1,23457E+06.")
    assert render(Message("forecast.models.naive", value=Number(math.nan, ",.6g"))).endswith("value, nan.")
