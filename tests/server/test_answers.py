"""Answers kept between requests (server.answers) are never stale: a repeated request is answered from memory, and
an ingest, a definition edit, a team move or another reader gets a new answer. Numbers are the deals table's of
tests/permissions/org_support.py (everything 1775; EMEA 1075, APAC 700; Dino's own deal 1000)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kpilot import Workspace
from kpilot.services.org import import_file
from tests.server.ingest_support import Pushing, build_template, total
from tests.server.server_support import client

KPIS = ["company_revenue", "team_revenue"]


@pytest.fixture
def pushing(tmp_path: Path) -> Pushing:
    return build_template(tmp_path / "ws")


def test_a_repeated_request_is_kept_and_equal(pushing: Pushing) -> None:
    with client(pushing.root) as api:
        kept = api.app.state.runtime.answers
        first = api.get("/api/v1/scorecard", params={"period": "2025-02", "kpi": KPIS}, headers=pushing.reader("ada"))
        assert first.status_code == 200, first.text
        assert len(kept) == 1
        again = api.get("/api/v1/scorecard", params={"period": "2025-02", "kpi": KPIS}, headers=pushing.reader("ada"))
        assert len(kept) == 1
        assert again.json() == first.json()
        other = api.get("/api/v1/scorecard", params={"period": "2025-03", "kpi": KPIS}, headers=pushing.reader("ada"))
        assert len(kept) == 2
        assert other.json() != first.json()


def test_a_kept_answer_is_served_in_the_event_loop_without_the_workspace(
    pushing: Pushing, monkeypatch: pytest.MonkeyPatch
) -> None:
    with client(pushing.root) as api:
        params = {"period": "2025-02", "kpi": KPIS}
        first = api.get("/api/v1/scorecard", params=params, headers=pushing.reader("ada"))
        assert first.status_code == 200, first.text
        runtime = api.app.state.runtime

        def taken() -> None:
            raise AssertionError("the workspace (and its lock) was asked for")

        monkeypatch.setattr(runtime, "workspace", taken)
        again = api.get("/api/v1/scorecard", params=params, headers=pushing.reader("ada"))
        assert again.status_code == 200, again.text
        assert again.json() == first.json()
        monkeypatch.undo()
        other = api.get("/api/v1/scorecard", params={**params, "period": "2025-03"}, headers=pushing.reader("ada"))
        assert other.status_code == 200, other.text  # not kept: computed in the thread pool, with the workspace


def test_an_ingest_is_seen_at_once(pushing: Pushing) -> None:
    with client(pushing.root) as api:
        assert total(api, pushing, "company_revenue") == 1775
        rows = [{"day": "2025-04-02", "team": "EMEA", "owner": "anna", "amount": 25}]
        pushed = api.post("/api/v1/sources/deals/rows", json=rows, headers=pushing.pusher("ada"))
        assert pushed.status_code == 200, pushed.text
        assert total(api, pushing, "company_revenue") == 1775 + 25


def test_an_edited_definition_is_seen_at_once(pushing: Pushing) -> None:
    with client(pushing.root) as api:
        assert total(api, pushing, "company_revenue") == 1775
        main = pushing.root / "definitions" / "main.yaml"
        text = main.read_text().replace(
            "{name: company_revenue, formula: revenue,", "{name: company_revenue, formula: revenue * 2,"
        )
        assert text != main.read_text()
        main.write_text(text)
        assert total(api, pushing, "company_revenue") == 2 * 1775


def test_a_team_move_is_seen_at_once_and_readers_never_share_answers(pushing: Pushing) -> None:
    with client(pushing.root) as api:
        assert total(api, pushing, "team_revenue", who="dino") == 1075  # EMEA, his own deal among them
        assert total(api, pushing, "team_revenue", who="carl") == 700  # APAC: another reader, another answer
        moved = pushing.root / "dino.yaml"
        moved.write_text("people:\n  - {name: Dino, email: dino@acme.example, teams: [APAC]}\n")
        with Workspace(pushing.root) as workspace:
            import_file(workspace, moved, on=date.today())
        assert total(api, pushing, "team_revenue", who="dino") == 700 + 1000  # APAC's rows and his own


def test_a_push_keeps_the_rollup_that_answers_every_reader(pushing: Pushing) -> None:
    """With a rollup over `deals`, pushed rows are added to it in the push's transaction: every reader's numbers
    include them at once, from the rollup (EMEA 1075 + 25 for Dino, APAC 700 for Carl, 1775 + 25 for Ada)."""
    from kpilot.auth.actor import Actor
    from kpilot.services.rollups import build_rollups, rollup_status

    found = [path for path in (pushing.root / "definitions").glob("*.yaml") if "- name: deals\n" in path.read_text()]
    (path,) = found
    text = path.read_text()
    path.write_text(
        text.replace("  - name: deals\n    table: deals\n", "  - name: deals\n    table: deals\n    rollup: true\n")
    )
    with Workspace(pushing.root) as workspace:
        build_rollups(workspace, Actor.operator())
    with client(pushing.root) as api:
        assert total(api, pushing, "company_revenue") == 1775
        rows = [{"day": "2025-04-02", "team": "EMEA", "owner": "anna", "amount": 25}]
        pushed = api.post("/api/v1/sources/deals/rows", json=rows, headers=pushing.pusher("ada"))
        assert pushed.status_code == 200, pushed.text
        assert total(api, pushing, "company_revenue") == 1775 + 25
        assert total(api, pushing, "team_revenue", who="dino") == 1075 + 25
        assert total(api, pushing, "team_revenue", who="carl") == 700
    with Workspace(pushing.root) as workspace:
        (status,) = rollup_status(workspace, Actor.operator())
        assert status.standing.value == "current"
        assert status.refreshed_at != status.built_at  # added to, not built again
        assert "_kpilot_rollup_deals" in workspace.sql(["company_revenue"], grain="all")
