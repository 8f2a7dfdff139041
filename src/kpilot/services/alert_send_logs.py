"""Apprise's and urllib3's log records, with the targets being sent to masked.

Apprise logs the hosts and URLs it posts to (a Slack webhook's URL is its token), and urllib3 logs each request's
path at debug level; whoever configures logging would then find tokens in their logs. While a sender sends, its
targets are registered here, and a filter on those libraries' loggers masks them in every record, as the store
masks them in the errors it keeps (`store.alert_deliveries.masked`).
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from kpilot.store.alert_deliveries import masked

# The loggers whose records may name a target (a filter on a logger sees only the records logged on it by name).
LOGGERS = ("apprise", "urllib3.connectionpool", "urllib3.connection")


class TargetMask(logging.Filter):
    """Masks the registered targets in each record's text (then the record's arguments are already in it)."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._targets: Counter[str] = Counter()  # counted: two senders may send to the same target at once

    @contextmanager
    def masking(self, targets: Sequence[str]) -> Iterator[None]:
        with self._lock:
            self._targets.update(targets)
        try:
            yield
        finally:
            with self._lock:
                self._targets.subtract(targets)
                self._targets = +self._targets  # drop the ones no longer sent to

    def filter(self, record: logging.LogRecord) -> bool:
        with self._lock:
            targets = list(self._targets)
        if targets:
            text = record.getMessage()
            for target in targets:
                text = masked(text, target)
            record.msg, record.args = text, None
        return True


MASK = TargetMask()
for _name in LOGGERS:
    logging.getLogger(_name).addFilter(MASK)
