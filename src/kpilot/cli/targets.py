"""`kpilot targets`: suggest targets from a KPI's history, and write the chosen one into the definitions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from kpilot.cli.app import LanguageOption, WorkspaceOption, language, out
from kpilot.cli.formats import Format, TableOrJson
from kpilot.cli.output import EMPTY, format_value, json_text
from kpilot.cli.reader import words
from kpilot.definitions.model import Direction
from kpilot.engine.periods import Grain
from kpilot.engine.scope import parse_scope
from kpilot.forecast.bounds import Bounds
from kpilot.goals.suggest.backtest import Backtest, Band, KpiBacktest, Rates, Replay, backtest
from kpilot.goals.suggest.methods import Method
from kpilot.goals.suggest.propose import Level, Suggestion
from kpilot.goals.writer import WriteReport
from kpilot.i18n import Language, Message, text
from kpilot.results.formatting import format_percent
from kpilot.results.targets import suggestion_result
from kpilot.workspace import Workspace

app = typer.Typer(
    name="targets",
    help="Targets for KPIs: suggestions from history.",
    no_args_is_help=True,
    add_completion=False,
)


@app.command("suggest")
def suggest_command(
    kpi: Annotated[str, typer.Argument(help="KPI name.")],
    period: Annotated[str, typer.Option("--period", "-p", help="Target period: 2025-05, 2025-Q3 or 2025.")],
    scope: Annotated[
        list[str] | None,
        typer.Option("--scope", "-s", help="Dimension filter such as team=EMEA or team=EMEA,owner=anna."),
    ] = None,
    history: Annotated[
        int | None,
        typer.Option("--history", "-n", help="Periods of history to use (default 24 months, 8 quarters, 3 years)."),
    ] = None,
    write: Annotated[
        Level | None,
        typer.Option("--write", help="Write into definitions/targets.yaml: one level as the target, or all three."),
    ] = None,
    method: Annotated[
        Method | None, typer.Option("--method", "-m", help="The method to write (default: the recommended one).")
    ] = None,
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Suggest commit, target and stretch for a KPI and period from its history, by several methods."""
    speak = language()
    with Workspace(workspace) as ws:
        suggested = suggestion_result(
            ws, kpi, period=period, scope=parse_scope(scope), history=history, write=write, method=method
        )
        currency = ws.settings.currency
    result, report = suggested.suggestion, suggested.written
    if output is Format.JSON:
        out.file.write(json_text(suggested.to_data(speak)) + "\n")
        return
    _print(result, currency, speak)
    if report is not None:
        _print_report(report, speak)


# ---------------------------------------------------------------------------------------------------- table


GOOD_WHEN = {
    Direction.UP: "cli.targets.higher_is_better",
    Direction.DOWN: "cli.targets.lower_is_better",
    Direction.RANGE: "cli.targets.inside_a_range",
}
KINDS = {"flow": "cli.targets.kind_flow", "stock": "cli.targets.kind_stock"}  # anything else is a rate
COUNTED = {  # "24 months": a number of periods of a grain
    Grain.DAY: "cli.count.days",
    Grain.WEEK: "cli.count.weeks",
    Grain.MONTH: "cli.count.months",
    Grain.QUARTER: "cli.count.quarters",
    Grain.YEAR: "cli.count.years",
}
NAMED = {  # "the months before it": a grain's periods
    Grain.DAY: "cli.grains.days",
    Grain.WEEK: "cli.grains.weeks",
    Grain.MONTH: "cli.grains.months",
    Grain.QUARTER: "cli.grains.quarters",
    Grain.YEAR: "cli.grains.years",
}


def _periods(count: int, grain: Grain) -> Message:
    return Message(COUNTED.get(grain, "cli.count.periods"), count=count)


def _scope(scope: dict[str, str], speak: Language) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(scope.items())) or text("cli.targets.whole_company", speak)


def _print(result: Suggestion, currency: str, speak: Language) -> None:
    kpi = result.kpi
    heading = text("cli.targets.suggestions_for", speak, kpi=kpi.title, name=kpi.name, period=result.period_name)
    out.print(f"[bold]{escape(heading)}[/] ({escape(_scope(dict(result.scope), speak))})")
    good = text(GOOD_WHEN[kpi.direction], speak)
    kind = text(KINDS.get(result.kind.value, "cli.targets.kind_rate"), speak)
    bounds = "" if result.bounds == Bounds() else f"; {words(result.bounds.describe(), speak)}"
    out.print(f"{good}; {kind}{bounds}", highlight=False, markup=False)
    for note in result.notes:
        out.print(words(note, speak), style="yellow", highlight=False, markup=False)
    if result.history:
        recent = result.recent
        older = len(result.history) - len(recent)
        periods = _periods(len(recent), result.grain)
        if older:
            title = text("cli.targets.history_and_older", speak, periods=periods, count=older)
        else:
            title = text("cli.targets.history", speak, periods=periods)
        history = Table(title=escape(title), title_justify="left")
        history.add_column(text("cli.column.period", speak))
        history.add_column(text("cli.column.value", speak), justify="right")
        for point in recent:
            history.add_row(point.name, format_value(point.value, kpi.unit, currency, language=speak))
        out.print(history)
    out.print(_methods(result, currency, speak))
    if result.recommended is None:
        reason = result.reason.value if result.reason else text("cli.targets.none", speak)
        line = text("cli.targets.no_suggestion", speak, reason=reason, why=words(result.why, speak))
        out.print(line, style="yellow", highlight=False, markup=False)
        return
    recommended = text("cli.targets.recommended", speak)
    why = escape(words(result.why, speak))
    out.print(f"{escape(recommended)}: [bold]{result.recommended.value}[/] ({why})", highlight=False)
    chosen = result.chosen
    if chosen is not None and chosen.spread is not None:
        spread = text("cli.targets.levels_from", speak, spread=words(chosen.spread.describe(), speak))
        out.print(spread, style="dim", highlight=False, markup=False)
    code = "cli.targets.levels_range" if kpi.direction is Direction.RANGE else "cli.targets.levels_three"
    out.print(text(code, speak), style="dim", highlight=False, markup=False)


def _methods(result: Suggestion, currency: str, speak: Language) -> Table:
    unit = result.kpi.unit
    ranged = result.kpi.direction is Direction.RANGE
    view = Table(title=escape(text("cli.targets.suggestions", speak)), title_justify="left", header_style="bold")
    view.add_column(text("cli.column.method", speak))
    view.add_column(text("cli.targets.base", speak), justify="right")
    for column in ("min", "target", "max") if ranged else ("commit", "target", "stretch"):  # the levels' YAML keys
        view.add_column(column, justify="right")
    view.add_column(text("cli.targets.how", speak), overflow="fold")
    for proposal in result.proposals:
        name = proposal.method.value
        if proposal.method is result.recommended:
            name = text("cli.targets.method_recommended", speak, method=name)
        if not proposal.available:
            view.add_row(name, EMPTY, EMPTY, EMPTY, EMPTY, f"[dim]{escape(words(proposal.unavailable, speak))}[/]")
            continue
        levels = (
            (proposal.minimum, proposal.target, proposal.maximum)
            if ranged
            else (proposal.commit, proposal.target, proposal.stretch)
        )
        cells = [format_value(v, unit, currency, language=speak) for v in (proposal.base, *levels)]
        view.add_row(name, *cells, escape(words(proposal.basis, speak)))
    return view


def _print_report(report: WriteReport, speak: Language) -> None:
    path = _shown(report.path)
    for replaced in report.replaced:
        before, after = _levels(replaced.before, speak), _levels(replaced.after, speak)
        line = text("cli.targets.replaced", speak, target=replaced.key, file=path, before=before, after=after)
        out.print(line, highlight=False, markup=False)
    for added in report.added:
        out.print(text("cli.targets.wrote", speak, target=added, file=path), highlight=False, markup=False)
    for same in report.unchanged:
        out.print(text("cli.targets.unchanged", speak, target=same, file=path), highlight=False, markup=False)


def _shown(path: Path) -> str:
    """The path relative to the current folder when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _levels(entry: dict[str, Any], speak: Language) -> str:
    keys = ("commit", "target", "stretch", "min", "max")
    return ", ".join(f"{key} {entry[key]}" for key in keys if key in entry) or text("cli.targets.no_levels", speak)


# ---------------------------------------------------------------------------------------------------- backtest


@app.command("backtest")
def backtest_command(
    kpis: Annotated[list[str] | None, typer.Argument(help="KPI names (default: every KPI).")] = None,
    grain: Annotated[Grain, typer.Option("--grain", "-g", help="Period length: month, quarter or year.")] = Grain.MONTH,
    periods: Annotated[
        int | None,
        typer.Option("--periods", "-n", help="Recent periods to replay (default 24 months, 8 quarters, 3 years)."),
    ] = None,
    min_history: Annotated[
        int | None,
        typer.Option(
            "--min-history", help="Periods of history a replay needs (default 6 months, 4 quarters, 2 years)."
        ),
    ] = None,
    scope: Annotated[
        list[str] | None,
        typer.Option("--scope", "-s", help="Dimension filter such as team=EMEA or team=EMEA,owner=anna."),
    ] = None,
    method: Annotated[
        Method | None, typer.Option("--method", "-m", help="Replay this method (default: the recommended one).")
    ] = None,
    details: Annotated[bool, typer.Option("--details", help="Show every replayed period of every KPI.")] = False,
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Replay the suggestions on history: how often commit, target and stretch would have been reached."""
    speak = language()
    with Workspace(workspace) as ws:
        result = backtest(
            ws,
            kpis or (),
            grain=grain,
            periods=periods,
            min_history=min_history,
            scope=parse_scope(scope),
            method=method,
        )
        currency = ws.settings.currency
    if output is Format.JSON:
        out.file.write(json_text(backtest_json(result)) + "\n")
        return
    _print_backtest(result, currency, speak, details=details)


def backtest_json(result: Backtest) -> dict[str, Any]:
    return {
        "grain": result.grain.value,
        "periods": result.periods,
        "min_history": result.min_history,
        "scope": dict(result.scope),
        "method": result.method.value if result.method else None,
        "bands": [{"level": b.level.value, "low": b.low, "high": b.high} for b in result.bands],
        "overall": _rates_json(result.overall, result.bands),
        "kpis": [
            {
                "kpi": k.kpi.name,
                "direction": k.kpi.direction.value,
                "rates": _rates_json(k.rates, result.bands),
                "unsuggested": k.unsuggested,
                "skipped": None if k.skipped is None else str(k.skipped),  # a message (goals.suggest), in English
                "replays": [_replay_json(r) for r in k.replays],
            }
            for k in result.kpis
        ],
    }


def _rates_json(rates: Rates, bands: tuple[Band, ...]) -> dict[str, Any]:
    return {
        band.level.value: {
            "judged": rates.judged.get(band.level, 0),
            "reached": rates.reached.get(band.level, 0),
            "rate": rates.rate(band.level),
            "inside": rates.inside(band),
        }
        for band in bands
    }


def _replay_json(replay: Replay) -> dict[str, Any]:
    return {
        "period": replay.name,
        "start": replay.start.isoformat(),
        "actual": replay.actual,
        "method": replay.method.value,
        "commit": replay.commit,
        "target": replay.target,
        "stretch": replay.stretch,
        "min": replay.minimum,
        "max": replay.maximum,
        "reached": {level.value: hit for level, hit in replay.reached.items()},
    }


def _rate_cell(rates: Rates, band: Band, speak: Language) -> str:
    rate = rates.rate(band.level)
    if rate is None:
        return EMPTY
    judged, reached = rates.judged.get(band.level, 0), rates.reached.get(band.level, 0)
    shown = f"{format_percent(rate, 0, speak)} ({reached}/{judged})"
    return shown if rates.inside(band) else f"[yellow]{shown}[/]"


VERDICTS = {True: "cli.targets.inside", False: "cli.targets.outside", None: "cli.targets.not_judged"}


def _print_backtest(result: Backtest, currency: str, speak: Language, *, details: bool) -> None:
    how = result.method.value if result.method else text("cli.targets.recommended_method", speak)
    title = text("cli.targets.backtest_title", speak)
    line = text(
        "cli.targets.backtest_how",
        speak,
        scope=_scope(dict(result.scope), speak),
        periods=_periods(result.periods, result.grain),
        method=how,
        grains=Message(NAMED.get(result.grain, "cli.grains.periods")),
        least=result.min_history,
    )
    out.print(f"[bold]{escape(title)}[/] {escape(line)}", highlight=False)
    view = Table(title=escape(text("cli.targets.share_reached", speak)), title_justify="left", header_style="bold")
    view.add_column(text("cli.column.kpi", speak))
    view.add_column(text("cli.targets.periods", speak), justify="right")
    for band in result.bands:
        view.add_column(band.level.value, justify="right")
    view.add_column(text("cli.column.method", speak))
    for item in result.kpis:
        if item.skipped is not None:
            view.add_row(item.kpi.name, "0", EMPTY, EMPTY, EMPTY, f"[dim]{escape(words(item.skipped, speak))}[/]")
            continue
        methods = ", ".join(dict.fromkeys(r.method.value for r in item.replays)) or EMPTY
        if item.unsuggested:
            unsuggested = text("cli.targets.without_suggestion", speak, count=item.unsuggested)
            methods += f" [dim]({escape(unsuggested)})[/]"
        cells = [_rate_cell(item.rates, band, speak) for band in result.bands]
        view.add_row(item.kpi.name, str(item.rates.periods), *cells, methods)
    overall = result.overall
    view.add_section()
    totals = (_rate_cell(overall, b, speak) for b in result.bands)
    view.add_row(f"[bold]{escape(text('cli.targets.overall', speak))}[/]", str(overall.periods), *totals, "")
    out.print(view)
    for band in result.bands:
        rate = overall.rate(band.level)
        shown = EMPTY if rate is None else format_percent(rate, 1, speak)
        meant = f"{format_percent(band.low, 0, speak)}-{format_percent(band.high, 0, speak)}"
        verdict = Message(VERDICTS[overall.inside(band)])
        line = text("cli.targets.band", speak, level=band.level.value, rate=shown, meant=meant, verdict=verdict)
        out.print(line, highlight=False, markup=False)
    out.print(text("cli.targets.rates_explained", speak), style="dim", highlight=False, markup=False)
    if details:
        for item in result.kpis:
            if item.replays:
                out.print(_replay_table(item, currency, speak))


def _replay_table(item: KpiBacktest, currency: str, speak: Language) -> Table:
    unit = item.kpi.unit
    ranged = item.kpi.direction is Direction.RANGE
    view = Table(title=escape(f"{item.kpi.title} ({item.kpi.name})"), title_justify="left", header_style="bold")
    levels_named = ("min", "target", "max") if ranged else ("commit", "target", "stretch")  # the levels' YAML keys
    view.add_column(text("cli.column.period", speak))
    view.add_column(text("cli.targets.actual", speak), justify="right")
    for column in levels_named:
        view.add_column(column, justify="right")
    view.add_column(text("cli.targets.reached", speak))
    view.add_column(text("cli.column.method", speak))
    for replay in item.replays:
        levels = (replay.minimum, replay.target, replay.maximum) if ranged else (
            replay.commit, replay.target, replay.stretch
        )  # fmt: skip
        hits = tuple(level.value for level, hit in replay.reached.items() if hit)
        reached = ", ".join(hits) or text("cli.targets.none", speak)
        view.add_row(
            replay.name,
            format_value(replay.actual, unit, currency, language=speak),
            *(format_value(v, unit, currency, language=speak) for v in levels),
            reached,
            replay.method.value,
        )
    return view
