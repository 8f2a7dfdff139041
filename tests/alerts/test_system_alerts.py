"""Evaluation errors are the system's: two rules on the one source `sales` (revenue_falls by team, and returns_rise)
fail three rounds in a row (their evaluation scripted to fail), and the admins are told once that `sales` cannot be
evaluated, not once per rule and scope, and the rules' own recipients nothing; when the rules evaluate again, the
admins are told once that it recovered."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kpilot.alerts.conditions import Verdict
from kpilot.alerts.states import Outcome
from kpilot.definitions.alert_model import AlertRule
from kpilot.i18n import Message
from kpilot.services import alert_timeout
from kpilot.services.alert_eval import ScopeVerdict, evaluate
from kpilot.services.alert_run import run_round
from kpilot.services.alert_system import SYSTEM
from kpilot.store.accounts import Accounts
from kpilot.store.alert_records import AlertLevel, ChannelKind, NoticeKind, OwnerKind
from kpilot.store.alerts import AlertStore
from tests.alerts.alert_support import NOW, RULES, Company, company

__all__ = ["company"]  # a fixture, used by name
SECOND = """\
  - {name: returns_rise, when: change, kpi: returns, min_change: 10, notify: {teams: [EMEA]}}
"""


@pytest.fixture(autouse=True)
def two_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """The company of alert_support with a second rule on `sales` (set before the company is made)."""
    monkeypatch.setattr("tests.alerts.alert_support.RULES", RULES + SECOND)


def _failing(monkeypatch: pytest.MonkeyPatch, failing: bool) -> None:
    def scripted(workspace: object, rule: AlertRule, now: object) -> tuple[ScopeVerdict, ...]:
        found = evaluate(workspace, rule, now)  # type: ignore[arg-type]
        if not failing:
            return found
        why = Message("warehouse.table_missing", source="sales", table="sales")
        return tuple(ScopeVerdict(v.rule, v.scope, v.period, Verdict(Outcome.FAILED, why)) for v in found)

    monkeypatch.setattr(alert_timeout, "evaluate", scripted)


def _notices(company: Company) -> list[tuple[str, str, str]]:
    with company.store.reading() as session:
        alerts = AlertStore(session)
        found = [
            *alerts.notices(rule=SYSTEM),
            *alerts.notices(rule="revenue_falls"),
            *alerts.notices(rule="returns_rise"),
        ]
    return sorted((notice.rule, notice.kind.value, notice.scope.get("source", "")) for notice in found)


def test_one_system_alert_per_failing_source(company: Company, monkeypatch: pytest.MonkeyPatch) -> None:
    with company.store.writing() as session:
        Accounts(session).add("ana@acme.example", roles=["admin"], password_hash=None, now=NOW)
    mail = company.add_channel(OwnerKind.PERSON, ChannelKind.EMAIL, "mailto://ana@acme.example")
    company.add_channel(OwnerKind.TEAM, ChannelKind.EMAIL, "mailto://emea@acme.example")
    _failing(monkeypatch, True)
    for minute in range(3):  # three failures in a row: error
        run_round(company.store, company.workspace, NOW + timedelta(minutes=minute), "evaluator")
    with company.store.reading() as session:
        alerts = AlertStore(session)
        levels = {(s.rule, s.scope_key): s.state for s in alerts.states()}
        deliveries = alerts.deliveries(limit=100)
    assert levels == {
        ("revenue_falls", "team=APAC"): AlertLevel.ERROR,
        ("revenue_falls", "team=EMEA"): AlertLevel.ERROR,
        ("returns_rise", ""): AlertLevel.ERROR,
    }
    assert _notices(company) == [(SYSTEM, "error", "sales")]  # three scopes of two rules: one notice
    assert [(d.recipient, d.channel_id) for d in deliveries] == [("ana@acme.example", mail.id)]  # the admin only
    # Evaluating again: the rules' own scopes are told as the rules say; the admins that sales recovered, once
    _failing(monkeypatch, False)
    run_round(company.store, company.workspace, NOW + timedelta(minutes=3), "evaluator")
    assert _notices(company) == [
        ("revenue_falls", "firing", ""),  # EMEA's revenue did fall: that is the rule's news, for its recipients
        (SYSTEM, "error", "sales"),
        (SYSTEM, "resolved", "sales"),
    ]
    with company.store.reading() as session:
        (resolved,) = [n for n in AlertStore(session).notices(rule=SYSTEM) if n.kind is NoticeKind.RESOLVED]
    assert resolved.payload["title"] == "sales"
