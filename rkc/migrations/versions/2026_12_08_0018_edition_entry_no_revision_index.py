"""edition_entry loses its index on revision_id (issue 17, growth)

Opening a working draft copies the whole manifest of the edition it starts from. Each copied
row went into every index of edition_entry; the two keyed by the edition first take the new
rows at their end, but the one on revision_id takes one row in the run of each revision, all
over an index as large as every manifest together. On a store ten times the corpus (200
editions) that was nine tenths of opening a draft, and it grew with the number of editions
times the number of units. Every query reaches a manifest through its edition now: by the
primary key (edition, node, language), with the editions looped over where a query asks
about a unit across editions (rkc.convention.queries.history).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-08
"""

from __future__ import annotations

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_edition_entry_revision_id", table_name="edition_entry")


def downgrade() -> None:
    op.create_index("ix_edition_entry_revision_id", "edition_entry", ["revision_id"])
