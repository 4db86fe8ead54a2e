"""Contracting Parties and what they did: instruments, acceptances, reservations, extensions.

Dates are stored at the precision they are known (:class:`rkc.parties.periods.PartialDate`, kept
as ISO text: ``2006``, ``2006-04``, ``2006-04-29``); no day is ever invented. What follows
from them (entry into force, deadlines) is computed by the date rules
(``rkc.parties.entry_into_force``, ``rkc.parties.deadlines``) when read, never stored, so a
corrected record corrects every date that depends on it.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from rkc.convention.models import Node, utcnow
from rkc.database import text_enum
from rkc.extensions import db
from rkc.parties.periods import PartialDate


class PartialDateText(TypeDecorator):
    """A PartialDate in the database as its ISO text (10 characters at most)."""

    impl = String(10)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else str(PartialDate.coerce(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> PartialDate | None:
        return None if value is None else PartialDate.parse(value)


class PartyKind(enum.StrEnum):
    STATE = "state"
    UNION = "union"
    TERRITORY = "territory"


class Party(db.Model):
    """A Contracting Party (or a WCO Member preparing to become one).

    It is a Contracting Party once an instrument is recorded for it (see ``PartyEvent``).
    """

    __tablename__ = "party"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    #: ISO 3166-1 alpha-3; None for a union such as the European Union.
    iso3: Mapped[str | None] = mapped_column(String(3), unique=True)
    kind: Mapped[PartyKind] = mapped_column(text_enum(PartyKind), default=PartyKind.STATE)
    #: Whether it is a Member of the WCO; None when not recorded.
    is_wco_member: Mapped[bool | None] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text, default="")
    source_url: Mapped[str] = mapped_column(Text, default="")
    #: Whether the record of its Specific Annex acceptances is known to be complete: with no
    #: acceptance recorded, True means a source says it accepted none, False that nobody
    #: knows (the two must never look alike).
    chapters_known: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Where what is known of its chapters comes from.
    chapters_source: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    events: Mapped[list[PartyEvent]] = relationship(
        back_populates="party", order_by="PartyEvent.id"
    )
    reservations: Mapped[list[Reservation]] = relationship(
        back_populates="party", order_by="Reservation.id"
    )

    @property
    def ident(self) -> str:
        """What its URLs use: the ISO3 code, or the id for a party without one (the EU)."""
        return self.iso3 or str(self.id)

    def __str__(self) -> str:
        return self.name


class EventKind(enum.StrEnum):
    #: Consent to be bound, deposited with the depositary (art. 8).
    INSTRUMENT = "instrument"
    #: Acceptance of a Specific Annex chapter, notified to the depositary (art. 12).
    ACCEPTANCE = "acceptance"
    #: More time to implement General Annex provisions, granted by the Management Committee
    #: (art. 13(4)).
    EXTENSION = "extension"
    #: Notice of denunciation of the Convention, or of one chapter (art. 17).
    DENUNCIATION = "denunciation"


EVENT_LABELS = {
    EventKind.INSTRUMENT: "Instrument deposited",
    EventKind.ACCEPTANCE: "Chapter accepted",
    EventKind.EXTENSION: "Implementation period extended",
    EventKind.DENUNCIATION: "Denunciation notified",
}


class InstrumentKind(enum.StrEnum):
    SIGNATURE = "signature"
    RATIFICATION = "ratification"
    ACCEPTANCE = "acceptance"
    APPROVAL = "approval"
    ACCESSION = "accession"

    @property
    def label(self) -> str:
        if self is InstrumentKind.SIGNATURE:
            return "Signature without reservation of ratification"
        return self.value.capitalize()


class PartyEvent(db.Model):
    """One thing a party did, as the depositary recorded it."""

    __tablename__ = "party_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    kind: Mapped[EventKind] = mapped_column(text_enum(EventKind))
    #: When: deposit, notification, grant or notice, at the precision known. None only for
    #: an instrument whose date is not known (the party is known to be a party, no more).
    event_on: Mapped[PartialDate | None] = mapped_column(PartialDateText())
    #: For an instrument: which kind (None when the record does not say).
    instrument: Mapped[InstrumentKind | None] = mapped_column(text_enum(InstrumentKind))
    #: The chapter accepted or denounced, the provision (or chapter) an extension is for;
    #: None for an instrument and for a denunciation of the whole Convention.
    node_id: Mapped[int | None] = mapped_column(ForeignKey("node.id"), index=True)
    #: For an extension: its length in months.
    months: Mapped[int | None] = mapped_column(Integer)
    #: For an extension: when the party asked for it (art. 13(4)(a): before the period ends).
    requested_on: Mapped[PartialDate | None] = mapped_column(PartialDateText())
    #: Entry into force as the depositary recorded it, when it says otherwise than the rules
    #: (instrument, acceptance); None lets rkc compute it.
    in_force_on: Mapped[PartialDate | None] = mapped_column(PartialDateText())
    source: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    party: Mapped[Party] = relationship(back_populates="events")
    node: Mapped[Node | None] = relationship()

    @property
    def label(self) -> str:
        return EVENT_LABELS[self.kind]


class Reservation(db.Model):
    """A party's reservation to a Recommended Practice (art. 12)."""

    __tablename__ = "reservation"

    id: Mapped[int] = mapped_column(primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), index=True)
    #: The Recommended Practice reserved.
    node_id: Mapped[int] = mapped_column(ForeignKey("node.id"), index=True)
    #: How national law differs (Markdown).
    text: Mapped[str] = mapped_column(Text)
    entered_on: Mapped[PartialDate] = mapped_column(PartialDateText())
    withdrawn_on: Mapped[PartialDate | None] = mapped_column(PartialDateText())
    source: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    party: Mapped[Party] = relationship(back_populates="reservations")
    node: Mapped[Node] = relationship()


class RegisterVersion(db.Model):
    """The register's version: one row whose counter moves on every committed change to
    parties, their events and their reservations (rkc/parties/register_version.py)."""

    __tablename__ = "register_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    counter: Mapped[int] = mapped_column(Integer, default=0)
