"""What a source's rollup keeps: one row per local day and combination of its dimensions' values, with a column per
part of each measure whose daily values combine exactly into any longer period.

A sum and a count combine by summing, a minimum and a maximum by taking the minimum and the maximum, and an average
is kept as the sum and the count of its values (the average of a period is their ratio, never an average of daily
averages). Distinct counts, medians, percentiles and `last` do not combine: a request that needs one of them reads
the raw rows.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from kpilot.definitions.model import Aggregation, Measure, Source

PREFIX = "_kpilot_rollup_"  # + the source's name: its rollup table (warehouse.INTERNAL_PREFIX keeps users off it)
DAY = "_kpilot_day"  # the local calendar date column
FORMAT = 1  # bumped when what a rollup keeps changes: rollups of an older format are built again

MERGED_BY: dict[Aggregation, Aggregation] = {
    Aggregation.SUM: Aggregation.SUM,
    Aggregation.COUNT: Aggregation.SUM,
    Aggregation.MIN: Aggregation.MIN,
    Aggregation.MAX: Aggregation.MAX,
}


@dataclass(frozen=True)
class Column:
    """A column of the rollup: `measure` computed per day and dimension values, `merged` to combine days."""

    name: str
    measure: Measure
    merged: Aggregation


@dataclass(frozen=True)
class Layout:
    source: Source
    table: str
    dimensions: tuple[str, ...]
    columns: tuple[Column, ...]
    parts: dict[str, tuple[str, ...]]  # measure -> the columns its value is computed from (only combinable ones)

    def answers(self, measure: Measure) -> bool:
        return measure.name in self.parts


def layout_of(source: Source) -> Layout:
    columns: list[Column] = []
    parts: dict[str, tuple[str, ...]] = {}
    for measure in source.measures:
        if measure.agg in MERGED_BY:
            columns.append(Column(f"m__{measure.name}", measure, MERGED_BY[measure.agg]))
            parts[measure.name] = (f"m__{measure.name}",)
        elif measure.agg is Aggregation.AVG:
            total = measure.model_copy(update={"name": f"{measure.name}__sum", "agg": Aggregation.SUM})
            count = measure.model_copy(update={"name": f"{measure.name}__count", "agg": Aggregation.COUNT})
            columns += [Column(f"s__{measure.name}", total, Aggregation.SUM)]
            columns += [Column(f"n__{measure.name}", count, Aggregation.SUM)]
            parts[measure.name] = (f"s__{measure.name}", f"n__{measure.name}")
    return Layout(source, PREFIX + source.name, source.rollup_dimensions, tuple(columns), parts)


def digest_of(source: Source, rates: Source | None, timezone: str, currency: str) -> str:
    """What a rollup was built by: the source's definition (where it is written in the files aside), its exchange
    rates', the workspace's time zone (days are local days) and currency, and the format."""
    shape = [FORMAT, _content(source.model_dump(mode="json")), None, timezone, currency]
    if rates is not None:
        shape[2] = _content(rates.model_dump(mode="json"))
    return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()


def _content(value: Any) -> Any:
    """A definition without where it was written: moving it in its file does not change what it computes."""
    if isinstance(value, dict):
        return {key: _content(each) for key, each in value.items() if key not in ("origin", "label", "description")}
    if isinstance(value, list):
        return [_content(each) for each in value]
    return value
