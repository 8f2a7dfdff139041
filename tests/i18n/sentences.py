"""Finding sentences built outside the rendering layer, for tests/i18n/test_no_sentences.py.

A sentence is a string literal (or the literal part of an f-string) holding two words in a row, one of them
lowercase ("unknown KPI", "Revenue is", "no data"; not "CREATE TABLE"). Allowed, because no user reads them as
kpilot's words: docstrings; the rendering layer itself (`kpilot/i18n/`); the text of programming errors
(InternalError, TypeError, ValueError, AssertionError, RuntimeError, NotImplementedError, CatalogueBroken: bugs,
reported as "internal error" with a code); command-line help (`help=`, Typer's `rich_help_panel=`), which stays
English like every Unix tool's, and the REST API's own description in its OpenAPI document (`summary=`,
`description=`), English like every API reference; and what the `ALLOWED` table of the test names, each with why.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "kpilot"
# Two words in a row, at least one of them lowercase: "unknown KPI", "Revenue is", "no data" (not "CREATE TABLE").
WORDS = re.compile(r"(?<![\w.$/-])(?:[a-z]{2,}(?:'[a-z]+)? [A-Za-z]{2,}|[A-Za-z]{2,}(?:'[a-z]+)? [a-z]{2,})(?![\w(])")
PROGRAMMING_ERRORS = frozenset(
    {
        "InternalError",
        "TypeError",
        "ValueError",
        "AssertionError",
        "RuntimeError",
        "NotImplementedError",
        "CatalogueBroken",
        "KeyError",
        "LookupError",
    }
)
HELP_KEYWORDS = frozenset({"help", "rich_help_panel", "short_help", "epilog", "metavar", "description", "summary"})


@dataclass(frozen=True)
class Sentence:
    file: str  # relative to src/kpilot
    line: int
    text: str

    def __str__(self) -> str:
        return f"src/kpilot/{self.file}:{self.line}: {self.text!r}"


def sentences(package: str | None = None) -> Iterator[Sentence]:
    """Every sentence in the source of `package` (a top-level folder or module of kpilot; None: all of it)."""
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if relative.startswith("i18n/"):
            continue
        if package is not None and relative.split("/")[0].removesuffix(".py") != package:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = _skipped(tree)
        for node in ast.walk(tree):
            if _is_text(node) and id(node) not in skipped and WORDS.search(node.value):  # type: ignore[attr-defined]
                yield Sentence(relative, node.lineno, node.value)  # type: ignore[attr-defined]


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def packages() -> list[str]:
    return sorted(
        {path.relative_to(SRC).parts[0].removesuffix(".py") for path in SRC.rglob("*.py")} - {"i18n", "__init__"}
    )


def _skipped(tree: ast.AST) -> set[int]:
    """The ids of string nodes that are allowed: docstrings, programming errors' texts, help texts."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skipped.add(id(first.value))
        if isinstance(node, ast.Call):
            name = _name(node.func)
            if name in PROGRAMMING_ERRORS:
                skipped.update(id(inner) for inner in ast.walk(node))
            for keyword in node.keywords:
                if keyword.arg in HELP_KEYWORDS:
                    skipped.update(id(inner) for inner in ast.walk(keyword.value))
    return skipped


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""
