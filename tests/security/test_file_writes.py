"""Files kpilot rewrites keep their permission bits, are replaced in one step, and a full disk or a refused write
leaves the old file exactly as it was, with no temporary file behind and a clear message (exit code 1)."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kpilot import UserError
from kpilot.definitions import editing
from kpilot.definitions.editing import write_atomically
from kpilot.engine.periods import Calendar, Grain
from kpilot.goals.writer import merge_targets
from tests.support import make_workspace, write_workspace
from tests.support import run_cli as kpilot

DEFINITIONS = """
sources:
  - name: sales
    table: sales
    time: day
    measures:
      - {name: revenue, agg: sum, expr: amount}
kpis:
  - {name: revenue, formula: revenue, unit: currency}
"""
TARGETS = "# Our targets, reviewed every quarter.\ntargets:\n  - {kpi: revenue, period: '2025-06', target: 100}\n"
# Two years of 150 a month: every replayed suggestion was exact, so the levels sit at the minimum spread of 1 %
# around 150: 150 x 0.99 = 148.5, 150, 150 x 1.01 = 151.5 (see tests/cli/test_goals_cli.py).
WRITTEN = "- {kpi: revenue, period: '2025-07', commit: 148.5, target: 150, stretch: 151.5}"
SUGGEST = ("targets", "suggest", "revenue", "--period", "2025-07", "--write", "all")
NO_SPACE = "cannot write this file: no space left on device; nothing was written and the file was left as it was"


@pytest.fixture
def umask() -> Iterator[Any]:
    """Set the process's umask for one test, and put the old one back."""
    old = os.umask(0o022)

    def set_to(value: int) -> None:
        os.umask(value)

    yield set_to
    os.umask(old)


@pytest.fixture
def workspace(tmp_path: Path, backend: str) -> Path:
    """24 months of sales, 2023-07 .. 2025-06, 150 a month."""
    calendar = Calendar()
    days = [calendar.shift(date(2023, 7, 1), index, Grain.MONTH).replace(day=8) for index in range(24)]
    root = tmp_path / "ws"
    make_workspace(root, DEFINITIONS, {"sales": {"day": days, "amount": [150.0] * 24}}, warehouse=backend).close()
    return root


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def listing(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


# ---------------------------------------------------------------------------------------------------- modes


@pytest.mark.parametrize("existing", [0o644, 0o664, 0o640, 0o600])
def test_a_rewritten_file_keeps_its_mode(tmp_path: Path, umask: Any, existing: int) -> None:
    umask(0o077)  # a umask that would give 0600: the existing mode must win
    path = tmp_path / "targets.yaml"
    path.write_text("old\n")
    path.chmod(existing)
    write_atomically(path, "new\n")
    assert path.read_text() == "new\n"
    assert mode(path) == existing
    assert [p.name for p in tmp_path.iterdir()] == ["targets.yaml"]


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o002, 0o664), (0o027, 0o640), (0o077, 0o600)])
def test_a_new_file_gets_the_umask_default(tmp_path: Path, umask: Any, mask: int, expected: int) -> None:
    umask(mask)
    path = tmp_path / "definitions" / "catalogue.yaml"
    write_atomically(path, "new\n")
    assert mode(path) == expected  # 0666 & ~umask, as `open` gives it; not mkstemp's 0600


def test_targets_suggest_write_keeps_the_mode(workspace: Path, umask: Any, capsys: pytest.CaptureFixture[str]) -> None:
    path = workspace / "definitions" / "targets.yaml"
    path.write_text(TARGETS)
    path.chmod(0o664)
    umask(0o022)
    code, out, _ = kpilot(capsys, *SUGGEST, "-w", str(workspace))
    assert code == 0
    assert "Wrote the target for revenue 2025-07" in out
    assert mode(path) == 0o664
    text = path.read_text()
    assert text.startswith("# Our targets, reviewed every quarter.\n")  # the comment is kept
    assert WRITTEN in text


def test_targets_suggest_write_creates_a_file_with_the_umask_default(
    workspace: Path, umask: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    umask(0o002)
    assert kpilot(capsys, *SUGGEST, "-w", str(workspace))[0] == 0
    assert mode(workspace / "definitions" / "targets.yaml") == 0o664


def test_catalogue_add_keeps_the_mode(tmp_path: Path, umask: Any, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "ws"
    write_workspace(root, "")
    umask(0o027)
    path = root / "definitions" / "catalogue.yaml"
    assert kpilot(capsys, "catalogue", "add", "ctr", "--no-check", "-w", str(root))[0] == 0
    assert mode(path) == 0o640
    path.chmod(0o664)
    assert kpilot(capsys, "catalogue", "add", "cpc", "--no-check", "-w", str(root))[0] == 0
    assert mode(path) == 0o664
    assert "name: cpc" in path.read_text()


# ---------------------------------------------------------------------------------------------------- failures


class FullDisk:
    """A file on a disk that fills up halfway through the write."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def __enter__(self) -> FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stream.close()

    def write(self, text: str) -> int:
        self.stream.write(text[: len(text) // 2])
        self.stream.flush()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every temporary file kpilot writes a definitions file through fills the disk."""
    real = os.fdopen

    def fdopen(descriptor: int, *args: Any, **kwargs: Any) -> Any:
        stream = real(descriptor, *args, **kwargs)
        return FullDisk(stream) if os.readlink(f"/proc/self/fd/{descriptor}").endswith(".tmp") else stream

    monkeypatch.setattr(editing.os, "fdopen", fdopen)


def test_a_full_disk_leaves_the_file_as_it_was(tmp_path: Path, full_disk: None) -> None:
    path = tmp_path / "targets.yaml"
    path.write_text(TARGETS)
    path.chmod(0o664)
    before = listing(tmp_path)
    with pytest.raises(UserError) as raised:
        write_atomically(path, TARGETS + "  - {kpi: revenue, period: '2025-07', target: 200}\n")
    assert str(raised.value.message) == NO_SPACE
    assert str(raised.value.location) == str(path)
    assert str(raised.value.hint) == "free some space on that disk, then run the command again"
    assert listing(tmp_path) == before  # byte for byte, and no temporary file left
    assert mode(path) == 0o664


def test_a_full_disk_while_merging_targets(tmp_path: Path, full_disk: None) -> None:
    root = tmp_path / "ws"
    write_workspace(root, DEFINITIONS)
    (root / "definitions" / "targets.yaml").write_text(TARGETS)
    before = listing(root / "definitions")
    with pytest.raises(UserError, match="no space left on device"):
        merge_targets(root, [{"kpi": "revenue", "period": "2025-07", "target": 200}])
    assert listing(root / "definitions") == before


def test_cli_targets_suggest_on_a_full_disk(
    workspace: Path, full_disk: None, capsys: pytest.CaptureFixture[str]
) -> None:
    path = workspace / "definitions" / "targets.yaml"
    path.write_text(TARGETS)
    before = listing(path.parent)
    code, _, err = kpilot(capsys, *SUGGEST, "-w", str(workspace))
    assert code == 1
    assert err.startswith(f"error: {path}: {NO_SPACE}\n")
    assert "hint: free some space on that disk" in err
    assert listing(path.parent) == before


def test_cli_catalogue_add_on_a_full_disk(tmp_path: Path, full_disk: None, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "ws"
    write_workspace(root, "")
    before = listing(root / "definitions")
    code, _, err = kpilot(capsys, "catalogue", "add", "ctr", "--no-check", "-w", str(root))
    assert code == 1
    assert f"catalogue.yaml: {NO_SPACE}" in err
    assert listing(root / "definitions") == before  # catalogue.yaml was not created


def test_a_refused_rename_leaves_the_file_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "targets.yaml"
    path.write_text(TARGETS)
    before = listing(tmp_path)

    def refuse(source: Any, target: Any) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(target))

    monkeypatch.setattr(editing.os, "replace", refuse)
    with pytest.raises(UserError) as raised:
        write_atomically(path, "new\n")
    assert str(raised.value.message).startswith("cannot write this file: permission denied;")
    assert str(raised.value.hint) == f"check that you may write to {path} and to its folder {tmp_path}"
    assert listing(tmp_path) == before


def test_no_room_to_check_the_edit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The edited definitions are loaded from a scratch copy first; when that cannot be made, nothing is written."""
    root = tmp_path / "ws"
    write_workspace(root, DEFINITIONS)
    before = listing(root / "definitions")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no" / "such" / "folder"))
    with pytest.raises(UserError) as raised:
        merge_targets(root, [{"kpi": "revenue", "period": "2025-07", "target": 200}])
    assert str(raised.value.message) == (
        "cannot check the edited definitions in a scratch folder: no such file or directory; nothing was written"
    )
    assert "TMPDIR" in str(raised.value.hint or "")
    assert listing(root / "definitions") == before


def test_init_where_no_folder_can_be_made(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    code, _, err = kpilot(capsys, "init", str(blocker / "ws"))
    assert code == 1
    assert err.startswith(f"error: {blocker / 'ws' / 'definitions'}: cannot create this folder: not a directory\n")
