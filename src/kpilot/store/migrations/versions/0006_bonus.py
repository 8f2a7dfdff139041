"""Bonuses: runs and approvals, the append-only ledger, period locks, disputes and compensation (docs/store.md).

Revision ID: 0006
Revises: 0005

Money is kept in exact integer minor units (BigInteger) and working time in thousandths of full time. The ledger
is append-only: a trigger refuses every UPDATE and DELETE of its lines, on SQLite and PostgreSQL. A run or a person
with lines cannot be removed; approvals go with their run, compensation with its person.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None

# Written out rather than imported: a migration keeps the values it was written with.
RUN_STATUSES = ("draft", "review", "approved", "paid")
LINE_KINDS = ("earned", "adjustment", "paid")
DISPUTE_STATUSES = ("open", "accepted", "rejected")
MOMENT = sa.DateTime(timezone=True)
NAME = sa.String(128)
PERIOD = sa.String(32)
EMAIL = sa.String(320)
CURRENCY = sa.String(3)

SQLITE_TRIGGERS = (
    "CREATE TRIGGER bonus_lines_no_update BEFORE UPDATE ON bonus_lines"
    " BEGIN SELECT RAISE(ABORT, 'bonus_lines_append_only'); END",
    "CREATE TRIGGER bonus_lines_no_delete BEFORE DELETE ON bonus_lines"
    " BEGIN SELECT RAISE(ABORT, 'bonus_lines_append_only'); END",
)
POSTGRES_TRIGGERS = (
    "CREATE FUNCTION bonus_lines_append_only() RETURNS TRIGGER LANGUAGE PLPGSQL"
    " AS $$ BEGIN RAISE EXCEPTION 'bonus_lines_append_only'; END $$",
    "CREATE TRIGGER bonus_lines_append_only BEFORE UPDATE OR DELETE ON bonus_lines"
    " FOR EACH ROW EXECUTE FUNCTION bonus_lines_append_only()",
)


def _foreign(table: str, column: str, parent: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{parent}.id"], name=op.f(f"fk_{table}_{column}_{parent}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "bonus_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan", NAME, nullable=False),
        sa.Column("period", PERIOD, nullable=False),
        sa.Column("started_at", MOMENT, nullable=False),
        sa.Column("started_by", EMAIL, nullable=False),
        sa.Column("definitions_sha", sa.String(128), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("approvals_needed", sa.Integer(), nullable=False),
        sa.Column("changed_at", MOMENT, nullable=False),
        sa.Column("changed_by", EMAIL, nullable=False),
        sa.CheckConstraint(sa.column("status").in_(RUN_STATUSES), name=op.f("ck_bonus_runs_status")),
        sa.CheckConstraint(sa.column("approvals_needed").in_((1, 2)), name=op.f("ck_bonus_runs_approvals_needed")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bonus_runs")),
    )
    op.create_index(op.f("ix_bonus_runs_plan_period"), "bonus_runs", ["plan", "period"])
    op.create_table(
        "bonus_run_approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("approver", EMAIL, nullable=False),
        sa.Column("at", MOMENT, nullable=False),
        _foreign("bonus_run_approvals", "run_id", "bonus_runs", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bonus_run_approvals")),
        sa.UniqueConstraint("run_id", "approver", name=op.f("uq_bonus_run_approvals_run_id_approver")),
    )
    op.create_table(
        "bonus_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("plan", NAME, nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("period", PERIOD, nullable=False),
        sa.Column("posted_in", PERIOD, nullable=False),
        sa.Column("component", NAME, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", CURRENCY, nullable=False),
        sa.Column("reason_code", NAME, nullable=True),
        sa.Column("reason_values", sa.JSON(), nullable=True),
        sa.Column("before_minor", sa.BigInteger(), nullable=True),
        sa.Column("after_minor", sa.BigInteger(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.CheckConstraint(sa.column("kind").in_(LINE_KINDS), name=op.f("ck_bonus_lines_kind")),
        _foreign("bonus_lines", "run_id", "bonus_runs", "RESTRICT"),
        _foreign("bonus_lines", "person_id", "people", "RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bonus_lines")),
    )
    op.create_index(op.f("ix_bonus_lines_plan_person_id_period"), "bonus_lines", ["plan", "person_id", "period"])
    op.create_index(op.f("ix_bonus_lines_run_id"), "bonus_lines", ["run_id"])
    op.create_table(
        "bonus_locks",
        sa.Column("plan", NAME, nullable=False),
        sa.Column("period", PERIOD, nullable=False),
        sa.Column("locked_at", MOMENT, nullable=False),
        sa.Column("locked_by", EMAIL, nullable=False),
        sa.PrimaryKeyConstraint("plan", "period", name=op.f("pk_bonus_locks")),
    )
    op.create_table(
        "bonus_disputes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(2000), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("opened_at", MOMENT, nullable=False),
        sa.Column("resolved_at", MOMENT, nullable=True),
        sa.Column("resolved_by", EMAIL, nullable=True),
        sa.Column("resolution", sa.String(4000), nullable=True),
        sa.CheckConstraint(sa.column("status").in_(DISPUTE_STATUSES), name=op.f("ck_bonus_disputes_status")),
        _foreign("bonus_disputes", "line_id", "bonus_lines", "RESTRICT"),
        _foreign("bonus_disputes", "person_id", "people", "RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bonus_disputes")),
    )
    op.create_index(op.f("ix_bonus_disputes_line_id"), "bonus_disputes", ["line_id"])
    op.create_index(op.f("ix_bonus_disputes_person_id_status"), "bonus_disputes", ["person_id", "status"])
    op.create_table(
        "bonus_compensation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("base_pay_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", CURRENCY, nullable=False),
        sa.Column("fte_per_mille", sa.Integer(), nullable=False),
        sa.CheckConstraint("valid_to IS NULL OR valid_to > valid_from", name=op.f("ck_bonus_compensation_dates")),
        sa.CheckConstraint("fte_per_mille > 0 AND fte_per_mille <= 1000", name=op.f("ck_bonus_compensation_fte")),
        _foreign("bonus_compensation", "person_id", "people", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bonus_compensation")),
    )
    op.create_index(
        op.f("ix_bonus_compensation_person_id_valid_from"), "bonus_compensation", ["person_id", "valid_from"]
    )
    op.create_table(
        "bonus_leaves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.CheckConstraint("ends_on > starts_on", name=op.f("ck_bonus_leaves_dates")),
        _foreign("bonus_leaves", "person_id", "people", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bonus_leaves")),
    )
    op.create_index(op.f("ix_bonus_leaves_person_id_starts_on"), "bonus_leaves", ["person_id", "starts_on"])
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRES_TRIGGERS if postgres else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    op.drop_table("bonus_leaves")
    op.drop_table("bonus_compensation")
    op.drop_table("bonus_disputes")
    op.drop_table("bonus_locks")
    op.drop_table("bonus_lines")  # and its triggers with it
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION bonus_lines_append_only()")
    op.drop_table("bonus_run_approvals")
    op.drop_table("bonus_runs")
