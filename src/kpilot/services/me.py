"""What a signed-in person changes about themselves: the language every page, e-mail and message speaks to them in.
It is kept with the person in the organisation (the store's people), so it follows them to every surface; an
organisation import keeps it unless its file names another (services.org_plan)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from kpilot.auth.actor import Actor
from kpilot.errors import UserError
from kpilot.i18n import Language, Message
from kpilot.services.audit import Action, record
from kpilot.store.people import People, PersonFields
from kpilot.store.session import Store
from kpilot.store.times import utc


def set_own_language(store: Store, actor: Actor, language: str, *, now: datetime) -> Language:
    """Keep `language` as the actor's own (recorded in the audit log); the language kept."""
    chosen = next((each for each in Language if each.value == language), None)
    if chosen is None:
        raise UserError(
            Message("services.language_unknown", language=repr(language)),
            hint=Message("services.language_unknown_hint", known=tuple(each.value for each in Language)),
            field="language",
        )
    if actor.person_id is None:
        raise UserError(Message("services.me.no_person"), hint=Message("services.me.no_person_hint"), field="language")
    with store.writing() as session:
        people = People(session)
        person = people.get(actor.person_id)
        if person is None:
            raise UserError(Message("services.me.no_person"), hint=Message("services.me.no_person_hint"))
        fields = PersonFields(person.name, person.email, person.language, person.timezone, person.scope)
        people.update(person.id, replace(fields, language=chosen.value))
        details = {"language": chosen.value, "before": person.language}
        record(session, actor, Action.LANGUAGE_SET, now=utc(now), target=person.email, details=details)
    return chosen
