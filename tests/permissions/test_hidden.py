"""A KPI the actor may not see is "not found" exactly like one that does not exist, on every path: the same error
class, code, field, hint and suggestions, so that trying names tells nothing; and a hidden name is never offered as
a suggestion."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kpilot import Workspace
from kpilot.errors import UserError
from kpilot.services.kpis import workspace_for
from kpilot.services.permissions import Action, KpiResource, NotFound, ensure
from kpilot.services.reader import reader_of
from kpilot.store import open_store
from kpilot.store.organisation import read_organisation
from tests.permissions.org_support import DAY, actor

# A KPI hidden from Vera (the viewer) and a name no KPI has, each pair as close to the KPIs she sees (the first
# pair suggests company_revenue, the second nothing).
PAIRS = [("managers_revenue", "managers_revenues"), ("restricted_share", "restricted_shore")]


def _raised(action: Callable[[], object]) -> UserError:
    with pytest.raises(UserError) as raised:
        action()
    return raised.value


def _same_but_the_name(hidden: UserError, missing: UserError, names: tuple[str, str]) -> None:
    assert type(hidden) is type(missing)
    assert hidden.code == missing.code
    assert hidden.field == missing.field
    assert hidden.hint == missing.hint
    assert hidden.suggestions == missing.suggestions
    assert hidden.location == missing.location
    assert str(hidden).replace(names[0], "?") == str(missing).replace(names[1], "?")


@pytest.mark.parametrize("names", PAIRS, ids=["close", "far"])
@pytest.mark.parametrize(
    "attempt",
    [
        lambda view, name: view.compute([name], grain="all"),
        lambda view, name: view.compute(["company_revenue", name], grain="month"),
        lambda view, name: view.sql([name]),
        lambda view, name: view.scorecard(period="2025-02", kpis=[name]),
        lambda view, name: view.forecast(name),
        lambda view, name: view.suggest_targets(name, period="2025-04"),
    ],
    ids=["compute", "compute-fused", "sql", "scorecard", "forecast", "suggest_targets"],
)
def test_a_hidden_kpi_fails_like_a_missing_one(
    company: Workspace, attempt: Callable[[Workspace, str], object], names: tuple[str, str]
) -> None:
    view = workspace_for(actor(company, "vera"), company, on=DAY)
    hidden = _raised(lambda: attempt(view, names[0]))
    missing = _raised(lambda: attempt(view, names[1]))
    _same_but_the_name(hidden, missing, names)
    assert names[0] not in hidden.suggestions
    assert names[0] not in str(hidden.hint)


@pytest.mark.parametrize("names", PAIRS, ids=["close", "far"])
def test_ensure_says_not_found_for_hidden_and_missing_alike(company: Workspace, names: tuple[str, str]) -> None:
    with open_store(company) as store, store.reading() as session:
        organisation = read_organisation(session)
    vera = reader_of(actor(company, "vera"), organisation, DAY)
    found = []
    for name in names:
        with pytest.raises(NotFound) as refused:
            ensure(vera, Action.READ_KPIS, KpiResource(name, company.definitions))
        found.append(refused.value)
    _same_but_the_name(found[0], found[1], names)
    assert found[0].field == "kpi"
    ensure(vera, Action.READ_KPIS, KpiResource("company_revenue", company.definitions))  # a KPI she sees passes


def test_a_hidden_name_is_never_suggested(company: Workspace) -> None:
    """`private_deal` is one letter from the hidden `private_deals`: the suggestion is a KPI Vera sees, or none."""
    view = workspace_for(actor(company, "vera"), company, on=DAY)
    error = _raised(lambda: view.compute(["private_deal"], grain="all"))
    assert set(error.suggestions) <= {"company_revenue", "company_deals"}
    unrestricted = _raised(lambda: company.compute(["private_deal"], grain="all"))
    assert unrestricted.suggestions == ("private_deals",)  # without a view, the name is offered
