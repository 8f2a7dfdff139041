"""Edits checked against the version they were made from (HTTP `If-Match`, `If-None-Match: *`), for targets and
for definitions alike: a client reads a version, sends it back with its edit, and the edit is refused when what it
would change is no longer that version, so that two editors cannot overwrite each other."""

from __future__ import annotations

from kpilot.errors import UserError


class VersionRequired(UserError):
    """An edit that does not say which version it was made from (a server answers 428)."""


class VersionChanged(UserError):
    """An edit made from a version that is not the current one (a server answers 412)."""


def matches(given: str, current: str) -> bool:
    """Whether an `If-Match` value names the current version: one of its entity tags, quoted or not, weak or not
    (`*` names no version, so it never matches: an edit must say what it was made from)."""
    return any(tag.strip().removeprefix("W/").strip('"') == current for tag in given.split(","))


def asks_for_absent(given: str | None) -> bool:
    """Whether an `If-None-Match` value is `*`: the edit may only create what does not exist yet."""
    return given is not None and given.strip() == "*"
