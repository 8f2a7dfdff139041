"""Rounds of the alert evaluator on the two teams of test_evaluate (EMEA's November revenue 700 against 1,000 in
October: a 30 % fall, a breach; APAC unchanged): states stored, one notice per episode in the outbox with one
delivery per channel, nothing twice on a repeated round, one evaluator at a time, silences."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from kpilot import Workspace
from kpilot.services.alert_run import run_round
from kpilot.services.org import import_file
from kpilot.store import open_store
from kpilot.store.alert_records import AlertLevel, ChannelKind, OwnerKind, SilenceSubject
from kpilot.store.alert_setup_records import NewSilence
from kpilot.store.alerts import AlertStore
from kpilot.store.location import store_location
from kpilot.store.people import People
from kpilot.store.revisions import upgrade
from kpilot.store.session import Store
from tests.alerts.test_evaluate import DEFINITIONS, NOW, workspace

RULES = """\
alert_rules:
  - {name: revenue_falls, when: change, kpi: revenue, min_change: 10, by: [team], notify: {people: [ana@acme.example]}}
"""
ORG = """\
teams:
  - {name: EMEA, kind: team, scope: {team: EMEA}}
people:
  - {name: Ana, email: ana@acme.example, teams: [EMEA]}
"""


@pytest.fixture
def company(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Workspace, Store]]:
    monkeypatch.setattr("tests.alerts.test_evaluate.DEFINITIONS", DEFINITIONS + RULES)
    made = workspace(tmp_path, {"EMEA": (700, 10)})
    made.close()
    root = tmp_path / "ws"
    upgrade(store_location("kpilot.db", root))
    (root / "org.yaml").write_text(ORG)
    ws = Workspace(root)
    import_file(ws, root / "org.yaml", on=NOW.date())
    with open_store(ws) as store:
        with store.writing() as session:
            ana = People(session).by_email("ana@acme.example")
            assert ana is not None
            AlertStore(session).add_channel(
                OwnerKind.PERSON, ana.id, ChannelKind.EMAIL, "mailto://ana@acme.example", dedupes=False, at=NOW
            )
        yield ws, store
    ws.close()


def outbox(store: Store) -> list[tuple[str, str, int]]:
    with store.reading() as session:
        found = AlertStore(session).notices(rule="revenue_falls")
        return sorted((notice.scope.get("team", ""), notice.kind.value, notice.episode) for notice in found)


def test_a_breach_is_told_once(company: tuple[Workspace, Store]) -> None:
    ws, store = company
    report = run_round(store, ws, NOW, "evaluator-1")
    assert (report.held, report.evaluated, report.enqueued) == (True, 2, 1)
    assert outbox(store) == [("EMEA", "firing", 1)]
    with store.reading() as session:
        alerts = AlertStore(session)
        states = {state.scope.get("team"): state.state for state in alerts.states("revenue_falls")}
        (delivery,) = alerts.deliveries(rule="revenue_falls")
    assert states == {"APAC": AlertLevel.OK, "EMEA": AlertLevel.FIRING}
    assert delivery.recipient == "ana@acme.example"
    assert delivery.next_attempt_at == NOW + timedelta(seconds=30)  # the grouping wait
    # The same round again (a retried job, the next tick): the episode was told; nothing new
    again = run_round(store, ws, NOW + timedelta(minutes=1), "evaluator-1")
    assert again.enqueued == 0
    assert outbox(store) == [("EMEA", "firing", 1)]


def test_one_evaluator_at_a_time(company: tuple[Workspace, Store]) -> None:
    ws, store = company
    assert run_round(store, ws, NOW, "evaluator-1").held
    assert not run_round(store, ws, NOW + timedelta(minutes=1), "evaluator-2").held  # the lease is taken
    assert run_round(store, ws, NOW + timedelta(minutes=6), "evaluator-2").held  # expired: taken over


def test_a_silenced_rule_moves_quietly_and_tells_after(company: tuple[Workspace, Store]) -> None:
    ws, store = company
    with store.writing() as session:
        AlertStore(session).add_silence(
            NewSilence(SilenceSubject.RULE, "revenue_falls", NOW, NOW + timedelta(hours=1), "migration", "operator")
        )
    assert run_round(store, ws, NOW, "e").enqueued == 0
    assert outbox(store) == []
    later = NOW + timedelta(hours=2)
    assert run_round(store, ws, later, "e").enqueued == 1  # the silence is over: still firing, now told
    assert outbox(store) == [("EMEA", "firing", 1)]
