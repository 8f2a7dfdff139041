"""Sending the outbox to real local receivers (no mocks of apprise): an SMTP server and HTTP webhooks.

The company (tests/alerts/alert_support.py) has one firing notice after a round: EMEA's revenue 700 in November
against 1,000 in October, a fall of 300 / 1,000 = 30 %. Its deliveries are due 30 s after the round (DUE). Retries
come at most base * 2^(n-1) after the n-th failure (30 s, 60 s, 120 s, 240 s: half fixed, half random), so a test
that moves `now` on by that much always finds the retry due, and one that moves it by less than half never does.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from kpilot.services.alert_send import SendReport, send_due
from kpilot.store.alert_records import ChannelKind, DeliveryStatus, OwnerKind
from tests.alerts.alert_support import DUE, Company, SmtpServer, company, receiver, smtp, webhook

__all__ = ["company", "receiver", "smtp"]  # fixtures, used by name

FULL_DELAYS = [timedelta(seconds=30 * 2**n) for n in range(4)]  # the longest wait after the 1st..4th failure


def send(found: Company, now: datetime, *, timeout: float = 10.0) -> SendReport:
    return send_due(found.store, found.workspace, now, "sender", timeout=timeout, allow_internal=True)


def failing_then_ok(failures: int) -> tuple[list[int], object]:
    """A handler that answers 500 `failures` times, then 200; and the statuses it gave, in order."""
    given: list[int] = []

    def handle(request: Request) -> Response:
        status = 500 if len(given) < failures else 200
        given.append(status)
        return Response("", status=status)

    return given, handle


def test_an_email_arrives_once_with_its_subject_in_the_readers_language(company: Company, smtp: SmtpServer) -> None:
    channel = company.add_channel(OwnerKind.PERSON, ChannelKind.EMAIL, smtp.url())
    company.notify()
    assert send(company, DUE - timedelta(seconds=1)) == SendReport()  # not due yet: the grouping wait
    assert send(company, DUE) == SendReport(claimed=1, sent=1)
    assert send(company, DUE + timedelta(hours=1)) == SendReport()  # sent: never claimed again
    # Ana reads Italian: alerts.message.title.firing is "Avviso: {title}", the rule's label "Revenue falls";
    # 1,000 is written 1.000 in Italian, the fall 300 / 1,000 as 30%.
    assert smtp.mailbox.messages == [
        (
            ("ana@acme.example",),
            "Avviso: Revenue falls",
            "700, rispetto a 1.000: peggiorato di 30%\nAmbito: team=EMEA\nPeriodo: 2026-11",
        )
    ]
    delivery = company.delivery(channel)
    assert (delivery.status, delivery.attempts, delivery.sent_at) == (DeliveryStatus.SENT, 1, DUE)


def test_a_webhook_that_fails_twice_gets_the_message_once(company: Company, receiver: HTTPServer) -> None:
    given, handle = failing_then_ok(2)
    receiver.expect_request("/hook", method="POST").respond_with_handler(handle)  # type: ignore[arg-type]
    channel = company.add_channel(OwnerKind.TEAM, ChannelKind.WEBHOOK, webhook(receiver, "/hook"))
    company.notify()
    first, second, third = DUE, DUE + FULL_DELAYS[0], DUE + FULL_DELAYS[0] + FULL_DELAYS[1]
    assert send(company, first) == SendReport(claimed=1, retrying=1)
    assert send(company, first + FULL_DELAYS[0] / 2 - timedelta(seconds=1)) == SendReport()  # not before its delay
    assert send(company, second) == SendReport(claimed=1, retrying=1)
    assert send(company, third) == SendReport(claimed=1, sent=1)
    assert given == [500, 500, 200]  # accepted once
    delivery = company.delivery(channel)
    assert (delivery.status, delivery.attempts, delivery.sent_at) == (DeliveryStatus.SENT, 3, third)
    (request, _), *_ = receiver.log
    posted = request.get_json()
    # The team reads the workspace's English: "Alert: {title}"; "{value}, against {base}: worse by {change}".
    assert (posted["title"], posted["message"]) == (
        "Alert: Revenue falls",
        "700, against 1,000: worse by 30%\nScope: team=EMEA\nPeriod: 2026-11",
    )
    assert request.headers["Idempotency-Key"] == company.notice_key()  # a deduplicating receiver can drop repeats


def test_a_webhook_that_always_fails_ends_failed_while_email_is_sent_at_once(
    company: Company, smtp: SmtpServer, receiver: HTTPServer
) -> None:
    receiver.expect_request("/hook/s3cr3t-t0ken-value").respond_with_data("", status=503)
    hook = company.add_channel(OwnerKind.TEAM, ChannelKind.WEBHOOK, webhook(receiver, "/hook/s3cr3t-t0ken-value"))
    mail = company.add_channel(OwnerKind.PERSON, ChannelKind.EMAIL, smtp.url())
    company.notify()
    assert send(company, DUE) == SendReport(claimed=2, sent=1, retrying=1)
    assert company.delivery(mail).status is DeliveryStatus.SENT
    assert len(smtp.mailbox.messages) == 1
    now = DUE
    for delay in FULL_DELAYS[:3]:
        now += delay
        assert send(company, now) == SendReport(claimed=1, retrying=1)
    assert send(company, now + FULL_DELAYS[3]) == SendReport(claimed=1, failed=1)  # the 5th attempt: no more
    assert send(company, now + timedelta(days=1)) == SendReport()
    delivery = company.delivery(hook)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 5)
    assert delivery.last_error == "alerts.message.error.failed"
    assert "s3cr3t" not in (delivery.last_error or "")
    assert len(receiver.log) == 5
    assert len(smtp.mailbox.messages) == 1  # the e-mail was not sent again by the webhook's rounds


def test_an_internal_webhook_is_refused_without_a_request(company: Company, receiver: HTTPServer) -> None:
    receiver.expect_request("/hook").respond_with_data("ok")
    channel = company.add_channel(OwnerKind.TEAM, ChannelKind.WEBHOOK, webhook(receiver, "/hook"))
    company.notify()
    report = send_due(company.store, company.workspace, DUE, "sender")  # allow_internal left False
    assert report == SendReport(claimed=1, failed=1)
    delivery = company.delivery(channel)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1)
    assert delivery.last_error == "alerts.message.error.internal_target"
    assert receiver.log == []


def test_two_senders_at_once_never_send_a_delivery_twice(
    company: Company, smtp: SmtpServer, receiver: HTTPServer
) -> None:
    addresses = [f"ana+{i}@acme.example" for i in range(6)]
    for address in addresses:
        company.add_channel(OwnerKind.PERSON, ChannelKind.EMAIL, smtp.url(address))
    for i in range(6):
        receiver.expect_request(f"/hook{i}").respond_with_data("ok")
        company.add_channel(OwnerKind.TEAM, ChannelKind.WEBHOOK, webhook(receiver, f"/hook{i}"))
    company.notify()
    start = threading.Barrier(2)
    reports: dict[str, SendReport] = {}

    def sender(holder: str) -> None:
        start.wait()
        claimed = sent = 0
        while True:  # two at a time, so that the two senders take turns claiming
            report = send_due(company.store, company.workspace, DUE, holder, limit=2, allow_internal=True)
            if not report.claimed:
                break
            claimed, sent = claimed + report.claimed, sent + report.sent
        reports[holder] = SendReport(claimed=claimed, sent=sent)

    threads = [threading.Thread(target=sender, args=(holder,)) for holder in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(report.claimed for report in reports.values()) == 12
    assert sum(report.sent for report in reports.values()) == 12
    assert sorted(to for (to,), _, _ in smtp.mailbox.messages) == sorted(addresses)  # each once
    assert sorted(request.path for request, _ in receiver.log) == [f"/hook{i}" for i in range(6)]


def test_a_timeout_is_unknown_unless_the_channel_deduplicates(company: Company, receiver: HTTPServer) -> None:
    answered = threading.Event()

    def slow(request: Request) -> Response:
        answered.wait(3)  # longer than the sender's timeout; released at the end of the test
        return Response("ok")

    receiver.expect_request("/slow").respond_with_handler(slow)
    plain = company.add_channel(OwnerKind.TEAM, ChannelKind.WEBHOOK, webhook(receiver, "/slow"))
    dedupes = company.add_channel(OwnerKind.TEAM, ChannelKind.WEBHOOK, webhook(receiver, "/slow"), dedupes=True)
    company.notify()
    try:
        assert send(company, DUE, timeout=0.5) == SendReport(claimed=2, retrying=1, unknown=1)
    finally:
        answered.set()
    assert company.delivery(plain).status is DeliveryStatus.UNKNOWN  # it may have arrived: never resent
    assert company.delivery(dedupes).status is DeliveryStatus.QUEUED  # the receiver drops a repeat: tried again
    assert company.delivery(plain).last_error == "alerts.message.error.timeout"


def test_logs_never_show_a_target(company: Company, receiver: HTTPServer, caplog: pytest.LogCaptureFixture) -> None:
    receiver.expect_request("/hook/s3cr3t-t0ken-value").respond_with_data("", status=500)
    company.add_channel(OwnerKind.TEAM, ChannelKind.WEBHOOK, webhook(receiver, "/hook/s3cr3t-t0ken-value"))
    company.notify()
    with caplog.at_level(logging.DEBUG):
        assert send(company, DUE) == SendReport(claimed=1, retrying=1)
    logged = [record for record in caplog.records if record.name in ("apprise", "urllib3.connectionpool")]
    assert logged  # apprise and urllib3 did log the attempt (its URL, the 500)...
    assert not [r.getMessage() for r in logged if "s3cr3t" in r.getMessage()]  # ...with the target masked
    assert any("/hook/***" in record.getMessage() for record in logged)  # (the receiver's own log shows it)
