"""`kpilot alerts channels add | list | remove`, `follow`, `unfollow`, `subscriptions` and `digest-set`: where a
person or a team is told, and what a person follows (services.alert_setup, which checks a target as the sender
would and decides who may change what).

A channel's target may hold a token (a Slack webhook's path, a password in a mailto URL): it is read from the
command line and handed to the service, and never printed back, not even in an error; what is shown is its scheme
and host.
"""

from __future__ import annotations

from typing import Annotated

import typer

from kpilot.cli import alerts_app
from kpilot.cli.alerts_app import OPERATOR, PersonOption, TeamOption, app
from kpilot.cli.alerts_words import channels_table, show, subscriptions_table
from kpilot.cli.app import LanguageOption, WorkspaceOption, language, out
from kpilot.cli.formats import Format, TableOrJson
from kpilot.cli.output import json_text
from kpilot.errors import UserError
from kpilot.i18n import Language, Message, text
from kpilot.services.alert_data import channel_data, subscription_data
from kpilot.services.alert_setup import (
    Owner,
    SubscriptionView,
    add_channel,
    channels,
    remove_channel,
    set_digest,
    subscribe,
    subscriptions,
    unsubscribe,
)
from kpilot.store.alert_records import ChannelKind, Digest, OwnerKind, SubscriptionKind
from kpilot.store.session import open_store
from kpilot.workspace import Workspace

channels_app = typer.Typer(
    name="channels",
    help="Where a person or a team is told: e-mail, Slack, Teams, webhooks, any apprise URL.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(channels_app, name="channels")

IdArgument = Annotated[int, typer.Argument(metavar="ID", help="The id, as the list prints it.")]
DigestArgument = Annotated[Digest, typer.Argument(metavar="DIGEST", help="none, daily or weekly.")]


@channels_app.command("add")
def channel_add_command(
    kind: Annotated[ChannelKind, typer.Option("--kind", help="The kind of channel.")],
    target: Annotated[str, typer.Option("--target", help="Its apprise URL (never printed back).")],
    person: PersonOption = None,
    team: TeamOption = None,
    dedupes: Annotated[
        bool | None,
        typer.Option("--dedupes/--no-dedupes", help="Whether its receiver drops a repeated Idempotency-Key."),
    ] = None,
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Add a channel to a person (--person) or a team (--team); its target is checked as it would be sent to."""
    speak = language()
    owner = _owner(person, team)
    if owner is None:
        raise UserError(Message("cli.alerts.owner_needed"), field="owner")
    with Workspace(workspace) as ws, open_store(ws) as store:
        channel = add_channel(store, ws, OPERATOR, owner, kind, target, now=alerts_app.now(), dedupes=dedupes)
    if output is Format.JSON:
        out.file.write(json_text(channel_data(channel)) + "\n")
        return
    values = {
        "id": str(channel.id),
        "kind": channel.kind.value,
        "owner": channel.owner.name,
        "target": channel.target_shown,
    }
    _say(text("cli.alerts.channel_added", speak, **values))


@channels_app.command("list")
def channel_list_command(
    person: PersonOption = None,
    team: TeamOption = None,
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """The channels of a person or a team (of everyone, without --person and --team)."""
    speak = language()
    owner = _owner(person, team)
    with Workspace(workspace) as ws, open_store(ws) as store:
        if owner is None:
            found = channels(store, OPERATOR, Owner(OwnerKind.PERSON, "")) + channels(
                store, OPERATOR, Owner(OwnerKind.TEAM, "")
            )
        else:
            found = channels(store, OPERATOR, owner)
        timezone = ws.settings.timezone
    if output is Format.JSON:
        out.file.write(json_text([channel_data(one) for one in found]) + "\n")
        return
    show(channels_table(found, timezone, speak), speak)


@channels_app.command("remove")
def channel_remove_command(channel: IdArgument, workspace: WorkspaceOption = ".", lang: LanguageOption = None) -> None:
    """Remove a channel: nothing more is sent to it."""
    speak = language()
    with Workspace(workspace) as ws, open_store(ws) as store:
        remove_channel(store, OPERATOR, channel, now=alerts_app.now())
    _say(text("cli.alerts.channel_removed", speak, id=str(channel)))


@app.command("follow")
def follow_command(
    kind: Annotated[SubscriptionKind, typer.Argument(metavar="KIND", help="kpi, board or team.")],
    name: Annotated[str, typer.Argument(metavar="NAME", help="The KPI's, board's or team's name.")],
    person: PersonOption = None,
    digest: Annotated[Digest | None, typer.Option("--digest", help="The digest wanted (default: weekly).")] = None,
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Make a person follow a KPI, a board or a team, with a digest of it."""
    speak = language()
    with Workspace(workspace) as ws, open_store(ws) as store:
        at = alerts_app.now()
        if digest is None:
            made = subscribe(store, ws, OPERATOR, kind, name, now=at, email=person)
        else:
            made = subscribe(store, ws, OPERATOR, kind, name, now=at, digest=digest, email=person)
    _subscription_said(made, "cli.alerts.followed", output, speak)


@app.command("unfollow")
def unfollow_command(subscription: IdArgument, workspace: WorkspaceOption = ".", lang: LanguageOption = None) -> None:
    """End a subscription (its person is told nothing more of it)."""
    speak = language()
    with Workspace(workspace) as ws, open_store(ws) as store:
        unsubscribe(store, OPERATOR, subscription, now=alerts_app.now())
    _say(text("cli.alerts.unfollowed", speak, id=str(subscription)))


@app.command("subscriptions")
def subscriptions_command(
    person: PersonOption = None,
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """What a person follows (everyone's, without --person), with the digest of each."""
    speak = language()
    with Workspace(workspace) as ws, open_store(ws) as store:
        found = subscriptions(store, OPERATOR, "" if person is None else person)
        timezone = ws.settings.timezone
    if output is Format.JSON:
        out.file.write(json_text([subscription_data(one) for one in found]) + "\n")
        return
    show(subscriptions_table(found, timezone, speak), speak)


@app.command("digest-set")
def digest_set_command(
    subscription: IdArgument,
    digest: DigestArgument,
    output: TableOrJson = Format.TABLE,
    workspace: WorkspaceOption = ".",
    lang: LanguageOption = None,
) -> None:
    """Change the digest of a subscription: none, daily or weekly."""
    speak = language()
    with Workspace(workspace) as ws, open_store(ws) as store:
        changed = set_digest(store, OPERATOR, subscription, digest, now=alerts_app.now())
    _subscription_said(changed, "cli.alerts.digest_changed", output, speak)


def _owner(person: str | None, team: str | None) -> Owner | None:
    if person is not None and team is not None:
        raise UserError(Message("cli.alerts.owner_needed"), field="owner")
    if person is not None:
        return Owner(OwnerKind.PERSON, person)
    return None if team is None else Owner(OwnerKind.TEAM, team)


def _subscription_said(made: SubscriptionView, code: str, output: Format, speak: Language) -> None:
    if output is Format.JSON:
        out.file.write(json_text(subscription_data(made)) + "\n")
        return
    values = {
        "id": str(made.id),
        "email": made.email,
        "subject": text(f"cli.alerts.follows.{made.kind.value}", speak, name=made.target),
        "digest": text(f"cli.alerts.digest.{made.digest.value}", speak),
    }
    _say(text(code, speak, **values))


def _say(line: str) -> None:
    out.print(line, highlight=False, markup=False)
