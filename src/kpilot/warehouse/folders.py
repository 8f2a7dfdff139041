"""The folders whose files sources may read: the workspace folder, and those listed under `allowed_paths`.

Definitions can come from people other than the one running kpilot, so a `file:` source, or a path inside a `sql:`
source, must not reach files elsewhere on the machine: not through `..`, not through an absolute path, and not
through a link that points out. Paths are checked twice: as written (normalised, so `..` cannot escape), and each
file they match after following links.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kpilot.errors import Location, WarehouseError
from kpilot.i18n import Message

# A scheme (s3://, https://, hf://...) or one of the prefixes DuckDB reads remotely without "//".
REMOTE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*://|(?:s3|gs|gcs|az|azure|abfss|hf|md|motherduck|r2):)")


@dataclass(frozen=True)
class Folders:
    """Resolved, absolute folders (links followed); `root` is the workspace folder, `extra` the allowed_paths."""

    root: Path
    extra: tuple[Path, ...] = ()

    @classmethod
    def of(cls, root: Path, allowed_paths: Sequence[str] = ()) -> Folders:
        base = root.resolve()
        return cls(base, tuple((base / Path(entry)).resolve() for entry in allowed_paths))

    @property
    def all(self) -> tuple[Path, ...]:
        return (self.root, *self.extra)

    def holds(self, path: Path) -> bool:
        return any(path == folder or path.is_relative_to(folder) for folder in self.all)

    def files(self, what: Message, pattern: str, where: Location | None) -> list[Path]:
        """The files a path or glob pattern (relative to the workspace folder) matches, each resolved to where it
        really is; refused when the pattern, or any file it matches, lies outside the folders. `what` names the path
        in messages ("source 'ads': file")."""
        full = self.place(what, pattern, where)
        found = []
        for match in sorted(glob.glob(str(full))):
            real = Path(match).resolve()
            if not self.holds(real):
                shown = os.path.relpath(match, self.root) if Path(match).is_relative_to(self.root) else match
                code = "warehouse.link_outside_allowed" if self.extra else "warehouse.link_outside"
                raise self._refusal(Message(code, subject=what, pattern=pattern, match=shown), where)
            found.append(real)
        return found

    def place(self, what: Message, pattern: str, where: Location | None) -> Path:
        """The absolute, normalised path a pattern names (links not followed), refused when it is outside."""
        if REMOTE.match(pattern):
            raise WarehouseError(
                Message("warehouse.path_remote", subject=what, pattern=pattern),
                location=where,
                hint=Message("warehouse.path_remote_hint"),
            )
        full = Path(os.path.normpath(self.root / Path(pattern)))
        if not self.holds(full):
            code = "warehouse.path_outside_allowed" if self.extra else "warehouse.path_outside"
            raise self._refusal(Message(code, subject=what, pattern=pattern), where)
        return full

    def _refusal(self, message: Message, where: Location | None) -> WarehouseError:
        return WarehouseError(message, location=where, hint=Message("warehouse.path_outside_hint", root=str(self.root)))
