"""Contracting Parties: the states, unions and territories bound by the Convention."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, Enum, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from rkc.convention.models import utcnow
from rkc.extensions import db


class PartyKind(enum.StrEnum):
    STATE = "state"
    UNION = "union"
    TERRITORY = "territory"


class Party(db.Model):
    """A Contracting Party (or a WCO Member preparing to become one)."""

    __tablename__ = "party"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    #: ISO 3166-1 alpha-3; None for a union such as the European Union.
    iso3: Mapped[str | None] = mapped_column(String(3), unique=True)
    kind: Mapped[PartyKind] = mapped_column(
        Enum(
            PartyKind,
            native_enum=False,
            length=20,
            validate_strings=True,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=PartyKind.STATE,
    )
    note: Mapped[str] = mapped_column(Text, default="")
    source_url: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __str__(self) -> str:
        return self.name
