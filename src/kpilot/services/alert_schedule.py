"""The alert scheduler: every `alerts.every` seconds (kpilot.yaml, 60 by default) one tick, which evaluates the
rules (services.alert_run, under the store's lease: one evaluator at a time) and sends what the outbox holds that is
due (services.alert_send).

`kpilot alerts run` runs it in the foreground (or one tick, `--once`, for cron); `kpilot serve` runs it on a thread
of the server. Several processes may run it: the lease lets one evaluate, the senders claim different deliveries,
and a process killed mid-tick is carried on from by the next tick of any process (alert_holders, alert_run).

A tick that fails (the store away, a definitions file broken mid-edit) is logged, by its message code and never
with a channel's target, and the next tick tries again: one bad minute does not stop the scheduler.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime

from kpilot.errors import UserError
from kpilot.services.alert_holders import this_process
from kpilot.services.alert_run import LEASE, RoundReport, run_round, run_rule, take_lease
from kpilot.services.alert_send import SendReport, send_due
from kpilot.services.digest_schedule import enqueue_due_digests
from kpilot.store.alerts import AlertStore
from kpilot.store.session import Store
from kpilot.workspace import Workspace

LOG = logging.getLogger("kpilot.alerts")


@dataclass(frozen=True)
class TickReport:
    round: RoundReport
    sent: SendReport
    digests: int = 0  # digests put in the outbox (services.digest_schedule), by the evaluator only


def tick(store: Store, workspace: Workspace, now: datetime, holder: str, *, timeout: float = 10.0) -> TickReport:
    """One tick at `now`: evaluate and enqueue due digests (if this holder gets the lease), send what is due."""
    evaluated, digests = evaluate_part(store, workspace, now, holder)
    return TickReport(evaluated, send_part(store, workspace, now, holder, timeout=timeout), digests)


def evaluate_part(store: Store, workspace: Workspace, now: datetime, holder: str) -> tuple[RoundReport, int]:
    """What a tick computes: the rules' round and, by the evaluator only (the lease's holder), the digests due. Both
    read the warehouse, so a server runs this part holding its workspace."""
    evaluated = run_round(store, workspace, now, holder)
    return evaluated, enqueue_due_digests(store, workspace, now) if evaluated.held else 0


def send_part(store: Store, workspace: Workspace, now: datetime, holder: str, *, timeout: float = 10.0) -> SendReport:
    """What a tick sends. It reads only the workspace's settings, never the warehouse, so a server runs it without
    holding the workspace: a slow receiver never holds up a page."""
    return send_due(store, workspace, now, holder, timeout=timeout)


def release(store: Store, holder: str) -> None:
    """Give the evaluator's lease up (a scheduler that stops cleanly lets the next one start at once)."""
    with store.writing() as session:
        AlertStore(session).release(LEASE, holder)


Opened = Callable[[], AbstractContextManager[tuple[Store, Workspace]]]


class Scheduler:
    """Ticks on a thread until stopped. `opened` gives the store and workspace for the evaluating part of each tick
    (a server's, held while the rules are evaluated, and reopened after they went away); `clock` is the time (tests
    set it)."""

    def __init__(
        self,
        opened: Opened,
        *,
        every: float,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        holder: str | None = None,
        on_tick: Callable[[TickReport], None] | None = None,
    ) -> None:
        self.opened = opened
        self.every = every
        self.clock = clock
        self.holder = holder or this_process()
        self.on_tick = on_tick
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run(self, *, once: bool = False) -> None:
        """Tick now and then every `every` seconds until `stop()` (or once); in this thread."""
        while not self._stop.is_set():
            self._tick()
            if once or self._stop.wait(self.every):
                break
        self._release()

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run, name="kpilot-alerts", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _tick(self) -> None:
        try:
            now = self.clock()
            evaluated, digests, store, workspace = self._evaluate(now)
            report = TickReport(evaluated, send_part(store, workspace, now, self.holder), digests)
        except UserError as error:  # a problem people can fix (the store, the definitions): told by its code
            LOG.warning("alert tick failed: %s", error.code)
            return
        except Exception as error:  # our bug, or a library's: logged by its type, and the next tick tries again
            LOG.error("alert tick failed: %s", type(error).__name__, exc_info=LOG.isEnabledFor(logging.DEBUG))
            return
        if self.on_tick is not None:
            self.on_tick(report)

    def _evaluate(self, now: datetime) -> tuple[RoundReport, int, Store, Workspace]:
        """The evaluating part, the workspace held for one rule at a time (then the digests), not for the whole
        round: a server's pages, which wait for the same workspace, wait for one rule at most."""
        with self.opened() as (store, workspace):
            if not take_lease(store, now, self.holder):
                return RoundReport(held=False), 0, store, workspace
            names = [rule.name for rule in workspace.definitions.alert_rules]
        evaluated = enqueued = 0
        for name in names:
            with self.opened() as (store, workspace):
                if not take_lease(store, now, self.holder):  # renewed rule by rule; lost: another one carries on
                    break
                rule = next((one for one in workspace.definitions.alert_rules if one.name == name), None)
                if rule is not None:  # else removed from the definitions meanwhile
                    scopes, notices = run_rule(store, workspace, rule, now)
                    evaluated, enqueued = evaluated + scopes, enqueued + notices
        with self.opened() as (store, workspace):
            digests = enqueue_due_digests(store, workspace, now)
        return RoundReport(True, evaluated, enqueued), digests, store, workspace

    def _release(self) -> None:
        try:
            with self.opened() as (store, _):
                release(store, self.holder)
        except Exception:  # stopping anyway: an unreleased lease only expires later
            LOG.debug("alert lease not released", exc_info=True)
