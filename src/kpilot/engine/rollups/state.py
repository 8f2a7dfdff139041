"""Which rollups are current: built by the definitions as they are now from the data as it is now.

A rollup's state (warehouse.rollup_state) names the versions of the data it was built from: its source's table and,
for a source converted to the workspace currency, the table of exchange rates (warehouse.data_version). Every load
into either, and every write kpilot did not log, moves a version: the rollup then answers nothing until the next
ingest into its table (or `kpilot rollups build`) brings it up to date. A request never reads a stale rollup.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kpilot.definitions.model import Definitions, Source
from kpilot.engine.rollups.layout import Layout, digest_of, layout_of
from kpilot.warehouse.connection import Warehouse
from kpilot.warehouse.data_version import DataVersions, data_versions
from kpilot.warehouse.rollup_state import RollupState, states_of


@dataclass(frozen=True)
class Declared:
    """A source's rollup as the definitions declare it: what it keeps, and what it must have been built by."""

    layout: Layout
    rates: Source | None
    digest: str

    @property
    def source(self) -> Source:
        return self.layout.source


def declared(definitions: Definitions, timezone: str, currency: str) -> list[Declared]:
    """The rollups the definitions declare."""
    found = []
    for source in definitions.sources:
        if source.rollup is None:
            continue
        spec = source.currency
        rates = definitions.source(spec.rates) if spec is not None and spec.rates else None
        found.append(Declared(layout_of(source), rates, digest_of(source, rates, timezone, currency)))
    return found


def version_text(versions: DataVersions, source: Source, rates: Source | None) -> str | None:
    """The versions of the data a rollup of `source` is built from, as its state writes them (None: unversioned, as
    the exchange rates of a file or a query are to an ingest: such a rollup is never current)."""
    if rates is not None and rates.table is None:
        return None
    parts = [versions.of(source), versions.of(rates) if rates is not None else None]
    return json.dumps(parts)


def current(warehouse: Warehouse, rollups: Iterable[Declared]) -> tuple[Mapping[str, Declared], DataVersions | None]:
    """The declared rollups that are current, by source name (none on a warehouse whose data has no versions), and
    the data's versions they were judged by (None: not read), which hold every table's."""
    wanted = list(rollups)
    if not wanted or warehouse.path is None or warehouse.is_spark:
        return {}, None
    states = states_of(warehouse.con.con)
    if not states:
        return {}, None
    read = {each.source.name: each.source for each in wanted}
    read.update({each.rates.name: each.rates for each in wanted if each.rates is not None})
    versions = data_versions(warehouse, read)
    if versions is None:
        return {}, None
    found = {
        each.source.name: each
        for each in wanted
        if _is_current(states.get(each.source.name), each, version_text(versions, each.source, each.rates))
    }
    return found, versions


def _is_current(state: RollupState | None, each: Declared, version: str | None) -> bool:
    return state is not None and version is not None and state.digest == each.digest and state.version == version
