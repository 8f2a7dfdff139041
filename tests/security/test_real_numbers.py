"""Only real numbers: NaN and infinities are refused in every number a definition holds (targets, thresholds, goal
weights, fractions), where they are written; and no JSON kpilot writes contains `NaN` or `Infinity`, which JSON
parsers refuse, even when the data holds them."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from kpilot import Workspace
from kpilot.cli import output
from kpilot.definitions.loader import load_definitions
from tests.support import run_cli as kpilot
from tests.support import write_workspace

DEFINITIONS = """\
sources:
  - name: sales
    table: sales
    time: day
    measures:
      - {name: amount, agg: sum, expr: amount}
      - {name: p90, agg: percentile, expr: amount, fraction: FRACTION}
kpis:
  - {name: revenue, formula: amount, at_risk: AT_RISK}
targets:
  - {kpi: revenue, every: month, commit: COMMIT, target: TARGET, stretch: STRETCH}
  - {kpi: revenue, period: 2025-01, type: range, min: MIN, max: MAX}
goals:
  - name: growth
    kpis:
      - {kpi: revenue, weight: WEIGHT}
"""
SAFE = {
    "FRACTION": "0.9",
    "AT_RISK": "0.9",
    "COMMIT": "80",
    "TARGET": "100",
    "STRETCH": "120",
    "MIN": "1",
    "MAX": "2",
    "WEIGHT": "1",
}
# The field's name in the problem, and its key in the YAML.
FIELDS = {
    "FRACTION": ("measures.1.fraction", "fraction"),
    "AT_RISK": ("at_risk", "at_risk"),
    "COMMIT": ("commit", "commit"),
    "TARGET": ("target", "target"),
    "STRETCH": ("stretch", "stretch"),
    "MIN": ("min", "min"),
    "MAX": ("max", "max"),
    "WEIGHT": ("kpis.0.weight", "weight"),
}
NOT_REAL = {".nan": ".nan", ".NaN": ".nan", ".inf": ".inf", "-.Inf": "-.inf", "1e400": ".inf", "'nan'": "'nan'"}


def definitions(**values: str) -> str:
    text = DEFINITIONS
    for key, value in {**SAFE, **values}.items():
        text = text.replace(key, value)
    return text


def strict_json(text: str) -> Any:
    """Parse as a JSON parser that follows the standard does: NaN, Infinity and -Infinity are errors."""

    def refuse(constant: str) -> Any:
        raise AssertionError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def test_the_safe_values_load(tmp_path: Path) -> None:
    write_workspace(tmp_path, definitions())
    found, issues = load_definitions(tmp_path)
    assert issues == []
    assert [t.target for t in found.targets] == [100.0, None]


def place(text: str, written: str) -> str:
    """line:column (from 1) of the first character of `written` in `text`."""
    offset = text.index(written)
    line = text.count("\n", 0, offset) + 1
    return f"{line}:{offset - (text.rfind(chr(10), 0, offset) + 1) + 1}"


@pytest.mark.parametrize("field", list(FIELDS))
@pytest.mark.parametrize("written", list(NOT_REAL))
def test_a_number_that_is_not_real_is_refused_where_it_is(tmp_path: Path, field: str, written: str) -> None:
    name, key = FIELDS[field]
    text = definitions(**{field: written})
    write_workspace(tmp_path, text)
    where = place(text, f"{key}: {written}")
    line, column = where.split(":")
    where = f"{line}:{int(column) + len(key) + 2}"  # the value, after `key: `
    found, issues = load_definitions(tmp_path)
    assert [(str(issue.location), issue.code, issue.field) for issue in issues] == [
        (f"definitions/main.yaml:{where}", "definitions.not_finite", name)
    ]
    assert str(issues[0].message) == f"'{name}': {NOT_REAL[written]} is not a finite number"
    assert str(issues[0].hint) == "write a number such as 0.9; NaN, infinities and numbers beyond 1e308 cannot be used"
    # The item with it (of one source, one KPI, two targets and one goal) is left out: nothing is judged against it.
    assert len(found.sources) + len(found.kpis) + len(found.targets) + len(found.goals) == 4


def test_a_nan_target_stops_the_scorecard_instead_of_judging_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_workspace(tmp_path, definitions(TARGET=".nan"))
    code, out, _ = kpilot(capsys, "scorecard", "--period", "2025-01", "--format", "json", "-w", str(tmp_path))
    assert code == 1
    assert "off track" not in out
    # What --format json prints is the error, itself strict JSON (no NaN value), naming the problem where it is.
    [issue] = strict_json(out)["error"]["issues"]
    assert (issue["code"], issue["field"], issue["location"]) == (
        "definitions.not_finite",
        "target",
        {"file": "definitions/main.yaml", "line": 11, "column": 54},
    )
    assert issue["message"] == "'target': .nan is not a finite number"


def test_the_settings_refuse_them_too(tmp_path: Path) -> None:
    # No setting is a float yet; the rule is on every definitions model, so a float setting added later has it.
    from kpilot.definitions.base import Frozen

    assert Frozen.model_config.get("allow_inf_nan") is False


# -- JSON ----------------------------------------------------------------------------------------------------------


def test_json_text_writes_null_for_every_value_that_is_not_real() -> None:
    data = {
        "nan": math.nan,
        "inf": math.inf,
        "rows": [{"minus": -math.inf, "decimal": Decimal("NaN"), "huge": Decimal("Infinity")}, (1.5, math.nan)],
        "fine": 2.5,
    }
    assert strict_json(output.json_text(data)) == {
        "nan": None,
        "inf": None,
        "rows": [{"minus": None, "decimal": None, "huge": None}, [1.5, None]],
        "fine": 2.5,
    }


def test_json_text_itself_refuses_a_value_that_escaped_the_mapping(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(output, "plain", lambda value: value)  # as if a new path forgot to map a value
    with pytest.raises(ValueError, match="not JSON compliant"):
        output.json_text({"value": math.nan})


def test_to_json_of_a_result_with_nan_and_infinity() -> None:
    table = pa.table({"period": ["2025-01", "2025-02", "2025-03"], "ratio": [math.nan, math.inf, 0.25]})
    assert strict_json(output.to_json(table)) == [
        {"period": "2025-01", "ratio": None},
        {"period": "2025-02", "ratio": None},
        {"period": "2025-03", "ratio": 0.25},
    ]


def test_every_cli_json_writer_goes_through_json_text() -> None:
    cli = Path(output.__file__).parent
    writers = {path.name: path.read_text(encoding="utf-8").count("json.dumps(") for path in sorted(cli.glob("*.py"))}
    assert {name: count for name, count in writers.items() if count and name != "output.py"} == {}


DATA = """\
sources:
  - name: sales
    table: sales
    time: day
    measures:
      - {name: amount, agg: sum, expr: amount}
kpis:
  - {name: revenue, formula: amount}
targets:
  - {kpi: revenue, every: month, target: 100}
goals:
  - name: growth
    kpis:
      - {kpi: revenue, weight: 1}
"""


@pytest.mark.parametrize(
    "command",
    [
        ["compute", "revenue", "--grain", "month", "--format", "json"],
        ["scorecard", "--period", "2025-02", "--format", "json"],
        ["matrix", "--period", "2025-02", "--format", "json"],
    ],
    ids=["compute", "scorecard", "matrix"],
)
def test_data_with_infinity_and_nan_gives_strict_json(
    workspace_factory: Callable[..., Workspace], capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    # January's amounts add up to infinity, February's to NaN (infinity minus infinity), March's to 5.
    amounts = [math.inf, 1.0, math.inf, -math.inf, 5.0]
    days = ["2025-01-05", "2025-01-06", "2025-02-03", "2025-02-04", "2025-03-01"]
    tables = {"sales": pa.table({"day": pa.array(days).cast(pa.date32()), "amount": amounts})}
    ws = workspace_factory(DATA, tables)
    ws.close()
    code, out, _ = kpilot(capsys, *command, "-w", str(ws.root))
    assert code == 0
    assert "NaN" not in out
    assert "Infinity" not in out
    found = strict_json(out)
    if command[0] == "compute":
        assert [(row["period"], row["revenue"]) for row in found] == [
            ("2025-01-01", None),
            ("2025-02-01", None),
            ("2025-03-01", 5.0),
        ]
