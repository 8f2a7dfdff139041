"""`kpilot demo` gives the demo company people: its organisation in the store, tied to the data's `owner` and `team`,
and four accounts whose generated passwords (and the administrator's API token) it prints once, at its end.

The demo is built once, by the command itself (as a user runs it), and every expected number is read from the
demo's tables with plain DuckDB SQL, never through kpilot.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from kpilot import Workspace
from kpilot.auth.actor import Actor, Role
from kpilot.services.grant_checks import check_with_store
from kpilot.services.kpis import workspace_for
from kpilot.services.sign_in import sign_in
from kpilot.services.tokens import actor_for_token, create_token
from kpilot.store import Memberships, People, open_store

pytestmark = pytest.mark.slow
ACCOUNT_LINE = re.compile(r"^  (?P<kind>.+) \((?P<role>\w+)\): (?P<email>\S+), password (?P<password>\S+)$")
TOKEN_LINE = re.compile(r"^  API token of (?P<email>\S+) \(read, write\): (?P<token>kpilot_\S+)$")
LEADERS = 7  # the CEO and six department heads (src/kpilot/demo/data/organisation.yaml)


@dataclass(frozen=True)
class Demo:
    root: Path
    accounts: dict[str, tuple[str, str, str]]  # kind -> (role, e-mail, password)
    admin_token: str
    stderr: str

    def sql(self, query: str, *values: object) -> list[tuple[object, ...]]:
        with duckdb.connect(str(self.root / "warehouse.duckdb"), read_only=True) as con:
            return con.execute(query, list(values)).fetchall()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    root = tmp_path_factory.mktemp("people") / "demo"
    command = [str(Path(sys.executable).with_name("kpilot")), "demo", str(root)]
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ | {"KPILOT_LANG": "en"}, check=True)
    accounts = {}
    tokens = []
    for line in done.stdout.splitlines():
        if found := ACCOUNT_LINE.match(line):
            accounts[found["kind"]] = (found["role"], found["email"], found["password"])
        elif found := TOKEN_LINE.match(line):
            tokens.append(found["token"])
    assert len(tokens) == 1, done.stdout
    return Demo(root, accounts, tokens[0], done.stderr)


def test_the_demo_prints_four_accounts_and_warns_they_are_shown_once(demo: Demo) -> None:
    assert sorted(demo.accounts) == sorted(
        [
            "administrator, the CEO",
            "sales manager, the head of sales",
            "sales rep in Sales EMEA",
            "support agent in Support EMEA",
        ]
    )
    assert [role for role, _, _ in demo.accounts.values()].count("member") == 2
    assert "shown only this once" in demo.stderr
    assert all(len(password) == 20 for _, _, password in demo.accounts.values())


def test_the_organisation_holds_the_current_sales_and_support_staff(demo: Demo) -> None:
    staff = demo.sql(
        "select name, department, team from employees"
        " where exited_on is null and department in ('sales', 'support') order by name"
    )
    today = date.today()
    with Workspace(demo.root) as ws, open_store(ws) as store, store.reading() as session:
        people = People(session).all()
        memberships = Memberships(session)
        by_name = {person.name: person for person in people}
        assert len(people) == LEADERS + len(staff)
        for name, department, team in staff:
            person = by_name[str(name)]
            teams = [found.name for found in memberships.teams_of(person.id, today)]
            if department == "sales":
                assert (teams, person.scope.as_dict()) == ([f"Sales {team}"], {"owner": name})
            else:
                assert (teams, person.scope.as_dict()) == ([f"Support {team}"], {"agent": name})


def test_the_accounts_sign_in_with_the_printed_passwords(demo: Demo) -> None:
    now = datetime.now(UTC)
    with Workspace(demo.root) as ws, open_store(ws) as store:
        for role, email, password in demo.accounts.values():
            actor = sign_in(store, email, password, now=now, client="192.0.2.1")
            assert actor.roles == frozenset({Role(role)})
            assert actor.person_id is not None  # each account is a person of the organisation
        admin = actor_for_token(store, demo.admin_token, now=now)
    assert admin.is_admin
    assert admin.token_scopes == frozenset({"read", "write"})
    assert admin.email == demo.accounts["administrator, the CEO"][1]


def test_every_kpi_owner_is_a_person_of_the_organisation(demo: Demo) -> None:
    with Workspace(demo.root) as ws:
        owners = {kpi.owner for kpi in ws.definitions.kpis}
        codes = {finding.reason.code for finding in check_with_store(ws).findings}
        with open_store(ws) as store, store.reading() as session:
            emails = {person.email for person in People(session).all()}
    assert None not in owners
    assert owners <= emails
    assert "owners.unknown_person" not in codes


def _actor(demo: Demo, kind: str) -> Actor:
    """The account's actor as the server sees it: through an API token made for it."""
    email = demo.accounts[kind][1]
    now = datetime.now(UTC)
    with Workspace(demo.root) as ws, open_store(ws) as store:
        made = create_token(
            store, Actor.operator(), email, "test", ["read"], expires_at=now + timedelta(days=1), now=now
        )
        return actor_for_token(store, made.raw, now=now)


def test_a_rep_sees_the_pipeline_of_their_team_and_the_manager_all_of_it(demo: Demo) -> None:
    ((last,),) = demo.sql("select max(created_on) from deals")
    assert isinstance(last, date)
    end = last.replace(day=1) - timedelta(days=1)  # the last complete month of the data
    start = end.replace(day=1)
    rep_email = demo.accounts["sales rep in Sales EMEA"][1]
    with Workspace(demo.root) as ws, open_store(ws) as store, store.reading() as session:
        rep = People(session).by_email(rep_email)
    assert rep is not None
    period = "created_on between ? and ?"
    ((everything,),) = demo.sql(f"select sum(amount) from deals where {period}", start, end)
    ((team,),) = demo.sql(
        f"select sum(amount) from deals where {period} and (team = 'EMEA' or owner = ?)", start, end, rep.name
    )
    assert 0 < team < everything  # the rep's view is narrower than the company's, and not empty
    seen = {}
    with Workspace(demo.root) as ws:
        for kind in ("sales rep in Sales EMEA", "sales manager, the head of sales", "support agent in Support EMEA"):
            view = workspace_for(_actor(demo, kind), ws)
            (row,) = view.compute(
                ["pipeline_created"], grain="month", start=start.isoformat(), end=end.isoformat()
            ).to_pylist()
            seen[kind] = row["pipeline_created"]
    assert seen["sales rep in Sales EMEA"] == pytest.approx(team)
    assert seen["sales manager, the head of sales"] == pytest.approx(everything)  # every sales team is below them
    assert seen["support agent in Support EMEA"] == 0  # an agent's rows are their tickets: no deal is theirs
