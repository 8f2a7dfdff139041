"""The authorization matrix of the REST API: every endpoint that shows data x every person of the small company of
tests/permissions/org_support.py (each role) x (their own scope, another team's, the company's), with the allowed
or hidden answer and, for allowed reads, the exact value and row count. Guessing names (KPIs someone may not see)
is tried on every endpoint that takes one. Zero leaks: a number is only ever computed over rows its reader may see.

The expected answers are worked out by hand from the deals table and docs/permissions.md, not by the code:

    row  team  owner  amount        EMEA: rows 1 2 3 4 8; APAC: rows 5 6 7 (today: Bruno moved to APAC on
    1    EMEA  anna     10          2025-03-15; his deal of February stays an EMEA row, it is the data's team)
    2    EMEA  anna     20
    3    EMEA  bruno    40          Carla (manager, in Sales, no scope of her own) manages Mara, who manages Anna,
    4    EMEA  mara      5          who manages Bruno. Mara (manager) is in EMEA; Anna and Dino (members) in EMEA;
    5    APAC  carl    100          Bruno and Carl (members) in APAC; Vera is a viewer, Ada an admin, Eddie an editor.
    6    APAC  carl    200
    7    APAC  bruno   400
    8    EMEA  dino   1000
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.server.server_support import Company

ROWS = {
    1: ("EMEA", "anna", 10),
    2: ("EMEA", "anna", 20),
    3: ("EMEA", "bruno", 40),
    4: ("EMEA", "mara", 5),
    5: ("APAC", "carl", 100),
    6: ("APAC", "carl", 200),
    7: ("APAC", "bruno", 400),
    8: ("EMEA", "dino", 1000),
}
EVERY = frozenset(ROWS)
EMEA, APAC = frozenset({1, 2, 3, 4, 8}), frozenset({5, 6, 7})


def owned(*names: str) -> frozenset[int]:
    return frozenset(row for row, (_, owner, _) in ROWS.items() if owner in names)


# person -> visibility -> the rows they see of a KPI of that visibility (None: the KPI does not exist for them).
SEES: dict[str, dict[str, frozenset[int] | None]] = {
    # Admins and editors: every KPI over every row.
    "ada": {"company": EVERY, "team": EVERY, "private": EVERY, "restricted": EVERY, "managers": EVERY},
    "eddie": {"company": EVERY, "team": EVERY, "private": EVERY, "restricted": EVERY, "managers": EVERY},
    # Carla: the teams under Sales (EMEA, APAC); her reports' own rows (Mara, Anna, Bruno); not granted restricted.
    "carla": {
        "company": EVERY,
        "team": EMEA | APAC | owned("mara", "anna", "bruno"),
        "private": owned("mara", "anna", "bruno"),
        "restricted": None,
        "managers": EVERY,
    },
    # Mara: her own, EMEA's, her reports' (Anna, Bruno, whose APAC deal comes with him); in EMEA, so granted.
    "mara": {
        "company": EVERY,
        "team": owned("mara") | EMEA | owned("anna", "bruno"),
        "private": owned("mara", "anna", "bruno"),
        "restricted": EVERY,
        "managers": EVERY,
    },
    "anna": {
        "company": EVERY,
        "team": owned("anna") | EMEA,
        "private": owned("anna"),
        "restricted": EVERY,
        "managers": None,
    },
    # Bruno is in APAC today: not granted (EMEA's members are); his own deals in both teams.
    "bruno": {
        "company": EVERY,
        "team": owned("bruno") | APAC,
        "private": owned("bruno"),
        "restricted": None,
        "managers": None,
    },
    "carl": {
        "company": EVERY,
        "team": owned("carl") | APAC,
        "private": owned("carl"),
        "restricted": EVERY,
        "managers": None,
    },
    "dino": {
        "company": EVERY,
        "team": owned("dino") | EMEA,
        "private": owned("dino"),
        "restricted": EVERY,
        "managers": None,
    },
    # A viewer: company KPIs only, granted or not.
    "vera": {"company": EVERY, "team": None, "private": None, "restricted": None, "managers": None},
}
KPIS = ("company", "team", "private", "restricted", "managers")  # visibilities; "managers": granted to the role
OWN_TEAM = {"mara": "EMEA", "anna": "EMEA", "dino": "EMEA", "bruno": "APAC", "carl": "APAC"}


def kpi_names(visibility: str) -> tuple[str, str]:
    """The revenue and deal-count KPIs of a visibility (managers_revenue has no count twin)."""
    if visibility == "managers":
        return "managers_revenue", ""
    return f"{visibility}_revenue", f"{visibility}_deals"


def scopes(person: str) -> dict[str, dict[str, str] | None]:
    """Their own scope, another team's, the company's (no scope)."""
    other = "APAC" if OWN_TEAM.get(person, "EMEA") == "EMEA" else "EMEA"
    return {"own": {"owner": person}, "other team": {"team": other}, "company": None}


def selected(rows: frozenset[int], scope: dict[str, str] | None) -> frozenset[int]:
    if not scope:
        return rows
    (dimension, value), *_ = scope.items()
    position = 0 if dimension == "team" else 1
    return frozenset(row for row in rows if ROWS[row][position] == value)


def scope_param(scope: dict[str, str] | None) -> list[str]:
    return [f"{key}={value}" for key, value in (scope or {}).items()]


CASES = [
    (person, visibility, label) for person in SEES for visibility in KPIS for label in ("own", "other team", "company")
]


@pytest.mark.parametrize(("person", "visibility", "label"), CASES)
def test_compute(api: TestClient, company: Company, person: str, visibility: str, label: str) -> None:
    scope = scopes(person)[label]
    seen = SEES[person][visibility]
    revenue, deals = kpi_names(visibility)
    kpis = [revenue, deals] if deals else [revenue]
    params: dict[str, Any] = {"kpi": kpis, "grain": "all", "scope": scope_param(scope)}
    response = api.get("/api/v1/compute", params=params, headers=company.headers(person))
    if seen is None:
        assert response.status_code == 404, response.text
        assert response.json()["error"]["code"] == "semantic.unknown_kpi"
        assert revenue not in response.text.replace(f"'{revenue}'", "")  # named only as the name asked for
        return
    assert response.status_code == 200, response.text
    rows = selected(seen, scope)
    (found,) = response.json()["rows"]
    assert found[revenue] == sum(ROWS[row][2] for row in rows), (person, visibility, label)
    if deals:
        assert found[deals] == len(rows), (person, visibility, label)


@pytest.mark.parametrize("person", list(SEES))
@pytest.mark.parametrize("label", ["own", "other team", "company"])
def test_scorecard(api: TestClient, company: Company, person: str, label: str) -> None:
    scope = scopes(person)[label]
    params = {"period": "2025", "scope": scope_param(scope)}
    response = api.get("/api/v1/scorecard", params=params, headers=company.headers(person))
    assert response.status_code == 200, response.text
    values = {line["kpi"]: line["value"] for line in response.json()["lines"]}
    for visibility in KPIS:
        revenue, _ = kpi_names(visibility)
        seen = SEES[person][visibility]
        if seen is None:
            assert revenue not in values, (person, visibility)
        else:
            assert values[revenue] == sum(ROWS[row][2] for row in selected(seen, scope)), (person, visibility, label)


@pytest.mark.parametrize("person", list(SEES))
def test_names_tell_nothing_of_hidden_kpis(api: TestClient, company: Company, person: str) -> None:
    headers = company.headers(person)
    listed = {kpi["name"] for kpi in api.get("/api/v1/kpis", headers=headers).json()["kpis"]}
    missing_one = api.get("/api/v1/kpis/no_such_kpi", headers=headers).json()["error"]
    for visibility in KPIS:
        revenue, _ = kpi_names(visibility)
        hidden = SEES[person][visibility] is None
        assert (revenue in listed) is not hidden, (person, visibility)
        for path in (f"/api/v1/kpis/{revenue}", f"/api/v1/forecast/{revenue}"):
            response = api.get(path, headers=headers)
            if hidden:
                error = response.json()["error"]
                assert (response.status_code, error["code"]) == (404, missing_one["code"]), (person, path)
                assert revenue not in error["suggestions"]
                assert error["hint"] == missing_one["hint"] or revenue not in (error["hint"] or "")
            else:
                assert response.status_code == 200, (person, path, response.text)


@pytest.mark.parametrize("person", list(SEES))
def test_check_and_matrix_leave_hidden_kpis_out(api: TestClient, company: Company, person: str) -> None:
    headers = company.headers(person)
    check = api.get("/api/v1/check", headers=headers)
    matrix = api.get("/api/v1/matrix", params={"period": "2025"}, headers=headers)
    assert check.status_code == matrix.status_code == 200
    for visibility in KPIS:
        revenue, _ = kpi_names(visibility)
        if SEES[person][visibility] is None:
            assert f'"{revenue}"' not in check.text, (person, visibility)
            assert f'"{revenue}"' not in matrix.text, (person, visibility)


@pytest.mark.parametrize("person", list(SEES))
def test_people_and_teams(api: TestClient, company: Company, person: str) -> None:
    headers = company.headers(person)
    listed = api.get("/api/v1/people", headers=headers)
    teams = api.get("/api/v1/teams", headers=headers)
    if person == "vera":  # a viewer reads company KPIs, not the organisation
        assert listed.status_code == teams.status_code == 403
        assert api.get("/api/v1/people/1", headers=headers).status_code == 403
        return
    assert listed.status_code == teams.status_code == 200
    people = {entry["email"]: entry for entry in listed.json()["people"]}
    assert len(people) == 9
    assert people["bruno@acme.example"]["teams"] == ["APAC"]  # today: he moved on 2025-03-15
    assert people["anna@acme.example"]["manager"] == "mara@acme.example"
    on_the_day_before = api.get("/api/v1/people", params={"on": "2025-03-14"}, headers=headers).json()["people"]
    assert next(p for p in on_the_day_before if p["name"] == "Bruno")["teams"] == ["EMEA"]
    emea = next(team for team in teams.json()["teams"] if team["name"] == "EMEA")
    assert emea["members"] == ["anna@acme.example", "dino@acme.example", "mara@acme.example"]
    assert api.get(f"/api/v1/teams/{emea['id']}", headers=headers).json() == emea
    anna = people["anna@acme.example"]
    assert api.get(f"/api/v1/people/{anna['id']}", headers=headers).json() == anna
    unknown = max(entry["id"] for entry in people.values()) + 1000
    for path in (f"/api/v1/people/{unknown}", f"/api/v1/teams/{unknown}"):
        response = api.get(path, headers=headers)
        assert response.status_code == 404, path
