"""revision_source: which amendments each merged revision came from

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "revision_source",
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("amendment_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["amendment_id"],
            ["amendment.id"],
            name=op.f("fk_revision_source_amendment_id_amendment"),
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"], ["revision.id"], name=op.f("fk_revision_source_revision_id_revision")
        ),
        sa.PrimaryKeyConstraint("revision_id", "amendment_id", name=op.f("pk_revision_source")),
    )


def downgrade() -> None:
    op.drop_table("revision_source")
