"""JSON API for a party's record: instruments, acceptances, reservations, deadlines, and the
text binding it on a day.

Everything is read through `rkc.parties.standings` and `binding_text` (which apply the date
rules), as the party's pages are; nothing here computes a date. Dates keep their recorded precision
(`2006`, `2006-04`, `2006-04-29`); a computed date is a range `{earliest, latest}` that is
exact when both agree, with the explanation that gives it. A party whose entry into force
is not recorded has `entry_into_force: null` and says "date not recorded"; a party whose
Specific Annex chapters are not known has `specific_annex_chapters: "unknown"`, never an
empty list, which would mean "none".
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, url_for

from rkc.api import spec
from rkc.api.schemas import parties as s
from rkc.api.spec import operation
from rkc.clock import today
from rkc.parties import standings
from rkc.parties.binding_text import BindingText, binding_text
from rkc.parties.deadlines import Deadline
from rkc.parties.lookup import party_by_ident
from rkc.parties.models import Party
from rkc.parties.periods import DateRange, DateResult


def register(bp: Blueprint) -> None:
    """Add this module's routes to the API blueprint."""
    spec.add_routes(
        bp,
        party_instruments,
        party_acceptances,
        party_reservations,
        party_deadlines,
        party_binding,
    )


# --------------------------------------------------------------------------- helpers


def party_of(code: str) -> Party:
    party = party_by_ident(code) if code.isalnum() and len(code) <= 12 else None
    if party is None:
        abort(
            404,
            description=f"No party has the code {code!r}: give its ISO 3166-1 alpha-3 code "
            "(e.g. AUT), or its number for a party without one (the European Union).",
        )
    return party


def span_json(span: DateRange | None) -> dict[str, Any] | None:
    if span is None:
        return None
    return {
        "earliest": span.earliest.isoformat(),
        "latest": span.latest.isoformat(),
        "exact": span.is_exact,
        "text": str(span),
    }


def result_json(result: DateResult | None) -> dict[str, Any] | None:
    if result is None:
        return None
    return {
        **(span_json(result.span) or {}),
        "basis": "recorded" if result.is_recorded else "computed",
        "computed": span_json(result.computed),
        "explanation": list(result.explanation),
    }


def deadline_json(deadline: Deadline | None) -> dict[str, Any] | None:
    if deadline is None:
        return None
    return {
        "due": span_json(deadline.span),
        "period_months": deadline.period_months,
        "extension_months": deadline.extension_months,
        "explanation": list(deadline.explanation),
    }


def head(party: Party, standing: standings.Standing) -> dict[str, Any]:
    membership = standing.membership
    return {
        "party": party.name,
        "code": party.ident,
        "iso3": party.iso3,
        "is_party": standing.is_party,
        "entry_into_force": result_json(membership.entry_into_force) if membership else None,
        "entry_into_force_note": (
            "date not recorded" if membership and membership.entry_into_force is None else None
        ),
        "specific_annex_chapters": chapters_record(standing),
    }


def chapters_record(standing: standings.Standing) -> str | list[str]:
    """``"unknown"``, ``"none"``, or the labels of the chapters accepted now (a list; when
    the record is not known to be complete, ``chapters_complete`` says so)."""
    record = standing.chapters_record
    if record in ("unknown", "none"):
        return record
    return [c.chapter.label for c in standing.current_chapters]


# --------------------------------------------------------------------------- routes


@operation("/parties/<code>/instruments", responses={200: s.Instruments}, errors=[404])
def party_instruments(code: str):  # type: ignore[no-untyped-def]
    """The party's instruments and denunciation of the Convention, as recorded."""
    party = party_of(code)
    standing = standings.standing(party)
    membership = standing.membership
    instruments = [
        {
            "kind": event.instrument.value if event.instrument else None,
            "deposited_on": str(event.event_on) if event.event_on else None,
            "recorded_entry_into_force": str(event.in_force_on) if event.in_force_on else None,
            "source": event.source,
        }
        for event in standing.events
        if event.kind.value == "instrument"
    ]
    return {
        **head(party, standing),
        "instruments": instruments,
        "denunciation": None
        if membership is None or membership.denunciation is None
        else {
            "notice_on": str(membership.denunciation.event_on),
            "effective": result_json(membership.ends),
        },
    }


@operation("/parties/<code>/acceptances", responses={200: s.Acceptances}, errors=[404])
def party_acceptances(code: str):  # type: ignore[no-untyped-def]
    """The Specific Annex chapters the party accepted, and when each is in force for it."""
    party = party_of(code)
    standing = standings.standing(party)
    return {
        **head(party, standing),
        "chapters_complete": party.chapters_known,
        "chapters_source": party.chapters_source,
        "acceptances": [
            {
                "chapter": accepted.chapter.label,
                "key": accepted.chapter.key,
                "notified_on": str(accepted.acceptance.event_on),
                "in_force": result_json(accepted.in_force),
                "denounced_on": str(accepted.denunciation.event_on)
                if accepted.denunciation
                else None,
                "ends": result_json(accepted.ends),
            }
            for accepted in standing.chapters
        ],
    }


@operation("/parties/<code>/reservations", responses={200: s.Reservations}, errors=[404])
def party_reservations(code: str):  # type: ignore[no-untyped-def]
    """The party's reservations to Recommended Practices (art. 12) and their review dates."""
    party = party_of(code)
    standing = standings.standing(party)
    return {
        **head(party, standing),
        "reservations": [
            {
                "provision": item.key,
                "text": item.reservation.text,
                "entered_on": str(item.reservation.entered_on),
                "withdrawn_on": str(item.reservation.withdrawn_on)
                if item.reservation.withdrawn_on
                else None,
                "reviews_due": [d.isoformat() for d in item.reviews.due_dates],
                "next_review": item.reviews.next_due.isoformat(),
            }
            for item in standing.reservations
        ],
    }


@operation("/parties/<code>/deadlines", responses={200: s.Deadlines}, errors=[404])
def party_deadlines(code: str):  # type: ignore[no-untyped-def]
    """The party's implementation deadlines (art. 13), by group; null where its date of
    entry into force is not recorded."""
    party = party_of(code)
    register = standings.load_register(party_ids=[party.id])
    standing = register.standings[0]
    return {
        **head(party, standing),
        "deadlines": [
            {"scope": row["scope"], "deadline": deadline_json(row["deadline"])}
            for row in standings.deadline_summary(standing, register.rules)
        ],
        "extensions": [
            {
                "target": event.node.key if event.node else None,
                "months": event.months,
                "requested_on": str(event.requested_on) if event.requested_on else None,
                "granted_on": str(event.event_on),
            }
            for event in standing.extensions
        ],
    }


@operation("/parties/<code>/binding", responses={200: s.Binding}, query=s.OnQuery, errors=[404])
def party_binding(code: str, query: s.OnQuery):  # type: ignore[no-untyped-def]
    """The text binding the party on `on` (today without one): the provisions of the edition
    in force that day that bind it, each with its reservation and deadline."""
    party = party_of(code)
    day = query.on or today()
    binding = binding_text(party, day)
    if binding is None:
        abort(404, description=f"No edition of the Convention was in force on {day}.")
    return binding_json(binding)


def binding_json(binding: BindingText) -> dict[str, Any]:
    party, standing = binding.party, binding.standing
    units = []
    for item in binding.items:
        note = binding.annotations.get(item.key)
        reservation = note.reservation if note else None
        units.append(
            {
                "key": item.key,
                "kind": item.kind,
                "number": item.number,
                "title": item.title,
                "text": item.text,
                "depth": item.depth,
                "reservation": None
                if reservation is None
                else {
                    "text": reservation.reservation.text,
                    "entered_on": str(reservation.reservation.entered_on),
                    "applies": note.reservation_state.value if note else "no",
                },
                "deadline": deadline_json(note.deadline) if note else None,
            }
        )
    return {
        **head(party, standing),
        "on": binding.day.isoformat(),
        "bound": binding.state.value,
        "edition": binding.edition.slug,
        "unofficial_working_text": not binding.edition.is_authentic,
        "chapters_in_force": [
            {"chapter": c.chapter.label, "key": c.chapter.key, "bound": state.value}
            for c, state in binding.chapters_in
        ],
        "chapters_pending": [c.chapter.label for c in binding.chapters_pending],
        "chapters_ended": [c.chapter.label for c in binding.chapters_ended],
        "chapters_left_out": [c.label for c in binding.chapters_not_accepted],
        "html": url_for("parties.show_binding_text", ident=party.ident, on=binding.day.isoformat()),
        "units": units,
    }
