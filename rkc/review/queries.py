"""Reads of the review register, and the numbers agenda items show (computed, never stored)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, not_, or_, select
from sqlalchemy.orm import joinedload, undefer

from rkc.auth.permissions import Action, can
from rkc.extensions import db
from rkc.review.models import AgendaItem, Body, Document, DocumentLevel, Meeting

_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)


def roman(n: int) -> str:
    out = []
    for value, letters in _ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def letters(n: int) -> str:
    """a, b, ..., z, aa, ab, ..."""
    out = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("a") + rest) + out
    return out


@dataclass(frozen=True)
class NumberedItem:
    item: AgendaItem
    number: str
    depth: int


def agenda(meeting: Meeting) -> list[NumberedItem]:
    """The meeting's items in order, each with the number its place gives it."""
    items = list(
        db.session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    )
    children: dict[int | None, list[AgendaItem]] = {}
    for item in items:
        children.setdefault(item.parent_id, []).append(item)
    out: list[NumberedItem] = []
    for i, top in enumerate(children.get(None, []), start=1):
        out.append(NumberedItem(top, roman(i), 0))
        for j, sub in enumerate(children.get(top.id, []), start=1):
            out.append(NumberedItem(sub, f"{roman(i)}.{letters(j)}", 1))
    return out


def bodies() -> list[Body]:
    return list(db.session.scalars(select(Body).order_by(Body.id)))


def body(body_id: int) -> Body | None:
    return db.session.get(Body, body_id)


def meetings() -> list[Meeting]:
    return list(
        db.session.scalars(
            select(Meeting).order_by(Meeting.starts_on.desc(), Meeting.body_id, Meeting.number)
        )
    )


def meeting(meeting_id: int) -> Meeting | None:
    return db.session.get(Meeting, meeting_id)


def agenda_item(item_id: int) -> AgendaItem | None:
    return db.session.get(AgendaItem, item_id)


@dataclass(frozen=True)
class _LevelProbe:
    """Something with only a distribution level, to ask the rule about a level as such."""

    level: DocumentLevel


def readable_levels(reader: Any) -> list[DocumentLevel]:
    """The distribution levels `reader` may read, lowest first: `Action.READ_DOCUMENT`
    (rkc.auth.permissions) asked about each level, so queries that filter in SQL (search, the
    feed) follow the same rule as the page, the file and the API."""
    return [
        level for level in DocumentLevel if can(reader, Action.READ_DOCUMENT, _LevelProbe(level))
    ]


def documents_of(meeting: Meeting, reader: Any) -> list[Document]:
    """The meeting's documents that `reader` may read (their distribution level)."""
    found = list(
        db.session.scalars(
            select(Document)
            .where(Document.meeting_id == meeting.id)
            .order_by(Document.number, Document.version, Document.language)
        )
    )
    return [d for d in found if can(reader, Action.READ_DOCUMENT, d)]


def document(document_id: int, *, with_content: bool = False) -> Document | None:
    query = select(Document).where(Document.id == document_id)
    if with_content:
        query = query.options(undefer(Document.content))
    return db.session.scalar(query)


def versions_of(document: Document) -> list[Document]:
    """Every language version and version of the document's number."""
    return list(
        db.session.scalars(
            select(Document)
            .where(
                Document.body_id == document.body_id,
                Document.series == document.series,
                Document.number == document.number,
            )
            .order_by(Document.version, Document.language)
        )
    )


def children_of(document: Document) -> list[Document]:
    """Its addenda and corrigenda."""
    return list(
        db.session.scalars(
            select(Document).where(Document.parent_id == document.id).order_by(Document.id)
        )
    )


# --------------------------------------------------------------------------- search and feed

#: Most words of a search used to find documents, and most documents listed.
MAX_DOCUMENT_WORDS = 8
DOCUMENT_HITS = 20
#: Characters of a search read for document words (the text search cuts at 300).
MAX_QUERY = 1000
#: Search syntax that names nothing in a document: operators, and the Convention's fields.
_OPERATORS = frozenset({"and", "or"})
_TEXT_FIELDS = frozenset({"kind", "annex", "chapter", "number", "work", "language", "key"})
_TOKEN = re.compile(r"(?:(\w+):)?([^\s\"():*?]+)")


@dataclass(frozen=True)
class DocumentSearch:
    """Registered documents a search found among those its reader may read."""

    documents: list[Document]
    total: int


def document_words(q: str) -> tuple[list[str], list[str]]:
    """The words of a search that documents must hold, and those after NOT they must not.

    Quotes, brackets and wildcards are dropped (each word is matched on its own, anywhere
    in the symbol, the title or the body's code and name); `title:` and `text:` keep their
    word; a word under a field of the Convention's text (`kind:`, `annex:`, ...) is left out.
    """
    wanted: list[str] = []
    unwanted: list[str] = []
    negate = False
    # Control characters and lone surrogates are no part of a word (and PostgreSQL refuses
    # a NUL in a text parameter).
    text = "".join(c if c.isprintable() else " " for c in (q or "")[:MAX_QUERY])
    for match in _TOKEN.finditer(text):
        field, word = (match.group(1) or "").lower(), match.group(2)
        if not field and word == "NOT":
            negate = True
            continue
        if not field and word.lower() in _OPERATORS and word.isupper():
            continue
        if field in _TEXT_FIELDS:
            negate = False
            continue
        word = word.strip(".,;!'’").lower()
        if not word:
            negate = False
            continue
        target = unwanted if negate else wanted
        if word not in target:
            target.append(word)
        negate = False
    return wanted[:MAX_DOCUMENT_WORDS], unwanted[:MAX_DOCUMENT_WORDS]


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_documents(q: str, reader: Any, *, limit: int = DOCUMENT_HITS) -> DocumentSearch:
    """Registered documents whose symbol, title or body hold every word of `q` (and none
    after a NOT), among the distribution levels `reader` may read (`readable_levels`): an
    exact symbol first, then current versions before superseded ones, newest first."""
    wanted, unwanted = document_words(q)
    levels = readable_levels(reader)
    if not wanted or not levels:
        return DocumentSearch([], 0)
    haystacks = (
        func.lower(Document.symbol),
        func.lower(Document.title),
        func.lower(Body.code),
        func.lower(Body.name),
    )
    conditions = [Document.level.in_(levels)]
    for word in wanted:
        conditions.append(or_(*(h.like(_like(word), escape="\\") for h in haystacks)))
    for word in unwanted:
        conditions.append(not_(or_(*(h.like(_like(word), escape="\\") for h in haystacks))))
    matching = select(Document.id).join(Body, Body.id == Document.body_id).where(*conditions)
    total = db.session.scalar(select(func.count()).select_from(matching.subquery())) or 0
    exact = case((func.lower(Document.symbol) == " ".join(wanted), 0), else_=1)
    found = db.session.scalars(
        select(Document)
        .join(Body, Body.id == Document.body_id)
        .where(*conditions)
        .options(joinedload(Document.body), joinedload(Document.meeting))
        .order_by(
            exact,
            Document.superseded_by_id.is_not(None),
            Document.created_at.desc(),
            Document.id.desc(),
        )
        .limit(limit)
    )
    return DocumentSearch(list(found.unique()), total)


def public_documents_newest_first(limit: int = 50) -> list[Document]:
    """The documents an anonymous visitor may read (public ones), newest registration first:
    for the Atom feed, which is the same for everyone, whoever fetches it."""
    levels = readable_levels(None)
    if not levels:
        return []
    return list(
        db.session.scalars(
            select(Document)
            .where(Document.level.in_(levels))
            .options(joinedload(Document.body), joinedload(Document.meeting))
            .order_by(Document.created_at.desc(), Document.id.desc())
            .limit(limit)
        ).unique()
    )
