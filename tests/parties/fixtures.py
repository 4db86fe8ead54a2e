"""Party records other test modules need (the route matrix), made with the real operations."""

from __future__ import annotations

from rkc.audit import Actor, acting_as
from rkc.extensions import db
from rkc.parties import operations as ops
from rkc.parties.models import Party

from ..helpers import party


def make_party(
    iso3: str,
    deposited_on: str | None = "2004-04-29",
    *,
    name: str | None = None,
    in_force_on: str | None = None,
) -> Party:
    """A Contracting Party with its instrument recorded (the party is made if need be)."""
    found = party(iso3)
    if name:
        found.name = name
    with acting_as(Actor(None, "test-setup", "system")):
        ops.record_instrument(
            found, instrument="accession", deposited_on=deposited_on, in_force_on=in_force_on
        )
    return found


def party_context(people: dict) -> dict[str, object]:
    """Delegate A's party (AUT) made a party with chapter B1 accepted and a reservation to
    Recommended Practice sa-b/1/2; committed. Returns the ids the routes need."""
    aut = make_party("AUT")
    with acting_as(Actor(None, "test-setup", "system")):
        acceptance = ops.record_acceptance(aut, "sa-b/1", notified_on="2010-01-04")
        reservation = ops.record_reservation(
            aut, "sa-b/1/2", entered_on="2010-01-04", text="National law differs."
        )
    db.session.commit()
    return {
        "party_ident": aut.ident,
        "party_event_id": acceptance.id,
        "reservation_id": reservation.id,
    }
