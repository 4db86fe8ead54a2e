"""Who may respond to a recommendation: any Contracting Party. For a chapter's matters the
response of a party not bound by the chapter is recorded too, never discarded: whether it
counts is the law's one rule (`Rules.chapter_amendment_parties`, Art. 16), shown in the
explanation. Asks the parties area (`rkc.parties.standings`), which works out membership,
chapter acceptance and denunciation from the recorded events.

Dates are often imprecise (a year, a month). A party counts when the record allows it to be
bound on the day (`Bound.YES` or `Bound.MAYBE`): refusing a response that may well be valid
would lose a legal act; the Secretariat sees the precision on the party's page.
"""

from __future__ import annotations

from datetime import date

from rkc.convention.models import Node
from rkc.parties import standings
from rkc.parties.models import Party
from rkc.parties.standings import Bound


def why_not_respondent(party: Party, day: date) -> str | None:
    """None when `party` may respond on `day` (a Contracting Party); else the reason."""
    standing = standings.standing(party, day)
    if standing.bound_on(day) is Bound.NO:
        return f"{party.name} is not a Contracting Party on {day}."
    return None


def bound_party_ids(chapter: Node, day: date) -> list[int]:
    """Parties bound by `chapter` on `day` (those whose objections count)."""
    register = standings.load_register(day)
    return [
        standing.party.id
        for standing in register.standings
        if (accepted := standing.chapter(chapter.key)) is not None
        and accepted.bound_on(day) is not Bound.NO
    ]
