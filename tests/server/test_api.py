"""The REST API end to end over the small company of tests/permissions/org_support.py: identity, KPIs, compute,
scorecard, forecast, check and matrix, each through the service layer's view of the caller. Expected numbers are
the deals table's, added up by hand there (EMEA 1075, APAC 700, everything 1775; Anna's own rows 30)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from kpilot import Workspace
from tests.server.server_support import Company

ENVELOPE_KEYS = {"code", "message", "field", "location", "hint", "suggestions"}


def error_of(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) >= ENVELOPE_KEYS, body
    error: dict[str, Any] = body["error"]
    return error


def total(api: TestClient, company: Company, who: str, kpi: str) -> Any:
    response = api.get("/api/v1/compute", params={"kpi": kpi, "grain": "all"}, headers=company.headers(who))
    assert response.status_code == 200, response.text
    (row,) = response.json()["rows"]
    return row[kpi]


def test_health_needs_no_one(api: TestClient) -> None:
    assert api.get("/healthz").json() == {"status": "ok"}
    ready = api.get("/readyz")
    assert (ready.status_code, ready.json()) == (200, {"status": "ready", "store": "ok", "warehouse": "ok"})


def test_without_a_token_every_data_route_is_401_in_the_envelope(api: TestClient) -> None:
    for path in ("/api/v1/me", "/api/v1/kpis", "/api/v1/compute?kpi=company_revenue", "/api/v1/scorecard"):
        response = api.get(path)
        assert response.status_code == 401, path
        assert response.headers["www-authenticate"] == "Bearer"
        assert error_of(response)["code"] == "server.not_signed_in"


def test_a_wrong_or_malformed_token_is_401(api: TestClient, company: Company) -> None:
    forged = company.tokens["ada"][:-4] + "AAAA"
    for header in (f"Bearer {forged}", "Bearer nonsense", "Basic YWRhOnNlY3JldA=="):
        response = api.get("/api/v1/me", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert error_of(response)["code"] != "internal"


def test_me_is_the_token_s_account(api: TestClient, company: Company) -> None:
    me = api.get("/api/v1/me", headers=company.headers("anna")).json()
    assert (me["email"], me["roles"], me["token_scopes"]) == ("anna@acme.example", ["member"], ["read"])
    assert me["person_id"] is not None


def test_compute_counts_only_the_rows_the_caller_may_see(api: TestClient, company: Company) -> None:
    assert total(api, company, "ada", "company_revenue") == 1775  # an admin: every row
    assert total(api, company, "anna", "company_revenue") == 1775  # a company KPI: the company's rows for all
    assert total(api, company, "anna", "team_revenue") == 1075  # EMEA's rows (Anna's own are among them)
    assert total(api, company, "carl", "team_revenue") == 700  # APAC's
    assert total(api, company, "anna", "private_revenue") == 30  # her own two deals: 10 + 20


def test_a_hidden_kpi_is_not_found_exactly_like_a_missing_one(api: TestClient, company: Company) -> None:
    hidden = api.get("/api/v1/compute", params={"kpi": "team_revenue"}, headers=company.headers("vera"))
    missing = api.get("/api/v1/compute", params={"kpi": "no_such_kpi"}, headers=company.headers("vera"))
    assert hidden.status_code == missing.status_code == 404
    assert error_of(hidden)["code"] == error_of(missing)["code"] == "semantic.unknown_kpi"
    assert api.get("/api/v1/kpis/team_revenue", headers=company.headers("vera")).status_code == 404
    listed = {kpi["name"] for kpi in api.get("/api/v1/kpis", headers=company.headers("vera")).json()["kpis"]}
    assert "company_revenue" in listed
    assert "team_revenue" not in listed


def test_one_kpi_has_its_definition(api: TestClient, company: Company) -> None:
    kpi = api.get("/api/v1/kpis/company_revenue", headers=company.headers("anna")).json()
    assert (kpi["name"], kpi["formula"], kpi["visibility"], kpi["unit"]) == (
        "company_revenue",
        "revenue",
        "company",
        "number",
    )


def test_the_scorecard_lines_are_the_python_api_s(api: TestClient, company: Company) -> None:
    response = api.get("/api/v1/scorecard", params={"period": "2025-02"}, headers=company.headers("ada"))
    assert response.status_code == 200, response.text
    body = response.json()
    with Workspace(company.root) as workspace:
        expected = workspace.scorecard(period="2025-02").to_data()
    assert (body["period"], body["grain"], body["lines"]) == ("2025-02", "month", expected)


def test_a_member_s_scorecard_is_computed_over_their_rows(api: TestClient, company: Company) -> None:
    body = api.get("/api/v1/scorecard", params={"period": "2025-01"}, headers=company.headers("anna")).json()
    values = {line["kpi"]: line["value"] for line in body["lines"]}
    # January: EMEA 10 + 20 (Anna), APAC 100 (Carl); Anna's own 30.
    assert (values["company_revenue"], values["team_revenue"], values["private_revenue"]) == (130, 30, 30)
    assert "managers_revenue" not in values


def test_check_and_matrix_answer_in_the_envelope_s_terms(api: TestClient, company: Company) -> None:
    check = api.get("/api/v1/check", headers=company.headers("ada"))
    matrix = api.get("/api/v1/matrix", params={"period": "2025-02"}, headers=company.headers("ada"))
    assert check.status_code == matrix.status_code == 200
    with Workspace(company.root) as workspace:
        assert matrix.json() == workspace.matrix(period="2025-02").to_data()


def test_request_problems_are_the_envelope_with_a_field(api: TestClient, company: Company) -> None:
    headers = company.headers("ada")
    bad = api.get("/api/v1/forecast/company_revenue", params={"periods": "many"}, headers=headers)
    assert bad.status_code == 422
    assert error_of(bad)["field"] == "periods"
    nowhere = api.get("/api/v1/nowhere", headers=headers)
    assert (nowhere.status_code, error_of(nowhere)["code"]) == (404, "server.route_unknown")
    wrong = api.post("/api/v1/scorecard", headers=headers)
    assert (wrong.status_code, error_of(wrong)["code"]) == (405, "server.method_not_allowed")
    grain = api.get("/api/v1/compute", params={"kpi": "company_revenue", "grain": "hour"}, headers=headers)
    refused = error_of(grain)
    assert (grain.status_code, refused["code"], refused["field"]) == (422, "definitions.invalid_choice", "grain")
    by = api.get("/api/v1/compute", params={"kpi": "company_revenue", "by": "ownr"}, headers=headers)
    refused = error_of(by)
    assert (by.status_code, refused["code"], refused["field"], refused["suggestions"]) == (
        400,
        "engine.source_lacks_dimension",
        "by",
        ["owner"],
    )


def test_the_answer_speaks_the_language_asked(api: TestClient, company: Company) -> None:
    params = {"kpi": "company_revenue", "by": "ownr"}
    italian = api.get("/api/v1/compute", params={**params, "lang": "it"}, headers=company.headers("ada"))
    assert error_of(italian)["hint"] == "forse intendevi 'owner'?"
    # Ada's own language (English, in the store) comes before what her browser asks for...
    own = api.get("/api/v1/compute", params=params, headers={**company.headers("ada"), "Accept-Language": "pl"})
    assert error_of(own)["hint"] == "did you mean 'owner'?"
    # ...which is what a caller nobody knows yet is answered in.
    polish = api.get("/api/v1/me", headers={"Accept-Language": "pl-PL,pl;q=0.9,en;q=0.5"})
    assert error_of(polish)["message"] == "to żądanie wymaga tokenu API"


def test_the_openapi_document_lists_every_route(api: TestClient) -> None:
    document = api.get("/api/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    paths = set(document["paths"])
    expected = {"/api/v1/me", "/api/v1/kpis", "/api/v1/kpis/{name}", "/api/v1/compute", "/api/v1/scorecard"}
    assert expected | {"/api/v1/forecast/{kpi}", "/api/v1/check", "/api/v1/matrix", "/healthz", "/readyz"} <= paths
