"""What the embedded DuckDB may use: its memory, its threads, and the folder it spills to when a query needs more.

`kpilot.yaml`'s `memory_limit`, `threads` and `temp_directory` (docs/workspace.md#memory-and-spilling), checked
where the settings are read (`definitions.model.Settings`) and applied by `connection` when DuckDB starts, before
its configuration is locked. DuckDB keeps within `memory_limit` by writing what does not fit (large aggregates,
joins, sorts, the rows of a big load) to files in the spill folder, which it creates when it first needs it and
empties when the connection closes.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SPILL_FOLDER = Path(".kpilot") / "spill"  # in the workspace folder, unless `temp_directory:` says otherwise


@dataclass(frozen=True)
class Resources:
    """DuckDB's limits for one workspace; None leaves DuckDB's default (80% of the memory, every core)."""

    spill: Path  # absolute
    memory_limit: str | None = None  # as written in kpilot.yaml ("2GB"): DuckDB reads the same units
    threads: int | None = None

    @classmethod
    def of(
        cls,
        root: Path,
        *,
        memory_limit: str | None = None,
        temp_directory: str | None = None,
        threads: int | None = None,
    ) -> Resources:
        """The settings of a workspace whose folder is `root` (a relative `temp_directory` is inside it)."""
        spill = root / (Path(temp_directory) if temp_directory else SPILL_FOLDER)
        return cls(spill=spill.absolute(), memory_limit=memory_limit, threads=threads)

    def apply(self, raw: Any) -> None:
        """Set them on a DuckDB connection whose configuration is not locked yet.

        DuckDB makes the spill folder itself when it first spills, but not the folders above it (`.kpilot`): those
        are made here. A workspace in a folder kpilot may not write to still opens; a query that needs to spill
        there fails with DuckDB's message, as it would without the setting."""
        with suppress(OSError):
            self.spill.parent.mkdir(parents=True, exist_ok=True)
        # SET takes no bound parameters: the folder is quoted as a DuckDB literal ('' for '); the other two were
        # checked when the settings were read (a number and a unit; a whole number).
        raw.execute("SET temp_directory = " + _literal(str(self.spill)))
        if self.memory_limit is not None:
            raw.execute("SET memory_limit = " + _literal(self.memory_limit))
        if self.threads is not None:
            raw.execute(f"SET worker_threads = {int(self.threads)}")  # DuckDB's other name for `threads`


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
