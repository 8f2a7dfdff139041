"""Digests put in the outbox on schedule (services.digest_schedule) and sent (services.alert_schedule.tick, through
a real local SMTP server). Ana (Rome, UTC+1 in December) wants a weekly digest: at 08:00 of her Monday, 07:00 UTC;
Bo (Warsaw, UTC+1) a daily one; the workspace's weeks start on Monday, and 2026-12-07 is one."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from kpilot.i18n import Language
from kpilot.services.alert_message import notification
from kpilot.services.alert_schedule import tick
from kpilot.services.digest_schedule import enqueue_due_digests
from kpilot.store.alert_records import Digest, NoticeKind, OutboxNotice, SubscriptionKind
from kpilot.store.alerts import AlertStore
from tests.alerts.alert_support import SmtpServer, smtp
from tests.alerts.digest_support import Company, company

__all__ = ["company", "smtp"]  # fixtures, used by name

ANA, BO, CY = "ana@acme.example", "bo@acme.example", "cy@acme.example"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=UTC)


def _digests(company: Company) -> tuple[OutboxNotice, ...]:
    with company.store.reading() as session:
        return AlertStore(session).notices(rule="digest")


def test_a_weekly_digest_is_enqueued_once_at_eight_on_the_first_day_of_the_week(company: Company) -> None:
    company.follow(ANA, SubscriptionKind.KPI, "returns", Digest.WEEKLY)
    company.add_channel(ANA, "mailto://kpilot@acme.example?smtp=127.0.0.1&to=ana@acme.example")
    company.add_channel(ANA, "json://hooks.example.com/ana")
    store, workspace = company.store, company.workspace
    assert enqueue_due_digests(store, workspace, at(7, 6, 59)) == 0  # 07:59 in Rome
    assert enqueue_due_digests(store, workspace, at(7, 7, 0)) == 1  # 08:00
    assert enqueue_due_digests(store, workspace, at(7, 7, 5)) == 0  # 08:05: enqueued already
    assert enqueue_due_digests(store, workspace, at(8, 7, 0)) == 0  # Tuesday: the same week
    assert enqueue_due_digests(store, workspace, at(14, 7, 0)) == 1  # the next Monday
    later, first = _digests(company)
    assert (first.kind, first.period, later.period) == (NoticeKind.DIGEST, "2026-12-07", "2026-12-14")
    assert first.scope == {"person": ANA}
    # The digest's data, codes and numbers: returns over Ana's rows (EMEA's), 20 in November after 10
    (card,) = first.payload["digest"]["cards"]
    assert (card["kpi"], card["board"], card["period"], card["value"], card["previous"]) == (
        "returns",
        None,
        "2026-11",
        "20.0",
        "10.0",
    )
    with store.reading() as session:
        deliveries = AlertStore(session).deliveries(outbox_id=first.id)
    assert sorted(d.recipient for d in deliveries) == [ANA, ANA]  # one per channel of hers


def test_a_daily_digest_is_enqueued_every_day(company: Company) -> None:
    company.follow(BO, SubscriptionKind.KPI, "revenue", Digest.DAILY)
    company.add_channel(BO, "json://hooks.example.com/bo")
    store, workspace = company.store, company.workspace
    assert enqueue_due_digests(store, workspace, at(7, 6, 59)) == 0
    assert enqueue_due_digests(store, workspace, at(7, 7, 0)) == 1
    assert enqueue_due_digests(store, workspace, at(7, 22, 0)) == 0
    assert enqueue_due_digests(store, workspace, at(8, 7, 0)) == 1
    assert [notice.period for notice in _digests(company)] == ["2026-12-08", "2026-12-07"]


def test_no_subscription_or_no_digest_wanted_gets_no_scheduled_digest(company: Company) -> None:
    company.add_channel(CY, "json://hooks.example.com/cy")  # Cy follows nothing
    company.follow(BO, SubscriptionKind.KPI, "revenue", Digest.NONE)
    company.add_channel(BO, "json://hooks.example.com/bo")
    for day in (7, 8, 14):
        assert enqueue_due_digests(company.store, company.workspace, at(day, 9)) == 0
    assert _digests(company) == ()


def test_a_digest_is_rendered_in_the_recipients_language_with_an_html_body(company: Company) -> None:
    company.follow(ANA, SubscriptionKind.KPI, "returns", Digest.WEEKLY)
    company.add_channel(ANA, "json://hooks.example.com/ana")
    enqueue_due_digests(company.store, company.workspace, at(7, 7))
    (notice,) = _digests(company)
    written = notification(notice, Language.IT)
    assert written.title == "Il tuo riepilogo: KPI della settimana, 07/12/2026"
    assert "    valore 20, obiettivo –" in written.body.splitlines()
    assert written.html is not None
    assert '<html lang="it">' in written.html
    assert Decimal(notice.payload["digest"]["cards"][0]["vs_previous"]) == 100


def test_a_digest_sent_by_the_scheduler_arrives_once(company: Company, smtp: SmtpServer) -> None:
    company.follow(ANA, SubscriptionKind.KPI, "returns", Digest.WEEKLY)
    company.add_channel(ANA, smtp.url())
    first = tick(company.store, company.workspace, at(7, 7), "evaluator")
    assert (first.digests, first.sent.sent) == (1, 1)
    again = tick(company.store, company.workspace, at(7, 7, 5), "evaluator")
    assert (again.digests, again.sent.claimed) == (0, 0)
    ((recipients, subject, body),) = smtp.mailbox.messages
    assert recipients == ("ana@acme.example",)
    assert subject == "Il tuo riepilogo: KPI della settimana, 07/12/2026"
    # The e-mail is sent as HTML (its plain part is apprise's text of it): the card's heading is in it
    assert "Returns (i tuoi dati), novembre 2026" in body
