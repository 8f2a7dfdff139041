"""The bonus endpoints (docs/api.md, "Bonuses") over the small sales team of tests/incentives/bonus_support.py, with
2025-Q1 run once by Paula (admin, `compensation`). The amounts are the ones worked out by hand in the docstring of
tests/incentives/test_bonus_service.py: anna 3,881.25 (3,150.00 own revenue + 731.25 team revenue), bruno 2,306.25,
dino 1,415.63. Who may read what: a rep their own statement only, Mara (their manager) her reports', a holder of
`compensation` anyone's; everyone else is refused in the error envelope. The workflow runs draft -> review ->
approved (by Otto, not Paula who ran it) -> paid -> closed, and a dispute from Anna is resolved by Otto."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kpilot.auth.actor import Actor
from kpilot.auth.grants import Permission
from kpilot.services.accounts import NewPassword, add_account, set_permission
from kpilot.services.bonus_runs import run_plan
from kpilot.services.tokens import create_token
from kpilot.store import open_store
from tests.incentives.bonus_support import AFTER_Q1, ROLES, actor, build_sales
from tests.server.server_support import client

NOW = datetime.now(UTC)
PAYERS = ("paula", "ed", "otto")  # with the `compensation` permission
PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class BonusCompany:
    root: Path
    tokens: dict[str, str]  # first name -> a token with `read` and `write`
    readers: dict[str, str]  # first name -> a token with `read` only
    first_run: int  # the run of 2025-Q1 Paula made

    def headers(self, name: str, *, write: bool = True) -> dict[str, str]:
        return {"Authorization": f"Bearer {(self.tokens if write else self.readers)[name]}"}


def build_bonus_company(root: Path, *, passwords: bool = False) -> BonusCompany:
    """The sales team with an account and two tokens a person, `compensation` for the payers, and 2025-Q1 run."""
    workspace = build_sales(root)
    operator = Actor.operator()
    tokens, readers = {}, {}
    with open_store(workspace) as store:
        for name, role in ROLES.items():
            email = f"{name}@acme.example"
            password = NewPassword(PASSWORD) if passwords else None
            add_account(store, operator, email, [role], password=password, now=NOW)
            if name in PAYERS:
                set_permission(store, operator, email, Permission.COMPENSATION, True, now=NOW)
            later = NOW + timedelta(days=1)
            tokens[name] = create_token(store, operator, email, "t", ["read", "write"], expires_at=later, now=NOW).raw
            readers[name] = create_token(store, operator, email, "r", ["read"], expires_at=later, now=NOW).raw
        paula = actor(workspace, "paula", pay=True)
        outcome = run_plan(store, paula, workspace, "sales", "2025-Q1", now=NOW, today=AFTER_Q1)
    workspace.close()
    return BonusCompany(root, tokens, readers, outcome.run.id)


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> BonusCompany:
    return build_bonus_company(tmp_path_factory.mktemp("bonus_api") / "ws")


@pytest.fixture(scope="module")
def api(company: BonusCompany) -> Iterator[TestClient]:
    with client(company.root) as test_client:
        yield test_client


def _error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["message"]  # in words, not only a code
    if code is not None:
        assert error["code"] == code, error
    return error


def _statement(api: TestClient, company: BonusCompany, reader: str, person: str) -> Any:
    path = f"/api/v1/bonus/statements/sales/2025-Q1/{person}@acme.example"
    return api.get(path, headers=company.headers(reader, write=False))


def test_plans_are_listed_with_their_periods(api: TestClient, company: BonusCompany) -> None:
    response = api.get("/api/v1/bonus/plans", headers=company.headers("anna", write=False))
    assert response.status_code == 200, response.text
    quarters = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]  # both plans pay by quarter in 2025
    assert response.json() == {
        "plans": [
            {"name": "sales", "title": "sales", "currency": "EUR", "periods": quarters},
            {"name": "speed", "title": "speed", "currency": "EUR", "periods": quarters},
        ]
    }


def test_a_rep_reads_her_own_statement_with_the_hand_worked_amounts(api: TestClient, company: BonusCompany) -> None:
    response = _statement(api, company, "anna", "anna")
    assert response.status_code == 200, response.text
    data = response.json()
    assert (data["plan"], data["period"], data["currency"]) == ("sales", "2025-Q1", "EUR")
    assert data["person"] == {"email": "anna@acme.example", "name": "Anna"}
    # 0.7 x 1.5 x 3,000 = 3,150.00 and 0.24375 x 3,000 = 731.25 (the service test's docstring)
    assert {line["component"]: line["amount"] for line in data["lines"]} == {
        "own_revenue": "3150.00",
        "team_revenue": "731.25",
    }
    assert (data["total"], data["owed_to_date"], data["paid_to_date"], data["payable"]) == (
        "3881.25", "3881.25", "0", "3881.25",
    )  # fmt: skip
    own = next(line for line in data["lines"] if line["component"] == "own_revenue")
    # anna's 1100 of 1000: attainment 1.1, paid 1.5 on the default curve
    assert own["details"]["component"]["kpi"] == "revenue"
    assert Decimal(own["details"]["component"]["curve"]["payout"]) == Decimal("1.5")


def test_a_rep_may_not_read_anyone_else(api: TestClient, company: BonusCompany) -> None:
    _error(_statement(api, company, "anna", "bruno"), 403, "incentives.statement.not_yours")
    _error(_statement(api, company, "bruno", "anna"), 403, "incentives.statement.not_yours")
    _error(_statement(api, company, "carl", "dino"), 403, "incentives.statement.not_yours")


def test_a_manager_reads_her_reports_and_a_payer_anyone(api: TestClient, company: BonusCompany) -> None:
    expected = {"anna": "3881.25", "bruno": "2306.25", "dino": "1415.63"}  # the service test's docstring
    for person, total in expected.items():
        for reader in ("mara", "paula"):
            response = _statement(api, company, reader, person)
            assert response.status_code == 200, (reader, person, response.text)
            assert response.json()["total"] == total
    _error(_statement(api, company, "mara", "paula"), 403)  # not her report, and no `compensation`


def test_unknown_things_are_404_in_the_envelope(api: TestClient, company: BonusCompany) -> None:
    who = company.headers("paula")
    _error(api.get("/api/v1/bonus/statements/nope/2025-Q1/anna@acme.example", headers=who), 404,
           "incentives.run.unknown_plan")  # fmt: skip
    _error(api.get("/api/v1/bonus/statements/sales/2025-Q1/zed@acme.example", headers=who), 404,
           "incentives.statement.unknown_person")  # fmt: skip
    _error(api.get("/api/v1/bonus/plans/nope/runs", headers=who), 404, "incentives.run.unknown_plan")
    _error(api.post("/api/v1/bonus/runs/999999/submit", headers=who), 404)
    _error(api.post("/api/v1/bonus/disputes/999999/resolve", json={"accepted": True, "resolution": "x"},
                    headers=company.headers("otto")), 404, "store.bonus.dispute_unknown")  # fmt: skip
    # A line of someone else's is unknown to Bruno exactly like a missing one.
    line = _statement(api, company, "anna", "anna").json()["lines"][0]["lines"][0]
    _error(api.post(f"/api/v1/bonus/lines/{line}/disputes", json={"reason": "mine?"}, headers=company.headers("bruno")),
           404, "incentives.workflow.unknown_line")  # fmt: skip


def test_running_needs_compensation_and_a_period_that_ended(api: TestClient, company: BonusCompany) -> None:
    _error(api.post("/api/v1/bonus/plans/sales/runs", json={"period": "2025-Q1"}, headers=company.headers("anna")), 403)
    _error(api.get("/api/v1/bonus/plans/sales/runs", headers=company.headers("mara")), 403)
    wrong = api.post("/api/v1/bonus/plans/sales/runs", json={"period": "2024-Q1"}, headers=company.headers("paula"))
    assert _error(wrong, 400, "incentives.run.not_a_plan_period")["field"] == "period"
    _error(api.post("/api/v1/bonus/plans/sales/runs", json={}, headers=company.headers("paula")), 422)
    read_only = api.post("/api/v1/bonus/plans/sales/runs", json={"period": "2025-Q1"},
                         headers=company.headers("paula", write=False))  # fmt: skip
    _error(read_only, 403)


def test_the_workflow_from_draft_to_closed(tmp_path: Path) -> None:
    """On a company of its own: paying and closing would change what the other tests read."""
    company = build_bonus_company(tmp_path / "ws")
    with client(company.root) as api:
        _workflow(api, company)


def _workflow(api: TestClient, company: BonusCompany) -> None:
    run = company.first_run
    paula, otto = company.headers("paula"), company.headers("otto")
    listed = api.get("/api/v1/bonus/plans/sales/runs", headers=paula)
    assert listed.status_code == 200, listed.text
    assert [(r["id"], r["status"]) for r in listed.json()["runs"]] == [(run, "draft")]
    _error(api.post(f"/api/v1/bonus/runs/{run}/approve", headers=otto), 400, "store.bonus.approve_not_in_review")
    submitted = api.post(f"/api/v1/bonus/runs/{run}/submit", headers=paula)
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "review"
    # Nobody approves a run they started.
    _error(api.post(f"/api/v1/bonus/runs/{run}/approve", headers=paula), 400, "incentives.workflow.own_run")
    approved = api.post(f"/api/v1/bonus/runs/{run}/approve", headers=otto)
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    assert [a["approver"] for a in approved.json()["approvals"]] == ["otto@acme.example"]
    _error(api.get(f"/api/v1/bonus/runs/{run}/payroll.csv", headers=paula), 400, "incentives.workflow.export_unpaid")
    paid = api.post(f"/api/v1/bonus/runs/{run}/pay", headers=otto)
    assert paid.status_code == 200, paid.text
    assert paid.json()["run"]["status"] == "paid"
    # One paid line a person, for what is payable: the three totals of the hand-worked run.
    assert sorted(line["amount"] for line in paid.json()["paid"]) == ["1415.63", "2306.25", "3881.25"]
    csv = api.get(f"/api/v1/bonus/runs/{run}/payroll.csv", headers=paula)
    assert csv.status_code == 200, csv.text
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines() == [
        "email,name,plan,period,amount,currency",
        "anna@acme.example,Anna,sales,2025-Q1,3881.25,EUR",
        "bruno@acme.example,Bruno,sales,2025-Q1,2306.25,EUR",
        "dino@acme.example,Dino,sales,2025-Q1,1415.63,EUR",
    ]
    closed = api.post("/api/v1/bonus/plans/sales/periods/2025-Q1/close", headers=otto)
    assert closed.status_code == 200, closed.text
    assert (closed.json()["plan"], closed.json()["period"], closed.json()["locked_by"]) == (
        "sales", "2025-Q1", "otto@acme.example",
    )  # fmt: skip
    _error(api.post("/api/v1/bonus/plans/sales/periods/2025-Q1/close", headers=otto), 400, "store.bonus.locked_already")
    assert api.get("/api/v1/bonus/plans/sales/runs", headers=otto).json()["locked"] == ["2025-Q1"]
    anna = _statement(api, company, "anna", "anna").json()
    assert (anna["paid_to_date"], anna["payable"]) == ("3881.25", "0.00")


def test_a_dispute_is_opened_by_its_person_and_resolved(api: TestClient, company: BonusCompany) -> None:
    line = _statement(api, company, "anna", "anna").json()["lines"][0]["lines"][0]
    _error(api.post(f"/api/v1/bonus/lines/{line}/disputes", json={"reason": "  "}, headers=company.headers("anna")),
           400, "store.bonus.text_length")  # fmt: skip
    opened = api.post(
        f"/api/v1/bonus/lines/{line}/disputes", json={"reason": "my March deal is missing"},
        headers=company.headers("anna"),
    )  # fmt: skip
    assert opened.status_code == 201, opened.text
    dispute = opened.json()
    assert (dispute["line"], dispute["status"], dispute["reason"]) == (line, "open", "my March deal is missing")
    assert dispute["id"] in [d["id"] for d in _statement(api, company, "anna", "anna").json()["disputes"]]
    open_ones = api.get("/api/v1/bonus/plans/sales/runs", headers=company.headers("otto")).json()["disputes"]
    assert [d["id"] for d in open_ones] == [dispute["id"]]
    body = {"accepted": False, "resolution": "the deal closed in April"}
    _error(api.post(f"/api/v1/bonus/disputes/{dispute['id']}/resolve", json=body, headers=company.headers("anna")), 403)
    resolved = api.post(f"/api/v1/bonus/disputes/{dispute['id']}/resolve", json=body, headers=company.headers("otto"))
    assert resolved.status_code == 200, resolved.text
    assert (resolved.json()["status"], resolved.json()["resolution"]) == ("rejected", "the deal closed in April")
    again = api.post(f"/api/v1/bonus/disputes/{dispute['id']}/resolve", json=body, headers=company.headers("otto"))
    _error(again, 400, "store.bonus.dispute_resolved_already")


def test_no_credentials_is_401_in_the_envelope(api: TestClient) -> None:
    _error(api.get("/api/v1/bonus/plans"), 401)
    _error(api.get("/api/v1/bonus/statements/sales/2025-Q1/anna@acme.example"), 401)


def test_a_simulation_for_payers_only(api: TestClient, company: BonusCompany) -> None:
    # 2025 has ended: 2025-Q1 costs 3,881.25 + 2,306.25 + 1,415.63; the other quarters have no targets (0)
    found = api.get("/api/v1/bonus/plans/sales/simulation", headers=company.headers("paula", write=False))
    assert found.status_code == 200, found.text
    data = found.json()
    assert (data["total"], data["accrual"]) == ("7603.13", None)
    assert [period["period"] for period in data["periods"]] == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    what_if = api.get(
        "/api/v1/bonus/plans/sales/simulation", params={"what_if": "threshold=95%"}, headers=company.headers("paula")
    )
    assert what_if.json()["total"] == "4200.00"  # bruno and the team below 95 %: 3,150 + 1,050
    _error(api.get("/api/v1/bonus/plans/sales/simulation", headers=company.headers("anna")), 403)
    bad = api.get("/api/v1/bonus/plans/sales/simulation", params={"what_if": "x"}, headers=company.headers("paula"))
    _error(bad, 400, "incentives.simulate.bad_scenario")
