"""Bounded parsing: YAML that expands, huge or deep files, thousands of definitions, formulas with long chains and
deep nesting, and text a database cannot hold. Each input gets a clear problem (or the right number), never a
hang, a RecursionError or a failure inside the warehouse."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kpilot import Workspace
from kpilot.definitions import yaml_source
from kpilot.definitions.loader import load_definitions
from kpilot.definitions.model import Definitions, Kpi
from kpilot.errors import FormulaError, QueryError, UserError, ValidationFailed
from kpilot.formula.ast import Binary, Node, Number
from kpilot.formula.check import MAX_TREE_DEPTH, children
from kpilot.formula.parser import BALANCE_AFTER, parse
from kpilot.i18n import Message, Raw
from kpilot.semantic import resolve
from kpilot.semantic.resolve import MAX_EXPANDED_SIZE, MAX_LAGGED, SemanticModel
from tests.support import rows, run_cli, write_workspace

# The classic: nine levels of lists of ten aliases of the level below, 10**9 strings in 1.2 KB.
BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
sources: *i
"""

SALES = """\
sources:
  - name: sales
    table: sales
    measures:
      - {name: amount, agg: sum, expr: amount}
      - {name: orders, agg: count}
"""


def kpilot(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Run the CLI; the exit code and everything it printed (stdout and stderr together)."""
    code, out, err = run_cli(capsys, *args)
    return code, out + err


def depth(node: Node) -> int:
    deepest, stack = 0, [(node, 1)]
    while stack:
        current, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children(current))
    return deepest


# -- YAML --------------------------------------------------------------------------------------------------------


def test_billion_laughs_is_refused_at_the_first_anchor(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_workspace(tmp_path, SALES)
    (tmp_path / "definitions" / "laughs.yaml").write_text(BILLION_LAUGHS)
    began = time.perf_counter()
    code, output = kpilot(capsys, "validate", "--no-data", "-w", str(tmp_path))
    # Expanding it takes minutes and gigabytes; refusing it is a matter of milliseconds (the bound is generous).
    assert time.perf_counter() - began < 5
    assert code == 1
    assert "definitions/laughs.yaml:1:4: error: YAML anchor '&a' is not allowed" in output
    assert "write the values out in full" in output


def test_an_alias_in_the_settings_is_refused_where_it_is(tmp_path: Path) -> None:
    write_workspace(tmp_path, SALES)
    (tmp_path / "kpilot.yaml").write_text("name: &n test\ncurrency: EUR\nlanguage: *n\n")
    with pytest.raises(ValidationFailed) as failed:
        Workspace(tmp_path)
    assert [str(issue.location) for issue in failed.value.issues] == ["kpilot.yaml:1:7"]
    assert failed.value.issues[0].message == Message("definitions.yaml_anchor", name="n")
    assert "YAML anchor '&n' is not allowed" in str(failed.value.issues[0].message)


def test_an_alias_alone_is_refused(tmp_path: Path) -> None:
    write_workspace(tmp_path, SALES + "kpis:\n  - {name: revenue, formula: *x}\n")
    _, issues = load_definitions(tmp_path)
    assert [(str(i.location), str(i.message)) for i in issues] == [
        ("definitions/main.yaml:8:30", "YAML alias '*x' is not allowed")
    ]


def test_a_file_over_the_size_limit_is_one_problem(tmp_path: Path) -> None:
    write_workspace(tmp_path, SALES)
    padding = "# " + "x" * 1000 + "\n"
    big = tmp_path / "definitions" / "big.yaml"
    big.write_text(padding * (yaml_source.MAX_FILE_BYTES // len(padding) + 1))
    assert big.stat().st_size > yaml_source.MAX_FILE_BYTES
    definitions, issues = load_definitions(tmp_path)
    assert [str(issue) for issue in issues] == [
        "definitions/big.yaml: error: file is larger than 4 MB, the limit for a kpilot YAML file "
        "(split the definitions into several files in definitions/)"
    ]
    assert [source.name for source in definitions.sources] == ["sales"]  # the other file still loads


@pytest.mark.parametrize("text", ["[" * 5000 + "]" * 5000, "{a: " * 3000 + "1" + "}" * 3000, "[" * 21 + "]" * 21])
def test_deep_nesting_is_a_problem_not_a_recursion_error(tmp_path: Path, text: str) -> None:
    write_workspace(tmp_path, SALES)
    (tmp_path / "definitions" / "deep.yaml").write_text(f"kpis: {text}\n")
    _, issues = load_definitions(tmp_path)
    assert len(issues) == 1
    assert issues[0].message == Message("definitions.nested_too_deeply", limit=20)
    assert str(issues[0].message) == "mappings and lists are nested more than 20 levels deep"
    assert issues[0].location.file == "definitions/deep.yaml"
    assert issues[0].location.line == 1


def test_nesting_up_to_the_limit_loads(tmp_path: Path) -> None:
    write_workspace(tmp_path, SALES)
    # The mapping at the top is one level, `kpis:`'s list a second, each item a third: 17 more lists fit.
    nested = "[" * 17 + "]" * 17
    (tmp_path / "definitions" / "nested.yaml").write_text(f"kpis:\n  - {{name: k, formula: amount, tags: {nested}}}\n")
    _, issues = load_definitions(tmp_path)
    assert all(issue.code != "definitions.nested_too_deeply" for issue in issues)


@pytest.mark.parametrize("number", ["9" * 5000, "0x" + "f" * 5000, "-" + "1_" * 2000 + "1"])
def test_a_number_too_long_for_python_is_a_problem(tmp_path: Path, number: str) -> None:
    write_workspace(tmp_path, SALES + f"kpis:\n  - name: k\n    formula: amount\n    at_risk: {number}\n")
    _, issues = load_definitions(tmp_path)
    assert [(str(i.location), i.code, str(i.message)) for i in issues] == [
        ("definitions/main.yaml:10:14", "definitions.long_number", "number of more than 1,000 digits")
    ]


def test_a_value_python_cannot_build_is_a_problem_at_it(tmp_path: Path) -> None:
    write_workspace(tmp_path, SALES + "targets:\n  - {kpi: revenue, period: 2025-02-30, target: 5}\n")
    _, issues = load_definitions(tmp_path)
    assert [(str(i.location), str(i.message)) for i in issues] == [
        ("definitions/main.yaml:8:28", "cannot read the value '2025-02-30': day is out of range for month")
    ]
    # Python's own words for what is wrong pass through untranslated, inside kpilot's message.
    assert issues[0].message.values["problem"] == Raw("day is out of range for month")
    assert str(issues[0].hint) == "put the value in quotes if it is text, or correct it"


# -- many definitions --------------------------------------------------------------------------------------------

KPI_COUNT = 5_000  # enough for a quadratic cost to show in the counts below (they are exact at any size)
LEVELS = (KPI_COUNT - 1).bit_length()  # halvings from the last KPI down to k0: 13


def many_kpis() -> str:
    """5,000 KPIs, each but the first using the KPI at half its number: a dependency tree 13 levels deep."""
    lines = [SALES, "kpis:", "  - {name: k0, formula: amount * 2}"]
    lines += [f"  - {{name: k{i}, formula: 'k{i // 2} + orders + {i}'}}" for i in range(1, KPI_COUNT)]
    return "\n".join(lines) + "\n"


def test_thousands_of_kpis_validate_and_each_formula_is_parsed_once_per_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_workspace(tmp_path, many_kpis())
    ws = Workspace(tmp_path)
    assert ws.validate(with_data=False) == []
    parsed: list[str] = []
    real_parse = resolve.parse

    def counting_parse(text: str) -> Any:
        parsed.append(text)
        return real_parse(text)

    monkeypatch.setattr(resolve, "parse", counting_parse)
    model = SemanticModel(ws.definitions)
    for kpi in ws.definitions.kpis:
        model.expand(kpi.name)
    # Expanding each KPI again inside every KPI that uses it parsed each formula once per user (~60,000 parses
    # here); once each is KPI_COUNT.
    assert len(parsed) == KPI_COUNT
    tree = model.expand(f"k{KPI_COUNT - 1}")
    assert len(parsed) == KPI_COUNT
    assert depth(tree) == 2 * LEVELS + 2  # two levels per KPI on the way down to k0, whose `amount * 2` is two more
    # Every KPI is a shared tree: k1 inside k3 is the very object the model gives for k1.
    k3 = model.expand("k3")
    assert isinstance(k3, Binary)
    assert isinstance(k3.left, Binary)
    assert k3.left.left is model.expand("k1")


def test_lookups_by_name_use_an_index_built_once() -> None:
    kpis = tuple(Kpi(name=f"k{i}", formula="x") for i in range(KPI_COUNT))
    first, second = Kpi(name="k7", formula="first"), Kpi(name="k7", formula="second")
    definitions = Definitions(kpis=(*kpis[:7], first, second, *kpis[8:]))
    assert definitions.kpi("k7") is first  # the first of two definitions with one name, as before
    assert definitions.kpi(f"k{KPI_COUNT - 1}") is kpis[-1]
    assert definitions.kpi("missing") is None
    index = definitions.__dict__["_kpis_by_name"]
    assert isinstance(index, dict)
    assert len(index) == KPI_COUNT
    assert definitions.kpi("k3") is index["k3"]
    assert definitions.__dict__["_kpis_by_name"] is index  # not rebuilt
    changed = definitions.model_copy(update={"kpis": (second,)})
    assert changed.kpi("k7") is second  # a copy does not keep the old index


def test_hints_among_thousands_of_names_come_from_an_index(tmp_path: Path) -> None:
    write_workspace(tmp_path, many_kpis() + "  - {name: broken, formula: ammount + k1999x}\n")
    ws = Workspace(tmp_path)
    [issue] = ws.validate(with_data=False)
    assert str(issue.message).startswith("KPI 'broken': unknown measure or KPI 'ammount'")
    assert issue.hint == Message("formula.did_you_mean", name="amount")
    assert issue.suggestions == ("amount",)
    assert ws.model.known_names is ws.model.known_names  # built once for all the unknown names


# -- long chains, deep nesting -----------------------------------------------------------------------------------


def test_long_chains_are_balanced_trees_and_short_ones_stay_left_associated() -> None:
    short = parse(" + ".join(f"x{i}" for i in range(BALANCE_AFTER)))
    assert depth(short) == BALANCE_AFTER
    assert depth(parse("+".join("a" * 1 for _ in range(5000)))) == 14  # 5,000 terms: log2 5000 rounded up, + 1
    assert depth(parse(" or ".join(f"n={i}" for i in range(1000)))) == 12
    assert depth(parse(" and ".join("b" for _ in range(1500)))) == 12
    assert depth(parse("*".join("a" for _ in range(4000)))) == 13


def test_a_long_chain_with_minus_sums_the_added_and_the_subtracted_terms_apart() -> None:
    terms = [f"x{i}" for i in range(40)]
    text = terms[0] + "".join(f" {'-' if i % 2 else '+'} {term}" for i, term in enumerate(terms[1:], start=1))
    tree = parse(text)
    assert isinstance(tree, Binary)
    assert tree.op == "-"
    assert sorted(leaf.span.start for leaf in _leaves(tree.left)) == [text.index(t + " ") for t in terms[0::2]]
    assert tree.span.start == 0
    assert tree.span.end == len(text)


def _leaves(node: Node) -> list[Node]:
    parts = children(node)
    return [leaf for part in parts for leaf in _leaves(part)] if parts else [node]


def test_divisions_keep_their_order_between_grouped_products() -> None:
    text = " * ".join(["a"] * 40) + " / b * c * d / e"
    tree = parse(text)
    # ((a * (a * ... * a)) / b) * (c * d)) / e, the other 39 a's balanced: 7 levels, and 4 more above them.
    assert isinstance(tree, Binary)
    assert tree.op == "/"
    assert tree.right.span.start == text.index("e")
    assert isinstance(tree.left, Binary)
    assert tree.left.op == "*"
    assert isinstance(tree.left.left, Binary)
    assert tree.left.left.op == "/"
    assert depth(tree) == 11


SERIES = """\
sources:
  - name: t
    table: t
    dimensions: [n]
    measures:
      - {name: x, agg: sum, expr: x}
      - {name: rows, agg: count}
      - {name: picked, agg: count, filter: "FILTER"}
kpis:
  - {name: total, formula: "TOTAL"}
  - {name: picked_rows, formula: picked}
  - {name: counted, formula: rows}
"""


def series(workspace_factory: Callable[..., Workspace], *, total: str, picked: str) -> Workspace:
    # n = 0 .. 1999, x = n: 2,000 rows.
    tables = {"t": {"n": list(range(2000)), "x": [float(n) for n in range(2000)]}}
    return workspace_factory(SERIES.replace("FILTER", picked).replace("TOTAL", total), tables)


def test_a_kpi_of_5000_terms_computes(workspace_factory: Callable[..., Workspace]) -> None:
    # 5,000 times the sum of x: 5000 * (0 + 1 + ... + 1999) = 5000 * 1,999,000.
    ws = series(workspace_factory, total="+".join(["x"] * 5000), picked="n = 0")
    assert ws.validate() == []
    assert rows(ws.compute(["total"], grain="all")) == [(9_995_000_000.0,)]


def test_a_filter_and_a_where_of_1000_ors_compute(workspace_factory: Callable[..., Workspace]) -> None:
    evens = " or ".join(f"n={n}" for n in range(0, 2000, 2))  # 1,000 terms: the even n
    ws = series(workspace_factory, total="x", picked=evens)
    assert ws.validate() == []
    assert rows(ws.compute(["picked_rows"], grain="all")) == [(1000,)]
    below = " or ".join(f"n={n}" for n in range(1000))  # n < 1000: 1,000 rows, 500 of them even
    assert rows(ws.compute(["counted", "picked_rows"], grain="all", where=below)) == [(1000, 500)]


def test_a_kpi_summing_1000_measures_computes(workspace_factory: Callable[..., Workspace]) -> None:
    measures = "\n".join(f"      - {{name: m{i}, agg: sum, expr: x + {i}}}" for i in range(1000))
    formula = "+".join(f"m{i}" for i in range(1000))
    kpis = f"kpis:\n  - {{name: all_of_them, formula: '{formula}'}}\n"
    definitions = f"sources:\n  - name: t\n    table: t\n    measures:\n{measures}\n{kpis}"
    ws = workspace_factory(definitions, {"t": {"x": [1, 2]}})
    assert ws.validate() == []
    # Each m_i is (1 + i) + (2 + i) = 3 + 2i; summed over i = 0..999: 3 * 1000 + 2 * 499,500 = 1,002,000.
    assert rows(ws.compute(["all_of_them"], grain="all")) == [(1_002_000,)]


def test_kpis_built_on_kpis_thousands_deep_compute(workspace_factory: Callable[..., Workspace]) -> None:
    # Each KPI names the one before: 3,000 KPIs, and the last is still `x`, one level deep once written out.
    chain = "\n".join(f"  - {{name: a{i}, formula: a{i - 1}}}" for i in range(1, 3000))
    ws = series(workspace_factory, total="x", picked="n = 0")
    (ws.root / "definitions" / "chain.yaml").write_text(f"kpis:\n  - {{name: a0, formula: x}}\n{chain}\n")
    ws = Workspace(ws.root)
    try:
        assert ws.validate() == []
        assert rows(ws.compute(["a2999"], grain="all")) == [(1_999_000.0,)]
    finally:
        ws.close()


def test_a_formula_nested_too_deeply_once_written_out_is_a_problem(tmp_path: Path) -> None:
    # Each layer adds one level: a0 is `amount` (1 level), a_i is `a_(i-1) + 1`.
    layers = "\n".join(f"  - {{name: a{i}, formula: a{i - 1} + 1}}" for i in range(1, 250))
    write_workspace(tmp_path, SALES + f"kpis:\n  - {{name: a0, formula: amount}}\n{layers}\n")
    ws = Workspace(tmp_path)
    issues = ws.validate(with_data=False)
    first = f"a{MAX_TREE_DEPTH}"
    assert {str(issue.message).split(":")[0] for issue in issues} == {f"KPI 'a{i}'" for i in range(MAX_TREE_DEPTH, 250)}
    [own] = [issue for issue in issues if str(issue.message).startswith(f"KPI '{first}'")]
    assert own.message.values["problem"] == Message(
        "semantic.too_deep_expanded", depth=MAX_TREE_DEPTH + 1, limit=MAX_TREE_DEPTH
    )
    assert str(own.message) == (
        f"KPI '{first}': formula is nested too deeply once the KPIs it uses are written out "
        f"({MAX_TREE_DEPTH + 1} levels; the limit is {MAX_TREE_DEPTH})"
    )
    # At the name of the KPI that makes it deep, the first thing in `  - {name: a200, formula: a199 + 1}`.
    assert str(own.location) == f"definitions/main.yaml:{8 + MAX_TREE_DEPTH}:{24 + len(str(MAX_TREE_DEPTH))}"
    # Further up, the problem is named once, with the KPI that has it, however long the chain.
    [last] = [issue for issue in issues if str(issue.message).startswith("KPI 'a249'")]
    assert str(last.message) == (
        f"KPI 'a249': KPI 'a248' used here has a problem (through KPI '{first}'): formula is nested too deeply once "
        f"the KPIs it uses are written out ({MAX_TREE_DEPTH + 1} levels; the limit is {MAX_TREE_DEPTH})"
    )
    with pytest.raises(QueryError, match="nested too deeply once the KPIs it uses are written out"):
        ws.compute([first], grain="all")


def test_a_kpi_repeated_into_a_huge_formula_is_a_problem(tmp_path: Path) -> None:
    # d_i = d_(i-1) + d_(i-1): 2**(i+1) - 1 nodes once written out (a few dozen lines, a tree of billions).
    layers = "\n".join(f"  - {{name: d{i}, formula: d{i - 1} + d{i - 1}}}" for i in range(1, 60))
    write_workspace(tmp_path, SALES + f"kpis:\n  - {{name: d0, formula: amount}}\n{layers}\n")
    ws = Workspace(tmp_path)
    issues = ws.validate(with_data=False)
    too_large = next(i for i in range(60) if 2 ** (i + 1) - 1 > MAX_EXPANDED_SIZE)
    assert str(issues[0].message) == (
        f"KPI 'd{too_large}': formula is too large once the KPIs it uses are written out "
        f"({2 ** (too_large + 1) - 1:,} parts; the limit is {MAX_EXPANDED_SIZE:,})"
    )
    assert len(issues) == 60 - too_large
    assert SemanticModel(ws.definitions).expand(f"d{too_large - 1}") is not None


def test_a_formula_just_within_the_depth_limit_computes(workspace_factory: Callable[..., Workspace]) -> None:
    # f0 = x, f_k = coalesce(2 * x - 1 * f_(k-1)) = x: three levels a step, 21 steps and x itself, 64 levels. The
    # sum of x is 1,999,000.
    formula = "coalesce(2 * x - 1 * " * 21 + "x" + ")" * 21
    assert depth(parse(formula)) == MAX_TREE_DEPTH
    ws = series(workspace_factory, total=formula, picked="n = 0")
    assert ws.validate() == []
    assert rows(ws.compute(["total"], grain="all")) == [(1_999_000.0,)]


def test_previous_nested_up_to_the_limit_computes_and_beyond_is_a_problem(
    workspace_factory: Callable[..., Workspace],
) -> None:
    lagged = "previous(" * MAX_LAGGED + "units" + ")" * MAX_LAGGED
    beyond = "growth(" + lagged + ")"
    definitions = (
        "sources:\n  - name: s\n    table: s\n    time: day\n    measures:\n"
        "      - {name: units, agg: sum, expr: units}\n"
        f"kpis:\n  - {{name: lagged, formula: '{lagged}'}}\n"
    )
    # One row on the first of each month of 2025, units = the month's number.
    days = [date(2025, month, 1) for month in range(1, 13)]
    tables = {"s": {"day": days, "units": list(range(1, 13))}}
    [issue] = workspace_factory(definitions + f"  - {{name: beyond, formula: '{beyond}'}}\n", tables).validate()
    assert str(issue.message) == (
        f"KPI 'beyond': previous() and growth() are nested {MAX_LAGGED + 1} deep once the KPIs it uses are written "
        f"out; the limit is {MAX_LAGGED}"
    )
    # Ten months back: November shows January's 1 and December February's 2; before, months of 2024 without rows,
    # whose sum is 0.
    ws = workspace_factory(definitions, tables)
    assert ws.validate() == []
    result = ws.compute(["lagged"], start="2025-01-01", end="2025-12-31")
    assert rows(result) == [(day, 0) for day in days[:10]] + [(days[10], 1), (days[11], 2)]


@pytest.mark.parametrize(
    "formula",
    [
        "/".join(["amount"] * 1000),  # a chain of divisions stays in order, one level each
        "coalesce(amount + 2 * " * 99 + "amount" + ")" * 99,  # within the parser's nesting, 297 levels
    ],
    ids=["divisions", "nested calls"],
)
def test_a_formula_too_deep_is_a_problem_and_not_a_recursion_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], formula: str
) -> None:
    write_workspace(tmp_path, SALES + f"kpis:\n  - {{name: deep, formula: '{formula}'}}\n")
    code, output = kpilot(capsys, "validate", "--no-data", "-w", str(tmp_path))
    assert code == 1
    assert f"KPI 'deep': formula is nested too deeply (more than {MAX_TREE_DEPTH} levels)" in output
    code, output = kpilot(capsys, "compute", "deep", "--grain", "all", "-w", str(tmp_path))
    assert code == 1
    assert "nested too deeply" in output


def test_a_where_nested_too_deeply_is_a_query_error(duckdb_factory: Callable[..., Workspace]) -> None:
    ws = duckdb_factory(SALES + "kpis:\n  - {name: revenue, formula: amount}\n", {"sales": {"amount": [1.0]}})
    where = "amount > " + "/".join(["amount"] * 300)
    with pytest.raises(QueryError, match=r"the filter \(where\) on source 'sales': formula is nested too deeply"):
        ws.compute(["revenue"], grain="all", where=where)


# -- text a database cannot hold ---------------------------------------------------------------------------------


ODD = """\
sources:
  - name: sales
    table: sales
    measures:
      - {name: odd, agg: count, filter: "region = 'noCHARpe'"}
kpis:
  - {name: odd_orders, formula: odd}
"""


@pytest.mark.parametrize(
    ("escape", "shown", "code", "why"),
    [
        ("\\0", "U+0000", "unstorable", "which a database text cannot hold"),
        ("\\x01", "U+0001", "control_character", "a control character"),
        ("\\x9b", "U+009B", "control_character", "a control character"),
    ],
)
def test_a_control_character_in_a_string_literal_is_refused_where_it_is(
    duckdb_factory: Callable[..., Workspace], escape: str, shown: str, code: str, why: str
) -> None:
    # YAML's double-quoted escapes put the character into the filter text, right after `'no`.
    ws = duckdb_factory(ODD.replace("CHAR", escape), {"sales": {"region": ["x"]}})
    [issue] = ws.validate()
    assert issue.message.values["problem"].code == f"formula.string_{code}"
    assert str(issue.message).startswith(
        f"measure 'sales.odd' filter: string starting at column 10 contains {shown} at column 13, {why}"
    )
    assert str(issue.location) == "definitions/main.yaml:5:54"  # the character itself
    # The formula is shown with the character replaced, so that it cannot drive the terminal (U+009B is an escape).
    assert str(issue.message).endswith("\n    region = 'no\ufffdpe'\n                ^")
    with pytest.raises(UserError) as raised:
        ws.compute(["odd_orders"], grain="all")
    assert f"contains {shown} at column 13" in str(raised.value)


def test_a_control_character_in_a_where_is_a_query_error(duckdb_factory: Callable[..., Workspace]) -> None:
    ws = duckdb_factory(
        SALES + "kpis:\n  - {name: revenue, formula: amount}\n", {"sales": {"amount": [1.0], "region": ["x"]}}
    )
    for char in ("\x00", "\udcff"):  # the second is what Python makes of an undecodable byte in a command line
        with pytest.raises(QueryError) as raised:
            ws.compute(["revenue"], grain="all", where=f"region = 'a{char}'")
        assert "which a database text cannot hold" in str(raised.value.message)
    # Tabs and line breaks are text like any other.
    assert rows(ws.compute(["revenue"], grain="all", where="region != 'a\tb\nc'")) == [(1.0,)]


def test_formula_error_points_at_the_character() -> None:
    with pytest.raises(FormulaError) as raised:
        parse("region = 'ab\x00'")
    assert raised.value.offset == 12
    assert raised.value.snippet().endswith("\n    " + " " * 12 + "^")


# Found by the atheris run (tests/security/atheris_fuzz.py): inputs that crashed before the fix.


@pytest.mark.parametrize("formula", ["clicks > 9223372036854775808", "78888888888888888887 + clicks"])
def test_a_whole_number_past_64_bits_is_refused_clearly(formula: str) -> None:
    with pytest.raises(FormulaError, match="is larger than 9_223_372_036_854_775_807"):
        parse(formula)


def test_the_largest_whole_number_is_accepted() -> None:
    assert parse("9223372036854775807") == Number(9223372036854775807, parse("9223372036854775807").span)


UNREADABLE = (
    "definitions/main.yaml: error: invalid YAML: a value cannot be read "
    "(put the value in quotes if it is text, or correct it)"
)
EXPECTED_YAML_ISSUES = {
    "-_\n": [UNREADABLE],
    "kpis: -_\n": [UNREADABLE],
    "!!\n": [
        "definitions/main.yaml: error: a definitions file must be a mapping with 'sources:', 'kpis:', 'targets:' "
        "and/or 'goals:'"
    ],
    "kpis: !!\n": ["definitions/main.yaml:1:7: error: 'kpis' must be a list (each item starting with '- ')"],
}


@pytest.mark.parametrize("text", ["-_\n", "kpis: -_\n", "!!\n", "kpis: !!\n"])
def test_yaml_values_ruamel_cannot_build_are_issues(tmp_path: Path, text: str) -> None:
    write_workspace(tmp_path, text)
    issues = Workspace(tmp_path).validate(with_data=False)
    assert [str(issue) for issue in issues] == EXPECTED_YAML_ISSUES[text]
