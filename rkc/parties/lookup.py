"""Finding a party, one of its reservations or one of its recorded events."""

from __future__ import annotations

from sqlalchemy import or_, select

from rkc.database import as_id
from rkc.extensions import db
from rkc.parties.models import Party, PartyEvent, Reservation

# --------------------------------------------------------------------------- finding parties


def all_parties() -> list[Party]:
    return list(db.session.scalars(select(Party).order_by(Party.name)))


def party_by_ident(ident: str) -> Party | None:
    """A party by ISO3 code (any case) or, for one without a code, by its id."""
    if ident.isdigit():  # any script's digits; only an id the database can hold is looked up
        party_id = as_id(ident)
        return db.session.get(Party, party_id) if party_id is not None else None
    return db.session.scalar(select(Party).where(Party.iso3 == ident.upper()))


def party_by_name_or_code(name: str, iso3: str | None) -> Party | None:
    conditions = [Party.name == name]
    if iso3:
        conditions.append(Party.iso3 == iso3)
    return db.session.scalar(select(Party).where(or_(*conditions)).limit(1))


def reservation_by_id(party: Party, reservation_id: int) -> Reservation | None:
    found = db.session.get(Reservation, reservation_id)
    return found if found is not None and found.party_id == party.id else None


def event_by_id(party: Party, event_id: int) -> PartyEvent | None:
    found = db.session.get(PartyEvent, event_id)
    return found if found is not None and found.party_id == party.id else None
