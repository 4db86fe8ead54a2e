"""What a freeze would leave behind: the Secretariat's pre-flight check (read-only).

Freezing a working draft ends the work on it. Before it does, the Secretariat sees the
amendments still open on the draft: agreed but not merged (a freeze refuses while there are
any: merge them or record them not agreed first), in conflict with the current text, and still
pending (tabled or under discussion; drafts are counted), and how many units changed since the
edition the draft was based on.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from rkc.amendments.models import FOLLOWING, PENDING, Amendment, AmendmentStatus
from rkc.convention import operations as text_store
from rkc.convention import queries as text_queries
from rkc.convention.kinds import KIND_LABELS
from rkc.convention.models import Edition
from rkc.extensions import db


@dataclass(frozen=True)
class Preflight:
    edition: Edition
    agreed: list[Amendment]
    conflicted: list[Amendment]
    pending: list[Amendment]
    drafts: int
    changed_units: int | None  # None: the draft has no edition it was based on
    #: amendment id -> how people name the unit it amends ("Standard 3.1").
    targets: dict[int, str]

    @property
    def blocked(self) -> bool:
        """Agreed amendments would be stranded: the freeze is refused."""
        return bool(self.agreed)

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.conflicted or self.pending or self.drafts)


def preflight(edition: Edition) -> Preflight:
    """The amendments open on `edition` and the number of units it changed."""
    open_ones = list(
        db.session.scalars(
            select(Amendment)
            .options(joinedload(Amendment.party), joinedload(Amendment.node))
            .where(Amendment.edition_id == edition.id, Amendment.status.in_(FOLLOWING))
            .order_by(Amendment.sequence.is_(None), Amendment.sequence, Amendment.id)
        )
    )
    drafts = [a for a in open_ones if a.status is AmendmentStatus.DRAFT]
    changed = None
    if edition.based_on is not None:
        counts = text_queries.compare(edition.based_on, edition).counts
        changed = sum(n for status, n in counts.items() if status != "unchanged")
    targets = {}
    for a in open_ones:
        node = a.node or a.parent_node
        current = text_store.current_revision(edition, node) if node is not None else None
        if current is not None:
            kind = KIND_LABELS.get(current.kind, current.kind.replace("_", " ").title())
            name = current.number or current.title or ""
            targets[a.id] = f"{kind} {name}".strip() if a.node else f"in {kind} {name}".strip()
    return Preflight(
        edition=edition,
        agreed=[a for a in open_ones if a.status is AmendmentStatus.AGREED],
        # Drafts are their party's own until tabled: counted above, never named.
        conflicted=[
            a for a in open_ones if a.has_conflict and a.status is not AmendmentStatus.DRAFT
        ],
        pending=[
            a for a in open_ones if a.status in PENDING and a.status is not AmendmentStatus.DRAFT
        ],
        drafts=len(drafts),
        changed_units=changed,
        targets=targets,
    )
