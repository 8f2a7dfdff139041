"""`alerts:` in kpilot.yaml: the scheduler's period and the internal networks webhooks may reach, read and checked
with the rest of the settings; a webhook to an allowed network is sent to, any other internal address refused."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from kpilot.definitions.loader import load_settings
from kpilot.errors import ValidationFailed
from kpilot.services.alert_send_targets import INTERNAL_TARGET, networks, refusal
from kpilot.store.alert_records import Channel, ChannelKind, OwnerKind


def _settings(tmp_path: Path, text: str) -> Path:
    root = tmp_path / "ws"
    root.mkdir(parents=True)
    (root / "kpilot.yaml").write_text(f"name: shop\n{text}", encoding="utf-8")
    return root


def test_the_defaults_and_a_block(tmp_path: Path) -> None:
    default = load_settings(_settings(tmp_path / "a", "")).alerts
    assert (default.every, default.internal_webhooks) == (60, ())
    read = load_settings(
        _settings(tmp_path / "b", "alerts:\n  every: 15\n  internal_webhooks: [10.20.0.0/16, 'fd00::/8']\n")
    )
    assert (read.alerts.every, read.alerts.internal_webhooks) == (15, ("10.20.0.0/16", "fd00::/8"))


@pytest.mark.parametrize(
    ("block", "expected", "line"),
    [
        ("alerts:\n  internal_webhooks: [10.0.0.0/33]\n", "alerts.internal_webhooks '10.0.0.0/33' is not a network", 3),
        ("alerts:\n  every: 1\n", "'alerts.every': 1 must be at least 5", 3),
        ("alerts:\n  evry: 30\n", "evry", 3),
    ],
)
def test_bad_values_are_refused_at_their_line(tmp_path: Path, block: str, expected: str, line: int) -> None:
    with pytest.raises(ValidationFailed) as raised:
        load_settings(_settings(tmp_path, block))
    assert expected in str(raised.value)
    assert f"kpilot.yaml:{line}:" in str(raised.value)


def _hook(target: str) -> Channel:
    return Channel(1, OwnerKind.TEAM, 1, ChannelKind.WEBHOOK, target, dedupes=True, created_at=datetime.now(UTC))


def test_only_the_allowed_internal_networks_are_reached() -> None:
    allowed = networks(["10.20.0.0/16", "fd00::/8"])
    assert refusal(_hook("json://10.20.3.4/hook"), allow_internal=False, allowed=allowed) is None
    assert refusal(_hook("json://[fd00::1]/hook"), allow_internal=False, allowed=allowed) is None
    assert refusal(_hook("json://[::ffff:10.20.0.9]/hook"), allow_internal=False, allowed=allowed) is None  # as IPv4
    for barred in ("json://10.21.0.1/hook", "json://127.0.0.1/hook", "json://169.254.169.254/latest"):
        found = refusal(_hook(barred), allow_internal=False, allowed=allowed)
        assert found is not None
        assert found.code == INTERNAL_TARGET
