"""The Actor of an account: its roles and permissions, and the person with the same e-mail address (their id and
language), as the permission services check them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from kpilot.auth.actor import Actor, Role
from kpilot.store.accounts import Account
from kpilot.store.people import People


def actor_of(session: Session, account: Account, *, token_scopes: frozenset[str] | None = None) -> Actor:
    person = People(session).by_email(account.email)
    return Actor(
        account_id=account.id,
        person_id=person.id if person is not None else None,
        email=account.email,
        roles=frozenset(Role(role) for role in account.roles),
        permissions=frozenset(account.permissions),
        token_scopes=token_scopes,
        language=person.language if person is not None else None,
    )
