"""An actor: whoever a request comes from (a signed-in person, a script with a token, the local operator), with
the roles and permissions that `kpilot.services` checks. Nothing here decides anything; it only says who."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """The roles of docs/permissions.md, from the most to the least that a role may do."""

    ADMIN = "admin"  # everything, including sources, accounts and the audit log
    EDITOR = "editor"  # definitions and targets
    MANAGER = "manager"  # the people and teams below them
    MEMBER = "member"  # their own and their teams' KPIs
    VIEWER = "viewer"  # company KPIs only


class TokenScope(StrEnum):
    """What an API token may be used for, on top of what its account's roles allow."""

    READ = "read"
    WRITE = "write"
    INGEST = "ingest"  # written `ingest:SOURCE`: push rows into one source


@dataclass(frozen=True)
class Actor:
    """Who is asking. `account_id` and `person_id` are the store's ids (None for the local operator, who reads the
    workspace's files directly and so may see everything they hold). `token_scopes` is None unless the request came
    with an API token, and then holds its scopes as written (`read`, `write`, `ingest:orders`)."""

    account_id: int | None
    person_id: int | None
    email: str | None
    roles: frozenset[Role]
    permissions: frozenset[str] = frozenset()  # extra grants, such as `compensation` (pay data)
    token_scopes: frozenset[str] | None = None
    language: str | None = None
    local: bool = False

    @classmethod
    def operator(cls) -> Actor:
        """The person at the terminal of a workspace on disk: whoever can read its files can read all of it."""
        return cls(account_id=None, person_id=None, email=None, roles=frozenset({Role.ADMIN}), local=True)

    def has(self, role: Role) -> bool:
        return role in self.roles

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles


# Nobody signed in: no roles, so every check fails closed.
ANONYMOUS = Actor(account_id=None, person_id=None, email=None, roles=frozenset())
