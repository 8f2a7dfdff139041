"""The store's tables as typed SQLAlchemy models. No logic here: repositories read and write them, and hand out
immutable records (`store.records`) instead.

Choices are plain strings with a CHECK constraint rather than database enums, so that adding a value is a small
migration on SQLite and PostgreSQL alike. Every constraint is named (the naming convention below): Alembic needs
the names to drop or alter a constraint, and SQLite has no names of its own to find them by.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

NAME_LENGTH = 200
EMAIL_LENGTH = 320  # the longest address RFC 3696 allows
DIMENSION_LENGTH = 128  # as a definitions identifier
VALUE_LENGTH = 500


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class PersonRow(Base):
    __tablename__ = "people"
    __table_args__ = (
        CheckConstraint("language IN ('en', 'it', 'pl', 'zh')", name="language"),
        CheckConstraint("manager_id IS NULL OR manager_id <> id", name="not_own_manager"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    email: Mapped[str] = mapped_column(String(EMAIL_LENGTH))  # as written, for people to read
    email_key: Mapped[str] = mapped_column(String(EMAIL_LENGTH), unique=True)  # case folded: one person per address
    language: Mapped[str] = mapped_column(String(2))
    timezone: Mapped[str] = mapped_column(String(64))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)


class TeamRow(Base):
    __tablename__ = "teams"
    __table_args__ = (CheckConstraint("kind IN ('company', 'department', 'team')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="RESTRICT"), index=True)


class MembershipRow(Base):
    """A person in a team from valid_from (inclusive) to valid_to (exclusive; NULL while it lasts)."""

    __tablename__ = "memberships"
    __table_args__ = (
        CheckConstraint("valid_to IS NULL OR valid_to > valid_from", name="dates"),
        Index(None, "person_id", "valid_from"),
        Index(None, "team_id", "valid_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)


class PersonScopeRow(Base):
    """One dimension of a person's scope: `owner = rep-07`."""

    __tablename__ = "person_scopes"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(DIMENSION_LENGTH), primary_key=True)
    value: Mapped[str] = mapped_column(String(VALUE_LENGTH))


class TeamScopeRow(Base):
    """One dimension of a team's scope: `team = EMEA`."""

    __tablename__ = "team_scopes"

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(DIMENSION_LENGTH), primary_key=True)
    value: Mapped[str] = mapped_column(String(VALUE_LENGTH))
