"""A rule's evaluation within its time (`alerts.timeout` of kpilot.yaml, 120 s by default): one that takes longer is
stopped (its running query interrupted, Warehouse.interrupt) and counts as a failed evaluation of each of its
scopes, as an error would (3 in a row: the rule is in error, and the admins get one system alert per source:
services.alert_system). A slow rule never holds up the others, nor the scheduler, for longer than that."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from datetime import datetime

from kpilot.alerts.conditions import Verdict
from kpilot.alerts.states import Outcome
from kpilot.definitions.alert_model import AlertRule
from kpilot.i18n import Message
from kpilot.services.alert_eval import ScopeVerdict, evaluate
from kpilot.workspace import Workspace

TIMED_OUT = "alerts.rule.timeout"


def evaluated_within(
    workspace: Workspace, rule: AlertRule, now: datetime, seconds: float, known: Sequence[Mapping[str, str]]
) -> tuple[ScopeVerdict, ...]:
    """`evaluate(workspace, rule, now)`, or, when it takes more than `seconds`, a failed verdict for each of the
    `known` scopes (those with a stored state; the rule's own scope when there is none yet)."""
    fired = threading.Event()

    def stop() -> None:
        fired.set()
        workspace.warehouse.interrupt()

    timer = threading.Timer(seconds, stop)
    timer.daemon = True
    timer.start()
    try:
        found = evaluate(workspace, rule, now)
    except Exception:  # an interrupted query fails as the driver's error: out of time, not our bug
        if not fired.is_set():
            raise
        found = ()
    finally:
        timer.cancel()
    if not fired.is_set():
        return found
    why = Verdict(Outcome.FAILED, Message(TIMED_OUT, rule=rule.name, seconds=seconds))
    period = found[0].period if found else ""
    scopes = list(known) or [dict(rule.scope)]
    return tuple(ScopeVerdict(rule.name, dict(scope), period, why) for scope in scopes)
