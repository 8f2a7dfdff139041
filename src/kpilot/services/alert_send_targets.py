"""Which channel targets may be sent to, and the apprise URL each is sent through.

A webhook posts to whatever host its URL names, so a webhook could be pointed at the server's own neighbours:
loopback, the private network, link-local addresses and the cloud metadata service (169.254.169.254). Unless the
workspace allows internal addresses, such a target is refused before anything is sent. The check applies to
webhook channels and to any channel whose URL is one of apprise's generic HTTP schemes (an `apprise` channel with a
`json://` URL is a webhook too); the other schemes go to their service's own hosts. The host is resolved here, and
every address it resolves to must be public; apprise resolves it again when it sends, so a name whose DNS answer
changes in between is not caught (an admin who needs that guarantee points webhooks at a proxy).

Refusals are message codes (`alerts.message.error.*`), never the target: it may hold a token.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from kpilot.store.alert_records import Channel, ChannelKind

GENERIC_HTTP = frozenset({"json", "jsons", "xml", "xmls", "form", "forms"})
EMAIL = frozenset({"mailto", "mailtos"})
INTERNAL_TARGET = "alerts.message.error.internal_target"
NOT_WEBHOOK = "alerts.message.error.not_webhook"
NOT_EMAIL = "alerts.message.error.not_email"
UNRESOLVED = "alerts.message.error.unresolved"
IDEMPOTENCY_HEADER = "Idempotency-Key"  # the header a deduplicating webhook receiver reads


@dataclass(frozen=True)
class Refusal:
    """Why a target is not sent to: a code, and whether a later attempt may succeed (a name that did not resolve
    now may resolve later; an internal address stays internal)."""

    code: str
    retry: bool = False


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """The networks of the workspace's `alerts.internal_webhooks` (checked when the settings were read)."""
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def refusal(channel: Channel, *, allow_internal: bool, allowed: Sequence[Network] = ()) -> Refusal | None:
    """Why the channel's target must not be sent to, or None when it may be. `allow_internal`: any internal address
    may be reached; `allowed`: those in these networks may."""
    scheme = _scheme(channel.target)
    if channel.kind is ChannelKind.WEBHOOK and scheme not in GENERIC_HTTP:
        return Refusal(NOT_WEBHOOK)
    if channel.kind is ChannelKind.EMAIL and scheme not in EMAIL:
        return Refusal(NOT_EMAIL)
    if scheme not in GENERIC_HTTP or allow_internal:
        return None
    try:
        host = urlsplit(channel.target).hostname
    except ValueError:  # a malformed netloc (an unclosed IPv6 bracket): apprise would refuse it too
        return Refusal(INTERNAL_TARGET)
    if not host:
        return Refusal(INTERNAL_TARGET)
    addresses = _addresses(host)
    if addresses is None:
        return Refusal(UNRESOLVED, retry=True)
    barred = [address for address in addresses if internal(address) and not _within(address, allowed)]
    return Refusal(INTERNAL_TARGET) if barred else None


def _within(address: ipaddress.IPv4Address | ipaddress.IPv6Address, allowed: Sequence[Network]) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address.version == network.version and address in network for network in allowed)


def internal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether an address is not on the public internet: loopback, private, link-local (the metadata service),
    shared, reserved, unspecified or multicast; an IPv4 address written as IPv6 is judged as itself."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def apprise_url(channel: Channel, timeout: float, key: str) -> str:
    """The channel's target with apprise's connect and read timeouts set to `timeout` (ours come last, so they win
    over the target's own), and, for generic HTTP webhooks, the notice's idempotency key as a header, so that a
    receiver that deduplicates can."""
    params = [("cto", f"{timeout:g}"), ("rto", f"{timeout:g}")]
    if _scheme(channel.target) in GENERIC_HTTP:
        params.append((f"+{IDEMPOTENCY_HEADER}", key))
    base, hash_sign, fragment = channel.target.partition("#")
    joiner = "&" if "?" in base else "?"
    query = "&".join(f"{quote(name, safe='+')}={quote(value, safe='')}" for name, value in params)
    return f"{base}{joiner}{query}{hash_sign}{fragment}"


def _scheme(target: str) -> str:
    return target.partition("://")[0].lower() if "://" in target else ""


def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address] | None:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except OSError:
        return None
    return [ipaddress.ip_address(str(info[4][0]).partition("%")[0]) for info in found]
