"""Bad definitions are reported all at once, each with file:line:col, a reason and a way to fix it."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpilot import QueryError, ValidationFailed, Workspace
from kpilot.definitions.loader import load_settings
from kpilot.i18n import Message
from tests.support import write_workspace

GOOD = """\
sources:
  - name: ads
    table: ads
    time: day
    dimensions: [channel]
    measures:
      - {name: clicks, agg: sum, expr: clicks}
      - {name: impressions, agg: sum, expr: impressions}
kpis:
  - name: ctr
    formula: clicks / impressions
    unit: percent
"""


def issues_of(tmp_path: Path, text: str) -> list[str]:
    write_workspace(tmp_path / "ws", text)
    with Workspace(tmp_path / "ws") as ws:
        return [str(issue) for issue in ws.validate(with_data=False)]


def test_good_definitions_have_no_issues(tmp_path: Path) -> None:
    assert issues_of(tmp_path, GOOD) == []


def test_malformed_yaml_points_at_the_line(tmp_path: Path) -> None:
    found = issues_of(tmp_path, "sources:\n  - name: ads\n    table: [ads\n")
    assert len(found) == 1
    assert found[0].startswith("definitions/main.yaml:4:")
    assert "invalid YAML" in found[0]


def test_unknown_key_suggests_the_right_one(tmp_path: Path) -> None:
    found = issues_of(tmp_path, GOOD.replace("    formula: clicks", "    formla: clicks"))
    assert "definitions/main.yaml:11:5: error: unknown key 'formla' (did you mean 'formula'?)" in found
    assert "definitions/main.yaml:10:5: error: missing required key 'formula' (add 'formula: ...')" in found


def test_bad_enum_and_missing_expr(tmp_path: Path) -> None:
    text = GOOD.replace("unit: percent", "unit: percentage").replace(
        "{name: clicks, agg: sum, expr: clicks}", "{name: clicks, agg: total}"
    )
    found = issues_of(tmp_path, text)
    assert any(
        f.startswith("definitions/main.yaml:12:11:") and "'unit': invalid value 'percentage'" in f for f in found
    )
    # The flow mapping's value itself: `{name: clicks, agg: total}` has `total` at column 29.
    assert any(
        f.startswith("definitions/main.yaml:7:29:") and "'measures.0.agg': invalid value 'total'" in f for f in found
    )


def test_misspelt_measure_in_formula_points_at_it(tmp_path: Path) -> None:
    found = issues_of(tmp_path, GOOD.replace("formula: clicks / impressions", "formula: clcks / impressions"))
    assert len(found) == 1
    # Line 11, the formula starts at column 14: the name is at its start.
    assert found[0].startswith("definitions/main.yaml:11:14: error: KPI 'ctr': unknown measure or KPI 'clcks'")
    assert "did you mean 'clicks'?" in found[0]


def test_formula_syntax_error_and_type_error(tmp_path: Path) -> None:
    text = GOOD + '  - {name: bad, formula: "clicks / (impressions"}\n  - {name: worse, formula: "clicks and 1"}\n'
    found = issues_of(tmp_path, text)
    assert any("KPI 'bad'" in f and f.startswith("definitions/main.yaml:13:") for f in found)
    assert any("KPI 'worse'" in f and "'and' needs conditions" in f for f in found)


def test_cycles_and_duplicates(tmp_path: Path) -> None:
    text = GOOD + "  - {name: a, formula: b + 1}\n  - {name: b, formula: a * 2}\n  - {name: ctr, formula: clicks}\n"
    found = issues_of(tmp_path, text)
    assert any("KPI 'ctr' is defined more than once" in f for f in found)
    assert any("loop" in f and "a -> b -> a" in f for f in found)


def test_ambiguous_measure_needs_source(tmp_path: Path) -> None:
    text = GOOD.replace(
        "kpis:",
        "  - name: web\n    table: web\n    measures:\n      - {name: clicks, agg: sum, expr: clicks}\nkpis:",
    )
    text += "  - {name: web_clicks, formula: web.clicks}\n  - {name: both, formula: clicks}\n"
    found = issues_of(tmp_path, text)
    # ctr and both use the ambiguous `clicks`; web_clicks is fine.
    assert sum("is a measure of several sources; write ads.clicks or web.clicks" in f for f in found) == 2


def test_settings_problems(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    write_workspace(root, GOOD)
    (root / "kpilot.yaml").write_text("timezone: Europe/Roma\nweek_start: sun\nfiscal_year_start: 0\nwarehose: x\n")
    with pytest.raises(ValidationFailed) as raised:
        load_settings(root)
    text = str(raised.value)
    assert "kpilot.yaml:1:11" in text
    assert "unknown time zone 'Europe/Roma'" in text
    assert "kpilot.yaml:2:13" in text
    assert "kpilot.yaml:3:20" in text
    assert "unknown key 'warehose' (did you mean 'warehouse'?)" in text


def test_not_a_workspace(tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed, match="is not a kpilot workspace"):
        Workspace(tmp_path)


def test_compute_refuses_broken_definitions(tmp_path: Path) -> None:
    write_workspace(tmp_path / "ws", GOOD.replace("clicks / impressions", "clicks / impresions"))
    with Workspace(tmp_path / "ws") as ws, pytest.raises(QueryError) as raised:
        ws.compute(["ctr"])
    assert raised.value.hint == Message("formula.did_you_mean", name="impressions")
    assert str(raised.value.hint) == "did you mean 'impressions'?"
    # The name it may mean is data too, for a surface to offer.
    with Workspace(tmp_path / "ws") as ws:
        [issue] = ws.validate(with_data=False)
    assert (issue.code, issue.field, issue.suggestions) == ("semantic.formula_problem", None, ("impressions",))
