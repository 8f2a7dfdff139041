"""Employees: regional teams that grow, hire and lose people; their names own leads, deals, tickets and content."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from kpilot.demo._common import EPOCH, TEAMS, Calendar, IntArray, rng_for

# Headcount per team at the epoch and yearly growth, per department.
HEADCOUNT = {
    "sales": ((4, 3, 2), 0.25),
    "support": ((3, 2, 2), 0.25),
    "marketing": ((3, 1, 1), 0.15),
    "engineering": ((10, 3, 2), 0.20),
    "finance": ((2, 1, 1), 0.10),
    "operations": ((3, 1, 1), 0.15),
}
SALARY = {"sales": 55_000, "support": 38_000, "marketing": 52_000, "engineering": 72_000, "finance": 60_000}
TEAM_PAY = {"EMEA": 1.0, "Americas": 1.15, "APAC": 0.85}
MONTHLY_EXIT = {"sales": 0.022, "support": 0.02}  # front-line roles turn over faster than the default
FIRST_NAMES = (
    "Anna", "Luca", "Marta", "Jonas", "Sofia", "Mateo", "Emma", "Noah", "Chloe", "Hugo", "Ines", "Oskar", "Mia",
    "Leo", "Zoe", "Ravi", "Aiko", "Chen", "Priya", "Diego", "Lena", "Tomasz", "Amelia", "Kenji", "Nora", "Felix",
    "Clara", "Omar", "Julia", "Pablo", "Elif", "Sven", "Maya", "Arjun", "Yuki", "Ella", "Marco", "Ada", "Lucas",
    "Iris",
)  # fmt: skip
LAST_NAMES = (
    "Rossi", "Müller", "Novak", "Garcia", "Dubois", "Smith", "Tanaka", "Kowalski", "Jensen", "Silva", "Bianchi",
    "Weber", "Martin", "Lopez", "Nakamura", "Singh", "Wang", "Kim", "Costa", "Fischer", "Moreau", "Brown", "Patel",
    "Sato", "Nowak", "Larsen", "Ferrari", "Schmidt", "Bernard", "Khan", "Li", "Ito", "Hansen", "Romano", "Meyer",
    "Lefebvre", "Wilson", "Gomez", "Park", "Berg",
)  # fmt: skip


@dataclass(frozen=True)
class People:
    employees: pd.DataFrame  # the `employees` table plus `performance`, a hidden skill factor around 1
    snapshots: pd.DataFrame
    engagement: pd.DataFrame  # the engagement survey's answers, as rows of the `surveys` table


def generate_people(cal: Calendar) -> People:
    rng = rng_for(cal.seed, "people")
    rows = _hire_and_leave(cal, rng)
    frame = pd.DataFrame(rows)
    n = len(frame)
    pairs = rng.permutation(len(FIRST_NAMES) * len(LAST_NAMES))[:n]
    frame["name"] = [f"{FIRST_NAMES[p // len(LAST_NAMES)]} {LAST_NAMES[p % len(LAST_NAMES)]}" for p in pairs]
    frame["employee_id"] = [f"E{i:04d}" for i in range(1, n + 1)]
    base = frame["department"].map(SALARY).fillna(45_000) * frame["team"].map(TEAM_PAY)
    frame["salary"] = np.round(base * rng.lognormal(0, 0.15, n), -2)
    frame["performance"] = rng.lognormal(0, 0.3, n)
    frame = frame.sort_values(["hired_on", "employee_id"], kind="stable").reset_index(drop=True)
    engagement, latest = _engagement(cal, frame)
    frame["satisfaction"] = latest
    return People(employees=frame, snapshots=_snapshots(cal, frame), engagement=engagement)


def _hire_and_leave(cal: Calendar, rng: np.random.Generator) -> list[dict[str, object]]:
    """Month by month: some people leave, and each team hires up to its (growing) target headcount.

    A plain loop: a few thousand person-months at most.
    """
    rows: list[dict[str, object]] = []
    months = pd.date_range(pd.Timestamp(cal.start).to_period("M").to_timestamp(), pd.Timestamp(cal.end), freq="MS")
    for department, (initial, growth) in HEADCOUNT.items():
        exit_rate = MONTHLY_EXIT.get(department, 0.011)
        for team, count in zip(TEAMS, initial, strict=True):
            active: list[dict[str, object]] = []
            for month in months:
                first = max(month.date(), cal.start)
                years = (first - EPOCH).days / 365.25
                target = max(1, round(count * (1 + growth) ** years))
                if not active:  # the team as it was when the data starts
                    for _ in range(target):
                        hired = first - timedelta(days=int(rng.integers(30, 2200)))
                        active.append(_person(team, department, hired))
                    rows.extend(active)
                    continue
                last = min((month + pd.offsets.MonthEnd(0)).date(), cal.end)
                for person in list(active):
                    if rng.random() < exit_rate:
                        person["exited_on"] = first + timedelta(days=int(rng.integers(0, (last - first).days + 1)))
                        person["exit_reason"] = "voluntary" if rng.random() < 0.75 else "involuntary"
                        active.remove(person)
                for _ in range(target - len(active)):
                    hired = first + timedelta(days=int(rng.integers(0, min(10, (last - first).days + 1))))
                    active.append(_person(team, department, hired))
                    rows.append(active[-1])
    return rows


def _person(team: str, department: str, hired: date) -> dict[str, object]:
    return {"team": team, "department": department, "hired_on": hired, "exited_on": None, "exit_reason": None}


def _engagement(cal: Calendar, employees: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """The monthly engagement survey: on the 10th, about 70 % of the people employed that day answer how likely they
    are to recommend the company as a place to work (0-10), anonymously. People who will resign score lower, APAC
    a little lower. Also each employee's latest answer (1-10, empty if none), the `satisfaction` column."""
    rng = rng_for(cal.seed, "engagement")
    n = len(employees)
    mean = np.where(employees["exit_reason"].eq("voluntary"), 5.6, 7.8) + employees["team"].map(
        {"EMEA": 0.2, "Americas": 0.0, "APAC": -0.4}
    ).to_numpy(dtype=float)
    mean = mean + rng.normal(0, 0.6, n)  # some people are simply happier than others
    tenth = cal.days[(cal.days - cal.days.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) == 9]
    hired = pd.to_datetime(employees["hired_on"]).to_numpy().astype("datetime64[D]")
    exited = pd.to_datetime(employees["exited_on"]).to_numpy().astype("datetime64[D]")
    rows: list[pd.DataFrame] = []
    latest = np.full(n, np.nan)
    for day in tenth:
        present = (hired <= day) & (np.isnat(exited) | (exited >= day))
        answering = np.flatnonzero(present & (rng.random(n) < 0.7))
        scores = np.clip(np.round(rng.normal(mean[answering], 1.3)), 0, 10).astype(np.int64)
        latest[answering] = np.clip(scores, 1, 10)
        rows.append(
            pd.DataFrame(
                {
                    "answered_on": day,
                    "kind": "engagement",
                    "score": scores,
                    "channel": "email",
                    "team": employees["team"].to_numpy()[answering],
                    "customer_id": None,
                }
            )
        )
    columns = ["answered_on", "kind", "score", "channel", "team", "customer_id"]
    answers = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=columns)
    return answers, pd.Series(latest, index=employees.index)


def _snapshots(cal: Calendar, employees: pd.DataFrame) -> pd.DataFrame:
    """Headcount on the first day of each month: hired on or before, not exited before."""
    firsts = cal.days[cal.days == cal.days.astype("datetime64[M]").astype("datetime64[D]")]
    hired = pd.to_datetime(employees["hired_on"]).to_numpy().astype("datetime64[D]")
    exited = pd.to_datetime(employees["exited_on"]).to_numpy().astype("datetime64[D]")
    employed = (hired[None, :] <= firsts[:, None]) & (np.isnat(exited)[None, :] | (exited[None, :] >= firsts[:, None]))
    groups = employees[["team", "department"]].drop_duplicates().sort_values(["team", "department"])
    rows = []
    for team, department in groups.itertuples(index=False):
        members = (employees["team"].eq(team) & employees["department"].eq(department)).to_numpy()
        counts = employed[:, members].sum(axis=1)
        rows.append(pd.DataFrame({"day": firsts, "team": team, "department": department, "headcount": counts}))
    return pd.concat(rows, ignore_index=True).sort_values(["day", "team", "department"], ignore_index=True)


def person_days(cal: Calendar, employees: pd.DataFrame, department: str) -> pd.DataFrame:
    """One row per day each employee of `department` works (employed that day), with the day's calendar index."""
    staff = employees[employees["department"].eq(department)].reset_index(drop=True)
    first = cal.day_numbers[0]
    hired = pd.to_datetime(staff["hired_on"]).to_numpy().astype("datetime64[D]").astype(np.int64) - first
    exited_raw = pd.to_datetime(staff["exited_on"]).to_numpy().astype("datetime64[D]")
    exited = np.where(np.isnat(exited_raw), cal.n - 1, exited_raw.astype(np.int64) - first)
    begin, stop = np.clip(hired, 0, cal.n), np.clip(exited + 1, 0, cal.n)
    lengths = np.maximum(stop - begin, 0)
    person: IntArray = np.repeat(np.arange(len(staff)), lengths)
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return pd.DataFrame(
        {
            "day_index": np.repeat(begin, lengths) + offsets,
            "name": staff["name"].to_numpy()[person],
            "team": staff["team"].to_numpy()[person],
            "performance": staff["performance"].to_numpy()[person],
        }
    )
