"""Share links (docs/dashboard.md#sharing-and-embedding): read-only links to a KPI or a board, with the filters they
lock, an expiry and a revocation, made and revoked here (audited) and opened here for a visitor who is not signed
in.

A link shows what its creator sees, never more: `open_share` gives the creator's actor as the store knows them
today (roles, person, teams), with the `read` scope only, so that the shared view computes through the same
service-layer view of the workspace as the creator's own pages, further limited by the locked filters. A creator
who is disabled, or deleted, takes their links with them.

The link itself is the row's id signed with the server's secret (itsdangerous), nothing else: a forged or altered
link is unknown, and whether a link still works is the store's answer, asked on every visit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer

from kpilot.auth.actor import Actor, TokenScope
from kpilot.auth.errors import NotPermitted
from kpilot.engine.periods import Grain
from kpilot.errors import QueryError, UserError
from kpilot.i18n import Message
from kpilot.services.actors import actor_of
from kpilot.services.audit import Action, record
from kpilot.services.boards import TeamBoard, team_board
from kpilot.services.kpis import permissions_for
from kpilot.services.permissions import Action as Permission
from kpilot.services.permissions import KpiResource
from kpilot.store.accounts import Accounts
from kpilot.store.records import Outcome
from kpilot.store.session import Store
from kpilot.store.share_links import NewShareLink, ShareLink, ShareLinks
from kpilot.store.times import utc
from kpilot.workspace import Workspace

DEFAULT_DAYS = 30  # how long a link works unless its creator says otherwise
MAX_DAYS = 90  # the longest by default; a server may allow more or less (KPILOT_SHARE_MAX_DAYS)
SALT = "kpilot.share-link"  # signs links apart from anything else the server's secret signs
COMPANY = "company"  # the company board; a team's board is `team:KEY` (services.boards.board_key)
TEAM_PREFIX = "team:"
GRAINS = (Grain.MONTH.value, Grain.QUARTER.value, Grain.YEAR.value)  # those a KPI page shows a history by
READ_ONLY = frozenset({TokenScope.READ.value})
# The periods a link may lock: those a KPI page names (server.web.kpi_state, which is above us).
PERIOD = re.compile(r"current|last|[0-9]{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?", re.IGNORECASE)


class ShareKind(StrEnum):
    KPI = "kpi"
    BOARD = "board"


class ShareStatus(StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclass(frozen=True)
class LockedFilters:
    """What a link fixes: dimension values (ANDed with whatever the creator may see), the period (None: the period
    the scorecard shows by default, which moves on with time) and the grain of the history."""

    scope: tuple[tuple[str, str], ...] = ()
    period: str | None = None
    grain: Grain = Grain.MONTH

    @classmethod
    def of(
        cls, scope: Mapping[str, str] | None = None, period: str | None = None, grain: str = "month"
    ) -> LockedFilters:
        """Filters from what a form or the store holds; a grain that is not one of a history's is refused."""
        if grain not in GRAINS:
            raise ShareError(Message("services.sharing.grain", grain=grain, allowed=GRAINS), field="grain")
        return cls(tuple(sorted((scope or {}).items())), period or None, Grain(grain))

    @property
    def scope_map(self) -> dict[str, str]:
        return dict(self.scope)

    def to_data(self) -> dict[str, Any]:
        return {"scope": self.scope_map, "period": self.period, "grain": self.grain.value}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> LockedFilters:
        return cls.of(dict(data.get("scope") or {}), data.get("period"), str(data.get("grain") or "month"))


@dataclass(frozen=True)
class ShareView:
    link: ShareLink
    filters: LockedFilters
    status: ShareStatus


@dataclass(frozen=True)
class OpenedShare:
    """A working link and whom it computes as: its creator, read-only."""

    view: ShareView
    actor: Actor = field(repr=False)


class ShareError(UserError):
    """A link that cannot be made (bad filters, too long) or revoked (already revoked)."""


class ShareUnknown(ShareError):
    """No such link: never made, forged, altered, or another account's (a page answers 404)."""


class ShareGone(ShareError):
    """A link that worked once: expired, revoked, or its creator may no longer sign in (a page answers 410)."""


class ShareCodec:
    """Links to the ids they stand for, signed with the server's secret."""

    def __init__(self, secret: str) -> None:
        self._serializer = URLSafeSerializer(secret, salt=SALT)

    def token(self, link_id: int) -> str:
        return str(self._serializer.dumps(link_id))

    def link_id(self, token: str) -> int | None:
        """The id a link stands for, or None when it was not signed by this server (or was altered)."""
        try:
            found = self._serializer.loads(token)
        except BadSignature:
            return None
        return found if isinstance(found, int) and not isinstance(found, bool) else None


def create_share(
    store: Store,
    workspace: Workspace,
    actor: Actor,
    *,
    kind: str,
    target: str,
    filters: LockedFilters,
    days: int = DEFAULT_DAYS,
    now: datetime,
    max_days: int = MAX_DAYS,
) -> ShareView:
    """A new link to what `actor` may see: a KPI (by name) or a board (`company`, `team:NAME`), for `days` days."""
    now = utc(now)
    if actor.account_id is None:
        raise ShareError(Message("services.sharing.no_account"), field="actor")
    if actor.token_scopes is not None and TokenScope.WRITE.value not in actor.token_scopes:
        why = Message("auth.token_scope_missing", scope=TokenScope.WRITE.value, action=Action.SHARE_CREATED.value)
        raise NotPermitted(why, field="token")
    if not 1 <= days <= max_days:
        raise ShareError(Message("services.sharing.days", days=days, maximum=max_days), field="days")
    if filters.period is not None and not PERIOD.fullmatch(filters.period):
        raise ShareError(Message("services.sharing.period", period=filters.period), field="period")
    shown = _checked_target(store, workspace, actor, kind, target.strip())
    link = NewShareLink(
        actor.account_id, kind, shown, filters.to_data(), created_at=now, expires_at=now + timedelta(days=days)
    )
    with store.writing() as session:
        made = ShareLinks(session).add(link)
        details = {
            "kind": kind,
            "target": shown,
            "filters": filters.to_data(),
            "expires_at": made.expires_at.isoformat(),
        }
        record(session, actor, Action.SHARE_CREATED, now=now, target=str(made.id), details=details)
    return ShareView(made, filters, ShareStatus.ACTIVE)


def list_shares(store: Store, actor: Actor, *, now: datetime) -> tuple[ShareView, ...]:
    """The links `actor` made, newest first (an actor without an account has none)."""
    if actor.account_id is None:
        return ()
    with store.reading() as session:
        links = ShareLinks(session).of_accounts([actor.account_id])
    return tuple(_view(link, utc(now)) for link in links)


def revoke_share(store: Store, actor: Actor, link_id: int, *, now: datetime) -> ShareView:
    """Revoke a link: its creator's own, or any for an administrator. Another account's link is answered as an
    unknown one (ids cannot be probed), and the refusal is recorded."""
    now = utc(now)
    unknown = ShareUnknown(Message("services.sharing.unknown"), field="link")
    with store.reading() as session:
        link = ShareLinks(session).get(link_id)
    if link is None:
        raise unknown
    owner = actor.is_admin or actor.local or link.account_id == actor.account_id
    scoped = actor.token_scopes is None or TokenScope.WRITE.value in actor.token_scopes
    if not (owner and scoped):
        with store.writing() as session:
            record(session, actor, Action.SHARE_REVOKED, now=now, target=str(link_id), outcome=Outcome.REFUSED)
        raise unknown
    with store.writing() as session:
        links = ShareLinks(session)
        current = links.get(link_id)
        if current is None:
            raise unknown
        if current.revoked_at is not None:
            raise ShareError(Message("services.sharing.already_revoked", at=current.revoked_at), field="link")
        revoked = links.revoke(link_id, now)
        record(session, actor, Action.SHARE_REVOKED, now=now, target=str(link_id), details={"target": link.target})
    return _view(revoked, now)


def open_share(store: Store, link_id: int, *, now: datetime) -> OpenedShare:
    """A working link and its creator as the actor it computes as (read-only); ShareUnknown or ShareGone else."""
    now = utc(now)
    with store.reading() as session:
        link = ShareLinks(session).get(link_id)
        if link is None:
            raise ShareUnknown(Message("services.sharing.unknown"), field="link")
        view = _view(link, now)
        if view.status is ShareStatus.REVOKED:
            raise ShareGone(Message("services.sharing.revoked", at=link.revoked_at), field="link")
        if view.status is ShareStatus.EXPIRED:
            raise ShareGone(Message("services.sharing.expired", at=link.expires_at), field="link")
        account = Accounts(session).get(link.account_id)
        if account is None or account.disabled:
            raise ShareGone(Message("services.sharing.creator_gone"), field="link")
        actor = actor_of(session, account, token_scopes=READ_ONLY)
    return OpenedShare(view, actor)


def team_of_board(store: Store, actor: Actor, board: str, day: date) -> TeamBoard | None:
    """The team board `board` names (`team:KEY`, as services.boards names them), or None for the company's board.
    A board the actor may not open is unknown (QueryError), exactly as one that does not exist."""
    if board == COMPANY:
        return None
    key = board.removeprefix(TEAM_PREFIX) if board.startswith(TEAM_PREFIX) else ""
    found = team_board(store, actor, day, key) if key else None
    if found is None:
        raise QueryError(Message("services.sharing.unknown_board", board=board), field="board")
    return found


def _checked_target(store: Store, workspace: Workspace, actor: Actor, kind: str, target: str) -> str:
    """`target` when `actor` may see it (and compute): a KPI they may not see is not found, as everywhere."""
    permissions = permissions_for(actor, workspace)
    permissions.ensure(Permission.COMPUTE)
    if kind == ShareKind.KPI:
        permissions.ensure(Permission.READ_KPIS, KpiResource(target, workspace.definitions))
        return target
    if kind == ShareKind.BOARD:
        team_of_board(store, actor, target, workspace.calendar.today())
        return target
    raise ShareError(Message("services.sharing.kind", kind=kind), field="kind")


def _view(link: ShareLink, now: datetime) -> ShareView:
    if link.revoked_at is not None:
        status = ShareStatus.REVOKED
    elif link.expires_at <= now:
        status = ShareStatus.EXPIRED
    else:
        status = ShareStatus.ACTIVE
    return ShareView(link, LockedFilters.from_data(link.filters), status)


__all__ = [
    "DEFAULT_DAYS",
    "MAX_DAYS",
    "LockedFilters",
    "OpenedShare",
    "ShareCodec",
    "ShareError",
    "ShareGone",
    "ShareKind",
    "ShareStatus",
    "ShareUnknown",
    "ShareView",
    "create_share",
    "list_shares",
    "open_share",
    "revoke_share",
    "team_of_board",
]
