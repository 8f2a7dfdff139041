"""schemathesis against the running app, with every check it has: responses conform to the OpenAPI document (every
error to the envelope's schema, which each endpoint declares), no server errors, valid input accepted and invalid
input refused, a request with broken credentials refused. Each operation runs with schema-valid (positive) and,
where a parameter can be invalid, schema-invalid (negative) requests, a bounded number of each so that it fits in
`make test`; they carry an admin's token with every scope, so that they reach the routes' code rather than stop
at the 401 or 403.

One adjustment, said here: a schema-valid request may still name nothing (a KPI name, a dimension value, a formula
that does not parse: 400 or 404), mean nothing (a token scope for a source that does not exist, rows that do not
fit the source: 422), meet the state of things (an edit from a stale version: 409, 412, 428) or a limit (a body
too large, too many failed sign-ins: 413, 429); schemathesis counts those answers, in the envelope, as accepted.

The operations are read from the document at run time (schemathesis's pytest loader from a fixture does not run
under this pytest), each run as its own Hypothesis test, and every failure is reported together."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.config import SchemathesisConfig
from schemathesis.generation.case import Case

from kpilot import Workspace
from kpilot.auth.actor import Actor
from kpilot.server import create_app
from kpilot.services.tokens import create_token
from kpilot.store import open_store
from tests.server.server_support import Company, build_served_company

EXAMPLES = 30
CONFIG = """
[checks.positive_data_acceptance]
expected-statuses = ["2XX", "400", "401", "403", "404", "409", "412", "413", "422", "428", "429"]
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Company:
    return build_served_company(tmp_path_factory.mktemp("fuzzed") / "ws")


@pytest.fixture(scope="module")
def every_scope(served: Company) -> dict[str, str]:
    """An admin's token with every scope (read, write, pushing rows into `deals`), so that the fuzzing reaches the
    code of the routes that change things too, not only their refusal."""
    now = datetime.now(UTC)
    with Workspace(served.root) as workspace, open_store(workspace) as store:
        scopes = ["read", "write", "ingest:deals"]
        later = now + timedelta(days=1)
        made = create_token(store, Actor.operator(), "ada@acme.example", "fuzz", scopes, expires_at=later, now=now)
    return {"Authorization": f"Bearer {made.raw}"}


def test_every_operation_keeps_the_document(served: Company, every_scope: dict[str, str]) -> None:
    app = create_app(served.root)
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app, config=SchemathesisConfig.from_str(CONFIG))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    failures: dict[str, str] = {}
    runs = 0
    try:
        for operation, mode in itertools.product(operations, schemathesis.GenerationMode):
            if mode is schemathesis.GenerationMode.NEGATIVE and not (operation.query or operation.path_parameters):
                continue  # nothing of the request can be invalid but its credentials, which test_api tries

            @given(case=operation.as_strategy(mode, headers=every_scope))
            @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
            def call(case: Case) -> None:
                case.call_and_validate()

            try:
                call()
                runs += 1
            except Unsatisfiable:
                continue  # a free-text path parameter: every string is valid, so there is no invalid one to send
            except Exception as failure:
                failures[f"{mode.value} {operation.label}"] = str(failure)[:3000]
    finally:
        app.state.runtime.close()
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
    assert runs >= 12
