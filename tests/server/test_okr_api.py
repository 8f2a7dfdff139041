"""The OKR endpoints (docs/api.md, "OKRs") over the small company of tests/permissions/org_support.py: cycles made
and read, objectives scored as worked out by hand, the rules refused in the error envelope with their field, who may
check in on what, and a token without `write`.

The server takes the time from the clock, and a cycle may not be over already: every cycle here is in a year to
come, so that nothing depends on the day the tests run (a cycle that has not started expects no progress yet: no
check-in is behind its pace). Each test makes its own cycle, so that the tests do not depend on each other's order."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kpilot import Workspace
from kpilot.auth.actor import Actor
from kpilot.server.api.v1 import okrs as okr_routes
from kpilot.services.tokens import create_token
from kpilot.store import open_store
from kpilot.store.okrs import Okrs
from tests.server.server_support import Company, build_served_company, client

NOW = datetime.now(UTC)
YEAR = NOW.year + 2  # every cycle is in this year: not over, not started
WRITERS = ("ada", "eddie", "anna", "bruno")  # admin, editor, two members
IN_2025 = datetime(2025, 3, 20, 12, tzinfo=UTC)  # day 79 of 2025-Q1 (90 days), with org_support's deals


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Company, dict[str, Any]]]:
    """The served company, and for each writer a token with `read` and `write` (the company's own are `read` only)."""
    company = build_served_company(tmp_path_factory.mktemp("okr_api") / "ws")
    writing = {name: _token(company.root, name, ["read", "write"]) for name in WRITERS}
    with client(company.root) as api:
        yield api, company, writing


def _token(root: Path, name: str, scopes: list[str]) -> dict[str, str]:
    with Workspace(root) as workspace, open_store(workspace) as store:
        made = create_token(
            store, Actor.operator(), f"{name}@acme.example", "okr tests", scopes,
            expires_at=NOW + timedelta(days=1), now=NOW,
        )  # fmt: skip
    return {"Authorization": f"Bearer {made.raw}"}


def _cycle(api: TestClient, who: dict[str, str], name: str, quarter: int = 1) -> dict[str, Any]:
    response = api.post("/api/v1/okrs/cycles", json={"name": name, "period": f"{YEAR}-Q{quarter}"}, headers=who)
    assert response.status_code == 201, response.text
    made: dict[str, Any] = response.json()
    return made


def _number(title: str, target: Any, weight: Any = 1) -> dict[str, Any]:
    return {
        "title": title,
        "kind": "number",
        "direction": "increase",
        "baseline": 0,
        "target": target,
        "weight": weight,
    }


def _objective(api: TestClient, who: dict[str, str], cycle: str, body: dict[str, Any]) -> dict[str, Any]:
    response = api.post(f"/api/v1/okrs/cycles/{cycle}/objectives", json=body, headers=who)
    assert response.status_code == 201, response.text
    made: dict[str, Any] = response.json()
    return made


def _team_objective(title: str, *key_results: dict[str, Any], team: str = "EMEA", **more: Any) -> dict[str, Any]:
    return {"title": title, "level": "team", "owner": {"team": team}, "key_results": list(key_results), **more}


def _error(response: Any, status: int, code: str, field: str | None) -> None:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert (error["code"], error["field"]) == (code, field)
    assert error["message"]  # in words, not only a code


def test_a_cycle_is_made_listed_and_opened(served: Any) -> None:
    api, company, writing = served
    ada = writing["ada"]
    made = _cycle(api, ada, "made", quarter=2)
    # The second quarter runs from April 1 to June 30; the grading is the classic 0.7 / 0.4 unless set.
    assert made == {
        "name": "made", "period": f"{YEAR}-Q2", "starts_on": f"{YEAR}-04-01", "ends_on": f"{YEAR}-06-30",
        "state": "open", "rollup": "weighted_mean", "grading": {"green": 0.7, "yellow": 0.4},
    }  # fmt: skip
    body = {
        "name": "draft", "starts_on": f"{YEAR}-07-01", "ends_on": f"{YEAR}-07-31", "state": "draft",
        "rollup": "minimum", "grading": {"green": "0.8", "yellow": 0.5},
    }  # fmt: skip
    draft = api.post("/api/v1/okrs/cycles", json=body, headers=ada)
    assert draft.status_code == 201, draft.text
    assert draft.json()["period"] is None
    assert draft.json()["grading"] == {"green": 0.8, "yellow": 0.5}
    listed = api.get("/api/v1/okrs/cycles", headers=company.headers("vera"))  # a viewer reads OKRs
    assert listed.status_code == 200, listed.text
    assert {"made", "draft"} <= {cycle["name"] for cycle in listed.json()["cycles"]}
    opened = api.post("/api/v1/okrs/cycles/draft/open", headers=ada)
    assert opened.status_code == 200, opened.text
    assert opened.json()["state"] == "open"
    _error(api.post("/api/v1/okrs/cycles/draft/open", headers=ada), 400, "okr.cycle_not_draft", "state")
    _error(api.post("/api/v1/okrs/cycles", json=body | {"state": "open"}, headers=ada), 400, "okr.cycle_exists", "name")


def test_the_scored_cycle_is_worked_out_from_the_check_ins(served: Any) -> None:
    """Grow EMEA has three key results: a number from 0 to 200 of weight 3, checked in at 50 (progress 50/200 =
    1/4); four milestones of weight 1, two done (2/4 = 1/2); a number from 0 to 0.3 of weight 0, at 0.1 (1/3, which
    counts for nothing). The weighted mean is (3 x 1/4 + 1 x 1/2 + 0 x 1/3) / (3 + 1 + 0) = 1.25/4 = 0.3125: red,
    under the yellow line of 0.4."""
    api, company, writing = served
    ada = writing["ada"]
    _cycle(api, ada, "scored")
    made = _objective(
        api, ada, "scored",
        _team_objective(
            "Grow EMEA", _number("Deals", 200, weight=3),
            {"title": "Launch", "kind": "milestones", "milestones": ["plan", "build", "test", "ship"]},
            _number("Share", "0.3", weight="0"),
        ),
    )  # fmt: skip
    deals, launch, share = (kr["id"] for kr in made["key_results"])
    assert [kr["position"] for kr in made["key_results"]] == [1, 2, 3]
    assert made["owner"]["kind"] == "team"
    assert made["level"] == "team"
    for kr, body in ((deals, {"value": 50}), (launch, {"done": [1, 2]}), (share, {"value": 0.1})):
        response = api.post(f"/api/v1/okrs/key-results/{kr}/check-ins", json=body | {"confidence": 7}, headers=ada)
        assert response.status_code == 201, response.text
    read = api.get("/api/v1/okrs/cycles/scored", headers=company.headers("vera"))
    assert read.status_code == 200, read.text
    (objective,) = read.json()["objectives"]
    assert objective["progress"] == 0.3125
    assert objective["colour"] == "red"
    assert objective["owner"]["name"] == "EMEA"
    assert [kr["progress"] for kr in objective["key_results"]] == [0.25, 0.5, 0.333333]
    assert [kr["value"] for kr in objective["key_results"]] == [50, 2, 0.1]  # milestones: the count done
    # The numbers are kept as the decimals sent, a JSON number (0.1) and a decimal string ("0.3") alike.
    with Workspace(company.root) as workspace, open_store(workspace) as store, store.reading() as session:
        kept = Okrs(session).key_result(share)
        assert kept is not None
        assert kept.target == Decimal("0.3")
        assert kept.weight == Decimal(0)
        cycle = Okrs(session).cycle_of_objective(kept.objective_id)
        assert cycle is not None
        (check_in,) = (c for c in Okrs(session).content(cycle.id).check_ins if c.key_result_id == share)
        assert check_in.value == Decimal("0.1")


def test_a_sixth_key_result_is_refused(served: Any) -> None:
    api, _, writing = served
    ada = writing["ada"]
    _cycle(api, ada, "six")
    six = _team_objective("Too much", *(_number(f"KR {n}", 10) for n in range(1, 7)))
    _error(
        api.post("/api/v1/okrs/cycles/six/objectives", json=six, headers=ada), 400, "okr.too_many_key_results",
        "key_results",
    )  # fmt: skip
    five = _objective(api, ada, "six", _team_objective("Enough", *(_number(f"KR {n}", 10) for n in range(1, 6))))
    response = api.post(f"/api/v1/okrs/objectives/{five['id']}/key-results", json=_number("KR 6", 10), headers=ada)
    _error(response, 400, "okr.too_many_key_results", "key_results")
    (objective,) = api.get("/api/v1/okrs/cycles/six", headers=ada).json()["objectives"]  # the refused one: nothing
    assert objective["title"] == "Enough"
    assert len(objective["key_results"]) == 5


def test_a_negative_weight_is_refused(served: Any) -> None:
    api, _, writing = served
    ada = writing["ada"]
    _cycle(api, ada, "weights")
    made = _objective(api, ada, "weights", _team_objective("Weighed", _number("One", 10)))
    response = api.post(
        f"/api/v1/okrs/objectives/{made['id']}/key-results", json=_number("Two", 10, weight="-1"), headers=ada
    )
    # The objective has one key result: the new one is its second, key_results[1].
    _error(response, 400, "okr.weight_negative", "key_results[1].weight")
    parent = _objective(api, ada, "weights", _team_objective("Above", team="Sales"))
    link = {"objective": parent["id"], "weight": -0.5}
    response = api.post(f"/api/v1/okrs/objectives/{made['id']}/alignments", json=link, headers=ada)
    _error(response, 400, "okr.weight_negative", "aligned_to.weight")
    added = api.post(f"/api/v1/okrs/objectives/{made['id']}/key-results", json=_number("Two", "2.5"), headers=ada)
    assert added.status_code == 201, added.text
    assert added.json() | {"id": 0} == {
        "id": 0, "objective": made["id"], "position": 2, "title": "Two", "kind": "number", "kpi": None, "scope": {},
        "direction": "increase", "baseline": 0, "target": 2.5, "stretch": None, "upper": None, "unit": None,
        "weight": 1,
    }  # fmt: skip


def test_an_alignment_that_makes_a_cycle_is_refused(served: Any) -> None:
    """Sales <- EMEA (aligned at creation, to Sales' objective) and EMEA's second objective <- EMEA's key result:
    then Sales aligned to EMEA would make the loop Sales -> EMEA -> Sales."""
    api, _, writing = served
    ada = writing["ada"]
    _cycle(api, ada, "links")
    sales = _objective(api, ada, "links", _team_objective("Sales grows", _number("Revenue", 100), team="Sales"))
    emea = _objective(
        api, ada, "links", _team_objective("EMEA grows", _number("Deals", 10), aligned_to=[{"objective": sales["id"]}])
    )
    to_kr = {"key_result": emea["key_results"][0]["id"], "weight": "2"}
    below = _objective(api, ada, "links", _team_objective("EMEA deals", _number("Calls", 10)))
    linked = api.post(f"/api/v1/okrs/objectives/{below['id']}/alignments", json=to_kr, headers=ada)
    assert linked.status_code == 201, linked.text
    assert linked.json() | {"id": 0} == {
        "id": 0, "child": below["id"], "objective": None, "key_result": to_kr["key_result"], "weight": 2
    }  # fmt: skip
    response = api.post(
        f"/api/v1/okrs/objectives/{sales['id']}/alignments", json={"objective": emea["id"]}, headers=ada
    )
    _error(response, 400, "okr.alignment_cycle", "aligned_to")
    both = {"objective": sales["id"], "key_result": to_kr["key_result"]}
    response = api.post(f"/api/v1/okrs/objectives/{below['id']}/alignments", json=both, headers=ada)
    _error(response, 400, "okr.align_one_parent", "aligned_to")
    read = api.get("/api/v1/okrs/cycles/links", headers=ada).json()
    links = {objective["title"]: objective["aligned_to"] for objective in read["objectives"]}
    assert links == {
        "Sales grows": [],
        "EMEA grows": [{"objective": sales["id"], "key_result": None, "weight": 1}],
        "EMEA deals": [{"objective": None, "key_result": to_kr["key_result"], "weight": 2}],
    }


def test_what_does_not_exist_is_404(served: Any) -> None:
    api, company, writing = served
    ada = writing["ada"]
    _error(api.get("/api/v1/okrs/cycles/nothing", headers=company.headers("vera")), 404, "okr.unknown_cycle", "cycle")
    response = api.post("/api/v1/okrs/cycles/nothing/objectives", json=_team_objective("Lost"), headers=ada)
    _error(response, 404, "okr.unknown_cycle", "cycle")
    response = api.post("/api/v1/okrs/objectives/999999/key-results", json=_number("Lost", 1), headers=ada)
    _error(response, 404, "okr.unknown_objective", "objective")
    response = api.post("/api/v1/okrs/key-results/999999/check-ins", json={"confidence": 5}, headers=ada)
    _error(response, 404, "okr.unknown_key_result", "key_result")


def test_a_member_checks_in_on_their_own_key_results_only(served: Any) -> None:
    api, _, writing = served
    _cycle(api, writing["ada"], "people")
    body = {"title": "Bruno sells", "level": "person", "owner": {"person": "Bruno@acme.example"}}
    made = _objective(api, writing["ada"], "people", body | {"key_results": [_number("Deals", 10)]})
    kr = made["key_results"][0]["id"]
    response = api.post(f"/api/v1/okrs/key-results/{kr}/check-ins", json={"confidence": 6}, headers=writing["anna"])
    _error(response, 403, "okr.not_yours", "owner")
    mine = api.post(
        f"/api/v1/okrs/key-results/{kr}/check-ins", json={"confidence": 6, "value": "3"}, headers=writing["bruno"]
    )
    assert mine.status_code == 201, mine.text
    answer = mine.json()
    assert (answer["author"], answer["value"], answer["confidence"], answer["correction"]) == (
        "bruno@acme.example",
        3,
        6,
        False,
    )
    initiative = {"title": "Call the top ten", "state": "active", "link": "https://example.com/plan"}
    response = api.post(f"/api/v1/okrs/key-results/{kr}/initiatives", json=initiative, headers=writing["anna"])
    _error(response, 403, "okr.not_yours", "owner")
    added = api.post(f"/api/v1/okrs/key-results/{kr}/initiatives", json=initiative, headers=writing["bruno"])
    assert added.status_code == 201, added.text
    assert added.json() == {"key_result": kr} | initiative


def test_a_token_without_write_changes_nothing(served: Any) -> None:
    api, company, _ = served
    reading = company.headers("ada")  # an admin, but this token has `read` only
    response = api.post("/api/v1/okrs/cycles", json={"name": "refused", "period": f"{YEAR}-Q3"}, headers=reading)
    _error(response, 403, "permissions.token_lacks_scope", "token")
    assert "refused" not in {
        cycle["name"] for cycle in api.get("/api/v1/okrs/cycles", headers=reading).json()["cycles"]
    }


def test_a_low_confidence_needs_a_note(served: Any) -> None:
    api, _, writing = served
    ada = writing["ada"]
    _cycle(api, ada, "notes")
    kr = _objective(api, ada, "notes", _team_objective("Noted", _number("Deals", 10)))["key_results"][0]["id"]
    response = api.post(f"/api/v1/okrs/key-results/{kr}/check-ins", json={"confidence": 3, "value": 1}, headers=ada)
    _error(response, 400, "okr.note_needed", "note")
    body = {"confidence": 3, "value": 1, "note": "Two deals slipped to next quarter"}
    noted = api.post(f"/api/v1/okrs/key-results/{kr}/check-ins", json=body, headers=ada)
    assert noted.status_code == 201, noted.text
    assert noted.json()["note"] == "Two deals slipped to next quarter"


def test_an_owner_is_one_person_or_one_team(served: Any) -> None:
    api, _, writing = served
    _cycle(api, writing["ada"], "owners")
    for owner in ({}, {"person": "anna@acme.example", "team": "EMEA"}):
        body = {"title": "Whose", "level": "team", "owner": owner}
        response = api.post("/api/v1/okrs/cycles/owners/objectives", json=body, headers=writing["ada"])
        _error(response, 400, "api.okr_owner_one", "owner")


def test_the_current_cycle_is_the_open_one_to_start_last(served: Any) -> None:
    """No cycle runs today (they are all to come): the current one is the open cycle that starts last."""
    api, _, writing = served
    ada = writing["ada"]
    later = api.post("/api/v1/okrs/cycles", json={"name": "later", "period": f"{YEAR + 1}"}, headers=ada)
    assert later.status_code == 201, later.text
    current = api.get("/api/v1/okrs/cycles/current", headers=ada)
    assert current.status_code == 200, current.text
    assert current.json()["cycle"]["name"] == "later"
    assert current.json()["objectives"] == []


def test_closing_keeps_the_final_values(served: Any) -> None:
    api, _, writing = served
    ada = writing["ada"]
    _cycle(api, ada, "closing")
    kr = _objective(api, ada, "closing", _team_objective("Closed", _number("Deals", 8)))["key_results"][0]["id"]
    checked = api.post(f"/api/v1/okrs/key-results/{kr}/check-ins", json={"confidence": 8, "value": 6}, headers=ada)
    assert checked.status_code == 201, checked.text
    closed = api.post("/api/v1/okrs/cycles/closing/close", headers=ada)
    assert closed.status_code == 200, closed.text
    (objective,) = closed.json()["objectives"]
    (key_result,) = objective["key_results"]
    assert closed.json()["cycle"]["state"] == "closed"
    assert (key_result["value"], key_result["progress"], key_result["final"]) == (6, 0.75, True)  # 6/8
    response = api.post("/api/v1/okrs/cycles/closing/objectives", json=_team_objective("Late"), headers=ada)
    _error(response, 400, "okr.cycle_closed", "cycle")


def test_a_kpi_key_result_is_measured_over_its_owners_data(served: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """On 2025-03-20, EMEA's company_revenue in 2025-Q1 is rows 1-4 and 8 of org_support's deals, 10 + 20 + 40 + 5
    + 1000 = 1075: towards 2000 from 0, progress 1075/2000 = 43/80 = 0.5375. A sum's pace is its share of the
    quarter's projected total: with no past quarter, the run rate of the 78.5 days gone of 90 (the scorecard counts
    today as half a day), 78.5/90 = 157/180 = 0.872222; so 157/180 - 43/80 = 241/720 = 0.334722 behind, more than
    15 points, and a check-in must say why."""
    api, _, writing = served
    ada = writing["ada"]
    monkeypatch.setattr(okr_routes, "now", lambda: IN_2025)
    created = api.post("/api/v1/okrs/cycles", json={"name": "measured", "period": "2025-Q1"}, headers=ada)
    assert created.status_code == 201, created.text
    revenue = {
        "title": "EMEA revenue", "kind": "kpi", "kpi": "company_revenue", "direction": "increase", "baseline": 0,
        "target": 2000,
    }  # fmt: skip
    kr = _objective(api, ada, "measured", _team_objective("Grow EMEA", revenue))["key_results"][0]["id"]
    (objective,) = api.get("/api/v1/okrs/cycles/measured", headers=ada).json()["objectives"]
    (scored,) = objective["key_results"]
    assert scored["scope"] == {"team": "EMEA"}  # the owning team's slice of the data
    assert (scored["value"], scored["progress"], scored["expected"], scored["behind"]) == (
        1075, 0.5375, 0.872222, 0.334722
    )  # fmt: skip
    assert scored["partial"] is True  # the quarter still runs on 2025-03-20
    response = api.post(f"/api/v1/okrs/key-results/{kr}/check-ins", json={"confidence": 8}, headers=ada)
    _error(response, 400, "okr.note_needed", "note")
    response = api.post(f"/api/v1/okrs/key-results/{kr}/check-ins", json={"confidence": 8, "value": 1}, headers=ada)
    _error(response, 400, "okr.value_is_measured", "value")


TARGETS = "targets:\n  - {kpi: company_revenue, period: '2025-Q1', target: 5000}\n"


@pytest.fixture(scope="module")
def proposing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Company]]:
    """Another company, with no cycle at first, then a target for 2025-Q1 and that quarter's cycle, made on
    2025-03-20 (the server's clock set back: today it would be over)."""
    company = build_served_company(tmp_path_factory.mktemp("okr_proposals") / "ws")
    (company.root / "definitions" / "targets.yaml").write_text(TARGETS)
    ada = _token(company.root, "ada", ["read", "write"])
    with client(company.root) as api:
        _error(api.get("/api/v1/okrs/cycles/current", headers=ada), 404, "okr.no_current_cycle", "cycle")
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(okr_routes, "now", lambda: IN_2025)
            made = api.post("/api/v1/okrs/cycles", json={"name": "2025-Q1", "period": "2025-Q1"}, headers=ada)
        assert made.status_code == 201, made.text
        yield api, company


def test_proposals_draft_an_objective_for_a_kpi_off_its_target(proposing: Any) -> None:
    """company_revenue in 2025-Q1 is every deal, 1775 (org_support's table), against a target of 5000: far off.
    A sum adds up from 0 over the quarter, so the key result goes from 0 to 5000; no owner: the company's."""
    api, company = proposing
    response = api.get("/api/v1/okrs/proposals", params={"cycle": "2025-Q1"}, headers=company.headers("ada"))
    assert response.status_code == 200, response.text
    (proposal,) = response.json()["proposals"]
    assert proposal["kpi"] == "company_revenue"
    assert proposal["value"] == 1775
    assert proposal["owner"] == {"kind": "team", "name": "Acme"}
    key_result = proposal["key_result"]
    assert (key_result["kind"], key_result["direction"], key_result["baseline"], key_result["target"]) == (
        "kpi", "increase", 0, 5000
    )  # fmt: skip
