"""Setting alerts up through services.alert_setup: who may add which channel, follow what, and silence what; targets
checked when added and never shown back. The company: Ana (a member, in EMEA) and Bo (a member, in APAC), an admin
account; KPIs revenue (company), returns (restricted to Bo), from test_evaluate's workspace."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from kpilot import Workspace
from kpilot.auth.actor import Actor, Role
from kpilot.errors import UserError
from kpilot.services import alert_setup as setup
from kpilot.services.alert_setup import Owner
from kpilot.services.audit import read as audit_log
from kpilot.services.org import import_file
from kpilot.services.permissions import NotFound, PermissionDenied
from kpilot.store import open_store
from kpilot.store.accounts import Accounts
from kpilot.store.alert_records import ChannelKind, Digest, OwnerKind, SilenceSubject, SubscriptionKind
from kpilot.store.alerts import AlertStore
from kpilot.store.location import store_location
from kpilot.store.people import People
from kpilot.store.revisions import upgrade
from kpilot.store.session import Store
from tests.alerts.test_evaluate import DEFINITIONS, NOW, workspace

RESTRICTED = DEFINITIONS.replace(
    "  - {name: returns, formula: returns, direction: down}",
    "  - {name: returns, formula: returns, direction: down, visibility: restricted,"
    " grants: {people: [bo@acme.example]}}",
)
ORG = """\
teams:
  - {name: EMEA, kind: team, scope: {team: EMEA}}
  - {name: APAC, kind: team, scope: {team: APAC}}
people:
  - {name: Ana, email: ana@acme.example, teams: [EMEA]}
  - {name: Bo, email: bo@acme.example, teams: [APAC]}
"""
WEBHOOK = "json://93.184.216.34/hooks/T0KEN-SECRET-123"  # a public address (example.com's), literal: no DNS


@dataclass(frozen=True)
class Company:
    workspace: Workspace
    store: Store
    ana: Actor
    bo: Actor
    admin: Actor


@pytest.fixture
def company(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Company]:
    monkeypatch.setattr("tests.alerts.test_evaluate.DEFINITIONS", RESTRICTED)
    workspace(tmp_path, {}).close()
    root = tmp_path / "ws"
    upgrade(store_location("kpilot.db", root))
    (root / "org.yaml").write_text(ORG)
    ws = Workspace(root)
    import_file(ws, root / "org.yaml", on=NOW.date())
    with open_store(ws) as store:
        actors = []
        with store.writing() as session:
            for email, role in (("ana@acme.example", Role.MEMBER), ("bo@acme.example", Role.MEMBER)):
                account = Accounts(session).add(email, roles=[role.value], password_hash=None, now=NOW)
                person = People(session).by_email(email)
                assert person is not None
                actors.append(Actor(account.id, person.id, email, frozenset({role})))
            admin = Accounts(session).add("root@acme.example", roles=["admin"], password_hash=None, now=NOW)
        yield Company(ws, store, actors[0], actors[1], Actor(admin.id, None, admin.email, frozenset({Role.ADMIN})))
    ws.close()


def test_a_person_adds_their_own_channel_and_its_target_is_never_shown(company: Company) -> None:
    made = setup.add_channel(
        company.store, company.workspace, company.ana, Owner(OwnerKind.PERSON, "ana@acme.example"),
        ChannelKind.WEBHOOK, WEBHOOK, now=NOW,
    )  # fmt: skip
    assert (made.owner, made.kind, made.target_shown, made.dedupes) == (
        Owner(OwnerKind.PERSON, "ana@acme.example"), ChannelKind.WEBHOOK, "json://93.184.216.34", True,
    )  # fmt: skip
    assert setup.channels(company.store, company.ana) == (made,)  # no owner: their own
    assert "T0KEN" not in repr(made)
    (entry,) = [e for e in audit_log(company.store, Actor.operator(), now=NOW) if e.action == "alert.channel_added"]
    assert "T0KEN" not in repr(entry)  # the audit log keeps the scheme and host only
    with company.store.reading() as session:
        (stored,) = AlertStore(session).channels(OwnerKind.PERSON)
    assert stored.target == WEBHOOK  # the store keeps the whole target, for the sender


def test_channels_of_others_and_of_teams_are_for_admins(company: Company) -> None:
    bo = Owner(OwnerKind.PERSON, "bo@acme.example")
    team = Owner(OwnerKind.TEAM, "EMEA")
    for owner in (bo, team):
        with pytest.raises(PermissionDenied):
            setup.add_channel(
                company.store, company.workspace, company.ana, owner, ChannelKind.WEBHOOK, WEBHOOK, now=NOW
            )
    made = setup.add_channel(
        company.store, company.workspace, company.admin, team, ChannelKind.WEBHOOK, WEBHOOK, now=NOW
    )
    assert made.owner == Owner(OwnerKind.TEAM, "EMEA")
    # Ana cannot remove the team's channel: for her it does not exist
    with pytest.raises(UserError) as refused:
        setup.remove_channel(company.store, company.ana, made.id, now=NOW)
    assert refused.value.code == "services.alerts.channel_unknown"
    setup.remove_channel(company.store, company.admin, made.id, now=NOW)
    assert setup.channels(company.store, company.admin, Owner(OwnerKind.TEAM, "")) == ()


@pytest.mark.parametrize(
    ("kind", "target", "code"),
    [
        (ChannelKind.WEBHOOK, "json://127.0.0.1:8080/hook", "alerts.message.error.internal_target"),
        (ChannelKind.WEBHOOK, "json://169.254.169.254/latest", "alerts.message.error.internal_target"),
        (ChannelKind.WEBHOOK, "mailto://ana@acme.example", "alerts.message.error.not_webhook"),
        (ChannelKind.EMAIL, "json://93.184.216.34/x", "alerts.message.error.not_email"),
        (ChannelKind.APPRISE, "nonsense://what", "alerts.message.error.bad_target"),
    ],
)
def test_a_target_the_sender_would_refuse_is_refused_when_added(
    company: Company, kind: ChannelKind, target: str, code: str
) -> None:
    own = Owner(OwnerKind.PERSON, "ana@acme.example")
    with pytest.raises(UserError) as refused:
        setup.add_channel(company.store, company.workspace, company.ana, own, kind, target, now=NOW)
    assert refused.value.code == code
    assert target not in str(refused.value)
    assert setup.channels(company.store, company.ana) == ()  # nothing written


def test_an_internal_network_the_workspace_allows(company: Company, tmp_path: Path) -> None:
    settings = tmp_path / "ws" / "kpilot.yaml"
    settings.write_text(settings.read_text() + "alerts:\n  internal_webhooks: [127.0.0.0/8]\n")
    ws = Workspace(tmp_path / "ws")
    try:
        own = Owner(OwnerKind.PERSON, "ana@acme.example")
        made = setup.add_channel(
            company.store, ws, company.ana, own, ChannelKind.WEBHOOK, "json://127.0.0.1:9/h", now=NOW
        )
        assert made.target_shown == "json://127.0.0.1"
        with pytest.raises(UserError):  # 10.x is not in the allowed network
            setup.add_channel(company.store, ws, company.ana, own, ChannelKind.WEBHOOK, "json://10.1.2.3/h", now=NOW)
    finally:
        ws.close()


def test_following_only_what_one_may_see(company: Company) -> None:
    made = setup.subscribe(company.store, company.workspace, company.ana, SubscriptionKind.KPI, "revenue", now=NOW)
    assert (made.email, made.target, made.digest) == ("ana@acme.example", "revenue", Digest.WEEKLY)
    with pytest.raises(NotFound):  # restricted to Bo: for Ana it does not exist
        setup.subscribe(company.store, company.workspace, company.ana, SubscriptionKind.KPI, "returns", now=NOW)
    bo = setup.subscribe(company.store, company.workspace, company.bo, SubscriptionKind.KPI, "returns", now=NOW)
    assert bo.target == "returns"
    # An admin subscribing Ana is still held to what Ana may see
    with pytest.raises(NotFound):
        setup.subscribe(
            company.store, company.workspace, company.admin, SubscriptionKind.KPI, "returns", now=NOW,
            email="ana@acme.example",
        )  # fmt: skip
    with pytest.raises(UserError) as twice:
        setup.subscribe(company.store, company.workspace, company.ana, SubscriptionKind.KPI, "revenue", now=NOW)
    assert twice.value.code == "store.alert.subscribed_already"
    assert [s.target for s in setup.subscriptions(company.store, company.ana)] == ["revenue"]
    assert sorted(s.email for s in setup.subscriptions(company.store, company.admin, "")) == [
        "ana@acme.example",
        "bo@acme.example",
    ]
    with pytest.raises(PermissionDenied):  # everyone's subscriptions: admins only
        setup.subscriptions(company.store, company.ana, "")


def test_boards_and_teams(company: Company) -> None:
    board = setup.subscribe(company.store, company.workspace, company.ana, SubscriptionKind.BOARD, "emea", now=NOW)
    assert board.target == "EMEA"  # the board's team, as named
    company_board = setup.subscribe(
        company.store, company.workspace, company.ana, SubscriptionKind.BOARD, "Company", now=NOW
    )
    assert company_board.target == "company"
    with pytest.raises(NotFound):  # a member opens their own team's board only
        setup.subscribe(company.store, company.workspace, company.ana, SubscriptionKind.BOARD, "APAC", now=NOW)
    with pytest.raises(UserError) as unknown:
        setup.subscribe(company.store, company.workspace, company.ana, SubscriptionKind.TEAM, "LATAM", now=NOW)
    assert unknown.value.code == "services.alerts.team_unknown"


def test_digest_and_unsubscribe_are_the_persons_or_an_admins(company: Company) -> None:
    made = setup.subscribe(company.store, company.workspace, company.ana, SubscriptionKind.KPI, "revenue", now=NOW)
    with pytest.raises(UserError) as refused:  # Bo may not touch Ana's: for him it does not exist
        setup.set_digest(company.store, company.bo, made.id, Digest.DAILY, now=NOW)
    assert refused.value.code == "services.alerts.subscription_unknown"
    assert setup.set_digest(company.store, company.ana, made.id, Digest.DAILY, now=NOW).digest is Digest.DAILY
    setup.unsubscribe(company.store, company.admin, made.id, now=NOW)
    assert setup.subscriptions(company.store, company.ana) == ()
    actions = [e.action for e in audit_log(company.store, Actor.operator(), now=NOW)]
    assert [a for a in actions if a.startswith("alert.")] == [
        "alert.subscribed",
        "alert.digest_set",
        "alert.unsubscribed",
    ]


def test_silences_are_for_admins_and_name_something_that_exists(company: Company) -> None:
    window = {"starts_at": NOW, "ends_at": NOW + timedelta(hours=2), "reason": "maintenance", "now": NOW}
    with pytest.raises(PermissionDenied):
        setup.add_silence(company.store, company.workspace, company.ana, SilenceSubject.KPI, "revenue", **window)
    with pytest.raises(UserError) as unknown:
        setup.add_silence(company.store, company.workspace, company.admin, SilenceSubject.KPI, "revenu", **window)
    assert unknown.value.code == "services.alerts.subject_unknown"
    assert "revenue" in unknown.value.suggestions
    made = setup.add_silence(company.store, company.workspace, company.admin, SilenceSubject.TEAM, "EMEA", **window)
    assert (made.subject, made.created_by) == ("EMEA", "root@acme.example")
    assert setup.silences(company.store, company.ana, now=NOW) == (made,)  # anyone may read them
    assert setup.silences(company.store, company.ana, now=NOW + timedelta(hours=2)) == ()  # over
    assert setup.silences(company.store, company.ana, now=NOW + timedelta(hours=2), ended=True) == (made,)
    setup.remove_silence(company.store, company.admin, made.id, now=NOW)
    with pytest.raises(UserError):
        setup.remove_silence(company.store, company.admin, made.id, now=NOW)


def test_someone_who_is_not_a_person_has_nothing_of_their_own(company: Company) -> None:
    with pytest.raises(UserError) as refused:
        setup.channels(company.store, company.admin)
    assert refused.value.code == "services.alerts.no_person"
