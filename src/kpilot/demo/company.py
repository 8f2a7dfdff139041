"""The demo company's people: its organisation in the workspace's store, and accounts to sign in with.

The organisation is a CEO and department heads (organisation.yaml), the sales teams with their reps and the support
teams with their agents: the current sales and support staff of the generated `employees` table, tied to the data
by the names the tables carry (`owner` of leads, deals and activities; `agent` of tickets) and, for the sales teams,
by the region the tables call `team`. Support teams get no `team` scope on purpose: the data's `team` is the
region, shared with sales, so `team: EMEA` would show EMEA's sales rows to EMEA's agents; an agent's rows are their
own tickets (`agent`). Everything goes through the services, as `kpilot db upgrade`, `kpilot org import`,
`kpilot users add` and `kpilot tokens create` do it, written to `organisation.yaml` first so that the import is
the same one a user can run.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
from ruamel.yaml import YAML

from kpilot.auth.actor import Actor, Role, TokenScope
from kpilot.auth.tokens import expiry
from kpilot.errors import InternalError
from kpilot.services.accounts import NewPassword, add_account
from kpilot.services.org import import_file
from kpilot.services.tokens import create_token
from kpilot.store.location import store_location
from kpilot.store.revisions import upgrade
from kpilot.store.session import open_store
from kpilot.workspace import Workspace

ORG_FILE = "organisation.yaml"  # in the workspace: the file the demo imports, as `kpilot org import` reads it
REGIONS = ("EMEA", "Americas", "APAC")  # the data's `team` values


@dataclass(frozen=True)
class DemoAccount:
    kind: str  # admin, sales_manager, sales_rep, support_agent: what the account shows of the demo
    role: Role
    email: str
    password: str = field(repr=False)  # generated: shown once, at the end of the demo


@dataclass(frozen=True)
class DemoAccess:
    """What the demo prints at its end: the accounts with their passwords, and the administrator's API token."""

    accounts: tuple[DemoAccount, ...]
    admin_token: str = field(repr=False)


def organisation_data() -> dict[str, Any]:
    text = resources.files("kpilot.demo").joinpath("data", "organisation.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = YAML(typ="safe").load(text)
    return data


def leader_emails() -> dict[str, str]:
    """Title (`head_of_sales`) -> the leader's e-mail address: who owns the KPIs of each category."""
    data = organisation_data()
    return {title: email_of(leader["name"], data["domain"]) for title, leader in data["leaders"].items()}


def email_of(name: str, domain: str) -> str:
    """`Anna Müller` -> `anna.muller@domain`: the name in plain ASCII letters, lowercase, dots between its words."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return ".".join(re.findall(r"[a-z]+", plain.lower())) + f"@{domain}"


def org_file(employees: pd.DataFrame) -> dict[str, Any]:
    """The organisation as `kpilot org import` reads it: teams, then people (the staff employed on the data's last
    day, each in their region's team since they were hired)."""
    data = organisation_data()
    domain, company, leaders = data["domain"], data["company"], data["leaders"]
    departments = [leader["team"] for leader in leaders.values() if leader["team"] != company]
    teams: list[dict[str, Any]] = [{"name": company, "kind": "company"}]
    teams += [{"name": name, "kind": "department", "parent": company} for name in departments]
    teams += [{"name": f"Sales {region}", "parent": "Sales", "scope": {"team": region}} for region in REGIONS]
    teams += [{"name": f"Support {region}", "parent": "Customer Service"} for region in REGIONS]
    ceo = email_of(leaders["ceo"]["name"], domain)
    people: list[dict[str, Any]] = []
    for title, leader in leaders.items():
        person = {"name": leader["name"], "email": email_of(leader["name"], domain), "teams": [leader["team"]]}
        people.append(person if title == "ceo" else person | {"manager": ceo})
    staff = employees[employees["exited_on"].isna() & employees["department"].isin(["sales", "support"])]
    for row in staff.sort_values(["department", "team", "name"]).itertuples(index=False):
        sales = row.department == "sales"
        head = leaders["head_of_sales" if sales else "head_of_service"]["name"]
        people.append(
            {
                "name": row.name,
                "email": email_of(str(row.name), domain),
                "manager": email_of(head, domain),
                "teams": [f"{'Sales' if sales else 'Support'} {row.team}"],
                "since": pd.Timestamp(str(row.hired_on)).date().isoformat(),
                "scope": {"owner" if sales else "agent": row.name},
            }
        )
    return {"teams": teams, "people": people}


def add_people(root: Path, employees: pd.DataFrame, *, on: date) -> None:
    """Create the store (as `kpilot db upgrade`) and import the organisation into it, as of `on`."""
    organisation = org_file(employees)
    path = root / ORG_FILE
    with path.open("w", encoding="utf-8") as stream:
        yaml = YAML()
        yaml.default_flow_style = None
        yaml.dump(organisation, stream)
    with Workspace(root) as workspace:
        upgrade(store_location(workspace.settings.store, workspace.root))
        import_file(workspace, path, on=on)


def demo_rep(employees: pd.DataFrame) -> str:
    """The sales rep with a demo account (and their own OKRs): the first of Sales EMEA's, by name."""
    return str(next(p["email"] for p in org_file(employees)["people"] if p["teams"] == ["Sales EMEA"]))


def add_accounts(root: Path, employees: pd.DataFrame, *, now: datetime | None = None) -> DemoAccess:
    """Accounts for an administrator (the CEO), a sales manager (the head of sales), a sales rep and a support agent
    (the first of EMEA's, by name), each with a generated password; and an API token for the administrator."""
    moment = now or datetime.now(UTC)
    leaders = leader_emails()
    people = org_file(employees)["people"]
    rep = demo_rep(employees)
    agent = next(p["email"] for p in people if p["teams"] == ["Support EMEA"])
    chosen = (
        ("admin", Role.ADMIN, leaders["ceo"]),
        ("sales_manager", Role.MANAGER, leaders["head_of_sales"]),
        ("sales_rep", Role.MEMBER, rep),
        ("support_agent", Role.MEMBER, agent),
    )
    operator = Actor.operator()
    accounts = []
    with Workspace(root) as workspace, open_store(workspace) as store:
        for kind, role, email in chosen:
            added = add_account(store, operator, email, [role], password=NewPassword(), now=moment)
            if added.generated is None:  # NewPassword() without a password always generates one
                raise InternalError(f"no password was generated for the demo account {email}")
            accounts.append(DemoAccount(kind, role, added.account.email, added.generated))
        scopes = [TokenScope.READ.value, TokenScope.WRITE.value]
        ends = expiry(None, moment, workspace.settings.timezone)
        token = create_token(store, operator, leaders["ceo"], "demo", scopes, expires_at=ends, now=moment)
    return DemoAccess(tuple(accounts), token.raw)
