"""The KPI catalogue: its definitions against the data model and the formula language, the `catalogue` commands,
adding KPIs to a workspace, and every KPI computed on small hand-made data with values worked out by hand."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from kpilot import UserError, Workspace
from kpilot.catalogue.add import add_to_workspace
from kpilot.catalogue.catalogue import CATEGORIES, LANGUAGES, CatalogueError, load_catalogue
from kpilot.catalogue.datamodel import ColumnType, Table, load_datamodel
from kpilot.catalogue.mapping import columns_in, parse_mapping, rename_sql, sql_columns
from kpilot.cli.catalogue import app
from kpilot.definitions.model import Definitions
from kpilot.formula.parser import parse
from kpilot.i18n import Language, render
from kpilot.semantic.resolve import SemanticModel
from kpilot.semantic.validate import static_issues
from tests.support import postgres_available, postgres_database, write_workspace

DOC = Path(__file__).resolve().parents[2] / "docs" / "catalogue.md"
REQUIRED = [
    "impressions",
    "clicks",
    "ctr",
    "cpc",
    "cpm",
    "cpl",
    "cpa",
    "conversion_rate",
    "roas",
    "roi",
    "romi",
    "cac",
    "ltv",
    "ltv_cac",
    "cpo",
    "aov",
    "revenue",
    "revenue_growth_mom",
    "revenue_growth_yoy",
    "mrr",
    "mrr_growth",
    "gross_margin",
    "roa",
    "orders",
    "new_customers",
    "repeat_purchase_rate",
    "customer_retention_rate",
    "churn_rate",
    "leads",
    "lead_to_customer_rate",
    "deals_won",
    "win_rate",
    "average_deal_size",
    "average_sales_cycle",
    "pipeline_value",
    "calls_per_rep",
    "emails_per_rep",
    "opportunity_to_deal_ratio",
    "tickets_resolved",
    "first_response_time",
    "resolution_time",
    "csat",
    "nps",
    "sessions",
    "traffic_by_source",
    "bounce_rate",
    "pages_per_session",
    "cta_conversion_rate",
    "social_reach",
    "engagement_rate",
    "followers_gained",
    "email_open_rate",
    "email_click_rate",
    "blog_posts_published",
    "employee_retention_rate",
    "employee_satisfaction",
    "inventory_shrinkage",
]

# ------------------------------------------------------------------------------------------ the definitions


def test_catalogue_covers_the_standard_kpis() -> None:
    names = set(load_catalogue().names)
    assert len(names) >= 45
    assert not set(REQUIRED) - names


def test_every_kpi_is_fully_described() -> None:
    for entry in load_catalogue().entries:
        kpi = entry.definition
        assert re.fullmatch(r"[a-z][a-z0-9_]*", entry.name), entry.name
        assert entry.category in CATEGORIES, entry.name
        assert None not in (kpi.tier, kpi.indicator, kpi.nature, kpi.level), entry.name


def test_variants_point_to_a_main_definition() -> None:
    catalogue = load_catalogue()
    for entry in catalogue.entries:
        if entry.variant_of is not None:
            main = catalogue.kpi(entry.variant_of)
            assert main.variant_of is None, f"{entry.name}: variant of a variant"
            assert entry.name in main.variants
    # The disagreements the catalogue must make explicit.
    assert "win_rate_all" in catalogue.kpi("win_rate").variants
    assert "cac_fully_loaded" in catalogue.kpi("cac").variants
    assert "revenue_churn_rate" in catalogue.kpi("churn_rate").variants


def test_formulas_parse_and_name_only_catalogue_measures_and_kpis() -> None:
    catalogue = load_catalogue()
    measures = {(s.name, m.name) for s in catalogue.sources for m in s.measures}
    for entry in catalogue.entries:
        parse(entry.formula)
        assert set(entry.measures) <= measures, entry.name
        assert set(entry.uses) <= set(catalogue.names), entry.name


def test_formulas_resolve_and_type_check_as_workspace_definitions() -> None:
    catalogue = load_catalogue()
    definitions = Definitions(sources=catalogue.sources, kpis=tuple(e.definition for e in catalogue.entries))
    assert static_issues(definitions) == []
    model = SemanticModel(definitions)
    for name in catalogue.names:
        model.expand(name)


def test_every_measure_is_used() -> None:
    catalogue = load_catalogue()
    used = {ref for entry in catalogue.entries for ref in entry.measures}
    unused = {(s.name, m.name) for s in catalogue.sources for m in s.measures} - used
    assert not unused


def test_the_formulas_the_brief_fixes() -> None:
    catalogue = load_catalogue()
    yoy = catalogue.kpi("revenue_growth_yoy")
    assert yoy.formula == "orders.revenue / previous(orders.revenue, n=12) - 1"
    assert yoy.definition.grain == "month"
    assert catalogue.kpi("revenue_growth_mom").formula == "growth(orders.revenue)"
    surveys = catalogue.source("surveys")
    assert surveys.measure("promoters").filter == "kind = 'nps' and score >= 9"  # type: ignore[union-attr]
    assert surveys.measure("detractors").filter == "kind = 'nps' and score <= 6"  # type: ignore[union-attr]


def _source_columns(source_name: str) -> dict[str, set[str]]:
    """Standard table -> columns a catalogue source reads (time, dimensions, measures)."""
    source = load_catalogue().source(source_name)
    if source.sql is not None:
        return sql_columns(source.sql)
    assert source.table is not None
    texts = [d.expression for d in source.dimensions]
    texts += [t for m in source.measures for t in (m.expr, m.filter) if t is not None]
    used = set().union(*(columns_in(text) for text in texts))
    return {source.table: used | ({source.time} if source.time else set())}


@pytest.mark.parametrize("source", [s.name for s in load_catalogue().sources])
def test_measures_read_columns_of_the_data_model(source: str) -> None:
    model = load_datamodel()
    for table, columns in _source_columns(source).items():
        assert table in model.table_names, f"{source}: unknown table {table}"
        missing = columns - set(model.table(table).column_names)
        assert not missing, f"source {source}: table {table} has no column(s) {sorted(missing)}"


def test_sources_use_the_tables_time_column_or_document_why_not() -> None:
    model = load_datamodel()
    for source in load_catalogue().sources:
        if source.table is not None and source.time is not None:
            column = model.table(source.table).column(source.time)
            assert column.type.is_temporal, source.name


def test_docs_list_every_kpi_with_its_formula() -> None:
    text = DOC.read_text(encoding="utf-8")
    for entry in load_catalogue().entries:
        assert f"`{entry.name}`" in text, f"docs/catalogue.md does not list {entry.name}"
        assert f"`{entry.formula}`" in text, f"docs/catalogue.md lacks the formula of {entry.name}"


# ------------------------------------------------------------------------------------------ the commands

runner = CliRunner()


def test_list_json_has_one_object_per_kpi_with_texts_in_every_language() -> None:
    result = runner.invoke(app, ["list", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [item["name"] for item in data] == list(load_catalogue().names)
    for item in data:
        assert {"name", "label", "category", "unit", "direction", "formula", "texts"} <= set(item)
        assert set(item["texts"]) == set(LANGUAGES)
        for texts in item["texts"].values():
            assert all(texts[key] for key in ("label", "what", "why", "how"))


def test_list_filters_by_category_and_speaks_the_language() -> None:
    result = runner.invoke(app, ["list", "--category", "hr", "--lang", "it", "--format", "json"])
    data = json.loads(result.output)
    assert {item["category"] for item in data} == {"hr"}
    assert next(item for item in data if item["name"] == "headcount")["label"] == "Organico"


def test_list_table_and_show() -> None:
    listed = runner.invoke(app, ["list", "--category", "service"])
    assert listed.exit_code == 0
    assert "csat" in listed.output
    shown = runner.invoke(app, ["show", "nps", "--lang", "pl"])
    assert shown.exit_code == 0
    assert "surveys.promoters" in shown.output
    assert "promotorów" in shown.output


def test_unknown_kpi_or_category_is_a_user_error() -> None:
    with pytest.raises(CatalogueError, match="did you mean 'ctr'") as raised:
        load_catalogue().kpi("ctrr")
    assert (raised.value.code, raised.value.field, raised.value.suggestions) == (
        "catalogue.no_such_kpi",
        "kpi",
        ("ctr",),
    )
    assert raised.value.describe(Language.IT) == (
        "il catalogo non ha il KPI 'ctrr'\n  suggerimento: forse intendevi 'ctr'?"
    )
    result = runner.invoke(app, ["list", "--category", "legal"])
    assert isinstance(result.exception, CatalogueError)
    assert (result.exception.code, result.exception.suggestions) == ("catalogue.unknown_category", CATEGORIES)


def test_a_mapping_problem_names_the_mapping_field() -> None:
    with pytest.raises(CatalogueError) as raised:
        parse_mapping({"order.amount": "total"})
    error = raised.value
    assert (error.code, error.field, error.suggestions) == ("catalogue.mapping_not_a", "mapping", ("orders",))
    assert str(error.message) == "mapping 'order.amount': 'order' is not a data-model table"
    assert render(error.message, Language.PL) == "mapowanie 'order.amount': 'order' to nie tabela modelu danych"


# ------------------------------------------------------------------------------------------ adding to a workspace

MODEL = load_datamodel()


def _default(column_type: ColumnType) -> Any:
    return {
        ColumnType.DATE: date(2025, 1, 1),
        ColumnType.TIMESTAMP: datetime(2025, 1, 1),
        ColumnType.STRING: "x",
        ColumnType.INTEGER: 0,
        ColumnType.DECIMAL: 0,
        ColumnType.BOOLEAN: False,
    }[column_type]


def arrow_table(table: Table, rows: list[dict[str, Any]]) -> pa.Table:
    """Rows of a data-model table; columns a row leaves out get a neutral value (empty where allowed)."""
    columns = {}
    for column in table.columns:
        values = [row.get(column.name, None if column.nullable else _default(column.type)) for row in rows]
        if column.type is ColumnType.DECIMAL:
            values = [None if v is None else Decimal(str(v)) for v in values]
        columns[column.name] = values
    return pa.table(columns, schema=table.arrow_schema())


def make_workspace(
    root: Path,
    data: dict[str, list[dict[str, Any]]] | None = None,
    warehouse: str = "warehouse.duckdb",
    **tables: pa.Table,
) -> Path:
    """A workspace holding every data-model table (empty unless `data` gives rows) and any extra tables."""
    write_workspace(root, "", warehouse=warehouse)
    (root / "definitions" / "main.yaml").unlink()
    with Workspace(root) as workspace, workspace.warehouse.writable() as con:
        for table in MODEL.tables:
            con.create_table(table.name, arrow_table(table, (data or {}).get(table.name, [])), overwrite=True)
        for name, extra in tables.items():
            con.create_table(name, extra, overwrite=True)
    return root


def catalogue_file(root: Path) -> Path:
    return root / "definitions" / "catalogue.yaml"


def written(root: Path) -> dict[str, Any]:
    # Read as kpilot reads definitions, by ruamel's own YAML 1.2 parser (`pure`): the C parser (libyaml, YAML 1.1)
    # refuses plain scalars with a colon in a flow list, such as `tags: [breakdown:source]`, valid YAML 1.2.
    data = YAML(typ="safe", pure=True).load(catalogue_file(root).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def named(items: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(item for item in items if item["name"] == name)


def test_add_writes_definitions_the_workspace_accepts(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws")
    report = add_to_workspace(root, load_catalogue().names, {})
    assert report.checked
    assert set(report.added) == set(load_catalogue().names)
    with Workspace(root) as workspace:
        assert workspace.validate(with_data=True) == []
        assert {k.name for k in workspace.definitions.kpis} == set(load_catalogue().names)


def test_add_only_copies_what_the_kpis_need(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws")
    report = add_to_workspace(root, ["ctr"], {})
    data = written(root)
    assert [s["name"] for s in data["sources"]] == ["ads"]
    assert [m["name"] for m in data["sources"][0]["measures"]] == ["clicks", "impressions"]
    assert [k["name"] for k in data["kpis"]] == ["ctr"]
    assert named(data["kpis"], "ctr")["label"] == "Click-through rate (CTR)"
    assert report.sources_added == ("ads",)


def test_add_brings_the_kpis_a_formula_uses(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws")
    report = add_to_workspace(root, ["ltv_cac"], {})
    assert set(report.dependencies) == {"ltv_gross_margin", "arpa", "gross_margin", "churn_rate"}
    assert "ltv_cac" in report.added


def test_add_merges_without_duplicating(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws")
    add_to_workspace(root, ["ctr"], {})
    first = catalogue_file(root).read_bytes()
    again = add_to_workspace(root, ["ctr"], {})
    assert not again.changed
    assert again.present == ("ctr",)
    assert catalogue_file(root).read_bytes() == first
    more = add_to_workspace(root, ["cpc", "ctr"], {})
    assert more.added == ("cpc",)
    assert more.sources_extended == ("ads",)
    data = written(root)
    assert len(data["sources"]) == 1
    assert [m["name"] for m in data["sources"][0]["measures"]] == ["clicks", "impressions", "ad_spend"]
    assert [k["name"] for k in data["kpis"]] == ["ctr", "cpc"]


def test_add_keeps_the_users_edits(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws")
    add_to_workspace(root, ["ctr"], {})
    path = catalogue_file(root)
    path.write_text(path.read_text(encoding="utf-8").replace("Click-through rate (CTR)", "Our CTR"), encoding="utf-8")
    add_to_workspace(root, ["cpm"], {})
    assert named(written(root)["kpis"], "ctr")["label"] == "Our CTR"


def test_add_uses_the_workspace_language(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws")
    settings = root / "kpilot.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "language: zh\n", encoding="utf-8")
    add_to_workspace(root, ["nps"], {})
    assert named(written(root)["kpis"], "nps")["label"] == "淨推薦值（NPS）"


def test_add_maps_tables_and_columns(tmp_path: Path) -> None:
    shop = pa.table({"placed": [datetime(2025, 1, 5)], "state": ["paid"], "total": [Decimal("10.00")]})
    root = make_workspace(tmp_path / "ws", shop_orders=shop)
    mapping = {"orders.amount": "shop_orders.total", "orders.ordered_at": "placed", "orders.status": "state"}
    report = add_to_workspace(root, ["aov"], mapping)
    source = named(written(root)["sources"], "orders")
    assert source["table"] == "shop_orders"
    assert source["time"] == "placed"
    assert named(source["measures"], "revenue") == {
        "name": "revenue",
        "agg": "sum",
        "expr": "total",
        "filter": "state = 'paid'",
    }
    assert report.dimensions_skipped == ("orders.channel",)  # shop_orders has no channel column
    with Workspace(root) as workspace:
        assert workspace.validate(with_data=True) == []
        result = workspace.compute(["aov"], grain="month", today=date(2026, 1, 1))
        assert result.column("aov").to_pylist() == [pytest.approx(10.0)]


def test_add_renames_a_catalogue_source(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws")
    (root / "definitions" / "shop.yaml").write_text("sources:\n  - {name: orders, table: orders}\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"source 'orders' is already defined in definitions/shop\.yaml") as error:
        add_to_workspace(root, ["aov"], {})
    assert "source:orders=" in str(error.value)
    add_to_workspace(root, ["aov"], {"source:orders": "std_orders"})
    data = written(root)
    assert [s["name"] for s in data["sources"]] == ["std_orders"]
    assert named(data["kpis"], "aov")["formula"] == "std_orders.revenue / std_orders.orders"


def test_add_maps_the_tables_of_a_sql_source(tmp_path: Path) -> None:
    clients = pa.table({"customer_id": ["a"], "segment": ["smb"], "lost_on": [date(2025, 1, 5)]})
    root = make_workspace(tmp_path / "ws", clients=clients)
    add_to_workspace(root, ["churn_rate"], {"customers": "clients", "customers.churned_on": "lost_on"})
    sql = named(written(root)["sources"], "subscription_churn")["sql"]
    assert "FROM clients AS c" in sql
    assert "c.lost_on AS churned_on" in sql
    assert "c.lost_on - 1" in sql
    with Workspace(root) as workspace:
        assert workspace.validate(with_data=True) == []


def test_refuses_a_missing_column_and_writes_nothing(tmp_path: Path) -> None:
    shop = pa.table({"ordered_at": [datetime(2025, 1, 5)], "status": ["paid"], "value": [Decimal("10.00")]})
    root = make_workspace(tmp_path / "ws", shop=shop)
    with pytest.raises(CatalogueError) as error:
        add_to_workspace(root, ["aov"], {"orders": "shop"})
    assert error.value.code == "catalogue.column_missing"
    assert (error.value.message.values["kpi"], error.value.message.values["column"]) == ("aov", "amount")
    assert error.value.suggestions == ("ordered_at", "status", "value")
    message = str(error.value)
    assert "KPI 'aov'" in message
    assert "column 'amount'" in message
    assert "table 'shop'" in message
    assert "map your column: orders.amount=YOUR_COLUMN" in message
    assert not catalogue_file(root).exists()


def test_refusal_leaves_an_earlier_file_untouched(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws")
    add_to_workspace(root, ["ctr"], {})
    before = catalogue_file(root).read_bytes()
    with pytest.raises(CatalogueError, match=r"table 'nowhere'.*not in the warehouse"):
        add_to_workspace(root, ["aov"], {"orders": "nowhere"})
    assert catalogue_file(root).read_bytes() == before


def test_a_table_mapping_must_agree_with_the_file(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws", shop=arrow_table(MODEL.table("orders"), []))
    add_to_workspace(root, ["orders"], {})
    with pytest.raises(CatalogueError, match="reads table 'orders', but the mapping says 'shop'"):
        add_to_workspace(root, ["aov"], {"orders": "shop"})


def test_without_a_workspace_nothing_is_checked(tmp_path: Path) -> None:
    report = add_to_workspace(tmp_path, ["nps"], {})
    assert not report.checked
    assert report.notes
    assert named(written(tmp_path)["kpis"], "nps")["formula"].startswith("(surveys.promoters")


def test_no_check_skips_the_warehouse(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws")
    report = add_to_workspace(root, ["aov"], {"orders": "missing"}, check=False)
    assert not report.checked
    assert named(written(root)["sources"], "orders")["table"] == "missing"


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"ordrs": "x"}, "did you mean 'orders'"),
        ({"orders.amout": "x"}, "did you mean 'amount'"),
        ({"orders.amount": "total value"}, "not a plain name"),
        ({"orders.amount": "a.total", "orders.cost": "b.cost"}, "mapped to both 'a' and 'b'"),
        ({"source:nope": "x"}, "not a catalogue source"),
        ({"a.b.c": "x"}, "'a' is not a data-model table"),
        ({"kind:orders": "x"}, "cannot read the mapping"),
    ],
)
def test_bad_mappings_are_explained(mapping: dict[str, str], message: str) -> None:
    with pytest.raises(CatalogueError, match=re.escape(message)):
        parse_mapping(mapping)


def test_table_prefix_is_accepted() -> None:
    assert parse_mapping({"table:orders": "my_orders"}).tables == {"orders": "my_orders"}


def test_rename_sql_keeps_unmapped_sql_as_written() -> None:
    sql = load_catalogue().source("subscription_churn").sql
    assert sql is not None
    assert rename_sql(sql, parse_mapping({})) == sql
    assert rename_sql(sql, parse_mapping({"orders": "x"})) == sql


def test_cli_add_and_all(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws")
    result = runner.invoke(app, ["add", "ctr", "--map", "ad_performance.day=day", "--workspace", str(root)])
    assert result.exit_code == 0, result.output
    assert "added: ctr" in result.output
    result = runner.invoke(app, ["add", "--all", "--workspace", str(root)])
    assert result.exit_code == 0, result.output
    assert len(written(root)["kpis"]) == len(load_catalogue().names)
    bad = runner.invoke(app, ["add", "ctr", "--map", "orders", "--workspace", str(root)])
    assert isinstance(bad.exception, CatalogueError)


# ------------------------------------------------------------------------------------------ values by hand

D, T = date, datetime

DATA: dict[str, list[dict[str, Any]]] = {
    "ad_performance": [
        # January: impressions 4000, clicks 80, spend 300, conversions 6, value 600, leads 5.
        {
            "day": D(2025, 1, 5),
            "channel": "meta",
            "impressions": 1000,
            "clicks": 50,
            "spend": 100,
            "conversions": 5,
            "conversion_value": 400,
            "leads": 2,
        },
        {
            "day": D(2025, 1, 20),
            "channel": "google_ads",
            "impressions": 3000,
            "clicks": 30,
            "spend": 200,
            "conversions": 1,
            "conversion_value": 200,
            "leads": 3,
        },
        # February: impressions 2000, clicks 40, spend 100, conversions 4, value 500, leads 0.
        {
            "day": D(2025, 2, 10),
            "channel": "meta",
            "impressions": 2000,
            "clicks": 40,
            "spend": 100,
            "conversions": 4,
            "conversion_value": 500,
            "leads": 0,
        },
    ],
    "social_posts": [
        # January: reach 1500, impressions 2000, likes + comments + shares 60, clicks 20, followers 12.
        {
            "post_id": "p1",
            "published_on": D(2025, 1, 3),
            "reach": 1000,
            "impressions": 1500,
            "likes": 40,
            "shares": 5,
            "comments": 5,
            "clicks": 20,
            "followers_gained": 10,
        },
        {
            "post_id": "p2",
            "published_on": D(2025, 1, 15),
            "reach": 500,
            "impressions": 500,
            "likes": 10,
            "clicks": 0,
            "followers_gained": 2,
        },
        # February: reach 200, impressions 400, engagements 4, clicks 10, followers 1.
        {
            "post_id": "p3",
            "published_on": D(2025, 2, 2),
            "reach": 200,
            "impressions": 400,
            "likes": 4,
            "clicks": 10,
            "followers_gained": 1,
        },
    ],
    "email_campaigns": [
        # January: sent 1500, delivered 1400, unique opens 300, unique clicks 50.
        {
            "campaign_id": "e1",
            "sent_on": D(2025, 1, 10),
            "sent": 1000,
            "delivered": 950,
            "unique_opens": 190,
            "unique_clicks": 38,
        },
        {
            "campaign_id": "e2",
            "sent_on": D(2025, 1, 24),
            "sent": 500,
            "delivered": 450,
            "unique_opens": 110,
            "unique_clicks": 12,
        },
    ],
    "content_posts": [
        {"post_id": "b1", "published_on": D(2025, 1, 7), "kind": "blog"},
        {"post_id": "b2", "published_on": D(2025, 1, 21), "kind": "blog"},
        {"post_id": "v1", "published_on": D(2025, 1, 22), "kind": "video"},
        {"post_id": "w1", "published_on": D(2025, 2, 4), "kind": "webinar"},
    ],
    "web_sessions": [
        # January: sessions 1000, pageviews 2200, bounces 400, transactions 20, CTA clicks 50.
        {
            "day": D(2025, 1, 2),
            "source": "google",
            "sessions": 600,
            "pageviews": 1500,
            "bounces": 300,
            "transactions": 12,
            "cta_clicks": 30,
        },
        {
            "day": D(2025, 1, 2),
            "source": "newsletter",
            "sessions": 400,
            "pageviews": 700,
            "bounces": 100,
            "transactions": 8,
            "cta_clicks": 20,
        },
    ],
    "orders": [
        {
            "order_id": "o1",
            "customer_id": "c1",
            "ordered_at": T(2024, 1, 15, 10),
            "status": "paid",
            "amount": 100,
            "cost": 40,
            "is_first_order": True,
        },
        {
            "order_id": "o2",
            "customer_id": "c2",
            "ordered_at": T(2024, 2, 15, 10),
            "status": "paid",
            "amount": 250,
            "cost": 100,
            "is_first_order": True,
        },
        {
            "order_id": "o3",
            "customer_id": "c1",
            "ordered_at": T(2024, 12, 10, 10),
            "status": "paid",
            "amount": 250,
            "cost": 100,
        },
        # January 2025: paid o4 + o5 = 250 revenue, 2 orders, cost 100; o6 refunded, o7 cancelled.
        {
            "order_id": "o4",
            "customer_id": "c3",
            "ordered_at": T(2025, 1, 5, 10),
            "status": "paid",
            "amount": 150,
            "cost": 60,
            "is_first_order": True,
        },
        {
            "order_id": "o5",
            "customer_id": "c1",
            "ordered_at": T(2025, 1, 20, 10),
            "status": "paid",
            "amount": 100,
            "cost": 40,
        },
        {
            "order_id": "o6",
            "customer_id": "c3",
            "ordered_at": T(2025, 1, 25, 10),
            "status": "refunded",
            "amount": 80,
            "cost": 30,
        },
        {
            "order_id": "o7",
            "customer_id": "c4",
            "ordered_at": T(2025, 1, 28, 10),
            "status": "cancelled",
            "amount": 60,
            "cost": 20,
        },
        # February 2025: paid o8 + o9 + o10 = 500 revenue, 3 orders, cost 220.
        {
            "order_id": "o8",
            "customer_id": "c2",
            "ordered_at": T(2025, 2, 3, 10),
            "status": "paid",
            "amount": 300,
            "cost": 120,
        },
        {
            "order_id": "o9",
            "customer_id": "c5",
            "ordered_at": T(2025, 2, 14, 10),
            "status": "paid",
            "amount": 100,
            "cost": 50,
            "is_first_order": True,
        },
        {
            "order_id": "o10",
            "customer_id": "c5",
            "ordered_at": T(2025, 2, 20, 10),
            "status": "paid",
            "amount": 100,
            "cost": 50,
        },
    ],
    "order_lines": [
        {"order_id": "o4", "line_no": 1, "ordered_at": T(2025, 1, 5, 10), "status": "paid", "quantity": 2},
        {"order_id": "o5", "line_no": 1, "ordered_at": T(2025, 1, 20, 10), "status": "paid", "quantity": 1},
        {"order_id": "o6", "line_no": 1, "ordered_at": T(2025, 1, 25, 10), "status": "refunded", "quantity": 3},
    ],
    "leads": [
        {"lead_id": "l1", "created_on": D(2025, 1, 3), "converted_on": D(2025, 1, 20)},
        {"lead_id": "l2", "created_on": D(2025, 1, 10), "converted_on": D(2025, 2, 5)},
        {"lead_id": "l3", "created_on": D(2025, 1, 15)},
        {"lead_id": "l4", "created_on": D(2025, 1, 20)},
        {"lead_id": "l5", "created_on": D(2025, 2, 2)},
        {"lead_id": "l6", "created_on": D(2025, 2, 10), "converted_on": D(2025, 2, 25)},
        {"lead_id": "l7", "created_on": D(2025, 2, 12)},
    ],
    "deals": [
        {"deal_id": "d1", "stage": "won", "created_on": D(2024, 12, 1), "closed_on": D(2025, 1, 10), "amount": 12000},
        {"deal_id": "d2", "stage": "lost", "created_on": D(2025, 1, 5), "closed_on": D(2025, 1, 25), "amount": 6000},
        {"deal_id": "d3", "stage": "won", "created_on": D(2025, 1, 10), "closed_on": D(2025, 2, 9), "amount": 24000},
        {"deal_id": "d4", "stage": "open", "created_on": D(2025, 1, 20), "amount": 10000},
        {"deal_id": "d5", "stage": "lost", "created_on": D(2025, 2, 1), "closed_on": D(2025, 2, 11), "amount": 5000},
        {"deal_id": "d6", "stage": "won", "created_on": D(2025, 2, 15), "closed_on": D(2025, 2, 25), "amount": 6000},
    ],
    "sales_activities": [
        {"day": D(2025, 1, 6), "owner": "ana", "kind": "call", "count": 10},
        {"day": D(2025, 1, 6), "owner": "ana", "kind": "email", "count": 20},
        {"day": D(2025, 1, 7), "owner": "bob", "kind": "call", "count": 6},
        {"day": D(2025, 1, 8), "owner": "cid", "kind": "email", "count": 0},  # no activity: not an active rep
    ],
    "subscriptions": [
        # End of December 2024: 3 subscriptions, MRR 600.
        *[{"day": D(2024, 12, 31), "customer_id": c, "mrr": m} for c, m in (("s1", 100), ("s2", 200), ("s3", 300))],
        {"day": D(2025, 1, 14), "customer_id": "s2", "mrr": 200},  # s2's last day; it churns on 15 January
        # End of January: 4 subscriptions, MRR 500.
        *[
            {"day": D(2025, 1, 31), "customer_id": c, "mrr": m}
            for c, m in (("s1", 100), ("s3", 300), ("s4", 50), ("s5", 50))
        ],
        {"day": D(2025, 2, 9), "customer_id": "s3", "mrr": 300},  # s3's last day; it churns on 10 February
        # End of February: 3 subscriptions, MRR 200.
        *[{"day": D(2025, 2, 28), "customer_id": c, "mrr": m} for c, m in (("s1", 100), ("s4", 50), ("s5", 50))],
    ],
    "customers": [
        {"customer_id": "s2", "churned_on": D(2025, 1, 15)},
        {"customer_id": "s3", "churned_on": D(2025, 2, 10)},
        {"customer_id": "c9", "churned_on": D(2025, 1, 20)},  # a lapsed shop buyer, never subscribed
    ],
    "support_tickets": [
        # Opened in January, first responses after 1, 3, 8, 5 and 2 hours.
        {
            "ticket_id": "t1",
            "created_at": T(2025, 1, 5, 9),
            "first_response_at": T(2025, 1, 5, 10),
            "resolved_at": T(2025, 1, 5, 21),
            "replies": 1,
            "csat": 5,
        },  # resolved after 12 h
        {
            "ticket_id": "t2",
            "created_at": T(2025, 1, 10, 8),
            "first_response_at": T(2025, 1, 10, 11),
            "resolved_at": T(2025, 1, 12, 8),
            "replies": 3,
            "csat": 3,
        },  # 48 h
        {
            "ticket_id": "t3",
            "created_at": T(2025, 1, 20, 12),
            "first_response_at": T(2025, 1, 20, 20),
            "resolved_at": T(2025, 2, 3, 12),
            "replies": 4,
        },  # 336 h, resolved in February, not rated
        {"ticket_id": "t4", "created_at": T(2025, 1, 30, 10), "first_response_at": T(2025, 1, 30, 15)},
        {
            "ticket_id": "t6",
            "created_at": T(2025, 1, 25, 10),
            "first_response_at": T(2025, 1, 25, 12),
            "resolved_at": T(2025, 1, 26, 10),
            "replies": 1,
            "csat": 4,
        },  # 24 h
        # Opened in February, first responses after 0.5, 1 and 2 hours.
        {
            "ticket_id": "t5",
            "created_at": T(2025, 2, 2, 10),
            "first_response_at": T(2025, 2, 2, 10, 30),
            "resolved_at": T(2025, 2, 2, 12),
            "replies": 1,
            "csat": 4,
        },  # 2 h
        {
            "ticket_id": "t7",
            "created_at": T(2025, 2, 10, 9),
            "first_response_at": T(2025, 2, 10, 10),
            "resolved_at": T(2025, 2, 10, 13),
            "replies": 2,
            "csat": 2,
        },  # 4 h
        {"ticket_id": "t8", "created_at": T(2025, 2, 20, 8), "first_response_at": T(2025, 2, 20, 10)},
    ],
    "surveys": [
        *[
            {"response_id": f"n{i}", "answered_on": D(2025, 1, 9), "kind": "nps", "score": s}
            for i, s in enumerate((10, 9, 9, 7, 2))
        ],
        *[
            {"response_id": f"c{i}", "answered_on": D(2025, 1, 9), "kind": "csat", "score": s}
            for i, s in enumerate((5, 4, 2, 3))
        ],
        *[
            {"response_id": f"e{i}", "answered_on": day, "kind": "engagement", "score": s}
            for i, (day, s) in enumerate(
                (
                    (D(2025, 1, 10), 9),
                    (D(2025, 1, 10), 10),
                    (D(2025, 1, 10), 7),
                    (D(2025, 1, 10), 5),
                    (D(2025, 2, 10), 8),
                    (D(2025, 2, 10), 3),
                )
            )
        ],
    ],
    "employee_snapshots": [
        {"day": D(2025, 1, 1), "department": "sales", "headcount": 8},
        {"day": D(2025, 1, 1), "department": "support", "headcount": 12},
        {"day": D(2025, 2, 1), "department": "sales", "headcount": 10},
        {"day": D(2025, 2, 1), "department": "support", "headcount": 15},
    ],
    "employees": [
        {"employee_id": "e1", "exited_on": D(2025, 1, 15), "satisfaction": 2},
        {"employee_id": "e2", "exited_on": D(2025, 1, 31)},
        {"employee_id": "e3", "exited_on": D(2025, 2, 10)},
        *[{"employee_id": f"e{i}", "satisfaction": s} for i, s in ((4, 9), (5, 10), (6, 7), (7, 5))],
        {"employee_id": "e8"},
    ],
    "ledger": [
        # January: revenue 1000, cogs 300, opex 200, marketing 100 + 50, sales 150; assets 6000 on the 31st.
        {"day": D(2025, 1, 15), "account": "product_sales", "account_type": "revenue", "amount": 1000},
        {"day": D(2025, 1, 15), "account": "product_cogs", "account_type": "cogs", "amount": 300},
        {"day": D(2025, 1, 31), "account": "rent", "account_type": "opex", "amount": 200},
        {"day": D(2025, 1, 31), "account": "ad_spend", "account_type": "marketing", "amount": 100},
        {"day": D(2025, 1, 31), "account": "salaries_marketing", "account_type": "marketing", "amount": 50},
        {"day": D(2025, 1, 31), "account": "salaries_sales", "account_type": "sales", "amount": 150},
        {"day": D(2025, 1, 31), "account": "cash", "account_type": "assets", "amount": 5000},
        {"day": D(2025, 1, 31), "account": "inventory", "account_type": "assets", "amount": 1000},
        {"day": D(2025, 1, 31), "account": "payables", "account_type": "liabilities", "amount": 700},
        # February: revenue 2000, cogs 800, opex 200, marketing 200, sales 100; assets 8000 on the 28th.
        {"day": D(2025, 2, 10), "account": "product_sales", "account_type": "revenue", "amount": 2000},
        {"day": D(2025, 2, 10), "account": "product_cogs", "account_type": "cogs", "amount": 800},
        {"day": D(2025, 2, 28), "account": "rent", "account_type": "opex", "amount": 200},
        {"day": D(2025, 2, 28), "account": "ad_spend", "account_type": "marketing", "amount": 200},
        {"day": D(2025, 2, 28), "account": "salaries_sales", "account_type": "sales", "amount": 100},
        {"day": D(2025, 2, 28), "account": "cash", "account_type": "assets", "amount": 7000},
        {"day": D(2025, 2, 28), "account": "inventory", "account_type": "assets", "amount": 1000},
    ],
    "inventory": [
        {"day": D(2025, 1, 15), "product": "p1", "recorded_units": 100, "counted_units": 50, "unit_cost": 2},
        # Last count of January: recorded 100 x 2 + 10 x 50 = 700, counted 95 x 2 + 10 x 50 = 690.
        {"day": D(2025, 1, 31), "product": "p1", "recorded_units": 100, "counted_units": 95, "unit_cost": 2},
        {"day": D(2025, 1, 31), "product": "p2", "recorded_units": 10, "counted_units": 10, "unit_cost": 50},
    ],
}

# KPI -> (January 2025, February 2025), month grain. None: no value (division by zero or no rows).
EXPECTED: dict[str, tuple[float | None, float | None]] = {
    # ads: Jan 4000 impressions, 80 clicks, 300 spend, 6 conversions, 600 value, 5 platform leads;
    #      Feb 2000, 40, 100, 4, 500, 0.
    "impressions": (4000, 2000),
    "clicks": (80, 40),
    "ctr": (80 / 4000, 40 / 2000),
    "ctr_all_channels": ((80 + 20) / (4000 + 2000), (40 + 10) / (2000 + 400)),  # plus social clicks/impressions
    "ad_spend": (300, 100),
    "cpc": (300 / 80, 100 / 40),
    "cpm": (300 / 4000 * 1000, 100 / 2000 * 1000),
    "cpl": (300 / 4, 100 / 3),  # CRM leads: 4 in January, 3 in February
    "cpl_platform": (300 / 5, None),  # no platform leads in February
    "cpa": (300 / 6, 100 / 4),
    "cpo": (300 / 2, 100 / 3),  # paid orders: 2 and 3
    "roas": (600 / 300, 500 / 100),
    "roas_blended": (250 / 300, 500 / 100),  # shop revenue 250 and 500
    "romi": ((600 * 0.6 - 300) / 300, (500 * 0.56 - 100) / 100),  # shop gross margin 0.6 and 0.56
    "romi_revenue": ((600 - 300) / 300, (500 - 100) / 100),
    "cac": (300 / 2, 100 / 3),  # new customers: 1 first order + 1 deal won; 1 + 2
    "cac_fully_loaded": ((150 + 150) / 2, (200 + 100) / 3),  # ledger marketing + sales costs
    "ltv": (125 / (1 / 3), (200 / 3) / (1 / 4)),  # ARPA / churn rate
    "ltv_gross_margin": (125 * 0.7 / (1 / 3), (200 / 3) * 0.6 / (1 / 4)),  # ledger gross margin 0.7 and 0.6
    # LTV on gross margin x new subscription accounts (s4, s5 in January; none in February; s1-s3 started in
    # December) / marketing and sales costs (150 + 150; 200 + 100).
    "ltv_cac": (125 * 0.7 / (1 / 3) * 2 / 300, 0.0),
    "leads": (4, 3),
    # social: Jan reach 1500, impressions 2000, engagements 60, followers 12; Feb 200, 400, 4, 1.
    "social_reach": (1500, 200),
    "engagement_rate": (60 / 1500, 4 / 200),
    "engagement_rate_impressions": (60 / 2000, 4 / 400),
    "followers_gained": (12, 1),
    # e-mail (January only): sent 1500, delivered 1400, unique opens 300, unique clicks 50.
    "email_open_rate": (300 / 1400, None),
    "email_open_rate_sent": (300 / 1500, None),
    "email_click_rate": (50 / 1400, None),
    "email_click_to_open_rate": (50 / 300, None),
    "blog_posts_published": (2, 0),  # February has only a webinar
    # web (January only): sessions 1000, pageviews 2200, bounces 400, transactions 20, CTA clicks 50.
    "sessions": (1000, 0),  # sums and counts of a period without rows are 0
    "traffic_by_source": (1000, 0),
    "bounce_rate": (400 / 1000, None),
    "pages_per_session": (2200 / 1000, None),
    "conversion_rate": (20 / 1000, None),
    "conversion_rate_ads": (6 / 80, 4 / 40),
    "cta_conversion_rate": (50 / 1000, None),
    # shop: revenue Dec 2024 250, Jan 2024 100, Feb 2024 250, Jan 2025 250, Feb 2025 500.
    "revenue": (250, 500),
    "revenue_growth_mom": (250 / 250 - 1, 500 / 250 - 1),
    "revenue_growth_yoy": (250 / 100 - 1, 500 / 250 - 1),
    "orders": (2, 3),
    "aov": (250 / 2, 500 / 3),
    "units_sold": (3, 0),  # the refunded line does not count; no lines in February
    "new_customers": (1 + 1, 1 + 2),
    "repeat_purchase_rate": (1 / 2, 2 / 2),  # Jan: c1 bought before, c3 is new; Feb: c2 and c5 (2nd order)
    # leads: created Jan l1-l4 (l1, l2 converted since), Feb l5-l7 (l6 converted); converted in Jan l1, Feb l2, l6.
    "lead_to_customer_rate": (2 / 4, 1 / 3),
    "lead_to_customer_rate_period": (1 / 4, 2 / 3),
    # deals closed: Jan d1 won (40 days, 12000), d2 lost (20 days); Feb d3 won (30 days, 24000),
    # d5 lost (10 days), d6 won (10 days, 6000). Opened: Jan d2, d3, d4 (open, 10000); Feb d5, d6.
    "deals_won": (1, 2),
    "win_rate": (1 / 2, 2 / 3),
    "win_rate_all": (1 / 3, 1 / 2),
    "average_deal_size": (12000, (24000 + 6000) / 2),
    "average_sales_cycle": (40, (30 + 10) / 2),
    "average_sales_cycle_all": ((40 + 20) / 2, (30 + 10 + 10) / 3),
    # Open at the last day a deal was opened or closed: 25 January d3 and d4 (d2 closes that day), 25 February d4.
    "pipeline_value": (24000 + 10000, 10000),
    "pipeline_created": (6000 + 24000 + 10000, 5000 + 6000),
    "opportunity_to_deal_ratio": (3 / 1, 2 / 2),
    # activities (January only): calls 16, e-mails 20, active reps ana and bob.
    "calls_per_rep": (16 / 2, None),
    "emails_per_rep": (20 / 2, None),
    # subscriptions: end of Dec 3 subs / MRR 600, end of Jan 4 / 500, end of Feb 3 / 200;
    # s2 (MRR 200) lost in January, s3 (MRR 300) in February; c9 never subscribed.
    "mrr": (500, 200),
    "mrr_growth": (500 / 600 - 1, 200 / 500 - 1),
    "arpa": (500 / 4, 200 / 3),
    "churn_rate": (1 / 3, 1 / 4),
    "revenue_churn_rate": (200 / 600, 300 / 500),
    "customer_retention_rate": (1 - 1 / 3, 1 - 1 / 4),
    # tickets: resolved Jan t1 12 h, t2 48 h, t6 24 h; Feb t3 336 h, t5 2 h, t7 4 h (see DATA).
    "tickets_resolved": (3, 3),
    "first_response_time": ((1 + 3 + 8 + 5 + 2) / 5, (0.5 + 1 + 2) / 3),
    "first_response_time_median": (3, 1),
    "resolution_time": ((12 + 48 + 24) / 3, (336 + 2 + 4) / 3),
    "resolution_time_median": (24, 4),
    "first_contact_resolution_rate": (2 / 3, 1 / 3),  # one reply: t1, t6; t5
    "csat": (2 / 4, None),  # survey scores 5, 4, 2, 3
    "csat_average": ((5 + 4 + 2 + 3) / 4, None),
    "csat_tickets": (2 / 3, 1 / 2),  # ratings Jan 5, 3, 4; Feb 4, 2 (t3 unrated)
    "nps": ((3 - 1) / 5 * 100, None),  # 10, 9, 9 promoters; 2 detractor; 7 passive
    # ledger: Jan net profit 1000 - 300 - 200 - 150 - 150 = 200, assets 6000;
    #         Feb 2000 - 800 - 200 - 200 - 100 = 700, assets 8000.
    "gross_margin": ((1000 - 300) / 1000, (2000 - 800) / 2000),
    "gross_margin_shop": ((250 - 100) / 250, (500 - 220) / 500),
    "net_profit": (200, 700),
    "roi": (200 / 800, 700 / 1300),
    "roa": (200 / 6000, 700 / 8000),
    "roa_average_assets": (200 / 6000, 700 / 8000),
    # headcount on the 1st: Jan 20, Feb 25; exits: Jan e1, e2; Feb e3.
    "headcount": (20, 25),
    "employee_turnover_rate": (2 / 20, 1 / 25),
    "employee_retention_rate": (1 - 2 / 20, 1 - 1 / 25),
    # engagement answers: January 9, 10, 7, 5; February 8, 3 (promoters 9-10, detractors 0-6).
    "employee_satisfaction": ((9 + 10 + 7 + 5) / 4, (8 + 3) / 2),
    "enps": ((2 - 1) / 4 * 100, (0 - 1) / 2 * 100),
    # inventory (January only): see DATA.
    "inventory_shrinkage": ((700 - 690) / 700, None),
    "inventory_shrinkage_units": ((110 - 105) / 110, None),
}


@pytest.fixture(scope="module", params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def filled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """The hand-made data in a workspace with the whole catalogue, on DuckDB and on PostgreSQL."""
    with contextlib.ExitStack() as stack:
        warehouse = "warehouse.duckdb"
        if request.param == "postgres":
            if not postgres_available():
                pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
            warehouse = stack.enter_context(postgres_database())
        root = make_workspace(tmp_path_factory.mktemp("catalogue") / "ws", DATA, warehouse)
        add_to_workspace(root, load_catalogue().names, {})
        workspace = stack.enter_context(Workspace(root))
        yield workspace


def _values(table: pa.Table, name: str) -> list[float | None]:
    return [None if v is None else float(v) for v in table.column(name).to_pylist()]


def test_every_kpi_has_a_hand_computed_value() -> None:
    assert set(EXPECTED) == set(load_catalogue().names)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_value_by_hand(request: pytest.FixtureRequest, filled: Workspace, name: str) -> None:
    result = filled.compute([name], grain="month", start="2025-01-01", end="2025-02-28", today=D(2026, 1, 1))
    by_month = dict(zip(result.column("period").to_pylist(), _values(result, name), strict=True))
    january, february = EXPECTED[name]
    assert by_month.get(D(2025, 1, 1)) == (None if january is None else pytest.approx(january))
    assert by_month.get(D(2025, 2, 1)) == (None if february is None else pytest.approx(february))


def test_roa_over_a_year(filled: Workspace) -> None:
    result = filled.compute(["roa", "roa_average_assets"], grain="year", start="2025-01-01", end="2025-02-28")
    # Net profit 200 + 700 = 900; year-end (last) assets 8000; average of month-end assets (6000 + 8000) / 2.
    assert _values(result, "roa") == [pytest.approx(900 / 8000)]
    assert _values(result, "roa_average_assets") == [pytest.approx(900 / 7000)]


def test_traffic_by_source_splits_by_source(filled: Workspace) -> None:
    result = filled.compute(["traffic_by_source"], grain="month", by=["source"], start="2025-01-01", end="2025-01-31")
    assert sorted(zip(result.column("source").to_pylist(), _values(result, "traffic_by_source"), strict=True)) == [
        ("google", 600.0),
        ("newsletter", 400.0),
    ]


def test_add_refuses_to_make_the_users_names_ambiguous(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    write_workspace(
        root,
        """
sources:
  - name: mine
    file: unused.csv
    measures:
      - {name: sessions, agg: count}
kpis:
  - {name: my_sessions, formula: sessions}
""",
    )
    before = sorted(p.name for p in (root / "definitions").iterdir())
    # The catalogue's web source also has a measure `sessions`: the bare name in my_sessions would become ambiguous.
    with pytest.raises(UserError, match="would break definitions already in the workspace") as raised:
        add_to_workspace(root, ["bounce_rate"], {}, check=False)
    assert "my_sessions" in str(raised.value)
    assert sorted(p.name for p in (root / "definitions").iterdir()) == before
