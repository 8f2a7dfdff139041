"""A small sales team with a quarterly bonus plan, for the service tests (every amount is worked out by hand there).

Deals in 2025-Q1 (90 days): anna 600 + 500 = 1100, bruno 450, dino 300 (all EMEA), carl 500 (APAC); EMEA 1850,
everything 2350. `days` is how long each deal took to close (carl's: 10 and 15, a mean of 12.5).

The organisation: Sales (team, no scope) > EMEA (team=EMEA) and APAC (team=APAC). Mara manages Anna and Bruno
(EMEA); Dino joins EMEA on 2025-02-15 (45 of Q1's 90 days); Carl is in APAC; Paula (admin), Ed (editor) and Otto
(admin) run and approve bonuses.

Targets for 2025-Q1: anna 1000, bruno 500, dino 300 (revenue, owner scope); EMEA 2000 (team); company 2000;
carl's cycle time 10 days (lower is better).
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
    "day": [
        date(2025, 1, 10),
        date(2025, 3, 5),
        date(2025, 2, 1),
        date(2025, 3, 1),
        date(2025, 1, 20),
        date(2025, 2, 20),
    ],
    "team": ["EMEA", "EMEA", "EMEA", "EMEA", "APAC", "APAC"],
    "owner": ["anna", "anna", "bruno", "dino", "carl", "carl"],
    "amount": [600, 500, 450, 300, 200, 300],
    "days": [5, 7, 9, 4, 10, 15],
}

DEFINITIONS = textwrap.dedent("""\
    sources:
      - name: deals
        table: deals
        time: day
        dimensions: [team, owner]
        measures:
          - {name: revenue, agg: sum, expr: amount}
          - {name: cycle_days, agg: avg, expr: days}
    kpis:
      - {name: revenue, formula: revenue, unit: currency}
      - {name: cycle_time, formula: cycle_days, direction: down}
    targets:
      - {kpi: revenue, period: 2025-Q1, scope: {owner: anna}, target: 1000}
      - {kpi: revenue, period: 2025-Q1, scope: {owner: bruno}, target: 500}
      - {kpi: revenue, period: 2025-Q1, scope: {owner: dino}, target: 300}
      - {kpi: revenue, period: 2025-Q1, scope: {team: EMEA}, target: 2000}
      - {kpi: revenue, period: 2025-Q1, target: 2000}
      - {kpi: cycle_time, period: 2025-Q1, scope: {owner: carl}, target: 10}
    bonus_plans:
      - name: sales
        currency: EUR
        year: 2025
        pays: quarter
        members: {teams: [EMEA]}
        target_incentive: {amount: 12000}
        components:
          - {name: own_revenue, kpi: revenue, scope: person, weight: 70}
          - {name: team_revenue, kpi: revenue, scope: team, weight: 30}
        gates:
          - {name: company_gate, when: {kpi: revenue, scope: company, below: 0.9}, cap: 0}
      - name: speed
        currency: EUR
        year: 2025
        pays: quarter
        members: {people: [carl@acme.example]}
        target_incentive: {amount: 4000}
        components:
          - {name: cycle, kpi: cycle_time, scope: person}
""")

ORG = """\
teams:
  - {name: Sales, kind: department}
  - {name: EMEA, kind: team, parent: Sales, scope: {team: EMEA}}
  - {name: APAC, kind: team, parent: Sales, scope: {team: APAC}}
people:
  - {name: Mara, email: mara@acme.example, teams: [Sales]}
  - {name: Anna, email: anna@acme.example, manager: mara@acme.example, teams: [EMEA], scope: {owner: anna}}
  - {name: Bruno, email: bruno@acme.example, manager: mara@acme.example, teams: [EMEA], scope: {owner: bruno}}
  - {name: Carl, email: carl@acme.example, teams: [APAC], scope: {owner: carl}}
  - {name: Paula, email: paula@acme.example, teams: [Sales]}
  - {name: Ed, email: ed@acme.example, teams: [Sales]}
  - {name: Otto, email: otto@acme.example, teams: [Sales]}
"""
DINO = """\
people:
  - name: Dino
    email: dino@acme.example
    manager: mara@acme.example
    teams: [EMEA]
    scope: {owner: dino}
    since: 2025-02-15
"""
ROLES = {
    "mara": Role.MANAGER,
    "anna": Role.MEMBER,
    "bruno": Role.MEMBER,
    "dino": Role.MEMBER,
    "carl": Role.MEMBER,
    "paula": Role.ADMIN,
    "ed": Role.EDITOR,
    "otto": Role.ADMIN,
}
AFTER_Q1 = date(2025, 4, 10)


def build_sales(root: Path) -> Workspace:
    made = make_workspace(root, DEFINITIONS, {"deals": DEALS})
    made.close()
    upgrade(store_location("kpilot.db", root))
    (root / "org.yaml").write_text(ORG)
    (root / "dino.yaml").write_text(DINO)
    workspace = Workspace(root)
    import_file(workspace, root / "org.yaml", on=date(2025, 1, 1))
    import_file(workspace, root / "dino.yaml", on=date(2025, 2, 15))
    return workspace


def actor(workspace: Workspace, name: str, *, pay: bool = False) -> Actor:
    """`name`'s account, with the `compensation` permission when `pay`."""
    with open_store(workspace) as store, store.reading() as session:
        person = People(session).by_email(f"{name}@acme.example")
    assert person is not None
    return Actor(
        account_id=person.id,
        person_id=person.id,
        email=person.email,
        roles=frozenset({ROLES[name]}),
        permissions=frozenset({"compensation"}) if pay else frozenset(),
    )
