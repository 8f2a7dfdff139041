"""How notifications are delivered without spamming or losing any: idempotency keys, grouping per recipient,
repeats, and retries with backoff (docs/alerts.md, "Delivery"). Pure: the outbox in the store applies these.

- **One key** per rule, scope, state, period and episode: a notice is recorded once in the outbox, whatever
  evaluated it twice (two schedulers, a retried run), and a channel is sent it at least once.
- **Grouping** per recipient and channel: the first notice waits `wait` (30 s) for others to join it, and every
  notice queued while that group waits joins it (one message); a later one goes out `wait` after it was queued and
  not within `interval` (5 min) of the last message sent or scheduled. A group's key (`group_key`) is derived from
  its notices' keys, so that a retried group is one message to a deduplicating receiver.
- **Repeats**: a firing episode is told again `repeat` (4 h) after it was last told, at most `max_repeats` (6)
  times; each repeat has a key of its own (`repeat_key`), so a repeated round never enqueues it twice.
- **Retries**: at most `MAX_ATTEMPTS` (5) per delivery, the n-th retry after base * 2^(n-1) (30 s, 1 min, 2 min,
  4 min), each with equal jitter (half fixed, half random), so that receivers that fail together are not retried
  together; then the delivery is `failed`, visibly. A channel that cannot deduplicate is not retried after a
  timeout (the message may have arrived): it is `unknown` instead.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_ATTEMPTS = 5
RETRY_BASE = timedelta(seconds=30)


def idempotency_key(rule: str, scope: Mapping[str, str], state: str, period: str, episode: int) -> str:
    """The one key of a notice: the same rule, scope, state, period and episode always give the same key."""
    parts = [rule, ",".join(f"{key}={value}" for key, value in sorted(scope.items())), state, period, str(episode)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def repeat_key(rule: str, scope: Mapping[str, str], episode: int, repeat: int) -> str:
    """The key of the `repeat`-th repeat (1-based) of an episode's firing notice: one per rule, scope, episode and
    repeat number, whatever the period (a repeat of the same episode in a new month is still that repeat)."""
    if repeat < 1:
        raise ValueError("repeats are counted from 1")
    parts = [rule, ",".join(f"{key}={value}" for key, value in sorted(scope.items())), "repeat", str(episode)]
    return hashlib.sha256("\x1f".join([*parts, str(repeat)]).encode()).hexdigest()


def group_key(keys: Sequence[str]) -> str:
    """The key of one message carrying the notices of `keys`: a single notice's own key, or one derived from the
    sorted keys of several (the same group, in whatever order it was claimed, has the same key on every retry)."""
    if not keys:
        raise ValueError("a group has at least one notice")
    unique = sorted(set(keys))
    return unique[0] if len(unique) == 1 else hashlib.sha256("\x1f".join(unique).encode()).hexdigest()


def retry_delay(attempt: int, chance: random.Random) -> timedelta | None:
    """How long to wait after the `attempt`-th failed attempt (1-based) before the next; None: give up (failed)."""
    if attempt < 1:
        raise ValueError("attempts are counted from 1")
    if attempt >= MAX_ATTEMPTS:
        return None
    full: timedelta = RETRY_BASE * (2 ** (attempt - 1))
    return full / 2 + (full / 2) * chance.random()


@dataclass(frozen=True)
class Grouping:
    wait: timedelta = timedelta(seconds=30)
    interval: timedelta = timedelta(minutes=5)
    repeat: timedelta = timedelta(hours=4)
    max_repeats: int = 6

    def send_at(self, first_queued: datetime, last_sent: datetime | None) -> datetime:
        """When a recipient's queued notices go out: `wait` after the first of them, and not within `interval`
        of the last message sent to them."""
        due = first_queued + self.wait
        return due if last_sent is None else max(due, last_sent + self.interval)

    def schedule(self, now: datetime, waiting: datetime | None, last: datetime | None) -> datetime:
        """When a notice queued `now` goes to a recipient on a channel: with the group `waiting` for them (queued,
        not yet attempted), if there is one; otherwise `wait` after now and not within `interval` of the `last`
        message sent to them or scheduled to go."""
        return waiting if waiting is not None else self.send_at(now, last)

    def repeat_due(self, last_sent: datetime, repeats: int, now: datetime) -> bool:
        """Whether a still-firing episode is told again now."""
        return repeats < self.max_repeats and now >= last_sent + self.repeat
