"""What a workspace's definitions say about loading a table: the `key:` and `date_format:` of its sources.

A table may be the `table:` of several sources (one per team, say). Their settings must agree: a key declared by
one applies to all, and two different keys or date formats for one table are an error, since ingest could not tell
which to follow.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kpilot.definitions.model import Source
from kpilot.errors import DataError, Location
from kpilot.i18n import Message
from kpilot.warehouse.date_formats import NO_FORMATS, DateFormats, column_date_formats, date_formats
from kpilot.warehouse.keys import THE_KEY


@dataclass(frozen=True)
class TableSettings:
    key: tuple[str, ...] = ()
    date_formats: DateFormats = NO_FORMATS
    declared_by: Message = THE_KEY  # the source that declared the key, for messages
    sources: tuple[str, ...] = ()  # the sources over the table


def table_settings(sources: Sequence[Source], table: str) -> TableSettings:
    """The key and date formats the sources whose `table:` is `table` declare."""
    over = [source for source in sources if source.table == table]
    keyed = [source for source in over if source.key]
    dated = [source for source in over if source.date_format is not None]
    _agree(keyed, table, "key", lambda source: source.key)
    _agree(dated, table, "date_format", lambda source: source.date_format)
    formats = _formats(dated[0]) if dated else NO_FORMATS
    return TableSettings(
        key=keyed[0].key if keyed else (),
        date_formats=formats,
        declared_by=_named(keyed[0]) if keyed else THE_KEY,
        sources=tuple(source.name for source in over),
    )


def _agree(declaring: list[Source], table: str, field: str, value: Callable[[Source], object]) -> None:
    first = declaring[0] if declaring else None
    other = next((source for source in declaring if first is not None and value(source) != value(first)), None)
    if first is not None and other is not None:
        raise DataError(
            Message("warehouse.sources_disagree", first=first.name, other=other.name, field=field, table=table),
            location=_where(other),
            hint=Message("warehouse.sources_disagree_hint", field=field, table=table),
            field=field,
        )


def _formats(source: Source) -> DateFormats:
    subject = Message("warehouse.subject_source_date_format", source=source.name)
    where = _where(source)
    spec = source.date_format
    if isinstance(spec, dict):
        return column_date_formats(spec, subject, where)
    return date_formats([spec] if spec is not None else [], subject, where)


def _named(source: Source) -> Message:
    where = _where(source)
    if where is None:
        return Message("warehouse.declared_by_source", source=source.name)
    return Message("warehouse.declared_by_source_at", source=source.name, location=str(where))


def _where(source: Source) -> Location | None:
    return source.origin if source.origin != Location() else None
