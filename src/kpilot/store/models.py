"""The store's tables as typed SQLAlchemy models. No logic here: repositories read and write them, and hand out
immutable records (`store.records`) instead.

Choices are plain strings with a CHECK constraint rather than database enums, so that adding a value is a small
migration on SQLite and PostgreSQL alike. Every constraint is named (the naming convention below): Alembic needs
the names to drop or alter a constraint, and SQLite has no names of its own to find them by.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    MetaData,
    String,
    UniqueConstraint,
    column,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from kpilot.store.alert_records import (
    AlertLevel,
    ChannelKind,
    DeliveryStatus,
    Digest,
    EvaluationOutcome,
    NoticeKind,
    OwnerKind,
    SilenceSubject,
    SubscriptionKind,
)
from kpilot.store.bonus_records import DisputeStatus, LineKind, RunStatus
from kpilot.store.records import ActorKind, Outcome
from kpilot.store.times import UtcDateTime

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
HASH_LENGTH = 255  # an Argon2 hash in its encoded form is about 100 characters
IDEMPOTENCY_KEY_LENGTH = 255  # what clients send: a UUID is 36 characters

# The choices of accounts and the audit log. The roles are kpilot.auth's `Role` (a test keeps the two equal: the
# store sits beside auth, not above it).
ROLES = ("admin", "editor", "manager", "member", "viewer")
ACTOR_KINDS = tuple(kind.value for kind in ActorKind)
OUTCOMES = tuple(outcome.value for outcome in Outcome)


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


class AccountRow(Base):
    """Someone who can sign in. The account is tied to the person with the same e-mail address (`email_key`), when
    there is one: by the address rather than by a foreign key, so that a person imported after the account was made
    (or the other way round) is found all the same."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_LENGTH))  # as written
    email_key: Mapped[str] = mapped_column(String(EMAIL_LENGTH), unique=True)  # case folded: one account per address
    password_hash: Mapped[str | None] = mapped_column(String(HASH_LENGTH))  # None: signs in through OpenID Connect only
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    disabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # None while the account may sign in


class AccountRoleRow(Base):
    __tablename__ = "account_roles"
    __table_args__ = (CheckConstraint(column("role").in_(ROLES), name="role"),)

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)


class AccountPermissionRow(Base):
    """A permission granted on top of the account's roles, such as `compensation` (pay data)."""

    __tablename__ = "account_permissions"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    permission: Mapped[str] = mapped_column(String(64), primary_key=True)


class TokenRow(Base):
    """An API token. The token itself is never stored: `lookup` (public) finds the row, and `secret_hash` (SHA-256
    of the random secret, in hex) proves the secret."""

    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    lookup: Mapped[str] = mapped_column(String(32), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[str] = mapped_column(String(1000))  # space-separated, sorted: `ingest:orders read`
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class AuditRow(Base):
    """One entry of the audit log, which is only ever appended to (triggers refuse updates and deletes). The actor
    is kept as it was (account id and e-mail address), without a foreign key: the log outlives what it names."""

    __tablename__ = "audit_log"
    __table_args__ = (
        CheckConstraint(column("actor_kind").in_(ACTOR_KINDS), name="actor_kind"),
        CheckConstraint(column("outcome").in_(OUTCOMES), name="outcome"),
        Index(None, "action", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_account_id: Mapped[int | None] = mapped_column()
    actor_email: Mapped[str | None] = mapped_column(String(EMAIL_LENGTH))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(VALUE_LENGTH))
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON())
    outcome: Mapped[str] = mapped_column(String(16))
    client: Mapped[str | None] = mapped_column(String(NAME_LENGTH))  # where a sign-in came from: an address, `cli`


class SignInFailureRow(Base):
    """A failed sign-in, counted for the rate limit. In the store, so that every worker of a server counts the
    same failures; removed by a successful sign-in, and once older than the limit's window."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (Index(None, "email_key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email_key: Mapped[str] = mapped_column(String(EMAIL_LENGTH))
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class IdempotencyKeyRow(Base):
    """A request made with an `Idempotency-Key` (REST API ingestion): the account's key, what it was for (the
    source and the SHA-256 of the body), and once done the answer given, which a retry gets again. `status` is NULL
    while the request runs. Kept until `expires_at` (a day after it was made)."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("account_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    idempotency_key: Mapped[str] = mapped_column(String(IDEMPOTENCY_KEY_LENGTH))
    source: Mapped[str] = mapped_column(String(DIMENSION_LENGTH))
    body_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[int | None] = mapped_column()
    response: Mapped[dict[str, Any] | None] = mapped_column(JSON())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


SHARE_KINDS = ("kpi", "board")  # what a share link shows: one KPI, or a board (the company's or a team's)


class ShareLinkRow(Base):
    """A read-only link to a KPI or a board (docs/dashboard.md#sharing-and-embedding), made by an account: its
    `target` (a KPI's name, `company` or `team:NAME`) and the filters it locks (JSON: scope, period, grain). The link
    given out is this row's id signed with the server's secret; the row says whether it still works (expired at
    `expires_at`, or revoked)."""

    __tablename__ = "share_links"
    __table_args__ = (CheckConstraint(column("kind").in_(SHARE_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(VALUE_LENGTH))
    filters: Mapped[dict[str, Any]] = mapped_column(JSON())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


# OKRs (docs/okrs.md). Numbers are kept as the decimal text they were given (`Decimal(str)` reads them back
# exactly): neither SQLite nor a float column would keep 0.1 as 0.1.
NUMBER_LENGTH = 64
CYCLE_STATES = ("draft", "open", "closed")
ROLLUPS = ("weighted_mean", "minimum")
LEVELS = ("company", "department", "team", "person")
KEY_RESULT_KINDS = ("kpi", "number", "milestone", "milestones")
DIRECTIONS = ("increase", "decrease", "stay_above", "stay_below", "stay_within")
INITIATIVE_STATES = ("planned", "active", "done", "dropped")


class OkrCycleRow(Base):
    """A cycle: a named period (`2026-Q4`, fiscal, or a year) or custom dates, [starts_on, ends_on)."""

    __tablename__ = "okr_cycles"
    __table_args__ = (
        CheckConstraint(column("state").in_(CYCLE_STATES), name="state"),
        CheckConstraint(column("rollup").in_(ROLLUPS), name="rollup"),
        CheckConstraint("ends_on > starts_on", name="dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    period: Mapped[str | None] = mapped_column(String(32))  # as named (`2026-Q4`); None for custom dates
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)  # the first day after the cycle
    state: Mapped[str] = mapped_column(String(16))
    rollup: Mapped[str] = mapped_column(String(16))
    green: Mapped[str] = mapped_column(String(NUMBER_LENGTH))  # the grading's thresholds
    yellow: Mapped[str] = mapped_column(String(NUMBER_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class OkrObjectiveRow(Base):
    """An objective, owned by a person or a team (exactly one of the two), at a level of the cascade."""

    __tablename__ = "okr_objectives"
    __table_args__ = (
        CheckConstraint(column("level").in_(LEVELS), name="level"),
        CheckConstraint("(owner_person_id IS NULL) <> (owner_team_id IS NULL)", name="one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("okr_cycles.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(VALUE_LENGTH))
    description: Mapped[str] = mapped_column(String(4000))
    level: Mapped[str] = mapped_column(String(16))
    owner_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"), index=True)
    owner_team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="RESTRICT"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class OkrKeyResultRow(Base):
    """A key result: measured by a KPI over a scope, typed in check-ins, a milestone or a set of milestones. The
    final value and progress are written when the cycle closes, and kept."""

    __tablename__ = "okr_key_results"
    __table_args__ = (
        CheckConstraint(column("kind").in_(KEY_RESULT_KINDS), name="kind"),
        CheckConstraint(column("direction").in_(DIRECTIONS), name="direction"),
        UniqueConstraint("objective_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    objective_id: Mapped[int] = mapped_column(ForeignKey("okr_objectives.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column()  # 1 to 5, in the objective's order
    title: Mapped[str] = mapped_column(String(VALUE_LENGTH))
    kind: Mapped[str] = mapped_column(String(16))
    kpi: Mapped[str | None] = mapped_column(String(DIMENSION_LENGTH))
    scope: Mapped[dict[str, str]] = mapped_column(JSON())
    direction: Mapped[str | None] = mapped_column(String(16))  # None for milestones
    baseline: Mapped[str | None] = mapped_column(String(NUMBER_LENGTH))
    target: Mapped[str | None] = mapped_column(String(NUMBER_LENGTH))
    stretch: Mapped[str | None] = mapped_column(String(NUMBER_LENGTH))
    upper: Mapped[str | None] = mapped_column(String(NUMBER_LENGTH))
    unit: Mapped[str | None] = mapped_column(String(64))  # a typed number's unit, as written
    weight: Mapped[str] = mapped_column(String(NUMBER_LENGTH))
    final_value: Mapped[str | None] = mapped_column(String(NUMBER_LENGTH))
    final_progress: Mapped[str | None] = mapped_column(String(NUMBER_LENGTH))


class OkrAlignmentRow(Base):
    """An objective aligned to a parent objective or to a parent key result (exactly one), with its weight."""

    __tablename__ = "okr_alignments"
    __table_args__ = (
        CheckConstraint("(parent_objective_id IS NULL) <> (parent_key_result_id IS NULL)", name="one_parent"),
        # Named by hand: the convention's name would pass PostgreSQL's 63 characters.
        UniqueConstraint("child_id", "parent_objective_id", "parent_key_result_id", name="uq_okr_alignments_link"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("okr_objectives.id", ondelete="CASCADE"), index=True)
    parent_objective_id: Mapped[int | None] = mapped_column(
        ForeignKey("okr_objectives.id", ondelete="CASCADE"), index=True
    )
    parent_key_result_id: Mapped[int | None] = mapped_column(
        ForeignKey("okr_key_results.id", ondelete="CASCADE"), index=True
    )
    weight: Mapped[str] = mapped_column(String(NUMBER_LENGTH))


class OkrMilestoneRow(Base):
    __tablename__ = "okr_milestones"
    __table_args__ = (UniqueConstraint("key_result_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key_result_id: Mapped[int] = mapped_column(ForeignKey("okr_key_results.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(VALUE_LENGTH))
    done_on: Mapped[date | None] = mapped_column(Date)


class OkrCheckInRow(Base):
    """A check-in on a key result, only ever added: the value (typed key results), done milestones, the confidence
    0..10 and a note. The author is kept as written (account id and address), as in the audit log. `correction`
    marks a check-in made after the cycle closed."""

    __tablename__ = "okr_check_ins"
    __table_args__ = (
        CheckConstraint(column("confidence").between(0, 10), name="confidence"),
        Index(None, "key_result_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key_result_id: Mapped[int] = mapped_column(ForeignKey("okr_key_results.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    author_account_id: Mapped[int | None] = mapped_column()
    author_email: Mapped[str | None] = mapped_column(String(EMAIL_LENGTH))
    value: Mapped[str | None] = mapped_column(String(NUMBER_LENGTH))
    done: Mapped[list[int] | None] = mapped_column(JSON())  # milestones: the positions done by this check-in
    confidence: Mapped[int] = mapped_column()
    note: Mapped[str] = mapped_column(String(4000))
    correction: Mapped[bool] = mapped_column()


class OkrInitiativeRow(Base):
    """A project meant to move a key result; it never counts in progress."""

    __tablename__ = "okr_initiatives"
    __table_args__ = (CheckConstraint(column("state").in_(INITIATIVE_STATES), name="state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key_result_id: Mapped[int] = mapped_column(ForeignKey("okr_key_results.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(VALUE_LENGTH))
    state: Mapped[str] = mapped_column(String(16))
    link: Mapped[str | None] = mapped_column(String(1000))


# Bonuses (docs/store.md#bonuses): runs and their approvals, the ledger (append-only: triggers refuse updates and
# deletes of its lines), period locks, disputes and compensation. Money is kept in exact integer minor units
# (BigInteger: SQLite would keep a NUMERIC as a float), working time in thousandths of full time.
PLAN_PERIOD_LENGTH = 32  # a period as named: `2026-10`, `2026-Q4`
CURRENCY_LENGTH = 3  # ISO 4217
SHA_LENGTH = 128  # a content hash in hex (SHA-256 is 64 characters; room for a prefix such as `sha256:`)
DISPUTE_REASON_LENGTH = 2000
RUN_STATUSES = tuple(status.value for status in RunStatus)
LINE_KINDS = tuple(kind.value for kind in LineKind)
DISPUTE_STATUSES = tuple(status.value for status in DisputeStatus)


class BonusRunRow(Base):
    """One computation of a plan for a period, and where it stands in the workflow."""

    __tablename__ = "bonus_runs"
    __table_args__ = (
        CheckConstraint(column("status").in_(RUN_STATUSES), name="status"),
        CheckConstraint(column("approvals_needed").in_((1, 2)), name="approvals_needed"),
        Index(None, "plan", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan: Mapped[str] = mapped_column(String(DIMENSION_LENGTH))
    period: Mapped[str] = mapped_column(String(PLAN_PERIOD_LENGTH))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    started_by: Mapped[str] = mapped_column(String(EMAIL_LENGTH))  # an e-mail address or `operator`
    definitions_sha: Mapped[str] = mapped_column(String(SHA_LENGTH))
    status: Mapped[str] = mapped_column(String(16))
    approvals_needed: Mapped[int] = mapped_column()
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime())  # the last change of status (at first: started)
    changed_by: Mapped[str] = mapped_column(String(EMAIL_LENGTH))


class BonusRunApprovalRow(Base):
    __tablename__ = "bonus_run_approvals"
    __table_args__ = (UniqueConstraint("run_id", "approver"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("bonus_runs.id", ondelete="CASCADE"))
    approver: Mapped[str] = mapped_column(String(EMAIL_LENGTH))  # case folded: one approval per address
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class BonusLineRow(Base):
    """A line of the ledger, never changed once written. `details` keeps the statement's breakdown as computed
    (KPI value, target, attainment, curve point, gates, proration), so a statement reads as it was even after the
    definitions change. Runs and people with lines cannot be removed: the ledger outlives them."""

    __tablename__ = "bonus_lines"
    __table_args__ = (
        CheckConstraint(column("kind").in_(LINE_KINDS), name="kind"),
        Index(None, "plan", "person_id", "period"),
        Index(None, "run_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("bonus_runs.id", ondelete="RESTRICT"))
    plan: Mapped[str] = mapped_column(String(DIMENSION_LENGTH))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"))
    period: Mapped[str] = mapped_column(String(PLAN_PERIOD_LENGTH))
    posted_in: Mapped[str] = mapped_column(String(PLAN_PERIOD_LENGTH))
    component: Mapped[str] = mapped_column(String(DIMENSION_LENGTH))  # "" for the whole plan
    kind: Mapped[str] = mapped_column(String(16))
    amount_minor: Mapped[int] = mapped_column(BigInteger())
    currency: Mapped[str] = mapped_column(String(CURRENCY_LENGTH))
    reason_code: Mapped[str | None] = mapped_column(String(DIMENSION_LENGTH))
    reason_values: Mapped[dict[str, Any] | None] = mapped_column(JSON())
    before_minor: Mapped[int | None] = mapped_column(BigInteger())
    after_minor: Mapped[int | None] = mapped_column(BigInteger())
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class BonusLockRow(Base):
    """A plan's period closed for good: no earned line for it, and no line posted into it, is written again."""

    __tablename__ = "bonus_locks"

    plan: Mapped[str] = mapped_column(String(DIMENSION_LENGTH), primary_key=True)
    period: Mapped[str] = mapped_column(String(PLAN_PERIOD_LENGTH), primary_key=True)
    locked_at: Mapped[datetime] = mapped_column(UtcDateTime())
    locked_by: Mapped[str] = mapped_column(String(EMAIL_LENGTH))


class BonusDisputeRow(Base):
    __tablename__ = "bonus_disputes"
    __table_args__ = (
        CheckConstraint(column("status").in_(DISPUTE_STATUSES), name="status"),
        Index(None, "person_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("bonus_lines.id", ondelete="RESTRICT"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"))
    reason: Mapped[str] = mapped_column(String(DISPUTE_REASON_LENGTH))
    status: Mapped[str] = mapped_column(String(16))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolved_by: Mapped[str | None] = mapped_column(String(EMAIL_LENGTH))
    resolution: Mapped[str | None] = mapped_column(String(4000))


class BonusCompensationRow(Base):
    """A person's yearly base pay and working time, from valid_from (inclusive) to valid_to (exclusive; NULL while
    it lasts), effective-dated like memberships. `fte_per_mille` is the working time in thousandths of full time
    (800: four days a week): an exact integer, where a NUMERIC would be a float on SQLite."""

    __tablename__ = "bonus_compensation"
    __table_args__ = (
        CheckConstraint("valid_to IS NULL OR valid_to > valid_from", name="dates"),
        CheckConstraint("fte_per_mille > 0 AND fte_per_mille <= 1000", name="fte"),
        Index(None, "person_id", "valid_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    base_pay_minor: Mapped[int] = mapped_column(BigInteger())
    currency: Mapped[str] = mapped_column(String(CURRENCY_LENGTH))
    fte_per_mille: Mapped[int] = mapped_column()


class BonusLeaveRow(Base):
    """Unpaid leave of a person from starts_on (inclusive) to ends_on (exclusive): days that do not count as time
    in a bonus plan (services.bonus_members). A person's leaves never overlap."""

    __tablename__ = "bonus_leaves"
    __table_args__ = (
        CheckConstraint("ends_on > starts_on", name="dates"),
        Index(None, "person_id", "starts_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)


# Alerts (docs/store.md#alerts): the state of each rule in each scope and its last evaluations, the outbox of
# notices and their deliveries, the channels, subscriptions and silences people set up, and the scheduler's leases.
# A scope is kept twice: as JSON (what it is) and as its canonical text (`alert_records.scope_key`), which is part of
# the key of a state, since a JSON column can be neither compared nor indexed alike on both engines.
SCOPE_KEY_LENGTH = 1000
RULE_LENGTH = DIMENSION_LENGTH  # a rule's name, as a definitions identifier
ALERT_TEXT_LENGTH = 2000  # an error kept with a delivery, a silence's reason
CHANNEL_TARGET_LENGTH = 2000  # an address, or an apprise URL with its token
HOLDER_LENGTH = 200  # who claims work: a host name, a process id and a random part
RECENT_LENGTH = 400  # FLAP_WINDOW (20) levels of at most 10 characters, comma-separated
ALERT_STATES = tuple(state.value for state in AlertLevel)
EVALUATION_OUTCOMES = tuple(outcome.value for outcome in EvaluationOutcome)
NOTICE_KINDS = tuple(kind.value for kind in NoticeKind)
DELIVERY_STATUSES = tuple(status.value for status in DeliveryStatus)
OWNER_KINDS = tuple(kind.value for kind in OwnerKind)
CHANNEL_KINDS = tuple(kind.value for kind in ChannelKind)
SUBSCRIPTION_KINDS = tuple(kind.value for kind in SubscriptionKind)
DIGESTS = tuple(digest.value for digest in Digest)
SILENCE_SUBJECTS = tuple(kind.value for kind in SilenceSubject)


class AlertStateRow(Base):
    """Where one rule stands in one scope (the pure `alerts.states.AlertState`), and the version that every write
    bumps: a write names the version it read and is refused if another got in between."""

    __tablename__ = "alert_states"
    __table_args__ = (
        CheckConstraint(column("state").in_(ALERT_STATES), name="state"),
        CheckConstraint(column("announced").in_(ALERT_STATES), name="announced"),
    )

    rule: Mapped[str] = mapped_column(String(RULE_LENGTH), primary_key=True)
    scope_key: Mapped[str] = mapped_column(String(SCOPE_KEY_LENGTH), primary_key=True)
    scope: Mapped[dict[str, Any]] = mapped_column(JSON())
    state: Mapped[str] = mapped_column(String(16))
    streak: Mapped[int] = mapped_column()
    empties: Mapped[int] = mapped_column()
    failures: Mapped[int] = mapped_column()
    episode: Mapped[int] = mapped_column()
    in_episode: Mapped[bool] = mapped_column()
    recent: Mapped[str] = mapped_column(String(RECENT_LENGTH))  # the levels, oldest first, comma-separated
    flapping: Mapped[bool] = mapped_column()
    announced: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column()
    evaluated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AlertEvaluationRow(Base):
    """One evaluation of a rule in a scope: the last 50 of each are kept, for the admin view."""

    __tablename__ = "alert_evaluations"
    __table_args__ = (
        CheckConstraint(column("outcome").in_(EVALUATION_OUTCOMES), name="outcome"),
        CheckConstraint(column("state").in_(ALERT_STATES), name="state"),
        Index(None, "rule", "scope_key", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(RULE_LENGTH))
    scope_key: Mapped[str] = mapped_column(String(SCOPE_KEY_LENGTH))
    period: Mapped[str] = mapped_column(String(PLAN_PERIOD_LENGTH))
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    outcome: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))  # after the evaluation
    reason_code: Mapped[str | None] = mapped_column(String(DIMENSION_LENGTH))
    reason_values: Mapped[dict[str, Any] | None] = mapped_column(JSON())
    value: Mapped[str | None] = mapped_column(String(VALUE_LENGTH))  # a Decimal as text


class AlertOutboxRow(Base):
    """A notice to send, recorded once: its idempotency key is unique, so a second evaluation of the same change
    (two schedulers, a retried run) writes nothing."""

    __tablename__ = "alert_outbox"
    __table_args__ = (
        CheckConstraint(column("kind").in_(NOTICE_KINDS), name="kind"),
        CheckConstraint(column("state").in_(ALERT_STATES), name="state"),
        Index(None, "rule", "scope_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(IDEMPOTENCY_KEY_LENGTH), unique=True)
    rule: Mapped[str] = mapped_column(String(RULE_LENGTH))
    scope: Mapped[dict[str, Any]] = mapped_column(JSON())
    scope_key: Mapped[str] = mapped_column(String(SCOPE_KEY_LENGTH))
    kind: Mapped[str] = mapped_column(String(16))
    episode: Mapped[int] = mapped_column()
    period: Mapped[str] = mapped_column(String(PLAN_PERIOD_LENGTH))
    state: Mapped[str] = mapped_column(String(16))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON())  # message codes and values, never sentences
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AlertChannelRow(Base):
    """Where a person or a team is told. `target` (an address, an apprise URL) may hold a token: it is never
    copied into an error, a log or another table."""

    __tablename__ = "alert_channels"
    __table_args__ = (
        CheckConstraint(column("owner_kind").in_(OWNER_KINDS), name="owner_kind"),
        CheckConstraint(column("kind").in_(CHANNEL_KINDS), name="kind"),
        CheckConstraint(
            "(owner_kind = 'person' AND person_id IS NOT NULL AND team_id IS NULL)"
            " OR (owner_kind = 'team' AND team_id IS NOT NULL AND person_id IS NULL)",
            name="one_owner",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_kind: Mapped[str] = mapped_column(String(16))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(CHANNEL_TARGET_LENGTH))
    dedupes: Mapped[bool] = mapped_column()  # the receiver drops a repeated key: a timed-out send may be retried
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AlertDeliveryRow(Base):
    """One notice to one recipient on one channel, and how sending it went. A sender claims it (`sending`,
    `claimed_by` until `claimed_until`) before sending, so that two senders never send it both."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (
        CheckConstraint(column("status").in_(DELIVERY_STATUSES), name="status"),
        UniqueConstraint("outbox_id", "recipient", "channel_id"),
        Index(None, "status", "next_attempt_at"),
        Index(None, "channel_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("alert_outbox.id", ondelete="CASCADE"))
    recipient: Mapped[str] = mapped_column(String(EMAIL_LENGTH))  # an e-mail address or a team's name
    channel_id: Mapped[int] = mapped_column(ForeignKey("alert_channels.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column()
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(String(ALERT_TEXT_LENGTH))
    claimed_by: Mapped[str | None] = mapped_column(String(HOLDER_LENGTH))
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class AlertSubscriptionRow(Base):
    __tablename__ = "alert_subscriptions"
    __table_args__ = (
        CheckConstraint(column("kind").in_(SUBSCRIPTION_KINDS), name="kind"),
        CheckConstraint(column("digest").in_(DIGESTS), name="digest"),
        UniqueConstraint("person_id", "kind", "target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(NAME_LENGTH))  # a KPI's, a board's or a team's name
    digest: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AlertSilenceRow(Base):
    """No notice about a subject from starts_at (inclusive) to ends_at (exclusive): a silence or a maintenance
    window."""

    __tablename__ = "alert_silences"
    __table_args__ = (
        CheckConstraint(column("subject_kind").in_(SILENCE_SUBJECTS), name="subject_kind"),
        CheckConstraint("ends_at > starts_at", name="times"),
        Index(None, "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_kind: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(NAME_LENGTH))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())
    reason: Mapped[str] = mapped_column(String(ALERT_TEXT_LENGTH))
    created_by: Mapped[str] = mapped_column(String(EMAIL_LENGTH))


class SchedulerLeaseRow(Base):
    """A named piece of work (the evaluation loop) held by one process until expires_at (exclusive)."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(RULE_LENGTH), primary_key=True)
    holder: Mapped[str] = mapped_column(String(HOLDER_LENGTH))
    acquired_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
