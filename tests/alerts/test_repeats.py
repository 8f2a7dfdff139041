"""Repeats of a firing episode, on scripted times: the company of alert_support (EMEA's November revenue 700
against 1,000, a 30 % fall: revenue_falls fires at NOW, episode 1) is told again every 4 h after it was last told,
at most 6 times, while it stays firing; never twice for one repeat, never after it resolved, never while silenced."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from kpilot import Workspace
from kpilot.services.alert_run import run_round
from kpilot.services.alert_send import SendReport, send_due
from kpilot.store.alert_records import ChannelKind, NoticeKind, OwnerKind, SilenceSubject
from kpilot.store.alert_setup_records import NewSilence
from kpilot.store.alerts import AlertStore
from tests.alerts.alert_support import Company, SmtpServer, company, smtp
from tests.alerts.test_evaluate import NOW, workspace

__all__ = ["company", "smtp"]  # fixtures, used by name

HOUR = timedelta(hours=1)


def round_at(company: Company, now: datetime, ws: Workspace | None = None) -> int:
    report = run_round(company.store, ws or company.workspace, now, "evaluator")
    assert report.held
    return report.enqueued


def told(company: Company) -> list[tuple[str, int, object, datetime]]:
    """The rule's notices, oldest first: kind, episode, repeat number (None for the first firing), when."""
    with company.store.reading() as session:
        found = AlertStore(session).notices(rule="revenue_falls")
    return [(n.kind.value, n.episode, n.payload.get("repeat"), n.created_at) for n in reversed(found)]


def test_a_firing_episode_is_repeated_every_4_hours_at_most_6_times(company: Company) -> None:
    assert round_at(company, NOW) == 1
    assert round_at(company, NOW + 4 * HOUR - timedelta(seconds=1)) == 0  # not yet 4 h after it was told
    for n in range(1, 7):  # 4 h, 8 h, ... 24 h: the 1st ... 6th repeat
        assert round_at(company, NOW + 4 * n * HOUR) == 1
        assert round_at(company, NOW + 4 * n * HOUR) == 0  # a repeated round: the repeat is there already
    assert round_at(company, NOW + 28 * HOUR) == 0  # 6 repeats: no 7th
    assert round_at(company, NOW + 100 * HOUR) == 0
    expected = [("firing", 1, None, NOW)] + [("firing", 1, n, NOW + 4 * n * HOUR) for n in range(1, 7)]
    assert told(company) == expected
    with company.store.reading() as session:
        keys = {n.idempotency_key for n in AlertStore(session).notices(rule="revenue_falls")}
    assert len(keys) == 7  # each repeat under a key of its own


def test_the_next_repeat_counts_from_the_last_time_it_was_told(company: Company) -> None:
    assert round_at(company, NOW) == 1
    assert round_at(company, NOW + 5 * HOUR) == 1  # the evaluator ran late: the 1st repeat at 5 h
    assert round_at(company, NOW + 8 * HOUR) == 0  # 3 h after it: not 4 h after the first notice
    assert round_at(company, NOW + 9 * HOUR) == 1
    assert [(repeat, at) for _, _, repeat, at in told(company)] == [
        (None, NOW),
        (1, NOW + 5 * HOUR),
        (2, NOW + 9 * HOUR),
    ]


def test_a_repeat_is_sent_with_the_firing_words(company: Company, smtp: SmtpServer) -> None:
    company.add_channel(OwnerKind.PERSON, ChannelKind.EMAIL, smtp.url())
    assert round_at(company, NOW) == 1
    assert send_due(company.store, company.workspace, NOW + timedelta(seconds=30), "s") == SendReport(claimed=1, sent=1)
    repeat = NOW + 4 * HOUR
    assert round_at(company, repeat) == 1
    assert send_due(company.store, company.workspace, repeat + timedelta(seconds=29), "s") == SendReport()
    assert send_due(company.store, company.workspace, repeat + timedelta(seconds=30), "s") == SendReport(
        claimed=1, sent=1
    )
    # Ana reads Italian: the same title and words as the first time ("Avviso: {title}", 1.000)
    first = ("Avviso: Revenue falls", "700, rispetto a 1.000: peggiorato di 30%\nAmbito: team=EMEA\nPeriodo: 2026-11")
    assert [(subject, body) for _, subject, body in smtp.mailbox.messages] == [first, first]


def test_a_resolved_episode_is_not_repeated(company: Company, tmp_path: Path) -> None:
    assert round_at(company, NOW) == 1
    assert round_at(company, NOW + 4 * HOUR) == 1  # the 1st repeat
    healthy = workspace(tmp_path / "healthy", {})  # November back to 1,000: no fall, the rule clears
    try:
        assert round_at(company, NOW + 5 * HOUR, healthy) == 1  # resolved
        assert round_at(company, NOW + 8 * HOUR, healthy) == 0
        assert round_at(company, NOW + 12 * HOUR, healthy) == 0
    finally:
        healthy.close()
    kinds = [(kind, episode, repeat) for kind, episode, repeat, _ in told(company)]
    assert kinds == [("firing", 1, None), ("firing", 1, 1), (NoticeKind.RESOLVED.value, 1, None)]


def test_no_repeat_while_silenced(company: Company) -> None:
    assert round_at(company, NOW) == 1
    with company.store.writing() as session:
        AlertStore(session).add_silence(
            NewSilence(SilenceSubject.RULE, "revenue_falls", NOW + HOUR, NOW + 6 * HOUR, "maintenance", "operator")
        )
    assert round_at(company, NOW + 4 * HOUR) == 0  # due, but silenced
    assert round_at(company, NOW + 6 * HOUR) == 1  # the silence is over: told again, as the 1st repeat
    assert [(repeat, at) for _, _, repeat, at in told(company)] == [(None, NOW), (1, NOW + 6 * HOUR)]
