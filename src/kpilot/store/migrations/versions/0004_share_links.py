"""Share links: read-only links to a KPI or a board, with locked filters, an expiry and a revocation.

Revision ID: 0004
Revises: 0003

The link given out is the row's id signed with the server's secret (kpilot.services.sharing); the row holds what it
shows (`kind` and `target`), the filters it locks, who made it, when, until when it works and when it was revoked.
A link goes with its account.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None

# Written out rather than imported: a migration keeps the values it was written with.
KINDS = ("kpi", "board")
MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "share_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("target", sa.String(500), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("expires_at", MOMENT, nullable=False),
        sa.Column("revoked_at", MOMENT, nullable=True),
        sa.CheckConstraint(sa.column("kind").in_(KINDS), name=op.f("ck_share_links_kind")),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_share_links_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_links")),
    )
    op.create_index(op.f("ix_share_links_account_id"), "share_links", ["account_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_share_links_account_id"), table_name="share_links")
    op.drop_table("share_links")
