"""The decision table: every role x every visibility x a scope asked for (the member's own team EMEA, another team
APAC, the whole company), with allow or deny and, for allowed reads, the rows counted and the revenue summed.

Expected values are counted by hand from the eight deals of org_support (EMEA: rows 1-4 and 8, 1075; APAC: rows 5-7,
700; all: 8 rows, 1775), read on 2025-03-20 (Bruno is in APAC since 2025-03-15):

- anna (member, EMEA, owner=anna): team KPIs over owner=anna or team=EMEA (the EMEA rows); private over her rows
  1-2; the restricted KPI is granted to EMEA, so all of it.
- mara (manager, EMEA, owner=mara; Anna reports to her, and Bruno to Anna): team KPIs over the EMEA rows and
  Bruno's APAC row 7; private over the rows of Mara, Anna and Bruno (1-4, 7); restricted: granted to EMEA.
"""

from __future__ import annotations

import pytest

from kpilot import Workspace
from kpilot.auth.actor import ANONYMOUS, Actor
from kpilot.errors import QueryError
from kpilot.services.kpis import workspace_for
from kpilot.services.permissions import PermissionDenied
from tests.permissions.org_support import DAY, actor

NOT_FOUND = "not found"
DENIED = "denied"
ALL_OF_IT = {"EMEA": (5, 1075), "APAC": (3, 700), "company": (8, 1775)}
EMEA_ONLY = {"EMEA": (5, 1075), "APAC": (0, 0), "company": (5, 1075)}
HIDDEN = dict.fromkeys(ALL_OF_IT, NOT_FOUND)
NOTHING_AT_ALL = dict.fromkeys(ALL_OF_IT, DENIED)

EXPECTED: dict[str, dict[str, dict[str, object]]] = {
    "local": dict.fromkeys(("company", "team", "private", "restricted"), ALL_OF_IT),
    "ada": dict.fromkeys(("company", "team", "private", "restricted"), ALL_OF_IT),  # admin
    "eddie": dict.fromkeys(("company", "team", "private", "restricted"), ALL_OF_IT),  # editor
    "mara": {
        "company": ALL_OF_IT,
        "team": {"EMEA": (5, 1075), "APAC": (1, 400), "company": (6, 1475)},
        "private": {"EMEA": (4, 75), "APAC": (1, 400), "company": (5, 475)},
        "restricted": ALL_OF_IT,
    },
    "anna": {
        "company": ALL_OF_IT,
        "team": EMEA_ONLY,
        "private": {"EMEA": (2, 30), "APAC": (0, 0), "company": (2, 30)},
        "restricted": ALL_OF_IT,
    },
    "vera": {"company": ALL_OF_IT, "team": HIDDEN, "private": HIDDEN, "restricted": HIDDEN},  # viewer
    "nobody": dict.fromkeys(("company", "team", "private", "restricted"), NOTHING_AT_ALL),
}
SCOPES = {"EMEA": {"team": "EMEA"}, "APAC": {"team": "APAC"}, "company": None}
CASES = [
    (who, visibility, scope)
    for who, table in EXPECTED.items()
    for visibility, by_scope in table.items()
    for scope in by_scope
]


def _actor(company: Workspace, who: str) -> Actor:
    if who == "local":
        return Actor.operator()
    if who == "nobody":
        return ANONYMOUS
    return actor(company, who)


@pytest.mark.parametrize(("who", "visibility", "scope"), CASES)
def test_the_decision_table(company: Workspace, who: str, visibility: str, scope: str) -> None:
    expected = EXPECTED[who][visibility][scope]
    kpis = [f"{visibility}_deals", f"{visibility}_revenue"]
    if expected == DENIED:
        with pytest.raises(PermissionDenied) as refused:
            workspace_for(_actor(company, who), company, on=DAY)
        assert refused.value.code == "permissions.denied"
        return
    view = workspace_for(_actor(company, who), company, on=DAY)
    if expected == NOT_FOUND:
        with pytest.raises(QueryError) as raised:
            view.compute(kpis, grain="all", scope=SCOPES[scope])
        assert raised.value.code == "semantic.unknown_kpi"
        assert all(kpi not in [k.name for k in view.definitions.kpis] for kpi in kpis)
        return
    table = view.compute(kpis, grain="all", scope=SCOPES[scope]).to_pylist()
    assert [(row[kpis[0]], row[kpis[1]]) for row in table] == [expected]
