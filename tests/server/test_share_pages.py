"""Share links over HTTP (docs/dashboard.md#sharing-and-embedding): made through the /shares form, opened signed out
at /s/TOKEN with the creator's numbers, locked against the visitor's query string, stopped by revocation (410) and
by expiry (410, with the app's clock moved), unknown when forged (404), and embeddable only as ?embed=1.

The numbers are the deals of tests/permissions/org_support.py, worked out by hand: in 2025-02 EMEA has Bruno's 40 and
Mara's 5 (45), APAC Carl's 200, the company 245; in 2025-01 EMEA has Anna's 10 and 20 (30), APAC Carl's 100. Dino
(a member of EMEA) sees team_revenue over EMEA's rows only; Ada (an admin) sees every row."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from itsdangerous import URLSafeSerializer

from kpilot import Workspace
from kpilot.auth.actor import Actor, Role
from kpilot.services import audit
from kpilot.services.accounts import set_roles
from kpilot.store import open_store
from tests.server.server_support import Company, client
from tests.server.share_support import card_value, csrf_of, history_rows, make_link, served_with_passwords
from tests.server.test_pages import sign_in


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Company:
    return served_with_passwords(tmp_path_factory.mktemp("shares") / "ws")


@contextmanager
def browser(served: Company, name: str | None = None) -> Iterator[TestClient]:
    with client(served.root) as api:
        if name is not None:
            sign_in(api, name)
        yield api


def test_a_link_works_signed_out_with_the_creators_numbers(served: Company) -> None:
    with browser(served, "dino") as dino:
        _, path = make_link(dino, name="team_revenue", period="2025-02")
    with browser(served) as visitor:
        shown = visitor.get(path)
    assert shown.status_code == 200
    assert card_value(shown.text) == "45"  # EMEA in February: 40 + 5, as Dino sees it
    history = history_rows(shown.text)
    assert history["February 2025"] == "45"
    assert history["January 2025"] == "30"  # 10 + 20
    assert 'class="pages"' not in shown.text  # no navigation to anything else
    assert 'href="/"' not in shown.text
    assert "/sign-out" not in shown.text
    assert shown.headers["referrer-policy"] == "no-referrer"


def test_the_link_shows_no_more_than_its_creator_sees(served: Company) -> None:
    """Ada sees team_revenue over every row (245 in February); Dino's link shows his 45 whoever opens it."""
    with browser(served, "ada") as ada:
        _, wide = make_link(ada, name="team_revenue", period="2025-02")
        with browser(served, "dino") as dino:
            _, narrow = make_link(dino, name="team_revenue", period="2025-02")
        assert card_value(ada.get(narrow).text) == "45"  # an admin opening Dino's link sees Dino's numbers
        assert card_value(ada.get(wide).text) == "245"


def test_the_visitors_query_cannot_change_the_locked_filters(served: Company) -> None:
    with browser(served, "ada") as ada:
        _, path = make_link(ada, name="company_revenue", scope="team=EMEA", period="2025-02")
    with browser(served) as visitor:
        for query in ("", "?team=APAC", "?period=2025-01", "?team=APAC&period=2025-03&grain=year", "?scope=team=APAC"):
            shown = visitor.get(path + query)
            assert shown.status_code == 200, query
            assert card_value(shown.text) == "45", query  # EMEA, February, whatever the query says
        exported = visitor.get(path + "/export.csv?team=APAC&period=2025-01")
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    february = next(row for row in rows if row[0] == "2025-02")
    assert february[2] == "45"


def test_a_revoked_link_is_gone(served: Company) -> None:
    with browser(served, "dino") as dino:
        link_id, path = make_link(dino, name="team_revenue")
        with browser(served) as visitor:
            assert visitor.get(path).status_code == 200
            refused = dino.post(f"/shares/{link_id}/revoke", data={"csrf": "forged"}, follow_redirects=False)
            assert refused.status_code == 403
            assert visitor.get(path).status_code == 200  # a forged form revokes nothing
            done = dino.post(f"/shares/{link_id}/revoke", data={"csrf": csrf_of(dino)}, follow_redirects=False)
            assert done.status_code == 303
            gone = visitor.get(path)
            assert visitor.get(path + "/export.csv").status_code == 410
        listed = dino.get("/shares").text
    assert gone.status_code == 410
    assert "This link no longer works" in gone.text
    assert "revoked it on" in gone.text
    assert "Revoked" in listed
    with Workspace(served.root) as workspace, open_store(workspace) as store:
        entries = audit.read(store, Actor.operator(), now=datetime.now(UTC), action="share.revoked")
        made = audit.read(store, Actor.operator(), now=datetime.now(UTC), action="share.created")
    assert [entry.target for entry in entries if entry.outcome.value == "succeeded"].count(str(link_id)) == 1
    created = next(entry for entry in made if entry.target == str(link_id))
    assert created.actor_email == "dino@acme.example"
    assert dict(created.details)["target"] == "team_revenue"


def test_a_link_expires(served: Company) -> None:
    with browser(served, "dino") as dino:
        _, path = make_link(dino, name="team_revenue", days="1")
    with browser(served) as visitor:
        assert visitor.get(path).status_code == 200
        later = datetime.now(UTC) + timedelta(days=1, minutes=1)
        visitor.app.state.share_clock = lambda: later  # type: ignore[attr-defined]
        expired = visitor.get(path)
    assert expired.status_code == 410
    assert "this link expired on" in expired.text


def test_forged_and_altered_links_are_unknown(served: Company) -> None:
    with browser(served, "dino") as dino:
        link_id, path = make_link(dino, name="team_revenue")
    token = path.removeprefix("/s/")
    altered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    elsewhere = URLSafeSerializer("another server's secret" * 2, salt="kpilot.share-link").dumps(link_id)
    with browser(served) as visitor:
        for wrong in ("nonsense", altered, elsewhere, str(link_id), token + "x"):
            answer = visitor.get(f"/s/{wrong}")
            assert answer.status_code == 404, wrong
            assert "There is no such link" in answer.text
            assert visitor.get(f"/s/{wrong}/export.csv").status_code == 404


def test_making_a_link_needs_the_pages_csrf_token(served: Company) -> None:
    with browser(served, "carl") as carl:
        data = {"kind": "kpi", "name": "team_revenue", "days": "30"}
        for forged in ({}, {"csrf": "forged"}):
            answer = carl.post("/shares", data={**data, **forged}, follow_redirects=False)
            assert answer.status_code == 403
        assert "nothing was changed" in answer.text
        assert 'data-share="' not in carl.get("/shares").text  # no link was made


def test_a_kpi_one_may_not_see_cannot_be_shared(served: Company) -> None:
    """managers_revenue is for managers: Carl (a member) is told it does not exist, as for a KPI that does not."""
    with browser(served, "carl") as carl:
        hidden = carl.post("/shares", data={"kind": "kpi", "name": "managers_revenue", "csrf": csrf_of(carl)})
        missing = carl.post("/shares", data={"kind": "kpi", "name": "no_such_kpi", "csrf": csrf_of(carl)})
        assert (hidden.status_code, missing.status_code) == (400, 400)
        assert "managers_revenue" in hidden.text
        assert 'data-share="' not in carl.get("/shares").text


def test_the_form_refuses_what_a_link_cannot_lock(served: Company) -> None:
    with browser(served, "dino") as dino:
        for fields, words in (
            ({"days": "0"}, "a link works for 1 to 90 days, not 0"),
            ({"days": "400"}, "a link works for 1 to 90 days, not 400"),
            ({"period": "yesterday"}, "is not a period a link can show"),
            ({"grain": "hour"}, "is not a grain a link can show"),
            ({"scope": "team"}, "cannot read the scope &#39;team&#39;"),
        ):
            data = {"kind": "kpi", "name": "team_revenue", "days": "30", **fields, "csrf": csrf_of(dino)}
            answer = dino.post("/shares", data=data)
            assert answer.status_code == 400, fields
            assert words in answer.text, fields


def test_another_persons_link_cannot_be_revoked(served: Company) -> None:
    with browser(served, "dino") as dino:
        link_id, path = make_link(dino, name="team_revenue")
    with browser(served, "carl") as carl:
        refused = carl.post(f"/shares/{link_id}/revoke", data={"csrf": csrf_of(carl)})
        assert refused.status_code == 404
        assert carl.get(path).status_code == 200  # still works


def test_only_the_embed_view_may_be_framed(served: Company) -> None:
    with browser(served, "dino") as dino:
        _, path = make_link(dino, name="team_revenue", period="2025-02")
        own_page = dino.get("/")
    with browser(served) as visitor:
        page = visitor.get(path)
        embedded = visitor.get(path + "?embed=1")
    for refused in (own_page, page):
        assert refused.headers["content-security-policy"] == "frame-ancestors 'none'"
        assert refused.headers["x-frame-options"] == "DENY"
    assert embedded.headers["content-security-policy"] == "frame-ancestors *"
    assert "x-frame-options" not in embedded.headers
    assert card_value(embedded.text) == "45"
    assert '<header class="bar">' not in embedded.text  # minimal chrome
    assert '<header class="bar">' in page.text


def test_a_board_link(served: Company) -> None:
    """Dino's link to the EMEA board shows EMEA's rows of what he sees: team_revenue 45 in February."""
    with browser(served, "dino") as dino:
        _, path = make_link(dino, kind="board", name="team:emea")
    with browser(served) as visitor:
        shown = visitor.get(path)
        pdf = visitor.get(path + "/export.pdf")
        sheet = visitor.get(path + "/export.csv")
    assert shown.status_code == 200
    assert "<h1>EMEA</h1>" in shown.text
    team = shown.text.split('data-kpi="team_revenue"', 1)[1]
    assert card_value(team) == "45"
    assert pdf.content.startswith(b"%PDF")
    rows = {row[0]: row for row in csv.reader(io.StringIO(sheet.content.decode("utf-8-sig")))}
    assert rows["team_revenue"][3] == "45"


def test_the_shared_page_in_the_visitors_language(served: Company) -> None:
    with browser(served, "dino") as dino:
        _, path = make_link(dino, name="team_revenue", period="2025-02")
    with browser(served) as visitor:
        italian = visitor.get(path + "?lang=it")
        chinese = visitor.get(path, headers={"Accept-Language": "zh-CN"})
    assert '<html lang="it">' in italian.text
    assert "Condiviso con te, in sola lettura" in italian.text
    assert card_value(italian.text) == "45"
    assert '<html lang="zh">' in chinese.text
    assert "已与你分享，只读" in chinese.text


def test_a_link_shows_nothing_its_creator_may_no_longer_see(served: Company) -> None:
    """managers_revenue is for managers: Mara's link to it stops (410) once she is no longer one, and works again
    when she is (the link is checked against what its creator may see on every visit)."""
    with browser(served, "mara") as mara:
        _, path = make_link(mara, name="managers_revenue", period="2025-02")
    with browser(served) as visitor:
        assert card_value(visitor.get(path).text) == "245"  # every deal of February: 40 + 5 + 200
        with Workspace(served.root) as workspace, open_store(workspace) as store:
            set_roles(store, Actor.operator(), "mara@acme.example", [Role.MEMBER], now=datetime.now(UTC))
        try:
            broken = visitor.get(path)
        finally:
            with Workspace(served.root) as workspace, open_store(workspace) as store:
                set_roles(store, Actor.operator(), "mara@acme.example", [Role.MANAGER], now=datetime.now(UTC))
        assert broken.status_code == 410
        assert "This link can no longer be shown as it was shared" in broken.text
        assert "245" not in broken.text
        assert visitor.get(path).status_code == 200
