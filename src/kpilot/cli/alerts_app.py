"""The `kpilot alerts` group's Typer app and what its commands share: the actor, the clock, moments read and shown.

The commands live in modules of their own (alerts_run, alerts_status, alerts_setup, alerts_silence) that register
on `app`; `kpilot.cli.alerts` imports them all, and is the module `cli.commands` names. The local operator is the
actor (as for `kpilot bonus`): every rule and permission is the service layer's (services.alert_*), so the command
line only turns arguments into calls and results into words.

Moments are read and shown in the workspace's time zone (`timezone:` in kpilot.yaml), the one its periods are cut
in: a silence "until 18:00" means 18:00 where the company's day is counted, and is shown back the same way, with the
date written the reader's way (value_text).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from kpilot.auth.actor import Actor
from kpilot.errors import UserError
from kpilot.i18n import Language, Message, value_text
from kpilot.store.alert_records import scope_key

app = typer.Typer(
    name="alerts",
    help="Alerts: run the evaluator, channels, subscriptions, silences, and what was evaluated and delivered.\n\n"
    "Rules are definitions (docs/alerts.md); their states, the outbox, channels, subscriptions and silences are in "
    "the store.",
    no_args_is_help=True,
    add_completion=False,
)
OPERATOR = Actor.operator()

PersonOption = Annotated[str | None, typer.Option("--person", help="A person, by e-mail address.")]
TeamOption = Annotated[str | None, typer.Option("--team", help="A team, by name.")]

DURATION = re.compile(r"(\d+)\s*([mhdw])")
UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def now() -> datetime:
    """The moment a command acts at (tests set it: the alert tests' company is evaluated on 2026-12-07)."""
    return datetime.now(UTC)


def moment_words(moment: datetime | None, timezone: str, speak: Language) -> str:
    """A moment in the workspace's time zone, the date the reader's way (`2026-12-07 10:00`; "–" for none)."""
    if moment is None:
        return value_text(None, speak)
    return value_text(moment.astimezone(ZoneInfo(timezone)), speak)


def moment_of(given: str, start: datetime, timezone: str, field: str) -> datetime:
    """`2h`, `30m`, `1d`, `2w` after `start`; or an ISO date-time (`2026-12-24T18:00`, in the workspace's time zone
    unless it names its own offset) or date (its midnight there)."""
    given = given.strip()
    duration = DURATION.fullmatch(given)
    if duration is not None:
        count = int(duration[1])
        if count == 0:
            raise UserError(Message("cli.alerts.moment_unreadable", value=given), field=field, hint=_MOMENT_HINT)
        return start + timedelta(**{UNITS[duration[2]]: count})
    zone = ZoneInfo(timezone)
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", given):
            return datetime.combine(date.fromisoformat(given), time(), tzinfo=zone)
        moment = datetime.fromisoformat(given)
    except ValueError:
        raise UserError(Message("cli.alerts.moment_unreadable", value=given), field=field, hint=_MOMENT_HINT) from None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


_MOMENT_HINT = Message("cli.alerts.moment_hint")


def scope_of(given: str | None) -> str | None:
    """`team=EMEA,agent=ana` as the store's scope key (None: not given; "" for the whole company)."""
    if given is None:
        return None
    scope: dict[str, str] = {}
    for part in (one.strip() for one in given.split(",") if one.strip()):
        dimension, equals, value = part.partition("=")
        if not equals or not dimension.strip() or not value.strip():
            raise UserError(Message("cli.alerts.scope_unreadable", value=part), field="scope")
        scope[dimension.strip()] = value.strip()
    return scope_key(scope)
