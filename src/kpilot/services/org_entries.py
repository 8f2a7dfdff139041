"""The entries of an organisation file (teams and people), typed, as read from YAML, CSV or a warehouse table.

A field the file has (a CSV or table column, or a key that some entry of the YAML list uses) is set from the file
for every entry, an empty value meaning "none" (or the workspace's default language and time zone); a field the file
does not have at all is left as the store has it (`KEEP`). So an HR export without a `teams` column updates names
and managers without touching anyone's teams.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum

from kpilot.errors import Location
from kpilot.i18n import Message
from kpilot.store.records import Scope, TeamKind


class Keep(Enum):
    """The file does not have this field: the store's value stays (a new entry takes the default)."""

    KEEP = "keep"


KEEP = Keep.KEEP

TEAM_FIELDS = ("name", "kind", "parent", "scope")
# A kind of team as a sentence names it ("department 'Sales' cannot sit under team 'EMEA'").
KIND_WORDS = {
    TeamKind.COMPANY: Message("services.kind_company"),
    TeamKind.DEPARTMENT: Message("services.kind_department"),
    TeamKind.TEAM: Message("services.kind_team"),
}
PERSON_FIELDS = ("name", "email", "language", "timezone", "manager", "teams", "since", "scope")


@dataclass(frozen=True)
class TeamEntry:
    name: str
    location: Location
    kind: TeamKind | Keep = KEEP
    parent: str | Keep | None = KEEP
    scope: Scope | Keep = KEEP
    places: Mapping[str, Location] = field(default_factory=dict, compare=False)  # where each value sits

    def where(self, key: str) -> Location:
        return self.places.get(key, self.location)


@dataclass(frozen=True)
class PersonEntry:
    name: str
    email: str
    location: Location
    language: str | Keep | None = KEEP  # None: the workspace's language
    timezone: str | Keep | None = KEEP  # None: the workspace's time zone
    manager: str | Keep | None = KEEP  # the manager's e-mail address
    teams: tuple[str, ...] | Keep = KEEP
    since: date | None = None  # the day `teams` take effect (None: the import's date)
    scope: Scope | Keep = KEEP
    places: Mapping[str, Location] = field(default_factory=dict, compare=False)  # where each value sits

    def where(self, key: str) -> Location:
        return self.places.get(key, self.location)


@dataclass(frozen=True)
class OrgFile:
    """What a file says: its teams and its people, in file order; `shown` names it in messages."""

    shown: str
    teams: tuple[TeamEntry, ...] = ()
    people: tuple[PersonEntry, ...] = ()
