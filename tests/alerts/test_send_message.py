"""The words of a notification: the reason rebuilt from the outbox's data and rendered in the reader's language.
Expected texts are the catalogue's (src/kpilot/i18n/messages/alerts.yaml) filled in by hand."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpilot.i18n import Amount, Language, Message, Number, Period, Points, Raw, Share
from kpilot.i18n.catalogue import catalogue
from kpilot.services import alert_send, alert_send_targets
from kpilot.services.alert_message import Notification, notification, reason_message, recipient_language
from kpilot.store.alert_records import AlertLevel, Channel, ChannelKind, NoticeKind, OutboxNotice, OwnerKind, json_value
from kpilot.store.people import People
from kpilot.store.teams import Teams
from tests.alerts.alert_support import Company, company

__all__ = ["company"]  # a fixture, used by name

AT = datetime(2026, 12, 7, 9, tzinfo=UTC)


def notice(kind: NoticeKind, reason: Message | None, scope: dict[str, str] | None = None) -> OutboxNotice:
    payload = {"title": "Revenue falls"} | ({"reason": stored(reason)} if reason else {})
    return OutboxNotice("key", "revenue_falls", scope or {}, kind, 1, "2026-11", AlertLevel.FIRING, payload, AT)


def exact(data: Any) -> Any:
    """Floats as the Decimals of their shortest text, as services.alert_run stores reasons (the store keeps none)."""
    if isinstance(data, float):
        return Decimal(repr(data))
    if isinstance(data, dict):
        return {key: exact(item) for key, item in data.items()}
    if isinstance(data, list):
        return [exact(item) for item in data]
    return data


def stored(message: Message) -> Any:
    """The message as the outbox keeps it: to_data, floats exact, then the store's JSON (Decimals as text)."""
    return json_value(exact(message.to_data()))


def test_a_change_reads_in_each_language() -> None:
    reason = Message("alerts.reason.change.worse", value=Decimal("700"), base=Decimal("1000"), change=Share(0.3))
    found = {
        language: notification(notice(NoticeKind.FIRING, reason, {"team": "EMEA"}), language) for language in Language
    }
    # "{value}, against {base}: worse by {change}"; 1,000 grouped the language's way (1.000, 1 000, 1,000)
    assert found[Language.EN] == Notification(
        "Alert: Revenue falls", "700, against 1,000: worse by 30%\nScope: team=EMEA\nPeriod: 2026-11"
    )
    assert found[Language.IT] == Notification(
        "Avviso: Revenue falls", "700, rispetto a 1.000: peggiorato di 30%\nAmbito: team=EMEA\nPeriodo: 2026-11"
    )
    assert found[Language.ZH].title == "提醒：Revenue falls"
    assert found[Language.PL].body.startswith("700 wobec 1\N{NO-BREAK SPACE}000: gorzej o 30")


def test_a_notice_without_reason_or_scope_has_its_period_only() -> None:
    found = notification(notice(NoticeKind.RESOLVED, None), Language.EN)
    assert found == Notification("Resolved: Revenue falls", "Period: 2026-11")


def test_the_rule_name_stands_in_for_a_missing_title() -> None:
    bare = OutboxNotice("k", "orders_feed_quiet", {}, NoticeKind.NO_DATA, 1, "", AlertLevel.NO_DATA, {}, AT)
    assert notification(bare, Language.EN) == Notification("No data: orders_feed_quiet", "")


@pytest.mark.parametrize(
    "message",
    [
        Message("alerts.reason.change.worse", value=Decimal("0.4"), base=Decimal("0.5"), change=Points(0.1, 2)),
        Message("alerts.reason.status", status=Message("alerts.status.off_track")),
        Message("x.y", amount=Amount(Decimal("1200"), "currency", "EUR", None), name=Raw("a b")),
        Message("x.y", period=Period(date(2026, 11, 1), "month", "2026-11"), number=Number(Decimal("1.5"), ".2f")),
        Message("x.y", names=("ana", "bo"), hours=Decimal("48"), flag=True, nothing=None, count=3),
    ],
    ids=["points", "nested", "amount-raw", "period-number", "plain"],
)
def test_stored_reasons_are_rebuilt(message: Message) -> None:
    assert reason_message(stored(message)) == message


@given(
    value=st.decimals(allow_nan=False, allow_infinity=False), name=st.from_regex(r"[a-z_][a-z0-9_]*", fullmatch=True)
)
def test_numbers_come_back_as_numbers_and_names_as_names(value: Decimal, name: str) -> None:
    assert reason_message(stored(Message("x.y", value=value, name=name))) == Message("x.y", value=value, name=name)


def test_what_is_not_a_message_is_none() -> None:
    samples: list[object] = [None, "x.y", {"values": {}}, {"code": 3}]
    assert [reason_message(data) for data in samples] == [None] * 4


def test_every_notice_kind_and_error_has_words_in_every_language() -> None:
    codes = [f"alerts.message.title.{kind.value}" for kind in NoticeKind]
    codes += [alert_send.BAD_TARGET, alert_send.FAILED, alert_send.TIMEOUT, alert_send.UNRENDERABLE]
    codes += [alert_send_targets.INTERNAL_TARGET, alert_send_targets.NOT_WEBHOOK, alert_send_targets.NOT_EMAIL]
    codes += [alert_send_targets.UNRESOLVED]
    known = catalogue()
    assert [code for code in codes if set(known.get(code, {})) != set(Language)] == []


def test_a_person_reads_their_language_and_a_team_the_workspaces(company: Company) -> None:
    with company.store.reading() as session:
        ana, emea = People(session).by_email("ana@acme.example"), Teams(session).by_name("EMEA")
        assert ana is not None
        assert emea is not None
        person = Channel(1, OwnerKind.PERSON, ana.id, ChannelKind.EMAIL, "mailto://x", False, AT)
        team = Channel(2, OwnerKind.TEAM, emea.id, ChannelKind.WEBHOOK, "json://x", False, AT)
        assert recipient_language(session, person, Language.PL) is Language.IT  # Ana's own (the org file's `it`)
        assert recipient_language(session, team, Language.PL) is Language.PL
