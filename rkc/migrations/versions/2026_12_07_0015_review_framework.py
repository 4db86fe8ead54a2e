"""review framework: proposals, concepts, components and their steps (issue 20)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

OUTCOMES = ("rkc", "guidelines", "other_instrument", "new_instrument", "no_action")
STATES = ("active", "split", "merged")
LINKS = ("split", "merge")


def _enum(name: str, values: tuple[str, ...], length: int = 20) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=length)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def _stamp(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "review_concept",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        _stamp("created_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_concept")),
        sa.UniqueConstraint("code", name=op.f("uq_review_concept_code")),
    )
    op.create_table(
        "review_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("concept_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.Column("organisation", sa.String(length=300), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("track", sa.String(length=1), nullable=False),
        _stamp("created_at"),
        _fk("review_proposal", "concept_id", "review_concept"),
        _fk("review_proposal", "party_id", "party"),
        _fk("review_proposal", "document_id", "review_document"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_proposal")),
    )
    op.create_index(op.f("ix_review_proposal_concept_id"), "review_proposal", ["concept_id"])
    op.create_index(op.f("ix_review_proposal_party_id"), "review_proposal", ["party_id"])
    op.create_table(
        "review_proposal_sponsor",
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        _fk("review_proposal_sponsor", "proposal_id", "review_proposal"),
        _fk("review_proposal_sponsor", "party_id", "party"),
        sa.PrimaryKeyConstraint("proposal_id", "party_id", name=op.f("pk_review_proposal_sponsor")),
    )
    op.create_table(
        "review_component",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("concept_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("state", _enum("componentstate", STATES), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("outcome", _enum("outcome", OUTCOMES), nullable=True),
        sa.Column("rkc_part", sa.String(length=20), nullable=False),
        sa.Column("qualified", sa.Boolean(), nullable=True),
        sa.Column("evaluation_meeting_id", sa.Integer(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.Column("decision_meeting_id", sa.Integer(), nullable=True),
        sa.Column("consultation_opens", sa.Date(), nullable=True),
        sa.Column("consultation_closes", sa.Date(), nullable=True),
        _stamp("created_at"),
        _fk("review_component", "proposal_id", "review_proposal"),
        _fk("review_component", "concept_id", "review_concept"),
        _fk("review_component", "evaluation_meeting_id", "review_meeting"),
        _fk("review_component", "decision_meeting_id", "review_meeting"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_component")),
    )
    op.create_index(op.f("ix_review_component_proposal_id"), "review_component", ["proposal_id"])
    op.create_index(op.f("ix_review_component_concept_id"), "review_component", ["concept_id"])
    op.create_table(
        "review_component_link",
        sa.Column("predecessor_id", sa.Integer(), nullable=False),
        sa.Column("successor_id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum("linkkind", LINKS), nullable=False),
        _stamp("recorded_at"),
        _fk("review_component_link", "predecessor_id", "review_component"),
        _fk("review_component_link", "successor_id", "review_component"),
        sa.PrimaryKeyConstraint(
            "predecessor_id", "successor_id", name=op.f("pk_review_component_link")
        ),
    )
    op.create_table(
        "review_step_move",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("component_id", sa.Integer(), nullable=False),
        sa.Column("from_step", sa.Integer(), nullable=False),
        sa.Column("to_step", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        _stamp("moved_at"),
        _fk("review_step_move", "component_id", "review_component"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_step_move")),
    )
    op.create_index(op.f("ix_review_step_move_component_id"), "review_step_move", ["component_id"])
    op.create_table(
        "review_criterion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_criterion")),
    )
    op.create_table(
        "review_evaluation",
        sa.Column("component_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("met", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        _fk("review_evaluation", "component_id", "review_component"),
        _fk("review_evaluation", "criterion_id", "review_criterion"),
        sa.PrimaryKeyConstraint("component_id", "criterion_id", name=op.f("pk_review_evaluation")),
    )
    op.create_table(
        "review_component_draft",
        sa.Column("component_id", sa.Integer(), nullable=False),
        sa.Column("amendment_id", sa.Integer(), nullable=False),
        _stamp("linked_at"),
        _fk("review_component_draft", "component_id", "review_component"),
        _fk("review_component_draft", "amendment_id", "amendment"),
        sa.PrimaryKeyConstraint(
            "component_id", "amendment_id", name=op.f("pk_review_component_draft")
        ),
    )
    op.create_table(
        "review_component_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("component_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        _stamp("created_at"),
        _fk("review_component_comment", "component_id", "review_component"),
        _fk("review_component_comment", "author_id", "user_account"),
        _fk("review_component_comment", "party_id", "party"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_component_comment")),
    )
    op.create_index(
        op.f("ix_review_component_comment_component_id"),
        "review_component_comment",
        ["component_id"],
    )


def downgrade() -> None:
    for table in (
        "review_component_comment",
        "review_component_draft",
        "review_evaluation",
        "review_criterion",
        "review_step_move",
        "review_component_link",
        "review_component",
        "review_proposal_sponsor",
        "review_proposal",
        "review_concept",
    ):
        op.drop_table(table)
