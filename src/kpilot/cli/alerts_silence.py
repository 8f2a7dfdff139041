"""`kpilot alerts silence add | list | remove`: maintenance windows and known problems, during which a rule, a KPI's
rules, a source's rules or a team is told nothing (services.alert_setup; docs/alerts.md).

`--until` and `--from` take a duration (`30m`, `2h`, `1d`, `2w`: after now, or after `--from` for `--until`) or an
ISO date-time in the workspace's time zone (alerts_app.moment_of).
"""

from __future__ import annotations

from typing import Annotated

import typer

from kpilot.cli import alerts_app
from kpilot.cli.alerts_app import OPERATOR, app, moment_of, moment_words
from kpilot.cli.alerts_words import show, silences_table
from kpilot.cli.app import LanguageOption, WorkspaceOption, language, out
from kpilot.cli.formats import Format, TableOrJson
from kpilot.cli.output import json_text
from kpilot.errors import UserError
from kpilot.i18n import Message, text
from kpilot.services.alert_data import silence_data
from kpilot.services.alert_setup import add_silence, remove_silence, silences
from kpilot.store.alert_records import SilenceSubject
from kpilot.store.session import open_store
from kpilot.workspace import Workspace

silence_app = typer.Typer(
    name="silence",
    help="Silences: a rule, a KPI, a source or a team told nothing for a while.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(silence_app, name="silence")


@silence_app.command("add")
def silence_add_command(
    until: Annotated[str, typer.Option("--until", help="2h, 30m, 1d, or an ISO date-time (the workspace's zone).")],
    reason: Annotated[str, typer.Option("--reason", help="Why: shown with the silence.")],
    rule: Annotated[str | None, typer.Option("--rule", metavar="NAME", help="Silence this rule.")] = None,
    kpi: Annotated[str | None, typer.Option("--kpi", metavar="NAME", help="Silence the rules on this KPI.")] = None,
    source: Annotated[
        str | None, typer.Option("--source", metavar="NAME", help="Silence the rules on this source.")
    ] = None,
    team: Annotated[str | None, typer.Option("--team", metavar="NAME", help="Tell this team nothing.")] = None,
    start: Annotated[
        str | None, typer.Option("--from", help="When it starts: a duration from now or an ISO date-time (now).")
    ] = None,
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Silence a rule, a KPI, a source or a team until a moment: its rules still move, nobody is told."""
    speak = language()
    given = [
        (kind, name)
        for kind, name in (
            (SilenceSubject.RULE, rule),
            (SilenceSubject.KPI, kpi),
            (SilenceSubject.SOURCE, source),
            (SilenceSubject.TEAM, team),
        )
        if name is not None
    ]
    if len(given) != 1:
        raise UserError(Message("cli.alerts.subject_needed"), field="subject")
    ((kind, name),) = given
    now = alerts_app.now()
    with Workspace(workspace) as ws, open_store(ws) as store:
        timezone = ws.settings.timezone
        starts_at = now if start is None else moment_of(start, now, timezone, "from")
        ends_at = moment_of(until, starts_at, timezone, "until")
        if ends_at <= starts_at or ends_at <= now:
            words = moment_words(ends_at, timezone, speak)
            raise UserError(Message("cli.alerts.silence_over", until=words), field="until")
        made = add_silence(
            store, ws, OPERATOR, kind, name, starts_at=starts_at, ends_at=ends_at, reason=reason, now=now
        )
    if output is Format.JSON:
        out.file.write(json_text(silence_data(made)) + "\n")
        return
    values = {
        "id": str(made.id),
        "subject": text(f"cli.alerts.subject.{made.subject_kind.value}", speak, name=made.subject),
        "start": moment_words(made.starts_at, timezone, speak),
        "until": moment_words(made.ends_at, timezone, speak),
    }
    out.print(text("cli.alerts.silenced", speak, **values), highlight=False, markup=False)


@silence_app.command("list")
def silence_list_command(
    every: Annotated[bool, typer.Option("--all", help="Ended silences too.")] = False,
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """The silences not yet over (every one, with --all), by when they start."""
    speak = language()
    with Workspace(workspace) as ws, open_store(ws) as store:
        found = silences(store, OPERATOR, now=alerts_app.now(), ended=every)
        timezone = ws.settings.timezone
    if output is Format.JSON:
        out.file.write(json_text([silence_data(one) for one in found]) + "\n")
        return
    show(silences_table(found, timezone, speak), speak)


@silence_app.command("remove")
def silence_remove_command(
    silence: Annotated[int, typer.Argument(metavar="ID", help="The silence's id, as the list prints it.")],
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """End a silence now: its rules tell again what they find."""
    speak = language()
    with Workspace(workspace) as ws, open_store(ws) as store:
        remove_silence(store, OPERATOR, silence, now=alerts_app.now())
    out.print(text("cli.alerts.silence_removed", speak, id=str(silence)), highlight=False, markup=False)
