"""The change of a KPI split member by member (kpilot.analysis.change, docs/analysis.md#change-explained). Every
expected number is worked out by hand in the test's docstring; a property test checks that the parts always add up
to the total change."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpilot.analysis.change import NoChange, Presence, additive_change, ratio_change


def parts(explained: object) -> dict[str | None, tuple[float, float, float]]:
    return {p.member: (round(p.rate, 10), round(p.mix, 10), round(p.unshared, 10)) for p in explained.contributions}  # type: ignore[attr-defined]


def test_an_additive_kpi_is_each_members_own_change() -> None:
    """Paid 100 -> 80 (-20), display 50 -> 60 (+10), social new with 10 (+10): 150 -> 150, no change in total."""
    explained = additive_change({"paid": 100.0, "display": 50.0}, {"paid": 80.0, "display": 60.0, "social": 10.0})
    assert (explained.before, explained.after, explained.change) == (150.0, 150.0, 0.0)
    assert [p.member for p in explained.contributions] == ["paid", "display", "social"]  # largest first, then by name
    assert [p.total for p in explained.contributions] == [-20.0, 10.0, 10.0]
    assert explained.contributions[2].presence is Presence.NEW
    gone = additive_change({"a": 5.0}, {})
    assert (gone.contributions[0].total, gone.contributions[0].presence) == (-5.0, Presence.GONE)


def test_a_pure_mix_change() -> None:
    """A converts at 10 %, B at 2 %, in both periods. Before 500 and 500 visits (50 + 10 = 60 of 1000: 6 %); after
    200 and 800 (20 + 16 = 36 of 1000: 3.6 %): -2.4 points. The mean rate is (6 + 3.6) / 2 = 4.8 %. A's share fell
    by 0.3 and A is 5.2 points above the mean: -0.3 * 0.052 = -0.0156; B's rose by 0.3 and B is 2.8 points below:
    0.3 * -0.028 = -0.0084. No rate effect."""
    explained = ratio_change({"A": (50, 500), "B": (10, 500)}, {"A": (20, 200), "B": (16, 800)})
    assert explained.before == pytest.approx(0.06)
    assert explained.after == pytest.approx(0.036)
    assert parts(explained) == {"A": (0.0, -0.0156, 0.0), "B": (0.0, -0.0084, 0.0)}
    assert explained.mix == pytest.approx(-0.024)
    assert explained.rate == pytest.approx(0.0)


def test_a_pure_rate_change() -> None:
    """Shares stay 0.5 and 0.5; A's rate falls from 10 % to 8 %: 6 % -> 5 %. A's rate part: -0.02 * (0.5 + 0.5) / 2
    = -0.01, all of the change; no mix."""
    explained = ratio_change({"A": (50, 500), "B": (10, 500)}, {"A": (40, 500), "B": (10, 500)})
    assert explained.change == pytest.approx(-0.01)
    assert parts(explained) == {"A": (-0.01, 0.0, 0.0), "B": (0.0, 0.0, 0.0)}


def test_mix_and_rate_together() -> None:
    """Before A 50/500 (10 %), B 10/500 (2 %): 6 %. After A 16/200 (8 %), B 24/800 (3 %): 40/1000 = 4 %; -2 points,
    mean 5 %. Rates: A (0.08 - 0.10) * (0.5 + 0.2) / 2 = -0.007, B (0.03 - 0.02) * (0.5 + 0.8) / 2 = 0.0065. Mix:
    A (0.2 - 0.5) * (0.09 - 0.05) = -0.012, B (0.8 - 0.5) * (0.025 - 0.05) = -0.0075. Sum -0.02."""
    explained = ratio_change({"A": (50, 500), "B": (10, 500)}, {"A": (16, 200), "B": (24, 800)})
    assert parts(explained) == {"A": (-0.007, -0.012, 0.0), "B": (0.0065, -0.0075, 0.0)}
    assert [p.member for p in explained.contributions] == ["A", "B"]  # -0.019 before -0.001
    assert sum(p.total for p in explained.contributions) == pytest.approx(explained.change)


def test_a_member_that_appears_and_one_that_disappears() -> None:
    """Before only A, 50/500 (10 %); after A the same and C new with 5/500 (1 %): 55/1000 = 5.5 %, -4.5 points,
    mean 7.75 %. A's share 1 -> 0.5 at 10 %: -0.5 * (0.1 - 0.0775) = -0.01125; C's 0 -> 0.5 at 1 % (its only rate):
    0.5 * (0.01 - 0.0775) = -0.03375. Backwards, C is gone and every part changes sign."""
    explained = ratio_change({"A": (50, 500)}, {"A": (50, 500), "C": (5, 500)})
    assert parts(explained) == {"C": (0.0, -0.03375, 0.0), "A": (0.0, -0.01125, 0.0)}
    assert {p.member: p.presence for p in explained.contributions} == {"A": Presence.BOTH, "C": Presence.NEW}
    back = ratio_change({"A": (50, 500), "C": (5, 500)}, {"A": (50, 500)})
    assert parts(back) == {"C": (0.0, 0.03375, 0.0), "A": (0.0, 0.01125, 0.0)}
    assert {p.member: p.presence for p in back.contributions}["C"] is Presence.GONE


def test_zero_denominators() -> None:
    """A whole period without a denominator: the ratio is empty there and nothing is split. A member with a
    numerator but no denominator (B: 10 on 0) is outside the shares: after, 60/500 = 12 % against 10 %, and B's
    10 / 500 = 0.02 is its unshared part, all of the change."""
    empty = ratio_change({"A": (0, 0)}, {"A": (5, 50)})
    assert (empty.before, empty.after, empty.contributions, empty.reason) == (
        None,
        0.1,
        (),
        NoChange.NO_DENOMINATOR_BEFORE,
    )
    assert ratio_change({"A": (5, 50)}, {}).reason is NoChange.NO_DENOMINATOR_AFTER
    unshared = ratio_change({"A": (50, 500), "B": (0, 0)}, {"A": (50, 500), "B": (10, 0)})
    assert unshared.change == pytest.approx(0.02)
    assert parts(unshared) == {"B": (0.0, 0.0, 0.02), "A": (0.0, 0.0, 0.0)}


# Amounts as the engine gives them: counts, and sums of money in cents (a denominator of 1e-45 would make a member's
# rate and mix parts 1e44 each, which no float can hold apart; the exact parts would still add up).
amounts = st.one_of(st.integers(0, 10**6).map(float), st.integers(0, 10**8).map(lambda cents: cents / 100))
members = st.dictionaries(
    st.sampled_from(["a", "b", "c", "d", None]), st.tuples(amounts, st.one_of(st.just(0.0), amounts)), max_size=5
)


@given(members, members)
def test_the_parts_always_add_up_to_the_change(before: dict, after: dict) -> None:  # type: ignore[type-arg]
    explained = ratio_change(before, after)
    if explained.change is None:
        assert explained.contributions == ()
        return
    total = math.fsum(p.total for p in explained.contributions)
    # Each part is rounded once to a float: the sum may differ from the change by a few of the largest part's ulps.
    sizes = [abs(explained.change), *(abs(x) for p in explained.contributions for x in (p.rate, p.mix, p.unshared))]
    assert total == pytest.approx(explained.change, rel=1e-12, abs=1e-12 * max(sizes))
    additive = additive_change({m: n for m, (n, _) in before.items()}, {m: n for m, (n, _) in after.items()})
    assert math.fsum(p.total for p in additive.contributions) == pytest.approx(additive.change, rel=1e-9, abs=1e-6)
