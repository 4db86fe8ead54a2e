"""amendment languages: an amendment's text per language with its translation status

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02

Existing amendments were all written in English: each gets its English version (the original,
checked) and, where its draft holds French, a French version to translate (a deletion has no
words to translate: its French version is checked as well).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

STATUSES = ("to_translate", "translated", "checked")


def _status() -> sa.Enum:
    return sa.Enum(*STATUSES, name="translationstatus", native_enum=False, length=20)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    with op.batch_alter_table("amendment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=8), server_default="en", nullable=False)
        )
    op.create_table(
        "amendment_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("amendment_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("base_revision_id", sa.Integer(), nullable=True),
        sa.Column("proposed_text", sa.Text(), nullable=False),
        sa.Column("proposed_title", sa.Text(), nullable=True),
        sa.Column("status", _status(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("translated_by_id", sa.Integer(), nullable=True),
        sa.Column("translated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_by_id", sa.Integer(), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("has_conflict", sa.Boolean(), nullable=False),
        sa.Column("conflict_revision_id", sa.Integer(), nullable=True),
        sa.Column("conflict_detail", sa.Text(), nullable=False),
        _fk("amendment_version", "amendment_id", "amendment"),
        _fk("amendment_version", "base_revision_id", "revision"),
        _fk("amendment_version", "translated_by_id", "user_account"),
        _fk("amendment_version", "checked_by_id", "user_account"),
        _fk("amendment_version", "conflict_revision_id", "revision"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amendment_version")),
        sa.UniqueConstraint(
            "amendment_id", "language", name=op.f("uq_amendment_version_amendment_id")
        ),
    )
    with op.batch_alter_table("amendment_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_amendment_version_amendment_id"), ["amendment_id"], unique=False
        )
    op.create_table(
        "amendment_version_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("status", _status(), nullable=False),
        sa.Column("base_revision_id", sa.Integer(), nullable=True),
        sa.Column("proposed_text", sa.Text(), nullable=False),
        sa.Column("proposed_title", sa.Text(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("amendment_version_revision", "version_id", "amendment_version"),
        _fk("amendment_version_revision", "base_revision_id", "revision"),
        _fk("amendment_version_revision", "author_id", "user_account"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amendment_version_revision")),
        sa.UniqueConstraint(
            "version_id", "seq", name=op.f("uq_amendment_version_revision_version_id")
        ),
    )
    with op.batch_alter_table("amendment_version_revision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_amendment_version_revision_version_id"), ["version_id"], unique=False
        )
    _backfill()


def _backfill() -> None:
    op.execute(
        "INSERT INTO amendment_version (amendment_id, language, base_revision_id, proposed_text,"
        " proposed_title, status, seq, translated_by_id, translated_at, has_conflict,"
        " conflict_revision_id, conflict_detail)"
        " SELECT id, 'en', base_revision_id, proposed_text, proposed_title, 'checked', 1,"
        " delegate_id, created_at, has_conflict, conflict_revision_id, conflict_detail"
        " FROM amendment"
    )
    op.execute(
        "INSERT INTO amendment_version (amendment_id, language, base_revision_id, proposed_text,"
        " proposed_title, status, seq, has_conflict, conflict_detail)"
        " SELECT a.id, 'fr', e.revision_id, '', NULL,"
        " CASE WHEN a.action = 'delete' THEN 'checked' ELSE 'to_translate' END, 1, false, ''"
        " FROM amendment a LEFT JOIN edition_entry e ON e.edition_id = a.edition_id"
        " AND e.node_id = a.node_id AND e.language = 'fr'"
        " WHERE EXISTS (SELECT 1 FROM edition_entry x WHERE x.edition_id = a.edition_id"
        " AND x.language = 'fr')"
    )
    op.execute(
        "INSERT INTO amendment_version_revision (version_id, seq, origin, status,"
        " base_revision_id, proposed_text, proposed_title, author_id, note, created_at)"
        " SELECT id, 1, 'proposal', status, base_revision_id, proposed_text, proposed_title,"
        " translated_by_id, 'Recorded when amendments became bilingual.', CURRENT_TIMESTAMP"
        " FROM amendment_version"
    )


def downgrade() -> None:
    with op.batch_alter_table("amendment_version_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_amendment_version_revision_version_id"))
    op.drop_table("amendment_version_revision")
    with op.batch_alter_table("amendment_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_amendment_version_amendment_id"))
    op.drop_table("amendment_version")
    with op.batch_alter_table("amendment", schema=None) as batch_op:
        batch_op.drop_column("language")
