"""Mark up a Word document the way a delegate does with Track Changes on, in code.

Each helper writes the OOXML that Word writes for that edit: insertions and deletions of
words inside a paragraph (`w:ins` / `w:del` around runs) and whole paragraphs inserted or
deleted (their runs wrapped, and their paragraph mark tracked in `w:pPr/w:rPr`).
"""

from __future__ import annotations

import copy
import io
from datetime import UTC, datetime

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from rkc.interchange import docx_tracked
from rkc.text.diff import word_diff

WHEN = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


class Markup:
    """A .docx being edited with Track Changes on by `author`."""

    def __init__(self, data: bytes, author: str = "Delegate of Austria", when: datetime = WHEN):
        self.document = docx.Document(io.BytesIO(data))
        self.author = author
        self.when = when
        self._next_id = 9000

    def paragraph(self, starts_with: str):  # type: ignore[no-untyped-def]
        """The first body paragraph whose visible text starts with `starts_with`."""
        for paragraph in self.document.paragraphs:
            if paragraph.text.startswith(starts_with):
                return paragraph
        raise AssertionError(f"no paragraph starts with {starts_with!r}")

    def _stamp(self, tag: str) -> OxmlElement:
        element = OxmlElement(tag)
        element.set(qn("w:id"), str(self._next_id))
        self._next_id += 1
        element.set(qn("w:author"), self.author)
        element.set(qn("w:date"), self.when.strftime("%Y-%m-%dT%H:%M:%SZ"))
        return element

    @staticmethod
    def _visible_runs(paragraph):  # type: ignore[no-untyped-def]
        return [
            r
            for r in paragraph._p.findall(qn("w:r"))
            if r.find(f"{qn('w:rPr')}/{qn('w:vanish')}") is None
        ]

    def edit(self, starts_with: str, new_text: str) -> None:
        """Replace a paragraph's visible text, tracked word by word (a hidden key stays)."""
        paragraph = self.paragraph(starts_with)
        runs = self._visible_runs(paragraph)
        old = "".join(t.text or "" for r in runs for t in r.findall(qn("w:t")))
        anchor = runs[-1].getnext() if runs else None
        for run in runs:
            paragraph._p.remove(run)
        scratch = self.document.add_paragraph()
        docx_tracked.append_tracked_runs(
            scratch, word_diff(old, new_text), author=self.author, date=self.when
        )
        pieces = [c for c in scratch._p if c.tag != qn("w:pPr")]
        scratch._p.getparent().remove(scratch._p)
        for piece in pieces:
            if anchor is not None:
                anchor.addprevious(piece)
            else:
                paragraph._p.append(piece)

    def insert_after(self, starts_with: str, paragraphs: list[tuple[str, str]]) -> None:
        """New paragraphs (style, text) after a paragraph, inserted as tracked changes."""
        anchor = self.paragraph(starts_with)._p
        for style, text in paragraphs:
            new = self.document.add_paragraph(style=style)
            ins = self._stamp("w:ins")
            run = OxmlElement("w:r")
            node = OxmlElement("w:t")
            node.set(qn("xml:space"), "preserve")
            node.text = text
            run.append(node)
            ins.append(run)
            new._p.append(ins)
            mark = OxmlElement("w:rPr")
            mark.append(self._stamp("w:ins"))
            new._p.get_or_add_pPr().append(mark)
            anchor.addnext(new._p)
            anchor = new._p

    def delete(self, starts_with: str, count: int = 1) -> None:
        """Delete `count` whole paragraphs (text and paragraph marks) from one that starts so.

        As in Word, the mark of the document's last paragraph stays: it cannot be deleted.
        """
        element = self.paragraph(starts_with)._p
        for _ in range(count):
            following = element.getnext()
            for run in element.findall(qn("w:r")):
                wrapper = self._stamp("w:del")
                run.addprevious(wrapper)
                wrapper.append(run)
                for text in run.findall(qn("w:t")):
                    text.tag = qn("w:delText")
            if following is not None and following.tag == qn("w:p"):
                mark = OxmlElement("w:rPr")
                mark.append(self._stamp("w:del"))
                element.get_or_add_pPr().append(mark)
            element = following

    def copy(self) -> Markup:
        twin = Markup.__new__(Markup)
        twin.document = copy.deepcopy(self.document)
        twin.author, twin.when, twin._next_id = self.author, self.when, self._next_id
        return twin

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()
