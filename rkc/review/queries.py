"""Reads of the review register, and the numbers agenda items show (computed, never stored)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import undefer

from rkc.auth.permissions import Action, can
from rkc.extensions import db
from rkc.review.models import AgendaItem, Body, Document, Meeting

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
