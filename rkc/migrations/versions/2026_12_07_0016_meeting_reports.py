"""meeting reports and the meetings an amendment's steps cite (issue 20)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

REPORT_STATUSES = ("draft", "adopted")


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "review_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(*REPORT_STATUSES, name="reportstatus", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("revision", sa.Integer(), nullable=False),
        _when("updated_at"),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        _when("adopted_at", nullable=True),
        sa.Column("adopted_by_id", sa.Integer(), nullable=True),
        _fk("review_report", "meeting_id", "review_meeting"),
        _fk("review_report", "updated_by_id", "user_account"),
        _fk("review_report", "adopted_by_id", "user_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_report")),
        sa.UniqueConstraint("meeting_id", name=op.f("uq_review_report_meeting_id")),
    )
    op.create_table(
        "review_report_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _fk("review_report_entry", "report_id", "review_report"),
        _fk("review_report_entry", "agenda_item_id", "review_agenda_item"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_report_entry")),
        sa.UniqueConstraint(
            "report_id", "agenda_item_id", name=op.f("uq_review_report_entry_item")
        ),
    )
    op.create_index(op.f("ix_review_report_entry_report_id"), "review_report_entry", ["report_id"])
    op.create_table(
        "review_report_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("amendment_id", sa.Integer(), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        _fk("review_report_link", "entry_id", "review_report_entry"),
        _fk("review_report_link", "amendment_id", "amendment"),
        _fk("review_report_link", "document_id", "review_document"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_report_link")),
    )
    op.create_index(op.f("ix_review_report_link_entry_id"), "review_report_link", ["entry_id"])
    op.create_table(
        "review_report_corrigendum",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        _when("made_at"),
        sa.Column("made_by_id", sa.Integer(), nullable=True),
        _fk("review_report_corrigendum", "report_id", "review_report"),
        _fk("review_report_corrigendum", "agenda_item_id", "review_agenda_item"),
        _fk("review_report_corrigendum", "made_by_id", "user_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_report_corrigendum")),
        sa.UniqueConstraint(
            "report_id", "number", name=op.f("uq_review_report_corrigendum_number")
        ),
    )
    op.create_index(
        op.f("ix_review_report_corrigendum_report_id"), "review_report_corrigendum", ["report_id"]
    )
    op.create_table(
        "review_amendment_citation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transition_id", sa.Integer(), nullable=False),
        sa.Column("amendment_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=True),
        _fk("review_amendment_citation", "transition_id", "amendment_transition"),
        _fk("review_amendment_citation", "amendment_id", "amendment"),
        _fk("review_amendment_citation", "meeting_id", "review_meeting"),
        _fk("review_amendment_citation", "agenda_item_id", "review_agenda_item"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_amendment_citation")),
        sa.UniqueConstraint(
            "transition_id", name=op.f("uq_review_amendment_citation_transition_id")
        ),
    )
    op.create_index(
        op.f("ix_review_amendment_citation_amendment_id"),
        "review_amendment_citation",
        ["amendment_id"],
    )
    op.create_index(
        op.f("ix_review_amendment_citation_meeting_id"),
        "review_amendment_citation",
        ["meeting_id"],
    )


def downgrade() -> None:
    op.drop_table("review_amendment_citation")
    op.drop_table("review_report_corrigendum")
    op.drop_table("review_report_link")
    op.drop_table("review_report_entry")
    op.drop_table("review_report")
