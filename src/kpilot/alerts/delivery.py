"""How notifications are delivered without spamming or losing any: idempotency keys, grouping per recipient,
repeats, and retries with backoff (docs/alerts.md, "Delivery"). Pure: the outbox in the store applies these.

- **One key** per rule, scope, state, period and episode: a notice is recorded once in the outbox, whatever
  evaluated it twice (two schedulers, a retried run), and a channel is sent it at least once.
- **Grouping** per recipient: the first notice waits `wait` (30 s) for others to join it; later ones go out at most
  every `interval` (5 min); a firing episode is repeated at most every `repeat` (4 h), at most `max_repeats` (6)
  times.
- **Retries**: at most `MAX_ATTEMPTS` (5) per delivery, the n-th retry after base * 2^(n-1) (30 s, 1 min, 2 min,
  4 min), each with equal jitter (half fixed, half random), so that receivers that fail together are not retried
  together; then the delivery is `failed`, visibly. A channel that cannot deduplicate is not retried after a
  timeout (the message may have arrived): it is `unknown` instead.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_ATTEMPTS = 5
RETRY_BASE = timedelta(seconds=30)


def idempotency_key(rule: str, scope: Mapping[str, str], state: str, period: str, episode: int) -> str:
    """The one key of a notice: the same rule, scope, state, period and episode always give the same key."""
    parts = [rule, ",".join(f"{key}={value}" for key, value in sorted(scope.items())), state, period, str(episode)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


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

    def repeat_due(self, last_sent: datetime, repeats: int, now: datetime) -> bool:
        """Whether a still-firing episode is told again now."""
        return repeats < self.max_repeats and now >= last_sent + self.repeat
