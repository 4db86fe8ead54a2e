"""amendments: proposals, their versions and transitions, sponsors, positions, comments, readers

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "amendment_reader",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_amendment_reader_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_amendment_reader")),
    )
    op.create_table(
        "amendment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column(
            "action",
            sa.Enum(
                "modify",
                "insert",
                "delete",
                "heading",
                name="amendmentaction",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("node_id", sa.Integer(), nullable=True),
        sa.Column("parent_node_id", sa.Integer(), nullable=True),
        sa.Column("after_node_id", sa.Integer(), nullable=True),
        sa.Column("base_revision_id", sa.Integer(), nullable=True),
        sa.Column("proposed_text", sa.Text(), nullable=False),
        sa.Column("proposed_title", sa.Text(), nullable=True),
        sa.Column("proposed_number", sa.String(length=40), nullable=True),
        sa.Column("proposed_kind", sa.String(length=40), nullable=True),
        sa.Column("proposed_key", sa.String(length=200), nullable=True),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("concept", sa.String(length=120), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("delegate_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=True),
        sa.Column("number", sa.String(length=20), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "tabled",
                "under_discussion",
                "agreed",
                "not_agreed",
                "withdrawn",
                "superseded",
                "merged",
                name="amendmentstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("latest_seq", sa.Integer(), nullable=False),
        sa.Column("has_conflict", sa.Boolean(), nullable=False),
        sa.Column("conflict_revision_id", sa.Integer(), nullable=True),
        sa.Column("conflict_detail", sa.Text(), nullable=False),
        sa.Column("superseded_by_id", sa.Integer(), nullable=True),
        sa.Column("merged_revision_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("activity_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["after_node_id"], ["node.id"], name=op.f("fk_amendment_after_node_id_node")
        ),
        sa.ForeignKeyConstraint(
            ["base_revision_id"],
            ["revision.id"],
            name=op.f("fk_amendment_base_revision_id_revision"),
        ),
        sa.ForeignKeyConstraint(
            ["conflict_revision_id"],
            ["revision.id"],
            name=op.f("fk_amendment_conflict_revision_id_revision"),
        ),
        sa.ForeignKeyConstraint(
            ["delegate_id"], ["user_account.id"], name=op.f("fk_amendment_delegate_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["edition_id"], ["edition.id"], name=op.f("fk_amendment_edition_id_edition")
        ),
        sa.ForeignKeyConstraint(
            ["merged_revision_id"],
            ["revision.id"],
            name=op.f("fk_amendment_merged_revision_id_revision"),
        ),
        sa.ForeignKeyConstraint(["node_id"], ["node.id"], name=op.f("fk_amendment_node_id_node")),
        sa.ForeignKeyConstraint(
            ["parent_node_id"], ["node.id"], name=op.f("fk_amendment_parent_node_id_node")
        ),
        sa.ForeignKeyConstraint(
            ["party_id"], ["party.id"], name=op.f("fk_amendment_party_id_party")
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by_id"],
            ["amendment.id"],
            name=op.f("fk_amendment_superseded_by_id_amendment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amendment")),
        sa.UniqueConstraint("edition_id", "sequence", name=op.f("uq_amendment_edition_id")),
    )
    with op.batch_alter_table("amendment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_amendment_activity_at"), ["activity_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_amendment_concept"), ["concept"], unique=False)
        batch_op.create_index("ix_amendment_edition_status", ["edition_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_amendment_node_id"), ["node_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_amendment_parent_node_id"), ["parent_node_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_amendment_party_id"), ["party_id"], unique=False)

    op.create_table(
        "amendment_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("amendment_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["amendment_id"],
            ["amendment.id"],
            name=op.f("fk_amendment_comment_amendment_id_amendment"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_amendment_comment_author_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["party_id"], ["party.id"], name=op.f("fk_amendment_comment_party_id_party")
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"],
            ["user_account.id"],
            name=op.f("fk_amendment_comment_resolved_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["amendment_comment.id"],
            name=op.f("fk_amendment_comment_thread_id_amendment_comment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amendment_comment")),
    )
    with op.batch_alter_table("amendment_comment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_amendment_comment_amendment_id"), ["amendment_id"], unique=False
        )

    op.create_table(
        "amendment_position",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("amendment_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column(
            "stance",
            sa.Enum(
                "support",
                "no_objection",
                "reservation",
                "objection",
                name="stance",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("on_seq", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["amendment_id"],
            ["amendment.id"],
            name=op.f("fk_amendment_position_amendment_id_amendment"),
        ),
        sa.ForeignKeyConstraint(
            ["party_id"], ["party.id"], name=op.f("fk_amendment_position_party_id_party")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_amendment_position_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amendment_position")),
        sa.UniqueConstraint(
            "amendment_id", "party_id", name=op.f("uq_amendment_position_amendment_id")
        ),
    )
    with op.batch_alter_table("amendment_position", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_amendment_position_amendment_id"), ["amendment_id"], unique=False
        )

    op.create_table(
        "amendment_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("amendment_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("base_revision_id", sa.Integer(), nullable=True),
        sa.Column("proposed_text", sa.Text(), nullable=False),
        sa.Column("proposed_title", sa.Text(), nullable=True),
        sa.Column("proposed_number", sa.String(length=40), nullable=True),
        sa.Column("proposed_kind", sa.String(length=40), nullable=True),
        sa.Column("proposed_key", sa.String(length=200), nullable=True),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("concept", sa.String(length=120), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["amendment_id"],
            ["amendment.id"],
            name=op.f("fk_amendment_revision_amendment_id_amendment"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user_account.id"],
            name=op.f("fk_amendment_revision_author_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["base_revision_id"],
            ["revision.id"],
            name=op.f("fk_amendment_revision_base_revision_id_revision"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amendment_revision")),
        sa.UniqueConstraint("amendment_id", "seq", name=op.f("uq_amendment_revision_amendment_id")),
    )
    with op.batch_alter_table("amendment_revision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_amendment_revision_amendment_id"), ["amendment_id"], unique=False
        )

    op.create_table(
        "amendment_sponsor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("amendment_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "requested",
                "confirmed",
                "declined",
                name="sponsorstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["amendment_id"],
            ["amendment.id"],
            name=op.f("fk_amendment_sponsor_amendment_id_amendment"),
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["user_account.id"],
            name=op.f("fk_amendment_sponsor_answered_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["party_id"], ["party.id"], name=op.f("fk_amendment_sponsor_party_id_party")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["user_account.id"],
            name=op.f("fk_amendment_sponsor_requested_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amendment_sponsor")),
        sa.UniqueConstraint(
            "amendment_id", "party_id", name=op.f("uq_amendment_sponsor_amendment_id")
        ),
    )
    with op.batch_alter_table("amendment_sponsor", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_amendment_sponsor_amendment_id"), ["amendment_id"], unique=False
        )

    op.create_table(
        "amendment_transition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("amendment_id", sa.Integer(), nullable=False),
        sa.Column(
            "from_status",
            sa.Enum(
                "draft",
                "tabled",
                "under_discussion",
                "agreed",
                "not_agreed",
                "withdrawn",
                "superseded",
                "merged",
                name="amendmentstatus",
                native_enum=False,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column(
            "to_status",
            sa.Enum(
                "draft",
                "tabled",
                "under_discussion",
                "agreed",
                "not_agreed",
                "withdrawn",
                "superseded",
                "merged",
                name="amendmentstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["amendment_id"],
            ["amendment.id"],
            name=op.f("fk_amendment_transition_amendment_id_amendment"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_amendment_transition_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amendment_transition")),
    )
    with op.batch_alter_table("amendment_transition", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_amendment_transition_amendment_id"), ["amendment_id"], unique=False
        )

    op.create_table(
        "amendment_position_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position_id", sa.Integer(), nullable=False),
        sa.Column(
            "stance",
            sa.Enum(
                "support",
                "no_objection",
                "reservation",
                "objection",
                name="stance",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("on_seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["position_id"],
            ["amendment_position.id"],
            name=op.f("fk_amendment_position_change_position_id_amendment_position"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_amendment_position_change_user_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amendment_position_change")),
    )
    with op.batch_alter_table("amendment_position_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_amendment_position_change_position_id"), ["position_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("amendment_position_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_amendment_position_change_position_id"))

    op.drop_table("amendment_position_change")
    with op.batch_alter_table("amendment_transition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_amendment_transition_amendment_id"))

    op.drop_table("amendment_transition")
    with op.batch_alter_table("amendment_sponsor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_amendment_sponsor_amendment_id"))

    op.drop_table("amendment_sponsor")
    with op.batch_alter_table("amendment_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_amendment_revision_amendment_id"))

    op.drop_table("amendment_revision")
    with op.batch_alter_table("amendment_position", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_amendment_position_amendment_id"))

    op.drop_table("amendment_position")
    with op.batch_alter_table("amendment_comment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_amendment_comment_amendment_id"))

    op.drop_table("amendment_comment")
    with op.batch_alter_table("amendment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_amendment_party_id"))
        batch_op.drop_index(batch_op.f("ix_amendment_parent_node_id"))
        batch_op.drop_index(batch_op.f("ix_amendment_node_id"))
        batch_op.drop_index("ix_amendment_edition_status")
        batch_op.drop_index(batch_op.f("ix_amendment_concept"))
        batch_op.drop_index(batch_op.f("ix_amendment_activity_at"))

    op.drop_table("amendment")
    op.drop_table("amendment_reader")
