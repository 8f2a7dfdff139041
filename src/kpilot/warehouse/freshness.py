"""How fresh each source's data is: when rows last arrived, for the pages' "data loaded 5 minutes ago".

- A table: kpilot's last load into it (the ingest log's `loaded_at`, written in the load's own transaction).
- A file source: the newest modification time of the files it reads.
- A `sql:` source, or a table kpilot never loaded (written by others): unknown, left out; nothing is guessed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from kpilot.definitions.model import Source
from kpilot.warehouse.connection import Warehouse
from kpilot.warehouse.ingest_log import LAST_LOADED, LOG_TABLE
from kpilot.warehouse.sessions import transaction


def loaded_at(warehouse: Warehouse, sources: Iterable[Source]) -> dict[str, datetime]:
    """Source name -> when its data last changed (UTC), for the sources that can say."""
    wanted = list(sources)
    tables: dict[str, datetime] = {}
    if any(source.table is not None for source in wanted) and LOG_TABLE in warehouse.con.list_tables():
        with transaction(warehouse.con, warehouse.dialect) as session:
            tables = {str(table): _utc(when) for table, when in session.fetch(LAST_LOADED)}
    found: dict[str, datetime] = {}
    for source in wanted:
        if source.table is not None and source.table in tables:
            found[source.name] = tables[source.table]
        elif source.file is not None:
            times = [path.stat().st_mtime for path in warehouse.files_read(source) if path.exists()]
            if times:
                found[source.name] = datetime.fromtimestamp(max(times), UTC)
    return found


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
