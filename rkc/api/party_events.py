"""JSON API of what the Secretariat records about a party: instruments, chapter
acceptances, reservations and their withdrawal, extensions of time, denunciations, and the
retraction of a record found wrong (the forms of rkc/parties/views.py).

The record is public (GET /parties/{code}/events, with the ids the writes name); writes need
the Secretariat (`Action.RECORD_PARTY_EVENT`) with a token of the write scope, and go through
rkc.parties.operations, which refuse what the Convention does not allow: 400, naming the
member at fault, and nothing stored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort

from rkc.api import spec
from rkc.api.parties import head, party_of
from rkc.api.schemas import parties as s
from rkc.api.spec import operation, refuse
from rkc.auth.permissions import Action, can
from rkc.auth.session import api_writer
from rkc.parties import lookup, operations, standings
from rkc.parties.models import Party

BASE = "/parties/<code>"


def register(bp: Blueprint) -> None:
    """Add this module's routes to the API blueprint."""
    spec.add_routes(
        bp,
        party_events,
        record_instrument,
        record_acceptance,
        record_reservation,
        withdraw_reservation,
        record_extension,
        record_denunciation,
        retract_event,
        retract_reservation,
    )


def _secretariat() -> None:
    if not can(api_writer(), Action.RECORD_PARTY_EVENT):
        abort(403, description="Only the Secretariat records what parties did.")


def _text(value: Any) -> str | None:
    return str(value) if value is not None else None


def events_json(party: Party) -> dict[str, Any]:
    standing = standings.standing(party)
    return {
        **head(party, standing),
        "events": [
            {
                "id": e.id,
                "kind": e.kind,
                "instrument": e.instrument,
                "chapter": e.node.key
                if e.node is not None and e.kind.value != "extension"
                else None,
                "target": e.node.key
                if e.node is not None and e.kind.value == "extension"
                else None,
                "event_on": _text(e.event_on),
                "in_force_on": _text(e.in_force_on),
                "months": e.months,
                "source": e.source,
                "note": e.note,
            }
            for e in standing.events
        ],
        "reservations": [
            {
                "id": item.reservation.id,
                "provision": item.key,
                "text": item.reservation.text,
                "entered_on": str(item.reservation.entered_on),
                "withdrawn_on": _text(item.reservation.withdrawn_on),
                "source": item.reservation.source,
            }
            for item in standing.reservations
        ],
    }


def _record(code: str, model: type[spec.Body], write: Callable[[Party, Any], object]) -> Any:
    """Check the role, find the party, read the body, record: the party's record (201)."""
    _secretariat()
    party = party_of(code)
    data = spec.body(model)
    try:
        write(party, data)
    except operations.PartyError as exc:
        refuse(400, str(exc), exc.field or None)
    return events_json(party), 201


# --------------------------------------------------------------------------- reads


@operation(f"{BASE}/events", responses={200: s.Events}, errors=[404])
def party_events(code: str):  # type: ignore[no-untyped-def]
    """Everything recorded about a party, with the ids that withdrawals and retractions
    name: its events (instruments, acceptances, extensions, denunciations) and reservations."""
    return events_json(party_of(code))


# --------------------------------------------------------------------------- writes

WRITE = {"auth": "writer", "errors": [404]}


@operation(
    f"{BASE}/instruments",
    method="POST",
    responses={201: s.Events},
    body=s.InstrumentBody,
    example={"instrument": "accession", "deposited_on": "2006-04-29"},
    **WRITE,  # type: ignore[arg-type]
)
def record_instrument(code: str):  # type: ignore[no-untyped-def]
    """Record the deposit of an instrument: the party becomes a Contracting Party."""
    return _record(
        code,
        s.InstrumentBody,
        lambda party, d: operations.record_instrument(
            party,
            instrument=d.instrument.value if d.instrument else None,
            deposited_on=d.deposited_on or None,
            in_force_on=d.in_force_on or None,
            source=d.source or "",
            note=d.note or "",
        ),
    )


@operation(
    f"{BASE}/acceptances",
    method="POST",
    responses={201: s.Events},
    body=s.AcceptanceBody,
    example={"chapter": "sa-b/1", "notified_on": "2010-05-01"},
    **WRITE,  # type: ignore[arg-type]
)
def record_acceptance(code: str):  # type: ignore[no-untyped-def]
    """Record a party's acceptance of a Specific Annex chapter."""
    return _record(
        code,
        s.AcceptanceBody,
        lambda party, d: operations.record_acceptance(
            party,
            d.chapter,
            notified_on=d.notified_on,
            in_force_on=d.in_force_on or None,
            source=d.source or "",
            note=d.note or "",
        ),
    )


@operation(
    f"{BASE}/reservations",
    method="POST",
    responses={201: s.Events},
    body=s.ReservationBody,
    example={"provision": "sa-b/1/2", "entered_on": "2010-05-01", "text": "National law..."},
    **WRITE,  # type: ignore[arg-type]
)
def record_reservation(code: str):  # type: ignore[no-untyped-def]
    """Record a reservation to a Recommended Practice of a chapter the party accepted."""
    return _record(
        code,
        s.ReservationBody,
        lambda party, d: operations.record_reservation(
            party, d.provision, entered_on=d.entered_on, text=d.text, source=d.source or ""
        ),
    )


@operation(
    f"{BASE}/extensions",
    method="POST",
    responses={201: s.Events},
    body=s.ExtensionBody,
    example={"provision": "ga/3/3.11", "granted_on": "2010-05-01", "months": 12},
    **WRITE,  # type: ignore[arg-type]
)
def record_extension(code: str):  # type: ignore[no-untyped-def]
    """Record more time to implement a General Annex provision (or chapter), granted by the
    Management Committee."""
    return _record(
        code,
        s.ExtensionBody,
        lambda party, d: operations.record_extension(
            party,
            d.provision,
            granted_on=d.granted_on,
            requested_on=d.requested_on or None,
            months=d.months,
            source=d.source or "",
            note=d.note or "",
        ),
    )


@operation(
    f"{BASE}/denunciations",
    method="POST",
    responses={201: s.Events},
    body=s.DenunciationBody,
    example={"notice_on": "2020-01-15"},
    **WRITE,  # type: ignore[arg-type]
)
def record_denunciation(code: str):  # type: ignore[no-untyped-def]
    """Record a notice of denunciation of the Convention, or of one chapter."""
    return _record(
        code,
        s.DenunciationBody,
        lambda party, d: operations.record_denunciation(
            party,
            notice_on=d.notice_on,
            chapter=d.chapter or None,
            source=d.source or "",
            note=d.note or "",
        ),
    )


def _reservation(party: Party, reservation_id: int) -> Any:
    reservation = lookup.reservation_by_id(party, reservation_id)
    if reservation is None:
        abort(404, description=f"{party} has no reservation {reservation_id}.")
    return reservation


@operation(
    f"{BASE}/reservations/<id:reservation_id>/withdraw",
    method="POST",
    responses={200: s.Events},
    body=s.WithdrawalBody,
    example={"withdrawn_on": "2015-03-01"},
    **WRITE,  # type: ignore[arg-type]
)
def withdraw_reservation(code: str, reservation_id: int):  # type: ignore[no-untyped-def]
    """Record the withdrawal of a reservation."""
    _secretariat()
    party = party_of(code)
    reservation = _reservation(party, reservation_id)
    data = spec.body(s.WithdrawalBody)
    try:
        operations.withdraw_reservation(
            reservation, withdrawn_on=data.withdrawn_on, source=data.source or ""
        )
    except operations.PartyError as exc:
        refuse(400, str(exc), exc.field or None)
    return events_json(party)


def _retract(party: Party, action: Callable[[str], object]) -> Any:
    data = spec.body(s.RetractBody)
    try:
        action(data.reason)
    except operations.PartyError as exc:
        refuse(400, str(exc), "reason")
    return events_json(party)


@operation(
    f"{BASE}/events/<id:event_id>/retract",
    method="POST",
    responses={200: s.Events},
    body=s.RetractBody,
    example={"reason": "Recorded for the wrong party."},
    **WRITE,  # type: ignore[arg-type]
)
def retract_event(code: str, event_id: int):  # type: ignore[no-untyped-def]
    """Retract a recorded event found wrong (the audit log keeps what it said)."""
    _secretariat()
    party = party_of(code)
    event = lookup.event_by_id(party, event_id)
    if event is None:
        abort(404, description=f"{party} has no recorded event {event_id}.")
    return _retract(party, lambda reason: operations.retract_event(event, reason=reason))


@operation(
    f"{BASE}/reservations/<id:reservation_id>/retract",
    method="POST",
    responses={200: s.Events},
    body=s.RetractBody,
    example={"reason": "Recorded for the wrong party."},
    **WRITE,  # type: ignore[arg-type]
)
def retract_reservation(code: str, reservation_id: int):  # type: ignore[no-untyped-def]
    """Retract a recorded reservation found wrong (the audit log keeps what it said)."""
    _secretariat()
    party = party_of(code)
    reservation = _reservation(party, reservation_id)
    return _retract(
        party, lambda reason: operations.retract_reservation(reservation, reason=reason)
    )
