"""The dimensions a KPI can be broken down by: those every source it reads declares (a KPI over two sources is split
by a dimension only when both have it), in the first source's order."""

from __future__ import annotations

from kpilot.definitions.model import Dimension
from kpilot.forecast.history import sources_of
from kpilot.workspace import Workspace


def dimensions_of(workspace: Workspace, kpi: str) -> dict[str, Dimension]:
    sources = [workspace.definitions.source(name) for name in sorted(sources_of(workspace, kpi))]
    if not sources or any(source is None for source in sources):
        return {}
    first, *others = [source for source in sources if source is not None]
    shared = {d.name for d in first.dimensions}
    for source in others:
        shared &= {d.name for d in source.dimensions}
    return {d.name: d for d in first.dimensions if d.name in shared}
