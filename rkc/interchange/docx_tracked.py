"""Word's own tracked changes: write a redline as real `w:ins`/`w:del` runs, and read it back.

Writing: `add_tracked_paragraph` turns the segments of a word diff (`rkc.text.diff`) into one
paragraph whose insertions and deletions Word and LibreOffice show as changes to accept or
reject, each attributed to an author and dated. Reading: `read_tracked` finds every paragraph
holding such changes and gives its old text (before the changes), its new text (after them)
and who made them when.

These are the generic pieces; the compilation of amendments and the import of a delegate's
marked-up chapter build on them. No Flask here.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from rkc.interchange.docx_import import open_package
from rkc.text.diff import Op, Segment, word_diff

#: Stands for a line break inside a paragraph in the texts `add_tracked_lines` compares
#: ("\n" separates paragraphs there); written as w:br.
LINE_BREAK = "\u2028"


@dataclass(frozen=True)
class Change:
    """One insertion or deletion as Word records it."""

    op: Op
    text: str
    author: str
    date: datetime | None


@dataclass(frozen=True)
class TrackedParagraph:
    """A paragraph with tracked changes: its number (from 1), both texts, the changes."""

    number: int
    old_text: str
    new_text: str
    changes: tuple[Change, ...]

    @property
    def authors(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.author for c in self.changes))

    @property
    def author(self) -> str:
        """The author of the changes (the first one when several people made them)."""
        return self.authors[0] if self.authors else ""

    @property
    def date(self) -> datetime | None:
        dates = [c.date for c in self.changes if c.date is not None]
        return max(dates) if dates else None


class ChangeIds:
    """Word wants every w:ins / w:del of a document to carry its own w:id."""

    def __init__(self, document) -> None:  # type: ignore[no-untyped-def]
        used = [
            int(el.get(qn("w:id")))
            for tag in ("w:ins", "w:del")
            for el in document.element.body.iter(qn(tag))
            if (el.get(qn("w:id")) or "").isdigit()
        ]
        self.next = max(used, default=0) + 1

    def take(self) -> str:
        value = self.next
        self.next += 1
        return str(value)


def _text_run(text: str, *, deleted: bool) -> OxmlElement:
    """A w:r holding `text`; line breaks become w:br; deleted text goes in w:delText."""
    run = OxmlElement("w:r")
    for index, line in enumerate(text.replace(LINE_BREAK, "\n").split("\n")):
        if index:
            run.append(OxmlElement("w:br"))
        if line:
            node = OxmlElement("w:delText" if deleted else "w:t")
            node.set(qn("xml:space"), "preserve")
            node.text = line
            run.append(node)
    return run


def _stamp(element: OxmlElement, ids: ChangeIds, author: str, when: datetime) -> OxmlElement:
    element.set(qn("w:id"), ids.take())
    element.set(qn("w:author"), author)
    element.set(qn("w:date"), when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    return element


def add_tracked_paragraph(
    document,  # type: ignore[no-untyped-def]
    segments: Sequence[Segment],
    *,
    author: str,
    date: datetime,
    style: str | None = None,
) -> Paragraph:
    """Append a paragraph showing `segments` as tracked changes by `author` on `date`."""
    paragraph = document.add_paragraph(style=style)
    append_tracked_runs(paragraph, segments, author=author, date=date, ids=ChangeIds(document))
    return paragraph


def append_tracked_runs(
    paragraph: Paragraph,
    segments: Iterable[Segment],
    *,
    author: str,
    date: datetime,
    ids: ChangeIds | None = None,
) -> None:
    """Append the runs of a redline to an existing paragraph."""
    if ids is None:
        ids = ChangeIds(paragraph.part.document)
    for segment in segments:
        if segment.op is Op.EQUAL:
            paragraph._p.append(_text_run(segment.text, deleted=False))
        elif segment.op is Op.INSERT:
            ins = _stamp(OxmlElement("w:ins"), ids, author, date)
            ins.append(_text_run(segment.text, deleted=False))
            paragraph._p.append(ins)
        else:
            deletion = _stamp(OxmlElement("w:del"), ids, author, date)
            deletion.append(_text_run(segment.text, deleted=True))
            paragraph._p.append(deletion)


def add_tracked_lines(
    document,  # type: ignore[no-untyped-def]
    old: Sequence[tuple[str, str]],
    new: Sequence[tuple[str, str]],
    *,
    author: str,
    date: datetime,
    ids: ChangeIds | None = None,
) -> list[Paragraph]:
    """Paragraphs showing the change from `old` to `new` as tracked changes.

    `old` and `new` are paragraphs as (style name, text); a line break inside a text is
    `LINE_BREAK`. Words are inserted and deleted inside paragraphs, and whole paragraphs are
    inserted or deleted: a paragraph mark that only one side has is tracked too, so that
    accepting every change gives exactly the paragraphs of `new` and rejecting them gives
    those of `old`. A paragraph takes the style of its `new` paragraph, or of its `old` one
    when it is only deleted.
    """
    if ids is None:
        ids = ChangeIds(document)
    segments = word_diff("\n".join(t for _, t in old), "\n".join(t for _, t in new))
    pieces: list[tuple[Op, str]] = []
    written: list[Paragraph] = []
    index = {"old": 0, "new": 0}

    def close(mark: Op | None) -> None:
        """End the paragraph being built; `mark` None: it is the last one."""
        ops = {op for op, text in pieces if text}
        if mark is None:
            # The last paragraph mark is the one both sides share, unless a side is empty.
            mark = Op.INSERT if not old and new else Op.DELETE if old and not new else Op.EQUAL
        only_deleted = ops <= {Op.DELETE} and mark is Op.DELETE
        if not only_deleted and index["new"] < len(new):
            style = new[index["new"]][0]
        elif index["old"] < len(old):
            style = old[index["old"]][0]
        else:
            style = new[-1][0] if new else "Normal"
        paragraph = document.add_paragraph(style=style)
        for op, text in pieces:
            if not text:
                continue
            if op is Op.EQUAL:
                paragraph._p.append(_text_run(text, deleted=False))
            else:
                wrapper = _stamp(
                    OxmlElement("w:ins" if op is Op.INSERT else "w:del"), ids, author, date
                )
                wrapper.append(_text_run(text, deleted=op is Op.DELETE))
                paragraph._p.append(wrapper)
        if mark is not Op.EQUAL:
            properties = OxmlElement("w:rPr")
            properties.append(
                _stamp(OxmlElement("w:ins" if mark is Op.INSERT else "w:del"), ids, author, date)
            )
            paragraph._p.get_or_add_pPr().append(properties)
        written.append(paragraph)
        pieces.clear()
        if mark is not Op.INSERT:
            index["old"] += 1
        if mark is not Op.DELETE:
            index["new"] += 1

    for segment in segments:
        first, *rest = segment.text.split("\n")
        pieces.append((segment.op, first))
        for part in rest:
            close(segment.op)
            pieces.append((segment.op, part))
    if pieces or not written:
        close(None)
    return written


def tracked_document(
    entries: Iterable[tuple[str, Sequence[Segment], str, datetime]], *, title: str
) -> bytes:
    """A .docx of headed redlines: (heading, segments, author, date) per entry."""
    document = Document()
    document.add_paragraph(title, style="Title")
    ids = ChangeIds(document)
    for heading, segments, author, when in entries:
        document.add_paragraph(heading, style="Heading 2")
        paragraph = document.add_paragraph()
        append_tracked_runs(paragraph, segments, author=author, date=when, ids=ids)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _run_text(run, *, deleted: bool) -> str:  # type: ignore[no-untyped-def]
    parts = []
    for child in run:
        if child.tag == qn("w:delText" if deleted else "w:t"):
            parts.append(child.text or "")
        elif child.tag == qn("w:tab"):
            parts.append("\t")
        elif child.tag in (qn("w:br"), qn("w:cr")):
            parts.append("\n")
    return "".join(parts)


def tracked_paragraphs(document) -> list[TrackedParagraph]:  # type: ignore[no-untyped-def]
    """Every body paragraph holding tracked insertions or deletions, in order."""
    found = []
    number = 0
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:sectPr"):
            continue
        number += 1
        if element.tag != qn("w:p"):
            continue
        old: list[str] = []
        new: list[str] = []
        changes: list[Change] = []
        for run in element.iter(qn("w:r")):
            parent = run.getparent()
            wrapper = parent if parent.tag in (qn("w:ins"), qn("w:del")) else None
            if wrapper is None and parent.tag == qn("w:hyperlink"):
                grand = parent.getparent()
                wrapper = grand if grand.tag in (qn("w:ins"), qn("w:del")) else None
            if wrapper is not None and wrapper.tag == qn("w:del"):
                text = _run_text(run, deleted=True)
                old.append(text)
                op = Op.DELETE
            else:
                text = _run_text(run, deleted=False)
                if wrapper is None:
                    old.append(text)
                new.append(text)
                op = Op.INSERT if wrapper is not None else Op.EQUAL
            if wrapper is not None and text:
                changes.append(
                    Change(
                        op,
                        text,
                        wrapper.get(qn("w:author")) or "",
                        _parse_date(wrapper.get(qn("w:date"))),
                    )
                )
        if changes:
            found.append(TrackedParagraph(number, "".join(old), "".join(new), tuple(changes)))
    return found


def read_tracked(data: bytes, source: str, *, limit: int) -> list[TrackedParagraph]:
    """The tracked paragraphs of an uploaded .docx (checked like any import first)."""
    return tracked_paragraphs(open_package(data, source, limit=limit))
