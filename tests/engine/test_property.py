"""The engine against a plain pandas reference on random data, grains, dimensions and calendars."""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpilot import Workspace
from tests.support import write_workspace

DEFINITIONS = """
sources:
  - name: facts
    table: facts
    time: day
    dimensions: [channel, region]
    measures:
      - {name: clicks, agg: sum, expr: clicks}
      - {name: views, agg: sum, expr: views}
      - {name: rows, agg: count}
      - {name: users, agg: count_distinct, expr: user}
      - {name: top, agg: max, expr: clicks}
kpis:
  - {name: clicks, formula: clicks}
  - {name: rate, formula: clicks / views}
  - {name: rows, formula: rows}
  - {name: users, formula: users}
  - {name: top, formula: top}
  - {name: clicks_before, formula: previous(clicks)}
  - {name: clicks_3, formula: "rolling(clicks, 3)"}
"""
KPIS = ["clicks", "rate", "rows", "users", "top", "clicks_before", "clicks_3"]
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
START = date(2023, 11, 1)

rows_strategy = st.lists(
    st.tuples(
        st.integers(0, 500),  # day offset from START
        st.sampled_from(["a", "b", None]),
        st.sampled_from(["north", "south"]),
        st.integers(0, 20),  # clicks
        st.one_of(st.none(), st.integers(0, 50)),  # views, sometimes empty
        st.sampled_from(["u1", "u2", "u3", "u4"]),
    ),
    min_size=1,
    max_size=40,
)


def reference_start(days: pd.Series, grain: str, week_start: int, fiscal: int) -> pd.Series:
    """Period starts computed with pandas' own calendar, independently of kpilot's."""
    stamps = pd.to_datetime(days)
    if grain == "day":
        return stamps
    if grain == "week":
        return stamps - pd.to_timedelta((stamps.dt.day_of_week - week_start) % 7, unit="D")
    if grain == "month":
        return stamps.dt.to_period("M").dt.start_time
    shift = pd.DateOffset(months=fiscal - 1)
    freq = "Q" if grain == "quarter" else "Y"
    return (stamps - shift).dt.to_period(freq).dt.start_time + shift


def next_start(start: pd.Timestamp, grain: str) -> pd.Timestamp:
    steps = {
        "day": pd.Timedelta(days=1),
        "week": pd.Timedelta(days=7),
        "month": pd.DateOffset(months=1),
        "quarter": pd.DateOffset(months=3),
        "year": pd.DateOffset(months=12),
    }
    return start + steps[grain]


def reference(frame: pd.DataFrame, grain: str, by: list[str], week_start: int, fiscal: int) -> list[tuple[Any, ...]]:
    frame = frame.copy()
    frame["period"] = reference_start(frame["day"], grain, week_start, fiscal)
    periods = []
    current, last = frame["period"].min(), frame["period"].max()
    while current <= last:
        periods.append(current)
        current = next_start(current, grain)
    combos = sorted(
        {tuple(None if pd.isna(v) else v for v in combo) for combo in frame[by].itertuples(index=False, name=None)},
        key=lambda combo: tuple((v is None, v or "") for v in combo),
    )
    results = []
    for period in periods:
        for combo in combos:
            mask = frame["period"] == period
            for column, value in zip(by, combo, strict=True):
                mask &= frame[column].isna() if value is None else frame[column] == value
            part = frame[mask]
            clicks = int(part["clicks"].sum())
            views = part["views"].sum(min_count=1)
            rate = None if pd.isna(views) or views == 0 else clicks / views
            top = None if part.empty else int(part["clicks"].max())
            results.append([period.date(), *combo, clicks, rate, len(part), part["user"].nunique(), top])
    # previous() and rolling(, 3) per dimension combination over consecutive periods (empty periods count 0).
    for combo in combos:
        lines = [row for row in results if tuple(row[1 : 1 + len(by)]) == combo]
        clicks = [row[1 + len(by)] for row in lines]
        for index, row in enumerate(lines):
            row.append(clicks[index - 1] if index > 0 else None)
            row.append(sum(clicks[max(0, index - 2) : index + 1]))
    return [tuple(row) for row in results]


def same(left: list[tuple[Any, ...]], right: list[tuple[Any, ...]]) -> bool:
    if len(left) != len(right):
        return False
    for a, b in zip(left, right, strict=True):
        for x, y in zip(a, b, strict=True):
            if isinstance(x, float) or isinstance(y, float):
                if x is None or y is None or not math.isclose(x, y, rel_tol=1e-9):
                    return False
            elif x != y:
                return False
    return True


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=rows_strategy,
    grain=st.sampled_from(["day", "week", "month", "quarter", "year"]),
    by=st.sampled_from([[], ["channel"], ["region"], ["channel", "region"]]),
    week_start=st.integers(0, 6),
    fiscal=st.integers(1, 12),
)
def test_engine_matches_pandas(
    tmp_path: Path,
    backend: str,
    data: list[tuple[Any, ...]],
    grain: str,
    by: list[str],
    week_start: int,
    fiscal: int,
) -> None:
    frame = pd.DataFrame(data, columns=["offset", "channel", "region", "clicks", "views", "user"])
    frame["day"] = [START + timedelta(days=int(o)) for o in frame["offset"]]
    frame = frame.drop(columns="offset")
    root = tmp_path / "ws"
    write_workspace(root, DEFINITIONS, warehouse=backend, week_start=WEEKDAYS[week_start], fiscal_year_start=fiscal)
    with Workspace(root) as ws:
        table = pa.Table.from_pandas(frame, preserve_index=False).cast(
            pa.schema(
                [
                    ("channel", pa.string()),
                    ("region", pa.string()),
                    ("clicks", pa.int64()),
                    ("views", pa.int64()),
                    ("user", pa.string()),
                    ("day", pa.date32()),
                ]
            )
        )
        with ws.warehouse.writable() as con:
            con.create_table("facts", table, overwrite=True)
        result = ws.compute(KPIS, grain=grain, by=by, today=date(2030, 1, 1))
    got = [tuple(row[c] for c in ["period", *by, *KPIS]) for row in result.to_pylist()]
    expected = reference(frame, grain, by, week_start, fiscal)
    assert same(got, expected), f"\n got      {got}\n expected {expected}"
