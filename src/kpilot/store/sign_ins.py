"""Failed sign-ins, kept for the rate limit (`kpilot.services.sign_in`): in the store rather than in a server's
memory, so that every worker of a server, and every server in front of the same store, counts the same failures."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kpilot.store.models import SignInFailureRow
from kpilot.store.records import email_key
from kpilot.store.times import utc


class SignInFailures:
    """The failed sign-ins of the store, through one session (whose transaction the caller owns)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def after(self, email: str, moment: datetime) -> tuple[datetime, ...]:
        """When sign-ins to this address (in any case) failed after `moment` (excluded), oldest first."""
        query = select(SignInFailureRow.at).where(
            SignInFailureRow.email_key == email_key(email), SignInFailureRow.at > utc(moment)
        )
        return tuple(self.session.scalars(query.order_by(SignInFailureRow.at)))

    def add(self, email: str, at: datetime) -> None:
        self.session.add(SignInFailureRow(email_key=email_key(email), at=utc(at)))
        self.session.flush()

    def forget(self, email: str) -> None:
        """A sign-in succeeded: the failures before it no longer count."""
        self.session.execute(delete(SignInFailureRow).where(SignInFailureRow.email_key == email_key(email)))

    def forget_before(self, moment: datetime) -> None:
        """Failures at or before `moment` are too old to count for anyone."""
        self.session.execute(delete(SignInFailureRow).where(SignInFailureRow.at <= utc(moment)))
