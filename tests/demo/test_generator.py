"""The demo company: deterministic, exactly the data model's schemas, consistent across tables, realistic shapes.

Most tests use a four-month range; the full default range is generated once per session.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from kpilot.catalogue.datamodel import ColumnType, load_datamodel
from kpilot.demo import demo_range, generate

TODAY = date(2026, 11, 22)
SHORT = {"start": date(2024, 9, 1), "end": date(2024, 12, 31)}
Tables = dict[str, pd.DataFrame]


def read(path: Path) -> pd.DataFrame:
    """A Parquet file as pandas, with decimals as floats (quick to sum) and dates as datetime64."""
    table = pq.read_table(path)
    fields = [
        pa.field(f.name, pa.float64()) if pa.types.is_decimal(f.type) else f for f in table.schema
    ]  # exactness is checked on the Arrow types, arithmetic here only needs cents
    return table.cast(pa.schema(fields)).to_pandas(date_as_object=False)


@pytest.fixture(scope="module")
def short_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return generate(tmp_path_factory.mktemp("short"), **SHORT)


@pytest.fixture(scope="module")
def short(short_files: dict[str, Path]) -> Tables:
    return {name: read(path) for name, path in short_files.items()}


@pytest.fixture(scope="module")
def full_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Path], float]:
    began = time.perf_counter()
    files = generate(tmp_path_factory.mktemp("full"), today=TODAY)
    return files, time.perf_counter() - began


@pytest.fixture(scope="module")
def full(full_files: tuple[dict[str, Path], float]) -> Tables:
    return {name: read(path) for name, path in full_files[0].items()}


# --- determinism and schema ---------------------------------------------------------------------------------------


def test_same_seed_same_bytes(short_files: dict[str, Path], tmp_path: Path) -> None:
    again = generate(tmp_path / "again", **SHORT)
    assert set(again) == set(short_files)
    for name, path in short_files.items():
        assert again[name].read_bytes() == path.read_bytes(), name


def test_other_seed_other_data(short: Tables, tmp_path: Path) -> None:
    other = read(generate(tmp_path / "other", seed=8, **SHORT)["orders"])
    assert not other["amount"].equals(short["orders"]["amount"])


def test_one_file_per_table_with_the_exact_schema(short_files: dict[str, Path]) -> None:
    model = load_datamodel()
    assert set(short_files) == set(model.table_names)
    for table in model.tables:
        schema = pq.read_schema(short_files[table.name])
        assert schema.equals(table.arrow_schema(), check_metadata=False), table.name


def check_values_keys_and_ranges(tables: Tables) -> None:
    for table in load_datamodel().tables:
        frame = tables[table.name]
        assert len(frame) > 0, table.name
        assert not frame.duplicated(list(table.primary_key)).any(), table.name
        for column in table.columns:
            values = frame[column.name]
            if not column.nullable:
                assert values.notna().all(), f"{table.name}.{column.name}"
            if column.values is not None:
                assert set(values.dropna()) <= set(column.values), f"{table.name}.{column.name}"
            if column.minimum is not None:
                assert (values.dropna() >= column.minimum).all(), f"{table.name}.{column.name}"
            if column.maximum is not None:
                assert (values.dropna() <= column.maximum).all(), f"{table.name}.{column.name}"
            if column.type is ColumnType.DATE and len(values.dropna()):
                assert values.dropna().min() >= pd.Timestamp("2000-01-01"), f"{table.name}.{column.name}"


def test_values_keys_and_ranges_follow_the_model(short: Tables, full: Tables) -> None:
    check_values_keys_and_ranges(short)
    check_values_keys_and_ranges(full)


def test_time_columns_stay_inside_the_range(short: Tables) -> None:
    first, last = (pd.Timestamp(SHORT["start"]), pd.Timestamp(SHORT["end"]) + pd.Timedelta(days=1))
    for table in load_datamodel().tables:
        if table.name == "employees":  # people hired before the data starts are still listed
            continue
        moments = pd.to_datetime(short[table.name][table.time_column])
        assert moments.min() >= first, table.name
        assert moments.max() < last, table.name


# --- the range ----------------------------------------------------------------------------------------------------


def test_end_defaults_to_yesterday() -> None:
    assert demo_range(today=TODAY) == (date(2023, 1, 1), date(2026, 11, 21))


@pytest.mark.parametrize(
    ("start", "today", "first"),
    [
        (date(2026, 11, 1), date(2026, 11, 22), date(2026, 9, 1)),  # October is the last complete month
        (date(2026, 11, 20), date(2026, 12, 1), date(2026, 10, 1)),  # November just completed
        (date(2024, 1, 1), date(2026, 12, 1), date(2024, 1, 1)),  # already early enough
    ],
)
def test_range_always_holds_the_last_two_complete_months(start: date, today: date, first: date) -> None:
    assert demo_range(start=start, today=today)[0] == first


def test_empty_range_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        demo_range(start=date(2030, 1, 1), end=date(2020, 1, 31))


# --- consistency between tables -----------------------------------------------------------------------------------


def test_orders_and_customers_agree(short: Tables) -> None:
    orders, customers = short["orders"], short["customers"]
    assert orders["customer_id"].isin(customers["customer_id"]).all()
    paid = orders[orders["status"].eq("paid")]
    first_paid = paid.groupby("customer_id")["ordered_at"].min().dt.floor("D")
    known = customers.set_index("customer_id")["first_order_on"]
    assert set(known.dropna().index) == set(first_paid.index)
    assert (known.dropna().reindex(first_paid.index) == first_paid).all()
    marked = orders[orders["is_first_order"]]
    assert marked["status"].eq("paid").all()
    assert marked["customer_id"].is_unique
    assert set(marked["customer_id"]) == set(first_paid.index)
    assert (marked.set_index("customer_id")["ordered_at"].dt.floor("D").reindex(first_paid.index) == first_paid).all()


def test_customers_life_cycle_is_ordered(short: Tables) -> None:
    customers = short["customers"]
    signed = pd.to_datetime(customers["signed_up_on"])
    assert (pd.to_datetime(customers["first_order_on"]).dropna() >= signed[customers["first_order_on"].notna()]).all()
    assert (pd.to_datetime(customers["churned_on"]).dropna() > signed[customers["churned_on"].notna()]).all()


def test_order_totals_come_from_their_lines(short: Tables) -> None:
    orders, lines = short["orders"].set_index("order_id"), short["order_lines"]
    assert lines["order_id"].isin(orders.index).all()
    assert orders.index.isin(lines["order_id"]).all()
    gross = (lines["quantity"] * lines["unit_price"]).groupby(lines["order_id"]).sum()
    cost = (lines["quantity"] * lines["unit_cost"]).groupby(lines["order_id"]).sum()
    assert np.allclose(gross[orders.index] - orders["discount"], orders["amount"], atol=0.005)
    assert np.allclose(cost[orders.index], orders["cost"], atol=0.005)
    copied = lines.merge(
        orders[["ordered_at", "status"]], left_on="order_id", right_index=True, suffixes=("", "_order")
    )
    assert (copied["ordered_at"] == copied["ordered_at_order"]).all()
    assert (copied["status"] == copied["status_order"]).all()


def test_leads_deals_and_customers_agree(short: Tables) -> None:
    leads, deals, customers = short["leads"], short["deals"], short["customers"]
    converted = leads[leads["customer_id"].notna()]
    assert leads["converted_on"].notna().equals(leads["customer_id"].notna())
    assert (converted["converted_on"] >= converted["created_on"]).all()
    signed = customers.set_index("customer_id")["signed_up_on"]
    assert (signed[converted["customer_id"]].to_numpy() == converted["converted_on"].to_numpy()).all()
    lead_of = leads.set_index("lead_id")
    assert deals["lead_id"].isin(lead_of.index).all()
    assert deals["lead_id"].is_unique
    assert lead_of.loc[deals["lead_id"], "is_qualified"].all()
    closed = deals[deals["stage"].ne("open")]
    assert (closed["closed_on"] > closed["created_on"]).all()
    assert deals.loc[deals["stage"].eq("open"), "closed_on"].isna().all()
    won = deals[deals["stage"].eq("won")]
    assert set(won["lead_id"]) == set(converted["lead_id"])
    assert (lead_of.loc[won["lead_id"], "converted_on"].to_numpy() == won["closed_on"].to_numpy()).all()


def test_subscriptions_belong_to_customers(short: Tables) -> None:
    subscriptions, customers = short["subscriptions"], short["customers"].set_index("customer_id")
    assert subscriptions["customer_id"].isin(customers.index).all()
    assert (subscriptions["mrr"] > 0).all()
    churned = customers["churned_on"].dropna()
    after = subscriptions.join(churned, on="customer_id", how="inner")
    assert (after["day"] < after["churned_on"]).all()


def test_ticket_times_are_ordered(short: Tables) -> None:
    tickets = short["support_tickets"]
    responded = tickets[tickets["first_response_at"].notna()]
    assert (responded["first_response_at"] > responded["created_at"]).all()
    resolved = tickets[tickets["resolved_at"].notna()]
    assert resolved["first_response_at"].notna().all()
    assert (resolved["resolved_at"] > resolved["first_response_at"]).all()
    assert tickets.loc[tickets["resolved_at"].isna(), "csat"].isna().all()
    assert tickets.loc[tickets["first_response_at"].isna(), "replies"].eq(0).all()
    assert tickets["customer_id"].dropna().isin(short["customers"]["customer_id"]).all()


def test_web_transactions_roughly_match_orders(short: Tables) -> None:
    web, orders = short["web_sessions"], short["orders"]
    tracked = web.groupby(pd.to_datetime(web["day"]).dt.to_period("M"))["transactions"].sum()
    placed = orders.groupby(orders["ordered_at"].dt.to_period("M")).size()
    ratio = tracked / placed
    assert ratio.between(0.8, 1.0).all(), ratio


def test_platform_leads_are_the_leads_table(short: Tables) -> None:
    ads, leads = short["ad_performance"], short["leads"]
    counted = leads.dropna(subset=["campaign"]).groupby(["created_on", "campaign"]).size()
    reported = ads.set_index(["day", "campaign"])["leads"]
    assert reported.sum() > 0
    assert (counted.reindex(reported.index).fillna(0).astype(int) == reported).all()
    assert set(leads["campaign"].dropna()) <= set(ads["campaign"])


def test_csat_answers_are_the_ticket_ratings(short: Tables) -> None:
    rated = short["support_tickets"]["csat"].notna().sum()
    assert (short["surveys"]["kind"] == "csat").sum() == rated


def test_headcount_matches_employees(short: Tables) -> None:
    employees, snapshots = short["employees"], short["employee_snapshots"]
    for day, group in snapshots.groupby("day"):
        employed = (employees["hired_on"] <= day) & (employees["exited_on"].isna() | (employees["exited_on"] >= day))
        assert group["headcount"].sum() == employed.sum()
    named = {"leads": "owner", "deals": "owner", "support_tickets": "agent", "content_posts": "author"}
    for table, column in named.items():
        assert short[table][column].isin(employees["name"]).all(), table


def test_ledger_posts_orders_and_ad_spend(short: Tables) -> None:
    ledger, orders = short["ledger"], short["orders"]
    posted = ledger[ledger["account"].eq("product_sales")].set_index("day")["amount"]
    paid = orders[orders["status"].eq("paid")]
    sold = paid.groupby(paid["ordered_at"].dt.floor("D"))["amount"].sum()
    assert np.allclose(posted[sold.index].to_numpy(), sold.to_numpy(), atol=0.01)
    spend = ledger.loc[ledger["account"].eq("ad_spend"), "amount"].sum()
    reported = short["ad_performance"]["spend"].sum()
    assert reported <= spend < reported * 1.05  # the connector lost a few rows; the books did not


# --- realistic shapes, on the full range ----------------------------------------------------------------------------


def test_full_demo_is_fast_and_moderate_in_size(full_files: tuple[dict[str, Path], float], full: Tables) -> None:
    _files, seconds = full_files
    assert seconds < 60
    rows = sum(len(frame) for frame in full.values())
    assert 500_000 < rows < 2_000_000
    assert pd.to_datetime(full["web_sessions"]["day"]).max() == pd.Timestamp("2026-11-21")


def revenue_by_month(tables: Tables) -> pd.Series:
    paid = tables["orders"][tables["orders"]["status"].eq("paid")]
    return paid.groupby(paid["ordered_at"].dt.to_period("M"))["amount"].sum()


def test_gift_season_and_growth(full: Tables) -> None:
    monthly = revenue_by_month(full)
    for year in (2023, 2024, 2025):
        in_year = monthly[monthly.index.year == year]
        assert in_year[pd.Period(f"{year}-12", "M")] > 1.3 * in_year.mean()
        assert in_year[pd.Period(f"{year}-11", "M")] > in_year.mean()
    assert monthly[monthly.index.year == 2025].sum() > 1.5 * monthly[monthly.index.year == 2023].sum()


def test_weekly_cycle(full: Tables) -> None:
    activities = full["sales_activities"]
    weekday = pd.to_datetime(activities["day"]).dt.day_of_week
    per_day = activities.groupby(weekday)["count"].sum()
    assert per_day[[5, 6]].max() < 0.1 * per_day[[0, 1, 2, 3, 4]].min()
    web = full["web_sessions"]
    weekend = pd.to_datetime(web["day"]).dt.day_of_week >= 5
    mobile = web["device"].eq("mobile")
    share = [web.loc[part & mobile, "sessions"].sum() / web.loc[part, "sessions"].sum() for part in (weekend, ~weekend)]
    assert share[0] > share[1] + 0.03


def test_some_campaigns_fail(full: Tables) -> None:
    ads = full["ad_performance"]
    totals = ads.groupby("campaign")[["spend", "conversion_value"]].sum()
    roas = totals["conversion_value"] / totals["spend"]
    failing = roas[(roas < 1) & (totals["spend"] > 20_000)]
    assert {name.rsplit("_", 1)[0] for name in failing.index} >= {"meta_video_views", "tiktok_awareness"}
    assert ads["conversion_value"].sum() > 2 * ads["spend"].sum()  # advertising pays overall
    assert (roas > 4).any()


def test_people_perform_differently(full: Tables) -> None:
    deals = full["deals"]
    closed = deals[deals["stage"].ne("open")]
    win_rate = closed.groupby("owner")["stage"].apply(lambda s: (s == "won").mean())[
        closed["owner"].value_counts() >= 30
    ]
    assert win_rate.max() - win_rate.min() > 0.2
    tickets = full["support_tickets"]
    hours = (tickets["first_response_at"] - tickets["created_at"]).dt.total_seconds() / 3600
    by_agent = hours.groupby(tickets["agent"]).median()[tickets["agent"].value_counts() >= 100]
    assert by_agent.max() > 2 * by_agent.min()
    assert set(full["employees"]["team"]) == {"EMEA", "Americas", "APAC"}


def test_missing_and_late_data(full: Tables) -> None:
    last = pd.Timestamp("2026-11-21")
    ads = full["ad_performance"]
    microsoft_days = pd.to_datetime(ads.loc[ads["channel"].eq("microsoft_ads"), "day"]).nunique()
    assert microsoft_days < pd.to_datetime(ads["day"]).nunique()
    on_last = ads[pd.to_datetime(ads["day"]).eq(last)]
    assert not on_last["channel"].isin(["linkedin", "tiktok"]).any()
    assert len(on_last) > 0
    web = full["web_sessions"].groupby(pd.to_datetime(full["web_sessions"]["day"]))["sessions"].sum()
    assert web[last] < 0.8 * web[last - pd.Timedelta(days=7) : last - pd.Timedelta(days=1)].mean()
    expected_days = (last - pd.Timestamp("2023-01-01")).days + 1
    assert len(web) < expected_days
    assert full["orders"]["status"].eq("pending").any()


def test_every_table_has_the_last_two_complete_months(full: Tables) -> None:
    model = load_datamodel()
    for month in (pd.Period("2026-10", "M"), pd.Period("2026-09", "M")):
        for table in model.tables:
            frame = full[table.name]
            if table.name == "employees":  # an entity: people employed during the month
                hired = pd.to_datetime(frame["hired_on"]) <= month.end_time
                present = hired & (frame["exited_on"].isna() | (pd.to_datetime(frame["exited_on"]) >= month.start_time))
            else:
                present = pd.to_datetime(frame[table.time_column]).dt.to_period("M") == month
            assert present.sum() > 0, f"{table.name} {month}"
