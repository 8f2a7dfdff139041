"""What a running server does when things change under it: definitions edited on disk are served at once (never the
old ones), and a store that goes away is a 503 in the envelope, then served again once it is back, without a
restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.server.server_support import Company, build_served_company, client


@pytest.fixture
def company(tmp_path: Path) -> Company:
    return build_served_company(tmp_path / "ws")


def test_an_edited_definition_is_served_at_once(company: Company) -> None:
    with client(company.root) as api:
        params = {"kpi": "double_revenue", "grain": "all"}
        assert api.get("/api/v1/compute", params=params, headers=company.headers("ada")).status_code == 404
        main = company.root / "definitions" / "main.yaml"
        text = main.read_text().replace("kpis:\n", "kpis:\n  - {name: double_revenue, formula: revenue * 2}\n", 1)
        main.write_text(text)
        response = api.get("/api/v1/compute", params=params, headers=company.headers("ada"))
        assert response.status_code == 200, response.text
        assert response.json()["rows"] == [{"double_revenue": 3550, "partial": False}]  # 2 x 1775


def test_a_store_that_goes_away_is_503_then_served_again(company: Company) -> None:
    store = company.root / "kpilot.db"
    aside = company.root / "kpilot.db.aside"
    with client(company.root) as api:
        assert api.get("/api/v1/me", headers=company.headers("anna")).status_code == 200
        api.app.state.runtime.close()  # as after a failure: the next request opens the store again
        store.rename(aside)
        try:
            for path in ("/readyz", "/api/v1/me"):
                gone = api.get(path, headers=company.headers("anna"))
                assert gone.status_code == 503, path
                assert gone.headers["retry-after"] == "5"
                assert gone.json()["error"]["code"] == "store.missing"
        finally:
            aside.rename(store)
        assert api.get("/readyz").status_code == 200
        assert api.get("/api/v1/me", headers=company.headers("anna")).json()["email"] == "anna@acme.example"
