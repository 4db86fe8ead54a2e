"""Writes of the interchange area: an imported text becomes a new working-draft edition.

No Flask here. The caller owns the transaction; every check runs before the first write, so
a refused import stores nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select

from rkc.audit import record
from rkc.convention.corpus import Unit
from rkc.convention.models import Edition, EditionEntry, Node, Revision, Work
from rkc.convention.operations import Content, TextStoreError, open_draft, reorder
from rkc.extensions import db
from rkc.interchange.report import Finding, ImportRefused


@dataclass(frozen=True)
class ImportSummary:
    """What an import did to the text, against the edition it started from."""

    edition: Edition
    added: int
    changed: int
    unchanged: int
    removed: int

    @property
    def total(self) -> int:
        return self.added + self.changed + self.unchanged


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
) -> ImportSummary:
    """Store an imported text as a new working draft of `work`, opened from `base`.

    Units whose key names an existing node become new revisions of it (or keep its revision
    when nothing changed); other keys make new nodes. When the imported top-level units are
    top-level units of the work, the file is the whole text and units of `base` it does not
    hold are left out of the draft. When they are units further down (a chapter, say), each
    replaces that unit and everything under it, in its place; the rest of `base` stays.

    Raises ImportRefused, before writing anything, when a key belongs to another work, a
    partial import names a unit `base` does not hold, or the slug or title is unusable.
    """
    where = locations or {}
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
        select(Revision, EditionEntry)
        .join(EditionEntry, EditionEntry.revision_id == Revision.id)
        .where(EditionEntry.edition_id == base.id, EditionEntry.language == language)
    ).all()
    before: dict[int, Revision] = {rev.node_id: rev for rev, _entry in base_rows}
    entries: dict[int, EditionEntry] = {entry.node_id: entry for _rev, entry in base_rows}
    base_node_ids = set(before)

    # A root that stands below the top of the work makes this a partial import.
    placed: dict[str, tuple[str | None, int]] = {}  # root key -> (parent key, position)
    for index, root in enumerate(roots):
        node = nodes.get(root.key)
        revision = before.get(node.id) if node is not None else None
        if revision is not None and revision.parent_id is not None:
            assert revision.parent is not None
            placed[root.key] = (revision.parent.key, revision.position)
        else:
            placed[root.key] = (None, index)
    partial = any(parent is not None for parent, _ in placed.values())
    if partial:
        for root in roots:
            if placed[root.key][0] is None:
                findings.append(
                    Finding(
                        where.get(root.key, ""),
                        f"{root.key} is not a unit of {base.slug!r} below the top level; an "
                        "import of part of the text must name units the starting edition holds",
                    )
                )
    if findings:
        raise ImportRefused(source, findings)

    try:
        draft = open_draft(base, slug=slug, title=title.strip(), description=description)
    except TextStoreError as exc:  # raised before open_draft writes anything
        raise ImportRefused(source, [Finding("", str(exc))]) from None
    draft.is_authentic = is_authentic

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
    parent_ids = dict(
        db.session.execute(
            select(Node.key, Node.id).where(
                Node.key.in_([p for p, _ in placed.values() if p is not None])
            )
        ).all()
    )
    parent_ids.update({k: n.id for k, n in nodes.items()})

    # Which entries of the draft (a copy of base) the import replaces.
    if partial:
        replaced: set[int] = set()
        for root in roots:
            entry = entries[nodes[root.key].id]
            replaced.update(
                node_id
                for node_id, e in entries.items()
                if entry.ordinal <= e.ordinal <= entry.end_ordinal
            )
    else:
        replaced = set(base_node_ids)
    replaced |= {nodes[k].id for k in keys} & base_node_ids  # units moved into the import

    added = changed = unchanged = 0
    revision_of: dict[str, int] = {}
    fresh: list[tuple[str, Revision]] = []
    for unit, parent_key, position in _placed_units(roots, placed):
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
        previous = before.get(node.id)
        if previous is not None and previous.content_hash == content.hash():
            revision_of[unit.key] = previous.id
            unchanged += 1
            continue
        if node.id in base_node_ids:
            changed += 1
        else:
            added += 1
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
    removed = len(replaced - {nodes[k].id for k in keys})
    db.session.flush()
    summary = ImportSummary(draft, added, changed, unchanged, removed)
    record(
        "interchange.import",
        "edition",
        draft.id,
        work=work.key,
        slug=slug,
        source=source,
        base=base.slug,
        partial=partial,
        authentic=is_authentic,
        added=added,
        changed=changed,
        unchanged=unchanged,
        removed=removed,
    )
    return summary


def _placed_units(
    roots: Sequence[Unit], placed: dict[str, tuple[str | None, int]]
) -> list[tuple[Unit, str | None, int]]:
    """(unit, parent key, position among siblings) in document order."""
    out: list[tuple[Unit, str | None, int]] = []

    def visit(unit: Unit, parent_key: str | None, position: int) -> None:
        out.append((unit, parent_key, position))
        for index, child in enumerate(unit.children):
            visit(child, unit.key, index)

    for root in roots:
        parent_key, position = placed[root.key]
        visit(root, parent_key, position)
    return out


def _chunks(values: Sequence, size: int = 500):  # type: ignore[no-untyped-def]
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


#: Formats `import_file` reads, by the name forms and the command line use.
IMPORT_FORMATS = ("akn", "docx")


def read_outline(fmt: str, data: bytes, source: str, *, limit: int):  # type: ignore[no-untyped-def]
    """Parse an uploaded file into an outline (no database access)."""
    if fmt == "akn":
        from rkc.interchange import akn

        return akn.read(data, source, limit=limit)
    if fmt == "docx":
        from rkc.interchange import docx_import

        return docx_import.read(data, source, limit=limit)
    raise ImportRefused(source, [Finding("", f"unknown format {fmt!r}; use akn or docx")])


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
) -> ImportSummary:
    """Read, check and store a file as a new working draft; ImportRefused stores nothing."""
    outline = read_outline(fmt, data, source, limit=limit)
    if fmt == "docx":
        from rkc.interchange import docx_import

        docx_import.supply_root_keys(outline, base)
    roots = outline.units(known_keys=db.session.scalars(select(Node.key)))
    return import_edition(
        work,
        roots,
        base=base,
        slug=slug,
        title=title,
        source=source,
        description=description,
        is_authentic=is_authentic,
        locations=outline.locations,
    )
