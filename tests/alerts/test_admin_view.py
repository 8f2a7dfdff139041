"""The alerts admin view (services.alert_admin) on the company of alert_support: one rule, revenue_falls, by team,
telling Ana and the team EMEA; after one round EMEA fires (700 against 1,000) and APAC is ok, and the notice has one
delivery per channel: Ana's e-mail and EMEA's webhook."""

from __future__ import annotations

import pytest

from kpilot.auth.actor import Actor, Role
from kpilot.services import alert_setup as setup
from kpilot.services.alert_admin import Focus, admin_view, evaluations
from kpilot.services.permissions import PermissionDenied
from kpilot.store.accounts import Accounts
from kpilot.store.alert_records import (
    AlertLevel,
    ChannelKind,
    DeliveryStatus,
    EvaluationOutcome,
    NoticeKind,
    OwnerKind,
    SilenceSubject,
    SubscriptionKind,
)
from tests.alerts.alert_support import NOW, Company, company

__all__ = ["company"]  # a fixture, used by name
OPERATOR = Actor.operator()
HOOK = "json://93.184.216.34/hooks/SECRET-TOKEN-1"


def _told(company: Company) -> None:
    company.add_channel(OwnerKind.PERSON, ChannelKind.EMAIL, "mailto://ana@acme.example")
    company.add_channel(OwnerKind.TEAM, ChannelKind.WEBHOOK, HOOK, dedupes=True)
    company.notify()


def test_every_rule_scope_and_delivery(company: Company) -> None:
    _told(company)
    view = admin_view(company.store, company.workspace, OPERATOR, now=NOW)
    (rule,) = view.rules
    assert (rule.name, rule.title, rule.kind, rule.kpi, rule.by) == (
        "revenue_falls", "Revenue falls", "change", "revenue", ("team",),
    )  # fmt: skip
    assert (rule.people, rule.teams, rule.firing) == (("ana@acme.example",), ("EMEA",), 1)
    states = {scope.scope_key: (scope.state, scope.episode) for scope in rule.scopes}
    assert states == {"team=APAC": (AlertLevel.OK, 0), "team=EMEA": (AlertLevel.FIRING, 1)}
    emea = next(scope for scope in rule.scopes if scope.scope_key == "team=EMEA")
    assert emea.last is not None
    assert (emea.last.outcome, emea.last.period, emea.last.value) == (EvaluationOutcome.BREACH, "2026-11", "700.0")
    recipients = sorted((d.recipient, d.channel_kind, d.status, d.notice) for d in view.deliveries)
    assert recipients == [
        ("EMEA", ChannelKind.WEBHOOK, DeliveryStatus.QUEUED, NoticeKind.FIRING),
        ("ana@acme.example", ChannelKind.EMAIL, DeliveryStatus.QUEUED, NoticeKind.FIRING),
    ]
    assert all("SECRET" not in repr(one) for one in (*view.deliveries, *view.channels))
    assert sorted(c.target_shown for c in view.channels) == ["json://93.184.216.34", "mailto://acme.example"]


def test_narrowed_to_a_person_a_team_a_kpi_and_a_status(company: Company) -> None:
    _told(company)
    with company.store.writing() as session:  # a person follows only what their account may see
        Accounts(session).add("ana@acme.example", roles=["member"], password_hash=None, now=NOW)
    setup.subscribe(
        company.store, company.workspace, OPERATOR, SubscriptionKind.KPI, "revenue", now=NOW, email="ana@acme.example"
    )

    def view(**focus: object) -> tuple[int, int, int, int]:
        found = admin_view(company.store, company.workspace, OPERATOR, now=NOW, focus=Focus(**focus))  # type: ignore[arg-type]
        scopes = sum(len(rule.scopes) for rule in found.rules)
        return len(found.rules), scopes, len(found.deliveries), len(found.subscriptions)

    assert view(person="ANA@acme.example") == (1, 2, 1, 1)  # told by name; her e-mail; her subscription
    assert view(team="EMEA") == (1, 1, 1, 1)  # EMEA's scope only; its webhook; Ana is in EMEA
    assert view(team="APAC") == (1, 1, 0, 0)  # evaluated by team: APAC's scope; nothing sent to it
    assert view(kpi="returns") == (0, 0, 0, 0)
    assert view(status=DeliveryStatus.SENT) == (1, 2, 0, 1)


def test_silences_in_force_and_evaluations(company: Company) -> None:
    _told(company)
    window = {"starts_at": NOW, "ends_at": NOW.replace(hour=12), "reason": "migration", "now": NOW}
    setup.add_silence(company.store, company.workspace, OPERATOR, SilenceSubject.RULE, "revenue_falls", **window)
    assert [s.subject for s in admin_view(company.store, company.workspace, OPERATOR, now=NOW).silences] == [
        "revenue_falls"
    ]
    assert admin_view(company.store, company.workspace, OPERATOR, now=NOW.replace(hour=12)).silences == ()
    (last,) = evaluations(company.store, OPERATOR, "revenue_falls", "team=EMEA")
    assert (last.state, last.reason_code is not None) == (AlertLevel.FIRING, True)


def test_only_admins_read_it() -> None:
    member = Actor(account_id=1, person_id=1, email="ana@acme.example", roles=frozenset({Role.MEMBER}))
    with pytest.raises(PermissionDenied):
        admin_view(None, None, member, now=NOW)  # type: ignore[arg-type]  # refused before anything is read
    with pytest.raises(PermissionDenied):
        evaluations(None, member, "revenue_falls", "team=EMEA")  # type: ignore[arg-type]
