"""Claimed deliveries grouped into messages: one message per recipient and channel for the notices due together
(docs/alerts.md, "Delivery"), and the words of each message.

Deliveries that grouping queued together (`alerts.delivery.Grouping`) share their recipient, channel and time, so a
sender claims them together; here they become one message: its title says how many alerts and names their rules,
its body is each notice's own title and body (`alert_message.notification`), one after the other. A single notice
is sent as it is; when its words carry an HTML body (`Notification.html`, for digests) and the channel is e-mail,
that body is sent as HTML. The message's key (`group_key`) comes from its notices' keys, the same on every retry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kpilot.alerts.delivery import group_key
from kpilot.i18n import Language, Message, Raw, render
from kpilot.services.alert_message import Notification
from kpilot.store.alert_records import ChannelKind, Claim, OutboxNotice

GROUP_TITLE = "alerts.message.group.title"


@dataclass(frozen=True)
class Words:
    """What one message says: a title, a body, and whether the body is HTML (else plain text)."""

    title: str
    body: str
    html: bool = False


@dataclass(frozen=True)
class Rendered:
    """A claimed delivery and its notice's words in the recipient's language."""

    claim: Claim
    words: Notification


def grouped(claims: Sequence[Claim]) -> list[list[int]]:
    """The indices of `claims` in groups, one per recipient and channel, each in claim order (oldest first)."""
    groups: dict[tuple[str, int], list[int]] = {}
    for index, claim in enumerate(claims):
        groups.setdefault((claim.delivery.recipient, claim.channel.id), []).append(index)
    return list(groups.values())


def message_key(rendered: Sequence[Rendered]) -> str:
    """The idempotency key of the message: a single notice's own key, or one derived from the sorted keys."""
    return group_key([item.claim.notice.idempotency_key for item in rendered])


def message_words(rendered: Sequence[Rendered], language: Language) -> Words:
    """The words of one message to one recipient on one channel, in `language`."""
    if len(rendered) == 1:
        (only,) = rendered
        html = only.words.html  # set for digests, where alert_message gives an HTML body
        if html and only.claim.channel.kind is ChannelKind.EMAIL:
            return Words(only.words.title, html, html=True)
        return Words(only.words.title, only.words.body)
    titles = tuple(Raw(title) for title in dict.fromkeys(_rule_title(item.claim.notice) for item in rendered))
    title = render(Message(GROUP_TITLE, count=len(rendered), titles=titles), language)
    # Layout, not a sentence: each notice as it would have been sent alone, a blank line between them.
    body = "\n\n".join("\n".join(filter(None, (item.words.title, item.words.body))) for item in rendered)
    return Words(title, body)


def _rule_title(notice: OutboxNotice) -> str:
    title = notice.payload.get("title")
    return title if isinstance(title, str) and title else notice.rule
