"""The ledger's rules (kpilot.incentives.ledger): what a run posts, and what is owed, paid and payable. Every
expected line and total is worked out by hand in the comments."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kpilot.i18n import Language, Message, render
from kpilot.incentives.ledger import LedgerLine, LineKey, LineKind, lines_to_post, owed, paid, payable

ANA = "ana@example.com"
REVENUE = LineKey("sales-2026", ANA, "2026-10", "revenue")
LOGOS = LineKey("sales-2026", ANA, "2026-10", "new_logos")
TOTAL = LineKey("sales-2026", ANA, "2026-10", "")  # a payment is for the plan's total
D = Decimal


def earned(key: LineKey, amount: str) -> LedgerLine:
    return LedgerLine(key, LineKind.EARNED, D(amount), posted_in=key.period)


def test_a_first_run_posts_what_was_earned_in_key_order() -> None:
    posted = lines_to_post((), {REVENUE: D("1200.00"), LOGOS: D("300.00")}, locked=(), open_period="2026-10")
    # "new_logos" sorts before "revenue": the same plan, person and period, so the component decides.
    assert posted == (earned(LOGOS, "300.00"), earned(REVENUE, "1200.00"))


def test_running_again_posts_nothing() -> None:
    computed = {REVENUE: D("1200.00"), LOGOS: D("300.00")}
    first = lines_to_post((), computed, locked=(), open_period="2026-10")
    assert lines_to_post(first, computed, locked=(), open_period="2026-10") == ()


def test_an_open_period_run_with_a_new_value_posts_the_difference() -> None:
    existing = (earned(REVENUE, "1200.00"),)
    # 1350.50 - 1200.00 = 150.50, booked in the key's own open period.
    assert lines_to_post(existing, {REVENUE: D("1350.50")}, (), "2026-10") == (earned(REVENUE, "150.50"),)
    # 1000.00 - 1200.00 = -200.00: a draft may go down as well.
    assert lines_to_post(existing, {REVENUE: D("1000.00")}, (), "2026-10") == (earned(REVENUE, "-200.00"),)


def test_a_locked_period_that_changed_gets_one_adjustment_in_the_open_period() -> None:
    existing = (earned(REVENUE, "1000.00"), earned(REVENUE, "200.00"), earned(LOGOS, "300.00"))
    kept = tuple(existing)
    posted = lines_to_post(existing, {REVENUE: D("1250.00"), LOGOS: D("300.00")}, {"2026-10"}, "2026-11")
    # Booked for revenue: 1000 + 200 = 1200; now 1250: one adjustment of +50 in November; new_logos unchanged.
    assert posted == (
        LedgerLine(
            REVENUE,
            LineKind.ADJUSTMENT,
            D("50.00"),
            posted_in="2026-11",
            reason=Message("incentives.ledger.data_changed", period="2026-10", before=D("1200.00"), after=D("1250.00")),
            before=D("1200.00"),
            after=D("1250.00"),
        ),
    )
    assert existing == kept
    # With the adjustment in the ledger, the same run posts nothing; a later change adjusts from 1250.
    assert lines_to_post(existing + posted, {REVENUE: D("1250.00")}, {"2026-10"}, "2026-11") == ()
    (again,) = lines_to_post(existing + posted, {REVENUE: D("1240.00")}, {"2026-10", "2026-11"}, "2026-12")
    assert (again.kind, again.amount, again.posted_in, again.before, again.after) == (
        LineKind.ADJUSTMENT,
        D("-10.00"),
        "2026-12",
        D("1250.00"),
        D("1240.00"),
    )


def test_payments_do_not_count_as_earned_and_payable_is_owed_less_paid() -> None:
    lines = (
        earned(REVENUE, "1200.00"),
        earned(LOGOS, "300.00"),
        LedgerLine(REVENUE, LineKind.ADJUSTMENT, D("50.00"), "2026-11", before=D("1200.00"), after=D("1250.00")),
        LedgerLine(TOTAL, LineKind.PAID, D("1000.00"), posted_in="2026-11"),
    )
    # owed: 1200 + 300 + 50 = 1550; paid 1000; payable 550.
    assert (owed(lines), paid(lines), payable(lines)) == (D("1550.00"), D("1000.00"), D("550.00"))
    assert payable(lines, plan="sales-2026", person=ANA, period="2026-10") == D("550.00")
    assert owed(lines, component="revenue") == D("1250.00")  # 1200 + 50
    assert payable(lines, person="bob@example.com") == 0
    # A payment does not make the run post anything: earned stays 1250 and 300.
    assert lines_to_post(lines, {REVENUE: D("1250.00"), LOGOS: D("300.00")}, {"2026-10"}, "2026-11") == ()


def test_a_key_left_out_of_the_run_is_left_alone_and_zero_reverses_it() -> None:
    existing = (earned(REVENUE, "1200.00"),)
    assert lines_to_post(existing, {}, (), "2026-10") == ()
    assert lines_to_post(existing, {REVENUE: D(0)}, (), "2026-10") == (earned(REVENUE, "-1200.00"),)


def test_a_locked_open_period_is_refused() -> None:
    with pytest.raises(ValueError, match="locked"):
        lines_to_post((), {REVENUE: D("1.00")}, {"2026-10", "2026-11"}, "2026-11")


def test_an_amount_that_is_not_a_number_is_refused() -> None:
    with pytest.raises(ValueError, match="not a number"):
        lines_to_post((), {REVENUE: D("NaN")}, (), "2026-10")


def test_lines_come_out_by_key_then_kind() -> None:
    # An EARNED line for an open period and an ADJUSTMENT for a locked one, computed in reverse key order.
    september = LineKey("sales-2026", ANA, "2026-09", "revenue")
    posted = lines_to_post((), {REVENUE: D("5.00"), september: D("7.00")}, {"2026-09"}, "2026-10")
    assert [(line.key.period, line.kind) for line in posted] == [
        ("2026-09", LineKind.ADJUSTMENT),
        ("2026-10", LineKind.EARNED),
    ]


@pytest.mark.parametrize("language", list(Language))
def test_the_adjustment_reason_renders(language: Language) -> None:
    reason = Message("incentives.ledger.data_changed", period="2026-10", before=D("1200.00"), after=D("1250.00"))
    assert "2026-10" in render(reason, language)


def test_a_first_zero_is_recorded_once_and_only_in_an_open_period() -> None:
    # A key computed at 0 for the first time gets its EARNED line of 0 (its statement explains why); again: nothing.
    first = lines_to_post((), {REVENUE: D("0.00")}, (), "2026-10")
    assert first == (earned(REVENUE, "0.00"),)
    assert lines_to_post(first, {REVENUE: D("0.00")}, (), "2026-10") == ()
    # In a locked period a first 0 changes nothing that was shown: no adjustment of 0.
    assert lines_to_post((), {REVENUE: D("0.00")}, {"2026-10"}, "2026-11") == ()
