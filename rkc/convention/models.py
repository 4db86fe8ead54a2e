"""The text store: works, nodes, immutable revisions, and editions as manifests.

- A **Node** is the stable identity of one unit (its key survives renumbering; never deleted).
- A **Revision** is the immutable content of a node in one language: where it stands (parent,
  position), its number, title, text and kind. Content that does not change makes no revision.
- An **Edition** is a named consolidation of a work: a manifest node -> revision per language
  (`EditionEntry`). Only working drafts change; publishing freezes them. Reading an edition is
  a range scan of its manifest, whatever the length of the history behind it.
"""

from __future__ import annotations

import enum
import hashlib
from datetime import UTC, date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rkc.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class EditionStatus(enum.StrEnum):
    WORKING_DRAFT = "working_draft"
    ADOPTED = "adopted"
    IN_FORCE = "in_force"
    SUPERSEDED = "superseded"


class Work(db.Model):
    """A document with its own edition line: the Convention, or the Guidelines."""

    __tablename__ = "work"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short stable identifier used in URLs, e.g. "rkc" or "guidelines".
    key: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(Text)
    short_title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    editions: Mapped[list[Edition]] = relationship(back_populates="work", order_by="Edition.id")


class Node(db.Model):
    """The stable identity of one unit of text."""

    __tablename__ = "node"

    id: Mapped[int] = mapped_column(primary_key=True)
    work_id: Mapped[int] = mapped_column(ForeignKey("work.id"), index=True)
    #: AKN-eId-like key, e.g. "ga/3/3.11"; the basis of permalinks.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    work: Mapped[Work] = relationship()


class Revision(db.Model):
    """Immutable content of one node in one language."""

    __tablename__ = "revision"
    __table_args__ = (Index("ix_revision_node_language", "node_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("node.id"))
    language: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(40))
    #: Parent node (None for a work's top-level units) and place among its siblings.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("node.id"))
    position: Mapped[int] = mapped_column(Integer)
    number: Mapped[str | None] = mapped_column(String(40))
    #: The number in the other authentic language's order (e.g. "F23" for definition "E1").
    number_alt: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str | None] = mapped_column(Text)
    #: Markdown source, rendered only through rkc.text.markdown.
    text: Mapped[str] = mapped_column(Text, default="")
    #: Keys of the Convention units a guideline explains, space-separated.
    explains: Mapped[str] = mapped_column(Text, default="")
    #: sha256 over every content field: equal hashes mean identical content.
    content_hash: Mapped[str] = mapped_column(String(64))
    predecessor_id: Mapped[int | None] = mapped_column(ForeignKey("revision.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: What made it: "corpus", "import", "amendment", "compromise", "edit".
    origin: Mapped[str] = mapped_column(String(20))
    #: Free reference for the origin (file and line, amendment numbers, ...).
    origin_ref: Mapped[str] = mapped_column(Text, default="")

    node: Mapped[Node] = relationship(foreign_keys=[node_id])
    parent: Mapped[Node | None] = relationship(foreign_keys=[parent_id])
    predecessor: Mapped[Revision | None] = relationship(remote_side=[id])

    @staticmethod
    def hash_content(
        *,
        kind: str,
        parent_key: str | None,
        position: int,
        number: str | None,
        number_alt: str | None,
        title: str | None,
        text: str,
        explains: str,
    ) -> str:
        parts = [kind, parent_key or "", str(position), number or "", number_alt or ""]
        parts += [title or "", text, explains]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    @property
    def explains_keys(self) -> list[str]:
        return self.explains.split() if self.explains else []


class Edition(db.Model):
    """A named consolidation of a work: a manifest of node -> revision per language."""

    __tablename__ = "edition"
    __table_args__ = (UniqueConstraint("work_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    work_id: Mapped[int] = mapped_column(ForeignKey("work.id"), index=True)
    slug: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[EditionStatus] = mapped_column(
        Enum(
            EditionStatus,
            native_enum=False,
            length=20,
            validate_strings=True,
            values_callable=lambda e: [m.value for m in e],
        )
    )
    adopted_on: Mapped[date | None] = mapped_column(Date)
    in_force_from: Mapped[date | None] = mapped_column(Date)
    #: True only for the authentic text loaded from the depositary's documents.
    is_authentic: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The languages (space-separated codes, "en fr") whose text is authentic; an edition
    #: flagged authentic with none listed is authentic in every language it holds.
    authentic_languages: Mapped[str] = mapped_column(String(40), default="", server_default="")
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("edition.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    frozen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Optimistic concurrency: every change to a working draft bumps it.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    work: Mapped[Work] = relationship(back_populates="editions")
    based_on: Mapped[Edition | None] = relationship(remote_side=[id])

    def authentic_in(self, language: str) -> bool:
        """Whether this edition's text in `language` is the authentic text."""
        listed = (self.authentic_languages or "").split()
        return language in listed if listed else bool(self.is_authentic)

    @property
    def is_frozen(self) -> bool:
        return self.status is not EditionStatus.WORKING_DRAFT

    @property
    def is_published(self) -> bool:
        """Whether the public may read it: every edition except a working draft."""
        return self.status is not EditionStatus.WORKING_DRAFT

    def state_on(self, day: date, superseded_by: Edition | None = None) -> str:
        """The edition's state as seen on `day`.

        Returns "working_draft", "adopted", "prospective" (in force later),
        "in_force" or "superseded" (a later edition was in force on `day`).
        """
        if self.status is EditionStatus.WORKING_DRAFT:
            return "working_draft"
        if self.in_force_from is None:
            return "adopted"
        if self.in_force_from > day:
            return "prospective"
        if self.status is EditionStatus.SUPERSEDED or (
            superseded_by is not None
            and superseded_by.in_force_from is not None
            and superseded_by.in_force_from <= day
        ):
            return "superseded"
        return "in_force"


class EditionEntry(db.Model):
    """One line of an edition's manifest: which revision of a node it contains.

    `ordinal` is the node's place in document order; its subtree is the entries with
    ordinal in [ordinal, end_ordinal]. That makes a chapter a single range scan.

    Both indexes lead with the edition, so a new manifest (a draft opened: a copy of every
    row of another edition) is written at their ends. A query reaches entries through their
    edition: a unit across editions loops over the editions and looks each one up by the
    primary key (`queries.history`). An index led by the node or the revision would take
    each new row somewhere inside a run as long as the number of editions: that cost grew
    with editions times units (migration 0018).
    """

    __tablename__ = "edition_entry"
    __table_args__ = (Index("ix_edition_entry_order", "edition_id", "language", "ordinal"),)

    edition_id: Mapped[int] = mapped_column(ForeignKey("edition.id"), primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("node.id"), primary_key=True)
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revision.id"))
    ordinal: Mapped[int] = mapped_column(Integer)
    end_ordinal: Mapped[int] = mapped_column(Integer)
    depth: Mapped[int] = mapped_column(Integer)

    revision: Mapped[Revision] = relationship()
    node: Mapped[Node] = relationship()
