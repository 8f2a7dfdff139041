"""Editing KPIs, goals and sources over the REST API (docs/api.md, "Definitions"): one entry at a time, checked
against its version, validated with the whole workspace, written changing only its own lines, audited with its
diff. Who may is in test_authorization.py; this is what an edit does.

The numbers are worked out by hand from the deals of tests/permissions/org_support.py: 8 deals, 1,775 in all, of
which 3 are of at least 100 (100, 200, 400, 1000: 4 deals)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kpilot import Workspace
from kpilot.auth.actor import Actor
from kpilot.goals.definition_edits import Kind
from kpilot.services.definitions import put_definition
from kpilot.services.tokens import actor_for_token, create_token
from kpilot.services.versions import VersionChanged
from kpilot.store import open_store
from tests.server.server_support import build_served_company, client

COMMENTED = """\
# Our own KPIs: keep this comment.
kpis:
  # Revenue per deal, the team's view.
  - {name: deal_size, formula: revenue / deals, visibility: company}

  - name: spare
    formula: deals   # a trailing comment
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Path, dict[str, dict[str, str]]]]:
    root = tmp_path_factory.mktemp("definitions") / "ws"
    build_served_company(root)
    (root / "definitions" / "ours.yaml").write_text(COMMENTED)
    now = datetime.now(UTC)
    headers = {}
    with Workspace(root) as workspace, open_store(workspace) as store:
        for person in ("ada", "eddie"):
            made = create_token(
                store, Actor.operator(), f"{person}@acme.example", "edits", ["read", "write"],
                expires_at=now + timedelta(days=1), now=now,
            )  # fmt: skip
            headers[person] = {"Authorization": f"Bearer {made.raw}"}
    with client(root) as api:
        yield api, root, headers


def read(api: TestClient, headers: dict[str, str], kind: str, name: str) -> tuple[dict[str, Any], str]:
    response = api.get(f"/api/v1/definitions/{kind}/{name}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["definition"], response.headers["etag"]


def value(api: TestClient, headers: dict[str, str], kpi: str) -> Any:
    response = api.get("/api/v1/compute", params={"kpi": kpi, "grain": "year"}, headers=headers)
    assert response.status_code == 200, response.text
    (row,) = response.json()["rows"]
    return row[kpi]


def test_a_replaced_kpi_changes_only_its_own_line_and_its_numbers(served: Any) -> None:
    api, root, headers = served
    eddie = headers["eddie"]
    assert value(api, eddie, "deal_size") == pytest.approx(1775 / 8)
    definition, etag = read(api, eddie, "kpis", "deal_size")
    assert definition == {"name": "deal_size", "formula": "revenue / deals", "visibility": "company"}
    changed = {**definition, "formula": "revenue / deals * 100", "unit": "number"}
    response = api.put(
        "/api/v1/definitions/kpis/deal_size", json={"definition": changed}, headers=eddie | {"If-Match": etag}
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["file"], answer["changed"], answer["before"], answer["after"]) == (
        "definitions/ours.yaml", True, definition, changed,
    )  # fmt: skip
    expected = COMMENTED.replace(
        "  - {name: deal_size, formula: revenue / deals, visibility: company}",
        "  - {name: deal_size, formula: revenue / deals * 100, visibility: company, unit: number}",
    )
    assert (root / "definitions" / "ours.yaml").read_text() == expected
    assert [line for line in answer["diff"] if line[:1] in "+-"] == [
        "-  - {name: deal_size, formula: revenue / deals, visibility: company}",
        "+  - {name: deal_size, formula: revenue / deals * 100, visibility: company, unit: number}",
    ]
    assert response.headers["etag"] == read(api, eddie, "kpis", "deal_size")[1] != etag
    assert value(api, eddie, "deal_size") == pytest.approx(1775 / 8 * 100)  # the server reads the new definitions
    # The same version again: someone (this editor) saved since.
    again = api.put(
        "/api/v1/definitions/kpis/deal_size", json={"definition": definition}, headers=eddie | {"If-Match": etag}
    )
    assert again.status_code == 412
    assert again.json()["error"]["code"] == "definitions.edit.version_changed"
    assert (root / "definitions" / "ours.yaml").read_text() == expected


def test_versions_are_required(served: Any) -> None:
    api, root, headers = served
    ada = headers["ada"]
    before = (root / "definitions" / "ours.yaml").read_text()
    body = {"definition": {"formula": "deals * 2"}}
    missing = api.put("/api/v1/definitions/kpis/spare", json=body, headers=ada)
    assert (missing.status_code, missing.json()["error"]["code"]) == (428, "definitions.edit.version_required")
    create_over = api.put("/api/v1/definitions/kpis/spare", json=body, headers=ada | {"If-None-Match": "*"})
    assert (create_over.status_code, create_over.json()["error"]["code"]) == (412, "definitions.edit.already_exists")
    new = api.put("/api/v1/definitions/kpis/brand_new", json=body, headers=ada)
    assert (new.status_code, new.json()["error"]["code"]) == (428, "definitions.edit.create_needs_none_match")
    gone = api.put("/api/v1/definitions/kpis/brand_new", json=body, headers=ada | {"If-Match": '"abc"'})
    assert (gone.status_code, gone.json()["error"]["code"]) == (412, "definitions.edit.entry_gone")
    assert (root / "definitions" / "ours.yaml").read_text() == before
    assert not (root / "definitions" / "kpis.yaml").exists()


def test_a_new_kpi_goes_to_its_own_file_and_computes(served: Any) -> None:
    api, root, headers = served
    ada = headers["ada"]
    body = {
        "definition": {"name": "deals_done", "formula": "deals", "label": "Deals done", "description": "Two\nlines"}
    }
    response = api.put("/api/v1/definitions/kpis/deals_done", json=body, headers=ada | {"If-None-Match": "*"})
    assert response.status_code == 201, response.text
    assert response.json()["file"] == "definitions/kpis.yaml"
    assert value(api, ada, "deals_done") == 8
    definition, etag = read(api, ada, "kpis", "deals_done")
    assert definition == body["definition"]
    assert response.headers["etag"] == etag
    text = (root / "definitions" / "kpis.yaml").read_text()
    assert "  - name: deals_done\n    formula: deals\n" in text
    assert "description: |-\n      Two\n      lines\n" in text


def test_what_would_break_the_workspace_is_not_written(served: Any) -> None:
    api, root, headers = served
    ada = headers["ada"]
    files = {path.name: path.read_text() for path in (root / "definitions").iterdir()}
    unknown = {"definition": {"formula": "no_such_measure + 1"}}
    response = api.put("/api/v1/definitions/kpis/broken", json=unknown, headers=ada | {"If-None-Match": "*"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "definitions.edit.would_not_load"
    assert [issue["code"] for issue in error["issues"]] == ["semantic.formula_problem"]
    invalid = {"definition": {"formula": "deals", "direction": "sideways"}}
    response = api.put("/api/v1/definitions/kpis/broken", json=invalid, headers=ada | {"If-None-Match": "*"})
    assert response.status_code == 400
    assert (response.json()["error"]["code"], response.json()["error"]["field"]) == (
        "definitions.edit.invalid_entry", "direction",
    )  # fmt: skip
    renamed = {"definition": {"name": "other", "formula": "deals"}}
    response = api.put("/api/v1/definitions/kpis/broken", json=renamed, headers=ada | {"If-None-Match": "*"})
    assert (response.status_code, response.json()["error"]["code"]) == (400, "definitions.edit.other_name")
    # company_revenue is used by restricted_share's formula and by the goal: it cannot go.
    _, etag = read(api, ada, "kpis", "company_revenue")
    response = api.delete("/api/v1/definitions/kpis/company_revenue", headers=ada | {"If-Match": etag})
    assert response.status_code == 422
    assert {path.name: path.read_text() for path in (root / "definitions").iterdir()} == files


def test_a_removed_kpi_is_gone_and_audited(served: Any) -> None:
    api, root, headers = served
    ada = headers["ada"]
    _, etag = read(api, ada, "kpis", "spare")
    missing = api.delete("/api/v1/definitions/kpis/spare", headers=ada)
    assert missing.status_code == 428
    response = api.delete("/api/v1/definitions/kpis/spare", headers=ada | {"If-Match": etag})
    assert response.status_code == 200, response.text
    assert response.json()["after"] is None
    assert "spare" not in (root / "definitions" / "ours.yaml").read_text()
    assert "# Our own KPIs: keep this comment." in (root / "definitions" / "ours.yaml").read_text()
    assert api.get("/api/v1/definitions/kpis/spare", headers=ada).status_code == 404
    computed = api.get("/api/v1/compute", params={"kpi": "spare"}, headers=ada)
    assert computed.status_code == 404
    audit = api.get("/api/v1/audit", params={"action": "definition.removed"}, headers=ada).json()["entries"]
    (entry,) = [entry for entry in audit if entry["target"] == "kpis/spare"]
    assert entry["actor"]["email"] == "ada@acme.example"
    assert entry["details"]["before"] == {"name": "spare", "formula": "deals"}
    assert any(line.startswith("-  - name: spare") for line in entry["details"]["diff"])


def test_sources_are_for_admins(served: Any) -> None:
    api, root, headers = served
    definition, etag = read(api, headers["ada"], "sources", "deals")
    measures = [*definition["measures"], {"name": "big_deals", "agg": "count", "filter": "amount >= 100"}]
    body = {"definition": {**definition, "measures": measures}}
    refused = api.put("/api/v1/definitions/sources/deals", json=body, headers=headers["eddie"] | {"If-Match": etag})
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "permissions.denied")
    response = api.put("/api/v1/definitions/sources/deals", json=body, headers=headers["ada"] | {"If-Match": etag})
    assert response.status_code == 200, response.text
    assert (
        "      - {name: big_deals, agg: count, filter: amount >= 100}\n" in (root / "definitions/main.yaml").read_text()
    )
    new_kpi = {"definition": {"formula": "big_deals"}}
    made = api.put("/api/v1/definitions/kpis/big", json=new_kpi, headers=headers["eddie"] | {"If-None-Match": "*"})
    assert made.status_code == 201, made.text
    assert value(api, headers["eddie"], "big") == 4
    audit = api.get("/api/v1/audit", params={"action": "definition.edited"}, headers=headers["ada"]).json()["entries"]
    outcomes = {(entry["target"], entry["actor"]["email"], entry["outcome"]) for entry in audit}
    assert ("sources/deals", "eddie@acme.example", "refused") in outcomes
    assert ("sources/deals", "ada@acme.example", "succeeded") in outcomes


def test_goals_are_edited_alike(served: Any) -> None:
    api, _, headers = served
    eddie = headers["eddie"]
    definition, etag = read(api, eddie, "goals", "grow")
    changed = {**definition, "label": "Grow", "kpis": [{"kpi": "company_revenue", "weight": 1}]}
    response = api.put(
        "/api/v1/definitions/goals/grow", json={"definition": changed}, headers=eddie | {"If-Match": etag}
    )
    assert response.status_code == 200, response.text
    (goal,) = api.get("/api/v1/goals", headers=eddie).json()["goals"]
    assert (goal["label"], goal["kpis"]) == ("Grow", [{"kpi": "company_revenue", "weight": 1}])
    listed = api.get("/api/v1/definitions/goals", headers=eddie).json()["definitions"]
    assert [(entry["name"], entry["version"]) for entry in listed] == [("grow", response.headers["etag"].strip('"'))]
    unknown = api.put(
        "/api/v1/definitions/goals/grow", json={"definition": {**changed, "kpis": [{"kpi": "nope"}]}},
        headers=eddie | {"If-Match": response.headers["etag"]},
    )  # fmt: skip
    assert unknown.status_code == 422


def test_two_editors_from_the_same_version_cannot_both_write(served: Any) -> None:
    """Both read the same version and save at the same moment: exactly one edit is written, the other refused."""
    api, root, headers = served
    _, etag = read(api, headers["eddie"], "kpis", "team_revenue")
    outcomes: list[str] = []
    with Workspace(root) as workspace, open_store(workspace) as store:
        eddie = actor_for_token(store, headers["eddie"]["Authorization"].split()[1], now=datetime.now(UTC))

        def save(label: str) -> None:
            data = {"formula": "revenue", "visibility": "team", "label": label}
            try:
                put_definition(
                    store, eddie, workspace, Kind.KPIS, "team_revenue", data,
                    if_match=etag, if_none_match=None, now=datetime.now(UTC),
                )  # fmt: skip
                outcomes.append(label)
            except VersionChanged:
                outcomes.append("refused")

        threads = [threading.Thread(target=save, args=(label,)) for label in ("first", "second")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(outcomes) == 2
    assert outcomes.count("refused") == 1, outcomes
    (written,) = [outcome for outcome in outcomes if outcome != "refused"]
    assert read(api, headers["eddie"], "kpis", "team_revenue")[0]["label"] == written
