"""The alert state machine on scripted series of evaluations: B breach, C clear, E empty, F failed. Each expected
line is the state after each evaluation and the notices sent, worked out from the rules in alerts/states.py."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpilot.alerts.states import AlertState, NoticeKind, Outcome, State, Timing, step

CODES = {"B": Outcome.BREACH, "C": Outcome.CLEAR, "E": Outcome.EMPTY, "F": Outcome.FAILED}
SHORT = {
    State.OK: "ok",
    State.PENDING: "pend",
    State.FIRING: "fire",
    State.RECOVERING: "recov",
    State.NO_DATA: "nodata",
    State.ERROR: "error",
}


def play(series: str, timing: Timing | None = None) -> tuple[list[str], list[tuple[int, str, int]]]:
    """The states after each evaluation, and (evaluation number, notice kind, episode) of each notice sent."""
    current = AlertState()
    states, notices = [], []
    for number, code in enumerate(series.replace(" ", ""), start=1):
        current, notice = step(current, CODES[code], timing or Timing())
        states.append(SHORT[current.state])
        if notice is not None:
            notices.append((number, notice.kind.value, notice.episode))
    return states, notices


def test_without_pending_a_breach_fires_at_once_and_a_clear_resolves() -> None:
    states, notices = play("C B B C C")
    assert states == ["ok", "fire", "fire", "ok", "ok"]
    assert notices == [(2, "firing", 1), (4, "resolved", 1)]


def test_pending_for_two_evaluations() -> None:
    # pending for 2 evaluations, firing at the 3rd breach in a row; a clear while pending is back to ok, quietly
    states, notices = play("B B C B B B B", Timing(pending_for=2))
    assert states == ["pend", "pend", "ok", "pend", "pend", "fire", "fire"]
    assert notices == [(6, "firing", 1)]


def test_keep_firing_for_two_evaluations() -> None:
    # recovering for 2 clears, ok at the 3rd; a breach while recovering is firing again in the same episode
    states, notices = play("B C C B C C C", Timing(keep_firing_for=2))
    assert states == ["fire", "recov", "recov", "fire", "recov", "recov", "ok"]
    assert notices == [(1, "firing", 1), (7, "resolved", 1)]


def test_no_data_only_after_three_empty_evaluations_in_a_row() -> None:
    states, notices = play("C E E C E E E E C")
    assert states == ["ok", "ok", "ok", "ok", "ok", "ok", "nodata", "nodata", "ok"]
    assert notices == [(7, "no_data", 0), (9, "resolved", 0)]


def test_no_data_during_an_episode_keeps_the_episode() -> None:
    # firing, then the data stops; when it is back and breaching, it is the same episode (key: announced once)
    states, notices = play("B E E E B C")
    assert states == ["fire", "fire", "fire", "nodata", "fire", "ok"]
    assert notices == [(1, "firing", 1), (4, "no_data", 1), (5, "firing", 1), (6, "resolved", 1)]


def test_errors_after_three_failures_in_a_row() -> None:
    states, notices = play("F F C F F F C")
    assert states == ["ok", "ok", "ok", "ok", "ok", "error", "ok"]
    assert notices == [(6, "error", 0), (7, "resolved", 0)]


def test_flapping_sends_one_message_then_waits_for_stability() -> None:
    # B C B C: changes after evaluations 2, 3, 4 (ok at 0 is not in the window): the 4th change, at evaluation 5,
    # makes it flapping. 20 evaluations later the window holds fewer than 4 changes and the settled state is told.
    series = "B C B C B" + " B" * 19
    states, notices = play(series)
    assert notices[:4] == [(1, "firing", 1), (2, "resolved", 1), (3, "firing", 2), (4, "resolved", 2)]
    assert notices[4] == (5, "flapping", 3)
    assert len(notices) == 5  # nothing while it flaps, and it settled firing, which the flapping notice told
    assert states[-1] == "fire"


def test_after_flapping_the_settled_state_is_told_when_it_differs() -> None:
    # flapping while firing (announced firing), then it settles ok: once stable, one "resolved"
    series = "B C B C B" + " C" * 20
    _, notices = play(series)
    assert notices[4] == (5, "flapping", 3)
    assert notices[5:] == [(22, "resolved", 3)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list(Outcome)), max_size=80), st.integers(0, 3), st.integers(0, 3))
def test_an_episode_is_announced_firing_at_most_once_per_state_run(
    outcomes: list[Outcome], pending_for: int, keep_firing_for: int
) -> None:
    """Never two notices in a row of the same kind and episode (delivery keys them, but the machine does not
    repeat itself either); episodes only grow; no notice while flapping after its first."""
    current = AlertState()
    last: tuple[NoticeKind, int] | None = None
    for outcome in outcomes:
        before = current
        current, notice = step(current, outcome, Timing(pending_for, keep_firing_for))
        assert current.episode >= before.episode
        if notice is None:
            continue
        assert (notice.kind, notice.episode) != last
        assert not (before.flapping and current.flapping)
        last = (notice.kind, notice.episode)


def test_timing_counts_evaluations() -> None:
    with pytest.raises(ValueError, match="count evaluations"):
        Timing(pending_for=-1)
