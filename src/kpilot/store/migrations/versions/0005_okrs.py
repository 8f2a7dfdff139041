"""OKRs: cycles, objectives, key results, alignment links, milestones, check-ins and initiatives (docs/okrs.md).

Revision ID: 0005
Revises: 0004

Numbers are kept as decimal text, read back exactly. Objectives go with their cycle, key results with their
objective, and links, milestones, check-ins and initiatives with what they belong to; a person or team that owns
an objective cannot be removed while it does.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None

# Written out rather than imported: a migration keeps the values it was written with.
CYCLE_STATES = ("draft", "open", "closed")
ROLLUPS = ("weighted_mean", "minimum")
LEVELS = ("company", "department", "team", "person")
KEY_RESULT_KINDS = ("kpi", "number", "milestone", "milestones")
DIRECTIONS = ("increase", "decrease", "stay_above", "stay_below", "stay_within")
INITIATIVE_STATES = ("planned", "active", "done", "dropped")
MOMENT = sa.DateTime(timezone=True)
NUMBER = sa.String(64)


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _foreign(table: str, column: str, parent: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{parent}.id"], name=op.f(f"fk_{table}_{column}_{parent}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "okr_cycles",
        _id(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("period", sa.String(32), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("rollup", sa.String(16), nullable=False),
        sa.Column("green", NUMBER, nullable=False),
        sa.Column("yellow", NUMBER, nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("closed_at", MOMENT, nullable=True),
        sa.CheckConstraint(sa.column("state").in_(CYCLE_STATES), name=op.f("ck_okr_cycles_state")),
        sa.CheckConstraint(sa.column("rollup").in_(ROLLUPS), name=op.f("ck_okr_cycles_rollup")),
        sa.CheckConstraint("ends_on > starts_on", name=op.f("ck_okr_cycles_dates")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_okr_cycles")),
        sa.UniqueConstraint("name", name=op.f("uq_okr_cycles_name")),
    )
    op.create_table(
        "okr_objectives",
        _id(),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("description", sa.String(4000), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("owner_person_id", sa.Integer(), nullable=True),
        sa.Column("owner_team_id", sa.Integer(), nullable=True),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.CheckConstraint(sa.column("level").in_(LEVELS), name=op.f("ck_okr_objectives_level")),
        sa.CheckConstraint(
            "(owner_person_id IS NULL) <> (owner_team_id IS NULL)", name=op.f("ck_okr_objectives_one_owner")
        ),
        _foreign("okr_objectives", "cycle_id", "okr_cycles", "CASCADE"),
        _foreign("okr_objectives", "owner_person_id", "people", "RESTRICT"),
        _foreign("okr_objectives", "owner_team_id", "teams", "RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_okr_objectives")),
    )
    for column in ("cycle_id", "owner_person_id", "owner_team_id"):
        op.create_index(op.f(f"ix_okr_objectives_{column}"), "okr_objectives", [column])
    op.create_table(
        "okr_key_results",
        _id(),
        sa.Column("objective_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("kpi", sa.String(128), nullable=True),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("direction", sa.String(16), nullable=True),
        *(sa.Column(name, NUMBER, nullable=True) for name in ("baseline", "target", "stretch", "upper")),
        sa.Column("unit", sa.String(64), nullable=True),
        sa.Column("weight", NUMBER, nullable=False),
        sa.Column("final_value", NUMBER, nullable=True),
        sa.Column("final_progress", NUMBER, nullable=True),
        sa.CheckConstraint(sa.column("kind").in_(KEY_RESULT_KINDS), name=op.f("ck_okr_key_results_kind")),
        sa.CheckConstraint(sa.column("direction").in_(DIRECTIONS), name=op.f("ck_okr_key_results_direction")),
        _foreign("okr_key_results", "objective_id", "okr_objectives", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_okr_key_results")),
        sa.UniqueConstraint("objective_id", "position", name=op.f("uq_okr_key_results_objective_id_position")),
    )
    op.create_index(op.f("ix_okr_key_results_objective_id"), "okr_key_results", ["objective_id"])
    op.create_table(
        "okr_alignments",
        _id(),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("parent_objective_id", sa.Integer(), nullable=True),
        sa.Column("parent_key_result_id", sa.Integer(), nullable=True),
        sa.Column("weight", NUMBER, nullable=False),
        sa.CheckConstraint(
            "(parent_objective_id IS NULL) <> (parent_key_result_id IS NULL)", name=op.f("ck_okr_alignments_one_parent")
        ),
        _foreign("okr_alignments", "child_id", "okr_objectives", "CASCADE"),
        _foreign("okr_alignments", "parent_objective_id", "okr_objectives", "CASCADE"),
        _foreign("okr_alignments", "parent_key_result_id", "okr_key_results", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_okr_alignments")),
        sa.UniqueConstraint(
            "child_id",
            "parent_objective_id",
            "parent_key_result_id",
            name=op.f("uq_okr_alignments_link"),
        ),
    )
    for column in ("child_id", "parent_objective_id", "parent_key_result_id"):
        op.create_index(op.f(f"ix_okr_alignments_{column}"), "okr_alignments", [column])
    op.create_table(
        "okr_milestones",
        _id(),
        sa.Column("key_result_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        _foreign("okr_milestones", "key_result_id", "okr_key_results", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_okr_milestones")),
        sa.UniqueConstraint("key_result_id", "position", name=op.f("uq_okr_milestones_key_result_id_position")),
    )
    op.create_index(op.f("ix_okr_milestones_key_result_id"), "okr_milestones", ["key_result_id"])
    op.create_table(
        "okr_check_ins",
        _id(),
        sa.Column("key_result_id", sa.Integer(), nullable=False),
        sa.Column("at", MOMENT, nullable=False),
        sa.Column("author_account_id", sa.Integer(), nullable=True),
        sa.Column("author_email", sa.String(320), nullable=True),
        sa.Column("value", NUMBER, nullable=True),
        sa.Column("done", sa.JSON(), nullable=True),
        sa.Column("confidence", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(4000), nullable=False),
        sa.Column("correction", sa.Boolean(), nullable=False),
        sa.CheckConstraint(sa.column("confidence").between(0, 10), name=op.f("ck_okr_check_ins_confidence")),
        _foreign("okr_check_ins", "key_result_id", "okr_key_results", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_okr_check_ins")),
    )
    op.create_index(op.f("ix_okr_check_ins_key_result_id_at"), "okr_check_ins", ["key_result_id", "at"])
    op.create_table(
        "okr_initiatives",
        _id(),
        sa.Column("key_result_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("link", sa.String(1000), nullable=True),
        sa.CheckConstraint(sa.column("state").in_(INITIATIVE_STATES), name=op.f("ck_okr_initiatives_state")),
        _foreign("okr_initiatives", "key_result_id", "okr_key_results", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_okr_initiatives")),
    )
    op.create_index(op.f("ix_okr_initiatives_key_result_id"), "okr_initiatives", ["key_result_id"])


def downgrade() -> None:
    for table in ("okr_initiatives", "okr_check_ins", "okr_milestones", "okr_alignments", "okr_key_results"):
        op.drop_table(table)
    op.drop_table("okr_objectives")
    op.drop_table("okr_cycles")
