"""The benchmark's data: a synthetic marketing fact table, generated deterministically and written into DuckDB.

Rows are spread evenly over about three years of days (in date order, as a warehouse loaded day by day would hold
them); each row is one campaign's figures for a day: impressions, clicks, spend, conversions and revenue. Every
campaign belongs to one channel. Generation is vectorised with numpy in chunks and streamed into the database file
through Arrow, then a small `bench_meta` table records how the data was made, so that a rerun reuses the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

FORMAT_VERSION = "1"  # bump when the generator changes, so that old files are regenerated
TABLE = "marketing"
META_TABLE = "bench_meta"
FIRST_DAY = date(2022, 1, 1)
DAYS = 1096  # 2022-01-01 .. 2024-12-31
CAMPAIGNS = 200
CHUNK_ROWS = 1_000_000

# channel: (click-through rate, cost per click, conversion rate, average order value)
CHANNELS: dict[str, tuple[float, float, float, float]] = {
    "search": (0.035, 1.20, 0.050, 80.0),
    "social": (0.012, 0.60, 0.020, 60.0),
    "display": (0.004, 0.40, 0.010, 70.0),
    "video": (0.008, 0.50, 0.012, 90.0),
    "email": (0.030, 0.10, 0.040, 55.0),
    "affiliate": (0.020, 0.80, 0.060, 75.0),
    "shopping": (0.025, 0.90, 0.045, 85.0),
    "native": (0.006, 0.45, 0.015, 65.0),
}

SCHEMA = f"""
CREATE TABLE {TABLE} (
    date DATE NOT NULL,
    channel VARCHAR NOT NULL,
    campaign VARCHAR NOT NULL,
    impressions INTEGER NOT NULL,
    clicks INTEGER NOT NULL,
    spend DOUBLE NOT NULL,
    conversions INTEGER NOT NULL,
    revenue DOUBLE NOT NULL
)
"""


@dataclass(frozen=True)
class Campaigns:
    """Per campaign: its channel (index into CHANNELS) and its own rates around the channel's."""

    names: list[str]
    channel: np.ndarray
    ctr: np.ndarray
    cpc: np.ndarray
    cvr: np.ndarray
    aov: np.ndarray


def ensure_data(path: Path, rows: int, seed: int) -> bool:
    """Make sure `path` holds the table for (rows, seed); return True if it had to be generated."""
    if _matches(path, rows, seed):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.duckdb")
    for leftover in (partial, Path(f"{partial}.wal")):
        leftover.unlink(missing_ok=True)
    _write(partial, rows, seed)
    os.replace(partial, path)
    return True


def _expected_meta(rows: int, seed: int) -> dict[str, str]:
    return {"rows": str(rows), "seed": str(seed), "version": FORMAT_VERSION}


def _matches(path: Path, rows: int, seed: int) -> bool:
    """The file's metadata says it was generated for these arguments, and the table has that many rows."""
    if not path.is_file():
        return False
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            meta = dict(con.execute(f"SELECT key, value FROM {META_TABLE}").fetchall())
            count = con.execute(f"SELECT count(*) FROM {TABLE}").fetchone()
    except duckdb.Error:
        return False
    return meta == _expected_meta(rows, seed) and count is not None and count[0] == rows


def _write(path: Path, rows: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    campaigns = _campaigns(rng)
    with duckdb.connect(str(path)) as con:
        con.execute("SET enable_progress_bar = false")
        con.execute(SCHEMA)
        for start in range(0, rows, CHUNK_ROWS):
            chunk = _chunk(rng, campaigns, start, min(start + CHUNK_ROWS, rows), rows)
            con.register("bench_chunk", chunk)
            con.execute(f"INSERT INTO {TABLE} SELECT * FROM bench_chunk")
            con.unregister("bench_chunk")
        con.execute(f"CREATE TABLE {META_TABLE} (key VARCHAR, value VARCHAR)")
        con.executemany(f"INSERT INTO {META_TABLE} VALUES (?, ?)", list(_expected_meta(rows, seed).items()))
        con.execute("CHECKPOINT")


def _campaigns(rng: np.random.Generator) -> Campaigns:
    rates = np.array(list(CHANNELS.values()))
    channel = rng.permutation(np.arange(CAMPAIGNS) % len(CHANNELS))  # every channel has campaigns

    def spread(column: int, sigma: float) -> np.ndarray:
        return np.asarray(rates[channel, column] * rng.lognormal(0.0, sigma, CAMPAIGNS))

    return Campaigns(
        names=[f"campaign_{i + 1:03d}" for i in range(CAMPAIGNS)],
        channel=channel,
        ctr=np.minimum(spread(0, 0.3), 0.5),
        cpc=spread(1, 0.25),
        cvr=np.minimum(spread(2, 0.3), 0.5),
        aov=spread(3, 0.2),
    )


def _chunk(rng: np.random.Generator, campaigns: Campaigns, start: int, stop: int, total: int) -> pa.Table:
    """Rows start..stop of the table: days from the row number (so the table is in date order), the rest random."""
    index = np.arange(start, stop, dtype=np.int64)
    day = (index * DAYS // total).astype(np.int32)
    campaign = rng.integers(0, CAMPAIGNS, stop - start)
    weekend = ((day + FIRST_DAY.weekday()) % 7) >= 5
    trend = 1.0 + 0.3 * day / DAYS
    volume = np.where(weekend, 0.8, 1.0) * trend * rng.lognormal(6.8, 1.0, stop - start)
    impressions = np.floor(volume).astype(np.int32)
    clicks = rng.binomial(impressions, campaigns.ctr[campaign]).astype(np.int32)
    conversions = rng.binomial(clicks, campaigns.cvr[campaign]).astype(np.int32)
    spend = np.round(clicks * campaigns.cpc[campaign] * rng.lognormal(0.0, 0.2, stop - start), 2)
    revenue = np.round(conversions * campaigns.aov[campaign] * rng.lognormal(0.0, 0.3, stop - start), 2)
    dates = pa.array(day + _epoch_day(FIRST_DAY), type=pa.int32()).cast(pa.date32())
    channel_names = pa.array(list(CHANNELS))
    return pa.table(
        {
            "date": dates,
            "channel": pa.DictionaryArray.from_arrays(pa.array(campaigns.channel[campaign]), channel_names),
            "campaign": pa.DictionaryArray.from_arrays(pa.array(campaign), pa.array(campaigns.names)),
            "impressions": impressions,
            "clicks": clicks,
            "spend": spend,
            "conversions": conversions,
            "revenue": revenue,
        }
    )


def _epoch_day(day: date) -> int:
    return (day - date(1970, 1, 1)) // timedelta(days=1)
