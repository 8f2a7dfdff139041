"""`kpilot catalogue`: browse the standard KPIs and add them to a workspace."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from kpilot.catalogue.add import AddReport, add_to_workspace
from kpilot.catalogue.catalogue import LANGUAGES, CatalogueError, CatalogueKpi, load_catalogue
from kpilot.catalogue.mapping import split_mapping
from kpilot.cli.app import LanguageOption, WorkspaceOption, language, out
from kpilot.cli.formats import Format, TableOrJson
from kpilot.cli.output import json_text
from kpilot.cli.reader import words
from kpilot.i18n import Language, Message, text

app = typer.Typer(
    name="catalogue",
    help="Standard KPIs with precise definitions, explained in English, Italian, Polish and Chinese.",
    no_args_is_help=True,
    add_completion=False,
)


@app.command("list")
def list_kpis(
    category: Annotated[str | None, typer.Option("--category", "-c", help="Only this category.")] = None,
    lang: LanguageOption = None,
    output: TableOrJson = Format.TABLE,
) -> None:
    """List the catalogue's KPIs."""
    speak = language()
    entries = load_catalogue().kpis(category)
    if output is Format.JSON:
        typer.echo(json_text([kpi_json(entry, speak.value) for entry in entries]))
        return
    table = Table(title=text("cli.catalogue.title", speak, count=len(entries)), show_lines=False)
    table.add_column(text("cli.column.kpi", speak), no_wrap=True)
    headers = ("cli.catalogue.label", "cli.catalogue.category", "cli.catalogue.unit", "cli.catalogue.good_when")
    for code in (*headers, "cli.catalogue.formula"):
        table.add_column(text(code, speak), overflow="fold")
    for entry in entries:
        name = entry.name if entry.variant_of is None else f"  ↳ {entry.name}"
        label = entry.text(speak.value).label
        table.add_row(name, label, entry.category, entry.unit, entry.direction, entry.formula)
    out.print(table)


@app.command()
def show(kpi: Annotated[str, typer.Argument(help="KPI name.")], lang: LanguageOption = None) -> None:
    """Show one KPI: its definition, the data it needs and what it means."""
    speak = language()
    catalogue = load_catalogue()
    entry = catalogue.kpi(kpi)
    texts = entry.text(speak.value)
    table = Table(title=f"{texts.label} ({entry.name})", show_header=False, show_lines=True)
    table.add_column("field", style="bold")  # no header is shown: the names only tell the columns apart
    table.add_column("value", overflow="fold")
    for field, value in _definition_rows(entry, speak):
        table.add_row(field, value)
    for source_name, measure_name in entry.measures:
        source = catalogue.source(source_name)
        measure = source.measure(measure_name)
        assert measure is not None
        origin = text("cli.catalogue.from_table", speak, table=source.table) if source.table else "sql"
        detail = f"{measure.agg.value}({measure.expr or '*'})"
        if measure.filter:
            detail = text("cli.catalogue.filtered", speak, measure=detail, filter=measure.filter)
        where = text("cli.catalogue.measure_origin", speak, origin=origin, time=source.time or "-")
        table.add_row(f"{source_name}.{measure_name}", f"{detail}  [{where}]")
    explanations: list[tuple[str, str | None]] = [
        ("cli.catalogue.what", texts.what),
        ("cli.catalogue.why", texts.why),
        ("cli.catalogue.how", texts.how),
        ("cli.catalogue.about_variants", texts.variants),
    ]
    for heading, note in explanations:
        if note:
            table.add_row(text(heading, speak), note)
    out.print(table, markup=False)


@app.command()
def add(
    kpis: Annotated[list[str] | None, typer.Argument(help="KPI names to add.")] = None,
    add_all: Annotated[bool, typer.Option("--all", help="Add every catalogue KPI.")] = False,
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            "-m",
            help="Map a standard name or value to yours: orders=my_orders, orders.amount=total, deals.stage.won=Won.",
        ),
    ] = None,
    workspace: WorkspaceOption = ".",
    check: Annotated[bool, typer.Option("--check/--no-check", help="Check tables and columns first.")] = True,
    lang: LanguageOption = None,
) -> None:
    """Add KPIs (and the sources and KPIs they need) to the workspace's definitions/catalogue.yaml."""
    speak = language()
    names = list(load_catalogue().names) if add_all else list(kpis or [])
    if add_all and kpis:
        raise CatalogueError(Message("cli.catalogue.names_or_all"), field="kpis")
    report = add_to_workspace(workspace, names, split_mapping(mapping or []), check=check)
    _print_report(report, speak)


def kpi_json(entry: CatalogueKpi, language: str = "en") -> dict[str, Any]:
    """One KPI as plain JSON data: definition plus texts in every language."""
    kpi = entry.definition
    return {
        "name": entry.name,
        "label": entry.text(language).label,
        "category": entry.category,
        "unit": entry.unit,
        "direction": entry.direction,
        "formula": entry.formula,
        "grain": kpi.grain,
        "level": kpi.level,
        "tier": kpi.tier,
        "indicator": kpi.indicator,
        "nature": kpi.nature,
        "variant_of": entry.variant_of,
        "variants": list(entry.variants),
        "breakdown": entry.breakdown,
        "measures": [f"{source}.{measure}" for source, measure in entry.measures],
        "uses": list(entry.uses),
        "texts": {
            lang: {key: value for key, value in vars(entry.text(lang)).items() if value is not None}
            for lang in LANGUAGES
        },
    }


GOOD_WHEN = {"up": "cli.catalogue.higher", "down": "cli.catalogue.lower", "range": "cli.catalogue.inside_a_range"}


def _definition_rows(entry: CatalogueKpi, speak: Language) -> list[tuple[str, str]]:
    kpi = entry.definition

    def say(code: str, **values: Any) -> str:
        return text(code, speak, **values)

    kind = say("cli.catalogue.kind_value", tier=kpi.tier, indicator=kpi.indicator, nature=kpi.nature, level=kpi.level)
    rows = [
        (say("cli.catalogue.formula_label"), entry.formula),
        (say("cli.catalogue.unit_label"), entry.unit),
        (say("cli.catalogue.good_when_label"), say(GOOD_WHEN[entry.direction])),
        (say("cli.catalogue.category_label"), entry.category),
        (say("cli.catalogue.kind"), kind),
    ]
    if kpi.grain:
        rows.append((say("cli.catalogue.grain"), say("cli.catalogue.grain_value", grain=kpi.grain)))
    if entry.breakdown:
        rows.append((say("cli.catalogue.read_by"), entry.breakdown))
    if entry.uses:
        rows.append((say("cli.catalogue.uses"), ", ".join(entry.uses)))
    if entry.variant_of:
        rows.append((say("cli.catalogue.variant_of"), entry.variant_of))
    if entry.variants:
        rows.append((say("cli.catalogue.variants"), ", ".join(entry.variants)))
    return rows


def _print_report(report: AddReport, speak: Language) -> None:
    if not report.changed:
        line = text("cli.catalogue.nothing_to_add", speak, kpis=report.present, file=str(report.path))
        out.print(line, markup=False)
        return
    out.print(text("cli.catalogue.wrote", speak, file=str(report.path)), markup=False)
    lines = [
        ("cli.catalogue.added", report.added),
        ("cli.catalogue.dependencies", report.dependencies),
        ("cli.catalogue.present", report.present),
        ("cli.catalogue.sources_added", report.sources_added),
        ("cli.catalogue.sources_extended", report.sources_extended),
        ("cli.catalogue.dimensions_skipped", report.dimensions_skipped),
    ]
    for code, items in lines:
        if items:
            out.print(f"  {text(code, speak)}: {', '.join(items)}", markup=False)
    for note in report.notes:
        out.print(f"  {text('cli.catalogue.note', speak, note=words(note, speak))}", markup=False, style="yellow")
    if not report.checked:
        out.print(f"  {text('cli.catalogue.not_checked', speak)}", markup=False, style="yellow")
