"""Grouping per recipient and channel, on scripted times (no sleeping), to a real SMTP server and a real webhook.

The company of alert_support, with November's EMEA revenue 700 (October 1,000: a 30 % fall) and returns 20
(October 10: a rise of 100 %, worse for a lower-is-better KPI), and three rules told to Ana and to EMEA:
- revenue_falls (10 % or more) fires at the first round, at NOW;
- returns_rise (10 % or more, pending for 1 evaluation) is pending at NOW and fires at the second round, NOW + 20 s;
- revenue_falls_far (20 % or more, pending for 2 evaluations) fires at the third round, NOW + 2 min.
Grouping: a new notice goes out 30 s after it is queued, or with the group already waiting for the recipient on
that channel; and not within 5 min of the last message sent there.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from kpilot import Workspace
from kpilot.alerts.delivery import Grouping, group_key, repeat_key
from kpilot.i18n import Language
from kpilot.services.alert_message import Notification, notification
from kpilot.services.alert_run import run_round
from kpilot.services.alert_send import SendReport, send_due
from kpilot.services.org import import_file
from kpilot.store import open_store
from kpilot.store.alert_records import ChannelKind, DeliveryStatus, OutboxNotice, OwnerKind
from kpilot.store.alerts import AlertStore
from kpilot.store.location import store_location
from kpilot.store.revisions import upgrade
from tests.alerts.alert_support import ORG, Company, SmtpServer, receiver, smtp, webhook
from tests.alerts.test_evaluate import DEFINITIONS, NOW, workspace

__all__ = ["receiver", "smtp"]  # fixtures, used by name

RULES = """\
alert_rules:
  - {name: revenue_falls, label: Revenue falls, when: change, kpi: revenue, min_change: 10, by: [team],
     notify: {people: [ana@acme.example], teams: [EMEA]}}
  - {name: returns_rise, label: Returns rise, when: change, kpi: returns, min_change: 10, by: [team], pending_for: 1,
     notify: {people: [ana@acme.example], teams: [EMEA]}}
  - {name: revenue_falls_far, label: Revenue falls far, when: change, kpi: revenue, min_change: 20, by: [team],
     pending_for: 2, notify: {people: [ana@acme.example], teams: [EMEA]}}
"""
SECOND, THIRD = NOW + timedelta(seconds=20), NOW + timedelta(minutes=2)
FIRST_SENT = NOW + timedelta(seconds=30)  # the first notice's wait; the second one joins it
THIRD_SENT = FIRST_SENT + timedelta(minutes=5)  # 5 min after the first message, later than THIRD + 30 s
# In Italian (Ana's language): the firing title "Avviso: {title}", the reason "{value}, rispetto a {base}:
# peggiorato di {change}", 1,000 written 1.000; returns 10 -> 20 is worse by 10 / 10 = 100 %.
REVENUE_IT = "Avviso: Revenue falls\n700, rispetto a 1.000: peggiorato di 30%\nAmbito: team=EMEA\nPeriodo: 2026-11"
RETURNS_IT = "Avviso: Returns rise\n20, rispetto a 10: peggiorato di 100%\nAmbito: team=EMEA\nPeriodo: 2026-11"


@pytest.fixture
def company(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Company]:
    monkeypatch.setattr("tests.alerts.test_evaluate.DEFINITIONS", DEFINITIONS + RULES)
    workspace(tmp_path, {"EMEA": (700, 20)}).close()
    root = tmp_path / "ws"
    upgrade(store_location("kpilot.db", root))
    (root / "org.yaml").write_text(ORG)
    ws = Workspace(root)
    import_file(ws, root / "org.yaml", on=NOW.date())
    with open_store(ws) as store:
        yield Company(ws, store)
    ws.close()


def round_at(company: Company, now: datetime) -> int:
    report = run_round(company.store, company.workspace, now, "evaluator")
    assert report.held
    return report.enqueued


def send(company: Company, now: datetime) -> SendReport:
    return send_due(company.store, company.workspace, now, "sender", allow_internal=True)


def keys(company: Company, *rules: str) -> list[str]:
    with company.store.reading() as session:
        alerts = AlertStore(session)
        return [notice.idempotency_key for rule in rules for notice in alerts.notices(rule=rule)]


def test_two_rules_within_30_s_arrive_as_one_email_and_a_third_waits_for_the_interval(
    company: Company, smtp: SmtpServer
) -> None:
    channel = company.add_channel(OwnerKind.PERSON, ChannelKind.EMAIL, smtp.url())
    assert round_at(company, NOW) == 1  # revenue_falls fires
    assert round_at(company, SECOND) == 1  # returns_rise fires: it joins the group waiting until NOW + 30 s
    with company.store.reading() as session:
        waiting = AlertStore(session).deliveries(channel_id=channel.id)
    assert [d.next_attempt_at for d in waiting] == [FIRST_SENT, FIRST_SENT]
    assert send(company, FIRST_SENT - timedelta(seconds=1)) == SendReport()
    assert send(company, FIRST_SENT) == SendReport(claimed=2, sent=2)  # two deliveries, one message
    assert smtp.mailbox.messages == [
        (("ana@acme.example",), "2 avvisi: Revenue falls, Returns rise", REVENUE_IT + "\n\n" + RETURNS_IT)
    ]
    assert round_at(company, THIRD) == 1  # revenue_falls_far fires, 90 s after the first message went
    with company.store.reading() as session:
        third = AlertStore(session).deliveries(channel_id=channel.id, status=DeliveryStatus.QUEUED)
    assert [d.next_attempt_at for d in third] == [THIRD_SENT]  # not THIRD + 30 s: within 5 min of the first
    assert send(company, THIRD_SENT - timedelta(seconds=1)) == SendReport()
    assert send(company, THIRD_SENT) == SendReport(claimed=1, sent=1)
    assert smtp.mailbox.messages[1:] == [
        (
            ("ana@acme.example",),
            "Avviso: Revenue falls far",  # one notice: sent as it is
            "700, rispetto a 1.000: peggiorato di 30%\nAmbito: team=EMEA\nPeriodo: 2026-11",
        )
    ]


def test_a_notice_after_the_interval_waits_only_30_s(company: Company, smtp: SmtpServer) -> None:
    company.add_channel(OwnerKind.PERSON, ChannelKind.EMAIL, smtp.url())
    assert round_at(company, NOW) == 1
    assert send(company, FIRST_SENT) == SendReport(claimed=1, sent=1)
    later = FIRST_SENT + timedelta(minutes=10)  # the second round, well after the interval
    assert round_at(company, later) == 1  # returns_rise (revenue_falls_far is pending for a 2nd evaluation)
    assert send(company, later + timedelta(seconds=29)) == SendReport()
    assert send(company, later + timedelta(seconds=30)) == SendReport(claimed=1, sent=1)
    assert [subject for _, subject, _ in smtp.mailbox.messages] == ["Avviso: Revenue falls", "Avviso: Returns rise"]


def test_a_grouped_webhook_keeps_one_idempotency_key_across_retries(company: Company, receiver: HTTPServer) -> None:
    given: list[Request] = []

    def handle(request: Request) -> Response:
        given.append(request)
        return Response("", status=500 if len(given) == 1 else 200)

    receiver.expect_request("/hook", method="POST").respond_with_handler(handle)
    channel = company.add_channel(OwnerKind.TEAM, ChannelKind.WEBHOOK, webhook(receiver, "/hook"), dedupes=True)
    assert round_at(company, NOW) == 1
    assert round_at(company, SECOND) == 1
    assert send(company, FIRST_SENT) == SendReport(claimed=2, retrying=2)  # failed together, retried together
    retry = FIRST_SENT + timedelta(seconds=30)  # the longest wait after a first failure
    assert send(company, retry) == SendReport(claimed=2, sent=2)
    with company.store.reading() as session:
        done = AlertStore(session).deliveries(channel_id=channel.id)
    assert [(d.status, d.attempts) for d in done] == [(DeliveryStatus.SENT, 2), (DeliveryStatus.SENT, 2)]
    # The message's key: the SHA-256 of the two notices' keys, sorted, joined by the unit separator.
    expected = hashlib.sha256("\x1f".join(sorted(keys(company, "revenue_falls", "returns_rise"))).encode())
    assert [request.headers["Idempotency-Key"] for request in given] == [expected.hexdigest()] * 2
    posted = given[1].get_json()
    # The team reads the workspace's English: "{count} alerts: {titles}", each notice as it would go alone.
    assert posted["title"] == "2 alerts: Revenue falls, Returns rise"
    assert posted["message"] == (
        "Alert: Revenue falls\n700, against 1,000: worse by 30%\nScope: team=EMEA\nPeriod: 2026-11\n\n"
        "Alert: Returns rise\n20, against 10: worse by 100%\nScope: team=EMEA\nPeriod: 2026-11"
    )


def test_each_channel_is_grouped_on_its_own(company: Company, smtp: SmtpServer, receiver: HTTPServer) -> None:
    receiver.expect_request("/hook", method="POST").respond_with_data("", status=503)
    company.add_channel(OwnerKind.PERSON, ChannelKind.EMAIL, smtp.url())
    company.add_channel(OwnerKind.TEAM, ChannelKind.WEBHOOK, webhook(receiver, "/hook"))
    assert round_at(company, NOW) == 1
    assert round_at(company, SECOND) == 1
    # Ana's e-mail (two deliveries, one message) is sent although EMEA's webhook (two more) fails
    assert send(company, FIRST_SENT) == SendReport(claimed=4, sent=2, retrying=2)
    assert len(smtp.mailbox.messages) == 1
    assert len(receiver.log) == 1  # one request for the team's two notices


@dataclass(frozen=True)
class WithHtml(Notification):
    """Words with an HTML body, as alert_message gives digests."""

    html: str | None = None


def test_one_notice_with_an_html_body_is_sent_as_html_email(
    company: Company, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def with_html(notice: OutboxNotice, language: Language) -> Notification:
        words = notification(notice, language)
        return WithHtml(words.title, words.body, html="<p>Revenue <b>fell</b></p>")

    monkeypatch.setattr("kpilot.services.alert_send.notification", with_html)
    raw: list[bytes] = []
    handle = smtp.mailbox.handle_DATA

    async def keep(server: Any, session: Any, envelope: Any) -> str:
        raw.append(envelope.content)
        return await handle(server, session, envelope)

    monkeypatch.setattr(smtp.mailbox, "handle_DATA", keep)
    company.add_channel(OwnerKind.PERSON, ChannelKind.EMAIL, smtp.url())
    assert round_at(company, NOW) == 1
    assert send(company, FIRST_SENT) == SendReport(claimed=1, sent=1)
    (content,) = raw
    parts = {part.get_content_type(): part for part in message_from_bytes(content).walk()}
    html = parts["text/html"].get_payload(decode=True)
    assert isinstance(html, bytes)
    assert "<p>Revenue <b>fell</b></p>" in html.decode()


def test_the_schedule_of_a_new_notice() -> None:
    grouping = Grouping()
    waiting, sent = NOW + timedelta(seconds=10), NOW - timedelta(minutes=1)
    assert grouping.schedule(NOW, waiting, sent) == waiting  # joins the waiting group
    assert grouping.schedule(NOW, None, None) == NOW + timedelta(seconds=30)
    assert grouping.schedule(NOW, None, sent) == NOW + timedelta(minutes=4)  # 5 min after the last message
    assert grouping.schedule(NOW, None, NOW - timedelta(minutes=6)) == NOW + timedelta(seconds=30)


def test_a_group_key_does_not_depend_on_the_order() -> None:
    assert group_key(["b", "a"]) == group_key(["a", "b"]) == hashlib.sha256(b"a\x1fb").hexdigest()
    assert group_key(["only"]) == "only"  # a single notice keeps its own key
    assert repeat_key("r", {"team": "EMEA"}, 1, 1) != repeat_key("r", {"team": "EMEA"}, 1, 2)
    assert repeat_key("r", {"team": "EMEA"}, 1, 1) != repeat_key("r", {"team": "EMEA"}, 2, 1)
