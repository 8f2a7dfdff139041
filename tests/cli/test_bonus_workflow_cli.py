"""`kpilot bonus` from a run to the payroll file, and every way it refuses: plans with problems (at their line, with
nothing written), unknown plans, periods, runs and lines, steps out of order; each through the one error
boundary (an `error:` line, or the JSON envelope after `--format json`), never a traceback (run_cli checks)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from kpilot import Workspace
from tests.cli.bonus_cli_support import AFTER_Q1, Kpilot, kpilot, ledger, sales
from tests.incentives.bonus_support import DEALS
from tests.support import load_tables

FIXTURES = (kpilot, sales)


def test_the_workflow_end_to_end(kpilot: Kpilot, sales: Path, tmp_path: Path) -> None:
    assert kpilot("bonus", "run", "sales", "--period", "2025-Q1", "--today", AFTER_Q1)[0] == 0
    steps = [
        (("submit", "1"), "Run #1 of sales for 2025-Q1: in review (approvals: 0 of 1)"),
        # The local operator started the run and may approve it: they are one person for the four-eyes rule.
        (("approve", "1"), "Run #1 of sales for 2025-Q1: approved (approvals: 1 of 1)"),
        (("pay", "1"), "Run #1 of sales for 2025-Q1: paid (approvals: 1 of 1)\nPayments: 3, in all 7,603.13 EUR"),
        (("close", "sales", "--period", "2025-Q1"), "Closed sales 2025-Q1: its amounts are final"),
    ]
    for args, expected in steps:
        code, out, err = kpilot("bonus", *args)
        assert (code, err) == (0, "")
        assert out.startswith(expected)
    payroll = tmp_path / "payroll.csv"
    code, _, err = kpilot("bonus", "export", "1", "--output", str(payroll))
    assert (code, err.strip()) == (0, f"Wrote {payroll}")
    # One row per person of what was payable: the hand-worked amounts, in name order.
    assert payroll.read_text(encoding="utf-8") == (
        "email,name,plan,period,amount,currency\n"
        "anna@acme.example,Anna,sales,2025-Q1,3881.25,EUR\n"
        "bruno@acme.example,Bruno,sales,2025-Q1,2306.25,EUR\n"
        "dino@acme.example,Dino,sales,2025-Q1,1415.63,EUR\n"
    )
    code, out, _ = kpilot("bonus", "statement", "sales", "--person", "anna@acme.example", "-p", "2025-Q1")
    assert "paid to date: 3,881.25 EUR" in out
    assert "payable: 0.00 EUR" in out
    assert "run #1: paid" in out
    # The period is locked: running it again is refused, and nothing is written.
    before = ledger(sales)
    code, _, err = kpilot("bonus", "run", "sales", "--period", "2025-Q1", "--today", AFTER_Q1)
    assert code == 1
    assert err.startswith("error:")
    assert "2025-Q1" in err
    assert ledger(sales) == before
    # A late deal of bruno's in Q1 (+50, as in test_bonus_service): bruno 500 / 500 = 100 % pays 1.0, so his own part
    # is 0.7 * 3,000 = 2,100.00 (was 1,575.00); EMEA 1900 / 2000 = 95 % pays 0.875: 0.3 * 0.875 * 3,000 = 787.50
    # (was 731.25) for anna and bruno, and half of it, 393.75 (was 365.63), for dino. Run in Q2, it adjusts Q1.
    late = {key: [*values] for key, values in DEALS.items()}
    for key, value in (("day", date(2025, 3, 30)), ("team", "EMEA"), ("owner", "bruno"), ("amount", 50), ("days", 3)):
        late[key].append(value)
    with Workspace(sales) as workspace:
        load_tables(workspace, {"deals": late})
    code, out, _ = kpilot("bonus", "run", "sales", "--period", "2025-Q2", "--today", "2025-07-10")
    assert code == 0
    assert "Locked periods re-checked: 2025-Q1" in out
    adjustments = out.split("Adjustments\n")[1].splitlines()
    assert [line.split(": the data")[0].strip() for line in adjustments] == [
        "anna@acme.example, team_revenue, 2025-Q1: 731.25 EUR → 787.50 EUR (+56.25 EUR)",
        "bruno@acme.example, own_revenue, 2025-Q1: 1,575.00 EUR → 2,100.00 EUR (+525.00 EUR)",
        "bruno@acme.example, team_revenue, 2025-Q1: 731.25 EUR → 787.50 EUR (+56.25 EUR)",
        "dino@acme.example, team_revenue, 2025-Q1: 365.63 EUR → 393.75 EUR (+28.12 EUR)",
    ]
    code, out, _ = kpilot("bonus", "statement", "sales", "--person", "bruno@acme.example", "-p", "2025-Q2")
    # Q2 has no targets: it earns nothing, and what is payable is the adjustments, 525.00 + 56.25 = 581.25.
    assert "2025-Q1 own_revenue: 1,575.00 EUR → 2,100.00 EUR, +525.00 EUR (line #" in out
    assert "payable: 581.25 EUR" in out


def test_the_paid_lines_as_json(kpilot: Kpilot) -> None:
    kpilot("bonus", "run", "sales", "--period", "2025-Q1", "--today", AFTER_Q1)
    kpilot("bonus", "submit", "1")
    approved = json.loads(kpilot("bonus", "approve", "1", "--format", "json")[1])
    assert (approved["id"], approved["status"], len(approved["approvals"])) == (1, "approved", 1)
    code, out, _ = kpilot("bonus", "pay", "1", "--format", "json")
    paid = json.loads(out)
    assert code == 0
    assert paid["run"]["status"] == "paid"
    assert sorted(Decimal(line["amount"]) for line in paid["paid"]) == [
        Decimal("1415.63"),
        Decimal("2306.25"),
        Decimal("3881.25"),
    ]
    assert paid["total"] == "7603.13"


def test_send_back_returns_a_run_to_draft(kpilot: Kpilot) -> None:
    kpilot("bonus", "run", "sales", "--period", "2025-Q1", "--today", AFTER_Q1)
    kpilot("bonus", "submit", "1")
    code, out, _ = kpilot("bonus", "send-back", "1")
    assert (code, out.strip()) == (0, "Run #1 of sales for 2025-Q1: draft (approvals: 0 of 1)")


def test_a_dispute_and_its_resolution(kpilot: Kpilot) -> None:
    kpilot("bonus", "run", "sales", "--period", "2025-Q1", "--today", AFTER_Q1)
    code, out, _ = kpilot("bonus", "dispute", "2", "--reason", "a deal is missing")
    assert (code, out.strip()) == (0, "dispute #1 of line #2: open: a deal is missing")
    code, out, _ = kpilot("bonus", "resolve", "1", "--reject", "--resolution", "it was Q2", "--format", "json")
    found = json.loads(out)
    assert (found["line"], found["status"], found["resolution"]) == (2, "rejected", "it was Q2")
    code, out, _ = kpilot("bonus", "statement", "sales", "--person", "anna@acme.example", "-p", "2025-Q1")
    assert "dispute #1 of line #2: rejected: a deal is missing (resolution: it was Q2)" in out


def test_compensation_is_recorded(kpilot: Kpilot) -> None:
    args = ("bonus", "compensation", "set", "anna@acme.example", "--from", "2025-01-01", "--base-pay", "60000")
    code, out, _ = kpilot(*args, "--currency", "EUR", "--fte", "0.8")
    assert (code, out.strip()) == (
        0,
        "Compensation of anna@acme.example from 2025-01-01: 60,000.00 EUR a year, working time 80%",
    )
    # A new record from 2025-07-01 ends the one before on that day.
    args = ("bonus", "compensation", "set", "anna@acme.example", "--from", "2025-07-01", "--base-pay", "60000")
    code, out, _ = kpilot(*args, "--currency", "EUR", "--format", "json")
    assert json.loads(out) == {
        "email": "anna@acme.example",
        "valid_from": "2025-07-01",
        "base_pay": "60000.00",  # the store keeps the currency's decimals
        "currency": "EUR",
        "fte": "1",
    }


def test_validate_lists_a_plan_s_problem_at_its_line_and_a_run_writes_nothing(kpilot: Kpilot, sales: Path) -> None:
    assert kpilot("bonus", "validate") == (0, "bonus plans checked: 2; no problems found\n", "")
    main = sales / "definitions" / "main.yaml"
    main.write_text(main.read_text().replace("weight: 30}", "weight: 20}"))
    # In bonus_support.DEFINITIONS, the sales plan's `components:` key is line 26 (8 lines of sources, 3 of KPIs,
    # 7 of targets, then `bonus_plans:` and six keys of the plan), indented by 4: column 5.
    problem = "definitions/main.yaml:26:5: error: the weights of section main add up to 90, not 100"
    for args in (("validate",), ("validate", "sales")):
        code, out, err = kpilot("bonus", *args)
        assert (code, out) == (1, "")
        assert err.splitlines()[0].startswith(problem)
    assert kpilot("bonus", "validate", "speed")[0] == 0
    code, out, err = kpilot("bonus", "run", "sales", "--period", "2025-Q1", "--today", AFTER_Q1)
    assert code == 1
    assert problem in err
    assert ledger(sales) == ()


def test_unknown_plans_periods_runs_and_lines_are_clear_errors(kpilot: Kpilot, sales: Path) -> None:
    cases = [
        (("run", "sale", "--period", "2025-Q1"), "error: there is no bonus plan sale"),
        (("run", "sales", "--period", "2025-05"), "error: plan sales does not pay the period 2025-05"),
        (("run", "sales", "--period", "2025-Q1", "--today", "2025-13-01"), "error:"),
        (("validate", "sale"), "error: there is no bonus plan sale"),
        (("submit", "9"), "error: there is no bonus run 9"),
        (("export", "9"), "error: there is no bonus run 9"),
        (("dispute", "9", "--reason", "why"), "error:"),
        (("close", "sales", "--period", "2025-Q1"), "error:"),  # nothing paid yet
        (("compensation", "set", "anna@acme.example", "--from", "2025-01-01", "--base-pay", "lots", "--currency",
          "EUR"), "error: base_pay: 'lots' is not a number"),
    ]  # fmt: skip
    for args, expected in cases:
        code, out, err = kpilot("bonus", *args)
        assert (code, out) == (1, ""), args
        assert err.startswith(expected), (args, err)
    # After `--format json`, the same refusal is the JSON envelope on stdout.
    code, out, _ = kpilot("bonus", "run", "sale", "--period", "2025-Q1", "--format", "json")
    envelope = json.loads(out)["error"]
    assert (code, envelope["code"], envelope["suggestions"]) == (1, "incentives.run.unknown_plan", ["sales"])
    assert ledger(sales) == ()


def test_steps_out_of_order_are_refused(kpilot: Kpilot) -> None:
    kpilot("bonus", "run", "sales", "--period", "2025-Q1", "--today", AFTER_Q1)
    for args in (("pay", "1"), ("export", "1"), ("approve", "1")):  # a draft is neither paid, exported nor approved
        code, out, err = kpilot("bonus", *args)
        assert (code, out) == (1, ""), args
        assert err.startswith("error:"), args
    code, out, _ = kpilot("bonus", "pay", "1", "--format", "json")
    assert (code, json.loads(out)["error"]["code"]) == (1, "store.bonus.line_refused_by_status")


def test_validate_without_a_store_checks_the_definitions_and_says_what_not(kpilot: Kpilot, sales: Path) -> None:
    (sales / "kpilot.db").unlink()
    code, out, err = kpilot("bonus", "validate")
    assert (code, out) == (0, "bonus plans checked: 2; no problems found\n")
    unchecked = "the teams and people the plans name were not checked against the organisation"
    assert err.splitlines()[1].strip() == unchecked
