"""Signing in through an OpenID Connect provider (docs/accounts.md#openid-connect): the provider's verified claims
become an account, and the account an actor.

- The e-mail claim names the account (`email_verified: false` is refused: anyone can type an address at some
  providers). A first sign-in makes the account, without a password, when `create_accounts` allows.
- The account's roles are those its groups map to (`roles:`), set again at every sign-in so that a change in the
  provider reaches kpilot; no mapped group: `default_role`, or no entry at all (fail closed).
- A disabled account stays out. Every attempt is audited, like a password sign-in.
- The teams the `teams:` mapping names follow the groups too, for the person of the organisation with that e-mail
  (people themselves come from `kpilot org import`): they join the mapped teams of their groups from `day` and
  leave the mapped teams they are no longer in on `day`; memberships of other teams, and future ones, are left
  alone. What changed is in the sign-in's audit entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, NoReturn

from sqlalchemy.orm import Session

from kpilot.auth.actor import Actor
from kpilot.auth.errors import SignInFailed
from kpilot.auth.sessions import SessionClaim, SessionCodec, session_epoch
from kpilot.definitions.model import OidcSettings
from kpilot.i18n import Message
from kpilot.services.actors import actor_of
from kpilot.services.audit import Action, record
from kpilot.store.accounts import Accounts
from kpilot.store.memberships import Memberships
from kpilot.store.people import People
from kpilot.store.records import Outcome
from kpilot.store.session import Store
from kpilot.store.teams import Teams
from kpilot.store.times import utc


def roles_of(claims: Mapping[str, Any], settings: OidcSettings) -> frozenset[str]:
    """The roles the claims' groups map to (a group claim may be a list or one text), or the default role."""
    groups = claims.get(settings.groups_claim) or ()
    if isinstance(groups, str):
        groups = (groups,)
    found = {settings.roles[group] for group in groups if isinstance(group, str) and group in settings.roles}
    if not found and settings.default_role is not None:
        found = {settings.default_role}
    return frozenset(found)


def oidc_session(
    store: Store,
    codec: SessionCodec,
    claims: Mapping[str, Any],
    settings: OidcSettings,
    *,
    now: datetime,
    day: date,
    client: str | None,
) -> tuple[Actor, str, SessionClaim]:
    """The actor, and the session cookie (with its claim) for the provider's verified claims; `day` is today in the
    workspace's time zone, the day team changes take effect."""
    now = utc(now)
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email or claims.get("email_verified") is False:
        _refuse(store, str(email or claims.get("sub") or "?"), now, client, "no_verified_email")
    assert isinstance(email, str)
    roles = roles_of(claims, settings)
    with store.reading() as session:
        existing = Accounts(session).by_email(email)
    if not roles:
        _refuse(store, email, now, client, "no_role")
    if existing is None and not settings.create_accounts:
        _refuse(store, email, now, client, "no_account")
    if existing is not None and existing.disabled:
        _refuse(store, email, now, client, "disabled")
    details = {"via": "oidc", "roles": sorted(roles)}
    with store.writing() as session:
        accounts = Accounts(session)
        account = accounts.by_email(email)
        if account is None:
            account = accounts.add(email, roles=roles, password_hash=None, now=now)
            record(session, actor_of(session, account), Action.ACCOUNT_CREATED, now=now, target=email, details=details)
        elif set(account.roles) != roles:
            accounts.set_roles(account.id, roles)
            record(session, actor_of(session, account), Action.ROLES_SET, now=now, target=email, details=details)
        moved = _follow_groups(session, email, claims, settings, day)
        current = accounts.get(account.id)
        assert current is not None
        actor = actor_of(session, current)
        signed = {"via": "oidc", **moved}
        record(session, actor, Action.SIGN_IN, now=now, target=current.email, details=signed, client=client)
        epoch = session_epoch(accounts.password_hash(current.id))
    cookie, claim = codec.issue(current.id, epoch)
    return actor, cookie, claim


def _follow_groups(
    session: Session, email: str, claims: Mapping[str, Any], settings: OidcSettings, day: date
) -> dict[str, list[str]]:
    """Join and leave the mapped teams as the groups say; what was joined and left, by team name."""
    if not settings.teams:
        return {}
    person = People(session).by_email(email)
    if person is None:
        return {}
    teams = Teams(session)
    managed = {name: teams.by_name(name) for name in sorted(set(settings.teams.values()))}
    groups = claims.get(settings.groups_claim) or ()
    groups = (groups,) if isinstance(groups, str) else groups
    wanted = {settings.teams[group] for group in groups if isinstance(group, str) and group in settings.teams}
    memberships = Memberships(session)
    held = memberships.of_person(person.id)
    joined, left = [], []
    for name, team in managed.items():
        if team is None:  # a mapping to a team the organisation does not have: nothing to join
            continue
        own = [m for m in held if m.team_id == team.id and (m.valid_to is None or m.valid_to > day)]
        if name in wanted and not own:
            memberships.start(person.id, team.id, day)
            joined.append(name)
        elif name not in wanted:
            for membership in (m for m in own if m.covers(day)):
                memberships.end(membership.id, day)
                left.append(name)
    return {"teams_joined": joined, "teams_left": left} if joined or left else {}


def _refuse(store: Store, email: str, now: datetime, client: str | None, reason: str) -> NoReturn:
    """Record the refused attempt (its own transaction, so that it stays recorded), then raise."""
    claimed = Actor(account_id=None, person_id=None, email=email, roles=frozenset())
    details = {"reason": reason, "via": "oidc"}
    with store.writing() as session:
        refused = Outcome.REFUSED
        record(session, claimed, Action.SIGN_IN, now=now, target=email, details=details, outcome=refused, client=client)
    raise SignInFailed(Message("auth.oidc_refused"), hint=Message("auth.oidc_refused_hint"), field="oidc")
