"""Bonus plans through the service layer, on the small sales team of bonus_support (its deals and targets there):
a run's amounts worked out by hand, the ledger that never changes a closed period, who may read a statement, the
workflow, and plans refused with nothing written.

The sales plan pays 12,000 a year by quarter (3,000 a quarter, evenly), 70 % on the person's revenue and 30 % on
EMEA's, on the default curve (80 % pays 50 %, 100 % pays 100 %, 120 % pays 200 %), and nothing if the company's
revenue is below 90 % of its target. In 2025-Q1:

- EMEA 1850 / 2000 = 92.5 %: 0.5 + 0.125 / 0.2 * 0.5 = 0.8125, so the team part is 0.3 * 0.8125 = 0.24375;
- company 2350 / 2000 = 117.5 %: the gate does not apply;
- anna 1100 / 1000 = 110 % pays 1.5: 0.7 * 1.5 + 0.24375 = 1.29375 of 3,000 = 3,881.25 (3,150.00 + 731.25);
- bruno 450 / 500 = 90 % pays 0.75: 0.525 + 0.24375 = 0.76875 -> 2,306.25 (1,575.00 + 731.25);
- dino 300 / 300 = 100 % pays 1.0, 45 of 90 days: 0.94375 * 1,500 = 1,415.625 -> 1,415.63 (half up); in cents
  141,563 split 0.7 : 0.24375 is 105,000.37 and 36,562.63, floors 105,000 + 36,562 leave one cent for the larger
  remainder (.63): 1,050.00 + 365.63.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from kpilot import Workspace
from kpilot.auth.errors import NotPermitted
from kpilot.errors import ValidationFailed
from kpilot.incentives.errors import BonusNotFound, BonusRefused
from kpilot.services import bonus_workflow as workflow
from kpilot.services.bonus_runs import run_plan
from kpilot.services.bonus_statements import statement
from kpilot.services.permissions import PermissionDenied
from kpilot.store import open_store
from kpilot.store.audit import AuditLog
from kpilot.store.bonus import BonusStore, LineKind, RunStatus
from kpilot.store.organisation import read_organisation
from kpilot.store.session import Store
from tests.incentives.bonus_support import AFTER_Q1, DEALS, actor, build_sales
from tests.support import load_tables

NOW = datetime(2025, 4, 10, 9, tzinfo=UTC)
D = Decimal


@pytest.fixture
def sales(tmp_path: Path) -> Iterator[tuple[Workspace, Store]]:
    workspace = build_sales(tmp_path / "ws")
    with open_store(workspace) as store:
        yield workspace, store
    workspace.close()


def amounts(store: Store, plan: str = "sales") -> dict[tuple[str, str, str, str], Decimal]:
    """(person, period, component, kind) -> the sum of the ledger's lines."""
    with store.reading() as session:
        emails = {person.id: person.email for person in read_organisation(session).people}
        found: dict[tuple[str, str, str, str], Decimal] = {}
        for line in BonusStore(session).lines(plan):
            key = (emails[line.person_id].split("@")[0], line.period, line.component, line.kind.value)
            found[key] = found.get(key, D(0)) + line.amount
    return found


def test_a_run_pays_what_the_hand_worked_figures_say(sales: tuple[Workspace, Store]) -> None:
    workspace, store = sales
    outcome = run_plan(
        store, actor(workspace, "paula", pay=True), workspace, "sales", "2025-Q1", now=NOW, today=AFTER_Q1
    )
    assert outcome.run.status is RunStatus.DRAFT
    assert amounts(store) == {
        ("anna", "2025-Q1", "own_revenue", "earned"): D("3150.00"),
        ("anna", "2025-Q1", "team_revenue", "earned"): D("731.25"),
        ("bruno", "2025-Q1", "own_revenue", "earned"): D("1575.00"),
        ("bruno", "2025-Q1", "team_revenue", "earned"): D("731.25"),
        ("dino", "2025-Q1", "own_revenue", "earned"): D("1050.00"),
        ("dino", "2025-Q1", "team_revenue", "earned"): D("365.63"),
    }
    dino = next(found for found in outcome.computation.people if found.person.email == "dino@acme.example")
    assert dino.proration.factor == D("0.5")
    assert dino.earned is not None
    assert dino.earned.exact == D("1415.625")
    # Running again with nothing changed posts nothing.
    again = run_plan(store, actor(workspace, "paula", pay=True), workspace, "sales", "2025-Q1", now=NOW, today=AFTER_Q1)
    assert again.posted == ()


def test_a_lower_is_better_kpi_attains_target_over_value(sales: tuple[Workspace, Store]) -> None:
    # carl's deals took 10 and 15 days: 12.5 against a target of 10 attains 10 / 12.5 = 80 %, which pays 50 % of
    # 1,000 (4,000 a year by quarter) = 500.00
    workspace, store = sales
    run_plan(store, actor(workspace, "paula", pay=True), workspace, "speed", "2025-Q1", now=NOW, today=AFTER_Q1)
    assert amounts(store, "speed") == {("carl", "2025-Q1", "cycle", "earned"): D("500.00")}
    shown = statement(store, actor(workspace, "carl"), workspace, "speed", "carl@acme.example", "2025-Q1", now=NOW)
    (line,) = shown.lines
    assert line.details is not None
    assert line.details["component"]["attainment"] == "0.8000"
    assert line.details["component"]["read"][0]["value"] == "12.5"


def test_the_company_gate_pays_nothing_when_the_company_misses(sales: tuple[Workspace, Store]) -> None:
    # Without carl's 500, the company has 1850 / 2000 = 92.5 %: still above 90 %. With carl's deals gone and
    # bruno's too (1400 / 2000 = 70 %), the gate applies and every line is 0.
    workspace, store = sales
    keep = [i for i, owner in enumerate(DEALS["owner"]) if owner in ("anna", "dino")]
    load_tables(workspace, {"deals": {key: [values[i] for i in keep] for key, values in DEALS.items()}})
    workspace.forget_answers()
    outcome = run_plan(
        store, actor(workspace, "paula", pay=True), workspace, "sales", "2025-Q1", now=NOW, today=AFTER_Q1
    )
    assert all(found.result.payout == 0 for found in outcome.computation.people)
    assert {found.result.gates[0].applied for found in outcome.computation.people} == {True}
    assert set(amounts(store).values()) == {D("0.00")}


def pay_q1(workspace: Workspace, store: Store) -> int:
    paula, otto = actor(workspace, "paula", pay=True), actor(workspace, "otto", pay=True)
    run = run_plan(store, paula, workspace, "sales", "2025-Q1", now=NOW, today=AFTER_Q1).run
    workflow.submit(store, paula, workspace, run.id, now=NOW)
    with pytest.raises(BonusRefused) as own:
        workflow.approve(store, paula, workspace, run.id, now=NOW)
    assert own.value.code == "incentives.workflow.own_run"
    approved = workflow.approve(store, otto, workspace, run.id, now=NOW)
    assert approved.status is RunStatus.APPROVED
    paid, lines = workflow.pay(store, otto, workspace, run.id, now=NOW)
    assert paid.status is RunStatus.PAID
    assert sorted(line.amount for line in lines) == [D("1415.63"), D("2306.25"), D("3881.25")]
    workflow.close(store, otto, workspace, "sales", "2025-Q1", now=NOW)
    return run.id


def test_a_closed_period_is_never_changed_and_a_later_change_is_one_adjustment(sales: tuple[Workspace, Store]) -> None:
    workspace, store = sales
    pay_q1(workspace, store)
    with store.reading() as session:
        locked_lines = BonusStore(session).lines("sales")
    paula = actor(workspace, "paula", pay=True)
    with pytest.raises(BonusRefused) as refused:
        run_plan(store, paula, workspace, "sales", "2025-Q1", now=NOW, today=AFTER_Q1)
    assert refused.value.code == "incentives.run.period_locked"
    # A late deal of bruno's in Q1 (+50): bruno 500 / 500 = 100 % pays 1.0; EMEA 1900 / 2000 = 95 % pays 0.875.
    late = {key: [*values] for key, values in DEALS.items()}
    for key, value in (("day", date(2025, 3, 30)), ("team", "EMEA"), ("owner", "bruno"), ("amount", 50), ("days", 3)):
        late[key].append(value)
    load_tables(workspace, {"deals": late})
    workspace.forget_answers()
    # Q2 has no targets: it earns nothing, but its run re-checks Q1 and adjusts it into Q2.
    outcome = run_plan(store, paula, workspace, "sales", "2025-Q2", now=NOW, today=date(2025, 7, 10))
    adjustments = {
        (line.person_id, line.component): (line.amount, line.before, line.after, line.posted_in, line.period)
        for line in outcome.posted
        if line.kind is LineKind.ADJUSTMENT
    }
    ids = {found.person.email.split("@")[0]: found.person.id for found in outcome.computed[0].people}
    # team part: 3,000 * 0.3 * 0.875 = 787.50 (was 731.25); dino's half: 393.75 (was 365.63)
    # bruno's own part: 3,000 * 0.7 * 1.0 = 2,100.00 (was 1,575.00)
    assert adjustments == {
        (ids["anna"], "team_revenue"): (D("56.25"), D("731.25"), D("787.50"), "2025-Q2", "2025-Q1"),
        (ids["bruno"], "own_revenue"): (D("525.00"), D("1575.00"), D("2100.00"), "2025-Q2", "2025-Q1"),
        (ids["bruno"], "team_revenue"): (D("56.25"), D("731.25"), D("787.50"), "2025-Q2", "2025-Q1"),
        (ids["dino"], "team_revenue"): (D("28.12"), D("365.63"), D("393.75"), "2025-Q2", "2025-Q1"),
    }
    with store.reading() as session:
        after = BonusStore(session).lines("sales")
    assert after[: len(locked_lines)] == locked_lines  # the closed period's lines, untouched
    assert not [line for line in after[len(locked_lines) :] if line.posted_in == "2025-Q1"]
    again = run_plan(store, paula, workspace, "sales", "2025-Q2", now=NOW, today=date(2025, 7, 10))
    assert again.posted == ()


def test_who_may_read_a_statement(sales: tuple[Workspace, Store]) -> None:
    workspace, store = sales
    run_plan(store, actor(workspace, "paula", pay=True), workspace, "sales", "2025-Q1", now=NOW, today=AFTER_Q1)

    def read(who: str, whose: str, **options: bool) -> Decimal:
        return statement(
            store, actor(workspace, who, **options), workspace, "sales", f"{whose}@acme.example", "2025-Q1", now=NOW
        ).total

    assert read("anna", "anna") == D("3881.25")  # their own
    assert read("mara", "bruno") == D("2306.25")  # their manager
    assert read("ed", "dino", pay=True) == D("1415.63")  # the compensation permission
    for who, whose in (("anna", "bruno"), ("bruno", "anna"), ("carl", "anna"), ("paula", "anna"), ("ed", "anna")):
        with pytest.raises(NotPermitted):
            read(who, whose)
    with store.reading() as session:
        entries = AuditLog(session).read(action="bonus.statement_read")
    assert len(entries) == 3 + 5
    assert sum(entry.outcome.value == "refused" for entry in entries) == 5


def test_a_statement_shows_how_each_line_was_computed(sales: tuple[Workspace, Store]) -> None:
    workspace, store = sales
    run_plan(store, actor(workspace, "paula", pay=True), workspace, "sales", "2025-Q1", now=NOW, today=AFTER_Q1)
    shown = statement(store, actor(workspace, "anna"), workspace, "sales", "anna@acme.example", "2025-Q1", now=NOW)
    own, team = shown.earned
    assert (own.component, own.amount, team.amount) == ("own_revenue", D("3150.00"), D("731.25"))
    details = own.details
    assert details is not None
    assert details["component"]["attainment"] == "1.1000"
    assert D(details["component"]["curve"]["payout"]) == D("1.5")
    assert details["plan"]["payout"] == "1.29375"
    assert details["amount"]["total"] == "3881.25"
    # 1 % more revenue: 111 % pays 1.55, 0.7 * 0.05 * 3,000 = 105
    assert D(details["component"]["next_percent_worth"]) == D("105")
    assert shown.payable == D("3881.25")


def test_only_the_person_disputes_their_line(sales: tuple[Workspace, Store]) -> None:
    workspace, store = sales
    run_plan(store, actor(workspace, "paula", pay=True), workspace, "sales", "2025-Q1", now=NOW, today=AFTER_Q1)
    shown = statement(store, actor(workspace, "anna"), workspace, "sales", "anna@acme.example", "2025-Q1", now=NOW)
    line = shown.earned[0].line_ids[0]
    with pytest.raises(BonusNotFound):
        workflow.dispute(store, actor(workspace, "bruno"), workspace, line, "not mine", now=NOW)
    opened = workflow.dispute(store, actor(workspace, "anna"), workspace, line, "a deal is missing", now=NOW)
    resolved = workflow.resolve(
        store, actor(workspace, "otto", pay=True), workspace, opened.id, False, "it was Q2", now=NOW
    )
    assert (resolved.status.value, resolved.resolution) == ("rejected", "it was Q2")


def test_running_needs_the_compensation_permission_and_every_row(sales: tuple[Workspace, Store]) -> None:
    workspace, store = sales
    for who, pay in (("paula", False), ("mara", True), ("anna", True)):
        with pytest.raises(PermissionDenied):
            run_plan(store, actor(workspace, who, pay=pay), workspace, "sales", "2025-Q1", now=NOW, today=AFTER_Q1)
    assert amounts(store) == {}


def test_a_running_or_unknown_period_or_plan_is_refused(sales: tuple[Workspace, Store]) -> None:
    workspace, store = sales
    paula = actor(workspace, "paula", pay=True)
    cases = [("sales", "2025-Q1", date(2025, 3, 20), "incentives.run.period_not_over"),
             ("sales", "2025-05", AFTER_Q1, "incentives.run.not_a_plan_period"),
             ("sale", "2025-Q1", AFTER_Q1, "incentives.run.unknown_plan")]  # fmt: skip
    for plan, period, today, code in cases:
        with pytest.raises(BonusRefused) as refused:
            run_plan(store, paula, workspace, plan, period, now=NOW, today=today)
        assert refused.value.code == code
    assert amounts(store) == {}


def test_a_plan_naming_a_team_the_organisation_lacks_is_refused_whole(sales: tuple[Workspace, Store]) -> None:
    workspace, store = sales
    text = (workspace.root / "definitions" / "main.yaml").read_text()
    (workspace.root / "definitions" / "main.yaml").write_text(text.replace("teams: [EMEA]", "teams: [EMEA, Nordics]"))
    changed = Workspace(workspace.root)
    try:
        with pytest.raises(ValidationFailed) as refused:
            run_plan(store, actor(changed, "paula", pay=True), changed, "sales", "2025-Q1", now=NOW, today=AFTER_Q1)
        assert [issue.message.code for issue in refused.value.issues] == ["incentives.plan.unknown_team"]
    finally:
        changed.close()
    assert amounts(store) == {}


def test_unpaid_leave_is_time_out_of_the_plan(sales: tuple[Workspace, Store]) -> None:
    # bruno is away 1-10 February (10 days): 80 of Q1's 90 days; 2,306.25 * 80 / 90 = 2,050.00
    # (own 0.525 / 0.76875 of it = 1,400.00, team 650.00)
    workspace, store = sales
    paula = actor(workspace, "paula", pay=True)
    workflow.add_leave(
        store, paula, workspace, "bruno@acme.example", starts_on=date(2025, 2, 1), ends_on=date(2025, 2, 11), now=NOW
    )
    with pytest.raises(BonusRefused) as overlapping:  # a store rule, told as a bonus refusal (400, not 503)
        workflow.add_leave(
            store,
            paula,
            workspace,
            "bruno@acme.example",
            starts_on=date(2025, 2, 10),
            ends_on=date(2025, 2, 12),
            now=NOW,
        )
    assert overlapping.value.code == "store.bonus.leave_overlaps"
    run_plan(store, paula, workspace, "sales", "2025-Q1", now=NOW, today=AFTER_Q1)
    found = amounts(store)
    assert (
        found[("bruno", "2025-Q1", "own_revenue", "earned")],
        found[("bruno", "2025-Q1", "team_revenue", "earned")],
    ) == (
        D("1400.00"),
        D("650.00"),
    )


def test_a_plan_whose_weights_do_not_add_up_is_refused_and_nothing_written(sales: tuple[Workspace, Store]) -> None:
    workspace, store = sales
    text = (workspace.root / "definitions" / "main.yaml").read_text()
    (workspace.root / "definitions" / "main.yaml").write_text(text.replace("weight: 30", "weight: 20"))
    changed = Workspace(workspace.root)
    try:
        with pytest.raises(ValidationFailed) as refused:
            run_plan(store, actor(changed, "paula", pay=True), changed, "sales", "2025-Q1", now=NOW, today=AFTER_Q1)
        assert [issue.message.code for issue in refused.value.issues] == ["incentives.plan.component_weights"]
        assert refused.value.issues[0].location.line is not None
    finally:
        changed.close()
    with store.reading() as session:
        assert BonusStore(session).runs("sales") == ()
    assert amounts(store) == {}
