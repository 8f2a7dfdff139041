"""The alert scheduler inside the server (services.alert_schedule): it ticks on a thread every `alerts.every`
seconds, evaluating through the server's own workspace and store (held for the evaluating part only, like a
request, so that pages keep answering while it sends)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from kpilot.definitions.loader import load_settings
from kpilot.definitions.model import AlertSettings
from kpilot.errors import KpilotError
from kpilot.server.runtime import Runtime
from kpilot.services.alert_schedule import Scheduler
from kpilot.store.session import Store
from kpilot.workspace import Workspace


def alert_scheduler(runtime: Runtime) -> Scheduler:
    """A scheduler over the runtime's workspace and store, every `alerts.every` seconds of its settings (the
    default when they cannot be read now: the ticks then say why, as a request would)."""

    @contextmanager
    def opened() -> Iterator[tuple[Store, Workspace]]:
        with runtime.store() as store, runtime.workspace() as workspace:
            yield store, workspace

    try:
        every = load_settings(runtime.root).alerts.every
    except (KpilotError, OSError, ValueError):
        every = AlertSettings().every
    return Scheduler(opened, every=every)
