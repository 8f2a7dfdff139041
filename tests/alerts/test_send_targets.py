"""Which targets may be sent to, and the apprise URL each is sent through. Addresses are IP literals (and
`localhost`, from /etc/hosts), so that no test needs DNS; which ranges are internal is from RFC 1918 (private), RFC
6890 (special purpose), RFC 3927 (link-local, the metadata service's 169.254.169.254) and RFC 6598 (shared)."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpilot.services.alert_send_targets import (
    INTERNAL_TARGET,
    NOT_EMAIL,
    NOT_WEBHOOK,
    Refusal,
    apprise_url,
    internal,
    refusal,
)
from kpilot.store.alert_records import Channel, ChannelKind, OwnerKind

AT = datetime(2026, 12, 7, tzinfo=UTC)
INTERNAL_RANGES = ["127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "100.64.0.0/10"]


def channel(kind: ChannelKind, target: str) -> Channel:
    return Channel(1, OwnerKind.TEAM, 1, kind, target, False, AT)


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("172.31.255.255", True),
        ("192.168.1.1", True),
        ("169.254.169.254", True),  # the cloud metadata service
        ("100.64.0.1", True),  # shared address space (carrier-grade NAT)
        ("0.0.0.0", True),
        ("224.0.0.1", True),  # multicast
        ("::1", True),
        ("fe80::1", True),
        ("fd00::1", True),  # unique local
        ("::ffff:127.0.0.1", True),  # IPv4 loopback written as IPv6
        ("93.184.216.34", False),
        ("8.8.8.8", False),
        ("2606:4700:4700::1111", False),
        ("::ffff:8.8.8.8", False),
    ],
)
def test_internal_addresses(address: str, expected: bool) -> None:
    assert internal(ipaddress.ip_address(address)) is expected


@given(st.sampled_from(INTERNAL_RANGES).flatmap(lambda net: st.ip_addresses(network=net)))
def test_every_address_of_an_internal_range_is_internal(address: ipaddress.IPv4Address) -> None:
    assert internal(address)


@pytest.mark.parametrize(
    ("kind", "target", "expected"),
    [
        (ChannelKind.WEBHOOK, "json://169.254.169.254/latest/meta-data", Refusal(INTERNAL_TARGET)),
        (ChannelKind.WEBHOOK, "jsons://localhost:8443/hook", Refusal(INTERNAL_TARGET)),
        (ChannelKind.WEBHOOK, "json://[::1]:8080/hook", Refusal(INTERNAL_TARGET)),
        (ChannelKind.WEBHOOK, "json://user:pw@10.0.0.7/hook", Refusal(INTERNAL_TARGET)),
        (ChannelKind.APPRISE, "forms://192.168.0.10/hook", Refusal(INTERNAL_TARGET)),  # a webhook by its scheme
        (ChannelKind.WEBHOOK, "json://93.184.216.34/hook", None),
        (ChannelKind.WEBHOOK, "mailto://ana@acme.example", Refusal(NOT_WEBHOOK)),
        (ChannelKind.WEBHOOK, "https://93.184.216.34/hook", Refusal(NOT_WEBHOOK)),
        (ChannelKind.EMAIL, "ana@acme.example", Refusal(NOT_EMAIL)),
        (ChannelKind.EMAIL, "mailto://ana@acme.example?smtp=127.0.0.1", None),  # a mail relay is the admin's
        (ChannelKind.SLACK, "slack://T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX", None),
    ],
)
def test_refusals(kind: ChannelKind, target: str, expected: Refusal | None) -> None:
    assert refusal(channel(kind, target), allow_internal=False) == expected


def test_internal_addresses_are_sent_to_when_allowed() -> None:
    assert refusal(channel(ChannelKind.WEBHOOK, "json://127.0.0.1:8080/hook"), allow_internal=True) is None
    # the kind is still checked: allowing internal addresses does not make an e-mail address a webhook
    assert refusal(channel(ChannelKind.WEBHOOK, "mailto://a@b.c"), allow_internal=True) == Refusal(NOT_WEBHOOK)


def test_the_apprise_url_carries_the_timeouts_and_a_webhooks_key() -> None:
    hook = channel(ChannelKind.WEBHOOK, "json://example.org/hook?+X-Team=emea")
    assert apprise_url(hook, 2.5, "abc") == "json://example.org/hook?+X-Team=emea&cto=2.5&rto=2.5&+Idempotency-Key=abc"
    mail = channel(ChannelKind.EMAIL, "mailto://ana@acme.example")
    assert apprise_url(mail, 10.0, "abc") == "mailto://ana@acme.example?cto=10&rto=10"
