"""The version of each source's data: what an answer computed from it is kept under (docs/performance.md, "Answers
kept in memory"), so that a change to the data is a different key and a stale answer is never served.

- A file source: each file it reads, by path, size and modification time (DuckDB reads the files at every query).
- A table of an embedded DuckDB file: the number of kpilot's last load into that table (the ingest log's `seq`,
  written in the load's own transaction), together with a stamp of the writes kpilot did not log. Every write, by
  kpilot or by anyone else, changes the file's size or modification time (or its write-ahead log's). After each of
  its loads kpilot notes the file's stamp (`.kpilot/data-version.json`), with the stamp of unlogged writes as it was
  before the load. A file still at the noted stamp was written only by the loads the log names, so a load into one
  table leaves every other table's version as it was; a file at any other stamp was written by someone else, and
  that stamp is every table's version from then on (every table's answers are computed again).
- A `sql:` source may read any table: the newest load of any table, and the unlogged stamp.
- A PostgreSQL warehouse is written by others without a trace kpilot can read: no version, nothing kept.

Versions are read before a computation and only ever move forward, so an answer kept under versions read earlier
is an answer no later request asks for once the data has changed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path

from kpilot.definitions.model import Source
from kpilot.warehouse.connection import Warehouse
from kpilot.warehouse.ingest_log import LAST_LOADS, LOG_TABLE

NOTE_FILE = Path(".kpilot") / "data-version.json"
# (size, modification time in ns) of the DuckDB file and of its write-ahead log (None: absent)
FileStamp = tuple[tuple[int, int] | None, tuple[int, int] | None]


@dataclass(frozen=True)
class DataVersions:
    """The data's versions at one moment (read by `data_versions`)."""

    loads: Mapping[str, int]  # table -> kpilot's last load into it (`seq`)
    unlogged: Hashable  # the stamp of writes kpilot did not log
    files: Mapping[str, Hashable]  # file source -> its files' stamps

    def of(self, source: Source) -> Hashable | None:
        """The version of `source`'s data (None: it cannot be versioned, nothing computed from it is kept)."""
        if source.file is not None:
            return self.files.get(source.name)
        if source.table is not None:
            return ("table", source.table, self.loads.get(source.table, 0), self.unlogged)
        return ("sql", max(self.loads.values(), default=0), self.unlogged)


def data_versions(warehouse: Warehouse, sources: Mapping[str, Source]) -> DataVersions | None:
    """The versions of the data of `sources` (by name; file sources already opened by the warehouse); None for a
    warehouse that cannot be versioned (a server others write to)."""
    path = warehouse.path
    if path is None:
        return None
    stamp = file_stamp(path)
    files = {
        name: tuple((str(file), _stat(file)) for file in warehouse.files_read(source))
        for name, source in sources.items()
        if source.file is not None
    }
    return DataVersions(_loads(warehouse), _unlogged(warehouse, stamp), files)


def file_stamp(path: Path) -> FileStamp:
    return _stat(path), _stat(path.with_name(path.name + ".wal"))


def note_logged_write(warehouse: Warehouse, before: FileStamp) -> None:
    """After a load that kpilot logged (and whose connection is closed): the file's stamp now is explained by the
    log, and the writes it did not log are as they were before the load (`before`: the file's stamp then)."""
    path = warehouse.path
    if path is None:
        return
    note = {"warehouse": str(path.resolve()), "after": file_stamp(path), "unlogged": _unlogged(warehouse, before)}
    target = warehouse.root / NOTE_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    written = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    written.write_text(json.dumps(note), encoding="utf-8")
    written.replace(target)  # whole or not at all: a reader never sees half a note


def unlogged_stamp(warehouse: Warehouse, before: FileStamp) -> Hashable:
    """The stamp of the writes kpilot did not log, as a load that starts with the file at `before` leaves it (what
    the rollups it refreshes are built from: engine.rollups)."""
    return _unlogged(warehouse, before)


def _unlogged(warehouse: Warehouse, stamp: FileStamp) -> Hashable:
    """The stamp of the writes kpilot did not log, for the file at `stamp`: the noted one while the file is as
    kpilot's last logged load left it, the file's own stamp otherwise."""
    path = warehouse.path
    assert path is not None
    try:
        note = json.loads((warehouse.root / NOTE_FILE).read_text(encoding="utf-8"))
        if note["warehouse"] == str(path.resolve()) and _thawed(note["after"]) == stamp:
            return _thawed(note["unlogged"])
    except (OSError, ValueError, KeyError, TypeError):  # no note, or not one kpilot wrote: the file's stamp counts
        pass
    return stamp


def _loads(warehouse: Warehouse) -> dict[str, int]:
    """Each table's last load, from the ingest log (none when nothing was ever loaded)."""
    con = warehouse.con.con  # the DuckDB connection under Ibis's
    found = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = ?", [LOG_TABLE]
    ).fetchone()
    if not found or not found[0]:
        return {}
    rows = con.execute(LAST_LOADS).fetchall()
    return {str(table): int(seq) for table, seq in rows}


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


def _thawed(value: object) -> Hashable:
    """JSON's lists as the tuples they were written from."""
    if isinstance(value, list):
        return tuple(_thawed(each) for each in value)
    assert isinstance(value, Hashable)
    return value
