"""Sending the outbox: claimed deliveries rendered, sent through apprise, and marked (docs/alerts.md, "Sending").

- **One message per recipient and channel**: the deliveries claimed together for the same recipient on the same
  channel (grouping queued them for the same time) are sent as one message (`alert_send_groups`), and marked
  together.
- **Nothing twice**: a delivery is claimed by one sender (`AlertStore.claim_due`) before it is sent, and marked only
  by the sender that holds it; two senders at once take different deliveries.
- **One channel never delays another**: each message is sent by a worker of a small thread pool, with its own
  timeout, and its deliveries marked as soon as it is done, in their own transaction.
- **Retries**: a failed attempt is queued again after `retry_delay(attempts)`; after `MAX_ATTEMPTS` it is failed.
  A timeout may mean the message arrived: a channel that deduplicates gets it again (the receiver drops the repeat),
  one that does not is marked unknown and never resent.
- **Refusals** (an internal webhook address, a target of the wrong kind, one apprise cannot parse) are failed at
  once: no attempt could succeed.

A timeout is told by the clock, because apprise's result is only sent or not (before apprise 2): apprise is given
`timeout` as its connect and read timeouts, so an attempt that took at least that long ran into one of them (or
was answered only as it ran out), and may have been received.
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from kpilot.alerts.delivery import retry_delay
from kpilot.i18n import Language, MessageMissing
from kpilot.services.alert_message import notification, recipient_language
from kpilot.services.alert_send_groups import Rendered, Words, grouped, message_key, message_words
from kpilot.services.alert_send_logs import MASK
from kpilot.services.alert_send_targets import Network, Refusal, apprise_url, networks, refusal
from kpilot.services.apprise_loaded import apprise
from kpilot.store.alert_records import Channel, Claim
from kpilot.store.alerts import AlertStore
from kpilot.store.session import Store
from kpilot.workspace import Workspace

WORKERS = 4  # deliveries sent at once: enough that one slow receiver does not hold the others up
LEASE_MARGIN = timedelta(minutes=1)
BAD_TARGET = "alerts.message.error.bad_target"
FAILED = "alerts.message.error.failed"
TIMEOUT = "alerts.message.error.timeout"
UNRENDERABLE = "alerts.message.error.unrenderable"


class Outcome(StrEnum):
    """How one claimed delivery ended in this call."""

    SENT = "sent"
    RETRYING = "retrying"  # queued again for a later attempt
    FAILED = "failed"
    UNKNOWN = "unknown"
    LOST = "lost"  # the claim ran out while sending, and another sender took it over: not marked by this one


@dataclass(frozen=True)
class SendReport:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    unknown: int = 0
    lost: int = 0


@dataclass(frozen=True)
class Attempt:
    """What sending one delivery came to: sent, or an error code and whether another attempt may succeed."""

    sent: bool
    error: str | None = None
    retry: bool = True
    timed_out: bool = False


def send_due(
    store: Store,
    workspace: Workspace,
    now: datetime,
    holder: str,
    *,
    limit: int = 100,
    timeout: float = 10.0,
    allow_internal: bool = False,
    chance: random.Random | None = None,
) -> SendReport:
    """Claim the deliveries due at `now` for `holder`, send each, and mark it; what happened to them. Webhooks may
    reach the internal networks of the workspace's `alerts.internal_webhooks`, or any with `allow_internal`."""
    chance = chance or random.Random()
    allowed = networks(workspace.settings.alerts.internal_webhooks)
    with store.writing() as session:
        claims = AlertStore(session).claim_due(now, holder, limit, _lease(limit, timeout))
    if not claims:
        return SendReport()
    with store.reading() as session:
        default = Language(workspace.settings.language)
        languages = [recipient_language(session, claim.channel, default) for claim in claims]
    groups = grouped(claims)  # one message per recipient and channel: the notices due together
    # Drawn here, one per message (its deliveries are retried together): Random is not shared between threads.
    delays = [retry_delay(max(claims[i].delivery.attempts for i in group), chance) for group in groups]

    def deliver(index: int) -> list[Outcome]:
        group = [claims[i] for i in groups[index]]
        language = languages[groups[index][0]]  # one channel: one owner, one language
        rendered, unrenderable = [], []
        for claim in group:
            try:
                rendered.append(Rendered(claim, notification(claim.notice, language)))
            except MessageMissing:  # a notice whose reason has no text (our bug): it cannot be sent in any attempt
                unrenderable.append(claim)
        outcomes = _mark(store, unrenderable, Attempt(False, UNRENDERABLE, retry=False), holder, now, None)
        if rendered:
            words, key = message_words(rendered, language), message_key(rendered)
            attempt = _attempt(group[0].channel, key, words, timeout, allow_internal=allow_internal, allowed=allowed)
            outcomes += _mark(store, [item.claim for item in rendered], attempt, holder, now, delays[index])
        return outcomes

    targets = [claim.channel.target for claim in claims]
    with MASK.masking(targets), ThreadPoolExecutor(max_workers=min(WORKERS, len(groups))) as pool:
        outcomes = [outcome for done in pool.map(deliver, range(len(groups))) for outcome in done]
    return _report(outcomes)


def _attempt(
    channel: Channel,
    key: str,
    words: Words,
    timeout: float,
    *,
    allow_internal: bool,
    allowed: Sequence[Network],
) -> Attempt:
    refused: Refusal | None = refusal(channel, allow_internal=allow_internal, allowed=allowed)
    if refused is not None:
        return Attempt(False, refused.code, retry=refused.retry)
    sender = apprise.Apprise()
    if not sender.add(apprise_url(channel, timeout, key)):
        return Attempt(False, BAD_TARGET, retry=False)
    started = time.monotonic()
    body_format = apprise.NotifyFormat.HTML if words.html else apprise.NotifyFormat.TEXT
    try:
        result = sender.notify(body=words.body, title=words.title, body_format=body_format)
    except (OSError, ValueError):  # a network, TLS or SMTP failure, or a receiver's answer apprise cannot read: a
        # failed attempt, retried; anything else is our bug and reaches the caller as one
        return Attempt(False, FAILED)
    if bool(result):
        return Attempt(True)
    status = getattr(getattr(result, "status", None), "name", None)  # apprise 2 tells a timeout itself
    if status == "TIMEOUT" or time.monotonic() - started >= timeout:
        return Attempt(False, TIMEOUT, timed_out=True)
    return Attempt(False, FAILED)


def _mark(
    store: Store, claims: Sequence[Claim], attempt: Attempt, holder: str, now: datetime, delay: timedelta | None
) -> list[Outcome]:
    """Mark the deliveries of one message as its attempt went, together, in one transaction."""
    if not claims:
        return []
    with store.writing() as session:
        alerts = AlertStore(session)
        return [_marked(alerts, claim, attempt, holder, now, delay) for claim in claims]


def _marked(
    alerts: AlertStore, claim: Claim, attempt: Attempt, holder: str, now: datetime, delay: timedelta | None
) -> Outcome:
    delivery = claim.delivery.id
    if attempt.sent:
        return _held(alerts.mark_sent(delivery, holder=holder, at=now), Outcome.SENT)
    error = attempt.error or FAILED
    if attempt.timed_out and not claim.channel.dedupes:
        return _held(alerts.mark_unknown(delivery, holder=holder, error=error), Outcome.UNKNOWN)
    if not attempt.retry or delay is None:  # refused for good, or out of attempts (MAX_ATTEMPTS)
        return _held(alerts.mark_failed(delivery, holder=holder, error=error), Outcome.FAILED)
    marked = alerts.mark_retry(delivery, holder=holder, next_at=now + delay, error=error)
    return _held(marked, Outcome.RETRYING)


def _held(marked: bool, outcome: Outcome) -> Outcome:
    return outcome if marked else Outcome.LOST


def _lease(limit: int, timeout: float) -> timedelta:
    """How long a claim lasts: long enough for every claimed delivery to be sent by the pool in turn, each
    attempt up to its connect and its read timeout, so that no claim runs out while this sender still works."""
    rounds = math.ceil(limit / WORKERS)
    return timedelta(seconds=rounds * 2 * timeout) + LEASE_MARGIN


def _report(outcomes: Sequence[Outcome]) -> SendReport:
    counts = Counter(outcomes)
    return SendReport(
        claimed=len(outcomes),
        sent=counts[Outcome.SENT],
        retrying=counts[Outcome.RETRYING],
        failed=counts[Outcome.FAILED],
        unknown=counts[Outcome.UNKNOWN],
        lost=counts[Outcome.LOST],
    )
