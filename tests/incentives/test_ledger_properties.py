"""Properties of the ledger's rules over any sequence of runs: random amounts, random keys left out, payments, and
periods locked one after another at random (kpilot.incentives.ledger)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from kpilot.incentives.ledger import LedgerLine, LineKey, LineKind, lines_to_post

PERIODS = ("2026-01", "2026-02", "2026-03", "2026-04")  # the last one is never locked, so a run can book somewhere
KEYS = st.builds(
    LineKey,
    plan=st.sampled_from(["sales", "support"]),
    person=st.sampled_from(["ana@example.com", "bob@example.com"]),
    period=st.sampled_from(PERIODS),
    component=st.sampled_from(["revenue", ""]),
)
CENTS = st.integers(-(10**7), 10**7).map(lambda cents: Decimal(cents).scaleb(-2))
RUN = st.tuples(
    st.dictionaries(KEYS, CENTS, max_size=6),  # what the run computed
    st.sets(st.sampled_from(PERIODS[:-1]), max_size=1),  # periods locked before the run
    st.lists(st.tuples(KEYS, CENTS), max_size=2),  # payments made before the run
    st.integers(0, len(PERIODS) - 1),  # which unlocked period is the open one
)


def _owed_by_hand(lines: list[LedgerLine], key: LineKey) -> Decimal:
    return sum((line.amount for line in lines if line.key == key and line.kind != LineKind.PAID), Decimal(0))


@settings(max_examples=200, deadline=None)
@given(st.lists(RUN, min_size=1, max_size=8))
def test_the_ledger_always_adds_up_to_the_last_computed_amount(
    runs: list[tuple[dict[LineKey, Decimal], set[str], list[tuple[LineKey, Decimal]], int]],
) -> None:
    ledger: list[LedgerLine] = []
    locked: set[str] = set()
    last: dict[LineKey, Decimal] = {}
    for computed, newly_locked, payments, open_index in runs:
        locked |= newly_locked
        unlocked = [period for period in PERIODS if period not in locked]
        open_period = unlocked[open_index % len(unlocked)]
        frozen = {period: [line for line in ledger if line.posted_in == period] for period in locked}
        ledger += [LedgerLine(key, LineKind.PAID, amount, open_period) for key, amount in payments]
        before = list(ledger)
        held = {line.key for line in ledger if line.kind is not LineKind.PAID}
        posted = lines_to_post(ledger, computed, locked, open_period)
        assert ledger == before  # existing lines are never changed
        assert all(line.posted_in not in locked for line in posted)
        assert all(line.kind in (LineKind.EARNED, LineKind.ADJUSTMENT) for line in posted)
        # A zero line only records a key's first computation in an open period (so that its statement explains it).
        assert all(line.amount != 0 or (line.kind is LineKind.EARNED and line.key not in held) for line in posted)
        assert len({line.key for line in posted}) == len(posted)  # at most one line per key and run
        ledger += posted
        last.update(computed)
        for key, amount in last.items():
            assert _owed_by_hand(ledger, key) == amount
        # Nothing new in a locked period: its lines are the ones it had when this run started.
        assert all([line for line in ledger if line.posted_in == period] == lines for period, lines in frozen.items())
        # Running the same computation again is idempotent.
        assert lines_to_post(ledger, computed, locked, open_period) == ()


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(KEYS, CENTS, max_size=8), st.sets(st.sampled_from(PERIODS[:-1])))
def test_posted_lines_are_ordered_by_key_then_kind(computed: dict[LineKey, Decimal], locked: set[str]) -> None:
    posted = lines_to_post((), computed, locked, PERIODS[-1])
    keys = [(line.key.plan, line.key.person, line.key.period, line.key.component) for line in posted]
    assert keys == sorted(keys)
    # Everything with an amount; a first 0 in an open period too (it records why nothing was earned).
    assert {line.key for line in posted} == {
        key for key, amount in computed.items() if amount != 0 or key.period not in locked
    }
