"""The user documentation stays true to the code.

What is checked:

- every command and option of the `kpilot` app is documented in docs/cli.md, in the command's own section;
- every field of the definition models and `kpilot.yaml`, and every value their choices allow, is documented;
- every aggregation and formula function is mentioned;
- every YAML block marked `# example: complete` (definitions) or `# example: kpilot.yaml` (settings) loads cleanly;
- every relative link in README.md and docs/*.md points to an existing file (and heading, for `#anchors`);
- the examples run: in each page, fenced blocks are replayed in order in a sandbox folder that holds the
  quickstart workspace `my-kpis` (README's five commands) and a link to `examples/`:
  - a block preceded by `<!-- file: PATH -->` is written to PATH;
  - a block preceded by `<!-- check: PATH -->` must equal the file at PATH (its `# example:` lines left out);
  - a ```console block holds `$ kpilot ...` commands, each followed by its exact output (stdout and stderr,
    compared with whitespace normalised and decimals to 9 significant digits); the exit code must be 1 when the
    output shows an `error:` or is a JSON error envelope, else 0;
  - ```python blocks run in one namespace per page; a ```text block preceded by `<!-- output -->` is what the
    python block before it prints.
  This is done for every page (README.md and docs/*.md). Blocks in ```sh are shown to readers but not run: a
  command that is not kpilot's, or code that needs what the sandbox lacks (a server, a browser).
"""

from __future__ import annotations

import contextlib
import enum
import io
import math
import os
import re
import shlex
import shutil
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer.main
from pydantic import BaseModel

from kpilot.cli.main import app, run
from kpilot.definitions.loader import load_definitions, load_settings
from kpilot.definitions.model import Aggregation, Currency, Dimension, Kpi, Measure, Settings, Source
from kpilot.formula.functions import FUNCTIONS
from kpilot.semantic.validate import static_issues

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
LINKED = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
PAGES = LINKED  # the pages whose examples run: every one
INTERNAL_FIELDS = frozenset({"origin", "locations"})
MODEL_SECTIONS: dict[type[BaseModel], str] = {
    Source: "Sources",
    Dimension: "Dimensions",
    Measure: "Measures",
    Kpi: "KPIs",
    Currency: "Money in several currencies",
}


# --------------------------------------------------------------------------------------------------------------
# Reading Markdown


@dataclass(frozen=True)
class Block:
    info: str  # the fence's info string: yaml, console, python, ...
    text: str
    line: int  # 1-based line of the opening fence
    note: str  # the HTML comment just before the fence ("file: a/b.csv", "output"), or ""


@dataclass(frozen=True)
class Heading:
    level: int
    title: str
    start: int  # index of the heading line
    end: int  # index of the next heading of the same or a higher level (or the number of lines)


FENCE = re.compile(r"^(`{3,}|~{3,})\s*([^`\s]*)")
NOTE = re.compile(r"^<!--\s*(.*?)\s*-->$")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
DECIMAL = re.compile(r"-?\d+\.\d+(?:[eE][-+]?\d+)?")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def read(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def blocks(text: str) -> list[Block]:
    lines, found, note, index = text.splitlines(), [], "", 0
    while index < len(lines):
        line = lines[index]
        fence = FENCE.match(line)
        if fence:
            close = index + 1
            while close < len(lines) and not lines[close].startswith(fence.group(1)):
                close += 1
            found.append(Block(fence.group(2), "\n".join(lines[index + 1 : close]) + "\n", index + 1, note))
            note, index = "", close + 1
            continue
        comment = NOTE.match(line.strip())
        if comment:
            note = comment.group(1)
        elif line.strip():
            note = ""
        index += 1
    return found


def prose_lines(text: str) -> list[str]:
    """The lines of a page with fenced blocks blanked out (so that `# comments` are not headings)."""
    lines, inside, fence = text.splitlines(), False, ""
    result = []
    for line in lines:
        match = FENCE.match(line)
        if not inside and match:
            inside, fence = True, match.group(1)
            result.append("")
        elif inside:
            inside = not line.startswith(fence)
            result.append("")
        else:
            result.append(line)
    return result


def headings(text: str) -> list[Heading]:
    lines = prose_lines(text)
    marks = [(i, m) for i, line in enumerate(lines) if (m := HEADING.match(line))]
    result = []
    for position, (index, match) in enumerate(marks):
        level = len(match.group(1))
        end = next((j for j, m in marks[position + 1 :] if len(m.group(1)) <= level), len(lines))
        result.append(Heading(level, match.group(2), index, end))
    return result


def section(text: str, test: typing.Callable[[str], bool]) -> str | None:
    """The text under the first heading whose title passes `test`, down to the next heading of its level."""
    lines = text.splitlines()
    for heading in headings(text):
        if test(heading.title):
            return "\n".join(lines[heading.start : heading.end])
    return None


def titled(text: str, title: str) -> str:
    found = section(text, lambda t: t.replace("`", "").strip().lower().startswith(title.lower()))
    assert found is not None, f"no section titled '{title}...'"
    return found


def slug(title: str) -> str:
    return re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")


def mentioned(word: str, text: str) -> bool:
    """`word` as code (`word`, `word(`...) or as a YAML key (word: ...)."""
    return re.search(rf"`{re.escape(word)}[`(]|(?<![\w-]){re.escape(word)}:", text) is not None


def choices(annotation: Any) -> list[str]:
    """The values a field accepts when it is an enum or a Literal (through Optional and tuples)."""
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return [str(member.value) for member in annotation]
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return [str(arg) for arg in typing.get_args(annotation)]
    if origin in (typing.Union, types.UnionType, tuple):
        return [value for arg in typing.get_args(annotation) for value in choices(arg)]
    return []


def public_fields(model: type[BaseModel]) -> dict[str, Any]:
    return {name: info for name, info in model.model_fields.items() if name not in INTERNAL_FIELDS}


# --------------------------------------------------------------------------------------------------------------
# The reference is complete


def commands() -> list[tuple[str, Any]]:
    """(path, click command) for every command of the app, sub-groups included, e.g. ('catalogue add', cmd)."""
    found: list[tuple[str, Any]] = []

    def visit(path: str, command: Any) -> None:
        if path:
            found.append((path, command))
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            visit(f"{path} {name}".strip(), sub)

    visit("", typer.main.get_command(app))
    return found


def command_section(path: str) -> str | None:
    def test(title: str) -> bool:
        code = re.findall(r"`([^`]*)`", title)
        return bool(code) and code[0] == f"kpilot {path}"

    return section(read("cli.md"), test)


@pytest.mark.parametrize(("path", "command"), commands(), ids=[path for path, _ in commands()])
def test_every_command_and_option_is_in_cli_md(path: str, command: Any) -> None:
    text = command_section(path)
    assert text is not None, f"docs/cli.md has no section headed `kpilot {path}`"
    for param in command.params:
        for option in [*getattr(param, "opts", []), *getattr(param, "secondary_opts", [])]:
            if param.param_type_name != "option" or option == "--help":
                continue
            assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text), (
                f"docs/cli.md, section `kpilot {path}`, does not mention {option}"
            )
        if getattr(param, "envvar", None):
            assert str(param.envvar) in read("cli.md"), f"docs/cli.md does not mention {param.envvar}"


def test_cli_md_documents_only_real_commands() -> None:
    real = {path for path, _ in commands()}
    for heading in headings(read("cli.md")):
        code = re.findall(r"`kpilot ([a-z][a-z -]*)`", heading.title)
        for path in code:
            assert path.strip() in real, f"docs/cli.md documents `kpilot {path}`, which is not a command"


def test_every_setting_is_in_workspace_md() -> None:
    text = read("workspace.md")
    for name, info in public_fields(Settings).items():
        assert mentioned(name, text), f"docs/workspace.md does not document the setting '{name}'"
        for value in choices(info.annotation):
            assert f"`{value}`" in text, f"docs/workspace.md does not mention {name}: {value}"


@pytest.mark.parametrize("model", list(MODEL_SECTIONS), ids=lambda m: m.__name__)
def test_every_definition_key_is_in_definitions_md(model: type[BaseModel]) -> None:
    text = titled(read("definitions.md"), MODEL_SECTIONS[model])
    for name, info in public_fields(model).items():
        assert mentioned(name, text), f"docs/definitions.md, section {MODEL_SECTIONS[model]}, lacks the key '{name}'"
        for value in choices(info.annotation):
            assert f"`{value}`" in text, f"docs/definitions.md, section {MODEL_SECTIONS[model]}, lacks {name}: {value}"


def test_every_aggregation_and_function_is_documented() -> None:
    definitions, formulas = read("definitions.md"), read("formulas.md")
    for aggregation in Aggregation:
        assert f"`{aggregation.value}`" in definitions, f"docs/definitions.md does not explain agg: {aggregation}"
    for name in FUNCTIONS:
        assert f"{name}(" in definitions + formulas, f"neither definitions.md nor formulas.md mentions {name}()"


def marked(page: str, marker: str) -> list[Block]:
    return [b for b in blocks(read(page)) if b.info == "yaml" and f"# example: {marker}" in b.text]


@pytest.mark.parametrize("block", marked("definitions.md", "complete"), ids=lambda b: f"line{b.line}")
def test_complete_definition_examples_load(block: Block, tmp_path: Path) -> None:
    (tmp_path / "definitions").mkdir()
    (tmp_path / "definitions" / "example.yaml").write_text(block.text, encoding="utf-8")
    definitions, issues = load_definitions(tmp_path)
    assert [str(i) for i in issues] == []
    assert [str(i) for i in static_issues(definitions)] == []
    assert definitions.sources or definitions.kpis


@pytest.mark.parametrize("block", marked("workspace.md", "kpilot.yaml"), ids=lambda b: f"line{b.line}")
def test_settings_examples_load(block: Block, tmp_path: Path) -> None:
    (tmp_path / "kpilot.yaml").write_text(block.text, encoding="utf-8")
    load_settings(tmp_path)


def test_there_are_marked_examples() -> None:
    assert len(marked("definitions.md", "complete")) >= 2
    assert marked("workspace.md", "kpilot.yaml")


@pytest.mark.parametrize("page", LINKED, ids=lambda p: p.name)
def test_relative_links_resolve(page: Path) -> None:
    text = "\n".join(prose_lines(page.read_text(encoding="utf-8")))
    for target in LINK.findall(text):
        if re.match(r"^[a-z][a-z+.-]*:", target):  # https:, mailto:
            continue
        file, _, anchor = target.partition("#")
        path = (page.parent / file).resolve() if file else page
        assert path.exists(), f"{page.relative_to(ROOT)} links to {target}, which does not exist"
        if anchor and path.suffix == ".md":
            slugs = {slug(h.title) for h in headings(path.read_text(encoding="utf-8"))}
            assert anchor in slugs, f"{page.relative_to(ROOT)} links to {target}: no such heading"


# --------------------------------------------------------------------------------------------------------------
# The examples run


def kpilot(argv: list[str]) -> tuple[int, str]:
    """Run the command line in this process, through its error boundary: (exit code, stdout + stderr)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    code: int
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            run(argv)
            code = 0
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else int(done.code is not None)
    return code, ANSI.sub("", stdout.getvalue() + stderr.getvalue())


def normalised(text: str) -> str:
    return " ".join(text.split())


def same_output(actual: str, expected: str) -> bool:
    actual, expected = normalised(actual), normalised(expected)
    if actual == expected:
        return True
    if DECIMAL.split(actual) != DECIMAL.split(expected):
        return False
    pairs = zip(DECIMAL.findall(actual), DECIMAL.findall(expected), strict=True)
    return all(math.isclose(float(a), float(e), rel_tol=1e-9) for a, e in pairs)


@contextlib.contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def console_steps(block: Block) -> list[tuple[str, str]]:
    """(command line, expected output) pairs of a ```console block."""
    steps: list[tuple[str, list[str]]] = []
    lines = iter(block.text.splitlines())
    for line in lines:
        if line.startswith("$ "):
            command = line[2:]
            while command.endswith("\\"):
                command = command[:-1] + next(lines)
            steps.append((command, []))
        else:
            assert steps, f"line {block.line}: a console block must start with '$ kpilot ...'"
            steps[-1][1].append(line)
    return [(command, "\n".join(output)) for command, output in steps]


def run_console(block: Block, where: str) -> None:
    for command, expected in console_steps(block):
        words = shlex.split(command)
        env = {}
        while words and re.match(r"^[A-Z_][A-Z0-9_]*=", words[0]):
            name, _, value = words.pop(0).partition("=")
            env[name] = value
        assert words[:1] == ["kpilot"], f"{where}: only kpilot commands can be checked; show others as ```sh"
        with environment(env):
            code, output = kpilot(words[1:])
        assert same_output(output, expected), f"{where}: `{command}` printed:\n{output}"
        # A failure shows `error:` (or, after --format json, starts with the JSON error envelope).
        wanted = 1 if re.search(r"(^|\s)error:", expected) or expected.lstrip().startswith('{\n  "error"') else 0
        assert code == wanted, f"{where}: `{command}` exited with {code}, expected {wanted}:\n{output}"


@pytest.fixture(scope="session")
def quickstart(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """README's quickstart workspace, built once: my-kpis/ with marketing.yaml and the ad_performance table."""
    folder = tmp_path_factory.mktemp("quickstart")
    workspace = folder / "my-kpis"
    assert kpilot(["init", str(workspace), "--timezone", "Europe/Rome"])[0] == 0
    shutil.copy(ROOT / "examples" / "quickstart" / "definitions" / "marketing.yaml", workspace / "definitions")
    csv = ROOT / "examples" / "quickstart" / "ad_performance.csv"
    assert kpilot(["ingest", str(csv), "--table", "ad_performance", "-w", str(workspace)])[0] == 0
    return workspace


@pytest.fixture
def sandbox(quickstart: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(quickstart, tmp_path / "my-kpis")
    (tmp_path / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    for name in ("KPILOT_WORKSPACE", "KPILOT_DEBUG", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    return tmp_path


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_examples_run(page: Path, sandbox: Path) -> None:
    namespace: dict[str, Any] = {"__name__": "__docs__"}
    printed = ""
    for block in blocks(page.read_text(encoding="utf-8")):
        where = f"{page.relative_to(ROOT)}:{block.line}"
        if block.note.startswith("file:"):
            target = sandbox / block.note.removeprefix("file:").strip()
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.text, encoding="utf-8")
        elif block.note.startswith("check:"):
            written = (sandbox / block.note.removeprefix("check:").strip()).read_text(encoding="utf-8")
            shown = "".join(line for line in block.text.splitlines(True) if not line.startswith("# example:"))
            assert written == shown, f"{where}: the file is really:\n{written}"
        elif block.info == "console":
            run_console(block, where)
        elif block.info == "python":
            stdout = io.StringIO()
            with contextlib.redirect_stdout(stdout):
                exec(compile(block.text, where, "exec"), namespace)
            printed = stdout.getvalue()
        elif block.note == "output":
            assert same_output(printed, block.text), f"{where}: the python block above printed:\n{printed}"
