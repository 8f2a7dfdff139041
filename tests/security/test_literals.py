"""Values from --where, scopes and filters reach the warehouse as literals that mean exactly what was written.

On PostgreSQL a server (or database) may run with `standard_conforming_strings = off`, where a backslash in a
string escapes the next character: the literal 'a\\' would then swallow its closing quote and let the rest of the
filter through as SQL. kpilot's sessions turn the setting on, so every test here runs against a database set to
`off` and one set to `on` (and on DuckDB). Each row's amount is a distinct power of two, so the total of a filtered
KPI says exactly which rows matched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from kpilot import Workspace
from kpilot.errors import UserError
from tests.security.warehouse_support import ad_rows, kpilot

NAMES = [
    "a\\",
    "a\\' or 1=1 --",
    "it's",
    "O'Brien\\",
    "\\'",
    "back\\slash",
    "two\\\\backslashes",
    "zażółć ☃ 中文",
    "emoji 😀",
    "plain",
    "50%_like",
    "tab\there",
]
AMOUNTS = [2**i for i in range(len(NAMES))]
ALL = sum(AMOUNTS)
PEOPLE = {"name": NAMES, "amount": AMOUNTS}
DEFINITIONS = """\
sources:
  - name: people
    table: people
    dimensions: [name]
    measures:
      - {name: total, agg: sum, expr: amount}
      - {name: matched, agg: count}
      - {name: backslashed, agg: sum, expr: amount, filter: "name = 'a\\\\'"}
kpis:
  - {name: total, formula: total}
  - {name: matched, formula: matched}
  - {name: backslashed, formula: backslashed}
"""


def quoted(value: str) -> str:
    """A string literal of kpilot's formula language: single quotes, '' for a quote, nothing else escaped."""
    return "'" + value.replace("'", "''") + "'"


@pytest.fixture(params=["on", "off"])
def strings(request: pytest.FixtureRequest, backend: str) -> Iterator[str]:
    """The database's own standard_conforming_strings, set before kpilot connects (PostgreSQL only)."""
    setting = str(request.param)
    if "://" not in backend:
        if setting == "off":
            pytest.skip("DuckDB has no such setting: a backslash is always an ordinary character")
        yield setting
        return
    database = backend.rsplit("/", 1)[1]
    with psycopg.connect(backend, autocommit=True) as admin:
        admin.execute(f"ALTER DATABASE {database} SET standard_conforming_strings = {setting}")
    with psycopg.connect(backend, autocommit=True) as plain:  # a session that does not ask: the server's default
        assert plain.execute("SHOW standard_conforming_strings").fetchone() == (setting,)
    yield setting


@pytest.fixture
def people(strings: str, workspace_factory: Callable[..., Workspace]) -> Workspace:
    return workspace_factory(DEFINITIONS, {"people": PEOPLE})


def total(ws: Workspace, where: str | None, scope: dict[str, str] | None = None) -> tuple[int, int]:
    """(sum of amounts, number of rows) of the rows `where` (and `scope`) keep, over all time."""
    result = ws.compute(["total", "matched"], grain="all", where=where, scope=scope).to_pylist()
    assert len(result) == 1
    return (result[0]["total"] or 0), result[0]["matched"]


def test_each_value_matches_exactly_its_own_row(people: Workspace) -> None:
    for name, amount in zip(NAMES, AMOUNTS, strict=True):
        assert total(people, f"name = {quoted(name)}") == (amount, 1), name
        assert total(people, f"name != {quoted(name)}") == (ALL - amount, len(NAMES) - 1), name


def test_a_trailing_backslash_does_not_let_the_rest_through(people: Workspace) -> None:
    # With the server's strings off and no fix, the second literal becomes SQL: `or 1=1 --` selects every row.
    where = "name = 'a\\' or name = ' or 1=1 --' or name = 'x'"
    assert total(people, where) == (AMOUNTS[NAMES.index("a\\")], 1)
    where = "name = 'a\\' and name = ') or (1=1) or (name = '"
    assert total(people, where) == (0, 0)


def test_scopes_and_definition_filters_hold_backslashes(people: Workspace) -> None:
    assert total(people, None, {"name": "O'Brien\\"}) == (AMOUNTS[NAMES.index("O'Brien\\")], 1)
    # The measure's own filter (name = 'a\') in the definitions.
    result = people.compute(["backslashed"], grain="all").to_pylist()
    assert result == [{"backslashed": AMOUNTS[NAMES.index("a\\")], "partial": False}]


def test_the_session_uses_standard_strings(people: Workspace, backend: str) -> None:
    if "://" in backend:
        session = people.warehouse.con.raw_sql("SHOW standard_conforming_strings").fetchone()
        assert session == ("on",)
    # And the SQL kpilot shows has the backslash as written, nothing doubled.
    assert "'a\\'" in people.sql(["total"], grain="all", where="name = 'a\\'")


def test_the_cli_filter_matches_one_row(people: Workspace, backend: str, capsys: pytest.CaptureFixture[str]) -> None:
    root = people.root
    people.close()
    where = "name = 'a\\' or name = ' or 1=1 --' or name = 'x'"
    code, text = kpilot(
        capsys, "compute", "total", "matched", "--grain", "all", "--where", where, "-w", str(root), "--format", "csv"
    )
    assert (code, text) == (0, f"total,matched,partial\n{AMOUNTS[0]},1,false\n")
    assert ad_rows(backend, root, "people") == len(NAMES)


@pytest.mark.parametrize("value", ["a\x00", "\x00", "x\x00' or 1=1 --"])
def test_a_nul_is_refused_clearly(people: Workspace, backend: str, value: str) -> None:
    # PostgreSQL text cannot hold NUL, and both databases would end the statement at it: the formula reader
    # refuses it before any SQL is written.
    with pytest.raises(UserError) as caught:
        people.compute(["total"], grain="all", where=f"name = {quoted(value)}")
    assert "U+0000" in str(caught.value.message)
    assert caught.value.field == "where"
    assert caught.value.hint
    root: Path = people.root
    people.close()
    assert ad_rows(backend, root, "people") == len(NAMES)
