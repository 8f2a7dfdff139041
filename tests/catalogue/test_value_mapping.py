"""`catalogue add --map TABLE.COLUMN.VALUE=YOURS`: the catalogue's filters compare columns with standard values
(`stage = 'won'`); a CRM that spells them otherwise gets them mapped, and is told when a value never occurs."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from kpilot import Workspace
from kpilot.catalogue.add import add_to_workspace
from kpilot.catalogue.catalogue import CatalogueError
from kpilot.catalogue.mapping import parse_mapping, rename_values
from kpilot.errors import Severity
from tests.catalogue.test_catalogue import MODEL, arrow_table, make_workspace, named, written

# A CRM that capitalises its stages: 3 won, 1 lost, 1 open; closed in January 2025.
DEALS = [
    {"deal_id": "d1", "stage": "Won", "created_on": date(2025, 1, 2), "closed_on": date(2025, 1, 10), "amount": 100},
    {"deal_id": "d2", "stage": "Won", "created_on": date(2025, 1, 3), "closed_on": date(2025, 1, 12), "amount": 200},
    {"deal_id": "d3", "stage": "Lost", "created_on": date(2025, 1, 4), "closed_on": date(2025, 1, 14), "amount": 50},
    {"deal_id": "d4", "stage": "Won", "created_on": date(2025, 1, 5), "closed_on": date(2025, 1, 20), "amount": 300},
    {"deal_id": "d5", "stage": "Open", "created_on": date(2025, 1, 6), "amount": 80},
]


def _crm(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "ws", {"deals": DEALS})


def test_values_are_mapped_in_every_filter(tmp_path: Path) -> None:
    root = _crm(tmp_path)
    mapping = {"deals.stage.won": "Won", "deals.stage.lost": "Lost", "deals.stage.open": "Open"}
    report = add_to_workspace(root, ["win_rate"], mapping)
    closed = named(written(root)["sources"], "deals_closed")["measures"]
    assert named(closed, "deals_won")["filter"] == "stage = 'Won'"
    assert named(closed, "deals_lost")["filter"] == "stage = 'Lost'"
    assert not [note for note in report.notes if note.code == "catalogue.value_never_held"]
    with Workspace(root) as ws:
        assert [i for i in ws.validate() if i.code == "engine.value_never_occurs"] == []
        result = ws.compute(["win_rate"], grain="month", start="2025-01-01", end="2025-01-31", today=date(2025, 3, 1))
        # 3 won of 3 won + 1 lost, by hand.
        assert result.column("win_rate").to_pylist() == [pytest.approx(0.75)]


def test_a_value_that_never_occurs_is_noted_with_the_values_found(tmp_path: Path) -> None:
    root = _crm(tmp_path)
    report = add_to_workspace(root, ["win_rate"], {})
    notes = [str(note) for note in report.notes if note.code == "catalogue.value_never_held"]
    # Won 3 rows, Lost 1, Open 1 (ties by name): the most frequent first.
    found = "values found: 'Won' (3 rows), 'Lost' (1 row), 'Open' (1 row)"
    assert notes == [
        f"column 'stage' of table 'deals' never holds the value 'won' that the catalogue's filters compare it with "
        f"({found}); if yours is spelt differently, map it: deals.stage.won=YOUR_VALUE",
        f"column 'stage' of table 'deals' never holds the value 'lost' that the catalogue's filters compare it with "
        f"({found}); if yours is spelt differently, map it: deals.stage.lost=YOUR_VALUE",
    ]
    with Workspace(root) as ws:
        warned = [i for i in ws.validate() if i.severity is Severity.WARNING and i.code == "engine.value_never_occurs"]
        assert {str(i.message).split(":")[0] for i in warned} == {
            "measure 'deals_closed.deals_won' filter",
            "measure 'deals_closed.deals_lost' filter",
        }


def test_a_mapped_value_that_does_not_occur_is_noted(tmp_path: Path) -> None:
    root = _crm(tmp_path)
    report = add_to_workspace(root, ["deals_won"], {"deals.stage.won": "WON"})
    assert [str(note).split(" (")[0] for note in report.notes if note.code == "catalogue.value_never_held"] == [
        "column 'stage' of table 'deals' never holds the value 'WON' that the catalogue's filters compare it with"
    ]


def test_mapped_values_follow_a_renamed_column(tmp_path: Path) -> None:
    standard = arrow_table(MODEL.table("deals"), DEALS)
    crm = standard.rename_columns(["phase" if name == "stage" else name for name in standard.column_names])
    root = make_workspace(tmp_path / "ws", crm_deals=crm)
    mapping = {"deals": "crm_deals", "deals.stage": "phase", "deals.stage.won": "Won", "deals.stage.lost": "Lost"}
    add_to_workspace(root, ["average_sales_cycle_all"], mapping)
    closed = named(written(root)["sources"], "deals_closed")["measures"]
    assert named(closed, "closed_cycle_days")["filter"] == "phase in ('Won', 'Lost')"


def test_rename_values_touches_only_compared_literals() -> None:
    values = {("stage", "won"): "Closed 'Won'"}
    text = "stage = 'won' and note != 'won' and 'won' = stage"
    assert rename_values(text, values) == "stage = 'Closed ''Won''' and note != 'won' and 'Closed ''Won''' = stage"


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"deals.stage.wonn": "Won"}, "did you mean 'won'"),
        ({"deals.stag.won": "Won"}, "did you mean 'stage'"),
        ({"deals.amount.won": "Won"}, "compares column 'deals.amount' with no value"),
    ],
)
def test_bad_value_mappings_are_explained(mapping: dict[str, str], message: str) -> None:
    with pytest.raises(CatalogueError, match=re.escape(message)):
        parse_mapping(mapping)
