"""The bonus tables through `BonusStore`, on SQLite and PostgreSQL: the run workflow (legal and illegal moves, one
and two approvers), the ledger (exact amounts, locks, all-or-nothing batches, append-only), disputes and
compensation. Amounts are also read with plain SQL, independently of the repository.

The story: plan `sales-2026`, monthly. Anna (anna@acme.example) and Bruno are sales reps; Carla and Dario approve.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text

from kpilot import Workspace
from kpilot.errors import InternalError
from kpilot.store import People, PersonFields, StoreConflict, StoreError, open_store
from kpilot.store.bonus import BonusStore, DisputeStatus, LineKind, NewLine, Run, RunStatus
from kpilot.store.session import Store
from tests.store.store_support import query

PLAN = "sales-2026"
SHA = "sha256:" + "ab" * 32
D = date.fromisoformat
LEGAL = {("draft", "review"), ("review", "approved"), ("review", "draft"), ("approved", "paid")}
# How to reach each status from a new run by legal moves (with one approval where one is needed).
PATH = {
    "draft": (),
    "review": ("review",),
    "approved": ("review", "approve", "approved"),
    "paid": ("review", "approve", "approved", "paid"),
}


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 2, hour, minute, tzinfo=UTC)


@pytest.fixture
def opened(root: Path, store: str) -> Iterator[Store]:
    """The store, emptied of bonus tables (on PostgreSQL the module shares one database), with Anna and Bruno."""
    if "://" in store:
        with psycopg.connect(store, autocommit=True) as con:
            con.execute("TRUNCATE bonus_runs, bonus_locks RESTART IDENTITY CASCADE")
    opened = open_store(Workspace(root))
    with opened.writing() as session:
        people = People(session)
        people.add(PersonFields("Anna", "anna@acme.example", "it", "Europe/Rome"))
        people.add(PersonFields("Bruno", "bruno@acme.example", "en", "UTC"))
    yield opened
    opened.close()


def _ids(store: Store) -> tuple[int, int]:
    with store.reading() as session:
        people = People(session)
        anna, bruno = people.by_email("anna@acme.example"), people.by_email("bruno@acme.example")
        assert anna is not None
        assert bruno is not None
        return anna.id, bruno.id


def _start(store: Store, period: str = "2026-10", approvals: int = 1) -> Run:
    with store.writing() as session:
        return BonusStore(session).start_run(
            plan=PLAN, period=period, started_by="operator", definitions_sha=SHA, approvals_needed=approvals, at=at(9)
        )


def _reach(store: Store, run_id: int, status: str) -> None:
    with store.writing() as session:
        bonus = BonusStore(session)
        for step in PATH[status]:
            if step == "approve":
                bonus.approve(run_id, "carla@acme.example", at=at(10))
            else:
                bonus.set_status(run_id, RunStatus(step), by="dario@acme.example", at=at(11))


def _earned(person: int, amount: str, period: str = "2026-10", **more: object) -> NewLine:
    fields: dict[str, object] = {
        "person_id": person,
        "period": period,
        "posted_in": period,
        "component": "revenue",
        "kind": LineKind.EARNED,
        "amount": Decimal(amount),
        "currency": "EUR",
    }
    fields.update(more)
    return NewLine(**fields)  # type: ignore[arg-type]


def _line_count(root: Path, store: str) -> int:
    return int(query(root, store, "SELECT COUNT(*) FROM bonus_lines")[0][0])


# --- the workflow ---------------------------------------------------------------------------------------------


def test_a_run_goes_from_draft_to_paid(opened: Store) -> None:
    run = _start(opened)
    assert (run.status, run.approvals, run.changed_by, run.started_at) == (RunStatus.DRAFT, (), "operator", at(9))
    with opened.writing() as session:
        bonus = BonusStore(session)
        assert bonus.set_status(run.id, RunStatus.REVIEW, by="anna@acme.example", at=at(10)).status is RunStatus.REVIEW
        approved = bonus.approve(run.id, "Carla@Acme.example", at=at(10, 30))
        assert [(a.approver, a.at) for a in approved.approvals] == [("carla@acme.example", at(10, 30))]
        bonus.set_status(run.id, RunStatus.APPROVED, by="carla@acme.example", at=at(11))
        bonus.set_status(run.id, RunStatus.PAID, by="dario@acme.example", at=at(12))
    with opened.reading() as session:
        paid = BonusStore(session).run(run.id)
        assert paid is not None
        assert (paid.status, paid.changed_by, paid.changed_at) == (RunStatus.PAID, "dario@acme.example", at(12))
        assert [r.id for r in BonusStore(session).runs(PLAN)] == [run.id]
        assert BonusStore(session).runs(PLAN, "2026-09") == ()


@pytest.mark.parametrize(
    ("current", "wanted"),
    [(c, w) for c in PATH for w in PATH if (c, w) not in LEGAL],
)
def test_illegal_moves_are_refused_and_change_nothing(opened: Store, current: str, wanted: str) -> None:
    run = _start(opened)
    _reach(opened, run.id, current)
    with pytest.raises(StoreError) as refused, opened.writing() as session:
        BonusStore(session).set_status(run.id, RunStatus(wanted), by="dario@acme.example", at=at(13))
    assert refused.value.code == "store.bonus.transition_refused"
    with opened.reading() as session:
        after = BonusStore(session).run(run.id)
        assert after is not None
        assert after.status.value == current


def test_two_approvers_are_needed_and_the_same_one_twice_is_refused(opened: Store) -> None:
    run = _start(opened, approvals=2)
    _reach(opened, run.id, "review")
    with opened.writing() as session:
        BonusStore(session).approve(run.id, "carla@acme.example", at=at(10))
    with pytest.raises(StoreError) as missing, opened.writing() as session:
        BonusStore(session).set_status(run.id, RunStatus.APPROVED, by="carla@acme.example", at=at(11))
    assert missing.value.code == "store.bonus.approvals_missing"
    with pytest.raises(StoreError) as twice, opened.writing() as session:
        BonusStore(session).approve(run.id, " CARLA@acme.example", at=at(11))  # the same address, as compared
    assert twice.value.code == "store.bonus.approved_twice"
    with opened.writing() as session:
        bonus = BonusStore(session)
        bonus.approve(run.id, "dario@acme.example", at=at(12))
        approved = bonus.set_status(run.id, RunStatus.APPROVED, by="dario@acme.example", at=at(12))
    assert approved.status is RunStatus.APPROVED
    assert [a.approver for a in approved.approvals] == ["carla@acme.example", "dario@acme.example"]


def test_only_a_run_in_review_is_approved_and_back_to_draft_forgets_approvals(opened: Store) -> None:
    run = _start(opened, approvals=2)
    with pytest.raises(StoreError) as draft, opened.writing() as session:
        BonusStore(session).approve(run.id, "carla@acme.example", at=at(10))
    assert draft.value.code == "store.bonus.approve_not_in_review"
    _reach(opened, run.id, "review")
    with opened.writing() as session:
        bonus = BonusStore(session)
        assert len(bonus.approve(run.id, "carla@acme.example", at=at(10)).approvals) == 1
        assert bonus.set_status(run.id, RunStatus.DRAFT, by="anna@acme.example", at=at(11)).approvals == ()
        bonus.set_status(run.id, RunStatus.REVIEW, by="anna@acme.example", at=at(12))
        assert len(bonus.approve(run.id, "carla@acme.example", at=at(13)).approvals) == 1  # may approve again


UNKNOWN_RUN_CALLS: dict[str, Callable[[BonusStore], object]] = {
    "set_status": lambda bonus: bonus.set_status(999, RunStatus.REVIEW, by="operator", at=at(9)),
    "approve": lambda bonus: bonus.approve(999, "carla@acme.example", at=at(9)),
    "append_lines": lambda bonus: bonus.append_lines(999, [], at=at(9)),
}


@pytest.mark.parametrize("call", sorted(UNKNOWN_RUN_CALLS))
def test_an_unknown_run_is_refused(opened: Store, call: str) -> None:
    with pytest.raises(StoreError) as unknown, opened.writing() as session:
        UNKNOWN_RUN_CALLS[call](BonusStore(session))
    assert unknown.value.code == "store.bonus.run_unknown"
    with opened.reading() as session:
        assert BonusStore(session).run(999) is None


# --- the ledger -----------------------------------------------------------------------------------------------


def test_amounts_survive_exactly(opened: Store, root: Path, store: str) -> None:
    anna, bruno = _ids(opened)
    run = _start(opened)
    lines = [
        # 12345678901234 cents is 123456789012.34 EUR: more digits than a double holds exactly after the point.
        _earned(anna, "123456789012.34", details={"kpi_value": Decimal("0.1"), "gates": ["min_deals"], "n": 3}),
        _earned(
            bruno,
            "-0.01",
            kind=LineKind.ADJUSTMENT,
            reason_code="incentives.adjust.late_data",
            reason_values={"was": Decimal("10.00")},
            before=Decimal("10.00"),
            after=Decimal("9.99"),
        ),
        _earned(bruno, "-1500", currency="JPY", component=""),  # no minor digits: yen
        _earned(bruno, "1.234", currency="BHD"),  # three: fils
    ]
    with opened.writing() as session:
        written = BonusStore(session).append_lines(run.id, lines, at=at(9, 5))
    assert [line.amount for line in written] == [
        Decimal("123456789012.34"), Decimal("-0.01"), Decimal("-1500"), Decimal("1.234"),
    ]  # fmt: skip
    rows = query(root, store, "SELECT amount_minor, before_minor, after_minor, currency FROM bonus_lines ORDER BY id")
    assert rows == [(12345678901234, None, None, "EUR"), (-1, 1000, 999, "EUR"), (-1500, None, None, "JPY"),
                    (1234, None, None, "BHD")]  # fmt: skip
    with opened.reading() as session:
        read = BonusStore(session).lines(PLAN)
    assert read == written
    assert read[0].details == {"kpi_value": "0.1", "gates": ["min_deals"], "n": 3}  # a Decimal kept as its text
    assert (read[1].reason_code, read[1].reason_values) == ("incentives.adjust.late_data", {"was": "10.00"})
    assert (read[1].before, read[1].after, read[0].created_at) == (Decimal("10.00"), Decimal("9.99"), at(9, 5))
    assert str(read[0].amount) == "123456789012.34"


def test_amounts_that_cannot_be_kept_exactly_are_refused(opened: Store, root: Path, store: str) -> None:
    anna, _ = _ids(opened)
    run = _start(opened)
    cases = [
        (_earned(anna, "10.005"), "store.bonus.amount_too_precise"),  # a thousandth of a euro
        (_earned(anna, "1.5", currency="JPY"), "store.bonus.amount_too_precise"),
        (_earned(anna, "10", currency="eur"), "store.bonus.currency_unknown"),
        (_earned(anna, "10", currency="ZZZ"), "store.bonus.currency_unknown"),
    ]
    for line, code in cases:
        with pytest.raises(StoreError) as refused, opened.writing() as session:
            BonusStore(session).append_lines(run.id, [line], at=at(9))
        assert refused.value.code == code
    with pytest.raises(InternalError), opened.writing() as session:  # a float is never what kpilot computed
        BonusStore(session).append_lines(run.id, [_earned(anna, "1", details={"value": 0.1})], at=at(9))
    assert _line_count(root, store) == 0


def test_a_locked_period_takes_no_earned_line_and_a_bad_batch_writes_nothing(
    opened: Store, root: Path, store: str
) -> None:
    anna, bruno = _ids(opened)
    with opened.writing() as session:
        lock = BonusStore(session).lock(PLAN, "2026-09", by="carla@acme.example", at=at(8))
    assert (lock.plan, lock.period, lock.locked_by, lock.locked_at) == (PLAN, "2026-09", "carla@acme.example", at(8))
    run = _start(opened)
    batch = [_earned(anna, "100"), _earned(bruno, "50", period="2026-09"), _earned(bruno, "70")]
    with pytest.raises(StoreError) as locked, opened.writing() as session:
        BonusStore(session).append_lines(run.id, batch, at=at(9))
    assert (locked.value.code, locked.value.message.values["period"]) == ("store.bonus.period_locked", "2026-09")
    assert _line_count(root, store) == 0  # neither Anna's line before the bad one nor Bruno's after it

    late = _earned(bruno, "-5", period="2026-09", posted_in="2026-09", kind=LineKind.ADJUSTMENT)
    with pytest.raises(StoreError) as posted, opened.writing() as session:
        BonusStore(session).append_lines(run.id, [late], at=at(9))
    assert posted.value.code == "store.bonus.period_locked"

    # The correction of September goes into October, which is open; another plan's September is open too.
    fixed = _earned(bruno, "-5", period="2026-09", posted_in="2026-10", kind=LineKind.ADJUSTMENT)
    with opened.writing() as session:
        bonus = BonusStore(session)
        bonus.append_lines(run.id, [fixed, _earned(anna, "100")], at=at(9))
        other = bonus.start_run(
            plan="support-2026", period="2026-09", started_by="operator", definitions_sha=SHA, approvals_needed=1,
            at=at(9),
        )  # fmt: skip
        bonus.append_lines(other.id, [_earned(anna, "20", period="2026-09")], at=at(9))
    assert _line_count(root, store) == 3


def test_locks(opened: Store) -> None:
    with opened.writing() as session:
        bonus = BonusStore(session)
        bonus.lock(PLAN, "2026-10", by="carla@acme.example", at=at(9))
        bonus.lock(PLAN, "2026-08", by="carla@acme.example", at=at(9))
    with pytest.raises(StoreError) as twice, opened.writing() as session:
        BonusStore(session).lock(PLAN, "2026-10", by="dario@acme.example", at=at(10))
    assert twice.value.code == "store.bonus.locked_already"
    with opened.reading() as session:
        bonus = BonusStore(session)
        assert [lock.period for lock in bonus.locked_periods(PLAN)] == ["2026-08", "2026-10"]
        assert bonus.locked_periods("other") == ()
        assert (bonus.is_locked(PLAN, "2026-10"), bonus.is_locked(PLAN, "2026-09")) == (True, False)
        assert bonus.is_locked("other", "2026-10") is False


def test_lines_follow_the_run_status(opened: Store) -> None:
    anna, _ = _ids(opened)
    run = _start(opened)
    paid = _earned(anna, "100", kind=LineKind.PAID)
    with pytest.raises(StoreError) as early, opened.writing() as session:
        BonusStore(session).append_lines(run.id, [paid], at=at(9))
    assert early.value.code == "store.bonus.line_refused_by_status"
    _reach(opened, run.id, "approved")
    with pytest.raises(StoreError) as late, opened.writing() as session:
        BonusStore(session).append_lines(run.id, [_earned(anna, "100")], at=at(9))
    assert late.value.code == "store.bonus.line_refused_by_status"
    with opened.writing() as session:
        assert [line.kind for line in BonusStore(session).append_lines(run.id, [paid], at=at(9))] == [LineKind.PAID]


def test_lines_are_read_by_person_and_period(opened: Store) -> None:
    anna, bruno = _ids(opened)
    run = _start(opened)
    with opened.writing() as session:
        bonus = BonusStore(session)
        bonus.append_lines(
            run.id,
            [
                _earned(anna, "1"),
                _earned(bruno, "2"),
                _earned(anna, "3", period="2026-09", posted_in="2026-10", kind=LineKind.ADJUSTMENT),
            ],
            at=at(9),
        )
        with pytest.raises(StoreError) as nobody:
            bonus.append_lines(run.id, [_earned(12345, "1")], at=at(9))
        assert nobody.value.code == "store.bonus.person_unknown"
    with opened.reading() as session:
        bonus = BonusStore(session)
        assert [line.amount for line in bonus.lines(PLAN, anna)] == [Decimal(1), Decimal(3)]
        assert [line.amount for line in bonus.lines(PLAN, period="2026-10")] == [Decimal(1), Decimal(2)]
        assert [line.amount for line in bonus.lines(PLAN, anna, "2026-09")] == [Decimal(3)]
        assert [line.amount for line in bonus.lines(PLAN, posted_in="2026-10")] == [Decimal(1), Decimal(2), Decimal(3)]
        assert [line.amount for line in bonus.run_lines(run.id)] == [Decimal(1), Decimal(2), Decimal(3)]
        assert bonus.lines("other") == ()


def test_the_ledger_refuses_updates_and_deletes(opened: Store, root: Path, store: str) -> None:
    anna, _ = _ids(opened)
    run = _start(opened)
    with opened.writing() as session:
        BonusStore(session).append_lines(run.id, [_earned(anna, "10")], at=at(9))
    for statement in ("UPDATE bonus_lines SET amount_minor = 1", "DELETE FROM bonus_lines"):
        with (
            pytest.raises((StoreConflict, InternalError), match="bonus_lines_append_only"),
            opened.writing() as session,
        ):
            session.execute(text(statement))
    assert query(root, store, "SELECT amount_minor FROM bonus_lines") == [(1000,)]


# --- disputes -------------------------------------------------------------------------------------------------


def test_disputes_open_and_resolve(opened: Store) -> None:
    anna, bruno = _ids(opened)
    run = _start(opened)
    with opened.writing() as session:
        bonus = BonusStore(session)
        first, second = bonus.append_lines(run.id, [_earned(anna, "10"), _earned(bruno, "20")], at=at(9))
        opened_one = bonus.open_dispute(first.id, "My October deals are missing", at=at(10))
        bonus.open_dispute(second.id, "Wrong target", at=at(11))
    assert (opened_one.person_id, opened_one.status.value, opened_one.resolved_at) == (anna, "open", None)
    with opened.writing() as session:
        bonus = BonusStore(session)
        done = bonus.resolve_dispute(
            opened_one.id, DisputeStatus.ACCEPTED, by="carla@acme.example", at=at(12), resolution="Adjusted"
        )
        assert (done.status, done.resolved_by, done.resolved_at, done.resolution) == (
            DisputeStatus.ACCEPTED, "carla@acme.example", at(12), "Adjusted",
        )  # fmt: skip
        with pytest.raises(StoreError) as again:
            bonus.resolve_dispute(opened_one.id, DisputeStatus.REJECTED, by="dario@acme.example", at=at(13))
        assert again.value.code == "store.bonus.dispute_resolved_already"
        with pytest.raises(StoreError) as reopen:
            bonus.resolve_dispute(opened_one.id + 1, DisputeStatus.OPEN, by="dario@acme.example", at=at(13))
        assert reopen.value.code == "store.bonus.dispute_decision"
        assert [d.person_id for d in bonus.disputes(plan=PLAN)] == [anna, bruno]
        assert [d.person_id for d in bonus.disputes(status=DisputeStatus.OPEN)] == [bruno]
        assert [d.id for d in bonus.disputes(person_id=anna)] == [opened_one.id]
        assert bonus.disputes(plan="other") == ()
        for reason, code in (("x" * 2001, "store.bonus.text_length"), ("   ", "store.bonus.text_length")):
            with pytest.raises(StoreError) as bad:
                bonus.open_dispute(first.id, reason, at=at(14))
            assert bad.value.code == code
        with pytest.raises(StoreError) as no_line:
            bonus.open_dispute(9999, "Where is it?", at=at(14))
        assert no_line.value.code == "store.bonus.line_unknown"
        assert len(bonus.open_dispute(first.id, "x" * 2000, at=at(14)).reason) == 2000  # the limit itself is fine


# --- compensation ---------------------------------------------------------------------------------------------


def test_compensation_overlap_is_refused_and_the_row_in_force_is_found(opened: Store, root: Path, store: str) -> None:
    anna, bruno = _ids(opened)
    with opened.writing() as session:
        bonus = BonusStore(session)
        first = bonus.set_compensation(
            anna, valid_from=D("2026-01-01"), valid_to=D("2026-04-01"), base_pay=Decimal("48000.00"), currency="EUR"
        )
        bonus.set_compensation(
            anna, valid_from=D("2026-04-01"), valid_to=None, base_pay=Decimal("52000.50"), currency="EUR",
            fte=Decimal("0.8"),
        )  # fmt: skip
        bonus.set_compensation(
            bruno, valid_from=D("2026-03-01"), valid_to=None, base_pay=Decimal(40000), currency="EUR"
        )
    assert first.fte == Decimal(1)
    for start, end in ((D("2026-03-31"), D("2026-04-02")), (D("2025-12-01"), D("2026-01-02")), (D("2027-01-01"), None)):
        with pytest.raises(StoreError) as overlap, opened.writing() as session:
            BonusStore(session).set_compensation(
                anna, valid_from=start, valid_to=end, base_pay=Decimal(1), currency="EUR"
            )
        assert overlap.value.code == "store.bonus.compensation_overlaps"
    with pytest.raises(StoreError) as backwards, opened.writing() as session:
        BonusStore(session).set_compensation(
            anna, valid_from=D("2025-06-01"), valid_to=D("2025-06-01"), base_pay=Decimal(1), currency="EUR"
        )
    assert backwards.value.code == "store.bonus.compensation_backwards"
    for fte in ("0", "1.5", "0.8005"):
        with pytest.raises(StoreError) as wrong, opened.writing() as session:
            BonusStore(session).set_compensation(
                anna, valid_from=D("2025-01-01"), valid_to=D("2025-02-01"), base_pay=Decimal(1), currency="EUR",
                fte=Decimal(fte),
            )  # fmt: skip
        assert wrong.value.code == "store.bonus.fte_invalid"
    with opened.reading() as session:
        bonus = BonusStore(session)
        # valid_to is exclusive: 31 March is the old pay, 1 April the new one; nothing before 1 January.
        assert bonus.compensation_on(anna, D("2026-03-31")) == first
        april = bonus.compensation_on(anna, D("2026-04-01"))
        assert april is not None
        assert (april.base_pay, april.fte, april.valid_to) == (
            Decimal("52000.50"),
            Decimal("0.8"),
            None,
        )
        assert bonus.compensation_on(anna, D("2025-12-31")) is None
        assert bonus.compensation_on(bruno, D("2030-01-01")) is not None
        assert [c.valid_from for c in bonus.compensation_of(anna)] == [D("2026-01-01"), D("2026-04-01")]
    rows = query(root, store, "SELECT base_pay_minor, fte_per_mille FROM bonus_compensation ORDER BY id")
    assert rows == [(4800000, 1000), (5200050, 800), (4000000, 1000)]


def test_a_raise_ends_the_open_row_first(opened: Store) -> None:
    anna, _ = _ids(opened)
    with opened.writing() as session:
        bonus = BonusStore(session)
        current = bonus.set_compensation(
            anna, valid_from=D("2026-01-01"), valid_to=None, base_pay=Decimal(50000), currency="EUR"
        )
        for day in (D("2026-01-01"), D("2025-12-01")):  # on or before its start: it would not hold at all
            with pytest.raises(StoreError) as outside:
                bonus.end_compensation(current.id, day)
            assert outside.value.code == "store.bonus.compensation_end_outside"
        assert bonus.end_compensation(current.id, D("2026-07-01")).valid_to == D("2026-07-01")
        bonus.set_compensation(anna, valid_from=D("2026-07-01"), valid_to=None, base_pay=Decimal(55000), currency="EUR")
        raised = bonus.compensation_on(anna, D("2026-07-01"))
        assert raised is not None
        assert raised.base_pay == Decimal(55000)
