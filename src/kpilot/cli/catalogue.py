"""`kpilot catalogue`: browse the standard KPIs and add them to a workspace."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.table import Table

from kpilot.catalogue.add import AddReport, add_to_workspace
from kpilot.catalogue.catalogue import LANGUAGES, CatalogueError, CatalogueKpi, load_catalogue
from kpilot.catalogue.mapping import split_mapping
from kpilot.cli.app import out
from kpilot.cli.formats import Format, TableOrJson
from kpilot.cli.output import json_text

app = typer.Typer(
    name="catalogue",
    help="Standard KPIs with precise definitions, explained in English, Italian, Polish and Chinese.",
    no_args_is_help=True,
    add_completion=False,
)


class Language(StrEnum):
    EN = "en"
    IT = "it"
    PL = "pl"
    ZH = "zh"


LangOption = Annotated[Language, typer.Option("--lang", "-l", help="Language of labels and explanations.")]


@app.command("list")
def list_kpis(
    category: Annotated[str | None, typer.Option("--category", "-c", help="Only this category.")] = None,
    lang: LangOption = Language.EN,
    output: TableOrJson = Format.TABLE,
) -> None:
    """List the catalogue's KPIs."""
    entries = load_catalogue().kpis(category)
    if output is Format.JSON:
        typer.echo(json_text([kpi_json(entry, lang.value) for entry in entries]))
        return
    table = Table(title=f"KPI catalogue ({len(entries)})", show_lines=False)
    table.add_column("KPI", no_wrap=True)
    for column in ("Label", "Category", "Unit", "Good when", "Formula"):
        table.add_column(column, overflow="fold")
    for entry in entries:
        name = entry.name if entry.variant_of is None else f"  ↳ {entry.name}"
        label = entry.text(lang.value).label
        table.add_row(name, label, entry.category, entry.unit, entry.direction, entry.formula)
    out.print(table)


@app.command()
def show(kpi: Annotated[str, typer.Argument(help="KPI name.")], lang: LangOption = Language.EN) -> None:
    """Show one KPI: its definition, the data it needs and what it means."""
    catalogue = load_catalogue()
    entry = catalogue.kpi(kpi)
    text = entry.text(lang.value)
    table = Table(title=f"{text.label} ({entry.name})", show_header=False, show_lines=True)
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    for field, value in _definition_rows(entry):
        table.add_row(field, value)
    for source_name, measure_name in entry.measures:
        source = catalogue.source(source_name)
        measure = source.measure(measure_name)
        assert measure is not None
        origin = f"table {source.table}" if source.table else "sql"
        detail = f"{measure.agg.value}({measure.expr or '*'})" + (f" where {measure.filter}" if measure.filter else "")
        table.add_row(f"{source_name}.{measure_name}", f"{detail}  [{origin}, time: {source.time or '-'}]")
    explanations: list[tuple[str, str | None]] = [
        ("what", text.what),
        ("why", text.why),
        ("how", text.how),
        ("about variants", text.variants),
    ]
    for heading, note in explanations:
        if note:
            table.add_row(heading, note)
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
    workspace: Annotated[
        str, typer.Option("--workspace", "-w", help="The workspace folder.", envvar="KPILOT_WORKSPACE")
    ] = ".",
    check: Annotated[bool, typer.Option("--check/--no-check", help="Check tables and columns first.")] = True,
) -> None:
    """Add KPIs (and the sources and KPIs they need) to the workspace's definitions/catalogue.yaml."""
    names = list(load_catalogue().names) if add_all else list(kpis or [])
    if add_all and kpis:
        raise CatalogueError("give KPI names or --all, not both")
    report = add_to_workspace(workspace, names, split_mapping(mapping or []), check=check)
    _print_report(report)


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


def _definition_rows(entry: CatalogueKpi) -> list[tuple[str, str]]:
    kpi = entry.definition
    rows = [
        ("formula", entry.formula),
        ("unit", entry.unit),
        ("good when", {"up": "higher", "down": "lower", "range": "inside a range"}[entry.direction]),
        ("category", entry.category),
        ("kind", f"{kpi.tier}, {kpi.indicator}, {kpi.nature}, {kpi.level} level"),
    ]
    if kpi.grain:
        rows.append(("grain", f"{kpi.grain} (the formula assumes this period length)"))
    if entry.breakdown:
        rows.append(("read by", entry.breakdown))
    if entry.uses:
        rows.append(("uses KPIs", ", ".join(entry.uses)))
    if entry.variant_of:
        rows.append(("variant of", entry.variant_of))
    if entry.variants:
        rows.append(("variant KPIs", ", ".join(entry.variants)))
    return rows


def _print_report(report: AddReport) -> None:
    if not report.changed:
        out.print(f"Nothing to add: {', '.join(report.present)} already in {report.path}.", markup=False)
        return
    out.print(f"Wrote {report.path}", markup=False)
    lines = [
        ("added", report.added),
        ("added because they are used", report.dependencies),
        ("already there", report.present),
        ("new sources", report.sources_added),
        ("sources extended", report.sources_extended),
        ("dimensions left out (column missing)", report.dimensions_skipped),
    ]
    for title, items in lines:
        if items:
            out.print(f"  {title}: {', '.join(items)}", markup=False)
    for note in report.notes:
        out.print(f"  note: {note}", markup=False, style="yellow")
    if not report.checked:
        out.print("  tables and columns were not checked against the warehouse", markup=False, style="yellow")
