"""Who may respond to a recommendation: Contracting Parties, and for a chapter's matters the
parties bound by that chapter. Asks the parties area (`rkc.parties.queries`), which already
works out membership, chapter acceptance and denunciation from the recorded events.

Dates are often imprecise (a year, a month). A party counts when the record allows it to be
bound on the day (`Bound.YES` or `Bound.MAYBE`): refusing a response that may well be valid
would lose a legal act; the Secretariat sees the precision on the party's page.
"""

from __future__ import annotations

from datetime import date

from rkc.convention.models import Node
from rkc.parties import queries as parties
from rkc.parties.models import Party
from rkc.parties.queries import Bound


def why_not_respondent(party: Party, chapter: Node | None, day: date) -> str | None:
    """None when `party` may respond on `day`; otherwise the reason, in words."""
    standing = parties.standing(party, day)
    if standing.bound_on(day) is Bound.NO:
        return f"{party.name} is not a Contracting Party on {day}."
    if chapter is not None:
        accepted = standing.chapter(chapter.key)
        if accepted is None or accepted.bound_on(day) is Bound.NO:
            return f"{party.name} had not accepted chapter {chapter.key} on {day}."
    return None


def bound_party_ids(chapter: Node, day: date) -> list[int]:
    """Parties bound by `chapter` on `day` (those whose objections count)."""
    register = parties.load_register(day)
    return [
        standing.party.id
        for standing in register.standings
        if (accepted := standing.chapter(chapter.key)) is not None
        and accepted.bound_on(day) is not Bound.NO
    ]
