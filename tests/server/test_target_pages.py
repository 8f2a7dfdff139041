"""The target editing page over HTTP (docs/dashboard.md, "Target editing"): who may open it, the suggestions and
the history they rest on, a preview, a save that lands in the definitions and the audit log, a save after another
editor's that is refused with the typed values kept, and a bad value refused on the form.

The numbers are the deals of tests/permissions/org_support.py, by hand: company_revenue (every deal) is
January 10 + 20 + 100 = 130, February 40 + 5 + 200 = 245, March 400 + 1000 = 1400. Each test that saves uses a
period of its own, so that the tests do not depend on each other's targets."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kpilot import Workspace
from kpilot.auth.actor import Actor
from kpilot.services import audit
from kpilot.services.accounts import NewPassword, set_password
from kpilot.services.targets import edit_targets, targets_version
from kpilot.store import open_store
from tests.server.server_support import Company, build_served_company, client
from tests.server.test_pages import PASSWORD, sign_in

PAGE = "/kpis/company_revenue/targets"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Company:
    company = build_served_company(tmp_path_factory.mktemp("target-pages") / "ws")
    with Workspace(company.root) as workspace, open_store(workspace) as store:
        for name in ("eddie", "ada", "dino"):
            set_password(store, Actor.operator(), f"{name}@acme.example", NewPassword(PASSWORD), now=datetime.now(UTC))
    return company


@contextmanager
def signed_in(root: Path, name: str) -> Iterator[TestClient]:
    with client(root) as api:
        sign_in(api, name)
        yield api


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found is not None, f"no field {name}"
    return found.group(1)


def typed(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" inputmode="decimal" value="([^"]*)"', html)
    assert found is not None, f"no input {name}"
    return found.group(1)


def suggestion_row(html: str, method: str) -> list[str]:
    found = re.search(rf'<tr data-method="{method}"[^>]*>(.*?)</tr>', html, re.S)
    assert found is not None
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", found.group(1), re.S)]


def saved_targets(root: Path, period: str) -> list[tuple[float | None, float | None, float | None]]:
    with Workspace(root) as workspace:
        return [
            (t.commit, t.target, t.stretch)
            for t in workspace.definitions.targets_of("company_revenue")
            if t.period == period and not t.scope
        ]


def test_an_editor_sees_the_suggestions_and_the_history_they_rest_on(served: Company) -> None:
    with signed_in(served.root, "eddie") as api:
        page = api.get(f"{PAGE}?period=2025-03")
    assert page.status_code == 200
    html = page.text
    assert "<h1>Targets of company_revenue</h1>" in html
    history = re.findall(r'<tr><th scope="row">(2025-\d\d)</th><td>([^<]+)</td></tr>', html)
    assert history == [("2025-01", "130"), ("2025-02", "245")]  # the complete months before March, by hand
    # `last`: the last month of history, February's 245, is the target (the median of the method's errors is 0).
    assert suggestion_row(html, "last")[1] == "245"
    assert 'data-pick="last"' in html
    assert "1,400" in html  # March's value, shown with the target that applies now (none)
    assert hidden(html, "version") == targets_version(served.root)


def test_the_default_period_is_the_scorecards(served: Company) -> None:
    with signed_in(served.root, "eddie") as api:
        html = api.get(PAGE).text
    assert hidden(html, "period") == "2025-02"  # the last complete month of the data, as My KPIs shows


def test_picking_a_suggestion_fills_the_form(served: Company) -> None:
    with signed_in(served.root, "eddie") as api:
        html = api.get(f"{PAGE}?period=2025-03&method=last").text
    assert typed(html, "target") == "245"
    commit, stretch = float(typed(html, "commit")), float(typed(html, "stretch"))
    assert commit < 245 < stretch  # commit below the target, stretch above it, for a KPI that should go up


def test_a_preview_shows_the_status_the_values_would_give(served: Company) -> None:
    with signed_in(served.root, "eddie") as api:
        html = api.get(f"{PAGE}?period=2025-03").text
        fields = {"csrf": hidden(html, "csrf"), "version": hidden(html, "version"), "period": "2025-03"}
        above = api.post(f"{PAGE}/preview", data=fields | {"commit": "1000", "target": "1200", "stretch": "1500"})
        below = api.post(f"{PAGE}/preview", data=fields | {"commit": "1500", "target": "2000", "stretch": "2500"})
    assert above.status_code == 200
    assert 'data-preview-status="achieved"' in above.text  # 1400 against 1200
    assert "117%" in above.text  # 1400 / 1200 = 1.1667
    assert 'data-preview-status="off_track"' in below.text  # 1400 is below even the commit of 1500
    assert typed(above.text, "target") == "1200"  # the form keeps what was typed
    assert saved_targets(served.root, "2025-03") == []  # a preview writes nothing


def test_a_save_lands_in_the_definitions_and_the_audit_log(served: Company) -> None:
    with signed_in(served.root, "eddie") as api:
        html = api.get(f"{PAGE}?period=2025-04").text
        fields = {"csrf": hidden(html, "csrf"), "version": hidden(html, "version"), "period": "2025-04"}
        saved = api.post(
            PAGE, data=fields | {"commit": "1000", "target": "1200", "stretch": "1500"}, follow_redirects=False
        )
        assert saved.status_code == 303
        assert saved.headers["location"] == f"{PAGE}?period=2025-04&scope=&saved=1"
        after = api.get(saved.headers["location"]).text
    assert "The targets are saved." in after
    assert typed(after, "target") == "1200"  # the form now shows the saved target
    assert saved_targets(served.root, "2025-04") == [(1000.0, 1200.0, 1500.0)]
    with Workspace(served.root) as workspace, open_store(workspace) as store:
        entries = audit.read(store, Actor.operator(), now=datetime.now(UTC), action="targets.edited")
    mine = [
        e for e in entries if e.actor_email == "eddie@acme.example" and "company_revenue 2025-04" in e.details["added"]
    ]
    assert len(mine) == 1
    assert mine[0].target == "company_revenue"


def test_a_save_after_another_editors_is_refused_with_the_values_kept(served: Company) -> None:
    with signed_in(served.root, "eddie") as api:
        html = api.get(f"{PAGE}?period=2025-05").text
        stale = hidden(html, "version")
        with Workspace(served.root) as workspace, open_store(workspace) as store:  # another editor saves first
            entry = {"period": "2025-05", "target": 900}
            edit_targets(
                store, Actor.operator(), workspace, "company_revenue", [entry], version=stale, now=datetime.now(UTC)
            )
        fields = {"csrf": hidden(html, "csrf"), "version": stale, "period": "2025-05"}
        refused = api.post(PAGE, data=fields | {"commit": "1000", "target": "1200", "stretch": "1500"})
    assert refused.status_code == 409
    assert "Someone else saved targets meanwhile: nothing was written." in refused.text
    assert (typed(refused.text, "commit"), typed(refused.text, "target"), typed(refused.text, "stretch")) == (
        "1000",
        "1200",
        "1500",
    )
    assert saved_targets(served.root, "2025-05") == [(None, 900.0, None)]  # the other editor's, untouched
    assert hidden(refused.text, "version") == targets_version(served.root)  # saving again replaces it knowingly


def test_a_bad_value_is_refused_on_the_form(served: Company) -> None:
    with signed_in(served.root, "eddie") as api:
        html = api.get(f"{PAGE}?period=2025-06").text
        fields = {"csrf": hidden(html, "csrf"), "version": hidden(html, "version"), "period": "2025-06"}
        misordered = api.post(PAGE, data=fields | {"commit": "1000", "target": "1200", "stretch": "1100"})
        not_a_number = api.post(PAGE, data=fields | {"target": "a lot"})
    assert misordered.status_code == 422
    assert "commit &lt;= target &lt;= stretch" in misordered.text  # the service's words, on the form
    assert (typed(misordered.text, "target"), typed(misordered.text, "stretch")) == ("1200", "1100")
    assert not_a_number.status_code == 422
    assert "target must be a number, not “a lot”." in not_a_number.text
    assert typed(not_a_number.text, "target") == "a lot"
    assert saved_targets(served.root, "2025-06") == []


def test_a_form_from_elsewhere_changes_nothing(served: Company) -> None:
    with signed_in(served.root, "eddie") as api:
        html = api.get(f"{PAGE}?period=2025-07").text
        forged = api.post(
            PAGE, data={"csrf": "forged", "version": hidden(html, "version"), "period": "2025-07", "target": "1"}
        )
    assert forged.status_code == 403
    assert "This form has expired" in forged.text
    assert saved_targets(served.root, "2025-07") == []


def test_a_member_may_not_edit_and_a_hidden_kpi_is_not_found(served: Company) -> None:
    with signed_in(served.root, "dino") as api:
        visible = api.get(PAGE)
        hidden_kpi = api.get("/kpis/managers_revenue/targets")  # for managers only: Dino may not see it
        missing = api.get("/kpis/no_such_kpi/targets")
        html = api.get("/").text
        posted = api.post(PAGE, data={"csrf": hidden(html, "csrf"), "version": "x", "period": "2025-08", "target": "1"})
    assert visible.status_code == 403
    assert "Only editors and administrators may edit targets" in visible.text
    assert hidden_kpi.status_code == missing.status_code == 404
    assert "No such KPI" in hidden_kpi.text
    assert "managers_revenue" not in re.sub(r"<header.*?</header>", "", hidden_kpi.text, flags=re.S)
    assert posted.status_code == 403
    assert saved_targets(served.root, "2025-08") == []


def test_signed_out_the_page_asks_to_sign_in(served: Company) -> None:
    with client(served.root) as api:
        answer = api.get(f"{PAGE}?period=2025-03", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/sign-in?next=/kpis/company_revenue/targets%3Fperiod%3D2025-03"


def test_the_page_in_each_language(served: Company) -> None:
    with signed_in(served.root, "eddie") as api:
        italian = api.get(f"{PAGE}?period=2025-03&lang=it").text
        polish = api.get(f"{PAGE}?period=2025-03&lang=pl").text
        chinese = api.get(f"{PAGE}?period=2025-03&lang=zh").text
    assert "Obiettivi di company_revenue" in italian
    assert "Anteprima" in italian
    assert "Cele: company_revenue" in polish
    assert "Podgląd" in polish
    assert "company_revenue 的目标" in chinese
    assert "预览" in chinese
