"""Reads of the text store. Everything a page needs, as finished values; no writes.

Reading an edition is a scan of its manifest (`edition_entry`) by ordinal range: the cost
does not depend on how many editions or revisions came before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar

from flask_babel import gettext
from markupsafe import Markup
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from rkc.convention.kinds import PROVISION_KINDS, STRUCTURAL_KINDS
from rkc.convention.models import Edition, EditionEntry, EditionStatus, Node, Revision, Work
from rkc.extensions import db
from rkc.messages import N_
from rkc.text.diff import diff_stats, redline_html, word_diff, word_redline

T = TypeVar("T")

PUBLISHED = (EditionStatus.ADOPTED, EditionStatus.IN_FORCE, EditionStatus.SUPERSEDED)
ENTERED = (EditionStatus.IN_FORCE, EditionStatus.SUPERSEDED)


@dataclass(frozen=True)
class Item:
    """One unit as it stands in one edition."""

    key: str
    node_id: int
    revision_id: int
    kind: str
    number: str | None
    number_alt: str | None
    title: str | None
    text: str
    explains: tuple[str, ...]
    depth: int
    ordinal: int
    end_ordinal: int
    parent_id: int | None
    content_hash: str

    @property
    def is_provision(self) -> bool:
        return self.kind in PROVISION_KINDS

    @property
    def is_structural(self) -> bool:
        return self.kind in STRUCTURAL_KINDS


def _items_query(edition_id: int, language: str) -> Select:
    return (
        select(
            Node.key,
            EditionEntry.node_id,
            EditionEntry.revision_id,
            Revision.kind,
            Revision.number,
            Revision.number_alt,
            Revision.title,
            Revision.text,
            Revision.explains,
            EditionEntry.depth,
            EditionEntry.ordinal,
            EditionEntry.end_ordinal,
            Revision.parent_id,
            Revision.content_hash,
        )
        .join(Revision, Revision.id == EditionEntry.revision_id)
        .join(Node, Node.id == EditionEntry.node_id)
        .where(EditionEntry.edition_id == edition_id, EditionEntry.language == language)
        .order_by(EditionEntry.ordinal)
    )


def _to_items(rows: Sequence) -> list[Item]:
    return [
        Item(
            key=r[0],
            node_id=r[1],
            revision_id=r[2],
            kind=r[3],
            number=r[4],
            number_alt=r[5],
            title=r[6],
            text=r[7],
            explains=tuple(r[8].split()) if r[8] else (),
            depth=r[9],
            ordinal=r[10],
            end_ordinal=r[11],
            parent_id=r[12],
            content_hash=r[13],
        )
        for r in rows
    ]


# --------------------------------------------------------------------------- works, editions


def all_works() -> list[Work]:
    return list(db.session.scalars(select(Work).order_by(Work.position)))


def work_by_key(key: str) -> Work | None:
    return db.session.scalar(select(Work).where(Work.key == key))


def node_by_key(key: str) -> Node | None:
    return db.session.scalar(select(Node).where(Node.key == key))


def node_for_reader(key: str, *, include_drafts: bool) -> Node | None:
    """The unit `key` as a reader may know it: without `include_drafts` (a reader who may not
    see working drafts), a unit that only a working draft holds is as unknown as a key that
    exists nowhere, so that the answer for one cannot be told from the answer for the other.
    Its work comes in the same query (every caller reads it next)."""
    stmt = select(Node).options(joinedload(Node.work)).where(Node.key == key)
    if not include_drafts:
        # Looked up in each published edition by the manifest's primary key (no index on
        # the manifest leads with the node: EditionEntry).
        published = select(EditionEntry.node_id).where(
            EditionEntry.edition_id.in_(select(Edition.id).where(Edition.status.in_(PUBLISHED))),
            EditionEntry.node_id == Node.id,
        )
        stmt = stmt.where(published.exists())
    return db.session.scalar(stmt)


def editions_of(work: Work, *, include_drafts: bool = False) -> list[Edition]:
    """Editions in the order they came: in-force date, then adoption, then creation."""
    stmt = select(Edition).where(Edition.work_id == work.id)
    if not include_drafts:
        stmt = stmt.where(Edition.status.in_(PUBLISHED))
    editions = list(db.session.scalars(stmt))
    far = date.max
    return sorted(
        editions,
        key=lambda e: (e.in_force_from or e.adopted_on or far, e.created_at, e.id),
    )


def edition_by_slug(work: Work, slug: str) -> Edition | None:
    return db.session.scalar(
        select(Edition).where(Edition.work_id == work.id, Edition.slug == slug)
    )


def in_force_on(work: Work, day: date) -> Edition | None:
    """The edition in force on `day`: the latest whose in-force date is on or before it."""
    return db.session.scalar(
        select(Edition)
        .where(
            Edition.work_id == work.id,
            Edition.status.in_(ENTERED),
            Edition.in_force_from <= day,
        )
        .order_by(Edition.in_force_from.desc(), Edition.id.desc())
        .limit(1)
    )


def first_in_force_date(work: Work) -> date | None:
    return db.session.scalar(
        select(Edition.in_force_from)
        .where(Edition.work_id == work.id, Edition.status.in_(ENTERED))
        .order_by(Edition.in_force_from)
        .limit(1)
    )


def successor(edition: Edition) -> Edition | None:
    """The next edition to enter into force after this one, if any."""
    if edition.in_force_from is None:
        return None
    return db.session.scalar(
        select(Edition)
        .where(
            Edition.work_id == edition.work_id,
            Edition.status.in_(ENTERED),
            Edition.in_force_from > edition.in_force_from,
        )
        .order_by(Edition.in_force_from)
        .limit(1)
    )


@dataclass(frozen=True)
class EditionView:
    """An edition with its state on a given day, for badges and pickers."""

    edition: Edition
    state: str

    @property
    def label(self) -> str:
        """The state in the interface's language (exports use STATE_LABELS, in English)."""
        return gettext(STATE_LABELS[self.state])


STATE_LABELS = {
    "working_draft": N_("Working draft"),
    "adopted": N_("Adopted, not yet in force"),
    "prospective": N_("Not yet in force"),
    "in_force": N_("In force"),
    "superseded": N_("Superseded"),
}


def edition_views(work: Work, today: date, *, include_drafts: bool = False) -> list[EditionView]:
    """Each edition with its state on `today`, in one pass (no edition-by-edition rescans)."""
    editions = editions_of(work, include_drafts=include_drafts)
    current = max(
        (
            e
            for e in editions
            if e.status in ENTERED and e.in_force_from is not None and e.in_force_from <= today
        ),
        key=lambda e: (e.in_force_from, e.id),
        default=None,
    )
    views = []
    for edition in editions:
        # Only the edition in force today can supersede an older one.
        later = (
            current
            if current is not None
            and edition.in_force_from is not None
            and current.in_force_from is not None
            and current.in_force_from > edition.in_force_from
            else None
        )
        views.append(EditionView(edition, edition.state_on(today, later)))
    return views


# --------------------------------------------------------------------------- reading


def languages_of(edition: Edition) -> list[str]:
    """The languages an edition holds text in ("en" first)."""
    found = set(
        db.session.scalars(
            select(EditionEntry.language).where(EditionEntry.edition_id == edition.id).distinct()
        )
    )
    return sorted(found, key=lambda code: (code != "en", code))


def align(columns: Sequence[Sequence[T]], key: Callable[[T], object]) -> list[tuple[T | None, ...]]:
    """Rows of one item per column with the same key, in the first column's order; an item of
    a later column with no twin in an earlier one gets a row of its own after its predecessor."""
    rows: list[list[T | None]] = []
    where: dict[object, int] = {}
    for index, column in enumerate(columns):
        last = -1
        for item in column:
            k = key(item)
            if k in where:
                last = where[k]
                rows[last][index] = item
            else:
                row: list[T | None] = [None] * len(columns)
                row[index] = item
                last += 1
                rows.insert(last, row)
                where = {key(next(i for i in r if i is not None)): n for n, r in enumerate(rows)}
    return [tuple(r) for r in rows]


def entry_of(edition: Edition, node: Node, language: str = "en") -> EditionEntry | None:
    return db.session.get(EditionEntry, (edition.id, node.id, language))


def contents(
    edition: Edition, language: str = "en", kinds: frozenset[str] | None = None
) -> list[Item]:
    """The whole edition in document order (optionally only some kinds)."""
    stmt = _items_query(edition.id, language)
    if kinds is not None:
        stmt = stmt.where(Revision.kind.in_(kinds))
    return _to_items(db.session.execute(stmt).all())


TOC_KINDS = frozenset({"instrument", "preamble", "annex", "chapter", "section", "guidelines"})


def table_of_contents(edition: Edition, language: str = "en") -> list[Item]:
    return contents(edition, language, TOC_KINDS)


def subtree(edition: Edition, entry: EditionEntry, language: str = "en") -> list[Item]:
    """A unit and all its descendants, in document order: one range scan."""
    stmt = _items_query(edition.id, language).where(
        EditionEntry.ordinal >= entry.ordinal, EditionEntry.ordinal <= entry.end_ordinal
    )
    return _to_items(db.session.execute(stmt).all())


def ancestors(edition: Edition, entry: EditionEntry, language: str = "en") -> list[Item]:
    """The units that contain `entry`, outermost first (for breadcrumbs)."""
    stmt = _items_query(edition.id, language).where(
        EditionEntry.ordinal < entry.ordinal,
        EditionEntry.end_ordinal >= entry.end_ordinal,
        EditionEntry.depth < entry.depth,
    )
    return _to_items(db.session.execute(stmt).all())


def neighbours(
    edition: Edition, entry: EditionEntry, language: str = "en"
) -> tuple[Item | None, Item | None]:
    """The previous and next unit of the same depth level in document order."""
    base = _items_query(edition.id, language).where(EditionEntry.depth == entry.depth)
    before = db.session.execute(
        base.where(EditionEntry.ordinal < entry.ordinal)
        .order_by(None)
        .order_by(EditionEntry.ordinal.desc())
        .limit(1)
    ).all()
    after = db.session.execute(base.where(EditionEntry.ordinal > entry.end_ordinal).limit(1)).all()
    prev_items, next_items = _to_items(before), _to_items(after)
    return (prev_items[0] if prev_items else None, next_items[0] if next_items else None)


def guidelines_for(keys: Sequence[str], day: date, language: str = "en") -> dict[str, list[Item]]:
    """Guideline paragraphs in force on `day` that explain any of `keys`, by key explained."""
    work = work_by_key("guidelines")
    wanted = set(keys)
    result: dict[str, list[Item]] = {}
    if work is None or not wanted:
        return result
    edition = in_force_on(work, day)
    if edition is None:
        return result
    stmt = _items_query(edition.id, language).where(
        Revision.kind == "guideline", Revision.explains != ""
    )
    for item in _to_items(db.session.execute(stmt).all()):
        for target in item.explains:
            if target in wanted:
                result.setdefault(target, []).append(item)
    return result


# --------------------------------------------------------------------------- history


@dataclass
class HistoryStep:
    """One distinct revision of a node, the editions that carry it, and what it changed."""

    revision: Revision
    editions: list[Edition] = field(default_factory=list)
    redline: Markup | None = None
    words_added: int = 0
    words_removed: int = 0
    changes: list[str] = field(default_factory=list)


def history(node: Node, language: str = "en", *, include_drafts: bool = False) -> list[HistoryStep]:
    """Every revision of `node` that some visible edition contains, oldest first."""
    # The work's editions first, each one's entry for the node by the manifest's primary key.
    stmt = (
        select(Revision, Edition)
        .select_from(Edition)
        .join(
            EditionEntry,
            (EditionEntry.edition_id == Edition.id)
            & (EditionEntry.node_id == node.id)
            & (EditionEntry.language == language),
        )
        .join(Revision, Revision.id == EditionEntry.revision_id)
        .where(Edition.work_id == node.work_id)
    )
    if not include_drafts:
        stmt = stmt.where(Edition.status.in_(PUBLISHED))
    steps: dict[int, HistoryStep] = {}
    for revision, edition in db.session.execute(stmt).all():
        steps.setdefault(revision.id, HistoryStep(revision)).editions.append(edition)
    _add_intermediate_steps(node, language, steps)
    ordered = sorted(steps.values(), key=lambda s: (s.revision.created_at, s.revision.id))
    previous: Revision | None = None
    for step in ordered:
        step.editions.sort(key=lambda e: (e.in_force_from or date.max, e.id))
        if previous is not None:
            segments = word_diff(previous.text, step.revision.text)
            stats = diff_stats(segments)
            step.redline = redline_html(segments)
            step.words_added, step.words_removed = stats.words_added, stats.words_removed
            step.changes = _describe_change(previous, step.revision) or ["reordered"]
        previous = step.revision
    return ordered


def _add_intermediate_steps(node: Node, language: str, steps: dict[int, HistoryStep]) -> None:
    """Revisions that no edition holds any more but that lie between two visible ones (a draft
    revised twice before it was frozen: the first merge is still part of the story). Only
    ancestors of a visible revision, so nothing of an unpublished draft leaks out; revisions
    that merely moved the unit among its siblings are left out."""
    revisions = {
        r.id: r
        for r in db.session.scalars(
            select(Revision).where(Revision.node_id == node.id, Revision.language == language)
        )
    }
    for start in list(steps):
        current = revisions.get(start)
        while current is not None and current.predecessor_id is not None:
            earlier = revisions.get(current.predecessor_id)
            if earlier is None or earlier.id in steps:
                break
            before = revisions.get(earlier.predecessor_id or 0)
            if before is None or _describe_change(before, earlier):
                steps[earlier.id] = HistoryStep(earlier)
            current = earlier


def _describe_change(old: Revision | Item, new: Revision | Item) -> list[str]:
    """Name what differs between two versions of one unit: text, number, kind, heading, place."""
    changes = []
    if old.text != new.text:
        changes.append("text")
    if old.number != new.number:
        changes.append(f"renumbered {old.number or '-'} → {new.number or '-'}")
    if old.kind != new.kind:
        changes.append(f"kind {old.kind.replace('_', ' ')} → {new.kind.replace('_', ' ')}")
    if old.title != new.title:
        changes.append("heading")
    if old.parent_id != new.parent_id:
        changes.append("moved")
    return changes


# --------------------------------------------------------------------------- compare


@dataclass
class CompareRow:
    status: str  # "added", "removed", "changed", "moved", "unchanged"
    old: Item | None
    new: Item | None
    redline: Markup | None = None
    changes: list[str] = field(default_factory=list)

    @property
    def item(self) -> Item:
        item = self.new or self.old
        assert item is not None
        return item


@dataclass
class Comparison:
    old: Edition
    new: Edition
    rows: list[CompareRow]
    counts: dict[str, int]
    words_added: int
    words_removed: int

    @property
    def changed_rows(self) -> list[CompareRow]:
        return [r for r in self.rows if r.status != "unchanged"]


def compare(
    old: Edition,
    new: Edition,
    language: str = "en",
    *,
    node: Node | None = None,
) -> Comparison:
    """Align two editions (or one unit of them) by node and redline what changed."""
    old_items = _scope(old, node, language)
    new_items = _scope(new, node, language)
    old_by_key = {i.key: i for i in old_items}
    new_keys = {i.key for i in new_items}

    # Removed units are placed after the nearest preceding unit both editions share.
    removed_after: dict[str | None, list[Item]] = {}
    anchor: str | None = None
    for item in old_items:
        if item.key in new_keys:
            anchor = item.key
        else:
            removed_after.setdefault(anchor, []).append(item)

    rows: list[CompareRow] = [CompareRow("removed", i, None) for i in removed_after.get(None, [])]
    counts = {"added": 0, "removed": 0, "changed": 0, "moved": 0, "unchanged": 0}
    added_words = removed_words = 0
    for item in new_items:
        before = old_by_key.get(item.key)
        if before is None:
            rows.append(CompareRow("added", None, item, word_redline("", item.text)))
        elif before.content_hash == item.content_hash:
            rows.append(CompareRow("unchanged", before, item))
        else:
            changes = _describe_change(before, item)
            if not changes:  # only its place among siblings shifted
                rows.append(CompareRow("unchanged", before, item))
                rows.extend(CompareRow("removed", i, None) for i in removed_after.get(item.key, []))
                continue
            status = "moved" if changes == ["moved"] else "changed"
            segments = word_diff(before.text, item.text)
            stats = diff_stats(segments)
            added_words += stats.words_added
            removed_words += stats.words_removed
            rows.append(CompareRow(status, before, item, redline_html(segments), changes))
        rows.extend(CompareRow("removed", i, None) for i in removed_after.get(item.key, []))
    for row in rows:
        counts[row.status] += 1
        if row.status == "removed" and row.old is not None:
            removed_words += len(row.old.text.split())
        if row.status == "added" and row.new is not None:
            added_words += len(row.new.text.split())
    return Comparison(old, new, rows, counts, added_words, removed_words)


def _scope(edition: Edition, node: Node | None, language: str) -> list[Item]:
    if node is None:
        return contents(edition, language)
    entry = entry_of(edition, node, language)
    return subtree(edition, entry, language) if entry else []


# --------------------------------------------------------------------------- provenance, feeds


@dataclass(frozen=True)
class Provenance:
    """Where a revision came from: its origin and the reference recorded with it."""

    origin: str
    reference: str
    recorded_at: datetime


def provenance(rows: Sequence[CompareRow]) -> dict[str, Provenance]:
    """The origin of each changed unit's new revision, by node key."""
    ids = {row.new.revision_id: row.new.key for row in rows if row.new is not None}
    if not ids:
        return {}
    found = db.session.execute(
        select(Revision.id, Revision.origin, Revision.origin_ref, Revision.created_at).where(
            Revision.id.in_(list(ids))
        )
    ).all()
    return {ids[r.id]: Provenance(r.origin, r.origin_ref, r.created_at) for r in found}


def published_editions_newest_first(limit: int = 50) -> list[Edition]:
    """Published editions of every work, most recently frozen first (for the feed)."""
    return list(
        db.session.scalars(
            select(Edition)
            .where(Edition.status.in_(PUBLISHED))
            .order_by(Edition.frozen_at.desc(), Edition.id.desc())
            .limit(limit)
        )
    )
