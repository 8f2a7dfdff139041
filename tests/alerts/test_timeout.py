"""A rule's evaluation out of time (`alerts.timeout`): its running query is interrupted, and each of its scopes gets
a failed verdict (three in a row: the rule is in error); the warehouse then answers the next rule as usual."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest

from kpilot import Workspace
from kpilot.alerts.states import Outcome
from kpilot.services import alert_timeout
from kpilot.services.alert_run import run_round
from kpilot.services.alert_timeout import TIMED_OUT, evaluated_within
from kpilot.store.alert_records import AlertLevel
from kpilot.store.alerts import AlertStore
from tests.alerts.alert_support import NOW, Company, company

__all__ = ["company"]  # a fixture, used by name


def test_a_running_query_is_interrupted_and_the_scopes_fail(company: Company, monkeypatch: pytest.MonkeyPatch) -> None:
    (rule,) = company.workspace.definitions.alert_rules
    run_round(company.store, company.workspace, NOW, "evaluator")  # the scopes are known: APAC and EMEA

    def endless(workspace: object, *_: object) -> tuple[()]:
        company.workspace.warehouse.con.raw_sql("SELECT count(*) FROM range(100000000000) a").fetchall()
        raise AssertionError("the query ran to its end")

    monkeypatch.setattr(alert_timeout, "evaluate", endless)
    known = [{"team": "APAC"}, {"team": "EMEA"}]
    started = time.monotonic()
    found = evaluated_within(company.workspace, rule, NOW, 0.5, known)
    assert time.monotonic() - started < 30  # stopped, not run to the end (that would take hours)
    assert [(v.scope, v.verdict.outcome, v.verdict.reason.code) for v in found] == [
        ({"team": "APAC"}, Outcome.FAILED, TIMED_OUT),
        ({"team": "EMEA"}, Outcome.FAILED, TIMED_OUT),
    ]
    monkeypatch.undo()
    # The connection answers again: the next evaluation is whole
    again = evaluated_within(company.workspace, rule, NOW, 60, known)
    assert sorted((v.scope["team"], v.verdict.outcome) for v in again) == [
        ("APAC", Outcome.CLEAR),
        ("EMEA", Outcome.BREACH),
    ]


def test_three_rounds_out_of_time_put_the_rule_in_error(company: Company, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = company.workspace.root / "kpilot.yaml"
    settings.write_text(settings.read_text() + "alerts:\n  timeout: 1\n")
    real = alert_timeout.evaluate

    def slow(*args: Any) -> Any:
        time.sleep(1.5)  # longer than the second the settings allow
        return real(*args)

    monkeypatch.setattr(alert_timeout, "evaluate", slow)
    with Workspace(company.workspace.root) as ws:
        for minute in range(3):
            run_round(company.store, ws, NOW + timedelta(minutes=minute), "evaluator")
    with company.store.reading() as session:
        states = {s.scope_key: s.state for s in AlertStore(session).states("revenue_falls")}
    assert states == {"": AlertLevel.ERROR}  # no scope known before: the rule's own stands for them
