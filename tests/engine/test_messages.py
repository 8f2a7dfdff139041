"""The engine's messages are codes with values, worded by the catalogue in every language: the field a request
problem concerns, the values a reader may have meant, and the words each language writes for them. Expected texts
are written out by hand from engine.yaml and the CLDR date patterns of core.yaml."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from kpilot import QueryError, Workspace
from kpilot.definitions.goals_model import Target, TargetType
from kpilot.engine.arguments import grain_of
from kpilot.engine.periods import Calendar, Grain, grain_plural, grain_word, periods_count
from kpilot.engine.preflight import SourceProblems
from kpilot.engine.target_checks import missing_values, scope_text
from kpilot.i18n import Language, Message, render

Factory = Callable[..., Workspace]
DEFINITIONS = """
sources:
  - name: ads
    table: ads
    time: day
    dimensions: [channel]
    measures:
      - {name: clicks, agg: sum, expr: clicks}
kpis:
  - {name: clicks, formula: clicks}
"""
TABLES = {"ads": {"day": [date(2025, 1, 5)], "channel": ["search"], "clicks": [10]}}
PERIODS = [grain for grain in Grain if grain is not Grain.ALL]


@pytest.mark.parametrize("grain", PERIODS)
@pytest.mark.parametrize("language", list(Language))
def test_every_grain_has_its_words_in_every_language(grain: Grain, language: Language) -> None:
    """The grain words are looked up from tables of codes, which the catalogue test cannot see in the source."""
    for message in (grain_word(grain), grain_plural(grain), periods_count(3, grain)):
        assert render(message, language)


@pytest.mark.parametrize(
    ("count", "english", "polish"),
    [
        (1, "1 month", "1 miesiąc"),
        (3, "3 months", "3 miesiące"),
        (5, "5 months", "5 miesięcy"),
        (22, "22 months", "22 miesiące"),
        (1000000, "1000000 months", "1000000 miesięcy"),  # digits as written: a shift, not an amount
    ],
)
def test_counts_of_periods_follow_each_language_s_plural(count: int, english: str, polish: str) -> None:
    message = periods_count(count, Grain.MONTH)
    assert (render(message), render(message, Language.PL)) == (english, polish)
    assert render(message, Language.ZH) == f"{count} 个月"


def test_a_request_problem_names_its_field_and_reads_in_each_language(duckdb_factory: Factory) -> None:
    ws = duckdb_factory(DEFINITIONS, TABLES)
    with pytest.raises(QueryError) as raised:
        ws.compute(["clicks"], start="2025-03-01", end="2025-01-01")
    error = raised.value
    assert (error.code, error.field) == ("engine.start_after_end", "start")
    assert error.message.values == {"start": date(2025, 3, 1), "end": date(2025, 1, 1)}
    assert error.describe() == "start 2025-03-01 is after end 2025-01-01"
    assert error.describe(Language.IT) == "l'inizio (start) 01/03/2025 è dopo la fine (end) 01/01/2025"
    assert error.describe(Language.PL) == "początek (start) 01.03.2025 jest po końcu (end) 01.01.2025"
    assert error.describe(Language.ZH) == "开始日期（start）2025年3月1日 晚于结束日期（end）2025年1月1日"


def test_a_missing_dimension_offers_the_close_name(duckdb_factory: Factory) -> None:
    ws = duckdb_factory(DEFINITIONS, TABLES)
    with pytest.raises(QueryError) as raised:
        ws.compute(["clicks"], by=["chanel"])
    error = raised.value
    assert (error.code, error.field, error.suggestions) == ("engine.source_lacks_dimension", "by", ("channel",))
    assert error.hint is not None
    assert (str(error.hint), render(error.hint, Language.IT)) == (
        "did you mean 'channel'?",
        "forse intendevi 'channel'?",
    )


def test_an_unknown_grain_lists_the_grains() -> None:
    with pytest.raises(QueryError) as raised:
        grain_of("hour")
    error = raised.value
    assert (error.code, error.field) == ("engine.unknown_grain", "grain")
    assert error.suggestions == ("day", "week", "month", "quarter", "year", "all")
    assert error.describe(Language.PL) == (
        "nieznana granulacja 'hour'\n  wskazówka: użyj jednej z wartości: day, week, month, quarter, year, all"
    )


def test_a_shift_off_the_calendar_says_how_far() -> None:
    with pytest.raises(QueryError) as raised:
        Calendar().shift(date(2025, 1, 1), -1000000, Grain.MONTH)
    assert raised.value.code == "engine.outside_calendar"
    assert str(raised.value.message) == "1000000 months before 2025-01-01 is outside the calendar (years 1 to 9999)"
    assert render(raised.value.message, Language.IT) == (
        "1000000 mesi prima del 01/01/2025 è fuori dal calendario (anni da 1 a 9999)"
    )


def test_sources_with_problems_are_counted_in_the_words() -> None:
    one, two = SourceProblems([], ["ads"]), SourceProblems([], ["ads", "crm"])
    assert str(one.message).startswith("source 'ads' has problems with its data")
    assert str(two.message).startswith("sources 'ads', 'crm' have problems with their data")
    assert render(two.message, Language.IT).startswith("le sorgenti 'ads', 'crm' hanno problemi")
    assert render(two.message, Language.ZH).startswith("数据源 'ads'、'crm' 的数据有问题")


def test_what_a_target_lacks_is_a_message() -> None:
    target = Target.model_validate({"kpi": "revenue", "period": "2025-05"})
    lacking = missing_values(target, TargetType.INCREASE)
    assert isinstance(lacking, Message)
    assert lacking.code == "engine.target_needs_value_inferred"
    assert str(lacking) == "an 'increase' target needs 'target: <value>' (the type comes from the KPI's direction)"
    assert render(lacking, Language.IT) == (
        "un obiettivo 'increase' richiede 'target: <value>' (il tipo deriva dalla direzione del KPI)"
    )
    assert (str(scope_text({})), render(scope_text({}), Language.PL)) == ("the whole company", "cała firma")
    assert str(scope_text({"team": "EMEA", "country": "IT"})) == "country=IT, team=EMEA"


def test_a_misspelt_name_in_a_filter_keeps_the_names_it_may_mean(duckdb_factory: Factory) -> None:
    ws = duckdb_factory(DEFINITIONS, TABLES)
    with pytest.raises(QueryError) as raised:
        ws.compute(["clicks"], where="chanel = 'search'")
    error = raised.value
    assert (error.field, error.suggestions) == ("where", ("channel",))
    assert str(error.hint) == "did you mean 'channel'?"
