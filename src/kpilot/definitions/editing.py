"""Editing a definitions file safely: read it keeping comments, check the whole workspace with the new text on a
copy, then replace the file in one step. Used by every command that writes definitions (catalogue add, targets)."""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from kpilot.definitions.loader import DEFINITIONS_DIR
from kpilot.definitions.yaml_source import YamlDocument, read_yaml
from kpilot.errors import Issue, Location, UserError

Problems = Callable[[Path], list[Issue]]


def read_document(path: Path, header: str, purpose: str) -> CommentedMap:
    """The file's mapping (a new one, with `header` as its comment, when the file does not exist yet)."""
    if not path.is_file():
        document = CommentedMap()
        document.yaml_set_start_comment(header)
        return document
    parsed = read_yaml(path, str(path))
    if isinstance(parsed, YamlDocument) and parsed.root is None:
        return CommentedMap()
    if isinstance(parsed, YamlDocument) and isinstance(parsed.root, CommentedMap):
        return parsed.root
    problem = str(parsed) if isinstance(parsed, Issue) else "it is not a mapping"
    raise UserError(
        f"{path} is not a valid definitions file ({problem}), so {purpose}",
        location=Location(str(path)),
        hint="fix it (kpilot validate shows where) or move it away",
    )


def dump(document: CommentedMap) -> str:
    yaml = YAML()
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    stream = io.StringIO()
    yaml.dump(document, stream)
    return stream.getvalue()


def definition_files(folder: Path) -> list[Path]:
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]) if folder.is_dir() else []


def new_problems(root: Path, file_name: str, text: str, problems: Problems) -> list[Issue]:
    """The problems the workspace would have with `text` as definitions/`file_name`, and does not have now."""
    before = {str(issue) for issue in problems(root)}
    with tempfile.TemporaryDirectory(prefix="kpilot-edit-") as scratch:
        copy = Path(scratch)
        (copy / DEFINITIONS_DIR).mkdir()
        for path in definition_files(root / DEFINITIONS_DIR):
            if path.name != file_name:
                shutil.copyfile(path, copy / DEFINITIONS_DIR / path.name)
        (copy / DEFINITIONS_DIR / file_name).write_text(text, encoding="utf-8")
        return [issue for issue in problems(copy) if str(issue) not in before]


def write_atomically(path: Path, text: str) -> None:
    """Replace the file in one step: readers see the old file or the new one, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
