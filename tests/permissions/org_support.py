"""A small company for the permission tests: eight deals, a store with its organisation, and actors built by hand.

The deals (the numbers every test works out by hand from):

    row  day         team  owner  amount
    1    2025-01-05  EMEA  anna     10
    2    2025-01-20  EMEA  anna     20
    3    2025-02-10  EMEA  bruno    40
    4    2025-02-12  EMEA  mara      5
    5    2025-01-15  APAC  carl    100
    6    2025-02-15  APAC  carl    200
    7    2025-03-20  APAC  bruno   400
    8    2025-03-01  EMEA  dino   1000

    EMEA: rows 1-4 and 8, 1075; APAC: rows 5-7, 700; everything: 8 rows, 1775.

The organisation: Acme (company) > Sales (department, no scope) > EMEA (team=EMEA) and APAC (team=APAC). Carla
heads Sales and manages Mara, who manages Anna, who manages Bruno; Bruno is in EMEA until 2025-03-14 and in APAC
from 2025-03-15. Carl is in APAC, Dino in EMEA (nobody's report). Each person's scope is `owner: <name>`, except
Carla's (none). Vera, Ada and Eddie are in Acme with no scope.
"""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

from kpilot import Workspace
from kpilot.auth.actor import Actor, Role
from kpilot.services.org import import_file
from kpilot.store import People, open_store
from kpilot.store.location import store_location
from kpilot.store.revisions import upgrade
from tests.support import make_workspace

DEALS = {
    "day": [date(2025, m, d) for m, d in ((1, 5), (1, 20), (2, 10), (2, 12), (1, 15), (2, 15), (3, 20), (3, 1))],
    "team": ["EMEA", "EMEA", "EMEA", "EMEA", "APAC", "APAC", "APAC", "EMEA"],
    "owner": ["anna", "anna", "bruno", "mara", "carl", "carl", "bruno", "dino"],
    "amount": [10, 20, 40, 5, 100, 200, 400, 1000],
}
BUDGET = {"day": [date(2025, 1, 1)], "region": ["Europe"], "amount": [500]}  # no owner, no team

VISIBILITIES = ("company", "team", "private", "restricted")


def _kpis() -> str:
    lines = []
    for visibility in VISIBILITIES:
        grants = ", grants: {people: [Carl@Acme.example], teams: [EMEA]}" if visibility == "restricted" else ""
        for name, formula in (("revenue", "revenue"), ("deals", "deals")):
            lines.append(f"  - {{name: {visibility}_{name}, formula: {formula}, visibility: {visibility}{grants}}}")
    return "\n".join(lines) + "\n"


DEFINITIONS = (
    textwrap.dedent("""\
    sources:
      - name: deals
        table: deals
        time: day
        dimensions: [team, owner]
        measures:
          - {name: revenue, agg: sum, expr: amount}
          - {name: deals, agg: count}
      - name: budget
        table: budget
        time: day
        dimensions: [region]
        measures:
          - {name: budget, agg: sum, expr: amount}
    kpis:
    """)
    + _kpis()
    + textwrap.dedent("""\
      - {name: managers_revenue, formula: revenue, visibility: restricted, grants: {roles: [manager]}}
      - {name: restricted_share, formula: restricted_revenue / company_revenue}
      - {name: team_average, formula: team_revenue / private_deals, visibility: team}
      - {name: team_budget, formula: budget, visibility: team}
    goals:
      - name: grow
        kpis: [{kpi: company_revenue}, {kpi: team_revenue}, {kpi: restricted_revenue}]
    """)
)

ORG = """\
teams:
  - {name: Acme, kind: company}
  - {name: Sales, kind: department, parent: Acme}
  - {name: EMEA, kind: team, parent: Sales, scope: {team: EMEA}}
  - {name: APAC, kind: team, parent: Sales, scope: {team: APAC}}
people:
  - {name: Carla, email: carla@acme.example, teams: [Sales]}
  - {name: Mara, email: mara@acme.example, manager: carla@acme.example, teams: [EMEA], scope: {owner: mara}}
  - {name: Anna, email: anna@acme.example, manager: mara@acme.example, teams: [EMEA], scope: {owner: anna}}
  - {name: Bruno, email: bruno@acme.example, manager: anna@acme.example, teams: [EMEA], scope: {owner: bruno}}
  - {name: Carl, email: carl@acme.example, teams: [APAC], scope: {owner: carl}}
  - {name: Dino, email: dino@acme.example, teams: [EMEA], scope: {owner: dino}}
  - {name: Vera, email: vera@acme.example, teams: [Acme]}
  - {name: Ada, email: ada@acme.example, teams: [Acme]}
  - {name: Eddie, email: eddie@acme.example, teams: [Acme]}
"""
MOVE = """\
people:
  - {name: Bruno, email: bruno@acme.example, teams: [APAC], since: 2025-03-15}
"""
ROLES = {
    "ada": Role.ADMIN,
    "eddie": Role.EDITOR,
    "carla": Role.MANAGER,
    "mara": Role.MANAGER,
    "anna": Role.MEMBER,
    "bruno": Role.MEMBER,
    "carl": Role.MEMBER,
    "dino": Role.MEMBER,
    "vera": Role.VIEWER,
}
MOVED = date(2025, 3, 15)  # Bruno's first day in APAC
DAY = date(2025, 3, 20)  # the day the decision table is read on


def build_company(root: Path) -> Workspace:
    """The workspace (public `kpilot.Workspace`) with the deals, a migrated SQLite store and the organisation."""
    made = make_workspace(root, DEFINITIONS, {"deals": DEALS, "budget": BUDGET})
    made.close()
    upgrade(store_location("kpilot.db", root))
    (root / "org.yaml").write_text(ORG)
    (root / "move.yaml").write_text(MOVE)
    workspace = Workspace(root)
    import_file(workspace, root / "org.yaml", on=date(2025, 1, 1))
    import_file(workspace, root / "move.yaml", on=DAY)
    return workspace


def actor(workspace: Workspace, name: str, **options: object) -> Actor:
    """The actor of `name`'s account: their person in the store, their role (options override any field)."""
    with open_store(workspace) as store, store.reading() as session:
        person = People(session).by_email(f"{name}@acme.example")
    assert person is not None
    fields: dict[str, object] = {
        "account_id": person.id,
        "person_id": person.id,
        "email": person.email,
        "roles": frozenset({ROLES[name]}),
    }
    fields.update(options)
    return Actor(**fields)  # type: ignore[arg-type]
