"""The organisation: people, teams, memberships with effective dates, and the scopes of people and teams.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("email_key", sa.String(320), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("language IN ('en', 'it', 'pl', 'zh')", name=op.f("ck_people_language")),
        sa.CheckConstraint("manager_id IS NULL OR manager_id <> id", name=op.f("ck_people_not_own_manager")),
        sa.ForeignKeyConstraint(
            ["manager_id"], ["people.id"], name=op.f("fk_people_manager_id_people"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint("email_key", name=op.f("uq_people_email_key")),
    )
    op.create_index(op.f("ix_people_manager_id"), "people", ["manager_id"])
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('company', 'department', 'team')", name=op.f("ck_teams_kind")),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["teams.id"], name=op.f("fk_teams_parent_id_teams"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
        sa.UniqueConstraint("name", name=op.f("uq_teams_name")),
    )
    op.create_index(op.f("ix_teams_parent_id"), "teams", ["parent_id"])
    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.CheckConstraint("valid_to IS NULL OR valid_to > valid_from", name=op.f("ck_memberships_dates")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_memberships_person_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_memberships_team_id_teams"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memberships")),
    )
    op.create_index(op.f("ix_memberships_person_id_valid_from"), "memberships", ["person_id", "valid_from"])
    op.create_index(op.f("ix_memberships_team_id_valid_from"), "memberships", ["team_id", "valid_from"])
    op.create_table(
        "person_scopes",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(128), nullable=False),
        sa.Column("value", sa.String(500), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_person_scopes_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("person_id", "dimension", name=op.f("pk_person_scopes")),
    )
    op.create_table(
        "team_scopes",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(128), nullable=False),
        sa.Column("value", sa.String(500), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_team_scopes_team_id_teams"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("team_id", "dimension", name=op.f("pk_team_scopes")),
    )


def downgrade() -> None:
    op.drop_table("team_scopes")
    op.drop_table("person_scopes")
    op.drop_index(op.f("ix_memberships_team_id_valid_from"), table_name="memberships")
    op.drop_index(op.f("ix_memberships_person_id_valid_from"), table_name="memberships")
    op.drop_table("memberships")
    op.drop_index(op.f("ix_teams_parent_id"), table_name="teams")
    op.drop_table("teams")
    op.drop_index(op.f("ix_people_manager_id"), table_name="people")
    op.drop_table("people")
