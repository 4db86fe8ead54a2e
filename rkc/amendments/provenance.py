"""Who a revision of the text is owed to: every amendment behind it, with its parties.

A merged revision names its amendments in `revision_source` rows. A change between two
editions may rest on several revisions (RD/008 merged, then RD/009 revised over it and merged):
`credits_between` walks the revision's predecessors back to the older edition's revision and
credits every amendment met on the way, oldest first. Read-only; views call it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select

from rkc.amendments.models import Amendment, AmendmentSponsor, RevisionSource, SponsorStatus
from rkc.convention.models import Revision
from rkc.extensions import db
from rkc.parties.models import Party


@dataclass(frozen=True)
class Credit:
    """One amendment a revision carries (or that a compromise superseded)."""

    amendment_id: int
    label: str
    party: str
    co_sponsors: tuple[str, ...]
    role: str  # "merged" or "compromise"

    @property
    def text(self) -> str:
        sponsors = f", co-sponsored by {', '.join(self.co_sponsors)}" if self.co_sponsors else ""
        return f"{self.label} ({self.party}{sponsors})"


def credits_for(revision_ids: Iterable[int]) -> dict[int, list[Credit]]:
    """revision id -> the amendments it carries, in the order they were tabled."""
    wanted = list(dict.fromkeys(revision_ids))
    if not wanted:
        return {}
    rows = db.session.execute(
        select(RevisionSource.revision_id, RevisionSource.role, Amendment, Party.name)
        .join(Amendment, Amendment.id == RevisionSource.amendment_id)
        .join(Party, Party.id == Amendment.party_id)
        .where(RevisionSource.revision_id.in_(wanted))
        .order_by(Amendment.sequence, Amendment.id)
    ).all()
    sponsors: dict[int, list[str]] = {}
    amendment_ids = {amendment.id for _r, _role, amendment, _p in rows}
    if amendment_ids:
        for amendment_id, name in db.session.execute(
            select(AmendmentSponsor.amendment_id, Party.name)
            .join(Party, Party.id == AmendmentSponsor.party_id)
            .where(
                AmendmentSponsor.amendment_id.in_(amendment_ids),
                AmendmentSponsor.status == SponsorStatus.CONFIRMED,
            )
            .order_by(Party.name)
        ):
            sponsors.setdefault(amendment_id, []).append(name)
    found: dict[int, list[Credit]] = {}
    for revision_id, role, amendment, party in rows:
        found.setdefault(revision_id, []).append(
            Credit(
                amendment.id,
                amendment.label,
                party,
                tuple(sponsors.get(amendment.id, ())),
                role,
            )
        )
    return found


def chain(new_revision_id: int, old_revision_id: int | None) -> list[int]:
    """The revisions from `old` (exclusive) to `new` (inclusive), oldest first, following
    predecessors; stops at the first revision without one if `old` is never met."""
    ids: list[int] = []
    current: int | None = new_revision_id
    seen: set[int] = set()
    while current is not None and current != old_revision_id and current not in seen:
        seen.add(current)
        ids.append(current)
        current = db.session.scalar(select(Revision.predecessor_id).where(Revision.id == current))
    return ids[::-1]


def credits_between(pairs: Mapping[str, tuple[int, int | None]]) -> dict[str, list[Credit]]:
    """key -> every amendment behind the change from an old revision to a new one (each once,
    oldest revision first). `pairs` maps a unit's key to (new revision id, old revision id)."""
    chains = {key: chain(new, old) for key, (new, old) in pairs.items()}
    by_revision = credits_for(r for ids in chains.values() for r in ids)
    result: dict[str, list[Credit]] = {}
    for key, ids in chains.items():
        seen: set[int] = set()
        for revision_id in ids:
            for credit in by_revision.get(revision_id, []):
                if credit.amendment_id not in seen:
                    seen.add(credit.amendment_id)
                    result.setdefault(key, []).append(credit)
    return result
