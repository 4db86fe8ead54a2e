"""Bodies, their numbered meetings, the agenda of each, and the register of documents.

An agenda item's number ("III", "III.b") is never stored: it follows from the item's place
among its siblings, so reordering renumbers what is shown while the item keeps its id. A
document's symbol is minted once from its body's pattern and a counter row per body and
series; the English and French versions share the number, a revision bumps the version.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rkc.convention.models import utcnow
from rkc.database import text_enum
from rkc.extensions import db
from rkc.messages import N_

#: The WCO's style: series letters, a four-digit number, a language letter, a version digit.
DEFAULT_PATTERN = "{series}{number:4}{lang}{version}"


class MeetingMode(enum.StrEnum):
    IN_PERSON = "in_person"
    VIRTUAL = "virtual"
    HYBRID = "hybrid"


class MeetingStatus(enum.StrEnum):
    PLANNED = "planned"
    CONVENED = "convened"
    CLOSED = "closed"


class Purpose(enum.StrEnum):
    DECISION = "decision"
    GUIDANCE = "guidance"
    INFORMATION = "information"


class DocumentKind(enum.StrEnum):
    ORIGINAL = "original"
    ADDENDUM = "addendum"
    CORRIGENDUM = "corrigendum"


class DocumentLevel(enum.StrEnum):
    """Who may read a document (rkc.auth.permissions decides, from the reader's role)."""

    PUBLIC = "public"
    PARTIES_AND_OBSERVERS = "parties_and_observers"
    PARTIES = "parties"
    SECRETARIAT = "secretariat"


LEVEL_LABELS = {
    DocumentLevel.PUBLIC: N_("Public"),
    DocumentLevel.PARTIES_AND_OBSERVERS: N_("Parties and observers"),
    DocumentLevel.PARTIES: N_("Parties only"),
    DocumentLevel.SECRETARIAT: N_("Secretariat only"),
}
MODE_LABELS = {
    MeetingMode.IN_PERSON: N_("In person"),
    MeetingMode.VIRTUAL: N_("Virtual"),
    MeetingMode.HYBRID: N_("Hybrid"),
}
STATUS_LABELS = {
    MeetingStatus.PLANNED: N_("Planned"),
    MeetingStatus.CONVENED: N_("Convened"),
    MeetingStatus.CLOSED: N_("Closed"),
}
PURPOSE_LABELS = {
    Purpose.DECISION: N_("For decision"),
    Purpose.GUIDANCE: N_("For guidance"),
    Purpose.INFORMATION: N_("For information"),
}
KIND_LABELS = {
    DocumentKind.ORIGINAL: N_("Document"),
    DocumentKind.ADDENDUM: N_("Addendum"),
    DocumentKind.CORRIGENDUM: N_("Corrigendum"),
}
#: Language code -> the letter a symbol carries.
LANGUAGE_LETTERS = {"en": "E", "fr": "F"}
LANGUAGE_NAMES = {"en": N_("English"), "fr": N_("French")}


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 23rd, 111th."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class Body(db.Model):
    """A body that meets in numbered sessions (the WGRKC, the RKC/MC, a sub-group)."""

    __tablename__ = "review_body"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    #: The series letters its documents carry by default.
    series: Mapped[str] = mapped_column(String(10), default="RK")
    #: How its document symbols are written (see rkc.review.operations.mint_symbol).
    symbol_pattern: Mapped[str] = mapped_column(String(100), default=DEFAULT_PATTERN)

    def __str__(self) -> str:
        return self.code


class Meeting(db.Model):
    """One numbered session of a body."""

    __tablename__ = "review_meeting"
    __table_args__ = (UniqueConstraint("body_id", "number", name="uq_review_meeting_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("review_body.id"), index=True)
    #: The ordinal as an integer: 23 for the "23rd" session.
    number: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    mode: Mapped[MeetingMode] = mapped_column(text_enum(MeetingMode))
    #: Language codes, comma-separated ("en,fr").
    languages: Mapped[str] = mapped_column(String(40), default="en,fr")
    venue: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[MeetingStatus] = mapped_column(
        text_enum(MeetingStatus), default=MeetingStatus.PLANNED
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    body: Mapped[Body] = relationship()
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="AgendaItem.position"
    )

    @property
    def title(self) -> str:
        return f"{ordinal(self.number)} session of the {self.body.name}"

    @property
    def short(self) -> str:
        return f"{self.body.code} {ordinal(self.number)}"

    @property
    def language_list(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]


class AgendaItem(db.Model):
    """An item of a meeting's agenda; `parent_id` nests it, `position` orders its siblings."""

    __tablename__ = "review_agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("review_meeting.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("review_agenda_item.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500))
    purpose: Mapped[Purpose] = mapped_column(text_enum(Purpose), default=Purpose.INFORMATION)

    meeting: Mapped[Meeting] = relationship(back_populates="items")


class SymbolCounter(db.Model):
    """The last number minted for a body's series: raised atomically, never lowered."""

    __tablename__ = "review_symbol_counter"

    body_id: Mapped[int] = mapped_column(ForeignKey("review_body.id"), primary_key=True)
    series: Mapped[str] = mapped_column(String(10), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Document(db.Model):
    """One language version, at one version, of a numbered document."""

    __tablename__ = "review_document"
    __table_args__ = (
        UniqueConstraint(
            "body_id", "series", "number", "language", "version", name="uq_review_document_number"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("review_body.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("review_meeting.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("review_agenda_item.id"))
    series: Mapped[str] = mapped_column(String(10))
    number: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(5))
    version: Mapped[int] = mapped_column(Integer, default=1)
    symbol: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    kind: Mapped[DocumentKind] = mapped_column(
        text_enum(DocumentKind), default=DocumentKind.ORIGINAL
    )
    #: Distribution: who may read it, on every channel (page, file, API).
    level: Mapped[DocumentLevel] = mapped_column(
        text_enum(DocumentLevel, 30), default=DocumentLevel.PARTIES_AND_OBSERVERS
    )
    #: The document an addendum or corrigendum belongs to.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("review_document.id"), index=True)
    #: The revision that replaced this version, once there is one.
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("review_document.id"))
    filename: Mapped[str] = mapped_column(String(255))
    mimetype: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    body: Mapped[Body] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
    parent: Mapped[Document | None] = relationship(remote_side=[id], foreign_keys=[parent_id])
    superseded_by: Mapped[Document | None] = relationship(
        remote_side=[id], foreign_keys=[superseded_by_id]
    )

    @property
    def is_superseded(self) -> bool:
        return self.superseded_by_id is not None
