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

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kpilot import Workspace
from kpilot.auth.actor import Actor
from kpilot.services.targets import edit_targets, targets_version
from kpilot.services.tokens import actor_for_token, create_token
from kpilot.services.versions import VersionChanged
from kpilot.store import open_store
from tests.server.server_support import Company, build_served_company, client

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


# ------------------------------------------------------------------------------------- targets, goals, tokens, audit
# A company of its own (these tests change it): a 2025 target for the revenue KPI of each visibility, and for each
# person a second token that may also write. Who sees which target is who sees its KPI (SEES above); who may edit
# targets: admins and editors (docs/permissions.md), whatever their token, only with `write`.
EDITORS = frozenset({"ada", "eddie"})
TARGETS = "".join(f"  - {{kpi: {kpi_names(v)[0]}, period: '2025', target: 100}}\n" for v in KPIS)


@dataclass(frozen=True)
class Editable:
    read: Company  # each person's read-only token
    write: Company  # each person's read and write token
    ids: dict[str, tuple[str, str]]  # person -> the ids of their read and write tokens


@pytest.fixture(scope="module")
def editable(tmp_path_factory: pytest.TempPathFactory) -> Editable:
    root = tmp_path_factory.mktemp("edited") / "ws"
    read = build_served_company(root)
    (root / "definitions" / "targets.yaml").write_text("targets:\n" + TARGETS)
    now = datetime.now(UTC)
    write, ids = {}, {}
    with Workspace(root) as workspace, open_store(workspace) as store:
        for person in SEES:
            email = f"{person}@acme.example"
            made = create_token(
                store, Actor.operator(), email, "edits", ["read", "write"], expires_at=now + timedelta(days=1), now=now
            )
            write[person] = made.raw
            ids[person] = (read.tokens[person].split("_")[1], made.view.token.lookup)
    return Editable(read, Company(root, write), ids)


@pytest.fixture(scope="module")
def edits(editable: Editable) -> Iterator[TestClient]:
    with client(editable.read.root) as test_client:
        yield test_client


def visible_revenue(person: str) -> set[str]:
    return {kpi_names(v)[0] for v in KPIS if SEES[person][v] is not None}


@pytest.mark.parametrize("person", list(SEES))
def test_targets_are_those_of_visible_kpis(edits: TestClient, editable: Editable, person: str) -> None:
    headers = editable.read.headers(person)
    listed = edits.get("/api/v1/targets", headers=headers)
    assert listed.status_code == 200, listed.text
    assert listed.headers["etag"].startswith('"')
    assert {target["kpi"] for target in listed.json()["targets"]} == visible_revenue(person)
    unknown = edits.get("/api/v1/targets/no_such_kpi", headers=headers).json()["error"]
    for visibility in KPIS:
        revenue, _ = kpi_names(visibility)
        response = edits.get(f"/api/v1/targets/{revenue}", headers=headers)
        if SEES[person][visibility] is None:
            assert response.status_code == 404
            assert response.json()["error"]["code"] == unknown["code"] == "semantic.unknown_kpi"
            assert revenue not in response.json()["error"]["suggestions"]
        else:
            assert response.status_code == 200
            (target,) = response.json()["targets"]
            assert (target["kpi"], target["period"]) == (revenue, "2025")


@pytest.mark.parametrize("person", list(SEES))
def test_goals_leave_out_hidden_kpis(edits: TestClient, editable: Editable, person: str) -> None:
    response = edits.get("/api/v1/goals", headers=editable.read.headers(person))
    assert response.status_code == 200
    (goal,) = response.json()["goals"]  # grow: company, team and restricted revenue
    linked = {link["kpi"] for link in goal["kpis"]}
    expected = {"company_revenue", "team_revenue", "restricted_revenue"} & visible_revenue(person)
    assert (goal["name"], linked) == ("grow", expected)


def put_target(api: TestClient, headers: dict[str, str], kpi: str, value: float) -> Any:
    etag = api.get("/api/v1/targets", headers=headers).headers["etag"]
    body = {"targets": [{"period": "2025", "target": value}]}
    return api.put(f"/api/v1/targets/{kpi}", json=body, headers=headers | {"If-Match": etag})


@pytest.mark.parametrize("person", list(SEES))
@pytest.mark.parametrize("kpi", ["company_revenue", "restricted_revenue", "no_such_kpi"])
def test_target_edits(edits: TestClient, editable: Editable, person: str, kpi: str) -> None:
    value = 1000 + len(person)
    response = put_target(edits, editable.write.headers(person), kpi, value)
    if person not in EDITORS:  # refused before the KPI is looked at: the same answer for hidden and missing ones
        assert response.status_code == 403, response.text
        assert response.json()["error"]["code"] == "permissions.denied"
    elif kpi == "no_such_kpi":
        assert response.status_code == 404
    else:
        assert response.status_code == 200, response.text
        shown = edits.get(f"/api/v1/targets/{kpi}", headers=editable.read.headers(person))
        assert [target["target"] for target in shown.json()["targets"]] == [value]
        assert shown.headers["etag"] == response.headers["etag"]
    # Whoever they are, a read-only token never writes.
    read_only = put_target(edits, editable.read.headers(person), kpi, value)
    assert read_only.status_code == 403


def test_a_stale_or_missing_version_is_refused(edits: TestClient, editable: Editable) -> None:
    headers = editable.write.headers("eddie")
    before = edits.get("/api/v1/targets/team_revenue", headers=headers)
    body = {"targets": [{"period": "2025", "target": 150}]}
    assert edits.put("/api/v1/targets/team_revenue", json=body, headers=headers).status_code == 428
    stale = {"If-Match": before.headers["etag"]}
    assert edits.put("/api/v1/targets/team_revenue", json=body, headers=headers | stale).status_code == 200
    again = edits.put("/api/v1/targets/team_revenue", json=body | {"targets": [{"period": "2025", "target": 1}]},
                      headers=headers | stale)  # fmt: skip
    assert again.status_code == 412
    assert again.json()["error"]["code"] == "targets.version_changed"
    shown = edits.get("/api/v1/targets/team_revenue", headers=headers).json()["targets"]
    assert [target["target"] for target in shown] == [150]  # the second editor overwrote nothing
    log = edits.get(
        "/api/v1/audit",
        params={"action": "targets.edited", "user": "eddie@acme.example"},
        headers=editable.read.headers("ada"),  # the log is for administrators
    ).json()["entries"]
    edit = next(entry for entry in reversed(log) if entry["target"] == "team_revenue" and entry["details"]["replaced"])
    (replaced,) = edit["details"]["replaced"]
    assert (replaced["before"]["target"], replaced["after"]["target"]) == (100, 150)


@pytest.mark.parametrize("person", list(SEES))
def test_tokens_are_ones_own(edits: TestClient, editable: Editable, person: str) -> None:
    headers = editable.read.headers(person)
    listed = edits.get("/api/v1/tokens", headers=headers)
    assert listed.status_code == 200
    mine = {token["id"] for token in listed.json()["tokens"]}
    users = {token["user"] for token in listed.json()["tokens"]}
    if person == "ada":  # an administrator: everyone's
        assert {f"{name}@acme.example" for name in SEES} <= users
    else:
        assert users == {f"{person}@acme.example"}
    assert set(editable.ids[person]) <= mine
    other = "carl" if person != "carl" else "anna"
    asked = edits.get("/api/v1/tokens", params={"user": f"{other}@acme.example"}, headers=headers)
    if person == "ada":
        assert {token["user"] for token in asked.json()["tokens"]} == {f"{other}@acme.example"}
    else:
        assert asked.status_code == 403  # refused before the address is looked up: tells nothing of it


@pytest.mark.parametrize("person", list(SEES))
def test_token_creation_and_revocation(edits: TestClient, editable: Editable, person: str) -> None:
    read, write = editable.read.headers(person), editable.write.headers(person)
    # Making a token is a change: a read-only token makes none; and no token makes one wider than itself.
    assert edits.post("/api/v1/tokens", json={"name": "script", "scopes": ["read"]}, headers=read).status_code == 403
    wider = edits.post("/api/v1/tokens", json={"name": "more", "scopes": ["ingest:deals"]}, headers=write)
    assert wider.status_code == 403
    assert wider.json()["error"]["code"] == "auth.token_scopes_wider"
    made = edits.post("/api/v1/tokens", json={"name": "script", "scopes": ["read"]}, headers=write)
    assert made.status_code == 201, made.text
    created = made.json()
    assert (created["user"], created["scopes"]) == (f"{person}@acme.example", ["read"])
    me = edits.get("/api/v1/me", headers={"Authorization": f"Bearer {created['token']}"})
    assert me.json()["email"] == f"{person}@acme.example"
    assert "token" not in edits.get("/api/v1/tokens", headers=read).text.replace('"tokens"', "")
    # Guessing another's token id: an unknown token for anyone but an administrator.
    other = "carl" if person != "carl" else "anna"
    theirs = edits.post(
        "/api/v1/tokens", json={"name": "theirs", "scopes": ["read"]}, headers=editable.write.headers(other)
    )
    attempt = edits.delete(f"/api/v1/tokens/{theirs.json()['id']}", headers=write)
    if person == "ada":
        assert attempt.status_code == 200
    else:
        assert attempt.status_code == 404
        assert attempt.json()["error"]["code"] == "auth.unknown_token"
        missing = edits.delete("/api/v1/tokens/0000000000000000", headers=write).json()["error"]
        assert missing["code"] == attempt.json()["error"]["code"]
    assert edits.delete(f"/api/v1/tokens/{created['id']}", headers=read).status_code == 403  # revoking needs write
    revoked = edits.delete(f"/api/v1/tokens/{created['id']}", headers=write)
    assert (revoked.status_code, revoked.json()["status"]) == (200, "revoked")
    assert edits.get("/api/v1/me", headers={"Authorization": f"Bearer {created['token']}"}).status_code == 401


@pytest.mark.parametrize("person", list(SEES))
def test_target_removals(edits: TestClient, editable: Editable, person: str) -> None:
    """Who may remove a target (editors and admins, with `write`): asked for one that no KPI has (2031), so that
    nothing changes; the others are refused before anything is looked up, hidden KPIs and missing ones alike."""
    version = edits.get("/api/v1/targets", headers=editable.read.headers("ada")).headers["etag"]
    for kpi in ("company_revenue", "restricted_revenue", "no_such_kpi"):
        for writes, headers in ((False, editable.read.headers(person)), (True, editable.write.headers(person))):
            response = edits.delete(
                f"/api/v1/targets/{kpi}", params={"period": "2031"}, headers=headers | {"If-Match": version}
            )
            if person not in EDITORS:
                assert (response.status_code, response.json()["error"]["code"]) == (403, "permissions.denied")
            elif not writes:
                assert (response.status_code, response.json()["error"]["code"]) == (
                    403, "permissions.token_lacks_scope",
                )  # fmt: skip
            elif kpi == "no_such_kpi":
                assert (response.status_code, response.json()["error"]["code"]) == (404, "semantic.unknown_kpi")
            else:
                assert (response.status_code, response.json()["error"]["code"]) == (404, "goals.writer.no_such_target")


DEFINED = {  # kind -> the names of the company's definitions of that kind, in file order
    "kpis": [f"{v}_{m}" for v in ("company", "team", "private", "restricted") for m in ("revenue", "deals")]
    + ["managers_revenue", "restricted_share", "team_average", "team_budget"],
    "goals": ["grow"],
    "sources": ["deals", "budget"],
}


@pytest.mark.parametrize("person", list(SEES))
def test_definitions_as_written_are_for_editors(edits: TestClient, editable: Editable, person: str) -> None:
    headers = editable.read.headers(person)
    for kind, names in DEFINED.items():
        listed = edits.get(f"/api/v1/definitions/{kind}", headers=headers)
        one = edits.get(f"/api/v1/definitions/{kind}/{names[-1]}", headers=headers)
        missing = edits.get(f"/api/v1/definitions/{kind}/no_such_name", headers=headers)
        if person in EDITORS:
            assert listed.status_code == 200
            assert [entry["name"] for entry in listed.json()["definitions"]] == names
            assert (one.status_code, one.json()["name"]) == (200, names[-1])
            assert missing.status_code == 404
        else:  # refused before anything is looked up: the same answer for what exists and what does not
            for response in (listed, one, missing):
                assert response.status_code == 403, response.text
                assert response.json()["error"]["code"] == "permissions.denied"


@pytest.mark.parametrize("person", list(SEES))
@pytest.mark.parametrize(
    ("kind", "name"),
    [("kpis", "company_deals"), ("kpis", "restricted_deals"), ("goals", "grow"), ("sources", "budget"),
     ("kpis", "no_such_kpi")],
)  # fmt: skip
def test_definition_edits(edits: TestClient, editable: Editable, person: str, kind: str, name: str) -> None:
    """Editors and admins change KPIs and goals; only admins sources; a read-only token nothing."""
    admin = editable.read.headers("ada")
    path = f"/api/v1/definitions/{kind}/{name}"
    current = edits.get(path, headers=admin)
    definition = current.json()["definition"] if current.status_code == 200 else {"formula": "deals"}
    body = {"definition": {**definition, "description": f"edited by {person}"}}
    condition = {"If-Match": current.headers["etag"]} if current.status_code == 200 else {"If-Match": '"none"'}
    for writes, headers in ((False, editable.read.headers(person)), (True, editable.write.headers(person))):
        response = edits.put(path, json=body, headers=headers | condition)
        allowed = person in EDITORS and (kind != "sources" or person == "ada")
        if not writes or not allowed:  # the role is told before the token
            assert response.status_code == 403, response.text
            code = "permissions.denied" if not allowed else "permissions.token_lacks_scope"
            assert response.json()["error"]["code"] == code
        elif name == "no_such_kpi":
            assert response.status_code == 412  # made from a version of an entry that does not exist
        else:
            assert response.status_code == 200, response.text
            shown = edits.get(path, headers=admin).json()["definition"]
            assert shown["description"] == f"edited by {person}"
    removed = edits.delete(path, headers=editable.write.headers(person) | condition)
    if person not in EDITORS or (kind == "sources" and person != "ada"):
        assert removed.status_code == 403
    else:  # a stale version (this test edited the entry since) or one of a missing entry
        assert removed.status_code in (404, 412) if name == "no_such_kpi" else removed.status_code == 412


@pytest.mark.parametrize("person", list(SEES))
def test_the_audit_log_is_for_administrators(edits: TestClient, editable: Editable, person: str) -> None:
    response = edits.get("/api/v1/audit", params={"action": "token.created"}, headers=editable.read.headers(person))
    if person != "ada":
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "auth.admin_only"
        return
    assert response.status_code == 200
    entries = response.json()["entries"]
    assert {entry["action"] for entry in entries} == {"token.created"}
    # The fixture made two tokens per person, as the operator (each person may have made more since).
    made = [entry for entry in entries if entry["actor"]["kind"] == "operator"]
    assert len(made) == 2 * len(SEES)
    day = entries[0]["at"][:10]
    later = edits.get("/api/v1/audit", params={"since": "2999-01-01"}, headers=editable.read.headers(person))
    assert later.json()["entries"] == []
    that_day = edits.get("/api/v1/audit", params={"until": day, "since": day}, headers=editable.read.headers(person))
    assert len(that_day.json()["entries"]) >= len(entries)


def test_two_editors_from_the_same_version_cannot_both_write(editable: Editable) -> None:
    """Both read the same version and save at the same moment: exactly one edit is written, the other is refused."""
    root = editable.read.root
    with Workspace(root) as workspace, open_store(workspace) as store:
        eddie = actor_for_token(store, editable.write.tokens["eddie"], now=datetime.now(UTC))
        version = targets_version(root)
        outcomes: list[str] = []

        def save(value: float) -> None:
            entries = [{"period": "2025", "target": value}]
            try:
                edit_targets(
                    store, eddie, workspace, "private_revenue", entries, version=version, now=datetime.now(UTC)
                )
                outcomes.append(f"wrote {value}")
            except VersionChanged:
                outcomes.append("refused")

        threads = [threading.Thread(target=save, args=(value,)) for value in (7, 8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(outcomes) == 2
    assert outcomes.count("refused") == 1, outcomes
    (written,) = [float(outcome.split()[1]) for outcome in outcomes if outcome != "refused"]
    with Workspace(root) as workspace:
        (target,) = [t for t in workspace.definitions.targets if t.kpi == "private_revenue"]
    assert target.target == written
