"""Writes of the interchange area: an imported text becomes a new working-draft edition; a
delegate's marked-up Word chapter becomes draft amendments.

Size: over 600 lines: the import of a text (checks, partial or whole, summary) and the Word
amendments; the latter is the part to move out first.

No Flask here. The caller owns the transaction; every check runs before the first write, so
a refused import stores nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import delete, func, insert, select

from rkc.amendments.common import revision_label, unit_label
from rkc.amendments.errors import AmendmentError, AmendmentRefused
from rkc.amendments.models import Amendment, AmendmentAction
from rkc.amendments.proposing import (
    check_proposal,
    propose_deletion,
    propose_heading,
    propose_insertion,
    propose_modification,
)
from rkc.audit import record
from rkc.auth.models import User
from rkc.auth.permissions import Action, can
from rkc.convention.corpus import Unit
from rkc.convention.kinds import KIND_LABELS
from rkc.convention.models import Edition, EditionEntry, EditionStatus, Node, Revision, Work
from rkc.convention.operations import Content, TextStoreError, open_draft, reorder
from rkc.convention.queries import entry_of
from rkc.extensions import db
from rkc.interchange.docx_changes import UnitChange, read_marked_up
from rkc.interchange.report import Finding, ImportRefused
from rkc.text.merge import rebase

#: Kinds that stand at the top of a work (the Body, an annex, a set of Guidelines).
TOP_KINDS = frozenset({"instrument", "annex", "guidelines"})


@dataclass(frozen=True)
class ChapterSummary:
    """What an import did to one chapter (or to a top-level unit's own heading and text)."""

    key: str
    label: str
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0


@dataclass(frozen=True)
class ImportSummary:
    """What an import did to the text, against the edition it started from."""

    edition: Edition
    added: int
    changed: int
    unchanged: int
    removed: int
    #: Units of the starting edition the file did not touch, kept as they were.
    kept: int = 0
    chapters: tuple[ChapterSummary, ...] = ()
    replace_work: bool = False
    #: Warnings the user accepted (gaps in the numbering, kinds that changed).
    warnings: tuple[Finding, ...] = ()
    #: The PDF reader's report (`pdf_import.Fidelity`), for a PDF.
    fidelity: Any = None
    #: What the user should know about the result (an authentic flag on part of the work).
    notes: tuple[str, ...] = ()

    @property
    def total(self) -> int:
        return self.added + self.changed + self.unchanged

    def lines(self) -> list[str]:
        """One line per chapter: `General Annex, Chapter 4 (ga/4): 1 added, ...`."""
        return [
            f"{c.label} ({c.key}): {c.added} added, {c.changed} changed, "
            f"{c.unchanged} unchanged, {c.removed} removed"
            for c in self.chapters
        ]


def import_edition(
    work: Work,
    roots: Sequence[Unit],
    *,
    base: Edition,
    slug: str,
    title: str,
    source: str,
    description: str = "",
    is_authentic: bool = False,
    language: str = "en",
    locations: dict[str, str] | None = None,
    replace_work: bool = False,
    warnings: Sequence[Finding] = (),
    accept_warnings: bool = False,
    context: Callable[[str], str] | None = None,
) -> ImportSummary:
    """Store an imported text as a new working draft of `work`, opened from `base`.

    Units whose key names an existing node become new revisions of it (or keep its revision
    when nothing changed); other keys make new nodes.

    By default the file replaces what it holds and nothing else: each chapter it holds (with
    everything under it) replaces that chapter, a top-level unit's own heading and text are
    updated, a chapter or annex the base lacks is added after the others, and every other
    unit of `base` stays as it is. With `replace_work` the file is the whole work: units of
    `base` it lacks are left out of the draft.

    Raises ImportRefused, before writing anything, when a key belongs to another work, a
    unit cannot be placed, the slug or title is unusable, or there are warnings (`warnings`
    given, and kinds that changed against `base`) that the user did not accept.
    """
    where = locations or {}
    around = context or (lambda _where: "")
    findings: list[Finding] = []
    if base.work_id != work.id:
        findings.append(Finding("", f"edition {base.slug!r} belongs to another work"))
    if not title.strip():
        findings.append(Finding("", "the new edition needs a title"))
    keys = [unit.key for root in roots for unit in root.walk()]
    nodes = {
        n.key: n
        for chunk in _chunks(keys)
        for n in db.session.scalars(select(Node).where(Node.key.in_(chunk)))
    }
    for key, node in nodes.items():
        if node.work_id != work.id:
            findings.append(Finding(where.get(key, ""), f"key {key!r} belongs to another work"))

    # What each node says in the base edition (its entry gives the subtree's ordinal range).
    base_rows = db.session.execute(
        select(Revision, EditionEntry, Node.key)
        .join(EditionEntry, EditionEntry.revision_id == Revision.id)
        .join(Node, Node.id == EditionEntry.node_id)
        .where(EditionEntry.edition_id == base.id, EditionEntry.language == language)
    ).all()
    before: dict[int, Revision] = {rev.node_id: rev for rev, _entry, _key in base_rows}
    entries: dict[int, EditionEntry] = {entry.node_id: entry for _rev, entry, _key in base_rows}
    key_of: dict[int, str] = {entry.node_id: key for _rev, entry, key in base_rows}
    base_node_ids = set(before)

    def base_revision(key: str) -> Revision | None:
        node = nodes.get(key)
        return before.get(node.id) if node is not None else None

    # Where each piece of the file goes: (unit, parent key, position, with its children).
    pieces: list[tuple[Unit, str | None, int, bool]] = []
    replaced: set[int] = set()
    top_positions = [r.position for r in before.values() if r.parent_id is None]
    next_top = max(top_positions, default=-1) + 1

    def subtree_ids(key: str) -> set[int]:
        entry = entries[nodes[key].id]
        return {
            node_id
            for node_id, e in entries.items()
            if entry.ordinal <= e.ordinal <= entry.end_ordinal
        }

    for index, root in enumerate(roots):
        revision = base_revision(root.key)
        if revision is not None and revision.parent_id is not None:
            if replace_work:
                findings.append(
                    Finding(
                        where.get(root.key, ""),
                        f"{root.key} is part of the work, not the whole of it: replacing the "
                        "whole work needs files holding its top-level units (the Body, the "
                        "annexes); import a part without --replace-work",
                    )
                )
                continue
            assert revision.parent is not None
            pieces.append((root, revision.parent.key, revision.position, True))
            replaced |= subtree_ids(root.key)
        elif root.kind not in TOP_KINDS:
            findings.append(
                Finding(
                    where.get(root.key, ""),
                    f"{root.key} is not a unit of {base.slug!r}: a {root.kind.replace('_', ' ')} "
                    "must be imported under the heading of the annex (or Body) it belongs to",
                )
            )
        elif replace_work:
            pieces.append((root, None, index, True))
        elif revision is None:  # a top-level unit the base lacks: added after the others
            pieces.append((root, None, next_top, True))
            next_top += 1
        else:
            pieces.append((root, None, revision.position, False))
            replaced.add(revision.node_id)
            # A heading placing the chapters below it (`SPECIFIC ANNEX E`) keeps the base's
            # introduction and title unless the file gives its own.
            if not root.text.strip():
                root.text = revision.text
            if not root.title:
                root.title = revision.title
            siblings = [r.position for r in before.values() if r.parent_id == revision.node_id]
            next_child = max(siblings, default=-1) + 1
            for child in root.children:
                known = base_revision(child.key)
                if known is not None and known.parent_id == revision.node_id:
                    pieces.append((child, root.key, known.position, True))
                    replaced |= subtree_ids(child.key)
                else:
                    pieces.append((child, root.key, next_child, True))
                    next_child += 1
    if replace_work:
        replaced = set(base_node_ids)
    replaced |= {nodes[k].id for k in keys if k in nodes} & base_node_ids  # units moved here
    if findings:
        raise ImportRefused(source, findings)

    # Capitals are the WCO's typography: a title that differs from the base's only in case
    # keeps the base's spelling.
    for root in roots:
        for unit in root.walk():
            previous = base_revision(unit.key)
            if (
                unit.title
                and previous is not None
                and previous.title
                and unit.title == unit.title.upper()
                and unit.title.casefold() == previous.title.casefold()
            ):
                unit.title = previous.title

    # Warnings: the file's (gaps in its numbering), and kinds that changed against the base.
    found = list(warnings)
    for root in roots:
        for unit in root.walk():
            previous = base_revision(unit.key)
            if previous is not None and previous.kind != unit.kind:
                place = where.get(unit.key, "")
                found.append(
                    Finding(
                        place,
                        f"{KIND_LABELS.get(unit.kind, unit.kind)} {unit.number or ''} was a "
                        f"{KIND_LABELS.get(previous.kind, previous.kind)} in {base.slug!r}: the "
                        "kind changes",
                        around(place),
                        warning=True,
                    )
                )
    notes: list[str] = []
    if is_authentic and base_node_ids - replaced and language not in authentic_languages(base):
        notes.append(
            f"the file holds part of the work: the new draft is marked authentic in "
            f"{language!r}, and the units it keeps from {base.slug!r} (not authentic in "
            f"{language!r}) are claimed authentic too"
        )
    if found and not accept_warnings:
        raise ImportRefused(source, found)

    try:
        draft = open_draft(base, slug=slug, title=title.strip(), description=description)
    except TextStoreError as exc:  # raised before open_draft writes anything
        raise ImportRefused(source, [Finding("", str(exc))]) from None
    languages = set(authentic_languages(base))
    if is_authentic:
        languages.add(language)
    else:
        languages.discard(language)
    draft.authentic_languages = " ".join(sorted(languages))
    draft.is_authentic = bool(languages)

    # Nodes outside the base: their latest revision anywhere is the predecessor.
    missing = [n.id for n in nodes.values() if n.id not in before]
    for chunk in _chunks(missing):
        latest = (
            select(func.max(Revision.id))
            .where(Revision.node_id.in_(chunk), Revision.language == language)
            .group_by(Revision.node_id)
        )
        for revision in db.session.scalars(select(Revision).where(Revision.id.in_(latest))):
            before[revision.node_id] = revision
    new_nodes = [Node(work_id=work.id, key=k) for k in keys if k not in nodes]
    db.session.add_all(new_nodes)
    db.session.flush()
    nodes.update({n.key: n for n in new_nodes})
    parents = {p for _, p, _, _ in pieces if p is not None}
    parent_ids = dict(
        db.session.execute(select(Node.key, Node.id).where(Node.key.in_(parents))).all()
    )
    parent_ids.update({k: n.id for k, n in nodes.items()})

    counts: dict[str, dict[str, int]] = {}
    group_of = _groups(roots, pieces)
    revision_of: dict[str, int] = {}
    fresh: list[tuple[str, Revision]] = []
    for unit, parent_key, position in _placed_units(pieces):
        node = nodes[unit.key]
        content = Content(
            kind=unit.kind,
            parent_key=parent_key,
            position=position,
            number=unit.number,
            number_alt=unit.number_alt,
            title=unit.title,
            text=unit.text,
            explains=" ".join(unit.explains),
        )
        tally = counts.setdefault(group_of[unit.key], {})
        previous = before.get(node.id)
        if previous is not None and previous.content_hash == content.hash():
            revision_of[unit.key] = previous.id
            tally["unchanged"] = tally.get("unchanged", 0) + 1
            continue
        outcome = "changed" if node.id in base_node_ids else "added"
        tally[outcome] = tally.get(outcome, 0) + 1
        revision = Revision(
            node_id=node.id,
            language=language,
            kind=content.kind,
            parent_id=parent_ids[parent_key] if parent_key else None,
            position=position,
            number=content.number,
            number_alt=content.number_alt,
            title=content.title,
            text=content.text,
            explains=content.explains,
            content_hash=content.hash(),
            predecessor_id=previous.id if previous else None,
            origin="import",
            origin_ref=f"{source} {where.get(unit.key, '')}".strip(),
        )
        fresh.append((unit.key, revision))
    db.session.add_all([r for _, r in fresh])
    db.session.flush()
    revision_of.update({key: r.id for key, r in fresh})

    imported_ids = {nodes[k].id for k in keys}
    removed_ids = replaced - imported_ids
    labels: dict[str, str] = {}
    for node_id in removed_ids:
        group = _base_group(node_id, before, key_of, labels)
        tally = counts.setdefault(group, {})
        tally["removed"] = tally.get("removed", 0) + 1
    for key, label in _labels(roots).items():
        if key in labels:
            continue
        if key in nodes and nodes[key].id in base_node_ids:
            _base_group(nodes[key].id, before, key_of, labels)
        labels.setdefault(key, label)

    for chunk in _chunks(sorted(replaced)):
        db.session.execute(
            delete(EditionEntry).where(
                EditionEntry.edition_id == draft.id,
                EditionEntry.language == language,
                EditionEntry.node_id.in_(chunk),
            )
        )
    rows = [
        {
            "edition_id": draft.id,
            "node_id": nodes[key].id,
            "language": language,
            "revision_id": revision_of[key],
            "ordinal": -1,
            "end_ordinal": -1,
            "depth": 0,
        }
        for key in keys
    ]
    if rows:
        db.session.execute(insert(EditionEntry), rows)
    db.session.expire_all()
    reorder(draft, language)
    db.session.flush()
    chapters = tuple(
        ChapterSummary(key, labels.get(key, key), **tally) for key, tally in counts.items()
    )
    total = {
        name: sum(getattr(c, name) for c in chapters)
        for name in ("added", "changed", "unchanged", "removed")
    }
    summary = ImportSummary(
        draft,
        **total,
        kept=len(base_node_ids - replaced),
        chapters=chapters,
        replace_work=replace_work,
        warnings=tuple(found),
        notes=tuple(notes),
    )
    record(
        "interchange.import",
        "edition",
        draft.id,
        work=work.key,
        slug=slug,
        source=source,
        base=base.slug,
        replace_work=replace_work,
        authentic=is_authentic,
        language=language,
        kept=summary.kept,
        chapters=[[c.key, c.added, c.changed, c.unchanged, c.removed] for c in summary.chapters],
        warnings_accepted=[str(f) for f in found],
        notes=notes,
        **total,
    )
    return summary


def authentic_languages(edition: Edition) -> tuple[str, ...]:
    """The languages in which an edition is the authentic text."""
    return tuple((edition.authentic_languages or "").split())


def _placed_units(
    pieces: Sequence[tuple[Unit, str | None, int, bool]],
) -> list[tuple[Unit, str | None, int]]:
    """(unit, parent key, position among siblings) in document order."""
    out: list[tuple[Unit, str | None, int]] = []

    def visit(unit: Unit, parent_key: str | None, position: int) -> None:
        out.append((unit, parent_key, position))
        for index, child in enumerate(unit.children):
            visit(child, unit.key, index)

    for unit, parent_key, position, whole in pieces:
        if whole:
            visit(unit, parent_key, position)
        else:
            out.append((unit, parent_key, position))
    return out


#: Kinds a summary counts by: a chapter, or a unit standing directly in a top-level unit.
def _groups(
    roots: Sequence[Unit], pieces: Sequence[tuple[Unit, str | None, int, bool]]
) -> dict[str, str]:
    """Unit key -> the key of the chapter (or top-level unit) it is counted under."""
    out: dict[str, str] = {}

    def visit(unit: Unit, group: str) -> None:
        if unit.kind == "chapter" or unit.kind == "preamble":
            group = unit.key
        out[unit.key] = group
        for child in unit.children:
            visit(child, group)

    for unit, _parent, _position, _whole in pieces:
        if unit.key not in out:
            visit(unit, unit.key)
    return out


def _base_group(
    node_id: int, before: dict[int, Revision], key_of: dict[int, str], labels: dict[str, str]
) -> str:
    """The chapter (or top-level unit) of the base a removed unit was counted under."""
    chain: list[Revision] = []
    current: Revision | None = before.get(node_id)
    while current is not None:
        chain.append(current)
        current = before.get(current.parent_id) if current.parent_id is not None else None
    group = next((r for r in chain if r.kind in ("chapter", "preamble")), chain[-1])
    top = chain[-1]
    key = key_of[group.node_id]
    if key not in labels:
        labels[key] = _label(top.kind, top.number, top.title, group)
    return key


def _labels(roots: Sequence[Unit]) -> dict[str, str]:
    out: dict[str, str] = {}
    for root in roots:
        for unit in root.walk():
            if unit is root or unit.kind in ("chapter", "preamble"):
                out[unit.key] = _label(root.kind, root.number, root.title, unit)
    return out


def _label(top_kind: str, top_number: str | None, top_title: str | None, unit) -> str:  # type: ignore[no-untyped-def]
    """`General Annex, Chapter 4`, `Specific Annex E, Chapter 1`, `Body, Preamble`."""
    if top_kind == "annex":
        top = f"Specific Annex {top_number}" if top_number else (top_title or "Annex")
    elif top_kind == "instrument":
        top = "Body"
    else:
        top = top_title or KIND_LABELS.get(top_kind, top_kind)
    if unit.kind == "chapter":
        return f"{top}, Chapter {unit.number}"
    if unit.kind == "preamble":
        return f"{top}, Preamble"
    return f"{top} (heading and text)"


def _chunks(values: Sequence, size: int = 500):  # type: ignore[no-untyped-def]
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


#: Formats `import_file` reads, by the name forms and the command line use.
IMPORT_FORMATS = ("akn", "docx", "pdf")


def read_outline(fmt: str, data: bytes, source: str, *, limit: int):  # type: ignore[no-untyped-def]
    """Parse an uploaded file into an outline (no database access)."""
    if fmt == "akn":
        from rkc.interchange import akn

        return akn.read(data, source, limit=limit)
    if fmt == "docx":
        from rkc.interchange import docx_import

        return docx_import.read(data, source, limit=limit)
    if fmt == "pdf":
        from rkc.interchange import pdf_import

        return pdf_import.read(data, source, limit=limit)
    raise ImportRefused(source, [Finding("", f"unknown format {fmt!r}; use akn, docx or pdf")])


def read_checked(fmt: str, data: bytes, *, source: str, base: Edition, limit: int):  # type: ignore[no-untyped-def]
    """(outline, roots): the file read and checked against the rules of the corpus; the roots
    of a Word or PDF file keyed from `base`. ImportRefused when anything is wrong."""
    outline = read_outline(fmt, data, source, limit=limit)
    if fmt in ("docx", "pdf"):
        from rkc.interchange import docx_import

        docx_import.supply_root_keys(outline, base)
    roots = outline.units(known_keys=db.session.scalars(select(Node.key)))
    return outline, roots


def import_file(
    work: Work,
    fmt: str,
    data: bytes,
    *,
    source: str,
    base: Edition,
    slug: str,
    title: str,
    limit: int,
    description: str = "",
    is_authentic: bool = False,
    language: str = "en",
    replace_work: bool = False,
    accept_warnings: bool = False,
) -> ImportSummary:
    """Read, check and store a file as a new working draft; ImportRefused stores nothing.

    Warnings (gaps in the numbering, kinds that changed against `base`) refuse the file
    unless `accept_warnings`.
    """
    outline, roots = read_checked(fmt, data, source=source, base=base, limit=limit)
    summary = import_edition(
        work,
        roots,
        base=base,
        slug=slug,
        title=title,
        source=source,
        description=description,
        is_authentic=is_authentic,
        language=language,
        locations=outline.locations,
        replace_work=replace_work,
        warnings=outline.warnings,
        accept_warnings=accept_warnings,
        context=outline.context,
    )
    return replace(summary, fidelity=outline.fidelity)


# --------------------------------------------------------------------------- marked-up Word


@dataclass(frozen=True)
class ProposedFromWord:
    """One draft amendment made from a marked-up document: where it came from and what."""

    where: str
    label: str
    amendment: Amendment
    #: Said when the proposal was carried over to a draft that changed since the download.
    note: str = ""


@dataclass(frozen=True)
class WordAmendments:
    """What `import_tracked_amendments` stored, and the changes that proposed nothing."""

    edition: Edition
    source: str
    proposed: list[ProposedFromWord]
    skipped: list[Finding]
    authors: tuple[str, ...]


def import_tracked_amendments(
    data: bytes,
    *,
    source: str,
    user: User,
    limit: int,
    edition: Edition | None = None,
    concept: str = "",
    justification: str = "",
) -> WordAmendments:
    """Draft amendments of `user`'s party from the tracked changes of a marked-up .docx.

    One amendment per changed unit and kind of change (a new text, a new heading, a deletion,
    an insertion; see `rkc.interchange.docx_changes`), each a draft for the delegation to
    review, justify and table. `edition` is the working draft amended; None takes the newest
    working draft of the work the document's units belong to.

    When the text before the tracked changes is not the draft's current text but an earlier
    text of the same unit (the document was downloaded before the draft moved on), the changes
    are carried over by the three-way merge, or refused where they overlap what changed
    meanwhile. A text before the changes that the unit never had (edits made with Track
    Changes off) is refused. Every check runs before the first write: ImportRefused (naming
    the paragraphs) stores nothing; AmendmentRefused when `user` may not propose.
    """
    if not can(user, Action.PROPOSE_AMENDMENT):
        raise AmendmentRefused(
            "user", "Only a delegate acting for a Contracting Party may propose amendments."
        )
    if edition is not None and edition.status is not EditionStatus.WORKING_DRAFT:
        raise ImportRefused(
            source, [Finding("", f"“{edition.title}” is not a working draft: choose one")]
        )
    root_key_for = None
    if edition is not None:
        from rkc.interchange.docx_export import heading_text
        from rkc.interchange.queries import snapshot

        snap = snapshot(edition)
        assert snap is not None
        by_heading = {" ".join(heading_text(r).split()).casefold(): r.item.key for r in snap.roots}

        def root_key_for(line: str) -> str | None:
            return by_heading.get(" ".join(line.split()).casefold())

    marked = read_marked_up(
        data,
        source,
        limit=limit,
        known_keys=db.session.scalars(select(Node.key)),
        root_key_for=root_key_for,
    )
    wanted = {
        key
        for change in marked.changes
        for key in (change.key, change.parent_key, change.after_key)
        if key
    } | set(marked.root_keys)
    nodes = {
        n.key: n
        for chunk in _chunks(sorted(wanted))
        for n in db.session.scalars(select(Node).where(Node.key.in_(chunk)))
    }
    if edition is None:
        root = next((nodes[k] for k in marked.root_keys if k in nodes), None)
        drafts = [
            e
            for e in (root.work.editions if root is not None else [])
            if e.status is EditionStatus.WORKING_DRAFT
        ]
        if not drafts:
            raise ImportRefused(
                source,
                [
                    Finding(
                        "paragraph 1" if root is None else "",
                        "no working draft holds the units of this document: download a "
                        "chapter of a working draft as Word, mark it up and upload it",
                    )
                ],
            )
        edition = max(drafts, key=lambda e: e.id)

    findings: list[Finding] = []
    skipped: list[Finding] = []
    plans: list[tuple[str, str, str, Callable[[], Amendment]]] = []
    common = {"user": user, "justification": justification, "concept": concept}
    for change in marked.changes:
        try:
            plan = _plan(edition, change, nodes, common, skipped)
        except AmendmentRefused:
            raise
        except AmendmentError as exc:
            findings.append(Finding(change.where, str(exc)))
            continue
        if plan is not None:
            plans.append(plan)
    if findings:
        raise ImportRefused(source, findings)
    if not plans and not skipped:
        raise ImportRefused(source, [Finding("", "the tracked changes change no text")])
    proposed = []
    for where, label, note, make in plans:
        try:
            proposed.append(ProposedFromWord(where, label, make(), note))
        except AmendmentError as exc:  # checked above; only a concurrent change gets here
            raise ImportRefused(source, [Finding(where, str(exc))]) from None
    authors = tuple(dict.fromkeys(a for c in marked.changes for a in c.authors))
    record(
        "amendment.import_word",
        "edition",
        edition.id,
        source=source,
        amendments=[p.amendment.id for p in proposed],
        skipped=len(skipped),
        authors=list(authors),
    )
    return WordAmendments(edition, source, proposed, skipped, authors)


def _carry(
    label: str, what: str, before: str, current: str, after: str, history: Iterable[str]
) -> tuple[str, str]:
    """(what to propose, a note): the delegate's change written against the current text."""
    if before == current:
        return after, ""
    if before not in set(history):
        raise AmendmentError(
            "text",
            f"{label}: the {what} before the tracked changes is not one this unit has had in "
            "rkc, so the changes cannot be told apart from edits made with Track Changes off. "
            "Download the chapter again and mark it up with Track Changes on.",
        )
    merged = rebase(before, current, after)
    if not merged.is_clean or merged.text is None:
        overlaps = "; ".join(f"“{c.base}” is now “{c.ours}”" for c in merged.conflicts)
        raise AmendmentError(
            "text",
            f"{label}: the {what} changed in the working draft since this document was made, "
            f"where the tracked changes change it too ({overlaps}). Download the chapter "
            "again and mark up the current text.",
        )
    return merged.text, f"carried over to the current {what} of the working draft"


def _plan(
    edition: Edition,
    change: UnitChange,
    nodes: dict[str, Node],
    common: dict,
    skipped: list[Finding],
) -> tuple[str, str, str, Callable[[], Amendment]] | None:
    """Check one change against the draft (no writes): (where, label, note, how to store it)."""
    if change.action == "insert":
        assert change.after is not None
        assert change.parent_key is not None
        unit = change.after
        label = "New " + unit_label(unit.kind, unit.number, unit.title)
        parent = nodes.get(change.parent_key)
        if parent is None or parent.work_id != edition.work_id:
            raise AmendmentError("parent", f"{label}: {change.parent_key} is not in the draft.")
        after = nodes.get(change.after_key) if change.after_key else None
        fields = {
            "kind": unit.kind,
            "number": unit.number,
            "title": unit.title,
            "text": unit.text,
        }
        check_proposal(
            edition,
            AmendmentAction.INSERT,
            parent=parent,
            after=after,
            justification=common["justification"],
            concept=common["concept"],
            **fields,
        )
        return (
            change.where,
            label,
            "",
            lambda: propose_insertion(edition, parent, after=after, **fields, **common),
        )
    node = nodes.get(change.key)
    entry = entry_of(edition, node) if node is not None else None
    if node is None or entry is None or node.work_id != edition.work_id:
        name = change.before.kind if change.before else "unit"
        raise AmendmentError(
            "target", f"{change.key} ({name}) is not in the working draft “{edition.title}”."
        )
    current = entry.revision
    label = revision_label(current)
    history = db.session.execute(
        select(Revision.text, Revision.title).where(Revision.node_id == node.id)
    ).all()
    if change.action == "delete":
        check_proposal(edition, AmendmentAction.DELETE, node=node, **_checked(common))
        return (
            change.where,
            label,
            "",
            lambda: propose_deletion(edition, node, expected_revision_id=current.id, **common),
        )
    assert change.before is not None
    assert change.after is not None
    if change.action == "heading":
        title, note = _carry(
            label,
            "heading",
            change.before.title or "",
            current.title or "",
            change.after.title or "",
            (t or "" for _, t in history),
        )
        if title == (current.title or ""):
            skipped.append(Finding(change.where, f"{label}: the draft's heading already reads so"))
            return None
        check_proposal(edition, AmendmentAction.HEADING, node=node, title=title, **_checked(common))
        return (
            change.where,
            label + " (heading)",
            note,
            lambda: propose_heading(
                edition, node, title=title, expected_revision_id=current.id, **common
            ),
        )
    text, note = _carry(
        label, "text", change.before.text, current.text, change.after.text, (t for t, _ in history)
    )
    if text == current.text:
        skipped.append(Finding(change.where, f"{label}: the draft's text already reads so"))
        return None
    check_proposal(edition, AmendmentAction.MODIFY, node=node, text=text, **_checked(common))
    return (
        change.where,
        label,
        note,
        lambda: propose_modification(
            edition, node, text=text, expected_revision_id=current.id, **common
        ),
    )


def _checked(common: dict) -> dict:
    return {"justification": common["justification"], "concept": common["concept"]}
