"""The alert tables through `AlertStore`, on SQLite and PostgreSQL: states written with the version they were read
at, evaluations pruned to the last 50, the outbox recording a notice once, deliveries marked by their holder only
(with the channel's target kept out of errors), channels, subscriptions and silences. Counts are also read with
plain SQL, independently of the repository. Races between two writers are in test_alert_store_concurrency.py.

The story: rule `roas_falls` fires for the scope team=EMEA, campaign=spring; Anna follows it by e-mail, the team
Marketing on Slack.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest

from kpilot import Workspace
from kpilot.store import People, PersonFields, StoreConflict, StoreError, TeamKind, Teams, open_store
from kpilot.store.alerts import (
    AlertLevel,
    AlertStore,
    ChannelKind,
    DeliveryStatus,
    Digest,
    Evaluation,
    EvaluationOutcome,
    NewDelivery,
    NewSilence,
    NoticeKind,
    OutboxNotice,
    OwnerKind,
    SilenceSubject,
    StoredState,
    SubscriptionKind,
    scope_key,
)
from kpilot.store.session import Store
from tests.store.store_support import query

RULE = "roas_falls"
SCOPE = {"team": "EMEA", "campaign": "spring"}
SCOPE_KEY = "campaign=spring,team=EMEA"  # sorted by dimension, by hand
SLACK = "https://hooks.slack.example/services/T0001/B0002/XOXBSECRETTOKEN"
ALERT_TABLES = (
    "alert_states, alert_evaluations, alert_outbox, alert_deliveries, alert_channels, alert_subscriptions,"
    " alert_silences, scheduler_leases"
)


def at(minute: int, hour: int = 9) -> datetime:
    return datetime(2026, 5, 4, hour, minute, tzinfo=UTC)


@pytest.fixture
def opened(root: Path, store: str) -> Iterator[Store]:
    """The store, emptied of alert tables (on PostgreSQL the module shares one database), with Anna and Marketing."""
    if "://" in store:
        with psycopg.connect(store, autocommit=True) as con:
            con.execute(f"TRUNCATE {ALERT_TABLES} RESTART IDENTITY CASCADE")
    opened = open_store(Workspace(root))
    with opened.writing() as session:
        People(session).add(PersonFields("Anna", "anna@acme.example", "it", "Europe/Rome"))
        Teams(session).add("Marketing", TeamKind.TEAM)
    yield opened
    opened.close()


def ids(store: Store) -> tuple[int, int]:
    """Anna's person id and Marketing's team id."""
    with store.reading() as session:
        anna, team = People(session).by_email("anna@acme.example"), Teams(session).by_name("Marketing")
        assert anna is not None
        assert team is not None
        return anna.id, team.id


def channels(store: Store, *, slack_dedupes: bool = False) -> tuple[int, int]:
    """Anna's e-mail channel (which deduplicates) and Marketing's Slack channel."""
    anna, team = ids(store)
    with store.writing() as session:
        alerts = AlertStore(session)
        email = alerts.add_channel(
            OwnerKind.PERSON, anna, ChannelKind.EMAIL, "anna@acme.example", dedupes=True, at=at(0)
        )
        slack = alerts.add_channel(OwnerKind.TEAM, team, ChannelKind.SLACK, SLACK, dedupes=slack_dedupes, at=at(0))
        return email.id, slack.id


def notice(key: str = "k-1", episode: int = 1) -> OutboxNotice:
    return OutboxNotice(
        idempotency_key=key,
        rule=RULE,
        scope=SCOPE,
        kind=NoticeKind.FIRING,
        episode=episode,
        period="2026-05",
        state=AlertLevel.FIRING,
        payload={"code": "alerts.reason.change", "values": {"change": Decimal("-0.18")}},
        created_at=at(1),
    )


def firing(version: int = 0, episode: int = 1) -> StoredState:
    return StoredState(
        rule=RULE,
        scope=SCOPE,
        state=AlertLevel.FIRING,
        streak=0,
        empties=0,
        failures=0,
        episode=episode,
        in_episode=True,
        recent=(AlertLevel.OK, AlertLevel.OK, AlertLevel.FIRING),
        flapping=False,
        announced=AlertLevel.FIRING,
        evaluated_at=at(5),
        version=version,
    )


def count(root: Path, store: str, table: str) -> int:
    return int(query(root, store, f"SELECT COUNT(*) FROM {table}")[0][0])


# --- scope keys -----------------------------------------------------------------------------------------------


def test_a_scope_key_is_sorted_and_escapes_its_separators() -> None:
    assert scope_key(SCOPE) == SCOPE_KEY
    assert scope_key({}) == ""
    # {a: "x,b=y"} would read as {a: x, b: y} without escaping; by hand: "a=x\,b\=y" against "a=x,b=y".
    assert scope_key({"a": "x,b=y"}) == "a=x\\,b\\=y"
    assert scope_key({"a": "x", "b": "y"}) == "a=x,b=y"
    assert scope_key({"a": "back\\slash"}) == "a=back\\\\slash"


# --- states and evaluations -----------------------------------------------------------------------------------


def test_a_state_is_written_with_the_version_it_was_read_at(opened: Store, root: Path, store: str) -> None:
    with opened.writing() as session:
        assert AlertStore(session).state(RULE, SCOPE_KEY) is None
        first = AlertStore(session).put_state(firing(), expected_version=0)
    assert first.version == 1
    with opened.reading() as session:
        read = AlertStore(session).state(RULE, SCOPE_KEY)
    assert read == first
    assert read is not None
    assert (read.scope, read.recent[-1]) == (SCOPE, AlertLevel.FIRING)
    assert query(root, store, "SELECT scope_key, recent, version FROM alert_states") == [(SCOPE_KEY, "ok,ok,firing", 1)]

    recovering = replace(firing(version=1), state=AlertLevel.RECOVERING, streak=1)
    with opened.writing() as session:
        second = AlertStore(session).put_state(recovering, expected_version=1)
    assert (second.version, second.state) == (2, AlertLevel.RECOVERING)

    # A writer that read version 1 is refused now, and so is a second "new" state: nothing of theirs is written.
    for stale in (1, 0):
        with pytest.raises(StoreConflict) as caught, opened.writing() as session:
            AlertStore(session).put_state(firing(), expected_version=stale)
        assert caught.value.code == "store.alert.state_changed"
    assert query(root, store, "SELECT state, version FROM alert_states") == [("recovering", 2)]


def test_evaluations_keep_the_last_fifty_of_a_rule_and_scope(opened: Store, root: Path, store: str) -> None:
    with opened.writing() as session:
        alerts = AlertStore(session)
        for minute in range(53):  # ids 1..53, one a minute
            alerts.record_evaluation(
                Evaluation(RULE, SCOPE_KEY, "2026-05", at(minute), EvaluationOutcome.BREACH, AlertLevel.FIRING)
            )
        alerts.record_evaluation(
            Evaluation(
                RULE, "", "2026-05", at(0), EvaluationOutcome.CLEAR, AlertLevel.OK, "alerts.reason.x", {"v": 1}, "2.5"
            )
        )
    # 53 written, the 3 oldest (ids 1, 2, 3) pruned: ids 4..53 left, plus the other scope's one.
    assert count(root, store, "alert_evaluations") == 51
    ids_left = [
        row[0] for row in query(root, store, f"SELECT id FROM alert_evaluations WHERE scope_key = '{SCOPE_KEY}'")
    ]
    assert sorted(ids_left) == list(range(4, 54))
    with opened.reading() as session:
        last = AlertStore(session).evaluations(RULE, SCOPE_KEY, limit=2)
        other = AlertStore(session).evaluations(RULE, "")
    assert [e.at for e in last] == [at(52), at(51)]  # newest first
    assert [(e.reason_code, e.reason_values, e.value) for e in other] == [("alerts.reason.x", {"v": 1}, "2.5")]


# --- the outbox -----------------------------------------------------------------------------------------------


def test_a_notice_is_enqueued_once_with_its_deliveries(opened: Store, root: Path, store: str) -> None:
    email, slack = channels(opened)
    deliveries = [
        NewDelivery("anna@acme.example", email, at(2)),
        NewDelivery("Marketing", slack, at(2)),
        NewDelivery("anna@acme.example", email, at(3)),  # named twice: queued once
    ]
    with opened.writing() as session:
        assert AlertStore(session).enqueue(notice(), deliveries) is True
    with opened.writing() as session:
        assert AlertStore(session).enqueue(notice(), deliveries) is False
        assert AlertStore(session).enqueue(notice(), [NewDelivery("bruno@acme.example", email, at(2))]) is False
    assert count(root, store, "alert_outbox") == 1
    assert query(root, store, "SELECT recipient, status, attempts FROM alert_deliveries ORDER BY id") == [
        ("anna@acme.example", "queued", 0),
        ("Marketing", "queued", 0),
    ]
    with opened.reading() as session:
        kept = AlertStore(session).notice_by_key("k-1")
    assert kept is not None
    assert (kept.scope, kept.scope_key, kept.payload) == (
        SCOPE,
        SCOPE_KEY,
        {"code": "alerts.reason.change", "values": {"change": "-0.18"}},  # a Decimal kept as its text
    )


def test_a_notice_for_an_unknown_channel_writes_nothing(opened: Store, root: Path, store: str) -> None:
    with pytest.raises(StoreError) as caught, opened.writing() as session:
        AlertStore(session).enqueue(notice(), [NewDelivery("anna@acme.example", 999, at(2))])
    assert caught.value.code == "store.alert.channel_unknown"
    assert count(root, store, "alert_outbox") == 0


# --- deliveries -----------------------------------------------------------------------------------------------


def test_deliveries_are_claimed_when_due_and_marked_by_their_holder(opened: Store, root: Path, store: str) -> None:
    email, slack = channels(opened)
    with opened.writing() as session:
        AlertStore(session).enqueue(
            notice(), [NewDelivery("anna@acme.example", email, at(2)), NewDelivery("Marketing", slack, at(4))]
        )
    with opened.writing() as session:
        assert AlertStore(session).claim_due(at(1), "sender-a", 10, timedelta(minutes=1)) == ()  # nothing due yet
        claims = AlertStore(session).claim_due(at(3), "sender-a", 10, timedelta(minutes=1))
    assert [(c.delivery.recipient, c.delivery.status, c.delivery.attempts) for c in claims] == [
        ("anna@acme.example", DeliveryStatus.SENDING, 1)
    ]
    claim = claims[0]
    assert (claim.delivery.claimed_by, claim.delivery.claimed_until) == ("sender-a", at(4))  # 9:03 + 1 minute
    assert (claim.notice.idempotency_key, claim.channel.target) == ("k-1", "anna@acme.example")
    with opened.writing() as session:
        alerts = AlertStore(session)
        assert alerts.mark_sent(claim.delivery.id, holder="sender-b", at=at(3)) is False  # not b's to mark
        assert alerts.mark_sent(claim.delivery.id, holder="sender-a", at=at(3)) is True
        assert alerts.mark_sent(claim.delivery.id, holder="sender-a", at=at(3)) is False  # sent already
    assert query(
        root, store, "SELECT status, claimed_until FROM alert_deliveries WHERE recipient = 'anna@acme.example'"
    ) == [("sent", None)]


def test_a_retry_and_a_failure_keep_no_part_of_the_target(opened: Store, root: Path, store: str) -> None:
    _, slack = channels(opened)
    with opened.writing() as session:
        AlertStore(session).enqueue(notice(), [NewDelivery("Marketing", slack, at(2))])
    lease = timedelta(minutes=1)
    with opened.writing() as session:
        (claim,) = AlertStore(session).claim_due(at(2), "a", 1, lease)
        error = f"500 from {SLACK} (token XOXBSECRETTOKEN refused)"
        assert AlertStore(session).mark_retry(claim.delivery.id, holder="a", next_at=at(10), error=error)
    # The whole URL, then its long pieces (the host, the token) are masked, by hand:
    assert query(root, store, "SELECT status, last_error, claimed_by FROM alert_deliveries") == [
        ("queued", "500 from *** (token *** refused)", None)
    ]
    with opened.writing() as session:
        assert AlertStore(session).claim_due(at(9), "a", 1, lease) == ()  # its next attempt is at 9:10
        (claim,) = AlertStore(session).claim_due(at(10), "a", 1, lease)
        assert claim.delivery.attempts == 2
        assert AlertStore(session).mark_failed(claim.delivery.id, holder="a", error="timeout on hooks.slack.example")
    assert query(root, store, "SELECT status, last_error FROM alert_deliveries") == [("failed", "timeout on ***")]
    with opened.reading() as session:
        shown = AlertStore(session).deliveries(rule=RULE, status=DeliveryStatus.FAILED)
    assert [(d.recipient, d.attempts) for d in shown] == [("Marketing", 2)]
    assert "SECRET" not in repr(claim.channel)  # the target is left out of the value's repr


def test_an_expired_claim_is_taken_over_or_left_unknown(opened: Store, root: Path, store: str) -> None:
    """A sender killed mid-send: on a channel that deduplicates another sender sends again; on one that does not,
    the delivery is `unknown` (it may have arrived) and never sent again."""
    email, slack = channels(opened, slack_dedupes=False)
    with opened.writing() as session:
        AlertStore(session).enqueue(
            notice(), [NewDelivery("anna@acme.example", email, at(2)), NewDelivery("Marketing", slack, at(2))]
        )
    with opened.writing() as session:
        assert len(AlertStore(session).claim_due(at(2), "crashed", 10, timedelta(minutes=1))) == 2
    with opened.writing() as session:
        assert AlertStore(session).claim_due(at(2, hour=9), "b", 10, timedelta(minutes=1)) == ()  # still held
        taken = AlertStore(session).claim_due(at(3), "b", 10, timedelta(minutes=1))  # the claim ran out at 9:03
    assert [(c.delivery.recipient, c.delivery.claimed_by, c.delivery.attempts) for c in taken] == [
        ("anna@acme.example", "b", 2)
    ]
    assert query(root, store, "SELECT status, last_error FROM alert_deliveries WHERE recipient = 'Marketing'") == [
        ("unknown", "store.alert.delivery.claim_expired")
    ]
    with opened.writing() as session:
        alerts = AlertStore(session)
        assert alerts.mark_sent(taken[0].delivery.id, holder="crashed", at=at(4)) is False  # its claim was lost
        assert alerts.mark_unknown(taken[0].delivery.id, holder="b", error="timeout") is True
    assert count(root, store, "alert_deliveries WHERE status = 'unknown'") == 2


# --- channels, subscriptions, silences ------------------------------------------------------------------------


def test_channels_belong_to_a_person_or_a_team(opened: Store, root: Path, store: str) -> None:
    anna, team = ids(opened)
    email, slack = channels(opened)
    with opened.writing() as session:
        alerts = AlertStore(session)
        assert [c.id for c in alerts.channels(OwnerKind.TEAM, team)] == [slack]
        assert [c.id for c in alerts.channels(OwnerKind.PERSON, anna)] == [email]
        assert [c.id for c in alerts.channels()] == [email, slack]
        with pytest.raises(StoreError) as unknown:
            alerts.add_channel(OwnerKind.TEAM, 999, ChannelKind.WEBHOOK, "https://x.example", dedupes=True, at=at(0))
        with pytest.raises(StoreError) as empty:
            alerts.add_channel(OwnerKind.TEAM, team, ChannelKind.WEBHOOK, "  ", dedupes=True, at=at(0))
    assert (unknown.value.code, empty.value.code) == ("store.alert.owner_unknown", "store.alert.target_length")
    assert query(root, store, "SELECT owner_kind, person_id, team_id FROM alert_channels ORDER BY id") == [
        ("person", anna, None),
        ("team", None, team),
    ]
    with opened.writing() as session:
        AlertStore(session).enqueue(notice(), [NewDelivery("Marketing", slack, at(2))])
        assert AlertStore(session).remove_channel(slack) is True
        assert AlertStore(session).remove_channel(slack) is False
    assert count(root, store, "alert_deliveries") == 0  # its deliveries went with it


def test_a_person_subscribes_once_to_each_thing(opened: Store, root: Path, store: str) -> None:
    anna, _ = ids(opened)
    with opened.writing() as session:
        alerts = AlertStore(session)
        kpi = alerts.subscribe(anna, SubscriptionKind.KPI, "roas", digest=Digest.WEEKLY, at=at(0))
        alerts.subscribe(anna, SubscriptionKind.TEAM, "Marketing", digest=Digest.NONE, at=at(0))
        with pytest.raises(StoreError) as twice:
            alerts.subscribe(anna, SubscriptionKind.KPI, "roas", digest=Digest.DAILY, at=at(1))
        assert alerts.set_digest(kpi.id, Digest.DAILY).digest is Digest.DAILY
    assert twice.value.code == "store.alert.subscribed_already"
    with opened.writing() as session:
        alerts = AlertStore(session)
        assert [s.target for s in alerts.subscriptions(person_id=anna)] == ["roas", "Marketing"]
        assert [s.target for s in alerts.subscriptions(kind=SubscriptionKind.KPI, target="roas")] == ["roas"]
        assert alerts.unsubscribe(kpi.id) is True
    assert query(root, store, "SELECT kind, target, digest FROM alert_subscriptions") == [("team", "Marketing", "none")]


def test_silences_are_active_from_their_start_until_their_end(opened: Store) -> None:
    def silence(subject: str, start: datetime, end: datetime) -> NewSilence:
        return NewSilence(SilenceSubject.KPI, subject, start, end, "campaign paused", "anna@acme.example")

    with opened.writing() as session:
        alerts = AlertStore(session)
        morning = alerts.add_silence(silence("roas", at(0), at(0, hour=12)))
        alerts.add_silence(silence("ctr", at(0, hour=11), at(0, hour=13)))
        with pytest.raises(StoreError) as backwards:
            alerts.add_silence(silence("cpc", at(30), at(30)))
    assert backwards.value.code == "store.alert.silence_backwards"
    with opened.reading() as session:
        alerts = AlertStore(session)
        # The start is included, the end is not: at 12:00 the morning silence is over and the other one runs.
        assert [s.subject for s in alerts.active_silences(at(0))] == ["roas"]
        assert [s.subject for s in alerts.active_silences(at(0, hour=11))] == ["roas", "ctr"]
        assert [s.subject for s in alerts.active_silences(at(0, hour=12))] == ["ctr"]
        assert alerts.active_silences(at(0, hour=13)) == ()
        assert len(alerts.silences(SilenceSubject.KPI)) == 2
    with opened.writing() as session:
        assert AlertStore(session).remove_silence(morning.id) is True
    with opened.reading() as session:
        assert [s.subject for s in AlertStore(session).silences()] == ["ctr"]
