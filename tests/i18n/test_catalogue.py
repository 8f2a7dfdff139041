"""The message catalogues are complete: every code has its text in every language, with the same values, the
plural forms each language needs, and every code the source uses exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel import Locale

from kpilot.i18n import Language
from kpilot.i18n.catalogue import catalogue, files

SRC = Path(__file__).resolve().parents[2] / "src" / "kpilot"
PLACEHOLDER = re.compile(r"(?<!\{)\{([a-z_][a-z0-9_]*)\}(?!\})")
# core.yaml holds how values are written and the words every area shares.
CORE_PREFIXES = frozenset({"format", "value", "severity", "error", "validation"})
CODE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+")


def _forms(text: object) -> list[str]:
    return list(text.values()) if isinstance(text, dict) or hasattr(text, "values") else [str(text)]  # type: ignore[union-attr]


def test_every_code_has_text_in_every_language() -> None:
    missing = [
        f"{code}: {language}" for code, entry in catalogue().items() for language in Language if language not in entry
    ]
    assert not missing, "codes without a text:\n" + "\n".join(missing)


def test_every_language_uses_the_values_the_english_text_uses() -> None:
    wrong = []
    for code, entry in catalogue().items():
        english = {name for form in _forms(entry[Language.EN]) for name in PLACEHOLDER.findall(form)}
        for language, text in entry.items():
            for form in _forms(text):
                used = set(PLACEHOLDER.findall(form))
                if not used <= english:
                    wrong.append(f"{code} ({language}): {sorted(used - english)} not in English")
            every = {name for form in _forms(text) for name in PLACEHOLDER.findall(form)}
            if every != english and not (english - every) <= {"count"}:
                wrong.append(f"{code} ({language}): uses {sorted(every)}, English uses {sorted(english)}")
    assert not wrong, "\n".join(wrong)


def test_plural_texts_have_every_form_their_language_needs() -> None:
    wrong = []
    for code, entry in catalogue().items():
        for language, text in entry.items():
            if isinstance(text, str):
                continue
            needed = set(Locale.parse(language.locale).plural_form.tags) | {"other"}
            if set(text) != needed:
                wrong.append(f"{code} ({language}): has {sorted(text)}, needs {sorted(needed)}")
    assert not wrong, "\n".join(wrong)


def test_translations_are_not_english_copies() -> None:
    """A text identical to the English one in another language is a missing translation, unless it has no words
    to translate (a pattern, a name, a placeholder alone)."""
    copies = []
    for code, entry in catalogue().items():
        english = entry[Language.EN]
        if not isinstance(english, str) or not re.search(r"[a-z]{3,} [a-z]{3,}", PLACEHOLDER.sub("", english)):
            continue
        copies += [
            f"{code} ({language})"
            for language in Language
            if language != Language.EN and entry.get(language) == english
        ]
    assert not copies, "texts that are English copies:\n" + "\n".join(copies)


def test_codes_are_named_after_their_file() -> None:
    wrong = []
    for file in files():
        stem = file.removesuffix(".yaml")
        wrong += [code for code in catalogue() if code.split(".")[0] == stem and not CODE.fullmatch(code)]
    prefixes = {file.removesuffix(".yaml") for file in files()} | CORE_PREFIXES
    wrong += [code for code in catalogue() if code.split(".")[0] not in prefixes]
    assert not wrong, f"codes that do not follow <file>.<name>: {wrong}"


def _codes_in_source() -> dict[str, str]:
    used: dict[str, str] = {}
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or getattr(node.func, "id", getattr(node.func, "attr", "")) not in (
                "Message",
                "text",
            ):
                continue
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                used.setdefault(node.args[0].value, f"{path.relative_to(SRC)}:{node.lineno}")
    return used


def test_every_code_the_source_uses_is_in_the_catalogue() -> None:
    missing = [f"{code} ({where})" for code, where in _codes_in_source().items() if code not in catalogue()]
    assert not missing, "codes used in src/ without a catalogue entry:\n" + "\n".join(missing)


@pytest.mark.parametrize("file", files())
def test_every_catalogue_file_reads(file: str) -> None:
    prefixes = CORE_PREFIXES if file == "core.yaml" else {file.removesuffix(".yaml")}
    assert any(code.split(".")[0] in prefixes for code in catalogue())
