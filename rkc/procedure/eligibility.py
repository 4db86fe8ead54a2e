"""Who may respond to a recommendation: Contracting Parties, and for a chapter's matters the
parties that accepted that chapter. Reads the parties' recorded events; writes nothing.

Dates are often imprecise (a year, a month). A party counts as having acted by day D when the
record allows it (the earliest possible date of its act is on or before D): refusing a
response that may well be valid would lose a legal act; the Secretariat sees the precision on
the party's page.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from rkc.convention.models import Node
from rkc.extensions import db
from rkc.parties.models import EventKind, Party, PartyEvent


def _acted_by(event: PartyEvent, day: date) -> bool:
    return event.event_on is None or event.event_on.earliest() <= day


def _denounced_by(events: list[PartyEvent], node_id: int | None, day: date) -> bool:
    return any(
        e.kind is EventKind.DENUNCIATION
        and e.node_id == node_id
        and e.event_on is not None
        and e.event_on.latest() <= day
        for e in events
    )


def is_party_on(party: Party, day: date) -> bool:
    events = list(party.events)
    joined = any(e.kind is EventKind.INSTRUMENT and _acted_by(e, day) for e in events)
    return joined and not _denounced_by(events, None, day)


def has_chapter_on(party: Party, chapter: Node, day: date) -> bool:
    events = list(party.events)
    accepted = any(
        e.kind is EventKind.ACCEPTANCE and e.node_id == chapter.id and _acted_by(e, day)
        for e in events
    )
    return accepted and not _denounced_by(events, chapter.id, day)


def why_not_respondent(party: Party, chapter: Node | None, day: date) -> str | None:
    """None when `party` may respond on `day`; otherwise the reason, in words."""
    if not is_party_on(party, day):
        return f"{party.name} is not a Contracting Party on {day}."
    if chapter is not None and not has_chapter_on(party, chapter, day):
        return f"{party.name} had not accepted chapter {chapter.key} on {day}."
    return None


def bound_party_ids(chapter: Node, day: date) -> list[int]:
    """Parties that had accepted `chapter` by `day` (those whose objections count)."""
    parties = db.session.scalars(
        select(Party)
        .join(PartyEvent)
        .where(PartyEvent.kind == EventKind.ACCEPTANCE, PartyEvent.node_id == chapter.id)
    ).unique()
    return [p.id for p in parties if has_chapter_on(p, chapter, day)]
