"""Silences and maintenance windows: no notice about a KPI, a source, a team or a rule from a start (included) to an
end (not included). Which notices a silence holds back is the services' decision; the store keeps the windows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kpilot.i18n import Message
from kpilot.store.alert_records import SilenceSubject
from kpilot.store.alert_setup_records import NewSilence, Silence
from kpilot.store.errors import StoreError
from kpilot.store.models import ALERT_TEXT_LENGTH, NAME_LENGTH, AlertSilenceRow
from kpilot.store.times import utc


class AlertSilences:
    """The silences of the store, through one session (whose transaction the caller owns)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add_silence(self, new: NewSilence) -> Silence:
        starts, ends = utc(new.starts_at), utc(new.ends_at)
        if ends <= starts:
            raise StoreError(
                Message("store.alert.silence_backwards", start=starts.isoformat(), end=ends.isoformat()),
                field="ends_at",
            )
        for text, limit, field in ((new.subject, NAME_LENGTH, "subject"), (new.reason, ALERT_TEXT_LENGTH, "reason")):
            if not text.strip() or len(text) > limit:
                raise StoreError(Message("store.alert.text_length", length=len(text), limit=limit), field=field)
        row = AlertSilenceRow(
            subject_kind=new.subject_kind.value,
            subject=new.subject,
            starts_at=starts,
            ends_at=ends,
            reason=new.reason,
            created_by=new.created_by,
        )
        self.session.add(row)
        self.session.flush()
        return _silence(row)

    def silence(self, silence_id: int) -> Silence | None:
        row = self.session.get(AlertSilenceRow, silence_id)
        return None if row is None else _silence(row)

    def remove_silence(self, silence_id: int) -> bool:
        """Forget a silence (ending it early, or undoing a mistake); whether there was one."""
        result = self.session.execute(
            delete(AlertSilenceRow)
            .where(AlertSilenceRow.id == silence_id)
            .returning(AlertSilenceRow.id)
            .execution_options(synchronize_session=False)
        )
        return result.first() is not None

    def silences(self, subject_kind: SilenceSubject | None = None) -> tuple[Silence, ...]:
        """Every silence (about one kind of subject), by start."""
        query = select(AlertSilenceRow).order_by(AlertSilenceRow.starts_at, AlertSilenceRow.id)
        if subject_kind is not None:
            query = query.where(AlertSilenceRow.subject_kind == subject_kind.value)
        return tuple(_silence(row) for row in self.session.scalars(query))

    def active_silences(self, now: datetime) -> tuple[Silence, ...]:
        """The silences in force at `now`: started at or before it, ending after it."""
        moment = utc(now)
        query = (
            select(AlertSilenceRow)
            .where(AlertSilenceRow.starts_at <= moment, AlertSilenceRow.ends_at > moment)
            .order_by(AlertSilenceRow.starts_at, AlertSilenceRow.id)
        )
        return tuple(_silence(row) for row in self.session.scalars(query))


def _silence(row: AlertSilenceRow) -> Silence:
    return Silence(
        id=row.id,
        subject_kind=SilenceSubject(row.subject_kind),
        subject=row.subject,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        reason=row.reason,
        created_by=row.created_by,
    )
