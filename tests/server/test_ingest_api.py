"""`POST /api/v1/sources/{source}/rows`: rows pushed as JSON, CSV or Parquet are loaded with the guarantees of
`kpilot ingest` and then computed; a bad row writes nothing; a keyed source replaces rows; an Idempotency-Key makes
a request happen once (retries, another body, concurrent requests); permissions, unknown sources, the size limit and
the audit log.

Expected numbers are worked out by hand from the deals of tests/permissions/org_support.py: every deal adds up to
1775 (EMEA 1075, APAC 700), and nothing of them is in April 2025.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from kpilot.store.records import ActorKind, Outcome
from tests.server.ingest_support import Pushing, build_template, copied, ingest_entries, total
from tests.server.server_support import client
from tests.server.test_api import error_of

ROWS = "/api/v1/sources/{source}/rows"
APRIL = [
    {"day": "2025-04-02", "team": "EMEA", "owner": "anna", "amount": 7},
    {"day": "2025-04-03", "team": "APAC", "owner": "carl", "amount": 13},
]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Pushing:
    return build_template(tmp_path_factory.mktemp("pushing") / "template")


@pytest.fixture
def pushing(template: Pushing, tmp_path: Path) -> Pushing:
    return copied(template, tmp_path / "ws")


@pytest.fixture
def api(pushing: Pushing) -> Iterator[TestClient]:
    with client(pushing.root) as test_client:
        yield test_client


def push(api: TestClient, source: str, headers: dict[str, str], **body: Any) -> Any:
    return api.post(ROWS.format(source=source), headers=headers, **body)


# --- the three formats, computed -----------------------------------------------------------------------------


def test_json_rows_are_appended_and_computed(api: TestClient, pushing: Pushing) -> None:
    response = push(api, "deals", pushing.pusher("ada"), json=APRIL)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["source"], body["table"], body["mode"], body["rows"], body["replaced_rows"]) == (
        "deals",
        "deals",
        "append",
        2,
        0,
    )
    assert total(api, pushing, "company_revenue") == 1775 + 7 + 13
    april = [row for row in total(api, pushing, "company_revenue", grain="month") if row["period"] == "2025-04-01"]
    assert [row["company_revenue"] for row in april] == [20]
    assert total(api, pushing, "team_revenue", who="anna") == 1075 + 7  # EMEA's rows: Anna's team, plus hers


def test_a_rows_object_is_read_like_a_list(api: TestClient, pushing: Pushing) -> None:
    response = push(api, "deals", pushing.pusher("ada"), json={"rows": APRIL[:1]})
    assert response.status_code == 200, response.text
    assert total(api, pushing, "company_revenue") == 1775 + 7


def test_a_csv_body_is_read_as_a_csv_file(api: TestClient, pushing: Pushing) -> None:
    csv = b"day;team;owner;amount\n2025-04-05;APAC;carl;50\n2025-04-06;APAC;carl;25\n"
    response = push(api, "deals", pushing.pusher("ada", **{"Content-Type": "text/csv; charset=utf-8"}), content=csv)
    assert response.status_code == 200, response.text
    assert response.json()["rows"] == 2
    assert total(api, pushing, "team_revenue", who="carl") == 700 + 50 + 25


def test_a_parquet_body_keeps_its_types(api: TestClient, pushing: Pushing) -> None:
    table = pa.table(
        {
            "day": pa.array([date(2025, 4, 9)], pa.date32()),
            "team": ["EMEA"],
            "owner": ["dino"],
            "amount": pa.array([100], pa.int64()),
        }
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    headers = pushing.pusher("ada", **{"Content-Type": "application/vnd.apache.parquet"})
    response = push(api, "deals", headers, content=buffer.getvalue())
    assert response.status_code == 200, response.text
    assert total(api, pushing, "company_revenue") == 1775 + 100


# --- refused bodies write nothing ----------------------------------------------------------------------------


def test_a_bad_csv_row_is_refused_with_its_line_and_nothing_is_written(api: TestClient, pushing: Pushing) -> None:
    csv = b"day,team,owner,amount\n2025-04-05,APAC,carl,50\n2025-04-06,APAC,carl,lots\n"
    response = push(api, "deals", pushing.pusher("ada", **{"Content-Type": "text/csv"}), content=csv)
    assert response.status_code == 400, response.text
    error = error_of(response)
    assert error["code"] == "warehouse.value_misfit"
    assert error["location"] == {"file": "request", "line": 3, "column": None}  # the header is line 1
    assert "'lots'" in error["message"]
    assert total(api, pushing, "company_revenue") == 1775  # the good row before it was not written either


def test_a_bad_json_row_is_refused_by_its_position(api: TestClient, pushing: Pushing) -> None:
    rows = [*APRIL, {"day": "2025-04-04", "team": "EMEA", "owner": "anna", "amount": "many"}]
    response = push(api, "deals", pushing.pusher("ada"), json=rows)
    assert response.status_code == 400, response.text
    assert "row 3" in error_of(response)["message"]
    nested = push(api, "deals", pushing.pusher("ada"), json=[{**APRIL[0], "amount": {"value": 7}}])
    assert (nested.status_code, error_of(nested)["code"]) == (400, "warehouse.json_value_not_scalar")
    assert total(api, pushing, "company_revenue") == 1775


def test_a_body_that_is_not_rows_is_refused(api: TestClient, pushing: Pushing) -> None:
    for body, code in (
        (b"[1, 2]", "warehouse.json_row_not_object"),
        (b'{"data": []}', "warehouse.json_not_rows"),
        (b"[{", "warehouse.json_invalid"),
        (b"[]", "warehouse.no_rows"),
    ):
        headers = pushing.pusher("ada", **{"Content-Type": "application/json"})
        response = push(api, "deals", headers, content=body)
        assert (response.status_code, error_of(response)["code"]) == (400, code), body
    garbage = push(api, "deals", pushing.pusher("ada", **{"Content-Type": "application/octet-stream"}), content=b"PAR")
    assert (garbage.status_code, error_of(garbage)["code"]) == (400, "warehouse.parquet_unreadable")
    plain = push(api, "deals", pushing.pusher("ada", **{"Content-Type": "text/plain"}), content=b"a,b\n1,2\n")
    assert (plain.status_code, error_of(plain)["code"]) == (415, "server.ingest.media_type")


def test_the_same_rows_twice_without_a_key_are_refused_as_kpilot_ingest_refuses_them(
    api: TestClient, pushing: Pushing
) -> None:
    assert push(api, "deals", pushing.pusher("ada"), json=APRIL).status_code == 200
    again = push(api, "deals", pushing.pusher("ada"), json=APRIL)
    assert (again.status_code, error_of(again)["code"]) == (400, "warehouse.loaded_before")
    assert "from api" in error_of(again)["message"]
    assert total(api, pushing, "company_revenue") == 1775 + 20


# --- a key replaces rows ---------------------------------------------------------------------------------------


def test_a_keyed_source_replaces_the_rows_with_the_same_key(api: TestClient, pushing: Pushing) -> None:
    first = [
        {"order_id": "A1", "day": "2025-04-01", "team": "EMEA", "amount": 10},
        {"order_id": "A2", "day": "2025-04-01", "team": "EMEA", "amount": 20},
    ]
    created = push(api, "orders", pushing.pusher("eddie"), json=first)
    assert (created.status_code, created.json()["mode"]) == (200, "create"), created.text
    second = [
        {"order_id": "A2", "day": "2025-04-02", "team": "EMEA", "amount": 25},
        {"order_id": "A3", "day": "2025-04-02", "team": "APAC", "amount": 5},
    ]
    upserted = push(api, "orders", pushing.pusher("eddie"), json=second)
    assert upserted.status_code == 200, upserted.text
    assert (upserted.json()["mode"], upserted.json()["replaced_rows"], upserted.json()["key"]) == (
        "upsert",
        1,
        ["order_id"],
    )
    assert total(api, pushing, "order_revenue") == 10 + 25 + 5  # A2's 20 replaced by 25
    assert push(api, "orders", pushing.pusher("eddie"), json=second).status_code == 200  # a key cannot double
    assert total(api, pushing, "order_revenue") == 40


# --- Idempotency-Key -------------------------------------------------------------------------------------------


def test_a_retry_with_the_same_key_gets_the_first_answer_without_loading_again(
    api: TestClient, pushing: Pushing
) -> None:
    headers = pushing.pusher("ada", **{"Idempotency-Key": "load-2025-04-02"})
    first = push(api, "deals", headers, json=APRIL)
    retry = push(api, "deals", headers, json=APRIL)
    assert first.status_code == retry.status_code == 200
    assert retry.json() == first.json()
    assert "idempotent-replayed" not in first.headers
    assert retry.headers["idempotent-replayed"] == "true"
    assert total(api, pushing, "company_revenue") == 1775 + 20  # once; a plain second load would be a 400
    assert len([entry for entry in ingest_entries(pushing.root) if entry.outcome is Outcome.SUCCEEDED]) == 1


def test_the_same_key_with_another_body_is_refused(api: TestClient, pushing: Pushing) -> None:
    headers = pushing.pusher("ada", **{"Idempotency-Key": "k-1"})
    assert push(api, "deals", headers, json=APRIL).status_code == 200
    other = push(api, "deals", headers, json=APRIL[:1])
    assert other.status_code == 422
    assert (error_of(other)["code"], error_of(other)["field"]) == ("services.ingest.key_reused", "idempotency_key")
    elsewhere = push(
        api, "orders", headers, json=[{"order_id": "B1", "day": "2025-04-01", "team": "EMEA", "amount": 1}]
    )
    assert (elsewhere.status_code, error_of(elsewhere)["code"]) == (422, "services.ingest.key_reused")
    assert total(api, pushing, "company_revenue") == 1775 + 20


def test_a_failed_request_leaves_its_key_free_for_a_retry(api: TestClient, pushing: Pushing) -> None:
    headers = pushing.pusher("ada", **{"Idempotency-Key": "k-2", "Content-Type": "text/csv"})
    bad = push(api, "deals", headers, content=b"day,team,owner,amount\n2025-04-05,APAC,carl,x\n")
    assert bad.status_code == 400
    fixed = push(api, "deals", pushing.pusher("ada", **{"Idempotency-Key": "k-2"}), json=APRIL)
    assert fixed.status_code == 200, fixed.text


def test_concurrent_requests_with_the_same_key_load_once(api: TestClient, pushing: Pushing) -> None:
    headers = pushing.pusher("ada", **{"Idempotency-Key": "concurrent"})
    start = threading.Barrier(4)
    answers: list[Any] = []

    def send() -> None:
        start.wait()
        answers.append(push(api, "deals", headers, json=APRIL))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(answer.status_code for answer in answers)
    assert set(statuses) <= {200, 409}, [answer.text for answer in answers]
    loaded = [answer.json() for answer in answers if answer.status_code == 200]
    assert loaded
    assert all(body == loaded[0] for body in loaded)
    for answer in answers:
        if answer.status_code == 409:
            assert error_of(answer)["code"] == "services.ingest.in_progress"
    assert total(api, pushing, "company_revenue") == 1775 + 20
    assert len([entry for entry in ingest_entries(pushing.root) if entry.outcome is Outcome.SUCCEEDED]) == 1


# --- who may push where ----------------------------------------------------------------------------------------


def test_a_token_without_the_ingest_scope_is_refused(api: TestClient, pushing: Pushing) -> None:
    response = push(api, "deals", pushing.reader("ada"), json=APRIL)  # an admin's read token
    assert (response.status_code, error_of(response)["code"]) == (403, "permissions.token_lacks_scope")
    assert total(api, pushing, "company_revenue") == 1775


def test_another_source_s_scope_is_refused(api: TestClient, pushing: Pushing) -> None:
    response = push(api, "deals", pushing.pusher("eddie"), json=APRIL)  # ingest:orders only
    assert (response.status_code, error_of(response)["code"]) == (403, "permissions.token_lacks_scope")


def test_a_role_that_may_not_ingest_is_refused_whatever_the_token(api: TestClient, pushing: Pushing) -> None:
    response = push(api, "deals", pushing.pusher("anna"), json=APRIL)  # a member with ingest:deals
    assert (response.status_code, error_of(response)["code"]) == (403, "permissions.denied")


def test_an_unknown_source_is_404_for_its_scope_and_403_for_anyone_else(api: TestClient, pushing: Pushing) -> None:
    scoped = push(api, "ghost", pushing.pusher("ada"), json=APRIL)
    assert (scoped.status_code, error_of(scoped)["code"]) == (404, "services.ingest.unknown_source")
    unscoped = push(api, "ghost", pushing.pusher("eddie"), json=APRIL)
    assert (unscoped.status_code, error_of(unscoped)["code"]) == (403, "permissions.token_lacks_scope")


def test_a_source_that_reads_sql_cannot_take_rows(api: TestClient, pushing: Pushing) -> None:
    response = push(api, "deals_by_sql", pushing.pusher("ada"), json=APRIL)
    assert (response.status_code, error_of(response)["code"]) == (422, "services.ingest.source_not_a_table")


def test_a_body_over_the_limit_is_413(api: TestClient, pushing: Pushing, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KPILOT_INGEST_MAX_MB", "0.0001")  # 100 bytes
    response = push(api, "deals", pushing.pusher("ada"), json=APRIL * 2)  # about 260 bytes
    assert (response.status_code, error_of(response)["code"]) == (413, "server.ingest.body_too_large")
    assert push(api, "deals", pushing.pusher("ada"), json=APRIL[:1]).status_code == 200  # 66 bytes
    assert total(api, pushing, "company_revenue") == 1775 + 7


# --- the audit log ---------------------------------------------------------------------------------------------


def test_every_push_and_refusal_is_audited(api: TestClient, pushing: Pushing) -> None:
    assert push(api, "deals", pushing.pusher("ada", **{"Idempotency-Key": "audited"}), json=APRIL).status_code == 200
    assert push(api, "deals", pushing.pusher("anna"), json=APRIL).status_code == 403
    succeeded, refused = ingest_entries(pushing.root)
    assert (succeeded.actor_kind, succeeded.actor_email, succeeded.target, succeeded.outcome) == (
        ActorKind.ACCOUNT,
        "ada@acme.example",
        "deals",
        Outcome.SUCCEEDED,
    )
    assert dict(succeeded.details) == {
        "table": "deals",
        "sources": ["deals"],
        "file": "api",
        "mode": "append",
        "rows": 2,
        "replaced_rows": 0,
        "idempotency_key": "audited",
    }
    assert (refused.actor_email, refused.target, refused.outcome) == ("anna@acme.example", "deals", Outcome.REFUSED)
