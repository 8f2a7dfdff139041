"""OKRs through the service layer, on the small company of tests/permissions (its deals worked out by hand there):
rules refused with nothing written, who may change what, check-ins and their notes, closing a cycle, and a
KPI-measured key result equal to `compute` of its KPI, scope and period."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from kpilot import Workspace
from kpilot.auth.actor import Actor
from kpilot.engine.periods import Grain
from kpilot.okr import Direction, KeyResultKind, Level
from kpilot.okr.errors import OkrRefused
from kpilot.okr.kinds import OwnerKind
from kpilot.services import okrs
from kpilot.services.okrs import AlignTo, NewKeyResult, NewObjective
from kpilot.services.permissions import PermissionDenied
from kpilot.store import open_store
from kpilot.store.session import Store
from tests.permissions.org_support import actor, build_company

NOW = datetime(2025, 3, 20, 12, tzinfo=UTC)  # day 79 of 2025-Q1 (90 days)
OPERATOR = Actor.operator()


@pytest.fixture
def company(tmp_path: Path) -> Iterator[tuple[Workspace, Store]]:
    workspace = build_company(tmp_path / "ws")
    with open_store(workspace) as store:
        okrs.create_cycle(store, OPERATOR, workspace, name="Q1", period="2025-Q1", now=NOW)
        yield workspace, store
    workspace.close()


def number(title: str, target: str, weight: str = "1") -> NewKeyResult:
    return NewKeyResult(
        title, KeyResultKind.NUMBER, direction=Direction.INCREASE, baseline=Decimal(0), target=Decimal(target),
        weight=Decimal(weight),
    )  # fmt: skip


def objective(
    title: str, owner: str, *krs: NewKeyResult, kind: OwnerKind = OwnerKind.TEAM, **more: object
) -> NewObjective:
    level = Level.TEAM if kind is OwnerKind.TEAM else Level.PERSON
    return NewObjective(title, level, kind, owner, key_results=krs, **more)  # type: ignore[arg-type]


def counts(store: Store) -> tuple[int, int, int, int]:
    with store.reading() as session:
        content = okrs.Okrs(session).content(okrs.Okrs(session).cycles()[0].id)
    return len(content.objectives), len(content.key_results), len(content.alignments), len(content.check_ins)


def test_a_kpi_key_result_is_what_compute_gives(company: tuple[Workspace, Store]) -> None:
    """EMEA's revenue in 2025-Q1 up to 2025-03-20: rows 1-4 and 8, 10 + 20 + 40 + 5 + 1000 = 1075; towards a
    target of 2000 from 0, progress 1075/2000 = 43/80."""
    workspace, store = company
    kr = NewKeyResult(
        "EMEA revenue", KeyResultKind.KPI, kpi="company_revenue", direction=Direction.INCREASE,
        baseline=Decimal(0), target=Decimal(2000),
    )  # fmt: skip
    okrs.add_objective(store, OPERATOR, workspace, "Q1", objective("Grow EMEA", "EMEA", kr), now=NOW)
    scored = okrs.read_cycle(store, OPERATOR, workspace, "Q1", today=NOW.date())
    (score,) = scored.objectives[0].key_results
    assert score.key_result.scope == {"team": "EMEA"}  # the owning team's slice of the data
    computed = workspace.compute(
        ["company_revenue"], grain=Grain.QUARTER, start=date(2025, 1, 1), end=date(2025, 3, 20),
        scope={"team": "EMEA"}, today=NOW.date(),
    ).to_pylist()  # fmt: skip
    assert score.value == Decimal(1075) == Decimal(str(computed[0]["company_revenue"]))
    assert score.raw == Fraction(43, 80)
    assert score.partial
    assert scored.objectives[0].rolled.progress == Fraction(43, 80)


def test_weights_roll_up_by_size(company: tuple[Workspace, Store]) -> None:
    workspace, store = company
    made = okrs.add_objective(
        store, OPERATOR, workspace, "Q1",
        objective("Sales", "Sales", number("big", "100", "100000"), number("mid", "100", "20000"),
                  number("small", "100", "1000")),
        now=NOW,
    )  # fmt: skip
    scored = okrs.read_cycle(store, OPERATOR, workspace, "Q1", today=NOW.date())
    big, mid, small = (kr.key_result.id for kr in scored.objectives[0].key_results)
    for kr, value in ((big, 100), (mid, 50)):
        okrs.check_in(store, OPERATOR, workspace, kr, confidence=8, value=Decimal(value), note="ok", now=NOW)
    after = okrs.read_cycle(store, OPERATOR, workspace, "Q1", today=NOW.date()).objectives[0]
    assert after.objective.id == made.id
    assert after.rolled.progress == Fraction(110, 121)  # (100000*1 + 20000*0.5 + 1000*0) / 121000
    assert after.rolled.missing == (f"kr:{small}",)


def test_a_sixth_key_result_is_refused_and_nothing_written(company: tuple[Workspace, Store]) -> None:
    workspace, store = company
    six = [number(f"kr {i}", "10") for i in range(6)]
    with pytest.raises(OkrRefused) as refused:
        okrs.add_objective(store, OPERATOR, workspace, "Q1", objective("Too much", "EMEA", *six), now=NOW)
    assert refused.value.code == "okr.too_many_key_results"
    assert counts(store) == (0, 0, 0, 0)
    five = okrs.add_objective(store, OPERATOR, workspace, "Q1", objective("Enough", "EMEA", *six[:5]), now=NOW)
    with pytest.raises(OkrRefused) as again:
        okrs.add_key_result(store, OPERATOR, workspace, five.id, six[5], now=NOW)
    assert again.value.code == "okr.too_many_key_results"
    assert "at most 5" in str(again.value.describe())
    assert counts(store) == (1, 5, 0, 0)


def test_a_cycle_in_the_past_is_refused(company: tuple[Workspace, Store]) -> None:
    workspace, store = company
    with pytest.raises(OkrRefused) as refused:
        okrs.create_cycle(store, OPERATOR, workspace, name="Q4 2024", period="2024-Q4", now=NOW)
    assert (refused.value.code, refused.value.field) == ("okr.cycle_in_past", "period")
    with pytest.raises(OkrRefused) as custom:
        okrs.create_cycle(
            store, OPERATOR, workspace, name="sprint", starts_on=date(2025, 3, 1), ends_on=date(2025, 3, 19), now=NOW
        )
    assert custom.value.code == "okr.cycle_in_past"
    assert [cycle.name for cycle in okrs.cycles(store, OPERATOR, workspace)] == ["Q1"]


def test_a_negative_weight_is_refused(company: tuple[Workspace, Store]) -> None:
    workspace, store = company
    with pytest.raises(OkrRefused) as refused:
        okrs.add_objective(store, OPERATOR, workspace, "Q1", objective("W", "EMEA", number("a", "10", "-1")), now=NOW)
    assert (refused.value.code, refused.value.field) == ("okr.weight_negative", "key_results[0].weight")
    parent = okrs.add_objective(store, OPERATOR, workspace, "Q1", objective("Parent", "Sales"), now=NOW)
    with pytest.raises(OkrRefused):
        okrs.add_objective(
            store, OPERATOR, workspace, "Q1",
            objective("Child", "EMEA", aligned_to=(AlignTo(objective=parent.id, weight=Decimal(-2)),)), now=NOW,
        )  # fmt: skip
    assert counts(store) == (1, 0, 0, 0)


def test_alignment_that_makes_a_cycle_is_refused(company: tuple[Workspace, Store]) -> None:
    workspace, store = company
    top = okrs.add_objective(store, OPERATOR, workspace, "Q1", objective("Top", "Sales"), now=NOW)
    below = AlignTo(objective=top.id)
    middle = okrs.add_objective(
        store, OPERATOR, workspace, "Q1", objective("Mid", "EMEA", aligned_to=(below,)), now=NOW
    )
    with pytest.raises(OkrRefused) as refused:
        okrs.align(store, OPERATOR, workspace, top.id, AlignTo(objective=middle.id), now=NOW)
    assert refused.value.code == "okr.alignment_cycle"
    assert "Top → Mid → Top" in str(refused.value)
    assert counts(store) == (2, 0, 1, 0)


def test_who_may_check_in(company: tuple[Workspace, Store]) -> None:
    """Anna (member) checks in on her own key result; Dino (member) may not; Mara manages Anna and may."""
    workspace, store = company
    mine = objective("Anna's", "anna@acme.example", number("calls", "100"), kind=OwnerKind.PERSON)
    anna = actor(workspace, "anna")
    made = okrs.add_objective(store, anna, workspace, "Q1", mine, now=NOW)
    kr = okrs.read_cycle(store, anna, workspace, "Q1", today=NOW.date()).objectives[0].key_results[0]
    okrs.check_in(store, anna, workspace, kr.key_result.id, confidence=7, value=Decimal(80), now=NOW)
    with pytest.raises(PermissionDenied) as refused:
        okrs.check_in(store, actor(workspace, "dino"), workspace, kr.key_result.id, confidence=7, now=NOW)
    assert refused.value.code == "okr.not_yours"
    okrs.check_in(
        store, actor(workspace, "mara"), workspace, kr.key_result.id, confidence=8, value=Decimal(85), now=NOW
    )
    with pytest.raises(PermissionDenied):
        okrs.add_objective(
            store, actor(workspace, "dino"), workspace, "Q1",
            objective("Not Dino's", "anna@acme.example", kind=OwnerKind.PERSON), now=NOW,
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        okrs.create_cycle(store, actor(workspace, "mara"), workspace, name="Q2", period="2025-Q2", now=NOW)
    assert made.owner_person_id is not None
    assert counts(store) == (1, 1, 0, 2)


def test_a_check_in_asks_for_a_note_when_confidence_is_low_or_behind_pace(company: tuple[Workspace, Store]) -> None:
    """On 2025-03-20, 79 of Q1's 90 days are gone: the expected progress is 79/90. A value of 60 of 100 is
    0.6, 0.278 behind: a note is needed even at confidence 8; at 80 (0.08 behind) only a low confidence needs one."""
    workspace, store = company
    okrs.add_objective(store, OPERATOR, workspace, "Q1", objective("N", "EMEA", number("n", "100")), now=NOW)
    kr = okrs.read_cycle(store, OPERATOR, workspace, "Q1", today=NOW.date()).objectives[0].key_results[0]
    kr_id = kr.key_result.id
    with pytest.raises(OkrRefused) as behind:
        okrs.check_in(store, OPERATOR, workspace, kr_id, confidence=8, value=Decimal(60), now=NOW)
    assert (behind.value.code, behind.value.field) == ("okr.note_needed", "note")
    assert "more than 15 points behind the pace" in str(behind.value)
    okrs.check_in(store, OPERATOR, workspace, kr_id, confidence=8, value=Decimal(80), now=NOW)
    with pytest.raises(OkrRefused) as low:
        okrs.check_in(store, OPERATOR, workspace, kr_id, confidence=3, value=Decimal(80), now=NOW)
    assert "confidence under 4" in str(low.value)
    okrs.check_in(
        store, OPERATOR, workspace, kr_id, confidence=3, value=Decimal(80), note="a big deal slipped", now=NOW
    )
    with pytest.raises(OkrRefused) as range_:
        okrs.check_in(store, OPERATOR, workspace, kr_id, confidence=11, note="x", now=NOW)
    assert range_.value.code == "okr.confidence_range"
    assert counts(store)[3] == 2


def test_closing_keeps_final_values_and_records_corrections(company: tuple[Workspace, Store]) -> None:
    workspace, store = company
    okrs.add_objective(store, OPERATOR, workspace, "Q1", objective("C", "EMEA", number("n", "100")), now=NOW)
    kr_id = (
        okrs.read_cycle(store, OPERATOR, workspace, "Q1", today=NOW.date()).objectives[0].key_results[0].key_result.id
    )
    okrs.check_in(store, OPERATOR, workspace, kr_id, confidence=9, value=Decimal(90), now=NOW)
    closed = okrs.close_cycle(store, OPERATOR, workspace, "Q1", now=NOW)
    (kr,) = closed.objectives[0].key_results
    assert (kr.value, kr.raw, kr.final) == (Decimal(90), Fraction(9, 10), True)
    with pytest.raises(OkrRefused) as again:
        okrs.close_cycle(store, OPERATOR, workspace, "Q1", now=NOW)
    assert again.value.code == "okr.cycle_closed_already"
    okrs.check_in(store, OPERATOR, workspace, kr_id, confidence=10, value=Decimal(95), note="late invoice", now=NOW)
    corrected = okrs.read_cycle(store, OPERATOR, workspace, "Q1").objectives[0].key_results[0]
    assert (corrected.value, corrected.raw) == (Decimal(95), Fraction(19, 20))
    assert [c.correction for c in corrected.check_ins] == [False, True]
    with pytest.raises(OkrRefused) as late:
        okrs.add_objective(store, OPERATOR, workspace, "Q1", objective("Late", "EMEA"), now=NOW)
    assert late.value.code == "okr.cycle_closed"


def test_the_matrix_learns_which_objectives_move_which_kpis(company: tuple[Workspace, Store]) -> None:
    from kpilot.services.okr_links import moving_kpis

    workspace, store = company
    kr = NewKeyResult(
        "EMEA revenue", KeyResultKind.KPI, kpi="company_revenue", direction=Direction.INCREASE,
        baseline=Decimal(0), target=Decimal(2000),
    )  # fmt: skip
    okrs.add_objective(store, OPERATOR, workspace, "Q1", objective("Grow EMEA", "EMEA", kr, number("n", "5")), now=NOW)
    found = moving_kpis(workspace, OPERATOR, today=NOW.date())
    assert list(found) == ["company_revenue"]
    (moving,) = found["company_revenue"]
    assert (moving.objective, moving.owner, moving.key_result, moving.grade) == (
        "Grow EMEA", "EMEA", "EMEA revenue", Fraction(43, 80)
    )  # fmt: skip


def test_a_scope_the_kpi_cannot_have_is_refused(company: tuple[Workspace, Store]) -> None:
    workspace, store = company
    kr = NewKeyResult(
        "Nowhere", KeyResultKind.KPI, kpi="company_revenue", scope={"planet": "Mars"}, direction=Direction.INCREASE,
        baseline=Decimal(0), target=Decimal(10),
    )  # fmt: skip
    with pytest.raises(OkrRefused) as refused:
        okrs.add_objective(store, OPERATOR, workspace, "Q1", objective("Mars", "EMEA", kr), now=NOW)
    assert refused.value.field == "key_results[0].scope"
    assert "planet" in str(refused.value)
    assert counts(store) == (0, 0, 0, 0)
