"""register: the party register's precision and the procedure's periods

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

- ``party.chapters_known`` / ``party.chapters_source``: a known "no chapter accepted" apart
  from "not known";
- ``party_event.requested_on``: when an extension was asked for (art. 13(4)(a));
- ``recommendation.in_force_months``: entry into force as a period after deemed acceptance.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("party") as batch:
        batch.add_column(
            sa.Column("chapters_known", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("chapters_source", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("party_event") as batch:
        batch.add_column(sa.Column("requested_on", sa.String(length=10), nullable=True))
    with op.batch_alter_table("recommendation") as batch:
        batch.add_column(sa.Column("in_force_months", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("recommendation") as batch:
        batch.drop_column("in_force_months")
    with op.batch_alter_table("party_event") as batch:
        batch.drop_column("requested_on")
    with op.batch_alter_table("party") as batch:
        batch.drop_column("chapters_source")
        batch.drop_column("chapters_known")
