"""Alerts: rule states and evaluations, the outbox and its deliveries, channels, subscriptions, silences, leases

Revision ID: 0007
Revises: 0006

A state's row carries a version bumped on every write (optimistic concurrency); a notice's idempotency key is unique
(the outbox records a notice once); a delivery is unique per notice, recipient and channel. A channel belongs to a
person or a team (two foreign keys, exactly one set); it, its deliveries and a person's subscriptions go with their
owner.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None

# Written out rather than imported: a migration keeps the values it was written with.
STATES = ("ok", "pending", "firing", "recovering", "no_data", "error")
OUTCOMES = ("breach", "clear", "empty", "failed")
NOTICE_KINDS = ("firing", "resolved", "no_data", "error", "flapping", "digest")
DELIVERY_STATUSES = ("queued", "sending", "sent", "failed", "unknown")
OWNER_KINDS = ("person", "team")
CHANNEL_KINDS = ("email", "slack", "teams", "webhook", "apprise")
SUBSCRIPTION_KINDS = ("kpi", "board", "team")
DIGESTS = ("none", "daily", "weekly")
SILENCE_SUBJECTS = ("kpi", "source", "team", "rule")
MOMENT = sa.DateTime(timezone=True)
RULE = sa.String(128)
SCOPE_KEY = sa.String(1000)
PERIOD = sa.String(32)
EMAIL = sa.String(320)
CHOICE = sa.String(16)
TEXT = sa.String(2000)
HOLDER = sa.String(200)
NAME = sa.String(200)


def _check(table: str, column: str, values: tuple[str, ...]) -> sa.CheckConstraint:
    return sa.CheckConstraint(sa.column(column).in_(values), name=op.f(f"ck_{table}_{column}"))


def _foreign(table: str, column: str, parent: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{parent}.id"], name=op.f(f"fk_{table}_{column}_{parent}"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "alert_states",
        sa.Column("rule", RULE, nullable=False),
        sa.Column("scope_key", SCOPE_KEY, nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("state", CHOICE, nullable=False),
        sa.Column("streak", sa.Integer(), nullable=False),
        sa.Column("empties", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("episode", sa.Integer(), nullable=False),
        sa.Column("in_episode", sa.Boolean(), nullable=False),
        sa.Column("recent", sa.String(400), nullable=False),
        sa.Column("flapping", sa.Boolean(), nullable=False),
        sa.Column("announced", CHOICE, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("evaluated_at", MOMENT, nullable=False),
        _check("alert_states", "state", STATES),
        _check("alert_states", "announced", STATES),
        sa.PrimaryKeyConstraint("rule", "scope_key", name=op.f("pk_alert_states")),
    )
    op.create_table(
        "alert_evaluations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule", RULE, nullable=False),
        sa.Column("scope_key", SCOPE_KEY, nullable=False),
        sa.Column("period", PERIOD, nullable=False),
        sa.Column("at", MOMENT, nullable=False),
        sa.Column("outcome", CHOICE, nullable=False),
        sa.Column("state", CHOICE, nullable=False),
        sa.Column("reason_code", sa.String(128), nullable=True),
        sa.Column("reason_values", sa.JSON(), nullable=True),
        sa.Column("value", sa.String(500), nullable=True),
        _check("alert_evaluations", "outcome", OUTCOMES),
        _check("alert_evaluations", "state", STATES),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_evaluations")),
    )
    op.create_index(op.f("ix_alert_evaluations_rule_scope_key_at"), "alert_evaluations", ["rule", "scope_key", "at"])
    op.create_table(
        "alert_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(255), nullable=False),
        sa.Column("rule", RULE, nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("scope_key", SCOPE_KEY, nullable=False),
        sa.Column("kind", CHOICE, nullable=False),
        sa.Column("episode", sa.Integer(), nullable=False),
        sa.Column("period", PERIOD, nullable=False),
        sa.Column("state", CHOICE, nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        _check("alert_outbox", "kind", NOTICE_KINDS),
        _check("alert_outbox", "state", STATES),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_outbox")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_alert_outbox_idempotency_key")),
    )
    op.create_index(op.f("ix_alert_outbox_rule_scope_key"), "alert_outbox", ["rule", "scope_key"])
    op.create_table(
        "alert_channels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_kind", CHOICE, nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("kind", CHOICE, nullable=False),
        sa.Column("target", TEXT, nullable=False),
        sa.Column("dedupes", sa.Boolean(), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        _check("alert_channels", "owner_kind", OWNER_KINDS),
        _check("alert_channels", "kind", CHANNEL_KINDS),
        sa.CheckConstraint(
            "(owner_kind = 'person' AND person_id IS NOT NULL AND team_id IS NULL)"
            " OR (owner_kind = 'team' AND team_id IS NOT NULL AND person_id IS NULL)",
            name=op.f("ck_alert_channels_one_owner"),
        ),
        _foreign("alert_channels", "person_id", "people"),
        _foreign("alert_channels", "team_id", "teams"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_channels")),
    )
    op.create_index(op.f("ix_alert_channels_person_id"), "alert_channels", ["person_id"])
    op.create_index(op.f("ix_alert_channels_team_id"), "alert_channels", ["team_id"])
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("recipient", EMAIL, nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("status", CHOICE, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", MOMENT, nullable=False),
        sa.Column("last_error", TEXT, nullable=True),
        sa.Column("claimed_by", HOLDER, nullable=True),
        sa.Column("claimed_until", MOMENT, nullable=True),
        sa.Column("sent_at", MOMENT, nullable=True),
        _check("alert_deliveries", "status", DELIVERY_STATUSES),
        _foreign("alert_deliveries", "outbox_id", "alert_outbox"),
        _foreign("alert_deliveries", "channel_id", "alert_channels"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_deliveries")),
        sa.UniqueConstraint(
            "outbox_id", "recipient", "channel_id", name=op.f("uq_alert_deliveries_outbox_id_recipient_channel_id")
        ),
    )
    op.create_index(
        op.f("ix_alert_deliveries_status_next_attempt_at"), "alert_deliveries", ["status", "next_attempt_at"]
    )
    op.create_index(op.f("ix_alert_deliveries_channel_id"), "alert_deliveries", ["channel_id"])
    op.create_table(
        "alert_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", CHOICE, nullable=False),
        sa.Column("target", NAME, nullable=False),
        sa.Column("digest", CHOICE, nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        _check("alert_subscriptions", "kind", SUBSCRIPTION_KINDS),
        _check("alert_subscriptions", "digest", DIGESTS),
        _foreign("alert_subscriptions", "person_id", "people"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_subscriptions")),
        sa.UniqueConstraint("person_id", "kind", "target", name=op.f("uq_alert_subscriptions_person_id_kind_target")),
    )
    op.create_table(
        "alert_silences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_kind", CHOICE, nullable=False),
        sa.Column("subject", NAME, nullable=False),
        sa.Column("starts_at", MOMENT, nullable=False),
        sa.Column("ends_at", MOMENT, nullable=False),
        sa.Column("reason", TEXT, nullable=False),
        sa.Column("created_by", EMAIL, nullable=False),
        _check("alert_silences", "subject_kind", SILENCE_SUBJECTS),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_alert_silences_times")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_silences")),
    )
    op.create_index(op.f("ix_alert_silences_ends_at"), "alert_silences", ["ends_at"])
    op.create_table(
        "scheduler_leases",
        sa.Column("name", RULE, nullable=False),
        sa.Column("holder", HOLDER, nullable=False),
        sa.Column("acquired_at", MOMENT, nullable=False),
        sa.Column("expires_at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduler_leases")),
    )


def downgrade() -> None:
    op.drop_table("scheduler_leases")
    op.drop_table("alert_silences")
    op.drop_table("alert_subscriptions")
    op.drop_table("alert_deliveries")
    op.drop_table("alert_channels")
    op.drop_table("alert_outbox")
    op.drop_table("alert_evaluations")
    op.drop_table("alert_states")
