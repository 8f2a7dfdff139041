"""`explain` of an average (an `avg` measure): split as the ratio sum / count of its values, into rate and mix, and
written in the KPI's unit. Rows worked out by hand:

    month    team  hours  priority
    2025-10  A     2      normal
    2025-10  A     4      normal
    2025-10  A     100    test      the measure's filter leaves it out
    2025-10  B     10     normal
    2025-10  B     14     normal
    2025-10  B     (none) normal    no value: neither in the sum nor in the count
    2025-11  A     2, 3, 4 normal
    2025-11  B     27     normal
    2025-11  B     50     test      left out

October: A sum 6 of 2 (mean 3), B 24 of 2 (mean 12): 30 / 4 = 7.5 h. November: A 9 of 3 (mean 3), B 27 of 1 (27):
36 / 4 = 9 h; +1.5 h. Shares of the count: A 0.5 -> 0.75, B 0.5 -> 0.25; the mean of the two months is 8.25 h.

    A  rate (3 - 3) x (0.5 + 0.75) / 2              =  0
       mix  (0.75 - 0.5) x ((3 + 3) / 2 - 8.25)     = -1.3125 h   more tickets went to the faster team
    B  rate (27 - 12) x (0.5 + 0.25) / 2            = +5.625 h    B's own mean rose
       mix  (0.25 - 0.5) x ((12 + 27) / 2 - 8.25)   = -2.8125 h   fewer tickets to the slower team
                                              total = +1.5 h
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpilot import Workspace
from kpilot.analysis.change import ratio_change
from kpilot.analysis.ratio_parts import ratio_parts
from kpilot.auth.actor import Actor
from kpilot.definitions.model import Aggregation
from kpilot.errors import InternalError
from kpilot.i18n import Language, render
from kpilot.services.explain import Method, explain, headline
from tests.support import make_workspace, run_cli

DEFINITIONS = """\
sources:
  - name: tickets
    table: tickets
    time: day
    dimensions: [team]
    measures:
      - {name: response_hours, agg: avg, expr: hours, filter: "priority != 'test'"}
      - {name: response_hours__sum, agg: sum, expr: hours}
      - {name: response_hours_median, agg: median, expr: hours}
      - {name: tickets, agg: count}
kpis:
  - name: response_time
    label: Response time
    formula: tickets.response_hours
    unit: duration
    time_unit: hours
    direction: down
  - {name: response_minutes, formula: response_time * 60, unit: duration, time_unit: minutes, direction: down}
  - {name: response_days, formula: tickets.response_hours / 24, unit: duration, time_unit: days, direction: down}
  - {name: response_median, formula: tickets.response_hours_median, unit: duration, time_unit: hours}
  - {name: hours_per_ticket, formula: tickets.response_hours / tickets.tickets}
"""
OCTOBER, NOVEMBER = date(2025, 10, 6), date(2025, 11, 4)
TICKETS = {
    "day": [OCTOBER] * 6 + [NOVEMBER] * 5,
    "team": ["A", "A", "A", "B", "B", "B", "A", "A", "A", "B", "B"],
    "hours": [2.0, 4.0, 100.0, 10.0, 14.0, None, 2.0, 3.0, 4.0, 27.0, 50.0],
    "priority": ["normal", "normal", "test", "normal", "normal", "normal"] + ["normal"] * 4 + ["test"],
}
TODAY = date(2026, 1, 10)
OPERATOR = Actor.operator()


@pytest.fixture(scope="module")
def tickets(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    root = tmp_path_factory.mktemp("average") / "ws"
    with make_workspace(root, DEFINITIONS, {"tickets": TICKETS}) as workspace:
        yield workspace


def test_an_average_is_its_sum_over_the_count_of_its_values(tickets: Workspace) -> None:
    parts = ratio_parts(tickets.model, "response_time")
    assert parts is not None
    # The source has a measure named response_hours__sum already: the part takes the next free name.
    assert (parts.numerator, parts.denominator, parts.factor) == (
        "tickets.response_hours__sum2", "tickets.response_hours__count", 1.0
    )  # fmt: skip
    (_, total), (_, count) = parts.measures
    assert (total.agg, count.agg) == (Aggregation.SUM, Aggregation.COUNT)
    assert (total.expr, total.filter) == (count.expr, count.filter) == ("hours", "priority != 'test'")


def test_an_average_splits_into_rate_and_mix_as_worked_out_by_hand(tickets: Workspace) -> None:
    (found,) = explain(None, OPERATOR, tickets, "response_time", period="2025-11", today=TODAY)
    assert (found.method, found.dimension) == (Method.RATIO, "team")
    change = found.change
    assert (change.before, change.after, change.change) == (pytest.approx(7.5), pytest.approx(9.0), pytest.approx(1.5))
    parts = {part.member: (part.before, part.after, part.rate, part.mix) for part in change.contributions}
    assert parts["A"] == (pytest.approx(3), pytest.approx(3), pytest.approx(0), pytest.approx(-1.3125))
    assert parts["B"] == (pytest.approx(12), pytest.approx(27), pytest.approx(5.625), pytest.approx(-2.8125))
    assert math.fsum(part.total for part in change.contributions) == pytest.approx(1.5)
    # Only B's rate moved the KPI the way it went (the mix parts are against it); 5.625 h is written as a table
    # writes a duration, one decimal (5.6 h), and so are the change and the two values.
    assert render(headline(found), Language.EN) == (
        "Response time rose 1.5 h, from 7.5 h to 9.0 h: 5.6 h because it rose within B"
    )


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (Language.IT, "Response time è salito di 1,5 h, da 7,5 h a 9,0 h: 5,6 h perché è salito in B"),
        (Language.PL, "Response time wzrósł o 1,5 godz., z 7,5 godz. do 9,0 godz.: 5,6 godz., bo wzrósł w B"),
        (Language.ZH, "Response time上升了 1.5 小时，从 7.5 小时 到 9.0 小时：5.6 小时，因为在B内上升"),
    ],
)
def test_the_sentence_writes_the_duration_in_every_language(
    tickets: Workspace, language: Language, expected: str
) -> None:
    (found,) = explain(None, OPERATOR, tickets, "response_time", period="2025-11", today=TODAY)
    assert render(headline(found), language) == expected


def test_a_factor_around_an_average_scales_every_part(tickets: Workspace) -> None:
    """In minutes (x 60): 450 -> 540 min, B's rate 5.625 x 60 = 337.5 min; in days (/ 24): 7.5 / 24 = 0.3125 ->
    9 / 24 = 0.375 days, B's rate 5.625 / 24 = 0.234375 days."""
    (minutes,) = explain(None, OPERATOR, tickets, "response_minutes", period="2025-11", today=TODAY)
    assert (minutes.method, minutes.change.before, minutes.change.after) == (Method.RATIO, 450, 540)
    rates = {part.member: part.rate for part in minutes.change.contributions}
    assert rates["B"] == pytest.approx(337.5)
    assert render(headline(minutes), Language.EN).endswith(": 337.5 min because it rose within B")
    (days,) = explain(None, OPERATOR, tickets, "response_days", period="2025-11", today=TODAY)
    assert (days.change.before, days.change.after) == (pytest.approx(0.3125), pytest.approx(0.375))
    assert {part.member: part.rate for part in days.change.contributions}["B"] == pytest.approx(0.234375)
    # Below 1, three significant digits, as in the tables: 0.0625 days of change, 0.234 days of B's rate.
    assert render(headline(days), Language.EN) == (
        "response_days rose 0.0625 days, from 0.312 days to 0.375 days: 0.234 days because it rose within B"
    )


def test_a_median_and_a_ratio_of_an_average_are_not_split(tickets: Workspace) -> None:
    """A median is no ratio of sums; an average over a count is a ratio whose numerator does not add up."""
    for kpi in ("response_median", "hours_per_ticket"):
        (found,) = explain(None, OPERATOR, tickets, kpi, period="2025-11", today=TODAY)
        assert found.method is Method.MEMBERS


def test_the_command_and_its_json(tickets: Workspace, capsys: pytest.CaptureFixture[str]) -> None:
    root = str(tickets.root)
    code, out, _ = run_cli(capsys, "explain", "response_time", "--period", "2025-11", "-w", root)
    assert code == 0
    assert "5.6 h because it rose within B" in out
    code, out, _ = run_cli(capsys, "explain", "response_time", "--period", "2025-11", "--format", "json", "-w", root)
    assert code == 0
    (data,) = json.loads(out)["explanations"]
    assert (data["method"], data["sentence"]) == (
        "ratio",
        "Response time rose 1.5 h, from 7.5 h to 9.0 h: 5.6 h because it rose within B",
    )
    assert (data["rate"], data["mix"]) == (pytest.approx(5.625), pytest.approx(-1.3125 - 2.8125))


# Tickets' response hours as the engine sums them (whole minutes, under a week), a team's list per period.
hours = st.integers(0, 7 * 24 * 60).map(lambda minutes: minutes / 60)
teams = st.dictionaries(st.sampled_from(["A", "B", "C", None]), st.lists(hours, max_size=6), max_size=4)


@given(teams, teams)
def test_an_averages_parts_add_up_to_the_change_of_the_mean(before: dict, after: dict) -> None:  # type: ignore[type-arg]
    """The mean of all tickets, worked out as a plain mean of the values, moves by the sum of the parts; each
    team's own value is its own mean."""
    explained = ratio_change(
        {team: (math.fsum(values), len(values)) for team, values in before.items()},
        {team: (math.fsum(values), len(values)) for team, values in after.items()},
    )
    everything, everything_after = [h for v in before.values() for h in v], [h for v in after.values() for h in v]
    if not everything or not everything_after:
        assert explained.contributions == ()
        return
    change = math.fsum(everything_after) / len(everything_after) - math.fsum(everything) / len(everything)
    assert explained.change == pytest.approx(change, abs=1e-9)
    assert math.fsum(part.total for part in explained.contributions) == pytest.approx(change, abs=1e-9)
    for part in explained.contributions:
        values = before.get(part.member) or []
        assert part.before == (pytest.approx(math.fsum(values) / len(values)) if values else None)


def test_the_parts_measures_must_be_new_and_of_a_known_source(tickets: Workspace) -> None:
    """Workspace.with_kpis adds the parts' measures to their source, and refuses what would replace or go nowhere."""
    parts = ratio_parts(tickets.model, "response_time")
    assert parts is not None
    (_, total), _ = parts.measures
    extended = tickets.with_kpis([], parts.measures)
    source = extended.definitions.source("tickets")
    written = tickets.definitions.source("tickets")
    assert source is not None
    assert written is not None
    assert source.measure(total.name) == total
    assert written.measure(total.name) is None  # the workspace itself keeps its definitions
    with pytest.raises(InternalError):
        extended.with_kpis([], parts.measures)  # they are the source's measures now
    with pytest.raises(InternalError):
        tickets.with_kpis([], [("nowhere", total)])
