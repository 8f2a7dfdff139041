"""What the store's repositories hand out: immutable values, never ORM objects (which stay bound to a session)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

LANGUAGES = ("en", "it", "pl", "zh")  # the languages kpilot speaks (docs/store.md)


class TeamKind(StrEnum):
    """Where a team sits in the tree: a company holds departments, a department holds teams (or departments)."""

    COMPANY = "company"
    DEPARTMENT = "department"
    TEAM = "team"

    @property
    def rank(self) -> int:
        """0 for a company ... 2 for a team: a team's parent never ranks below it."""
        return list(TeamKind).index(self)


@dataclass(frozen=True)
class Scope:
    """The slice of data that is someone's: dimension -> value (`owner: rep-07`, `team: EMEA`), sorted by dimension
    so that two equal scopes are equal values."""

    entries: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, mapping: Mapping[str, str]) -> Scope:
        return cls(tuple(sorted(mapping.items())))

    def as_dict(self) -> dict[str, str]:
        return dict(self.entries)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.entries)

    def __bool__(self) -> bool:
        return bool(self.entries)

    def __str__(self) -> str:
        return ", ".join(f"{dimension}={value}" for dimension, value in self.entries) or "(none)"


NO_SCOPE = Scope()


class ActorKind(StrEnum):
    """Who an audit entry's actor is."""

    OPERATOR = "operator"  # the person at the terminal of a workspace on disk
    ACCOUNT = "account"  # a signed-in account, or a script with its token
    UNVERIFIED = "unverified"  # anyone else: a sign-in that failed names the address it tried


class Outcome(StrEnum):
    """How an audited action went."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"  # tried and wrong: a password that does not match
    REFUSED = "refused"  # not allowed: no permission, a disabled account, too many attempts


@dataclass(frozen=True)
class Team:
    id: int
    name: str
    kind: TeamKind
    parent_id: int | None
    scope: Scope


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    email: str
    language: str
    timezone: str
    manager_id: int | None
    scope: Scope

    @property
    def email_key(self) -> str:
        return email_key(self.email)


@dataclass(frozen=True)
class Membership:
    """A person in a team from `valid_from` (inclusive) to `valid_to` (exclusive; None while it lasts)."""

    id: int
    person_id: int
    team_id: int
    valid_from: date
    valid_to: date | None

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)


def email_key(email: str) -> str:
    """An e-mail address as compared: without surrounding spaces, case folded (Anna@Example.com is anna@example.com)."""
    return email.strip().casefold()
