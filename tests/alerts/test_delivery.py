"""Delivery policy, worked out by hand: keys, retry delays with jitter, grouping and repeats."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from kpilot.alerts.delivery import MAX_ATTEMPTS, Grouping, idempotency_key, retry_delay

T0 = datetime(2026, 12, 7, 9, tzinfo=UTC)


def test_one_key_per_rule_scope_state_period_and_episode() -> None:
    key = idempotency_key("roas_low", {"team": "EMEA", "channel": "meta"}, "firing", "2026-11", 1)
    assert key == idempotency_key("roas_low", {"channel": "meta", "team": "EMEA"}, "firing", "2026-11", 1)
    others = [
        idempotency_key("roas_low", {"team": "EMEA"}, "firing", "2026-11", 1),
        idempotency_key("roas_low", {"team": "EMEA", "channel": "meta"}, "resolved", "2026-11", 1),
        idempotency_key("roas_low", {"team": "EMEA", "channel": "meta"}, "firing", "2026-12", 1),
        idempotency_key("roas_low", {"team": "EMEA", "channel": "meta"}, "firing", "2026-11", 2),
    ]
    assert len({key, *others}) == 5


@pytest.mark.parametrize(("attempt", "full"), [(1, 30), (2, 60), (3, 120), (4, 240)])
def test_retries_back_off_with_equal_jitter(attempt: int, full: int) -> None:
    delays = [retry_delay(attempt, random.Random(seed)) for seed in range(200)]
    seconds = [delay.total_seconds() for delay in delays if delay is not None]
    assert len(seconds) == 200
    assert all(full / 2 <= value <= full for value in seconds)  # half fixed, half random
    assert max(seconds) - min(seconds) > full / 4  # and really spread


def test_the_fifth_failure_gives_up() -> None:
    assert MAX_ATTEMPTS == 5
    assert retry_delay(5, random.Random(1)) is None


def test_grouping_waits_then_keeps_an_interval() -> None:
    grouping = Grouping()
    assert grouping.send_at(T0, None) == T0 + timedelta(seconds=30)
    # last message 1 minute before: the interval of 5 minutes holds it until 4 minutes after T0
    assert grouping.send_at(T0, T0 - timedelta(minutes=1)) == T0 + timedelta(minutes=4)
    assert grouping.send_at(T0, T0 - timedelta(hours=1)) == T0 + timedelta(seconds=30)


def test_repeats_every_four_hours_six_times_at_most() -> None:
    grouping = Grouping()
    assert not grouping.repeat_due(T0, 0, T0 + timedelta(hours=3, minutes=59))
    assert grouping.repeat_due(T0, 0, T0 + timedelta(hours=4))
    assert grouping.repeat_due(T0, 5, T0 + timedelta(hours=4))
    assert not grouping.repeat_due(T0, 6, T0 + timedelta(days=1))
