"""Reads about amendments: lists, the provision's competing amendments, one amendment's page,
and compilations in document order. Finished values for the templates; no writes.

Size: over 600 lines, lists, one amendment's page and compilations; compilations are the part
to move out first.

Visibility is applied here as well as in the views: a draft is seen only by delegates of its
own party (`visible_clause`), so a list can never leak one.

Document order: an amendment sits where its target sits in the working draft (the manifest's
ordinal); an insertion sits after the subtree of the sibling it follows (or right after its
parent's heading when it goes first). Amendments whose target left the draft come last.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup
from sqlalchemy import ColumnElement, and_, case, false, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from rkc.amendments.common import revision_label, unit_label
from rkc.amendments.models import (
    FOLLOWING,
    TRANSITIONS,
    Amendment,
    AmendmentAction,
    AmendmentComment,
    AmendmentPosition,
    AmendmentPositionChange,
    AmendmentReader,
    AmendmentRevision,
    AmendmentSponsor,
    AmendmentStatus,
    AmendmentTransition,
    SponsorStatus,
    Stance,
)
from rkc.auth.models import Role
from rkc.auth.permissions import Action, can, role_of
from rkc.convention import queries as text_queries
from rkc.convention.models import Edition, EditionEntry, EditionStatus, Node, Revision, Work
from rkc.extensions import db
from rkc.parties.models import Party
from rkc.text.diff import word_redline

_LAST = 10**9


# --------------------------------------------------------------------------- basics


def amendment_by_id(amendment_id: int) -> Amendment | None:
    return db.session.get(Amendment, amendment_id)


def comment_by_id(comment_id: int) -> AmendmentComment | None:
    return db.session.get(AmendmentComment, comment_id)


def party_by_id(party_id: int) -> Party | None:
    return db.session.get(Party, party_id)


def amendment_by_number(edition: Edition, number: str) -> Amendment | None:
    return db.session.scalar(
        select(Amendment).where(
            Amendment.edition_id == edition.id, Amendment.number == number.strip().upper()
        )
    )


def node_keys(node_ids: Iterable[int]) -> dict[int, str]:
    ids = set(node_ids)
    if not ids:
        return {}
    return dict(db.session.execute(select(Node.id, Node.key).where(Node.id.in_(ids))).all())


def visible_clause(user: object) -> ColumnElement[bool]:
    """SQL condition: the amendments `user` may read (drafts: own party's delegates only)."""
    role = role_of(user)
    if role is None:
        return false()
    not_draft = Amendment.status != AmendmentStatus.DRAFT
    party_id = getattr(user, "party_id", None)
    if role is Role.DELEGATE and party_id is not None:
        return or_(not_draft, Amendment.party_id == party_id)
    return not_draft


def working_drafts(work: Work | None = None) -> list[Edition]:
    """Working-draft editions (of one work, or of all), newest first."""
    stmt = select(Edition).where(Edition.status == EditionStatus.WORKING_DRAFT)
    if work is not None:
        stmt = stmt.where(Edition.work_id == work.id)
    return list(db.session.scalars(stmt.order_by(Edition.id.desc())))


def draft_by_slug(work: Work, slug: str) -> Edition | None:
    edition = text_queries.edition_by_slug(work, slug)
    if edition is None or edition.status is not EditionStatus.WORKING_DRAFT:
        return None
    return edition


def draft_param(edition: Edition) -> str:
    """How a URL names a working draft among all works: "rkc/review-draft"."""
    return f"{edition.work.key}/{edition.slug}"


def draft_by_param(param: str) -> Edition | None:
    """The working draft named "work/slug" (or a bare slug, the Convention's first)."""
    work_key, _, slug = param.rpartition("/")
    drafts = [d for d in working_drafts() if d.slug == slug]
    if work_key:
        return next((d for d in drafts if d.work.key == work_key), None)
    return next((d for d in drafts if d.work.key == "rkc"), drafts[0] if drafts else None)


def chapter_choices(edition: Edition) -> list[tuple[str, str]]:
    """(key, label) of the chapters (and Body, annexes) of a draft, for the chapter filter."""
    return [
        (i.key, f"{unit_label(i.kind, i.number, None)}{': ' + i.title if i.title else ''}")
        for i in text_queries.table_of_contents(edition)
        if i.kind in ("instrument", "annex", "chapter", "guidelines")
    ]


def _visible_ids(user: object, edition: Edition | None):  # type: ignore[no-untyped-def]
    """The amendments `user` may read (of one draft, or of all): the base of every filter list,
    so that a choice offered never reveals an amendment the list itself would hide."""
    stmt = select(Amendment.id).where(visible_clause(user))
    if edition is not None:
        stmt = stmt.where(Amendment.edition_id == edition.id)
    return stmt


def concepts(user: object, edition: Edition | None = None) -> list[str]:
    """The concepts of the amendments `user` may read, for the concept filter."""
    stmt = (
        select(Amendment.concept)
        .where(Amendment.concept != "", Amendment.id.in_(_visible_ids(user, edition)))
        .distinct()
    )
    return sorted(db.session.scalars(stmt))


def parties_with_amendments(user: object, edition: Edition | None = None) -> list[Party]:
    """The parties proposing an amendment `user` may read, for the party filter."""
    visible = select(Amendment.party_id).where(Amendment.id.in_(_visible_ids(user, edition)))
    stmt = select(Party).where(Party.id.in_(visible))
    return list(db.session.scalars(stmt.order_by(Party.name)))


# --------------------------------------------------------------------------- targets


@dataclass(frozen=True)
class Place:
    """A unit as it stands in a working draft (None fields: not in it)."""

    key: str
    revision: Revision | None
    ordinal: int | None
    end_ordinal: int | None

    @property
    def label(self) -> str:
        return revision_label(self.revision) if self.revision is not None else self.key


@dataclass
class Target:
    """Where an amendment applies, named for people, with its document-order sort key."""

    label: str
    key: str | None
    current: Revision | None
    order: tuple[int, int, int]
    #: The unit an insertion goes into / follows (for insertions).
    parent: Place | None = None
    after: Place | None = None

    @property
    def in_draft(self) -> bool:
        return self.current is not None


def _places(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], Place]:
    """(edition id, node id) -> Place, in three queries whatever the number of pairs."""
    if not pairs:
        return {}
    editions = {e for e, _ in pairs}
    nodes = {n for _, n in pairs}
    keys = dict(db.session.execute(select(Node.id, Node.key).where(Node.id.in_(nodes))).all())
    rows = db.session.execute(
        select(
            EditionEntry.edition_id,
            EditionEntry.node_id,
            EditionEntry.ordinal,
            EditionEntry.end_ordinal,
            Revision,
        )
        .join(Revision, Revision.id == EditionEntry.revision_id)
        .where(
            EditionEntry.edition_id.in_(editions),
            EditionEntry.node_id.in_(nodes),
            EditionEntry.language == "en",
        )
    ).all()
    found = {(e, n): Place(keys[n], rev, o, end) for e, n, o, end, rev in rows}
    return {pair: found.get(pair) or Place(keys[pair[1]], None, None, None) for pair in pairs}


def targets(amendments: Sequence[Amendment]) -> dict[int, Target]:
    """Each amendment's Target, batched."""
    pairs: set[tuple[int, int]] = set()
    for a in amendments:
        for node_id in (a.node_id, a.parent_node_id, a.after_node_id):
            if node_id is not None:
                pairs.add((a.edition_id, node_id))
    places = _places(pairs)
    bases = {
        r.id: r
        for r in db.session.scalars(
            select(Revision).where(
                Revision.id.in_({a.base_revision_id for a in amendments if a.base_revision_id})
            )
        )
    }
    result: dict[int, Target] = {}
    for a in amendments:
        if a.action is AmendmentAction.INSERT:
            assert a.parent_node_id is not None
            parent = places[(a.edition_id, a.parent_node_id)]
            after = places[(a.edition_id, a.after_node_id)] if a.after_node_id else None
            new = unit_label(a.proposed_kind or "", a.proposed_number, a.proposed_title)
            if after is not None:
                label = f"New {new} after {after.label}"
                order = (after.end_ordinal, 1, 0) if after.end_ordinal is not None else None
            else:
                label = f"New {new} at the start of {parent.label}"
                order = (parent.ordinal, 1, 0) if parent.ordinal is not None else None
            result[a.id] = Target(
                label=label,
                key=None,
                current=None,
                order=order or (_LAST, 0, 0),
                parent=parent,
                after=after,
            )
            continue
        assert a.node_id is not None
        place = places[(a.edition_id, a.node_id)]
        base = bases.get(a.base_revision_id) if a.base_revision_id else None
        label = (
            place.label
            if place.revision is not None
            else (revision_label(base) if base is not None else place.key)
        )
        order = (place.ordinal, 0, 0) if place.ordinal is not None else (_LAST, 0, 0)
        result[a.id] = Target(label=label, key=place.key, current=place.revision, order=order)
    return result


def _sort_key(a: Amendment, target: Target) -> tuple:
    return (*target.order, a.sequence or _LAST, a.id)


# --------------------------------------------------------------------------- changes


@dataclass
class Change:
    """One amendment prepared for display: what it changes, shown against the current text."""

    amendment: Amendment
    target: Target
    #: Tracked changes of the text: current -> proposed (insertion: all new; deletion: all gone).
    redline: Markup | None
    #: Tracked changes of the heading, when the heading changes.
    title_redline: Markup | None
    #: True when the redline is drawn against the amendment's own base, not the current text.
    against_base: bool = False
    sponsors: list[str] = field(default_factory=list)
    requested: list[str] = field(default_factory=list)
    positions: list[AmendmentPosition] = field(default_factory=list)

    @property
    def summary(self) -> list[tuple[Stance, list[str]]]:
        """Parties per stance, every stance listed (positions summary)."""
        by_stance: dict[Stance, list[str]] = {s: [] for s in Stance}
        for p in self.positions:
            by_stance[p.stance].append(p.party.name)
        return [(s, sorted(names)) for s, names in by_stance.items()]

    @property
    def proposes_nothing(self) -> bool:
        a, current = self.amendment, self.target.current
        return (
            a.action is AmendmentAction.MODIFY
            and current is not None
            and a.proposed_text == current.text
        )


def changes(
    amendments: Sequence[Amendment],
    *,
    details: bool = True,
    found: dict[int, Target] | None = None,
) -> list[Change]:
    """Changes for `amendments` (in the order given), with sponsors and positions if `details`.

    `found`: their targets, when the caller has them already.
    """
    found = found if found is not None else targets(amendments)
    base_ids = {a.base_revision_id for a in amendments if a.base_revision_id}
    bases = {r.id: r for r in db.session.scalars(select(Revision).where(Revision.id.in_(base_ids)))}
    sponsors: dict[int, list[AmendmentSponsor]] = defaultdict(list)
    positions: dict[int, list[AmendmentPosition]] = defaultdict(list)
    parties = {}
    ids = [a.id for a in amendments]
    if details and ids:
        for row in db.session.scalars(
            select(AmendmentSponsor)
            .options(selectinload(AmendmentSponsor.party))
            .where(AmendmentSponsor.amendment_id.in_(ids))
        ):
            sponsors[row.amendment_id].append(row)
        for row in db.session.scalars(
            select(AmendmentPosition)
            .options(selectinload(AmendmentPosition.party))
            .where(AmendmentPosition.amendment_id.in_(ids))
        ):
            positions[row.amendment_id].append(row)
        parties = {
            p.id: p.name
            for p in db.session.scalars(
                select(Party).where(Party.id.in_({a.party_id for a in amendments}))
            )
        }
    result = []
    for a in amendments:
        target = found[a.id]
        current = target.current
        base = bases.get(a.base_revision_id) if a.base_revision_id else None
        against_base = a.action is not AmendmentAction.INSERT and (
            current is None or (base is not None and base.id != current.id)
        )
        reference = base if against_base else current
        redline = title_redline = None
        if a.action is AmendmentAction.INSERT:
            redline = word_redline("", a.proposed_text) if a.proposed_text else None
            title_redline = word_redline("", a.proposed_title) if a.proposed_title else None
        elif reference is not None:
            if a.action is AmendmentAction.MODIFY:
                redline = word_redline(reference.text, a.proposed_text)
            elif a.action is AmendmentAction.DELETE:
                redline = word_redline(reference.text, "")
                if reference.title:
                    title_redline = word_redline(reference.title, "")
            else:
                title_redline = word_redline(reference.title or "", a.proposed_title or "")
        change = Change(a, target, redline, title_redline, against_base=against_base)
        if details:
            confirmed = sorted(
                s.party.name for s in sponsors[a.id] if s.status is SponsorStatus.CONFIRMED
            )
            change.sponsors = [parties.get(a.party_id, ""), *confirmed]
            change.requested = sorted(
                s.party.name for s in sponsors[a.id] if s.status is SponsorStatus.REQUESTED
            )
            change.positions = sorted(positions[a.id], key=lambda p: p.party.name)
        result.append(change)
    return result


# --------------------------------------------------------------------------- lists


@dataclass(frozen=True)
class AmendmentFilter:
    """What a list or a compilation shows. Empty values do not filter."""

    edition_id: int | None = None
    party_id: int | None = None
    statuses: tuple[AmendmentStatus, ...] = ()
    chapter_key: str = ""
    concept: str = ""
    #: Only amendments that were tabled (have a number).
    tabled_only: bool = False
    #: Only amendments with activity after this moment.
    since: datetime | None = None


def _select(user: object, flt: AmendmentFilter):  # type: ignore[no-untyped-def]
    stmt = (
        select(Amendment)
        .options(selectinload(Amendment.party), selectinload(Amendment.delegate))
        .where(visible_clause(user))
    )
    if flt.edition_id is not None:
        stmt = stmt.where(Amendment.edition_id == flt.edition_id)
    if flt.party_id is not None:
        stmt = stmt.where(Amendment.party_id == flt.party_id)
    if flt.statuses:
        stmt = stmt.where(Amendment.status.in_(flt.statuses))
    if flt.concept:
        stmt = stmt.where(Amendment.concept == flt.concept)
    if flt.tabled_only:
        stmt = stmt.where(Amendment.number.is_not(None))
    if flt.since is not None:
        stmt = stmt.where(Amendment.activity_at > flt.since)
    if flt.chapter_key:
        stmt = stmt.where(_in_chapter(flt.chapter_key))
    return stmt


def _in_chapter(chapter_key: str) -> ColumnElement[bool]:
    """Amendments whose place lies inside the unit `chapter_key` of their draft, in SQL (so a
    chapter's compilation reads its own amendments, not every amendment of the draft).

    The place is the one `targets` sorts by: an insertion's after the end of the unit it
    follows, or at the start of its parent; any other amendment's at its unit. Both entries
    are looked up by the manifest's primary key in the amendment's own draft."""
    node = text_queries.node_by_key(chapter_key)
    if node is None:
        return false()
    chapter, place = aliased(EditionEntry), aliased(EditionEntry)
    inserted = Amendment.action == AmendmentAction.INSERT
    place_node = case(
        (inserted, func.coalesce(Amendment.after_node_id, Amendment.parent_node_id)),
        else_=Amendment.node_id,
    )
    position = case(
        (and_(inserted, Amendment.after_node_id.is_not(None)), place.end_ordinal),
        else_=place.ordinal,
    )
    return (
        select(place.node_id)
        .join(
            chapter,
            (chapter.edition_id == place.edition_id)
            & (chapter.node_id == node.id)
            & (chapter.language == "en"),
        )
        .where(
            place.edition_id == Amendment.edition_id,
            place.node_id == place_node,
            place.language == "en",
            position.between(chapter.ordinal, chapter.end_ordinal),
        )
        .exists()
    )


def find(user: object, flt: AmendmentFilter, *, order: str = "document") -> list[Change]:
    """The amendments `user` may see that match `flt`, as Changes.

    `order`: "document" (place in the draft, then number) or "activity" (latest first).
    """
    amendments = list(db.session.scalars(_select(user, flt)))
    found = targets(amendments)
    if order == "activity":
        amendments.sort(key=lambda a: (a.activity_at, a.id), reverse=True)
    else:
        amendments.sort(key=lambda a: _sort_key(a, found[a.id]))
    return changes(amendments, found=found)


@dataclass(frozen=True)
class ChapterGroup:
    """Changes that fall in one chapter (or annex, or the Body) of a draft, for the merge queue."""

    key: str | None
    label: str
    changes: list[Change]


def by_chapter(edition: Edition, found: Sequence[Change]) -> list[ChapterGroup]:
    """`found` (in document order) grouped under the innermost chapter, annex or Body holding
    each one's place in `edition`; places no longer in the draft come last."""
    holders = [
        i
        for i in text_queries.table_of_contents(edition)
        if i.kind in ("instrument", "annex", "chapter", "guidelines")
    ]
    groups: dict[str | None, ChapterGroup] = {}
    for change in found:
        position = change.target.order[0]
        inside = [h for h in holders if h.ordinal <= position <= h.end_ordinal]
        if inside:
            inside.sort(key=lambda h: h.depth)
            holder = inside[-1]
            key = holder.key
            label = unit_label(holder.kind, holder.number, None)
            if holder.title:
                label += f": {holder.title}"
            if len(inside) > 1:  # "Annex B, Chapter 1: ...": chapter numbers repeat per annex
                outer = inside[0]
                name = unit_label(outer.kind, outer.number) if outer.number else outer.title
                label = f"{name or outer.key}, {label}"
        else:
            key, label = None, "No longer in the draft"
        groups.setdefault(key, ChapterGroup(key, label, [])).changes.append(change)
    return sorted(groups.values(), key=lambda g: g.key is None)


def seen_at(user: object) -> datetime | None:
    reader = db.session.get(AmendmentReader, getattr(user, "id", None))
    return reader.seen_at if reader is not None else None


def changed_since_last_visit(user: object) -> tuple[datetime | None, list[Change]]:
    """(when the user last marked everything as seen, what changed since), latest first."""
    since = seen_at(user)
    return since, find(user, AmendmentFilter(since=since), order="activity")


# --------------------------------------------------------------------------- the provision


@dataclass
class ProvisionPage:
    edition: Edition
    node: Node
    current: Revision
    label: str
    crumbs: list
    pending: list[Change]
    decided: list[Change]
    insertions: list[Change]


def provision_page(edition: Edition, node: Node, user: object) -> ProvisionPage | None:
    """A unit of a working draft with every amendment to it the user may see (None: not in it)."""
    entry = text_queries.entry_of(edition, node)
    if entry is None:
        return None
    stmt = (
        select(Amendment)
        .where(
            visible_clause(user),
            Amendment.edition_id == edition.id,
            or_(
                Amendment.node_id == node.id,
                and_(
                    Amendment.action == AmendmentAction.INSERT,
                    Amendment.after_node_id == node.id,
                ),
            ),
        )
        .order_by(Amendment.sequence.is_(None), Amendment.sequence, Amendment.id)
    )
    found = changes(list(db.session.scalars(stmt)))
    own = [c for c in found if c.amendment.action is not AmendmentAction.INSERT]
    return ProvisionPage(
        edition=edition,
        node=node,
        current=entry.revision,
        label=revision_label(entry.revision),
        crumbs=text_queries.ancestors(edition, entry),
        pending=[c for c in own if c.amendment.status.is_pending],
        decided=[c for c in own if not c.amendment.status.is_pending],
        insertions=[c for c in found if c.amendment.action is AmendmentAction.INSERT],
    )


def siblings(edition: Edition, parent: Node) -> list[Revision]:
    """The units directly inside `parent` in the draft, in order (for "insert after")."""
    return list(
        db.session.scalars(
            select(Revision)
            .join(EditionEntry, EditionEntry.revision_id == Revision.id)
            .where(
                EditionEntry.edition_id == edition.id,
                EditionEntry.language == "en",
                Revision.parent_id == parent.id,
            )
            .order_by(Revision.position)
        )
    )


# --------------------------------------------------------------------------- one amendment


@dataclass
class VersionStep:
    revision: AmendmentRevision
    redline: Markup | None
    title_redline: Markup | None
    justification_changed: bool


@dataclass
class Thread:
    root: AmendmentComment
    replies: list[AmendmentComment]
    can_resolve: bool


@dataclass
class PositionView:
    position: AmendmentPosition
    history: list[AmendmentPositionChange]


@dataclass
class Actions:
    """What the viewer may do to the amendment now (permission and status both allow it)."""

    transitions: list[tuple[str, str]] = field(default_factory=list)
    revise: bool = False
    request_sponsorship: bool = False
    answer_sponsorship: bool = False
    take_position: bool = False
    change_position: bool = False
    comment: bool = False

    @property
    def can_supersede(self) -> bool:
        return any(to == AmendmentStatus.SUPERSEDED.value for to, _verb in self.transitions)

    @property
    def any(self) -> bool:
        return bool(
            self.transitions
            or self.revise
            or self.request_sponsorship
            or self.take_position
            or self.change_position
        )


@dataclass
class AmendmentPage:
    change: Change
    base: Revision | None
    competing: list[Change]
    sponsors: list[AmendmentSponsor]
    positions: list[PositionView]
    own_position: AmendmentPosition | None
    threads: list[Thread]
    versions: list[VersionStep]
    transitions: list[AmendmentTransition]
    actions: Actions
    superseded_by: Amendment | None
    supersedes: list[Amendment]


def amendment_page(amendment: Amendment, user: object) -> AmendmentPage:
    change = changes([amendment])[0]
    sponsors = list(
        db.session.scalars(
            select(AmendmentSponsor)
            .where(AmendmentSponsor.amendment_id == amendment.id)
            .order_by(AmendmentSponsor.requested_at)
        )
    )
    positions = []
    for position in change.positions:
        history = list(
            db.session.scalars(
                select(AmendmentPositionChange)
                .where(AmendmentPositionChange.position_id == position.id)
                .order_by(AmendmentPositionChange.id)
            )
        )
        positions.append(PositionView(position, history))
    party_id = getattr(user, "party_id", None)
    own_position = next((p for p in change.positions if p.party_id == party_id), None)
    comments = list(
        db.session.scalars(
            select(AmendmentComment)
            .options(selectinload(AmendmentComment.author), selectinload(AmendmentComment.party))
            .where(AmendmentComment.amendment_id == amendment.id)
            .order_by(AmendmentComment.id)
        )
    )
    threads: dict[int, Thread] = {}
    for comment in comments:
        if comment.thread_id is None:
            threads[comment.id] = Thread(comment, [], can(user, Action.RESOLVE_COMMENT, comment))
        elif comment.thread_id in threads:
            threads[comment.thread_id].replies.append(comment)
    revisions = list(
        db.session.scalars(
            select(AmendmentRevision)
            .options(selectinload(AmendmentRevision.author))
            .where(AmendmentRevision.amendment_id == amendment.id)
            .order_by(AmendmentRevision.seq)
        )
    )
    versions: list[VersionStep] = []
    previous: AmendmentRevision | None = None
    for revision in revisions:
        if previous is None:
            versions.append(VersionStep(revision, None, None, False))
        else:
            text_changed = previous.proposed_text != revision.proposed_text
            title_changed = (previous.proposed_title or "") != (revision.proposed_title or "")
            versions.append(
                VersionStep(
                    revision,
                    word_redline(previous.proposed_text, revision.proposed_text)
                    if text_changed
                    else None,
                    word_redline(previous.proposed_title or "", revision.proposed_title or "")
                    if title_changed
                    else None,
                    previous.justification != revision.justification,
                )
            )
        previous = revision
    transitions = list(
        db.session.scalars(
            select(AmendmentTransition)
            .options(selectinload(AmendmentTransition.user))
            .where(AmendmentTransition.amendment_id == amendment.id)
            .order_by(AmendmentTransition.id)
        )
    )
    competing: list[Change] = []
    if amendment.node_id is not None or amendment.after_node_id is not None:
        same_place = (
            Amendment.node_id == amendment.node_id
            if amendment.node_id is not None
            else and_(
                Amendment.action == AmendmentAction.INSERT,
                Amendment.after_node_id == amendment.after_node_id,
            )
        )
        others = list(
            db.session.scalars(
                select(Amendment)
                .where(
                    visible_clause(user),
                    Amendment.edition_id == amendment.edition_id,
                    Amendment.id != amendment.id,
                    Amendment.status.in_(
                        (
                            AmendmentStatus.DRAFT,
                            AmendmentStatus.TABLED,
                            AmendmentStatus.UNDER_DISCUSSION,
                            AmendmentStatus.AGREED,
                        )
                    ),
                    same_place,
                )
                .order_by(Amendment.sequence.is_(None), Amendment.sequence, Amendment.id)
            )
        )
        competing = changes(others, details=False)
    supersedes = list(
        db.session.scalars(
            select(Amendment)
            .where(Amendment.superseded_by_id == amendment.id, visible_clause(user))
            .order_by(Amendment.sequence)
        )
    )
    base = amendment.base_revision
    return AmendmentPage(
        change=change,
        base=base,
        competing=competing,
        sponsors=sponsors,
        positions=positions,
        own_position=own_position,
        threads=list(threads.values()),
        versions=versions,
        transitions=transitions,
        actions=available_actions(amendment, user, own_position, sponsors),
        superseded_by=amendment.superseded_by,
        supersedes=supersedes,
    )


def available_actions(
    amendment: Amendment,
    user: object,
    own_position: AmendmentPosition | None = None,
    sponsors: Iterable[AmendmentSponsor] = (),
) -> Actions:
    """What `user` may do to `amendment` now: permission (rkc.auth.permissions) and status."""
    actions = Actions()
    status = amendment.status
    for target, (sources, action, verb) in TRANSITIONS.items():
        if target is AmendmentStatus.MERGED:
            continue  # the merge (issue 5) does it, not a button here
        if target is AmendmentStatus.TABLED and amendment.has_conflict:
            continue  # revise it against the current text first
        if status in sources and can(user, action, amendment):
            actions.transitions.append((target.value, verb))
    actions.revise = status.is_pending and can(user, Action.EDIT_AMENDMENT, amendment)
    party_id = getattr(user, "party_id", None)
    mine = next((s for s in sponsors if s.party_id == party_id), None)
    is_open = status.is_open
    actions.request_sponsorship = (
        is_open
        and can(user, Action.CO_SPONSOR, amendment)
        and (mine is None or mine.status is SponsorStatus.DECLINED)
    )
    actions.answer_sponsorship = is_open and can(user, Action.EDIT_AMENDMENT, amendment)
    sponsoring = mine is not None and mine.status is SponsorStatus.CONFIRMED
    may_position = is_open and can(user, Action.TAKE_POSITION, amendment) and not sponsoring
    actions.take_position = may_position and own_position is None
    actions.change_position = may_position and own_position is not None
    actions.comment = can(user, Action.COMMENT, amendment)
    return actions


# --------------------------------------------------------------------------- compilation


@dataclass
class CompilationGroup:
    """The amendments to one place of the draft: the current text once, then each amendment."""

    label: str
    key: str | None
    current: Revision | None
    changes: list[Change]


@dataclass
class Compilation:
    edition: Edition
    flt: AmendmentFilter
    groups: list[CompilationGroup]
    chapter_label: str = ""

    @property
    def count(self) -> int:
        return sum(len(g.changes) for g in self.groups)

    @property
    def status_counts(self) -> list[tuple[AmendmentStatus, int]]:
        counts: dict[AmendmentStatus, int] = defaultdict(int)
        for group in self.groups:
            for change in group.changes:
                counts[change.amendment.status] += 1
        return [(s, counts[s]) for s in AmendmentStatus if counts[s]]


def compilation(edition: Edition, flt: AmendmentFilter, user: object) -> Compilation:
    """Numbered amendments of a working draft (or one chapter of it) in document order.

    Drafts never appear: a compilation is of tabled amendments.
    """
    flt = AmendmentFilter(
        edition_id=edition.id,
        party_id=flt.party_id,
        statuses=flt.statuses,
        chapter_key=flt.chapter_key,
        concept=flt.concept,
        tabled_only=True,
    )
    found = find(user, flt)
    groups: list[CompilationGroup] = []
    index: dict[tuple, CompilationGroup] = {}
    for change in found:
        a, target = change.amendment, change.target
        if a.action is AmendmentAction.INSERT:
            anchor = target.after or target.parent
            group_key: tuple = ("insert", anchor.key if anchor else "")
            label = (
                f"New text after {target.after.label}"
                if target.after
                else f"New text at the start of {target.parent.label if target.parent else ''}"
            )
            current = None
        else:
            group_key = ("node", target.key)
            label, current = target.label, target.current
        group = index.get(group_key)
        if group is None:
            group = CompilationGroup(label, target.key, current, [])
            index[group_key] = group
            groups.append(group)
        group.changes.append(change)
    chapter_label = ""
    if flt.chapter_key:
        chapter_label = dict(chapter_choices(edition)).get(flt.chapter_key, flt.chapter_key)
    return Compilation(edition, flt, groups, chapter_label)


# --------------------------------------------------------------------------- reading in place


@dataclass(frozen=True)
class PendingHere:
    """The amendments waiting on one unit of a working draft, by status (for the reader)."""

    total: int
    by_status: tuple[tuple[str, int], ...]  # (status label, count), in lifecycle order


def pending_by_node(edition: Edition, user: object) -> dict[int, PendingHere]:
    """node id -> the undecided (and agreed, unmerged) amendments `user` may see on it, counted
    by status; insertions count on the unit they go into."""
    anchor = func.coalesce(Amendment.node_id, Amendment.parent_node_id)
    rows = db.session.execute(
        select(anchor, Amendment.status, func.count())
        .where(
            Amendment.edition_id == edition.id,
            Amendment.status.in_(FOLLOWING),
            visible_clause(user),
        )
        .group_by(anchor, Amendment.status)
    ).all()
    order = list(AmendmentStatus)
    grouped: dict[int, list[tuple[AmendmentStatus, int]]] = {}
    for node_id, status, count in rows:
        grouped.setdefault(node_id, []).append((status, count))
    return {
        node_id: PendingHere(
            sum(n for _s, n in counts),
            tuple((s.label, n) for s, n in sorted(counts, key=lambda p: order.index(p[0]))),
        )
        for node_id, counts in grouped.items()
    }


def activity_version() -> str:
    """Moves whenever an amendment changes (for the ETag of pages that show counts)."""
    latest = db.session.scalar(select(func.max(Amendment.activity_at)))
    return latest.isoformat() if latest else ""
