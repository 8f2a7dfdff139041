"""`kpilot bonus run` and `kpilot bonus statement` on the small sales team, whose amounts are worked out by hand in
tests/incentives/test_bonus_service.py's docstring: in 2025-Q1 anna 3,881.25 (payout 0.7 * 1.5 + 0.3 * 0.8125 =
1.29375 of 3,000), bruno 2,306.25 (0.76875), dino 1,415.63 (0.94375 of 1,500: 45 of Q1's 90 days, exactly
1,415.625, rounded half up); in all 7,603.13."""

from __future__ import annotations

import json
from pathlib import Path

from kpilot import Workspace
from kpilot.auth.actor import Actor
from kpilot.services.bonus_data import run_data, statement_data
from kpilot.services.bonus_runs import run_plan
from kpilot.services.bonus_statements import statement
from kpilot.store import open_store
from tests.cli.bonus_cli_support import AFTER_Q1, NOW, Kpilot, kpilot, ledger, sales
from tests.incentives import bonus_support

FIXTURES = (kpilot, sales)


def row(out: str, email: str) -> list[str]:
    """A table row's cells, by the person's e-mail address."""
    line = next(line for line in out.splitlines() if email in line)
    return [cell.strip() for cell in line.strip()[1:-1].split("│")]


def test_a_run_prints_the_hand_worked_amounts(kpilot: Kpilot) -> None:
    code, out, err = kpilot("bonus", "run", "sales", "--period", "2025-Q1", "--today", AFTER_Q1)
    assert (code, err) == (0, "")
    # The payment date is 30 days (the default paid_after_days) after the quarter's end, 2025-04-01.
    assert "Run #1 of sales for 2025-Q1: draft; payment date 2025-05-01" in out
    assert row(out, "anna@acme.example") == ["anna@acme.example", "3,881.25 EUR", "129.375%", "100%", "", ""]
    assert row(out, "bruno@acme.example") == ["bruno@acme.example", "2,306.25 EUR", "76.875%", "100%", "", ""]
    assert row(out, "dino@acme.example") == ["dino@acme.example", "1,415.63 EUR", "94.375%", "50%", "", ""]
    assert "Total: 7,603.13 EUR" in out
    assert "Lines posted to the ledger: 6" in out  # two components for each of three people
    again = kpilot("bonus", "run", "sales", "--period", "2025-Q1", "--today", AFTER_Q1)
    assert "Run #2 of sales for 2025-Q1" in again[1]
    assert "Nothing posted: the ledger already holds these amounts" in again[1]


def test_a_run_in_italian_writes_money_the_italian_way(kpilot: Kpilot) -> None:
    code, out, _ = kpilot("bonus", "run", "sales", "--period", "2025-Q1", "--today", AFTER_Q1, "--lang", "it")
    assert code == 0
    assert row(out, "anna@acme.example")[:4] == ["anna@acme.example", "3.881,25\xa0€", "129,375%", "100%"]
    assert "Totale: 7.603,13\xa0€" in out


def test_the_run_json_is_run_data(kpilot: Kpilot, tmp_path: Path) -> None:
    code, out, _ = kpilot("bonus", "run", "sales", "--period", "2025-Q1", "--today", AFTER_Q1, "--format", "json")
    assert code == 0
    shown = json.loads(out)
    assert [(p["email"], p["amount"]) for p in shown["people"]] == [
        ("anna@acme.example", "3881.25"),
        ("bruno@acme.example", "2306.25"),
        ("dino@acme.example", "1415.63"),
    ]
    # The reference: the same run, through the service, on a twin of the workspace built the same way.
    twin = bonus_support.build_sales(tmp_path / "twin")
    try:
        with open_store(twin) as store:
            outcome = run_plan(store, Actor.operator(), twin, "sales", "2025-Q1", now=NOW, today=NOW.date())
        assert shown == json.loads(json.dumps(run_data(outcome)))
    finally:
        twin.close()


def test_a_statement_shows_how_each_amount_was_computed(kpilot: Kpilot) -> None:
    kpilot("bonus", "run", "sales", "--period", "2025-Q1", "--today", AFTER_Q1)
    code, out, _ = kpilot("bonus", "statement", "sales", "--person", "anna@acme.example", "--period", "2025-Q1")
    assert code == 0
    lines = [line.strip() for line in out.splitlines()]
    assert lines[0] == "Bonus statement: sales, 2025-Q1, Anna (anna@acme.example)"
    # anna: 1100 / 1000 = 110 %, on the default curve's segment 100-120 % (100 % -> 100 %, 120 % -> 200 %): 150 %.
    # One more percent of attainment pays 5 more points: 0.7 * 0.05 * 3,000 = 105.00.
    for expected in (
        "own_revenue: 3,150.00 EUR (line #1)",
        "revenue (owner=anna): 1,100.00 EUR against a target of 1,000.00 EUR, attainment 110%",
        "on the curve, 110% attainment pays 150% (between 100% and 120%)",
        "payout 150%, weighing 70% of section main",
        "the next 1% of attainment is worth 105.00 EUR",
        "team_revenue: 731.25 EUR (line #2)",
        "revenue (team=EMEA): 1,850.00 EUR against a target of 2,000.00 EUR, attainment 92.5%",
        "on the curve, 92.5% attainment pays 81.25% (between 80% and 100%)",
        # the company's 2350 / 2000 = 117.5 % is above the gate's 90 %
        "gate company_gate: 117.5% is not below 90%, not applied",
        "the plan pays 129.375% of target (its sections added by their weights)",
        "proration 100%: 90 of the period's 90 days in the plan",
        "3,000.00 EUR for the period (25% of 12,000.00 EUR a year) × payout 129.375% × proration 100% = 3,881.25 EUR",
        "total for 2025-Q1: 3,881.25 EUR",
        "owed to date: 3,881.25 EUR",
        "paid to date: 0.00 EUR",
        "payable: 3,881.25 EUR",
        "run #1: draft",
    ):
        assert expected in lines


def test_a_statement_in_italian_and_a_rounded_amount(kpilot: Kpilot) -> None:
    kpilot("bonus", "run", "sales", "--period", "2025-Q1", "--today", AFTER_Q1)
    code, out, _ = kpilot("bonus", "statement", "sales", "--person", "dino@acme.example", "-p", "2025-Q1", "-l", "it")
    assert code == 0
    lines = [line.strip() for line in out.splitlines()]
    # dino: 300 / 300 = 100 % pays 100 %; 70 % of 1,500 = 1,050.00; the team part 365.63 (the largest remainder).
    for expected in (
        "Estratto del bonus: sales, 2025-Q1, Dino (dino@acme.example)",
        "own_revenue: 1.050,00\xa0€ (riga #5)",
        "revenue (owner=dino): 300,00\xa0€ rispetto a un target di 300,00\xa0€, raggiungimento 100%",
        "team_revenue: 365,63\xa0€ (riga #6)",
        "pro rata 50%: 45 dei 90 giorni del periodo nel piano",
        "riproporzionato al periodo: 50,0%; nel piano 45 su 90 giorni",
        "esattamente 1.415,625, arrotondato per eccesso a 1.415,63\xa0€",
        "da pagare: 1.415,63\xa0€",
    ):
        assert expected in lines


def test_the_statement_json_is_statement_data(kpilot: Kpilot, sales: Path) -> None:
    kpilot("bonus", "run", "sales", "--period", "2025-Q1", "--today", AFTER_Q1)
    code, out, _ = kpilot(
        "bonus", "statement", "sales", "--person", "bruno@acme.example", "-p", "2025-Q1", "-f", "json"
    )
    assert code == 0
    shown = json.loads(out)
    assert (shown["total"], shown["payable"]) == ("2306.25", "2306.25")
    with Workspace(sales) as workspace, open_store(workspace) as store:
        found = statement(store, Actor.operator(), workspace, "sales", "bruno@acme.example", "2025-Q1", now=NOW)
    assert shown == json.loads(json.dumps(statement_data(found)))


def test_a_statement_as_a_standalone_html_page(kpilot: Kpilot, tmp_path: Path) -> None:
    kpilot("bonus", "run", "sales", "--period", "2025-Q1", "--today", AFTER_Q1)
    kpilot("bonus", "dispute", "1", "--reason", "<script>alert(1)</script> a deal is missing")
    page = tmp_path / "anna.html"
    args = ("bonus", "statement", "sales", "--person", "anna@acme.example", "-p", "2025-Q1", "-f", "html")
    code, _, err = kpilot(*args, "--output", str(page))
    assert (code, err.strip()) == (0, f"Wrote {page}")
    html = page.read_text(encoding="utf-8")
    assert html.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert "<h1>Bonus statement: sales, 2025-Q1, Anna (anna@acme.example)</h1>" in html
    assert "<li>payable: 3,881.25 EUR</li>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; a deal is missing" in html  # the reason is text, never markup
    assert "<script>" not in html
    assert "<link" not in html
    assert "src=" not in html


def test_nothing_is_run_for_nobody_s_statement(kpilot: Kpilot, sales: Path) -> None:
    code, out, err = kpilot("bonus", "statement", "sales", "--person", "zoe@acme.example", "-p", "2025-Q1")
    assert (code, out) == (1, "")
    assert "error:" in err
    assert "zoe@acme.example" in err
    code, out, _ = kpilot("bonus", "statement", "sales", "--person", "anna@acme.example", "-p", "2025-Q1")
    assert code == 0
    assert "Nothing posted for 2025-Q1 yet" in out
    assert "no run of this period yet" in out
    assert ledger(sales) == ()
