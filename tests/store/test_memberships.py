"""Who is in which team on which day, asked on the boundary days, on SQLite and PostgreSQL.

The story (worked out by hand): Anna is in Sales from 1 January 2025 and moves to Support on 15 March 2025, so she is
in Sales until 14 March (valid_to is exclusive) and in Support from the 15th. Bruno is in Support from 1 February and
in Sales too (two teams at once) from 1 March to 31 March (valid_to 1 April). Sales and Support are under the
Operations department.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from kpilot import Workspace
from kpilot.store import (
    Memberships,
    People,
    Person,
    PersonFields,
    Scope,
    StoreConflict,
    StoreError,
    Team,
    TeamKind,
    Teams,
    open_store,
)
from kpilot.store.memberships import NewMembership
from kpilot.store.session import Store

D = date.fromisoformat


@pytest.fixture
def opened(root: Path) -> Iterator[Store]:
    store = open_store(Workspace(root))
    with store.writing() as session:
        teams, people, memberships = Teams(session), People(session), Memberships(session)
        operations = teams.add("Operations", TeamKind.DEPARTMENT)
        sales = teams.add("Sales", TeamKind.TEAM, parent_id=operations.id, scope=Scope.of({"team": "S"}))
        support = teams.add("Support", TeamKind.TEAM, parent_id=operations.id)
        anna = people.add(PersonFields("Anna", "anna@example.com", "it", "Europe/Rome", Scope.of({"owner": "a7"})))
        bruno = people.add(PersonFields("Bruno", "bruno@example.com", "en", "UTC"), manager_id=anna.id)
        memberships.start(anna.id, sales.id, D("2025-01-01"), D("2025-03-15"))
        memberships.start(anna.id, support.id, D("2025-03-15"))
        memberships.start(bruno.id, support.id, D("2025-02-01"))
        memberships.start(bruno.id, sales.id, D("2025-03-01"), D("2025-04-01"))
    yield store
    store.close()


def _teams_of(store: Store, email: str, day: str) -> list[str]:
    with store.reading() as session:
        person = People(session).by_email(email)
        assert person is not None
        return [team.name for team in Memberships(session).teams_of(person.id, D(day))]


def _members_of(store: Store, team: str, day: str, *, below: bool = False) -> list[str]:
    with store.reading() as session:
        found = Teams(session).by_name(team)
        assert found is not None
        return [person.email for person in Memberships(session).members_of(found.id, D(day), below=below)]


@pytest.mark.parametrize(
    ("day", "teams"),
    [
        ("2024-12-31", []),
        ("2025-01-01", ["Sales"]),  # valid_from is inclusive
        ("2025-03-14", ["Sales"]),  # the last day before the move
        ("2025-03-15", ["Support"]),  # valid_to is exclusive: the move's day belongs to the new team
        ("2031-01-01", ["Support"]),  # open-ended
    ],
)
def test_teams_of_a_person_on_a_day(opened: Store, day: str, teams: list[str]) -> None:
    assert _teams_of(opened, "anna@example.com", day) == teams


@pytest.mark.parametrize(
    ("day", "teams"),
    [
        ("2025-01-31", []),
        ("2025-02-01", ["Support"]),
        ("2025-03-01", ["Sales", "Support"]),
        ("2025-03-31", ["Sales", "Support"]),
        ("2025-04-01", ["Support"]),
    ],
)
def test_a_person_in_two_teams(opened: Store, day: str, teams: list[str]) -> None:
    assert _teams_of(opened, "bruno@example.com", day) == teams


@pytest.mark.parametrize(
    ("team", "day", "members"),
    [
        ("Sales", "2025-02-28", ["anna@example.com"]),
        ("Sales", "2025-03-01", ["anna@example.com", "bruno@example.com"]),
        ("Sales", "2025-03-14", ["anna@example.com", "bruno@example.com"]),
        ("Sales", "2025-03-15", ["bruno@example.com"]),
        ("Sales", "2025-04-01", []),
        ("Support", "2025-03-14", ["bruno@example.com"]),
        ("Support", "2025-03-15", ["anna@example.com", "bruno@example.com"]),
        ("Operations", "2025-03-15", []),  # nobody is in the department itself
    ],
)
def test_members_of_a_team_on_a_day(opened: Store, team: str, day: str, members: list[str]) -> None:
    assert _members_of(opened, team, day) == members


@pytest.mark.parametrize(
    ("day", "members"),
    [
        ("2024-12-31", []),
        ("2025-01-01", ["anna@example.com"]),
        ("2025-03-20", ["anna@example.com", "bruno@example.com"]),  # Bruno is in both teams: listed once
    ],
)
def test_members_of_a_department_with_the_teams_under_it(opened: Store, day: str, members: list[str]) -> None:
    assert _members_of(opened, "Operations", day, below=True) == members


def test_repositories_hand_out_immutable_records(opened: Store) -> None:
    with opened.reading() as session:
        anna = People(session).by_email("ANNA@example.COM")  # found whatever the case
        sales = Teams(session).by_name("Sales")
        held = Memberships(session).of_person(anna.id if anna else 0)
    assert isinstance(anna, Person)
    assert isinstance(sales, Team)
    assert (anna.name, anna.language, anna.timezone, anna.scope.as_dict()) == (
        "Anna",
        "it",
        "Europe/Rome",
        {"owner": "a7"},
    )
    assert (sales.kind, sales.scope.as_dict()) == (TeamKind.TEAM, {"team": "S"})
    assert [(m.valid_from, m.valid_to) for m in held] == [(D("2025-01-01"), D("2025-03-15")), (D("2025-03-15"), None)]
    with pytest.raises(dataclasses.FrozenInstanceError):
        anna.name = "Someone else"  # type: ignore[misc]


def test_an_overlapping_membership_in_the_same_team_is_refused(opened: Store) -> None:
    with opened.writing() as session:
        anna = People(session).by_email("anna@example.com")
        sales = Teams(session).by_name("Sales")
        assert anna is not None
        assert sales is not None
        memberships = Memberships(session)
        with pytest.raises(StoreError, match="overlaps"):
            memberships.start(anna.id, sales.id, D("2025-03-14"), D("2025-03-20"))
        with pytest.raises(StoreError, match="must end after it starts"):
            memberships.start(anna.id, sales.id, D("2025-05-01"), D("2025-05-01"))
        twice = [NewMembership(anna.id, sales.id, D("2025-06-01")), NewMembership(anna.id, sales.id, D("2025-07-01"))]
        with pytest.raises(StoreError, match="overlaps"):
            memberships.start_many(twice)
    assert _teams_of(opened, "anna@example.com", "2025-03-16") == ["Support"]


def test_ending_a_membership(opened: Store) -> None:
    with opened.writing() as session:
        anna = People(session).by_email("anna@example.com")
        assert anna is not None
        memberships = Memberships(session)
        open_one = memberships.of_person(anna.id)[1]
        ended = memberships.end(open_one.id, D("2025-06-01"))
        assert ended is not None
        assert ended.valid_to == D("2025-06-01")
        again = memberships.end(open_one.id, D("2025-07-01"))  # already over by then: left as it is
        assert again is not None
        assert again.valid_to == D("2025-06-01")
        assert memberships.end(open_one.id, D("2025-03-15")) is None  # would end the day it starts: removed
    assert _teams_of(opened, "anna@example.com", "2025-03-15") == []
    assert _teams_of(opened, "anna@example.com", "2025-03-14") == ["Sales"]


def test_one_person_per_address_whatever_its_case(opened: Store) -> None:
    with pytest.raises(StoreConflict, match="changed by someone else"), opened.writing() as session:
        People(session).add(PersonFields("Anna again", "Anna@Example.com", "en", "UTC"))
    with opened.reading() as session:
        assert [p.name for p in People(session).all()] == ["Anna", "Bruno"]
