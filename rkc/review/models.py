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
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rkc.amendments.models import Amendment, AmendmentTransition
from rkc.auth.models import User
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


# --------------------------------------------------------------------------- reports, citations


class ReportStatus(enum.StrEnum):
    DRAFT = "draft"
    ADOPTED = "adopted"


REPORT_STATUS_LABELS = {
    ReportStatus.DRAFT: N_("Draft"),
    ReportStatus.ADOPTED: N_("Adopted"),
}


class Report(db.Model):
    """A meeting's report: a draft the Secretariat edits, then adopted and locked.

    `revision` counts the saves: an edit names the revision it started from, and a save based
    on an older one is refused (rkc.review.reports). After adoption the entries' text is
    never changed; corrections are corrigenda, kept beside it.
    """

    __tablename__ = "review_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("review_meeting.id"), unique=True)
    status: Mapped[ReportStatus] = mapped_column(
        text_enum(ReportStatus), default=ReportStatus.DRAFT
    )
    revision: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    adopted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    adopted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    meeting: Mapped[Meeting] = relationship()
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    adopted_by: Mapped[User | None] = relationship(foreign_keys=[adopted_by_id])
    entries: Mapped[list[ReportEntry]] = relationship(
        back_populates="report", order_by="ReportEntry.id"
    )
    corrigenda: Mapped[list[ReportCorrigendum]] = relationship(
        back_populates="report", order_by="ReportCorrigendum.number"
    )

    @property
    def is_adopted(self) -> bool:
        return self.status is ReportStatus.ADOPTED


class ReportEntry(db.Model):
    """What the report records under one agenda item (Markdown), with what it concerns."""

    __tablename__ = "review_report_entry"
    __table_args__ = (
        UniqueConstraint("report_id", "agenda_item_id", name="uq_review_report_entry_item"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("review_report.id"), index=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("review_agenda_item.id"))
    text: Mapped[str] = mapped_column(Text, default="")

    report: Mapped[Report] = relationship(back_populates="entries")
    item: Mapped[AgendaItem] = relationship()
    links: Mapped[list[ReportLink]] = relationship(
        back_populates="entry", order_by="ReportLink.id", cascade="all, delete-orphan"
    )


class ReportLink(db.Model):
    """An amendment or a document an entry concerns (one of the two per row)."""

    __tablename__ = "review_report_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("review_report_entry.id"), index=True)
    amendment_id: Mapped[int | None] = mapped_column(ForeignKey("amendment.id"))
    document_id: Mapped[int | None] = mapped_column(ForeignKey("review_document.id"))

    entry: Mapped[ReportEntry] = relationship(back_populates="links")
    amendment: Mapped[Amendment | None] = relationship()
    document: Mapped[Document | None] = relationship()


class ReportCorrigendum(db.Model):
    """A correction of an adopted report: the item's text as corrected, when and why."""

    __tablename__ = "review_report_corrigendum"
    __table_args__ = (
        UniqueConstraint("report_id", "number", name="uq_review_report_corrigendum_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("review_report.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("review_agenda_item.id"))
    text: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    made_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    report: Mapped[Report] = relationship(back_populates="corrigenda")
    item: Mapped[AgendaItem] = relationship()
    made_by: Mapped[User | None] = relationship()


class AmendmentCitation(db.Model):
    """The meeting (and agenda item) a change of an amendment's status cites."""

    __tablename__ = "review_amendment_citation"

    id: Mapped[int] = mapped_column(primary_key=True)
    transition_id: Mapped[int] = mapped_column(ForeignKey("amendment_transition.id"), unique=True)
    amendment_id: Mapped[int] = mapped_column(ForeignKey("amendment.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("review_meeting.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("review_agenda_item.id"))

    transition: Mapped[AmendmentTransition] = relationship()
    amendment: Mapped[Amendment] = relationship()
    meeting: Mapped[Meeting] = relationship()
    item: Mapped[AgendaItem | None] = relationship()
