from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from kpilot.catalogue.datamodel import ColumnType, TableKind, load_datamodel, parse_datamodel
from kpilot.errors import UserError
from kpilot.i18n import Language, render

DOC = Path(__file__).resolve().parents[1] / "docs" / "data-model.md"
EXPECTED_TABLES = {
    "ad_performance", "web_sessions", "orders", "order_lines", "customers", "subscriptions", "leads", "deals",
    "sales_activities", "support_tickets", "surveys", "social_posts", "email_campaigns", "content_posts",
    "employees", "employee_snapshots", "ledger", "inventory",
}  # fmt: skip


def minimal(**table_changes: Any) -> dict[str, Any]:
    table: dict[str, Any] = {
        "name": "things",
        "kind": "events",
        "description": "Things.",
        "grain": "one row per thing",
        "time_column": "day",
        "primary_key": ["thing_id"],
        "columns": [
            {"name": "thing_id", "type": "string", "description": "Id."},
            {"name": "day", "type": "date", "description": "Day."},
        ],
    }
    table.update(table_changes)
    return {"version": 1, "currency": "EUR", "tables": [table]}


def test_standard_model_has_every_table() -> None:
    model = load_datamodel()
    assert set(model.table_names) == EXPECTED_TABLES
    assert model.currency == "EUR"
    assert load_datamodel() is model  # loaded once


@pytest.mark.parametrize("name", sorted(EXPECTED_TABLES))
def test_tables_are_well_formed(name: str) -> None:
    table = load_datamodel().table(name)
    assert table.description
    assert table.grain
    assert table.column(table.time_column).type.is_temporal
    assert set(table.primary_key) <= set(table.column_names)
    for key in table.primary_key:
        assert not table.column(key).nullable
    schema = table.arrow_schema()
    assert schema.names == list(table.column_names)
    for column in table.columns:
        assert column.description.strip()
        assert schema.field(column.name).nullable is column.nullable
        if column.values is not None:
            assert len(set(column.values)) == len(column.values)


def test_columns_the_catalogue_relies_on() -> None:
    model = load_datamodel()
    assert model.table("orders").column("status").values == ("paid", "refunded", "cancelled", "pending")
    assert model.table("orders").column("ordered_at").type is ColumnType.TIMESTAMP
    assert model.table("orders").column("is_first_order").type is ColumnType.BOOLEAN
    assert model.table("subscriptions").kind is TableKind.SNAPSHOT
    assert model.table("customers").column("churned_on").nullable
    assert model.table("support_tickets").column("csat").maximum == 5
    assert model.table("deals").column("stage").values == ("open", "won", "lost")
    ledger_types = model.table("ledger").column("account_type").values or ()
    assert {"revenue", "cogs", "opex", "marketing", "sales", "assets"} <= set(ledger_types)
    assert model.table("orders").column("customer_id").references == "customers.customer_id"


def test_physical_types() -> None:
    assert ColumnType.DECIMAL.arrow_type() == pa.decimal128(18, 2)
    assert ColumnType.TIMESTAMP.arrow_type() == pa.timestamp("us")
    assert ColumnType.DATE.arrow_type() == pa.date32()
    assert ColumnType.INTEGER.sql_type == "BIGINT"
    assert ColumnType.DECIMAL.sql_type == "DECIMAL(18, 2)"


def test_unknown_names_are_explained() -> None:
    model = load_datamodel()
    with pytest.raises(KeyError, match=r"unknown table 'order'.*orders"):
        model.table("order")
    with pytest.raises(KeyError, match="no column 'total'"):
        model.table("orders").column("total")


def test_minimal_model_parses() -> None:
    model = parse_datamodel(minimal())
    assert model.table("things").primary_key == ("thing_id",)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"colour": "red"}, "unknown key"),
        ({"time_column": "thing_id"}, "must be a date or timestamp"),
        ({"time_column": "when"}, "not one of its columns"),
        ({"primary_key": ["nope"]}, "not one of its columns"),
        ({"kind": "stream"}, "stream"),
        ({"description": ""}, "'description' must be a non-empty text"),
        ({"columns": []}, "non-empty list"),
    ],
)
def test_bad_tables_are_rejected(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_datamodel(minimal(**changes))


@pytest.mark.parametrize(
    ("column", "message"),
    [
        ({"name": "day", "type": "date", "description": "Again."}, "duplicate"),
        ({"name": "size", "type": "float", "description": "Size."}, "float"),
        ({"name": "size", "type": "integer", "description": "Size.", "values": ["a"]}, "only allowed on string"),
        ({"name": "size", "type": "string", "description": "Size.", "min": 0}, "only allowed on numeric"),
        ({"name": "other", "type": "string", "description": "Ref.", "references": "nowhere.id"}, "references unknown"),
        ({"name": "size", "type": "integer"}, "'description' must be a non-empty text"),
    ],
)
def test_bad_columns_are_rejected(column: dict[str, Any], message: str) -> None:
    document = minimal()
    document["tables"][0]["columns"].append(column)
    with pytest.raises(ValueError, match=message):
        parse_datamodel(document)


def test_a_user_file_with_problems_is_a_user_error(tmp_path: Path) -> None:
    path = tmp_path / "model.yaml"
    path.write_text("tables:\n  - name: x\n", encoding="utf-8")
    with pytest.raises(UserError, match="invalid data model") as caught:
        load_datamodel(path)
    assert caught.value.location is not None
    assert caught.value.location.file == str(path)
    # The problem is a code of its own inside the error's, worded in the reader's language.
    problem = caught.value.message.values["problem"]
    assert (caught.value.code, problem.code) == ("catalogue.invalid_datamodel", "catalogue.empty_list")
    assert str(caught.value.message) == "invalid data model: table 'x' columns: expected a non-empty list"
    assert render(caught.value.message, Language.IT) == (
        "modello dati non valido: tabella 'x', columns: atteso un elenco non vuoto"
    )


def test_a_file_that_is_not_yaml_passes_the_reader_s_words_on(tmp_path: Path) -> None:
    path = tmp_path / "model.yaml"
    path.write_text("tables: [\n", encoding="utf-8")
    with pytest.raises(UserError) as caught:
        load_datamodel(path)
    assert caught.value.message.values["problem"].code == "catalogue.raw_problem"
    assert str(caught.value.message).startswith("invalid data model: while parsing")


def test_a_kind_that_is_not_known_lists_the_kinds() -> None:
    with pytest.raises(ValueError, match="stream") as caught:
        parse_datamodel(minimal(kind="stream"))
    assert str(caught.value) == ("table 'things': 'kind' must be one of events, snapshot, entity, not 'stream'")


def test_doc_lists_every_table_and_column() -> None:
    """docs/data-model.md has a section per table, with a row per column, in the YAML's order."""
    text = DOC.read_text(encoding="utf-8")
    sections = dict(re.findall(r"^## `(\w+)`\n(.*?)(?=^## |\Z)", text, flags=re.MULTILINE | re.DOTALL))
    model = load_datamodel()
    assert set(sections) == set(model.table_names)
    for table in model.tables:
        rows = re.findall(r"^\| `(\w+)` \| (\w+) \| (yes|no) \|", sections[table.name], flags=re.MULTILINE)
        expected = [(c.name, c.type.value, "yes" if c.nullable else "no") for c in table.columns]
        assert rows == expected, table.name
        assert f"**Time column:** `{table.time_column}`" in sections[table.name]
