"""parties: instruments, acceptances, extensions, denunciations, reservations

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Dates are stored as ISO text at the precision known (YYYY, YYYY-MM or YYYY-MM-DD).
PARTIAL_DATE = sa.String(length=10)


def upgrade() -> None:
    op.create_table(
        "party_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "instrument",
                "acceptance",
                "extension",
                "denunciation",
                name="eventkind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("event_on", PARTIAL_DATE, nullable=True),
        sa.Column(
            "instrument",
            sa.Enum(
                "signature",
                "ratification",
                "acceptance",
                "approval",
                "accession",
                name="instrumentkind",
                native_enum=False,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("node_id", sa.Integer(), nullable=True),
        sa.Column("months", sa.Integer(), nullable=True),
        sa.Column("in_force_on", PARTIAL_DATE, nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["node_id"], ["node.id"], name=op.f("fk_party_event_node_id_node")),
        sa.ForeignKeyConstraint(
            ["party_id"], ["party.id"], name=op.f("fk_party_event_party_id_party")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_party_event")),
    )
    with op.batch_alter_table("party_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_party_event_node_id"), ["node_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_party_event_party_id"), ["party_id"], unique=False)

    op.create_table(
        "reservation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("entered_on", PARTIAL_DATE, nullable=False),
        sa.Column("withdrawn_on", PARTIAL_DATE, nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["node_id"], ["node.id"], name=op.f("fk_reservation_node_id_node")),
        sa.ForeignKeyConstraint(
            ["party_id"], ["party.id"], name=op.f("fk_reservation_party_id_party")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reservation")),
    )
    with op.batch_alter_table("reservation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reservation_node_id"), ["node_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reservation_party_id"), ["party_id"], unique=False)

    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_wco_member", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("party", schema=None) as batch_op:
        batch_op.drop_column("is_wco_member")

    with op.batch_alter_table("reservation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reservation_party_id"))
        batch_op.drop_index(batch_op.f("ix_reservation_node_id"))
    op.drop_table("reservation")

    with op.batch_alter_table("party_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_party_event_party_id"))
        batch_op.drop_index(batch_op.f("ix_party_event_node_id"))
    op.drop_table("party_event")
