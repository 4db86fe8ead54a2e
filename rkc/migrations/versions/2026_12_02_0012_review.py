"""review: bodies, meetings, agenda items and the document register

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

MODES = ("in_person", "virtual", "hybrid")
STATUSES = ("planned", "convened", "closed")
PURPOSES = ("decision", "guidance", "information")
KINDS = ("original", "addendum", "corrigendum")
LEVELS = ("public", "parties_and_observers", "parties", "secretariat")


def _enum(name: str, values: tuple[str, ...], length: int = 20) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=length)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        "review_body",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("series", sa.String(length=10), nullable=False),
        sa.Column("symbol_pattern", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_body")),
        sa.UniqueConstraint("code", name=op.f("uq_review_body_code")),
    )
    op.create_table(
        "review_meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("mode", _enum("meetingmode", MODES), nullable=False),
        sa.Column("languages", sa.String(length=40), nullable=False),
        sa.Column("venue", sa.String(length=300), nullable=False),
        sa.Column("status", _enum("meetingstatus", STATUSES), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("review_meeting", "body_id", "review_body"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_meeting")),
        sa.UniqueConstraint("body_id", "number", name=op.f("uq_review_meeting_number")),
    )
    op.create_index(op.f("ix_review_meeting_body_id"), "review_meeting", ["body_id"])
    op.create_table(
        "review_agenda_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("purpose", _enum("purpose", PURPOSES), nullable=False),
        _fk("review_agenda_item", "meeting_id", "review_meeting"),
        _fk("review_agenda_item", "parent_id", "review_agenda_item"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_agenda_item")),
    )
    op.create_index(op.f("ix_review_agenda_item_meeting_id"), "review_agenda_item", ["meeting_id"])
    op.create_index(op.f("ix_review_agenda_item_parent_id"), "review_agenda_item", ["parent_id"])
    op.create_table(
        "review_symbol_counter",
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("series", sa.String(length=10), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        _fk("review_symbol_counter", "body_id", "review_body"),
        sa.PrimaryKeyConstraint("body_id", "series", name=op.f("pk_review_symbol_counter")),
    )
    op.create_table(
        "review_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("agenda_item_id", sa.Integer(), nullable=True),
        sa.Column("series", sa.String(length=10), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("symbol", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("kind", _enum("documentkind", KINDS), nullable=False),
        sa.Column("level", _enum("documentlevel", LEVELS, 30), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("superseded_by_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("mimetype", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("review_document", "body_id", "review_body"),
        _fk("review_document", "meeting_id", "review_meeting"),
        _fk("review_document", "agenda_item_id", "review_agenda_item"),
        _fk("review_document", "parent_id", "review_document"),
        _fk("review_document", "superseded_by_id", "review_document"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_document")),
        sa.UniqueConstraint("symbol", name=op.f("uq_review_document_symbol")),
        sa.UniqueConstraint(
            "body_id",
            "series",
            "number",
            "language",
            "version",
            name=op.f("uq_review_document_number"),
        ),
    )
    op.create_index(op.f("ix_review_document_body_id"), "review_document", ["body_id"])
    op.create_index(op.f("ix_review_document_meeting_id"), "review_document", ["meeting_id"])
    op.create_index(op.f("ix_review_document_parent_id"), "review_document", ["parent_id"])


def downgrade() -> None:
    op.drop_table("review_document")
    op.drop_table("review_symbol_counter")
    op.drop_table("review_agenda_item")
    op.drop_table("review_meeting")
    op.drop_table("review_body")
