"""The bounded cache (engine.cache.LRU) under a count and a weight budget."""

from __future__ import annotations

from kpilot.engine.cache import LRU


def test_the_least_recently_used_go_first_by_count() -> None:
    kept: LRU[str] = LRU(2)
    kept.keep("a", "A")
    kept.keep("b", "B")
    assert kept.find("a") == "A"  # now b is the least recently used
    kept.keep("c", "C")
    assert (kept.find("a"), kept.find("b"), kept.find("c")) == ("A", None, "C")


def test_a_weight_budget_bounds_the_total() -> None:
    kept: LRU[bytes] = LRU(10, budget=10, weigh=len)
    kept.keep("a", b"xxxx")
    kept.keep("b", b"yyyy")
    assert kept.weight == 8
    kept.keep("c", b"zzzz")  # 12 > 10: a goes
    assert (kept.find("a"), len(kept), kept.weight) == (None, 2, 8)
    kept.keep("b", b"y")  # replaced: its old weight no longer counts
    assert kept.weight == 5
    kept.keep("huge", b"h" * 11)  # heavier than the whole budget: not kept, nothing else dropped
    assert (kept.find("huge"), len(kept), kept.weight) == (None, 2, 5)
    kept.forget("c")
    assert (kept.find("c"), kept.weight) == (None, 1)
    kept.clear()
    assert (len(kept), kept.weight) == (0, 0)
