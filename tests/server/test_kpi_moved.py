"""The sentence on what moved a KPI most (`/kpis/{name}/moved`, loaded by the cards and the KPI page), over the
reader's rows, on the small company's deals (tests/permissions/org_support.py):

    January 2025:  EMEA anna 10 + 20; APAC carl 100                      = 130
    February 2025: EMEA bruno 40, mara 5; APAC carl 200                  = 245, +115

By team, APAC's +100 is 87% of the change; by owner, carl's +100 is too: the first dimension (team) is told. Anna
(a member of EMEA) sees team_revenue over EMEA's rows only: 30 -> 45, +15; by owner bruno's +40 tells most (more
than the whole change: anna's own -30 went the other way), by team EMEA's +15 is all of it, so the owner is told.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from kpilot import Workspace
from kpilot.auth.actor import Actor
from kpilot.services.accounts import NewPassword, set_password
from kpilot.store import open_store
from tests.server.server_support import Company, build_served_company, client

PASSWORD = "a long enough passphrase"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Company:
    company = build_served_company(tmp_path_factory.mktemp("moved") / "ws")
    with Workspace(company.root) as workspace, open_store(workspace) as store:
        for name in ("ada", "anna"):
            set_password(store, Actor.operator(), f"{name}@acme.example", NewPassword(PASSWORD), now=datetime.now(UTC))
    return company


@contextmanager
def signed_in(served: Company, name: str) -> Iterator[TestClient]:
    with client(served.root) as api:
        answer = api.post("/api/v1/session", json={"email": f"{name}@acme.example", "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        yield api


def test_the_dimension_that_tells_most_is_told(served: Company) -> None:
    with signed_in(served, "ada") as api:
        answer = api.get("/kpis/company_revenue/moved", params={"period": "2025-02"})
        assert answer.status_code == 200
        assert (
            answer.text.strip() == '<p class="moved">company_revenue rose 115, from 130 to 245: 100 more from APAC</p>'
        )
        italian = api.get("/kpis/company_revenue/moved", params={"period": "2025-02", "lang": "it"})
        assert "company_revenue è salito di 115, da 130 a 245: 100 in più da APAC" in italian.text


def test_a_member_hears_of_their_own_rows_only(served: Company) -> None:
    with signed_in(served, "anna") as api:
        answer = api.get("/kpis/team_revenue/moved", params={"period": "2025-02"})
        assert answer.text.strip() == '<p class="moved">team_revenue rose 15, from 30 to 45: 40 more from bruno</p>'
        hidden = api.get("/kpis/managers_revenue/moved", params={"period": "2025-02"})  # for managers only
        assert hidden.status_code == 200
        assert hidden.text.strip() == ""  # nothing to say, and nothing told about the KPI


def test_signed_out_is_sent_to_sign_in(served: Company) -> None:
    with client(served.root) as api:
        answer = api.get("/kpis/company_revenue/moved", follow_redirects=False)
        assert answer.status_code in (302, 303, 307)
