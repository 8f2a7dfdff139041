"""`kpilot alerts status`, `evaluations` and `deliveries`: the admin view (services.alert_admin) from the command
line: every rule with whom it tells and where each scope stands, the subscriptions, channels and silences; the last
evaluations of a rule, which say why it is where it is; and what was delivered to whom.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from kpilot.cli import alerts_app
from kpilot.cli.alerts_app import OPERATOR, PersonOption, TeamOption, app, moment_words, scope_of
from kpilot.cli.alerts_words import (
    channels_table,
    evaluation_cells,
    reason_words,
    show,
    silences_table,
    state_words,
    subscriptions_table,
    table,
)
from kpilot.cli.app import LanguageOption, WorkspaceOption, language, out
from kpilot.cli.formats import Format, TableOrJson
from kpilot.cli.output import json_text
from kpilot.errors import UserError
from kpilot.i18n import Language, Message, text
from kpilot.services.alert_admin import AdminView, DeliveryView, Focus, admin_view, evaluations
from kpilot.services.alert_data import admin_data, delivery_data, evaluation_data
from kpilot.store.alert_records import DeliveryStatus, Evaluation
from kpilot.store.session import open_store
from kpilot.workspace import Workspace

EVALUATIONS = 20


@app.command("status")
def status_command(
    person: PersonOption = None,
    team: TeamOption = None,
    kpi: Annotated[str | None, typer.Option("--kpi", help="Only the rules on this KPI.")] = None,
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Every rule, whom it tells and where each of its scopes stands; the subscriptions, channels and silences."""
    speak = language()
    with Workspace(workspace) as ws, open_store(ws) as store:
        view = admin_view(store, ws, OPERATOR, now=alerts_app.now(), focus=Focus(person=person, team=team, kpi=kpi))
        timezone = ws.settings.timezone
    if output is Format.JSON:
        out.file.write(json_text(admin_data(view)) + "\n")
        return
    _rules(view, speak)
    _scopes(view, timezone, speak)
    show(subscriptions_table(view.subscriptions, timezone, speak), speak, title="subscriptions")
    show(channels_table(view.channels, timezone, speak), speak, title="channels")
    show(silences_table(view.silences, timezone, speak), speak, title="silences")


def _rules(view: AdminView, speak: Language) -> None:
    shown = table(speak, "rule", "when", "watches", "tells", "firing", "scopes", right=("firing", "scopes"))
    for rule in view.rules:
        name = rule.name if rule.title == rule.name else f"{rule.title} ({rule.name})"
        tells = ", ".join((*rule.people, *rule.teams))
        shown.add_row(
            escape(name),
            rule.kind,
            escape(rule.kpi or rule.source or ""),
            escape(tells) if tells else text("cli.alerts.nobody", speak),
            str(rule.firing),
            str(len(rule.scopes)),
        )
    show(shown, speak, title="rules")


def _scopes(view: AdminView, timezone: str, speak: Language) -> None:
    shown = table(speak, "rule", "scope", "state", "episode", "evaluated", "period", "outcome", "reason")
    for rule in view.rules:
        for scope in rule.scopes:
            last = scope.last
            shown.add_row(
                escape(rule.name),
                escape(scope.scope_key) if scope.scope_key else text("cli.alerts.company", speak),
                state_words(scope.state, speak, flapping=scope.flapping),
                str(scope.episode),
                moment_words(scope.evaluated_at, timezone, speak),
                escape(last.period) if last else "",
                text(f"cli.alerts.outcome.{last.outcome.value}", speak) if last else "",
                escape(reason_words(last.reason_code, last.reason_values, speak)) if last else "",
            )
    show(shown, speak, title="states")


@app.command("evaluations")
def evaluations_command(
    rule: Annotated[str, typer.Argument(metavar="RULE", help="The rule's name, as its definition names it.")],
    scope: Annotated[
        str | None, typer.Option("--scope", help="One scope: team=EMEA,agent=ana (default: every scope).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="At most this many per scope.")] = EVALUATIONS,
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """A rule's last evaluations in each scope, newest first: the period, the outcome, the state and why."""
    speak = language()
    key = scope_of(scope)
    with Workspace(workspace) as ws, open_store(ws) as store:
        names = tuple(one.name for one in ws.definitions.alert_rules)
        if rule not in names:
            raise UserError(Message("cli.alerts.rule_unknown", rule=rule), field="rule", suggestions=names[:20])
        timezone = ws.settings.timezone
        if key is None:
            view = admin_view(store, ws, OPERATOR, now=alerts_app.now())
            keys = [one.scope_key for found in view.rules if found.name == rule for one in found.scopes]
        else:
            keys = [key]
        found: list[Evaluation] = [
            one for each in keys for one in evaluations(store, OPERATOR, rule, each, limit=limit)
        ]
    if output is Format.JSON:
        out.file.write(json_text([evaluation_data(one) for one in found]) + "\n")
        return
    shown = table(speak, "scope", "at", "period", "outcome", "state", "value", "reason")
    for one in found:
        where = escape(one.scope_key) if one.scope_key else text("cli.alerts.company", speak)
        shown.add_row(where, *evaluation_cells(one, timezone, speak))
    show(shown, speak, title="evaluations")


@app.command("deliveries")
def deliveries_command(
    status: Annotated[DeliveryStatus | None, typer.Option("--status", help="Only deliveries in this status.")] = None,
    person: PersonOption = None,
    team: TeamOption = None,
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """The last deliveries, newest first: the notice, to whom on which channel, the status, attempts and error."""
    speak = language()
    focus = Focus(person=person, team=team, status=status)
    with Workspace(workspace) as ws, open_store(ws) as store:
        view = admin_view(store, ws, OPERATOR, now=alerts_app.now(), focus=focus)
        timezone = ws.settings.timezone
    if output is Format.JSON:
        out.file.write(json_text([delivery_data(one) for one in view.deliveries]) + "\n")
        return
    shown = table(speak, "id", "rule", "notice", "scope", "period", "recipient", "channel", "status", "attempts")
    for column in ("sent", "error"):
        shown.add_column(text(f"cli.alerts.column.{column}", speak))
    for one in view.deliveries:
        shown.add_row(*_delivery_cells(one, timezone, speak))
    show(shown, speak, title="deliveries")


def _delivery_cells(one: DeliveryView, timezone: str, speak: Language) -> list[str]:
    scope = ", ".join(f"{key}={value}" for key, value in sorted(one.scope.items()))
    channel = f"{one.channel_kind.value} {one.channel_shown}" if one.channel_kind else text("cli.alerts.removed", speak)
    return [
        str(one.id),
        escape(one.rule),
        text(f"cli.alerts.notice.{one.notice.value}", speak),
        escape(scope) if scope else text("cli.alerts.company", speak),
        escape(one.period),
        escape(one.recipient),
        escape(channel),
        text(f"cli.alerts.delivery.{one.status.value}", speak),
        str(one.attempts),
        moment_words(one.sent_at, timezone, speak) if one.sent_at else "",
        escape(reason_words(one.last_error, None, speak)),
    ]
