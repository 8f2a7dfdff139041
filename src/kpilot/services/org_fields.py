"""Turning the raw values of an organisation file's records into typed entries, collecting every problem.

The readers (`org_read`) know the file formats; this module knows what each field may hold, the same for YAML, CSV
and warehouse tables.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kpilot.definitions.base import NAME_PATTERN
from kpilot.errors import Issue, Location
from kpilot.services.org_entries import KEEP, Keep, PersonEntry, TeamEntry
from kpilot.store.models import DIMENSION_LENGTH, EMAIL_LENGTH, NAME_LENGTH, VALUE_LENGTH
from kpilot.store.records import LANGUAGES, Scope, TeamKind

EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
TEAM_SEPARATOR = ";"  # between team names in one CSV cell or table value


@dataclass(frozen=True)
class RawRecord:
    """One entry as read: its values by field (None or missing: empty), the fields its file has for this kind of
    entry (`present`), and where it and each of its values sit."""

    kind: Literal["team", "person"]
    values: Mapping[str, object]
    present: frozenset[str]
    location: Location
    locations: Mapping[str, Location] = field(default_factory=dict)

    def where(self, key: str) -> Location:
        return self.locations.get(key, self.location)


def team_entry(record: RawRecord, dimensions: Collection[str], issues: list[Issue]) -> TeamEntry | None:
    """The team, or None without a name. A team with a problem in another field is still returned (the problem is
    in `issues`, so nothing will be written), so that its references are checked too and every problem of the file
    is told at once."""
    fields = _Fields(record, dimensions, issues)
    name = fields.name(team=True)
    kind = fields.choice("kind", TeamKind)
    parent = fields.text("parent") if "parent" in record.present else KEEP
    scope = fields.scope()
    if name is None:
        return None
    return TeamEntry(
        name=name, location=record.location, kind=kind, parent=parent, scope=scope, places=record.locations
    )


def person_entry(record: RawRecord, dimensions: Collection[str], issues: list[Issue]) -> PersonEntry | None:
    """The person, or None without a name or an e-mail address; see `team_entry`."""
    fields = _Fields(record, dimensions, issues)
    name = fields.name(team=False)
    email = fields.email("email", required=True)
    language = fields.language()
    timezone = fields.timezone()
    manager = fields.email("manager", required=False) if "manager" in record.present else KEEP
    teams = fields.teams()
    since = fields.day("since")
    scope = fields.scope()
    if since is not None and isinstance(teams, Keep):
        fields.problem("since", "'since' says from when the teams hold, but the file gives no teams", "add teams")
    if name is None or not isinstance(email, str):
        return None
    return PersonEntry(
        name=name,
        email=email,
        location=record.location,
        language=language,
        timezone=timezone,
        manager=manager,
        teams=teams,
        since=since,
        scope=scope,
        places=record.locations,
    )


class _Fields:
    """Reads one record's fields; each problem is added to `issues`."""

    def __init__(self, record: RawRecord, dimensions: Collection[str], issues: list[Issue]) -> None:
        self.record = record
        self.dimensions = dimensions
        self.issues = issues

    def problem(self, key: str, message: str, hint: str | None = None) -> None:
        self.issues.append(Issue(message, self.record.where(key), hint=hint))

    def text(self, key: str) -> str | None:
        value = self.record.values.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.problem(key, f"'{key}' must be text, not {value!r}", "write it as text (in quotes in YAML)")
            return None
        return str(value).strip() or None

    def name(self, *, team: bool) -> str | None:
        name = self.text("name")
        if name is None:
            what = "a team" if team else "a person"
            self.problem("name", f"{what} needs a name", "add name: ...")
        elif len(name) > NAME_LENGTH:
            self.problem("name", f"the name is longer than {NAME_LENGTH} characters")
        elif team and TEAM_SEPARATOR in name:
            self.problem("name", f"team name {name!r} holds a '{TEAM_SEPARATOR}', which separates team names")
        return name

    def email(self, key: str, *, required: bool) -> str | Keep | None:
        """The address; KEEP if it is not one (the problem is told once, not again as an unknown manager)."""
        email = self.text(key)
        if email is None:
            if required:
                self.problem(key, "a person needs an e-mail address (it is how kpilot knows them)", "add email: ...")
            return None
        if len(email) > EMAIL_LENGTH or not EMAIL.fullmatch(email):
            self.problem(key, f"'{key}': {email!r} is not an e-mail address", "write it as name@example.com")
            return KEEP
        return email

    def language(self) -> str | Keep | None:
        if "language" not in self.record.present:
            return KEEP
        language = self.text("language")
        if language is not None and language not in LANGUAGES:
            known = ", ".join(LANGUAGES)
            self.problem("language", f"language {language!r} is not one kpilot speaks", f"use one of {known}")
        return language

    def timezone(self) -> str | Keep | None:
        if "timezone" not in self.record.present:
            return KEEP
        zone = self.text("timezone")
        if zone is not None:
            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError):
                self.problem("timezone", f"unknown time zone {zone!r}", "use an IANA name such as Europe/Rome or UTC")
        return zone

    def choice(self, key: str, kind: type[TeamKind]) -> TeamKind | Keep:
        if key not in self.record.present:
            return KEEP
        value = self.text(key)
        if value is None:
            return TeamKind.TEAM
        try:
            return kind(value)
        except ValueError:
            self.problem(key, f"{key} {value!r} is not one of {', '.join(k.value for k in kind)}")
            return KEEP

    def teams(self) -> tuple[str, ...] | Keep:
        if "teams" not in self.record.present:
            return KEEP
        value = self.record.values.get("teams")
        if value is None:
            return ()
        items = value.split(TEAM_SEPARATOR) if isinstance(value, str) else value
        if not isinstance(items, list | tuple) or not all(isinstance(item, str) for item in items):
            self.problem("teams", f"'teams' must be a list of team names, not {value!r}", "e.g. teams: [EMEA]")
            return ()
        names = [item.strip() for item in items if item.strip()]
        return tuple(dict.fromkeys(names))  # a team named twice is one membership

    def day(self, key: str) -> date | None:
        value = self.record.values.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, datetime):
            self.problem(key, f"'{key}' is a day, not a moment ({value})", "write the date alone: 2025-03-15")
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.problem(key, f"'{key}': {value!r} is not a date", "write it as YYYY-MM-DD, e.g. 2025-03-15")
            return None

    def scope(self) -> Scope | Keep:
        if "scope" not in self.record.present:
            return KEEP
        value = self.record.values.get("scope")
        if value is None:
            return Scope()
        if not isinstance(value, Mapping):
            self.problem(
                "scope", f"'scope' must map dimensions to values, not {value!r}", "e.g. scope: {owner: rep-07}"
            )
            return Scope()
        entries: dict[str, str] = {}
        for dimension, raw in value.items():
            text = self._scope_value(str(dimension), raw)
            if text is not None:
                entries[str(dimension)] = text
        return Scope.of(entries)

    def _scope_value(self, dimension: str, raw: object) -> str | None:
        if not re.fullmatch(NAME_PATTERN, dimension) or len(dimension) > DIMENSION_LENGTH:
            self.problem("scope", f"scope dimension {dimension!r} is not a dimension's name")
            return None
        if dimension not in self.dimensions:
            close = difflib.get_close_matches(dimension, list(self.dimensions), n=1)
            hint = f"did you mean '{close[0]}'?" if close else _known(self.dimensions)
            self.problem("scope", f"scope dimension '{dimension}' is not a dimension of any source", hint)
            return None
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None  # an empty cell: this dimension is not part of the scope
        if isinstance(raw, bool) or not isinstance(raw, str | int):
            self.problem("scope", f"the scope value of '{dimension}' must be text, not {raw!r}")
            return None
        text = str(raw).strip()
        if len(text) > VALUE_LENGTH:
            self.problem("scope", f"the scope value of '{dimension}' is longer than {VALUE_LENGTH} characters")
            return None
        return text


def _known(dimensions: Collection[str]) -> str:
    if not dimensions:
        return "the workspace's sources declare no dimensions yet: add them to the definitions first"
    return "dimensions of the workspace: " + ", ".join(sorted(dimensions))
