"""Share links (docs/dashboard.md#sharing-and-embedding): each belongs to the account that made it, shows one KPI
or one board with the filters it locks, and works from its creation until it expires or is revoked.

The store keeps no secret of a link: the link given out is the row's id signed with the server's secret
(kpilot.services.sharing), so that a link can be shown again to its owner and dies with its row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpilot.errors import InternalError
from kpilot.store.models import ShareLinkRow
from kpilot.store.times import utc


@dataclass(frozen=True)
class ShareLink:
    id: int
    account_id: int  # who made it: the link shows what this account sees
    kind: str  # `kpi` or `board`
    target: str  # a KPI's name; a board: `company` or `team:NAME`
    filters: Mapping[str, Any]  # JSON: {"scope": {dimension: value}, "period": ..., "grain": ...}
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class NewShareLink:
    account_id: int
    kind: str
    target: str
    filters: Mapping[str, Any]
    created_at: datetime
    expires_at: datetime


class ShareLinks:
    """The share links of the store, read and written through one session (whose transaction the caller owns)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, new: NewShareLink) -> ShareLink:
        row = ShareLinkRow(
            account_id=new.account_id,
            kind=new.kind,
            target=new.target,
            filters=dict(new.filters),
            created_at=utc(new.created_at),
            expires_at=utc(new.expires_at),
        )
        self.session.add(row)
        self.session.flush()
        return _link(row)

    def get(self, link_id: int) -> ShareLink | None:
        row = self.session.get(ShareLinkRow, link_id)
        return None if row is None else _link(row)

    def of_accounts(self, account_ids: Sequence[int] | None = None) -> tuple[ShareLink, ...]:
        """The links these accounts made (every link when None), newest first."""
        query = select(ShareLinkRow).order_by(ShareLinkRow.created_at.desc(), ShareLinkRow.id.desc())
        if account_ids is not None:
            query = query.where(ShareLinkRow.account_id.in_(list(account_ids)))
        return tuple(_link(row) for row in self.session.scalars(query))

    def revoke(self, link_id: int, at: datetime) -> ShareLink:
        row = self.session.get(ShareLinkRow, link_id)
        if row is None:
            raise InternalError(f"no share link with id {link_id} in the store")
        row.revoked_at = utc(at)
        self.session.flush()
        return _link(row)


def _link(row: ShareLinkRow) -> ShareLink:
    return ShareLink(
        id=row.id,
        account_id=row.account_id,
        kind=row.kind,
        target=row.target,
        filters=dict(row.filters),
        created_at=row.created_at,
        expires_at=row.expires_at,
        revoked_at=row.revoked_at,
    )
