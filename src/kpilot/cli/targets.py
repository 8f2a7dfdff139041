"""`kpilot targets`: suggest targets from a KPI's history, and write the chosen one into the definitions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from kpilot.cli.app import WorkspaceOption, out
from kpilot.cli.formats import Format, TableOrJson
from kpilot.cli.output import EMPTY, format_value, json_text, plain_value
from kpilot.definitions.model import Direction
from kpilot.engine.periods import Grain
from kpilot.engine.scope import parse_scope
from kpilot.forecast.bounds import Bounds
from kpilot.goals.suggest.backtest import Backtest, Band, KpiBacktest, Rates, Replay, backtest
from kpilot.goals.suggest.levels import Spread
from kpilot.goals.suggest.methods import Method
from kpilot.goals.suggest.propose import Level, Proposal, Suggestion, suggest
from kpilot.goals.writer import WriteReport, merge_targets
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
) -> None:
    """Suggest commit, target and stretch for a KPI and period from its history, by several methods."""
    with Workspace(workspace) as ws:
        result = suggest(ws, kpi, period, scope=parse_scope(scope), count=history)
        currency = ws.settings.currency
        report = merge_targets(ws.root, [result.entry(write, method)]) if write is not None else None
    if output is Format.JSON:
        out.file.write(json_text(suggestion_json(result, report)) + "\n")
        return
    _print(result, currency)
    if report is not None:
        _print_report(report)


# ---------------------------------------------------------------------------------------------------- JSON


def suggestion_json(result: Suggestion, report: WriteReport | None = None) -> dict[str, Any]:
    return {
        "kpi": result.kpi.name,
        "period": result.period_name,
        "grain": result.grain.value,
        "scope": dict(result.scope),
        "direction": result.kpi.direction.value,
        "unit": result.kpi.unit.value,
        "additive": result.additive,
        "kind": result.kind.value,
        "horizon": result.horizon,
        "window": result.window,
        "bounds": {"low": result.bounds.low, "high": result.bounds.high, "whole": result.bounds.whole},
        "growth_of": result.growth_of,
        "history": [{"period": p.name, "start": p.start.isoformat(), "value": p.value} for p in result.history],
        "methods": [_proposal_json(p, p.method is result.recommended) for p in result.proposals],
        "recommended": result.recommended.value if result.recommended else None,
        "why": result.why,
        "reason": result.reason.value if result.reason else None,
        "notes": list(result.notes),
        "written": None if report is None else _report_json(report),
    }


def _proposal_json(proposal: Proposal, recommended: bool) -> dict[str, Any]:
    return {
        "method": proposal.method.value,
        "available": proposal.available,
        "recommended": recommended,
        "base": plain_value(proposal.base),
        "commit": proposal.commit,
        "target": proposal.target,
        "stretch": proposal.stretch,
        "min": proposal.minimum,
        "max": proposal.maximum,
        "ceiling": plain_value(proposal.ceiling),
        "basis": proposal.basis or None,
        "spread": None if proposal.spread is None else _spread_json(proposal.spread),
        "unavailable": proposal.unavailable,
    }


def _spread_json(spread: Spread) -> dict[str, Any]:
    return {
        "relative": spread.relative,
        "replays": len(spread.errors),
        "centre": spread.centre,
        "scale": spread.scale,
        "default": spread.default,
    }


def _report_json(report: WriteReport) -> dict[str, Any]:
    return {
        "path": str(report.path),
        "added": list(report.added),
        "replaced": [{"target": r.key, "before": r.before, "after": r.after} for r in report.replaced],
        "unchanged": list(report.unchanged),
    }


# ---------------------------------------------------------------------------------------------------- table


def _print(result: Suggestion, currency: str) -> None:
    kpi = result.kpi
    scope = ", ".join(f"{k}={v}" for k, v in sorted(result.scope.items())) or "whole company"
    out.print(f"[bold]Target suggestions for {kpi.title} ({kpi.name}), {result.period_name}[/] ({scope})")
    good = {"up": "higher is better", "down": "lower is better", "range": "inside a range"}[kpi.direction.value]
    kind = {"flow": "a flow: adds up over time", "stock": "a stock: its value at the end of the period"}.get(
        result.kind.value, "a rate: does not add up over time"
    )
    bounds = "" if result.bounds == Bounds() else f"; {result.bounds.describe()}"
    out.print(f"{good}; {kind}{bounds}", highlight=False)
    for note in result.notes:
        out.print(f"[yellow]{note}[/]", highlight=False)
    if result.history:
        recent = result.recent
        older = len(result.history) - len(recent)
        more = f", and {older} earlier for the replays" if older else ""
        history = Table(title=f"History ({len(recent)} {result.grain.value}s{more})", title_justify="left")
        history.add_column("period")
        history.add_column("value", justify="right")
        for point in recent:
            history.add_row(point.name, format_value(point.value, kpi.unit, currency))
        out.print(history)
    out.print(_methods(result, currency))
    if result.recommended is None:
        out.print(f"[yellow]No suggestion ({result.reason.value if result.reason else 'none'}): {result.why}[/]",
                  highlight=False)  # fmt: skip
        return
    out.print(f"Recommended: [bold]{result.recommended.value}[/] ({result.why})", highlight=False)
    chosen = result.chosen
    if chosen is not None and chosen.spread is not None:
        out.print(f"[dim]Levels from {chosen.spread.describe()}.[/]", highlight=False)
    if kpi.direction is Direction.RANGE:
        levels = "min and max: the range that about half of the periods fall in"
    else:
        levels = "commit: reached in about 4 periods out of 5; target: in half of them; stretch: in about 1 out of 6"
    out.print(f"[dim]{levels} (see docs/goals.md)[/]", highlight=False)


def _methods(result: Suggestion, currency: str) -> Table:
    unit = result.kpi.unit
    ranged = result.kpi.direction is Direction.RANGE
    view = Table(title="Suggestions", title_justify="left", header_style="bold")
    view.add_column("method")
    for column in ("base", "min", "target", "max") if ranged else ("base", "commit", "target", "stretch"):
        view.add_column(column, justify="right")
    view.add_column("how", overflow="fold")
    for proposal in result.proposals:
        name = proposal.method.value + (" (recommended)" if proposal.method is result.recommended else "")
        if not proposal.available:
            view.add_row(name, EMPTY, EMPTY, EMPTY, EMPTY, f"[dim]{proposal.unavailable}[/]")
            continue
        levels = (
            (proposal.minimum, proposal.target, proposal.maximum)
            if ranged
            else (proposal.commit, proposal.target, proposal.stretch)
        )
        cells = [format_value(v, unit, currency) for v in (proposal.base, *levels)]
        view.add_row(name, *cells, proposal.basis)
    return view


def _print_report(report: WriteReport) -> None:
    path = _shown(report.path)
    for replaced in report.replaced:
        out.print(
            f"Replaced the existing target for {replaced.key} in {path}: "
            f"{_levels(replaced.before)} -> {_levels(replaced.after)}",
            highlight=False,
            markup=False,
        )
    for added in report.added:
        out.print(f"Wrote the target for {added} into {path}", highlight=False, markup=False)
    for same in report.unchanged:
        out.print(f"The target for {same} is already in {path}: nothing changed", highlight=False, markup=False)


def _shown(path: Path) -> str:
    """The path relative to the current folder when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _levels(entry: dict[str, Any]) -> str:
    keys = ("commit", "target", "stretch", "min", "max")
    return ", ".join(f"{key} {entry[key]}" for key in keys if key in entry) or "no levels"


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
) -> None:
    """Replay the suggestions on history: how often commit, target and stretch would have been reached."""
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
    _print_backtest(result, currency, details=details)


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
                "skipped": k.skipped,
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


def _rate_cell(rates: Rates, band: Band) -> str:
    rate = rates.rate(band.level)
    if rate is None:
        return EMPTY
    judged, reached = rates.judged.get(band.level, 0), rates.reached.get(band.level, 0)
    text = f"{rate:.0%} ({reached}/{judged})"
    return text if rates.inside(band) else f"[yellow]{text}[/]"


def _print_backtest(result: Backtest, currency: str, *, details: bool) -> None:
    scope = ", ".join(f"{k}={v}" for k, v in sorted(result.scope.items())) or "whole company"
    how = result.method.value if result.method else "the recommended method"
    out.print(
        f"[bold]Backtest of target suggestions[/] ({scope}): the last {result.periods} {result.grain.value}s, each "
        f"suggested by {how} from the {result.grain.value}s before it (at least {result.min_history})",
        highlight=False,
    )
    view = Table(title="Share of periods each level was reached in", title_justify="left", header_style="bold")
    view.add_column("KPI")
    view.add_column("periods", justify="right")
    for band in result.bands:
        view.add_column(band.level.value, justify="right")
    view.add_column("method")
    for item in result.kpis:
        if item.skipped is not None:
            view.add_row(item.kpi.name, "0", EMPTY, EMPTY, EMPTY, f"[dim]{item.skipped}[/]")
            continue
        methods = ", ".join(dict.fromkeys(r.method.value for r in item.replays)) or EMPTY
        if item.unsuggested:
            methods += f" [dim]({item.unsuggested} without a suggestion)[/]"
        cells = [_rate_cell(item.rates, band) for band in result.bands]
        view.add_row(item.kpi.name, str(item.rates.periods), *cells, methods)
    overall = result.overall
    view.add_section()
    view.add_row("[bold]overall[/]", str(overall.periods), *(_rate_cell(overall, b) for b in result.bands), "")
    out.print(view)
    for band in result.bands:
        rate = overall.rate(band.level)
        shown = EMPTY if rate is None else f"{rate:.1%}"
        verdict = {True: "inside", False: "outside", None: "not judged"}[overall.inside(band)]
        out.print(
            f"{band.level.value}: reached in {shown} of periods; meant to be {band.low:.0%}-{band.high:.0%}: {verdict}",
            highlight=False,
        )
    out.print("[dim]Rates outside their band are yellow. A period counts for a level when the KPI is at or beyond "
              "it in its direction (inside the range for range KPIs).[/]", highlight=False)  # fmt: skip
    if details:
        for item in result.kpis:
            if item.replays:
                out.print(_replay_table(item, currency))


def _replay_table(item: KpiBacktest, currency: str) -> Table:
    unit = item.kpi.unit
    ranged = item.kpi.direction is Direction.RANGE
    view = Table(title=f"{item.kpi.title} ({item.kpi.name})", title_justify="left", header_style="bold")
    columns = ("min", "target", "max") if ranged else ("commit", "target", "stretch")
    for column in ("period", "actual", *columns, "reached", "method"):
        view.add_column(column, justify="left" if column in ("period", "reached", "method") else "right")
    for replay in item.replays:
        levels = (replay.minimum, replay.target, replay.maximum) if ranged else (
            replay.commit, replay.target, replay.stretch
        )  # fmt: skip
        reached = ", ".join(level.value for level, hit in replay.reached.items() if hit) or "none"
        view.add_row(
            replay.name,
            format_value(replay.actual, unit, currency),
            *(format_value(v, unit, currency) for v in levels),
            reached,
            replay.method.value,
        )
    return view
