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
from kpilot.i18n import Message
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
    parent = fields.string("parent") if "parent" in record.present else KEEP
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
        fields.problem("since", Message("services.since_without_teams"), Message("services.since_without_teams_hint"))
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

    def problem(
        self, key: str, message: Message, hint: Message | None = None, suggestions: tuple[str, ...] = ()
    ) -> None:
        """A problem with field `key` (the field the issue names), located where its value sits."""
        self.issues.append(Issue(message, self.record.where(key), hint=hint, field=key, suggestions=suggestions))

    def string(self, key: str) -> str | None:
        """The field as text, trimmed (None when empty); a value that is not text is a problem."""
        value = self.record.values.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int):
            self.problem(
                key, Message("services.not_text", key=key, value=repr(value)), Message("services.not_text_hint")
            )
            return None
        return str(value).strip() or None

    def name(self, *, team: bool) -> str | None:
        name = self.string("name")
        if name is None:
            needs = Message("services.team_needs_name") if team else Message("services.person_needs_name")
            self.problem("name", needs, Message("services.needs_name_hint"))
        elif len(name) > NAME_LENGTH:
            self.problem("name", Message("services.name_too_long", most=NAME_LENGTH))
        elif team and TEAM_SEPARATOR in name:
            self.problem("name", Message("services.team_name_separator", name=repr(name), separator=TEAM_SEPARATOR))
        return name

    def email(self, key: str, *, required: bool) -> str | Keep | None:
        """The address; KEEP if it is not one (the problem is told once, not again as an unknown manager)."""
        email = self.string(key)
        if email is None:
            if required:
                self.problem(key, Message("services.email_required"), Message("services.email_required_hint"))
            return None
        if len(email) > EMAIL_LENGTH or not EMAIL.fullmatch(email):
            self.problem(
                key, Message("services.not_an_email", key=key, value=repr(email)), Message("services.not_an_email_hint")
            )
            return KEEP
        return email

    def language(self) -> str | Keep | None:
        if "language" not in self.record.present:
            return KEEP
        language = self.string("language")
        if language is not None and language not in LANGUAGES:
            self.problem(
                "language",
                Message("services.language_unknown", language=repr(language)),
                Message("services.language_unknown_hint", known=tuple(LANGUAGES)),
                suggestions=tuple(LANGUAGES),
            )
        return language

    def timezone(self) -> str | Keep | None:
        if "timezone" not in self.record.present:
            return KEEP
        zone = self.string("timezone")
        if zone is not None:
            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError):
                self.problem(
                    "timezone", Message("services.timezone_unknown", zone=repr(zone)), Message("services.timezone_hint")
                )
        return zone

    def choice(self, key: str, kind: type[TeamKind]) -> TeamKind | Keep:
        if key not in self.record.present:
            return KEEP
        value = self.string(key)
        if value is None:
            return TeamKind.TEAM
        try:
            return kind(value)
        except ValueError:
            choices = tuple(k.value for k in kind)
            self.problem(
                key, Message("services.not_one_of", key=key, value=repr(value), choices=choices), suggestions=choices
            )
            return KEEP

    def teams(self) -> tuple[str, ...] | Keep:
        if "teams" not in self.record.present:
            return KEEP
        value = self.record.values.get("teams")
        if value is None:
            return ()
        items = value.split(TEAM_SEPARATOR) if isinstance(value, str) else value
        if not isinstance(items, list | tuple) or not all(isinstance(item, str) for item in items):
            self.problem("teams", Message("services.teams_not_list", value=repr(value)), Message("services.teams_hint"))
            return ()
        names = [item.strip() for item in items if item.strip()]
        return tuple(dict.fromkeys(names))  # a team named twice is one membership

    def day(self, key: str) -> date | None:
        value = self.record.values.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, datetime):
            self.problem(
                key,
                Message("services.day_not_moment", key=key, value=str(value)),
                Message("services.day_not_moment_hint"),
            )
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.problem(
                key, Message("services.not_a_date", key=key, value=repr(value)), Message("services.not_a_date_hint")
            )
            return None

    def scope(self) -> Scope | Keep:
        if "scope" not in self.record.present:
            return KEEP
        value = self.record.values.get("scope")
        if value is None:
            return Scope()
        if not isinstance(value, Mapping):
            self.problem(
                "scope", Message("services.scope_not_mapping", value=repr(value)), Message("services.scope_hint")
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
            self.problem("scope", Message("services.scope_dimension_invalid", dimension=repr(dimension)))
            return None
        if dimension not in self.dimensions:
            close = difflib.get_close_matches(dimension, list(self.dimensions), n=1)
            hint = Message("services.did_you_mean", name=close[0]) if close else _known(self.dimensions)
            self.problem(
                "scope",
                Message("services.scope_dimension_unknown", dimension=dimension),
                hint,
                suggestions=tuple(close) or tuple(sorted(self.dimensions)),
            )
            return None
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None  # an empty cell: this dimension is not part of the scope
        if isinstance(raw, bool) or not isinstance(raw, str | int):
            self.problem("scope", Message("services.scope_value_not_text", dimension=dimension, value=repr(raw)))
            return None
        text = str(raw).strip()
        if len(text) > VALUE_LENGTH:
            self.problem("scope", Message("services.scope_value_too_long", dimension=dimension, most=VALUE_LENGTH))
            return None
        return text


def _known(dimensions: Collection[str]) -> Message:
    if not dimensions:
        return Message("services.no_dimensions_hint")
    return Message("services.known_dimensions_hint", dimensions=tuple(sorted(dimensions)))
