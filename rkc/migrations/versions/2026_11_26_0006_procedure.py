"""procedure: recommendations and party responses

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

PROCEDURES = ("body", "annex", "recommended_practice", "guidelines")
STATUSES = ("pending", "deemed_accepted", "in_force", "failed")
RESPONSES = ("acceptance", "objection", "conditions_not_met", "reservation")


def _enum(name: str, values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=24)


def upgrade() -> None:
    op.create_table(
        "recommendation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("procedure", _enum("procedure", PROCEDURES), nullable=False),
        sa.Column("session", sa.String(length=300), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("communicated_on", sa.Date(), nullable=False),
        sa.Column("set_in_force_on", sa.Date(), nullable=True),
        sa.Column("parties_present", sa.Text(), nullable=False),
        sa.Column("chapter_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", _enum("status", STATUSES), nullable=False),
        sa.Column("deemed_accepted_on", sa.Date(), nullable=True),
        sa.Column("in_force_on", sa.Date(), nullable=True),
        sa.Column("failed_because", sa.Text(), nullable=False),
        sa.Column("evaluated_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["chapter_id"], ["node.id"], name=op.f("fk_recommendation_chapter_id_node")
        ),
        sa.ForeignKeyConstraint(
            ["edition_id"], ["edition.id"], name=op.f("fk_recommendation_edition_id_edition")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendation")),
        sa.UniqueConstraint("edition_id", name=op.f("uq_recommendation_edition_id")),
    )
    op.create_table(
        "recommendation_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum("responsekind", RESPONSES), nullable=False),
        sa.Column("responded_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["party_id"], ["party.id"], name=op.f("fk_recommendation_response_party_id_party")
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendation.id"],
            name=op.f("fk_recommendation_response_recommendation_id_recommendation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendation_response")),
        sa.UniqueConstraint(
            "recommendation_id",
            "party_id",
            "kind",
            name=op.f("uq_recommendation_response_recommendation_id"),
        ),
    )
    op.create_index(
        op.f("ix_recommendation_response_recommendation_id"),
        "recommendation_response",
        ["recommendation_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_recommendation_response_recommendation_id"), table_name="recommendation_response"
    )
    op.drop_table("recommendation_response")
    op.drop_table("recommendation")
