"""The alerts endpoints (docs/api.md, "Alerts") over a small company: the monthly sales of tests/alerts/test_evaluate.py
(EMEA 1,000 a month, APAC 500) with EMEA's November 2026 down to 700, a 30 % fall, so that one round of the evaluator
on 2026-12-07 sets the rule `revenue_falls` (by team, at least 10 %) firing for EMEA and clear for APAC, and tells Ana
and the team EMEA. Ada is an admin, Ana (EMEA) and Carl (APAC) members; `secret_revenue` is restricted to Carl.

Before the round Ana has an e-mail channel and EMEA a webhook, both with a secret in their target (SECRETS): no answer
may ever hold one. So the round queues two deliveries, one a channel, both `queued`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kpilot import Workspace
from kpilot.auth.actor import Actor, Role
from kpilot.services.accounts import NewPassword, add_account
from kpilot.services.alert_run import run_round
from kpilot.services.alert_setup import Owner, add_channel
from kpilot.services.org import import_file
from kpilot.services.tokens import create_token
from kpilot.store import open_store
from kpilot.store.alert_records import ChannelKind, OwnerKind
from kpilot.store.location import store_location
from kpilot.store.revisions import upgrade
from tests.alerts.test_evaluate import NOW, workspace
from tests.server.server_support import client

RULES = """\
  - {name: secret_revenue, formula: amount, visibility: restricted, grants: {people: [carl@acme.example]}}
alert_rules:
  - name: revenue_falls
    label: Revenue falls
    when: change
    kpi: revenue
    min_change: 10
    by: [team]
    notify: {people: [ana@acme.example], teams: [EMEA]}
"""
ORG = """\
teams:
  - {name: EMEA, kind: team, scope: {team: EMEA}}
  - {name: APAC, kind: team, scope: {team: APAC}}
people:
  - {name: Ada, email: ada@acme.example, teams: [EMEA]}
  - {name: Ana, email: ana@acme.example, language: it, teams: [EMEA]}
  - {name: Carl, email: carl@acme.example, teams: [APAC]}
"""
ROLES = {"ada": Role.ADMIN, "ana": Role.MEMBER, "carl": Role.MEMBER}
PASSWORD = "correct horse battery staple"
ANA_MAIL = "mailtos://kpilot:SECRETPASS@mail.acme.example?to=ana@acme.example"
EMEA_HOOK = "json://93.184.216.34/hooks/SECRETPATH?token=SECRETTOKEN"  # a public address: no name to resolve
SECRETS = ("SECRETPASS", "SECRETPATH", "SECRETTOKEN")


@dataclass(frozen=True)
class AlertCompany:
    root: Path
    tokens: dict[str, str]  # first name -> a token with `read` and `write`
    readers: dict[str, str]  # first name -> a token with `read` only

    def headers(self, name: str, *, write: bool = True) -> dict[str, str]:
        return {"Authorization": f"Bearer {(self.tokens if write else self.readers)[name]}"}


def build_alert_company(root: Path, *, passwords: bool = False) -> AlertCompany:
    """The company above, after one round of the evaluator (`root` is the workspace's folder)."""
    made = workspace(root.parent, {"EMEA": (700, 10)})  # tests.alerts.test_evaluate writes to <parent>/ws
    made.close()
    assert root == root.parent / "ws"
    (root / "definitions" / "alerts.yaml").write_text("kpis:\n" + RULES)
    upgrade(store_location("kpilot.db", root))
    (root / "org.yaml").write_text(ORG)
    operator = Actor.operator()
    tokens, readers = {}, {}
    with Workspace(root) as ws:
        import_file(ws, root / "org.yaml", on=NOW.date())
        with open_store(ws) as store:
            moment = datetime.now(UTC)
            for name, role in ROLES.items():
                email = f"{name}@acme.example"
                add_account(store, operator, email, [role], password=NewPassword(PASSWORD) if passwords else None,
                            now=moment)  # fmt: skip
                later = moment + timedelta(days=1)
                tokens[name] = create_token(store, operator, email, "t", ["read", "write"], expires_at=later,
                                            now=moment).raw  # fmt: skip
                readers[name] = create_token(store, operator, email, "r", ["read"], expires_at=later, now=moment).raw
            add_channel(store, ws, operator, Owner(OwnerKind.PERSON, "ana@acme.example"), ChannelKind.EMAIL,
                        ANA_MAIL, now=NOW)  # fmt: skip
            add_channel(store, ws, operator, Owner(OwnerKind.TEAM, "EMEA"), ChannelKind.WEBHOOK, EMEA_HOOK, now=NOW)
            assert run_round(store, ws, NOW, "evaluator").enqueued == 1
    return AlertCompany(root, tokens, readers)


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> AlertCompany:
    return build_alert_company(tmp_path_factory.mktemp("alerts_api") / "ws")


@pytest.fixture
def api(company: AlertCompany) -> Iterator[TestClient]:
    with client(company.root) as test_client:
        yield test_client


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    assert not any(secret in response.text for secret in SECRETS), response.text
    return response.json()


def _error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert not any(secret in response.text for secret in SECRETS), response.text
    error: dict[str, Any] = response.json()["error"]
    assert error["message"]  # in words, not only a code
    if code is not None:
        assert error["code"] == code, error
    return error


def test_a_member_follows_a_kpi_she_may_see_and_not_one_she_may_not(api: TestClient, company: AlertCompany) -> None:
    ana = company.headers("ana")
    made = _ok(api.post("/api/v1/alerts/subscriptions", json={"kind": "kpi", "target": "revenue"}, headers=ana), 201)
    assert (made["kind"], made["target"], made["digest"]) == ("kpi", "revenue", "weekly")  # weekly: the default
    assert made["person"] == {"email": "ana@acme.example", "name": "Ana"}
    hidden = api.post("/api/v1/alerts/subscriptions", json={"kind": "kpi", "target": "secret_revenue"}, headers=ana)
    _error(hidden, 404)
    missing = api.post("/api/v1/alerts/subscriptions", json={"kind": "kpi", "target": "no_such_kpi"}, headers=ana)
    assert _error(hidden, 404)["code"] == _error(missing, 404)["code"]  # hidden exactly like missing
    # Carl, who is granted it, may follow it.
    carl = company.headers("carl")
    body = {"kind": "kpi", "target": "secret_revenue", "digest": "daily"}
    assert _ok(api.post("/api/v1/alerts/subscriptions", json=body, headers=carl), 201)["digest"] == "daily"
    mine = _ok(api.get("/api/v1/alerts/subscriptions", headers=ana))["subscriptions"]
    assert [(one["target"], one["digest"]) for one in mine] == [("revenue", "weekly")]
    changed = _ok(api.patch(f"/api/v1/alerts/subscriptions/{made['id']}", json={"digest": "none"}, headers=ana))
    assert changed["digest"] == "none"
    # Carl cannot touch Ana's subscription: it is unknown to him.
    _error(api.delete(f"/api/v1/alerts/subscriptions/{made['id']}", headers=carl), 404)
    assert _ok(api.delete(f"/api/v1/alerts/subscriptions/{made['id']}", headers=ana)) == {"removed": made["id"]}
    assert _ok(api.get("/api/v1/alerts/subscriptions", headers=ana))["subscriptions"] == []


def test_a_member_may_not_see_the_admin_view_nor_add_a_team_channel(api: TestClient, company: AlertCompany) -> None:
    ana = company.headers("ana")
    for path in ("/api/v1/alerts/admin", "/api/v1/alerts/deliveries",
                 "/api/v1/alerts/evaluations?rule=revenue_falls&scope=team%3DEMEA"):  # fmt: skip
        _error(api.get(path, headers=ana), 403, "permissions.denied")
    team = {"kind": "email", "target": "mailto://kpilot@acme.example?to=emea@acme.example", "team": "EMEA"}
    _error(api.post("/api/v1/alerts/channels", json=team, headers=ana), 403)
    _error(api.get("/api/v1/alerts/channels?team=EMEA", headers=ana), 403)
    _error(api.get("/api/v1/alerts/subscriptions?person=carl@acme.example", headers=ana), 403)
    silence = {"kind": "rule", "subject": "revenue_falls", "ends_at": "2030-01-01T00:00:00Z", "reason": "works"}
    _error(api.post("/api/v1/alerts/silences", json=silence, headers=ana), 403)


def test_a_member_adds_and_removes_her_own_channel(api: TestClient, company: AlertCompany) -> None:
    carl = company.headers("carl")
    target = "mailtos://kpilot:SECRETPASS@mail.acme.example?to=carl@acme.example"
    made = _ok(api.post("/api/v1/alerts/channels", json={"kind": "email", "target": target}, headers=carl), 201)
    # Shown by scheme and host only; an e-mail channel does not deduplicate by default.
    assert (made["kind"], made["target_shown"], made["dedupes"]) == ("email", "mailtos://mail.acme.example", False)
    assert made["owner"] == {"kind": "person", "name": "carl@acme.example"}
    listed = _ok(api.get("/api/v1/alerts/channels", headers=carl))["channels"]
    assert [one["id"] for one in listed] == [made["id"]]
    # Ana's channel (made first, id 1) is not Carl's to remove: unknown to him.
    _error(api.delete("/api/v1/alerts/channels/1", headers=carl), 404, "services.alerts.channel_unknown")
    assert _ok(api.delete(f"/api/v1/alerts/channels/{made['id']}", headers=carl)) == {"removed": made["id"]}
    assert _ok(api.get("/api/v1/alerts/channels", headers=carl))["channels"] == []


def test_a_webhook_to_an_internal_address_is_refused_in_the_envelope(api: TestClient, company: AlertCompany) -> None:
    body = {"kind": "webhook", "target": "json://127.0.0.1:8080/hook?token=SECRETTOKEN"}
    error = _error(api.post("/api/v1/alerts/channels", json=body, headers=company.headers("ada")), 400,
                   "alerts.message.error.internal_target")  # fmt: skip
    assert error["field"] == "target"
    metadata = {"kind": "webhook", "target": "json://169.254.169.254/latest"}  # the cloud metadata service
    _error(api.post("/api/v1/alerts/channels", json=metadata, headers=company.headers("ana")), 400,
           "alerts.message.error.internal_target")  # fmt: skip
    _error(
        api.post("/api/v1/alerts/channels", json={"kind": "fax", "target": "x"}, headers=company.headers("ana")), 422
    )


def test_an_admin_sees_everything_and_never_a_target(api: TestClient, company: AlertCompany) -> None:
    ada = company.headers("ada")
    view = _ok(api.get("/api/v1/alerts/admin", headers=ada))
    (rule,) = view["rules"]
    assert (rule["name"], rule["title"], rule["when"], rule["kpi"], rule["by"]) == (
        "revenue_falls", "Revenue falls", "change", "revenue", ["team"],
    )  # fmt: skip
    assert rule["notify"] == {"people": ["ana@acme.example"], "teams": ["EMEA"]}
    # EMEA 1,000 -> 700 (-30 %, at least 10 %): firing at once (pending_for 0); APAC unchanged: ok
    assert {scope["scope_key"]: scope["state"] for scope in rule["scopes"]} == {
        "team=APAC": "ok",
        "team=EMEA": "firing",
    }
    assert rule["firing"] == 1
    emea = next(scope for scope in rule["scopes"] if scope["scope_key"] == "team=EMEA")
    assert (emea["last"]["outcome"], emea["last"]["period"], emea["last"]["state"]) == ("breach", "2026-11", "firing")
    assert emea["last"]["reason"]["code"] == "alerts.reason.change.worse"
    shown = {(one["owner"]["kind"], one["owner"]["name"]): one["target_shown"] for one in view["channels"]}
    assert shown == {("person", "ana@acme.example"): "mailtos://mail.acme.example",
                     ("team", "EMEA"): "json://93.184.216.34"}  # fmt: skip
    # One delivery a channel of whom the rule tells: Ana's e-mail, EMEA's webhook; both still queued.
    found = {(one["recipient"], one["channel"]["kind"], one["status"]) for one in view["deliveries"]}
    assert found == {("ana@acme.example", "email", "queued"), ("EMEA", "webhook", "queued")}
    assert view["focus"] == {"person": None, "team": None, "kpi": None, "status": None}


def test_the_admin_view_narrows_and_the_deliveries_filter(api: TestClient, company: AlertCompany) -> None:
    ada = company.headers("ada")
    other = _ok(api.get("/api/v1/alerts/admin?kpi=returns", headers=ada))
    assert other["rules"] == []
    assert other["deliveries"] == []
    ana = _ok(api.get("/api/v1/alerts/admin?person=ana@acme.example", headers=ada))
    assert [one["recipient"] for one in ana["deliveries"]] == ["ana@acme.example"]
    assert [one["owner"]["name"] for one in ana["channels"]] == ["ana@acme.example", "EMEA"]  # her own and her team's
    queued = _ok(api.get("/api/v1/alerts/deliveries?status=queued", headers=ada))["deliveries"]
    assert len(queued) == 2
    assert _ok(api.get("/api/v1/alerts/deliveries?status=sent", headers=ada))["deliveries"] == []
    _error(api.get("/api/v1/alerts/deliveries?status=lost", headers=ada), 422)
    history = _ok(api.get("/api/v1/alerts/evaluations?rule=revenue_falls&scope=team%3DEMEA", headers=ada))
    assert [(one["outcome"], one["state"]) for one in history["evaluations"]] == [("breach", "firing")]


def test_silences_are_made_by_admins_and_read_by_everyone(api: TestClient, company: AlertCompany) -> None:
    ada = company.headers("ada")
    start = datetime.now(UTC).replace(microsecond=0)
    body = {"kind": "kpi", "subject": "revenue", "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=2)).isoformat(), "reason": "data reloaded tonight"}  # fmt: skip
    made = _ok(api.post("/api/v1/alerts/silences", json=body, headers=ada), 201)
    assert (made["kind"], made["subject"], made["created_by"]) == ("kpi", "revenue", "ada@acme.example")
    assert datetime.fromisoformat(made["ends_at"]) == start + timedelta(hours=2)
    listed = _ok(api.get("/api/v1/alerts/silences", headers=company.headers("ana", write=False)))["silences"]
    assert [one["id"] for one in listed] == [made["id"]]
    backwards = body | {"ends_at": (start - timedelta(hours=1)).isoformat()}
    assert _error(api.post("/api/v1/alerts/silences", json=backwards, headers=ada), 400)["field"] == "ends_at"
    unknown = body | {"subject": "no_such_kpi"}
    _error(api.post("/api/v1/alerts/silences", json=unknown, headers=ada), 400, "services.alerts.subject_unknown")
    _error(api.post("/api/v1/alerts/silences", json=body | {"reason": " "}, headers=ada), 422)
    _error(api.delete(f"/api/v1/alerts/silences/{made['id']}", headers=company.headers("ana")), 403)
    assert _ok(api.delete(f"/api/v1/alerts/silences/{made['id']}", headers=ada)) == {"removed": made["id"]}
    _error(api.delete(f"/api/v1/alerts/silences/{made['id']}", headers=ada), 404, "services.alerts.silence_unknown")


def test_changes_need_a_token_with_write(api: TestClient, company: AlertCompany) -> None:
    reader = company.headers("ana", write=False)
    _error(api.post("/api/v1/alerts/subscriptions", json={"kind": "kpi", "target": "revenue"}, headers=reader), 403,
           "permissions.token_lacks_scope")  # fmt: skip
    _error(api.get("/api/v1/alerts/subscriptions"), 401)
