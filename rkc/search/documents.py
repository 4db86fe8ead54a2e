"""From the text store to index documents: what one revision looks like to search.

Reads go through a plain SQLAlchemy Connection, not the request's session: the index is
written after the request's transaction has committed (rkc/search/index.py).

Every revision is indexed once, when it is made, and its document never changes: a revision's
content is immutable. Which editions hold it is not part of the document (opening a draft or
freezing an edition writes no document); searches read it from the editions' manifests
(`manifest_revision_ids`). A revision no edition holds (an intermediate state of a working
draft) stays indexed but out of reach of every search. Which annex and chapter a unit belongs
to is read from its ancestors as they stand in their latest revisions; the facet values are
node keys, which never change, and their labels are read from the edition being searched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from rkc.convention.kinds import KIND_CSS
from rkc.convention.models import EditionEntry, Node, Revision, Work
from rkc.text.markdown import plain_text

#: Rows per IN (...) list: well under SQLite's limit on bound parameters.
CHUNK = 500

#: Score multipliers per kind. Headings name what a chapter is about, so a chapter whose
#: heading matches is the best place to start reading.
KIND_BOOSTS: dict[str, float] = {
    "instrument": 1.6,
    "annex": 1.6,
    "chapter": 1.6,
    "section": 1.2,
    "note": 0.9,
}

#: Score multipliers per work: guidance ranks after the binding text it explains.
WORK_BOOSTS: dict[str, float] = {"guidelines": 0.8}

#: Languages analysed as French; everything else goes through the English analyser.
FRENCH = frozenset({"fr"})

_WORD = re.compile(r"[^\W_]+(?:[-./][^\W_]+)*")


@dataclass(frozen=True)
class OutlineNode:
    """A node as its latest revision places it: enough to find its annex and chapter."""

    node_id: int
    key: str
    kind: str
    number: str | None
    title: str | None
    explains: str
    parent_id: int | None


class Outline:
    """Every node as its latest revision places it, by id and by key."""

    def __init__(self, nodes: Iterable[OutlineNode]):
        self.by_id = {n.node_id: n for n in nodes}
        self.by_key = {n.key: n for n in self.by_id.values()}

    def parent(self, node: OutlineNode) -> OutlineNode | None:
        return self.by_id.get(node.parent_id) if node.parent_id is not None else None


@dataclass(frozen=True)
class Place:
    annex: OutlineNode | None
    chapter: OutlineNode | None


def chunks(values: Sequence[int], size: int = CHUNK) -> Iterator[Sequence[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def load_outline(conn: Connection) -> Outline:
    """Every node with the kind, number and parent of its latest revision (any language)."""
    latest = (
        select(func.max(Revision.id).label("revision_id")).group_by(Revision.node_id).subquery()
    )
    rows = conn.execute(
        select(
            Revision.node_id,
            Node.key,
            Revision.kind,
            Revision.number,
            Revision.title,
            Revision.explains,
            Revision.parent_id,
        )
        .join(latest, latest.c.revision_id == Revision.id)
        .join(Node, Node.id == Revision.node_id)
    ).all()
    return Outline(OutlineNode(*r) for r in rows)


def work_keys(conn: Connection) -> dict[int, str]:
    return dict(conn.execute(select(Work.id, Work.key)).all())


def indexed_revision_ids(conn: Connection) -> list[int]:
    """Every revision (each is indexed once), in id order."""
    return list(conn.scalars(select(Revision.id).order_by(Revision.id)))


def manifest_revision_ids(conn: Connection, edition_id: int) -> set[int]:
    return set(
        conn.scalars(select(EditionEntry.revision_id).where(EditionEntry.edition_id == edition_id))
    )


def place_of(outline: Outline, start: OutlineNode, *, _depth: int = 0) -> Place:
    """The annex (or instrument) and chapter that contain `start`, itself included.

    A guidelines root has no annex of its own: it takes the place of the chapter it explains.
    """
    annex = chapter = None
    node: OutlineNode | None = start
    for _ in range(64):  # a guard against a cycle in bad data
        if node is None:
            break
        if node.kind == "chapter" and chapter is None:
            chapter = node
        if node.kind in ("annex", "instrument"):
            annex = node
            break
        if node.kind == "guidelines" and node.explains and _depth == 0:
            target_key = node.explains.split()[0]
            target = outline.by_key.get(target_key)
            if target is not None:
                explained = place_of(outline, target, _depth=1)
                return Place(explained.annex, chapter or explained.chapter)
            break
        node = outline.parent(node)
    return Place(annex, chapter)


def _words(*values: str | None) -> list[str]:
    found: list[str] = []
    for value in values:
        if value:
            found += [w.lower() for w in _WORD.findall(value)]
    return found


def kind_terms(kind: str) -> list[str]:
    """What `kind:` may say: standard, transitional_standard, transitional-standard, ts, ..."""
    parts = kind.split("_")
    terms = {kind, kind.replace("_", "-"), kind.replace("_", ""), parts[0]}
    if len(parts) > 1:
        terms.add("".join(p[0] for p in parts))
    if kind in KIND_CSS:
        terms.add(KIND_CSS[kind])
    return sorted(terms)


def annex_terms(annex: OutlineNode) -> list[str]:
    """What `annex:` may say: ga, general, sa-b, b, importation, body, ..."""
    terms = {annex.key.lower(), *_words(annex.number, annex.title)}
    if "-" in annex.key:
        terms.add(annex.key.rsplit("-", 1)[1].lower())
    return sorted(terms)


def chapter_terms(chapter: OutlineNode, annex: OutlineNode | None) -> list[str]:
    """What `chapter:` may say: 10, ga/10, b1 (Specific Annex B chapter 1), ..."""
    terms = {chapter.key.lower()}
    if chapter.number:
        number = chapter.number.lower()
        terms.add(number)
        if annex is not None and annex.number:
            terms.add(annex.number.lower() + number)
    return sorted(terms)


def document_for(
    revision: Any,
    outline: Outline,
    works: dict[int, str],
    plain: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The index document of one revision row (see `_REVISION_COLUMNS`). `plain` remembers
    the plain text of each Markdown text already converted (a revision that changes only its
    heading or numbering keeps its text, and many units have no text at all)."""
    own = OutlineNode(
        node_id=revision.node_id,
        key=revision.key,
        kind=revision.kind,
        number=revision.number,
        title=revision.title,
        explains=revision.explains or "",
        parent_id=revision.parent_id,
    )
    place = place_of(outline, own)
    french = revision.language in FRENCH
    work = works.get(revision.work_id, "")
    source = revision.text or ""
    text = plain.get(source) if plain is not None else None
    if text is None:
        text = plain_text(source)
        if plain is not None:
            plain[source] = text
    doc: dict[str, Any] = {
        "doctype": "revision",
        "revision_id": revision.id,
        "node_id": revision.node_id,
        "key": revision.key,
        "work": work,
        "language": revision.language,
        "kind": revision.kind,
        "kind_terms": " ".join(kind_terms(revision.kind)),
        "number": " ".join(_words(revision.number, revision.number_alt)),
        ("title_fr" if french else "title"): revision.title or "",
        ("text_fr" if french else "text"): text,
        ("spell_fr" if french else "spell_en"): f"{revision.title or ''}\n{text}",
        "_boost": KIND_BOOSTS.get(revision.kind, 1.0) * WORK_BOOSTS.get(work, 1.0),
    }
    if place.annex is not None:
        doc["annex"] = place.annex.key
        doc["annex_terms"] = " ".join(annex_terms(place.annex))
    if place.chapter is not None:
        doc["chapter"] = place.chapter.key
        doc["chapter_terms"] = " ".join(chapter_terms(place.chapter, place.annex))
    return doc


_REVISION_COLUMNS = (
    Revision.id,
    Revision.node_id,
    Node.key,
    Node.work_id,
    Revision.language,
    Revision.kind,
    Revision.number,
    Revision.number_alt,
    Revision.title,
    Revision.text,
    Revision.explains,
    Revision.parent_id,
)


def documents(
    conn: Connection,
    revision_ids: Sequence[int],
    outline: Outline,
    works: dict[int, str],
    plain: dict[str, str] | None = None,
) -> tuple[list[dict[str, Any]], list[int]]:
    """Documents for these revisions, and the ids the database does not hold (`plain`: see
    `document_for`; pass one dict to calls made in turn to share it)."""
    docs: list[dict[str, Any]] = []
    missing: list[int] = []
    plain = {} if plain is None else plain
    for part in chunks(sorted(set(revision_ids))):
        rows = conn.execute(
            select(*_REVISION_COLUMNS)
            .join(Node, Node.id == Revision.node_id)
            .where(Revision.id.in_(part))
        ).all()
        found = set()
        for row in rows:
            found.add(row.id)
            docs.append(document_for(row, outline, works, plain))
        missing += [i for i in part if i not in found]
    return docs, missing
