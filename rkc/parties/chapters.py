"""The Convention's chapters and provisions as the register of parties sees them.

A party accepts the Convention, then Specific Annexes or their chapters one by one; the chapter
list and a provision's kind and chapter come from the edition of the Convention in force on a
day (`reference_edition`). Reads only; no Flask here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from rkc.clock import today
from rkc.convention import queries as texts
from rkc.convention.kinds import KIND_LABELS
from rkc.convention.models import Edition, EditionEntry, Node, Revision, Work
from rkc.extensions import db
from rkc.parties.deadlines import (
    ProvisionKind,
)

#: The work whose text binds the parties.
CONVENTION = "rkc"
#: Keys of the Specific Annexes start with this; their chapters are accepted one by one.
SPECIFIC_ANNEX_PREFIX = "sa-"
#: Kinds of provision that carry an implementation deadline (art. 13).
DEADLINE_KINDS = frozenset(kind.value for kind in ProvisionKind)


# --------------------------------------------------------------------------- the chapters


@dataclass(frozen=True)
class Chapter:
    """A Specific Annex chapter: ``sa-b/1``, labelled ``B1``."""

    key: str
    label: str
    title: str
    annex_title: str
    node_id: int
    ordinal: int = 0

    @property
    def name(self) -> str:
        return f"{self.label} {self.title}".strip()


def label_from_key(key: str) -> str:
    """``sa-b/1`` -> ``B1`` (for a chapter no longer in the edition at hand)."""
    annex, _, number = key.partition("/")
    return annex.removeprefix(SPECIFIC_ANNEX_PREFIX).upper() + number.upper()


def convention() -> Work | None:
    return texts.work_by_key(CONVENTION)


def edition_on(day: date) -> Edition | None:
    """The Convention edition in force on ``day``."""
    work = convention()
    return texts.in_force_on(work, day) if work else None


def reference_edition(day: date | None = None) -> Edition | None:
    """The edition that names chapters and provisions: in force on ``day`` (or today), or
    else the first edition ever in force (for a day before 2006)."""
    work = convention()
    if work is None:
        return None
    edition = texts.in_force_on(work, day or today())
    if edition is None:
        first = texts.first_in_force_date(work)
        edition = texts.in_force_on(work, first) if first else None
    return edition


def chapters_of(edition: Edition | None) -> list[Chapter]:
    """The Specific Annex chapters of an edition, in document order."""
    if edition is None:
        return []
    chapters = []
    annex = None
    for item in texts.contents(edition, kinds=frozenset({"annex", "chapter"})):
        if item.kind == "annex":
            annex = item if item.key.startswith(SPECIFIC_ANNEX_PREFIX) else None
        elif annex is not None and item.depth == annex.depth + 1:
            chapters.append(
                Chapter(
                    key=item.key,
                    label=f"{annex.number or ''}{item.number or ''}" or label_from_key(item.key),
                    title=item.title or "",
                    annex_title=annex.title or "",
                    node_id=item.node_id,
                    ordinal=item.ordinal,
                )
            )
    return chapters


def chapter_by_label(chapters: Iterable[Chapter], label: str) -> Chapter | None:
    wanted = label.strip().upper()
    return next((c for c in chapters if c.label.upper() == wanted), None)


@dataclass(frozen=True)
class Provision:
    """A unit as one edition has it: what reservations and extensions refer to."""

    key: str
    node_id: int
    kind: str
    number: str | None
    title: str | None
    chapter_key: str | None

    @property
    def chapter_label(self) -> str | None:
        if self.chapter_key and self.chapter_key.startswith(SPECIFIC_ANNEX_PREFIX):
            return label_from_key(self.chapter_key)
        return None

    @property
    def name(self) -> str:
        kind = KIND_LABELS.get(self.kind, self.kind.replace("_", " ").title())
        where = self.chapter_label or (
            f"General Annex chapter {self.chapter_key.split('/')[1]}"
            if self.chapter_key and self.chapter_key.startswith("ga/")
            else ""
        )
        number = f" {self.number}" if self.number else ""
        return f"{kind}{number}" + (f" ({where})" if where else "")


def provision(key: str, day: date | None = None) -> Provision | None:
    """The unit ``key`` as the edition in force on ``day`` (or the reference edition) has it."""
    node = texts.node_by_key(key)
    edition = reference_edition(day)
    if node is None or edition is None:
        return None
    return provisions_of(edition, [node.id]).get(node.id)


def provisions_of(edition: Edition, node_ids: Iterable[int]) -> dict[int, Provision]:
    """Provisions of one edition by node id, with the chapter each belongs to."""
    ids = set(node_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(
            Node.key,
            Node.id,
            Revision.kind,
            Revision.number,
            Revision.title,
            EditionEntry.ordinal,
        )
        .join(EditionEntry, EditionEntry.node_id == Node.id)
        .join(Revision, Revision.id == EditionEntry.revision_id)
        .where(EditionEntry.edition_id == edition.id, EditionEntry.language == "en")
        .where(Node.id.in_(ids))
    ).all()
    chapters = db.session.execute(
        select(Node.key, EditionEntry.ordinal, EditionEntry.end_ordinal, EditionEntry.depth)
        .join(EditionEntry, EditionEntry.node_id == Node.id)
        .join(Revision, Revision.id == EditionEntry.revision_id)
        .where(
            EditionEntry.edition_id == edition.id,
            EditionEntry.language == "en",
            Revision.kind == "chapter",
            EditionEntry.depth == 1,
        )
    ).all()
    found = {}
    for key, node_id, kind, number, title, ordinal in rows:
        chapter = next(
            (c.key for c in chapters if c.ordinal <= ordinal <= c.end_ordinal),
            None,
        )
        found[node_id] = Provision(key, node_id, kind, number, title, chapter)
    return found
