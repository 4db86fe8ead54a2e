"""Every write to the text store, one function per use case. No Flask here.

Size: just over 600 lines since the corpus loader writes both languages; `load_corpus`
and its helpers are the part to move out first.

Operations flush; the caller (a request or a CLI command) owns the transaction and commits or
rolls back. A function that finds bad input raises `TextStoreError` before it writes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import Integer, bindparam, delete, insert, literal, select, update

from rkc.convention.corpus import Corpus, Unit
from rkc.convention.models import (
    Edition,
    EditionEntry,
    EditionStatus,
    Node,
    Revision,
    Work,
    utcnow,
)
from rkc.extensions import db


class TextStoreError(ValueError):
    """Bad input for a text-store write; the message names what is wrong."""


class StaleRevisionError(TextStoreError):
    """The text moved on since the writer read it (optimistic concurrency)."""

    def __init__(self, node_key: str, expected: int | None, current: int | None):
        self.node_key = node_key
        self.expected = expected
        self.current = current
        super().__init__(
            f"{node_key} changed since you read it (you had revision {expected}, "
            f"it is now {current}); reload it and apply your change again"
        )


@dataclass(frozen=True)
class Content:
    """What a revision says: everything that makes two revisions differ."""

    kind: str
    parent_key: str | None
    position: int
    number: str | None = None
    number_alt: str | None = None
    title: str | None = None
    text: str = ""
    explains: str = ""

    def hash(self) -> str:
        return Revision.hash_content(
            kind=self.kind,
            parent_key=self.parent_key,
            position=self.position,
            number=self.number,
            number_alt=self.number_alt,
            title=self.title,
            text=self.text,
            explains=self.explains,
        )

    @classmethod
    def of(cls, revision: Revision, parent_key: str | None) -> Content:
        return cls(
            kind=revision.kind,
            parent_key=parent_key,
            position=revision.position,
            number=revision.number,
            number_alt=revision.number_alt,
            title=revision.title,
            text=revision.text,
            explains=revision.explains,
        )


# --------------------------------------------------------------------------- corpus


def load_corpus(corpus: Corpus) -> dict[str, int]:
    """Store a parsed corpus: works, nodes, revisions and the editions it names.

    A work translated in the corpus (`.fr.md` siblings, already checked for alignment by the
    parser) gets one revision per node and language, and every edition of it a manifest per
    language. Refuses to run on a store that already holds any work, so a second `rkc init` is
    a no-op rather than a duplicate.
    """
    existing = db.session.scalar(select(Work.key).limit(1))
    if existing is not None:
        raise TextStoreError(
            "the text store already holds works; load the corpus into an empty one"
        )

    counts = {"works": 0, "nodes": 0, "revisions": 0, "editions": 0}
    manifests: dict[str, list[dict]] = {}  # work key -> entries of every language
    for position, spec in enumerate(corpus.works):
        work = Work(
            key=spec.key,
            title=spec.title,
            short_title=spec.short_title,
            description=spec.description,
            position=position,
        )
        db.session.add(work)
        db.session.flush()
        units = _flat(spec.roots)
        # One executemany, then one read of the ids: adding Node objects to the session made
        # SQLite insert them one statement at a time (to learn each id), a third of the load.
        now = utcnow()
        db.session.execute(
            insert(Node), [{"work_id": work.id, "key": u.key, "created_at": now} for u, *_ in units]
        )
        node_ids = dict(
            db.session.execute(select(Node.key, Node.id).where(Node.work_id == work.id)).all()
        )
        manifests[spec.key] = []
        for language in spec.languages():
            roots = spec.roots if language == "en" else spec.translations[language]
            lang_units = units if language == "en" else _flat(roots)
            manifests[spec.key] += _store_language(lang_units, node_ids, language, counts)
        counts["works"] += 1
        counts["nodes"] += len(units)

    slugs: dict[tuple[str, str], Edition] = {}
    works = {w.key: w for w in db.session.scalars(select(Work))}
    for spec in corpus.editions:
        edition = Edition(
            work_id=works[spec.work].id,
            slug=spec.slug,
            title=spec.title,
            description=spec.description,
            status=EditionStatus(spec.status),
            adopted_on=spec.adopted_on,
            in_force_from=spec.in_force_from,
            is_authentic=spec.is_authentic,
            based_on_id=slugs[(spec.work, spec.based_on)].id if spec.based_on else None,
            frozen_at=None if spec.status == "working_draft" else utcnow(),
        )
        db.session.add(edition)
        db.session.flush()
        rows = [dict(row, edition_id=edition.id) for row in manifests[spec.work]]
        db.session.execute(insert(EditionEntry), rows)
        slugs[(spec.work, spec.slug)] = edition
        counts["editions"] += 1
    db.session.flush()
    return counts


def _flat(roots: Sequence[Unit]) -> list[tuple[Unit, Unit | None, int, int]]:
    """Every unit of a work's roots with its parent, position and depth, in document order."""
    units: list[tuple[Unit, Unit | None, int, int]] = []
    for root_position, root in enumerate(roots):
        _flatten(root, None, root_position, 0, units)
    return units


def _store_language(
    units: list[tuple[Unit, Unit | None, int, int]],
    node_ids: dict[str, int],
    language: str,
    counts: dict[str, int],
) -> list[dict]:
    """Insert one language's revisions of a work; return its manifest rows (no edition yet)."""
    revision_rows = []
    for unit, parent, pos, _depth in units:
        content = Content(
            kind=unit.kind,
            parent_key=parent.key if parent else None,
            position=pos,
            number=unit.number,
            number_alt=unit.number_alt,
            title=unit.title,
            text=unit.text,
            explains=" ".join(unit.explains),
        )
        revision_rows.append(
            {
                "node_id": node_ids[unit.key],
                "language": language,
                "kind": content.kind,
                "parent_id": node_ids[parent.key] if parent else None,
                "position": pos,
                "number": content.number,
                "number_alt": content.number_alt,
                "title": content.title,
                "text": content.text,
                "explains": content.explains,
                "content_hash": content.hash(),
                "origin": "corpus",
                "origin_ref": f"{unit.file}:{unit.line}",
                "created_at": utcnow(),
            }
        )
    db.session.execute(insert(Revision), revision_rows)
    counts["revisions"] += len(revision_rows)
    revision_ids = dict(
        db.session.execute(
            select(Revision.node_id, Revision.id).where(
                Revision.node_id.in_(list(node_ids.values())), Revision.language == language
            )
        ).all()
    )
    ordinals = _ordinals(units)
    return [
        {
            "node_id": node_ids[unit.key],
            "language": language,
            "revision_id": revision_ids[node_ids[unit.key]],
            "ordinal": ordinals[unit.key][0],
            "end_ordinal": ordinals[unit.key][1],
            "depth": depth,
        }
        for unit, _parent, _pos, depth in units
    ]


def _flatten(
    unit: Unit,
    parent: Unit | None,
    position: int,
    depth: int,
    out: list[tuple[Unit, Unit | None, int, int]],
) -> None:
    out.append((unit, parent, position, depth))
    for child_position, child in enumerate(unit.children):
        _flatten(child, unit, child_position, depth + 1, out)


def _ordinals(units: Sequence[tuple[Unit, Unit | None, int, int]]) -> dict[str, tuple[int, int]]:
    """Document-order ordinal and subtree end for each unit of a flattened tree."""
    result: dict[str, tuple[int, int]] = {}
    open_stack: list[tuple[str, int, int]] = []  # key, depth, ordinal
    for ordinal, (unit, _parent, _pos, depth) in enumerate(units):
        while open_stack and open_stack[-1][1] >= depth:
            key, _d, start = open_stack.pop()
            result[key] = (start, ordinal - 1)
        open_stack.append((unit.key, depth, ordinal))
    last = len(units) - 1
    for key, _d, start in open_stack:
        result[key] = (start, last)
    return result


# --------------------------------------------------------------------------- editions


def open_draft(source: Edition, *, slug: str, title: str, description: str = "") -> Edition:
    """Open a working draft whose manifest starts as a copy of `source`."""
    _check_slug_free(source.work_id, slug)
    draft = Edition(
        work_id=source.work_id,
        slug=slug,
        title=title,
        description=description,
        status=EditionStatus.WORKING_DRAFT,
        is_authentic=False,
        based_on_id=source.id,
    )
    db.session.add(draft)
    db.session.flush()
    _copy_manifest(source.id, draft.id)
    return draft


def _copy_manifest(from_id: int, to_id: int) -> None:
    """Copy one edition's manifest into another in the database (INSERT ... SELECT: no row
    passes through Python). The search change log reads the target edition from the
    statement's literal `edition_id` (rkc.search.changes)."""
    copied = ("node_id", "language", "revision_id", "ordinal", "end_ordinal", "depth")
    rows = select(
        literal(to_id, Integer).label("edition_id"),
        *(getattr(EditionEntry, name) for name in copied),
    ).where(EditionEntry.edition_id == from_id)
    db.session.execute(insert(EditionEntry).from_select(["edition_id", *copied], rows))


#: An edition's short name, as it appears in addresses and file names: ASCII only.
SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?")


def slug_problem(slug: str) -> str | None:
    """Why `slug` cannot name an edition, or None when it can (the one rule, used by the
    forms, the command line and `open_draft`/`freeze`)."""
    if SLUG.fullmatch(slug):
        return None
    return (
        f"short name “{slug}”: use 1 to 60 characters from a-z, 0-9 and '-' (lower-case ASCII "
        "letters, digits, hyphens; no hyphen at either end), e.g. review-2027"
    )


def _check_slug_free(work_id: int, slug: str) -> None:
    problem = slug_problem(slug)
    if problem is not None:
        raise TextStoreError(problem)
    taken = db.session.scalar(
        select(Edition.id).where(Edition.work_id == work_id, Edition.slug == slug)
    )
    if taken:
        raise TextStoreError(f"edition slug {slug!r} is already used in this work")


def freeze(
    draft: Edition,
    *,
    adopted_on: date | None,
    in_force_from: date | None = None,
    title: str | None = None,
    slug: str | None = None,
) -> Edition:
    """Freeze a working draft as adopted text (or as in force from a date).

    The draft itself becomes the frozen edition; open a new draft from it to keep working.
    """
    if draft.status is not EditionStatus.WORKING_DRAFT:
        raise TextStoreError(f"edition {draft.slug!r} is already frozen ({draft.status.value})")
    if in_force_from and adopted_on and in_force_from < adopted_on:
        raise TextStoreError("In force from: the date is before the adoption date")
    if slug and slug != draft.slug:
        _check_slug_free(draft.work_id, slug)
        draft.slug = slug
    if title:
        draft.title = title
    draft.adopted_on = adopted_on
    draft.in_force_from = in_force_from
    draft.status = EditionStatus.IN_FORCE if in_force_from else EditionStatus.ADOPTED
    draft.frozen_at = utcnow()
    db.session.flush()
    return draft


def set_in_force(edition: Edition, in_force_from: date) -> Edition:
    """Record the date from which an adopted edition is (or will be) in force."""
    if edition.status is EditionStatus.WORKING_DRAFT:
        raise TextStoreError("a working draft cannot enter into force; freeze it first")
    if edition.adopted_on and in_force_from < edition.adopted_on:
        raise TextStoreError("In force from: the date is before the adoption date")
    edition.in_force_from = in_force_from
    edition.status = EditionStatus.IN_FORCE
    db.session.flush()
    return edition


def reopen(edition: Edition) -> Edition:
    """Make an adopted edition that is not in force a working draft again (the Secretariat
    found it frozen too early). Its text is unchanged; it can be revised and frozen again."""
    if edition.status is not EditionStatus.ADOPTED or edition.in_force_from is not None:
        raise TextStoreError(
            f"“{edition.title}” is {edition.status.value.replace('_', ' ')}: only an adopted "
            "edition that is not in force can be reopened"
        )
    later = db.session.scalar(
        select(Edition.title).where(Edition.based_on_id == edition.id).limit(1)
    )
    if later is not None:
        raise TextStoreError(
            f"“{edition.title}” cannot be reopened: the edition “{later}” was opened from it"
        )
    edition.status = EditionStatus.WORKING_DRAFT
    edition.adopted_on = None
    edition.frozen_at = None
    db.session.flush()
    return edition


# --------------------------------------------------------------------------- drafting


def _require_draft(edition: Edition) -> None:
    if edition.status is not EditionStatus.WORKING_DRAFT:
        raise TextStoreError(
            f"edition {edition.slug!r} is {edition.status.value.replace('_', ' ')}: "
            "only a working draft can change"
        )


def _entry(edition: Edition, node: Node, language: str) -> EditionEntry | None:
    return db.session.get(EditionEntry, (edition.id, node.id, language))


def current_revision(edition: Edition, node: Node, language: str = "en") -> Revision | None:
    entry = _entry(edition, node, language)
    return entry.revision if entry else None


def revise(
    edition: Edition,
    node: Node,
    *,
    language: str = "en",
    expected_revision_id: int | None,
    text: str | None = None,
    title: str | None = None,
    number: str | None = None,
    kind: str | None = None,
    origin: str = "edit",
    origin_ref: str = "",
) -> Revision:
    """Change a node's content in a working draft; returns the revision now in the draft.

    `expected_revision_id` is the revision the writer read; if the draft moved on, nothing is
    written and StaleRevisionError says so. Unchanged content makes no new revision.
    """
    _require_draft(edition)
    entry = _entry(edition, node, language)
    if entry is None:
        raise TextStoreError(f"{node.key} is not in edition {edition.slug!r}")
    current = entry.revision
    if expected_revision_id != current.id:
        raise StaleRevisionError(node.key, expected_revision_id, current.id)
    parent_key = current.parent.key if current.parent else None
    base = Content.of(current, parent_key)
    proposed = Content(
        kind=kind if kind is not None else base.kind,
        parent_key=parent_key,
        position=base.position,
        number=number if number is not None else base.number,
        number_alt=base.number_alt,
        title=title if title is not None else base.title,
        text=text.strip() if text is not None else base.text,
        explains=base.explains,
    )
    if proposed == base:
        return current
    revision = _new_revision(node, language, proposed, current, origin, origin_ref)
    # Compare-and-set on the manifest line: a concurrent writer who got here first wins and
    # this statement then matches no row.
    result = db.session.execute(
        update(EditionEntry)
        .where(
            EditionEntry.edition_id == edition.id,
            EditionEntry.node_id == node.id,
            EditionEntry.language == language,
            EditionEntry.revision_id == current.id,
        )
        .values(revision_id=revision.id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.expire(entry)
        raise StaleRevisionError(node.key, expected_revision_id, None)
    db.session.expire(entry)
    return revision


def _new_revision(
    node: Node,
    language: str,
    content: Content,
    predecessor: Revision | None,
    origin: str,
    origin_ref: str,
) -> Revision:
    parent_id = None
    if content.parent_key:
        parent_id = db.session.scalar(select(Node.id).where(Node.key == content.parent_key))
    revision = Revision(
        node_id=node.id,
        language=language,
        kind=content.kind,
        parent_id=parent_id,
        position=content.position,
        number=content.number,
        number_alt=content.number_alt,
        title=content.title,
        text=content.text,
        explains=content.explains,
        content_hash=content.hash(),
        predecessor_id=predecessor.id if predecessor else None,
        origin=origin,
        origin_ref=origin_ref,
    )
    db.session.add(revision)
    db.session.flush()
    return revision


def insert_node(
    edition: Edition,
    *,
    key: str,
    parent: Node,
    after: Node | None,
    kind: str,
    number: str | None,
    title: str | None = None,
    text: str,
    language: str = "en",
    origin: str = "edit",
    origin_ref: str = "",
    twin_of: Node | None = None,
) -> Revision:
    """Insert a new unit into a working draft under `parent`, after sibling `after` (or first).

    `twin_of`: the unit exists already in another language of the draft (inserted there
    first, under `key`); this gives it its text in `language` instead of making a new node.
    """
    _require_draft(edition)
    if twin_of is not None:
        if twin_of.key != key or _entry(edition, twin_of, language) is not None:
            raise TextStoreError(f"{key} is already in edition {edition.slug!r} in {language}")
    elif db.session.scalar(select(Node.id).where(Node.key == key)) is not None:
        raise TextStoreError(f"key {key!r} is already taken; keys are never reused")
    parent_entry = _entry(edition, parent, language)
    if parent_entry is None:
        raise TextStoreError(f"{parent.key} is not in edition {edition.slug!r}")
    siblings = _children(edition, parent, language)
    if after is not None and after.id not in [r.node_id for r in siblings]:
        raise TextStoreError(f"{after.key} is not a child of {parent.key}")
    position = 0
    if after is not None:
        position = next(r.position for r in siblings if r.node_id == after.id) + 1
    node = twin_of if twin_of is not None else Node(work_id=edition.work_id, key=key)
    db.session.add(node)
    db.session.flush()
    # Shift later siblings: each gets a new revision (its position is part of its content).
    for sibling in siblings:
        if sibling.position >= position:
            sib_node = db.session.get(Node, sibling.node_id)
            assert sib_node is not None
            content = Content.of(sibling, parent.key)
            moved = replace(content, position=sibling.position + 1)
            rev = _new_revision(sib_node, language, moved, sibling, origin, origin_ref)
            _point(edition, sib_node, language, rev)
    content = Content(
        kind=kind,
        parent_key=parent.key,
        position=position,
        number=number,
        title=title,
        text=text.strip(),
    )
    revision = _new_revision(node, language, content, None, origin, origin_ref)
    db.session.add(
        EditionEntry(
            edition_id=edition.id,
            node_id=node.id,
            language=language,
            revision_id=revision.id,
            ordinal=-1,
            end_ordinal=-1,
            depth=parent_entry.depth + 1,
        )
    )
    db.session.flush()
    reorder(edition, language)
    return revision


def remove_node(edition: Edition, node: Node, *, language: str = "en") -> list[str]:
    """Take a unit and its descendants out of a working draft. Nodes are never deleted."""
    _require_draft(edition)
    entry = _entry(edition, node, language)
    if entry is None:
        raise TextStoreError(f"{node.key} is not in edition {edition.slug!r}")
    removed = db.session.scalars(
        select(EditionEntry.node_id).where(
            EditionEntry.edition_id == edition.id,
            EditionEntry.language == language,
            EditionEntry.ordinal >= entry.ordinal,
            EditionEntry.ordinal <= entry.end_ordinal,
        )
    ).all()
    keys = list(db.session.scalars(select(Node.key).where(Node.id.in_(removed))))
    db.session.execute(
        delete(EditionEntry).where(
            EditionEntry.edition_id == edition.id,
            EditionEntry.language == language,
            EditionEntry.node_id.in_(removed),
        )
    )
    db.session.expire_all()
    reorder(edition, language)
    return keys


def _point(edition: Edition, node: Node, language: str, revision: Revision) -> None:
    db.session.execute(
        update(EditionEntry)
        .where(
            EditionEntry.edition_id == edition.id,
            EditionEntry.node_id == node.id,
            EditionEntry.language == language,
        )
        .values(revision_id=revision.id)
        .execution_options(synchronize_session=False)
    )


def _children(edition: Edition, parent: Node, language: str) -> list[Revision]:
    return list(
        db.session.scalars(
            select(Revision)
            .join(EditionEntry, EditionEntry.revision_id == Revision.id)
            .where(
                EditionEntry.edition_id == edition.id,
                EditionEntry.language == language,
                Revision.parent_id == parent.id,
            )
            .order_by(Revision.position)
        )
    )


def reorder(edition: Edition, language: str = "en") -> None:
    """Recompute document-order ordinals of a draft's manifest after a structural change."""
    rows = db.session.execute(
        select(EditionEntry.node_id, Revision.parent_id, Revision.position)
        .join(Revision, Revision.id == EditionEntry.revision_id)
        .where(EditionEntry.edition_id == edition.id, EditionEntry.language == language)
    ).all()
    children: dict[int | None, list[tuple[int, int]]] = {}
    for node_id, parent_id, position in rows:
        children.setdefault(parent_id, []).append((position, node_id))
    present = {r.node_id for r in rows}
    # A top-level unit has no parent, or (defensively) a parent missing from this manifest.
    roots = [(p, n) for parent, kids in children.items() if parent not in present for p, n in kids]
    updates: list[dict] = []
    counter = 0

    def visit(node_id: int, depth: int) -> None:
        nonlocal counter
        start = counter
        counter += 1
        for _pos, child in sorted(children.get(node_id, [])):
            visit(child, depth + 1)
        updates.append({"n": node_id, "ordinal": start, "end_ordinal": counter - 1, "depth": depth})

    for _pos, root in sorted(roots):
        visit(root, 0)
    _bulk_set_order(edition.id, language, updates)


def _bulk_set_order(edition_id: int, language: str, updates: Iterable[dict]) -> None:
    stmt = (
        update(EditionEntry.__table__)
        .where(
            EditionEntry.__table__.c.edition_id == edition_id,
            EditionEntry.__table__.c.language == language,
            EditionEntry.__table__.c.node_id == bindparam("n"),
        )
        .values(
            ordinal=bindparam("ordinal"),
            end_ordinal=bindparam("end_ordinal"),
            depth=bindparam("depth"),
        )
    )
    updates = list(updates)
    if updates:
        db.session.execute(stmt, updates)
