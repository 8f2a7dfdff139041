"""The state machine of one alert rule in one scope: what each evaluation does to it, and when a person hears.

Each evaluation of a rule in a scope ends in one of four outcomes: the condition holds (`breach`), it does not
(`clear`), there was nothing to judge (`empty`: no rows, no value), or the evaluation failed (`failed`: an error or
a timeout). The state moves on them:

    ok --breach--> pending --breach--> ... --breach--> firing --clear--> recovering --clear--> ... --clear--> ok
                                                         recovering --breach--> firing (the same episode)

- `pending_for` and `keep_firing_for` are counted in evaluations: a rule stays pending for `pending_for`
  evaluations in a row and fires at the next breach, and stays recovering for `keep_firing_for` clears in a row
  and is ok at the next one; 0 fires (or resolves) at once. A clear while pending is back to ok, quietly.
- `empty`: a healthy KPI can have an empty period (no tickets on a Sunday), so one empty evaluation changes nothing;
  only `NO_DATA_AFTER` (3) empty evaluations in a row move to `no_data`, and the next breach or clear leaves it.
- `failed`: likewise `ERROR_AFTER` (3) failures in a row move to `error`; the evaluator raises one system alert per
  failing source (not per rule) from these states.
- Flapping: when the state changed `FLAP_CHANGES` (4) or more times within the last `FLAP_WINDOW` (20)
  evaluations (between alerting, not alerting, no data and error: pending counts as not yet alerting, recovering
  as still alerting), one `flapping` notice is sent and nothing more until it is stable again (fewer changes in the
  window), when the state it settled in is notified.

A notice is sent only on the moves people act on: firing (a new episode), resolved (back to ok from an episode),
no data, error, and flapping. `pending` and `recovering` are quiet. Each notice names the episode, so that
delivery keys it once (`alerts.keys.idempotency_key`): the same episode is never announced twice.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

NO_DATA_AFTER = 3
ERROR_AFTER = 3
FLAP_WINDOW = 20
FLAP_CHANGES = 4


class State(StrEnum):
    OK = "ok"
    PENDING = "pending"
    FIRING = "firing"
    RECOVERING = "recovering"
    NO_DATA = "no_data"
    ERROR = "error"


class Outcome(StrEnum):
    BREACH = "breach"
    CLEAR = "clear"
    EMPTY = "empty"
    FAILED = "failed"


class NoticeKind(StrEnum):
    FIRING = "firing"
    RESOLVED = "resolved"
    NO_DATA = "no_data"
    ERROR = "error"
    FLAPPING = "flapping"


@dataclass(frozen=True)
class Timing:
    """How many evaluations a condition must hold before firing, and clear before resolving."""

    pending_for: int = 0
    keep_firing_for: int = 0

    def __post_init__(self) -> None:
        if self.pending_for < 0 or self.keep_firing_for < 0:
            raise ValueError("pending_for and keep_firing_for count evaluations: 0 or more")


@dataclass(frozen=True)
class Notice:
    kind: NoticeKind
    episode: int  # the episode it is about (a firing and its resolution share one)
    state: State  # the state after the evaluation


@dataclass(frozen=True)
class AlertState:
    """Where one rule in one scope stands; what the store keeps between evaluations."""

    state: State = State.OK
    streak: int = 0  # evaluations in a row with the outcome that moves the current state on
    empties: int = 0  # empty evaluations in a row
    failures: int = 0  # failed evaluations in a row
    episode: int = 0  # incremented each time firing starts
    in_episode: bool = False  # firing or recovering, or no data / error while one was
    recent: tuple[State, ...] = ()  # the level after each of the last FLAP_WINDOW evaluations, oldest first
    flapping: bool = False
    announced: State = State.OK  # the last state a notice was sent for (what people believe)

    @property
    def changes(self) -> int:
        """How many times the state changed within the recent evaluations."""
        return sum(1 for before, after in zip(self.recent, self.recent[1:], strict=False) if before != after)


def step(current: AlertState, outcome: Outcome, timing: Timing = Timing()) -> tuple[AlertState, Notice | None]:
    """The state after one evaluation, and the notice to send (None: nothing to say)."""
    moved = _moved(current, outcome, timing)
    recent = (*current.recent, _level(moved.state))[-FLAP_WINDOW:]
    moved = replace(moved, recent=recent)
    flapping = moved.changes >= FLAP_CHANGES
    if flapping and not current.flapping:
        return replace(moved, flapping=True, announced=moved.state), Notice(
            NoticeKind.FLAPPING, moved.episode, moved.state
        )
    if flapping:
        return replace(moved, flapping=True), None  # wait for stability
    moved = replace(moved, flapping=False)
    notice = _notice(moved)
    if notice is not None:
        moved = replace(moved, announced=moved.state)
    return moved, notice


def _level(state: State) -> State:
    """What flapping counts changes of: alerting or not (pending and recovering are on their way, not changes)."""
    if state is State.RECOVERING:
        return State.FIRING
    if state is State.PENDING:
        return State.OK
    return state


def _notice(moved: AlertState) -> Notice | None:
    """A notice when what people were last told differs from where the rule now stands in a way that matters."""
    state, told = moved.state, moved.announced
    if state is State.FIRING and told is not State.FIRING:
        return Notice(NoticeKind.FIRING, moved.episode, state)
    if state is State.OK and told in (State.FIRING, State.NO_DATA, State.ERROR):
        return Notice(NoticeKind.RESOLVED, moved.episode, state)
    if state is State.NO_DATA and told is not State.NO_DATA:
        return Notice(NoticeKind.NO_DATA, moved.episode, state)
    if state is State.ERROR and told is not State.ERROR:
        return Notice(NoticeKind.ERROR, moved.episode, state)
    return None


def _moved(current: AlertState, outcome: Outcome, timing: Timing) -> AlertState:
    if outcome is Outcome.EMPTY:
        empties = current.empties + 1
        after = replace(current, empties=empties, failures=0)
        return replace(after, state=State.NO_DATA, streak=0) if empties >= NO_DATA_AFTER else after
    if outcome is Outcome.FAILED:
        failures = current.failures + 1
        after = replace(current, failures=failures, empties=0)
        return replace(after, state=State.ERROR, streak=0) if failures >= ERROR_AFTER else after
    known = replace(current, empties=0, failures=0)
    if known.state in (State.NO_DATA, State.ERROR):
        # Data is back: judge it afresh, as from ok (an episode still open stays the same episode).
        base = State.RECOVERING if known.in_episode else State.OK
        known = replace(known, state=base, streak=0)
    if outcome is Outcome.BREACH:
        return _breach(known, timing)
    return _clear(known, timing)


def _breach(current: AlertState, timing: Timing) -> AlertState:
    if current.state in (State.FIRING, State.RECOVERING):
        return replace(current, state=State.FIRING, streak=0)
    streak = current.streak + 1 if current.state is State.PENDING else 1
    if streak > timing.pending_for:
        return replace(current, state=State.FIRING, streak=0, episode=current.episode + 1, in_episode=True)
    return replace(current, state=State.PENDING, streak=streak)


def _clear(current: AlertState, timing: Timing) -> AlertState:
    if current.state in (State.OK, State.PENDING):
        return replace(current, state=State.OK, streak=0)
    streak = current.streak + 1 if current.state is State.RECOVERING else 1
    if streak > timing.keep_firing_for:
        return replace(current, state=State.OK, streak=0, in_episode=False)
    return replace(current, state=State.RECOVERING, streak=streak)
