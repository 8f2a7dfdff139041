"""The words and tables the `kpilot alerts` commands share: states, reasons, and the tables of channels,
subscriptions and silences (`alerts status` shows them, and so do `channels list`, `subscriptions`, `silence list`).

Every word is a message code (cli.alerts.*); names (rules, KPIs, teams, e-mail addresses) are data, escaped for
Rich. A channel's target is never in a table: only its scheme and host (`target_shown`, services.alert_setup).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from rich.markup import escape
from rich.table import Table

from kpilot.cli.alerts_app import moment_words
from kpilot.cli.app import out
from kpilot.i18n import Language, Message, MessageMissing, render, text, value_text
from kpilot.services.alert_message import reason_message
from kpilot.services.alert_setup import ChannelView, SubscriptionView
from kpilot.store.alert_records import AlertLevel, Evaluation
from kpilot.store.alert_setup_records import Silence


def table(speak: Language, *columns: str, right: Sequence[str] = ()) -> Table:
    """A table whose headers are `cli.alerts.column.<name>` (numbers in `right` aligned right)."""
    found = Table(header_style="bold")
    for name in columns:
        found.add_column(text(f"cli.alerts.column.{name}", speak), justify="right" if name in right else "left")
    return found


def show(found: Table, speak: Language, *, title: str | None = None) -> None:
    """A table on stdout under its title (`cli.alerts.title.<title>`), or that there is none of it."""
    if title is not None:
        out.print(text(f"cli.alerts.title.{title}", speak), highlight=False, markup=False, style="bold")
    if found.row_count:
        out.print(found)
    else:
        out.print(f"  {text('cli.alerts.none', speak)}", highlight=False, markup=False)


def state_words(state: AlertLevel, speak: Language, *, flapping: bool = False) -> str:
    words = text(f"cli.alerts.state.{state.value}", speak)
    return text("cli.alerts.flapping", speak, state=words) if flapping else words


def reason_words(code: str | None, values: Mapping[str, Any] | None, speak: Language) -> str:
    """A reason or a delivery's error, by its code, in the reader's language ("" for none; the code itself if this
    version has no text for it: an older evaluator's)."""
    if code is None:
        return ""
    message = reason_message({"code": code, "values": dict(values or {})})
    try:
        return render(message or Message(code), speak)
    except MessageMissing:
        return code


def evaluation_cells(evaluation: Evaluation, timezone: str, speak: Language) -> list[str]:
    """At, period, outcome, state after it, value, reason."""
    return [
        moment_words(evaluation.at, timezone, speak),
        escape(evaluation.period),
        text(f"cli.alerts.outcome.{evaluation.outcome.value}", speak),
        state_words(evaluation.state, speak),
        value_words(evaluation.value, speak),
        escape(reason_words(evaluation.reason_code, evaluation.reason_values, speak)),
    ]


def value_words(value: str | None, speak: Language) -> str:
    """The KPI's value an evaluation read (kept as text: a Decimal's or a float's repr), as the reader writes it."""
    if value is None:
        return ""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return escape(value)
    return value_text(number, speak) if number.is_finite() else escape(value)


def channels_table(found: Sequence[ChannelView], timezone: str, speak: Language) -> Table:
    shown = table(speak, "id", "owner", "kind", "target", "dedupes", "created", right=("id",))
    for one in found:
        owner = text(f"cli.alerts.owner.{one.owner.kind.value}", speak, name=one.owner.name)
        shown.add_row(
            str(one.id),
            escape(owner),
            one.kind.value,
            escape(one.target_shown),
            text("value.yes" if one.dedupes else "value.no", speak),
            moment_words(one.created_at, timezone, speak),
        )
    return shown


def subscriptions_table(found: Sequence[SubscriptionView], timezone: str, speak: Language) -> Table:
    shown = table(speak, "id", "person", "follows", "digest", "created", right=("id",))
    for one in found:
        follows = text(f"cli.alerts.follows.{one.kind.value}", speak, name=one.target)
        shown.add_row(
            str(one.id),
            escape(one.email),
            escape(follows),
            text(f"cli.alerts.digest.{one.digest.value}", speak),
            moment_words(one.created_at, timezone, speak),
        )
    return shown


def silences_table(found: Sequence[Silence], timezone: str, speak: Language) -> Table:
    shown = table(speak, "id", "silenced", "from", "until", "reason", "by", right=("id",))
    for one in found:
        subject = text(f"cli.alerts.subject.{one.subject_kind.value}", speak, name=one.subject)
        shown.add_row(
            str(one.id),
            escape(subject),
            moment_words(one.starts_at, timezone, speak),
            moment_words(one.ends_at, timezone, speak),
            escape(one.reason),
            escape(one.created_by),
        )
    return shown
