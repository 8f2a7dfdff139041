"""How fresh each KPI's data is, for its card: the time its stalest source last got rows (warehouse.freshness), so
that "data loaded 5 minutes ago" is never fresher than the least fresh data behind the number."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from kpilot.api import Workspace
from kpilot.forecast.history import sources_of
from kpilot.warehouse.freshness import loaded_at


def kpis_loaded_at(workspace: Workspace, kpis: Sequence[str]) -> dict[str, datetime]:
    """KPI -> when the stalest of its sources last got rows; a KPI with a source that cannot say is left out."""
    loaded = loaded_at(workspace.warehouse, workspace.definitions.sources)
    found: dict[str, datetime] = {}
    for kpi in kpis:
        read = sources_of(workspace, kpi)
        if read and all(source in loaded for source in read):
            found[kpi] = min(loaded[source] for source in read)
    return found
