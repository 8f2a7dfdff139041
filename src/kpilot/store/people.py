"""People: name, e-mail (one person per address, compared case-insensitively), language, time zone, manager and
the scope of data that is theirs."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpilot.errors import InternalError
from kpilot.store.models import PersonRow, PersonScopeRow
from kpilot.store.records import NO_SCOPE, Person, Scope, email_key
from kpilot.store.scopes import person_scopes, replace_person_scope


@dataclass(frozen=True)
class PersonFields:
    """What describes a person, apart from the manager (who may be added after them)."""

    name: str
    email: str
    language: str
    timezone: str
    scope: Scope = NO_SCOPE


class People:
    """The people of the store, read and written through one session (whose transaction the caller owns)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def all(self) -> tuple[Person, ...]:
        """Everyone, by e-mail address."""
        rows = self.session.scalars(select(PersonRow).order_by(PersonRow.email_key)).all()
        scopes = person_scopes(self.session)
        return tuple(_person(row, scopes.get(row.id, Scope())) for row in rows)

    def with_ids(self, ids: Collection[int]) -> tuple[Person, ...]:
        """The people with these ids, by e-mail address (two queries, however many)."""
        query = select(PersonRow).where(PersonRow.id.in_(list(ids))).order_by(PersonRow.email_key)
        rows = self.session.scalars(query).all()
        scopes = person_scopes(self.session, ids)
        return tuple(_person(row, scopes.get(row.id, Scope())) for row in rows)

    def by_email(self, email: str) -> Person | None:
        """The person with this address, whatever its case."""
        row = self.session.scalars(select(PersonRow).where(PersonRow.email_key == email_key(email))).one_or_none()
        return None if row is None else self._with_scope(row)

    def get(self, person_id: int) -> Person | None:
        row = self.session.get(PersonRow, person_id)
        return None if row is None else self._with_scope(row)

    def add(self, fields: PersonFields, *, manager_id: int | None = None) -> Person:
        person = self.add_many([fields])[0]
        if manager_id is not None:
            self.set_manager(person.id, manager_id)
            person = replace(person, manager_id=manager_id)
        return person

    def add_many(self, many: Sequence[PersonFields]) -> tuple[Person, ...]:
        """New people, without managers (set them once everyone exists), in one batch of statements."""
        rows = []
        for fields in many:
            row = PersonRow(email_key=email_key(fields.email))
            _fill(row, fields)
            rows.append(row)
        self.session.add_all(rows)
        self.session.flush()  # the ids, for the scope rows and for the caller
        scopes = [(row.id, fields.scope) for row, fields in zip(rows, many, strict=True)]
        self.session.add_all(PersonScopeRow(person_id=i, dimension=d, value=v) for i, scope in scopes for d, v in scope)
        return tuple(_person(row, fields.scope) for row, fields in zip(rows, many, strict=True))

    def update(self, person_id: int, fields: PersonFields) -> Person:
        """New values for a person; the e-mail may change case only (it is how a person is found)."""
        row = self._row(person_id)
        if email_key(fields.email) != row.email_key:
            raise InternalError(f"a person's e-mail cannot change from {row.email} to {fields.email}")
        _fill(row, fields)
        replace_person_scope(self.session, person_id, fields.scope)
        return _person(row, fields.scope)

    def set_manager(self, person_id: int, manager_id: int | None) -> None:
        """The caller has checked that no loop of managers results. (Written with the session's next flush, like
        every change: before the next query, or at commit.)"""
        self._row(person_id).manager_id = manager_id

    def _with_scope(self, row: PersonRow) -> Person:
        return _person(row, person_scopes(self.session, [row.id]).get(row.id, Scope()))

    def _row(self, person_id: int) -> PersonRow:
        row = self.session.get(PersonRow, person_id)
        if row is None:
            raise InternalError(f"no person with id {person_id} in the store")
        return row


def _fill(row: PersonRow, fields: PersonFields) -> None:
    row.name, row.email, row.language, row.timezone = fields.name, fields.email, fields.language, fields.timezone


def _person(row: PersonRow, scope: Scope) -> Person:
    return Person(
        id=row.id,
        name=row.name,
        email=row.email,
        language=row.language,
        timezone=row.timezone,
        manager_id=row.manager_id,
        scope=scope,
    )
