"""The alert pages (docs/dashboard.md#alert-pages) over HTTP, as a browser without JavaScript uses them: plain forms
that post the session's CSRF token. The company is tests/server/test_alerts_api.py's after one round of the evaluator
on 2026-12-07 09:00 UTC: `revenue_falls` firing for EMEA (1,000 -> 700, -30 %), ok for APAC; one queued delivery to
Ana's e-mail and one to EMEA's webhook, whose targets hold secrets no page may show. Ada is an admin, Ana and Carl
members; `secret_revenue` is Carl's only.

Every word of both pages is translated (as tests/server/test_page_words.py checks the other pages, whose served
company has no alert rule, channel or delivery to show), and dates are the reader's: 2026-12-07 09:00 is written
2026-12-07 09:00 in English, 07/12/2026 09:00 in Italian, 07.12.2026 09:00 in Polish and 2026年12月7日 09:00 in
Chinese (core.yaml's `format.date`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kpilot.i18n import Language
from tests.server.server_support import client
from tests.server.test_alerts_api import PASSWORD, SECRETS, AlertCompany, build_alert_company
from tests.server.test_page_words import same_in_every_language, texts

PAGES = ("/alerts", "/alerts/admin")
# Data, shown as it is in every language: names of KPIs, rules, people, teams, scopes, channels' hosts.
DATA = {
    "kpilot", "revenue", "returns", "secret_revenue", "Revenue falls", "revenue_falls", "EMEA", "APAC", "Ada", "Ana",
    "Carl", "ana@acme.example, EMEA", "team=EMEA", "team=APAC", "mailtos://mail.acme.example", "json://93.184.216.34",
    "ana@acme.example", "carl@acme.example", "ada@acme.example", "2026-11",
}  # fmt: skip
EVALUATED = {"en": "2026-12-07 09:00", "it": "07/12/2026 09:00", "pl": "07.12.2026 09:00", "zh": "2026年12月7日 09:00"}


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> AlertCompany:
    return build_alert_company(tmp_path_factory.mktemp("alerts_pages") / "ws", passwords=True)


def _signed_in(root: Path, name: str) -> Iterator[TestClient]:
    with client(root) as browser:
        answer = browser.post("/api/v1/session", json={"email": f"{name}@acme.example", "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        yield browser


@pytest.fixture
def ada(company: AlertCompany) -> Iterator[TestClient]:
    yield from _signed_in(company.root, "ada")


@pytest.fixture
def ana(company: AlertCompany) -> Iterator[TestClient]:
    yield from _signed_in(company.root, "ana")


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def _shown(response: object, status: int = 200) -> str:
    assert getattr(response, "status_code") == status, getattr(response, "text")  # noqa: B009
    html: str = getattr(response, "text")  # noqa: B009
    assert not any(secret in html for secret in SECRETS)
    return html


def _post(browser: TestClient, path: str, fields: dict[str, str], page: str = "/alerts") -> object:
    csrf = _csrf(_shown(browser.get(page + "?lang=en")))
    return browser.post(path, data={**fields, "csrf": csrf}, follow_redirects=True)


@pytest.mark.parametrize("language", [one for one in Language if one is not Language.EN], ids=str)
def test_every_word_of_both_pages_is_translated(ada: TestClient, language: Language) -> None:
    allowed = same_in_every_language(language) | DATA
    for path in PAGES:
        english = _shown(ada.get(f"{path}?lang=en"))
        other = _shown(ada.get(f"{path}?lang={language.value}"))
        untranslated = sorted((texts(english) & texts(other)) - allowed)
        assert not untranslated, (path, language.value, untranslated)


@pytest.mark.parametrize("language", list(Language), ids=str)
def test_the_admin_page_writes_dates_the_readers_way(ada: TestClient, language: Language) -> None:
    html = _shown(ada.get(f"/alerts/admin?lang={language.value}"))
    assert EVALUATED[language.value] in html


def test_the_admin_page_shows_states_channels_and_deliveries(ada: TestClient) -> None:
    html = _shown(ada.get("/alerts/admin?lang=en"))
    assert re.search(r'<tr data-state="firing">\s*<th scope="row" translate="no">team=EMEA</th>', html)
    assert re.search(r'<tr data-state="ok">\s*<th scope="row" translate="no">team=APAC</th>', html)
    # EMEA's last evaluation in words: November's 700 against October's 1,000, (1,000 - 700) / 1,000 = 30 % worse
    assert "Condition met, 2026-11. 700, against 1,000: worse by 30%" in html
    assert html.count('data-status="queued"') == 2
    assert "mailtos://mail.acme.example" in html
    assert "json://93.184.216.34" in html
    # Narrowed in the URL: Ana's delivery only; no delivery is sent yet.
    narrowed = _shown(ada.get("/alerts/admin?person=ana%40acme.example&lang=en"))
    assert narrowed.count("<tr data-delivery=") == 1
    assert 'value="ana@acme.example"' in narrowed
    assert "<tr data-delivery=" not in _shown(ada.get("/alerts/admin?status=sent"))
    assert '<section class="alert-rule"' not in _shown(ada.get("/alerts/admin?kpi=returns"))


def test_a_member_may_not_open_the_admin_page(ana: TestClient) -> None:
    html = _shown(ana.get("/alerts/admin?lang=en"), 403)
    assert "<tr data-delivery=" not in html
    assert 'href="/alerts/admin"' not in _shown(ana.get("/alerts?lang=en"))  # no link to it either


def test_ana_follows_a_kpi_changes_its_digest_and_stops(ana: TestClient) -> None:
    page = _shown(ana.get("/alerts?lang=en"))
    kpis = re.search(r'<select id="follow-kpi" name="target">(.*?)</select>', page, re.S)
    assert kpis is not None
    assert re.findall(r'value="(\w+)"', kpis.group(1)) == ["revenue", "returns"]  # not Carl's secret_revenue
    followed = _shown(_post(ana, "/alerts/follow", {"kind": "kpi", "target": "revenue", "digest": "daily"}))
    assert "data-done" in followed
    row = re.search(r'<tr data-subscription="(\d+)">(.*?)</tr>', followed, re.S)
    assert row is not None
    assert "revenue" in row.group(2)
    assert re.search(r'<option value="daily" selected>', row.group(2))
    number = row.group(1)
    changed = _shown(_post(ana, f"/alerts/subscriptions/{number}/digest", {"digest": "none"}))
    assert re.search(rf'<tr data-subscription="{number}">.*?<option value="none" selected>', changed, re.S)
    gone = _shown(_post(ana, f"/alerts/subscriptions/{number}/unfollow", {}))
    assert "<tr data-subscription=" not in gone


def test_a_kpi_she_may_not_see_is_not_found(ana: TestClient) -> None:
    html = _shown(_post(ana, "/alerts/follow", {"kind": "kpi", "target": "secret_revenue"}), 404)
    assert "data-problem" in html
    assert "<tr data-subscription=" not in html
    assert "data-problem" in _shown(_post(ana, "/alerts/subscriptions/999999/unfollow", {}), 404)  # no such one


def test_ana_adds_a_channel_whose_target_is_never_shown_and_removes_it(ana: TestClient) -> None:
    target = "mailtos://kpilot:SECRETPASS@mail.acme.example?to=ana.home@acme.example"
    html = _shown(_post(ana, "/alerts/channels", {"kind": "email", "target": target}))
    assert "data-done" in html
    rows = re.findall(r'<tr data-channel="(\d+)">', html)
    assert len(rows) == 2  # the one made before the round, and this one
    refused = _shown(_post(ana, "/alerts/channels", {"kind": "webhook", "target": "json://127.0.0.1:9/hook"}), 400)
    assert "data-problem" in refused
    assert len(re.findall(r'<tr data-channel="(\d+)">', refused)) == 2  # nothing added
    newest = max(rows, key=int)
    removed = _shown(_post(ana, f"/alerts/channels/{newest}/remove", {}))
    assert re.findall(r'<tr data-channel="(\d+)">', removed) == [min(rows, key=int)]


def test_a_form_without_the_session_token_changes_nothing(ana: TestClient) -> None:
    answer = ana.post("/alerts/follow", data={"kind": "kpi", "target": "revenue", "csrf": "forged"})
    assert answer.status_code == 403
    assert "<tr data-subscription=" not in _shown(ana.get("/alerts"))


def test_ada_silences_a_rule_ana_reads_it_and_ada_ends_it(ada: TestClient, ana: TestClient) -> None:
    fields = {"kind": "rule", "subject": "revenue_falls", "starts": "2026-01-01T00:00", "ends": "2099-01-01T00:00",
              "reason": "known problem"}  # fmt: skip
    made = _shown(_post(ada, "/alerts/admin/silences", fields, "/alerts/admin"))
    assert "data-done" in made
    found = re.search(r'<tr data-silence="(\d+)">', made)
    assert found is not None
    assert "01/01/2099 00:00 UTC" in _shown(ada.get("/alerts/admin?lang=it"))
    mine = _shown(ana.get("/alerts?lang=en"))
    assert f'<tr data-silence="{found.group(1)}">' in mine
    assert "known problem" in mine
    assert "data-end-silence" not in mine  # read only for her
    backwards = fields | {"ends": "2025-01-01T00:00"}  # before it starts
    assert "data-problem" in _shown(_post(ada, "/alerts/admin/silences", backwards, "/alerts/admin"), 400)
    ended = _shown(_post(ada, f"/alerts/admin/silences/{found.group(1)}/remove", {}, "/alerts/admin"))
    assert "<tr data-silence=" not in ended
