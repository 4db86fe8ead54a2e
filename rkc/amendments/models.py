"""Amendments to a working draft: proposals, their revisions, transitions, sponsors, positions,
comments, and what each member has seen.

Decisions (ARCHITECTURE.md section 3, DOMAIN.md section 5):

- An **Amendment** belongs to one working-draft edition and does one thing (`action`):
  - `modify`: new text for the node `node_id`;
  - `insert`: a new unit under `parent_node_id`, after the sibling `after_node_id` (or first),
    with a proposed kind, number, optional heading and text; the node's key is only *proposed*
    (`proposed_key`): the merge (issue 5) chooses the final key, since keys are never reused;
  - `delete`: take `node_id` (and what it contains) out of the draft;
  - `heading`: a new heading (title) for `node_id`.
  `base_revision_id` is the revision of the target the proposal was written against (None for
  an insertion). The proposal's *current* content lives on the amendment row; every version of
  it, the first included, is an immutable **AmendmentRevision** (origin `proposal`, `revision`
  by the proposer, or `rebase` by the system), so any two versions can be compared.
- **Status** lifecycle: draft -> tabled -> under_discussion -> agreed | not_agreed | withdrawn |
  superseded; agreed -> merged. A draft may also be withdrawn. Each change is one
  **AmendmentTransition** row (who, when, why). Which role may make which transition is the table
  `TRANSITIONS` below, checked through `rkc.auth.permissions`.
- The **number** ("RD/001") is given when tabled: a prefix made of the initials of the draft's
  slug and a sequence per working draft, unique per draft, never reused or changed.
- **Conflicts**: when the target moves on and the three-way merge cannot carry the proposal over,
  `has_conflict` is set, `conflict_revision_id` names the revision it collides with and
  `conflict_detail` (JSON) keeps each overlapping region (base, current, proposed). The proposed
  text is left exactly as its author wrote it.
- **Co-sponsorship**: one row per (amendment, party). A delegate of another party asks; a
  delegate of the proposing party confirms or declines.
- **Positions**: one row per (amendment, party); a second "take position" for the same party is
  refused, a change updates the row and appends an **AmendmentPositionChange** (history).
- **Comments**: Markdown; a reply hangs from the thread's first comment (one level of
  threading); a thread is resolved (and can be reopened) as a whole.
- **AmendmentReader**: when each member last marked the amendments as seen, for "changed since
  my last visit". `Amendment.activity_at` moves on every event that a reader should notice.
- **Languages** (issue 13; rkc/amendments/languages.py, docs/amendments.md): the Convention is
  authentic in English and French, so an amendment records the language it was proposed in
  (`language`) and holds one **AmendmentVersion** per language of its draft: the proposed
  text and heading in that language, its own base revision (the target's revision in that
  language), its own conflict flag, and a translation status (to translate, translated,
  checked) with who translated and who checked, and when. Every change of a version is an
  immutable **AmendmentVersionRevision**. The amendment row itself keeps carrying the English
  text (the English version mirrors it), so that the English rebase and merge read one place.
"""

from __future__ import annotations

import enum
import json
from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rkc.auth.models import User
from rkc.convention.models import Edition, Node, Revision, utcnow
from rkc.database import text_enum
from rkc.extensions import db
from rkc.parties.models import Party


class AmendmentAction(enum.StrEnum):
    MODIFY = "modify"
    INSERT = "insert"
    DELETE = "delete"
    HEADING = "heading"

    @property
    def label(self) -> str:
        return {
            "modify": "Modification",
            "insert": "Insertion",
            "delete": "Deletion",
            "heading": "Heading change",
        }[self.value]


class AmendmentStatus(enum.StrEnum):
    DRAFT = "draft"
    TABLED = "tabled"
    UNDER_DISCUSSION = "under_discussion"
    AGREED = "agreed"
    NOT_AGREED = "not_agreed"
    WITHDRAWN = "withdrawn"
    SUPERSEDED = "superseded"
    MERGED = "merged"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def is_pending(self) -> bool:
        """Not decided yet: it can still be revised and must follow the text it amends."""
        return self in PENDING

    @property
    def is_open(self) -> bool:
        """Tabled and not decided: open to co-sponsors, positions and the Secretariat."""
        return self in OPEN


PENDING = frozenset(
    {AmendmentStatus.DRAFT, AmendmentStatus.TABLED, AmendmentStatus.UNDER_DISCUSSION}
)
OPEN = frozenset({AmendmentStatus.TABLED, AmendmentStatus.UNDER_DISCUSSION})
#: Amendments that follow the text they amend (rebased when it moves on): the pending ones, and
#: the agreed ones waiting for the merge, so that a merge always applies a proposal written
#: against the current text (or meets a clear conflict).
FOLLOWING = PENDING | {AmendmentStatus.AGREED}

#: target status -> (statuses it may come from, the permission it needs, the verb for people).
#: The permission names are rkc.auth.permissions.Action values.
TRANSITIONS: dict[AmendmentStatus, tuple[frozenset[AmendmentStatus], str, str]] = {
    AmendmentStatus.TABLED: (frozenset({AmendmentStatus.DRAFT}), "edit_amendment", "Table"),
    AmendmentStatus.WITHDRAWN: (PENDING, "edit_amendment", "Withdraw"),
    AmendmentStatus.UNDER_DISCUSSION: (
        frozenset({AmendmentStatus.TABLED}),
        "run_workflow",
        "Open the discussion",
    ),
    AmendmentStatus.AGREED: (
        frozenset({AmendmentStatus.UNDER_DISCUSSION}),
        "run_workflow",
        "Record as agreed",
    ),
    AmendmentStatus.NOT_AGREED: (
        frozenset({AmendmentStatus.UNDER_DISCUSSION}),
        "run_workflow",
        "Record as not agreed",
    ),
    # An agreed amendment waiting for the merge may still give way to a compromise text.
    AmendmentStatus.SUPERSEDED: (
        OPEN | {AmendmentStatus.AGREED},
        "run_workflow",
        "Record as superseded",
    ),
    AmendmentStatus.MERGED: (frozenset({AmendmentStatus.AGREED}), "merge", "Mark as merged"),
}


class Stance(enum.StrEnum):
    SUPPORT = "support"
    NO_OBJECTION = "no_objection"
    RESERVATION = "reservation"
    OBJECTION = "objection"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class SponsorStatus(enum.StrEnum):
    REQUESTED = "requested"
    CONFIRMED = "confirmed"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Amendment(db.Model):
    """One proposed change to one place of a working draft."""

    __tablename__ = "amendment"
    __table_args__ = (
        UniqueConstraint("edition_id", "sequence"),
        Index("ix_amendment_edition_status", "edition_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("edition.id"))
    action: Mapped[AmendmentAction] = mapped_column(text_enum(AmendmentAction))
    #: The unit modified, deleted or re-headed (None for an insertion).
    node_id: Mapped[int | None] = mapped_column(ForeignKey("node.id"), index=True)
    #: Insertion: the unit the new one goes into, and the sibling it follows (None: first).
    parent_node_id: Mapped[int | None] = mapped_column(ForeignKey("node.id"), index=True)
    after_node_id: Mapped[int | None] = mapped_column(ForeignKey("node.id"))
    #: The revision of the target this proposal is written against (None for an insertion).
    base_revision_id: Mapped[int | None] = mapped_column(ForeignKey("revision.id"))
    #: Markdown source of the proposed text ("" for a deletion or a heading change).
    proposed_text: Mapped[str] = mapped_column(Text, default="")
    #: The proposed heading (heading change; an insertion's heading or defined term).
    proposed_title: Mapped[str | None] = mapped_column(Text)
    #: Insertion only: the new unit's number, kind and suggested key.
    proposed_number: Mapped[str | None] = mapped_column(String(40))
    proposed_kind: Mapped[str | None] = mapped_column(String(40))
    proposed_key: Mapped[str | None] = mapped_column(String(200))
    #: Markdown, rendered only through rkc.text.markdown.
    justification: Mapped[str] = mapped_column(Text, default="")
    #: The review's concept or topic label (e.g. "Advance rulings"); free text.
    concept: Mapped[str] = mapped_column(String(120), default="", index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    delegate_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    #: The language the proposer wrote it in ("en" or "fr"): its version in that language is
    #: the original, the others are translations of it.
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    #: Given when tabled; `number` is its label, e.g. "RD/001".
    sequence: Mapped[int | None] = mapped_column(Integer)
    number: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[AmendmentStatus] = mapped_column(
        text_enum(AmendmentStatus), default=AmendmentStatus.DRAFT
    )
    #: The latest AmendmentRevision.seq: forms carry it to detect a stale edit.
    latest_seq: Mapped[int] = mapped_column(Integer, default=1)
    has_conflict: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The target's revision the proposal collides with (None also when the target was removed).
    conflict_revision_id: Mapped[int | None] = mapped_column(ForeignKey("revision.id"))
    #: JSON: {"reason": str, "regions": [{"base": .., "current": .., "proposed": ..}, ...]}.
    conflict_detail: Mapped[str] = mapped_column(Text, default="")
    #: The compromise that superseded it, if one was named.
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("amendment.id"))
    #: The draft revision that carries it, once merged (issue 5's merge sets it).
    merged_revision_id: Mapped[int | None] = mapped_column(ForeignKey("revision.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    tabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Moves on with every event a reader should notice (for "changed since my last visit").
    activity_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )

    edition: Mapped[Edition] = relationship()
    node: Mapped[Node | None] = relationship(foreign_keys=[node_id])
    parent_node: Mapped[Node | None] = relationship(foreign_keys=[parent_node_id])
    after_node: Mapped[Node | None] = relationship(foreign_keys=[after_node_id])
    base_revision: Mapped[Revision | None] = relationship(foreign_keys=[base_revision_id])
    conflict_revision: Mapped[Revision | None] = relationship(foreign_keys=[conflict_revision_id])
    merged_revision: Mapped[Revision | None] = relationship(foreign_keys=[merged_revision_id])
    party: Mapped[Party] = relationship()
    delegate: Mapped[User] = relationship()
    superseded_by: Mapped[Amendment | None] = relationship(remote_side=[id])

    @property
    def is_draft(self) -> bool:
        return self.status is AmendmentStatus.DRAFT

    @property
    def label(self) -> str:
        """Its number once tabled; before that, a draft label (drafts have no number, and a
        database id means nothing to people)."""
        return self.number or "Unnumbered draft"

    @property
    def conflict(self) -> dict:
        return json.loads(self.conflict_detail) if self.conflict_detail else {}


class TranslationStatus(enum.StrEnum):
    """Where a language version stands. The original language's version is `checked` from the
    start (it is the proposer's own text); a translation goes to translate -> translated ->
    checked, and back to `to_translate` whenever the original changes under it."""

    TO_TRANSLATE = "to_translate"
    TRANSLATED = "translated"
    CHECKED = "checked"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class AmendmentVersion(db.Model):
    """An amendment's text in one language, with its translation status."""

    __tablename__ = "amendment_version"
    __table_args__ = (UniqueConstraint("amendment_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    amendment_id: Mapped[int] = mapped_column(ForeignKey("amendment.id"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    #: The target's revision in this language the text is written against (None: insertion).
    base_revision_id: Mapped[int | None] = mapped_column(ForeignKey("revision.id"))
    proposed_text: Mapped[str] = mapped_column(Text, default="")
    proposed_title: Mapped[str | None] = mapped_column(Text)
    status: Mapped[TranslationStatus] = mapped_column(text_enum(TranslationStatus))
    #: The latest AmendmentVersionRevision.seq: the translation form carries it (stale edit).
    seq: Mapped[int] = mapped_column(Integer, default=1)
    translated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    translated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: As on Amendment, for this language's text.
    has_conflict: Mapped[bool] = mapped_column(Boolean, default=False)
    conflict_revision_id: Mapped[int | None] = mapped_column(ForeignKey("revision.id"))
    conflict_detail: Mapped[str] = mapped_column(Text, default="")

    amendment: Mapped[Amendment] = relationship()
    base_revision: Mapped[Revision | None] = relationship(foreign_keys=[base_revision_id])
    translated_by: Mapped[User | None] = relationship(foreign_keys=[translated_by_id])
    checked_by: Mapped[User | None] = relationship(foreign_keys=[checked_by_id])

    @property
    def is_original(self) -> bool:
        return self.language == self.amendment.language

    @property
    def conflict(self) -> dict:
        return json.loads(self.conflict_detail) if self.conflict_detail else {}


class AmendmentVersionRevision(db.Model):
    """One state of a language version (text, base, status); never changed once written."""

    __tablename__ = "amendment_version_revision"
    __table_args__ = (UniqueConstraint("version_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("amendment_version.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    #: "proposal", "revision" (the proposer), "translation", "check", "outdated" (the original
    #: changed under it), "rebase" (carried over by the system).
    origin: Mapped[str] = mapped_column(String(20))
    status: Mapped[TranslationStatus] = mapped_column(text_enum(TranslationStatus))
    base_revision_id: Mapped[int | None] = mapped_column(ForeignKey("revision.id"))
    proposed_text: Mapped[str] = mapped_column(Text, default="")
    proposed_title: Mapped[str | None] = mapped_column(Text)
    #: None when the system did it.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    author: Mapped[User | None] = relationship()


class AmendmentRevision(db.Model):
    """One version of an amendment's content; never changed once written."""

    __tablename__ = "amendment_revision"
    __table_args__ = (UniqueConstraint("amendment_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    amendment_id: Mapped[int] = mapped_column(ForeignKey("amendment.id"), index=True)
    #: 1, 2, 3 ... within the amendment.
    seq: Mapped[int] = mapped_column(Integer)
    #: "proposal" (the first), "revision" (by the proposer), "rebase" (carried over by the system).
    origin: Mapped[str] = mapped_column(String(20))
    base_revision_id: Mapped[int | None] = mapped_column(ForeignKey("revision.id"))
    proposed_text: Mapped[str] = mapped_column(Text, default="")
    proposed_title: Mapped[str | None] = mapped_column(Text)
    proposed_number: Mapped[str | None] = mapped_column(String(40))
    proposed_kind: Mapped[str | None] = mapped_column(String(40))
    proposed_key: Mapped[str | None] = mapped_column(String(200))
    justification: Mapped[str] = mapped_column(Text, default="")
    concept: Mapped[str] = mapped_column(String(120), default="")
    #: None for a rebase (the system did it).
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    author: Mapped[User | None] = relationship()
    base_revision: Mapped[Revision | None] = relationship()


class AmendmentTransition(db.Model):
    """One change of status: from what, to what, who, when and why."""

    __tablename__ = "amendment_transition"

    id: Mapped[int] = mapped_column(primary_key=True)
    amendment_id: Mapped[int] = mapped_column(ForeignKey("amendment.id"), index=True)
    #: None for the amendment's creation (as a draft).
    from_status: Mapped[AmendmentStatus | None] = mapped_column(text_enum(AmendmentStatus))
    to_status: Mapped[AmendmentStatus] = mapped_column(text_enum(AmendmentStatus))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User | None] = relationship()


class AmendmentSponsor(db.Model):
    """A party asking to co-sponsor an amendment, and the proposing party's answer."""

    __tablename__ = "amendment_sponsor"
    __table_args__ = (UniqueConstraint("amendment_id", "party_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    amendment_id: Mapped[int] = mapped_column(ForeignKey("amendment.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"))
    status: Mapped[SponsorStatus] = mapped_column(text_enum(SponsorStatus))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    party: Mapped[Party] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])


class AmendmentPosition(db.Model):
    """A party's position on an amendment: one per party, changeable (history kept)."""

    __tablename__ = "amendment_position"
    __table_args__ = (UniqueConstraint("amendment_id", "party_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    amendment_id: Mapped[int] = mapped_column(ForeignKey("amendment.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"))
    stance: Mapped[Stance] = mapped_column(text_enum(Stance))
    #: Markdown; optional.
    statement: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    #: The amendment version (AmendmentRevision.seq) the position was given on.
    on_seq: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    party: Mapped[Party] = relationship()
    user: Mapped[User] = relationship()


class AmendmentPositionChange(db.Model):
    """Every position a party took or changed to, in order (the position row holds the last)."""

    __tablename__ = "amendment_position_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("amendment_position.id"), index=True)
    stance: Mapped[Stance] = mapped_column(text_enum(Stance))
    statement: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    on_seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship()


class AmendmentComment(db.Model):
    """A comment in Markdown; replies point at the first comment of their thread."""

    __tablename__ = "amendment_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    amendment_id: Mapped[int] = mapped_column(ForeignKey("amendment.id"), index=True)
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("amendment_comment.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    #: The author's party at the time (None for the Secretariat).
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: Set on a thread's first comment when the thread is resolved.
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])
    party: Mapped[Party | None] = relationship()
    amendment: Mapped[Amendment] = relationship()

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None


class AmendmentReader(db.Model):
    """When a member last marked the amendments as seen."""

    __tablename__ = "amendment_reader"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RevisionSource(db.Model):
    """Which amendments a draft revision came from (merged, or superseded by a compromise)."""

    __tablename__ = "revision_source"

    revision_id: Mapped[int] = mapped_column(ForeignKey("revision.id"), primary_key=True)
    amendment_id: Mapped[int] = mapped_column(ForeignKey("amendment.id"), primary_key=True)
    #: "merged": the revision carries the amendment; "compromise": it supersedes it.
    role: Mapped[str] = mapped_column(String(20))

    amendment: Mapped[Amendment] = relationship()
