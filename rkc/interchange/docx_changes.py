"""A delegate's marked-up Word text: what its tracked changes propose, unit by unit.

A delegation downloads a chapter of a working draft as Word (every heading carries its unit's
key as hidden text, `rkc.interchange.docx_export`), edits it with Track Changes on and
uploads it. This module reads the document twice with the ordinary Word reader
(`docx_import.read_document`): as it was before the changes (every change rejected) and as it
would be after them (every change accepted), and compares the two unit by unit:

- a unit in both whose text differs: a new text (`modify`); whose heading differs: a new
  heading (`heading`); one whose kind, number or place changed is refused (amendments do not
  renumber or move units);
- a unit only before the changes: a deletion (only the outermost one of a deleted subtree);
- a unit only after them: an insertion into its parent, after the nearest sibling that was
  there before (a unit inside a new unit is refused: propose the new unit first).

Resolving a change never removes a paragraph: a paragraph that disappears is emptied, so that
paragraph numbers stay those of the uploaded file and every finding names the paragraph the
delegate sees. A paragraph whose mark is deleted (two paragraphs joined) gives its text to the
next paragraph, which keeps its own style. Formatting changes are resolved too (rejecting
restores the formatting recorded before).

No database and no Flask here: `rkc.interchange.operations.import_tracked_amendments` matches
the changes against the working draft.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from docx import Document
from docx.oxml.ns import qn

from rkc.convention.corpus import Unit
from rkc.interchange.docx_import import checked_package, open_checked, read_document
from rkc.interchange.outline import KIND_HEADING, Outline
from rkc.interchange.report import Finding, ImportRefused

INSERTED = (qn("w:ins"), qn("w:moveTo"))
DELETED = (qn("w:del"), qn("w:moveFrom"))
#: Records of formatting changes: the old properties, kept inside the new ones.
PROPERTY_CHANGES = (
    qn("w:rPrChange"),
    qn("w:pPrChange"),
    qn("w:sectPrChange"),
    qn("w:tblPrChange"),
    qn("w:tblPrExChange"),
    qn("w:trPrChange"),
    qn("w:tcPrChange"),
    qn("w:tblGridChange"),
    qn("w:numberingChange"),
)
#: Markers of a move's source and destination ranges: nothing to keep on either side.
RANGE_MARKERS = tuple(
    qn(f"w:{name}")
    for name in (
        "moveFromRangeStart",
        "moveFromRangeEnd",
        "moveToRangeStart",
        "moveToRangeEnd",
        "customXmlInsRangeStart",
        "customXmlInsRangeEnd",
        "customXmlDelRangeStart",
        "customXmlDelRangeEnd",
        "customXmlMoveFromRangeStart",
        "customXmlMoveFromRangeEnd",
        "customXmlMoveToRangeStart",
        "customXmlMoveToRangeEnd",
    )
)
TRACKED = (*INSERTED, *DELETED, *PROPERTY_CHANGES)
_PARAGRAPH = re.compile(r"^paragraph (\d+)$")


# --------------------------------------------------------------------------- resolving


def _is_mark(element) -> bool:  # type: ignore[no-untyped-def]
    """A w:ins / w:del recorded on a paragraph mark (or a table row), not around runs."""
    parent = element.getparent()
    return parent is not None and parent.tag in (qn("w:rPr"), qn("w:trPr"))


def _remove(element) -> None:  # type: ignore[no-untyped-def]
    """Take an element out of its tree (one that an earlier step took out already stays out)."""
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)


def _unwrap(element) -> None:  # type: ignore[no-untyped-def]
    parent = element.getparent()
    if parent is None:
        return
    position = parent.index(element)
    for offset, child in enumerate(list(element)):
        parent.insert(position + offset, child)
    parent.remove(element)


def _empty(paragraph) -> None:  # type: ignore[no-untyped-def]
    """Make a paragraph an empty Normal one (readers skip it; numbering stays)."""
    for child in list(paragraph):
        paragraph.remove(child)


def resolve(document, *, accept: bool) -> None:  # type: ignore[no-untyped-def]
    """Accept (or reject) every tracked change of a python-docx Document, in place."""
    body = document.element.body
    kept, dropped = (INSERTED, DELETED) if accept else (DELETED, INSERTED)
    for marker in list(body.iter(*RANGE_MARKERS)):
        _remove(marker)
    # Paragraph marks first: a paragraph whose mark goes joins the paragraph after it.
    paragraphs = list(body.iter(qn("w:p")))
    for position, paragraph in enumerate(paragraphs):
        marks = paragraph.findall(f"{qn('w:pPr')}/{qn('w:rPr')}/*")
        gone = any(m.tag in dropped for m in marks)
        for mark in marks:
            if mark.tag in dropped or mark.tag in kept:
                _remove(mark)
        if not gone:
            continue
        following = next(
            (
                p
                for p in paragraphs[position + 1 :]
                if p.getparent() is paragraph.getparent()
                and p.getparent().index(p) > paragraph.getparent().index(paragraph)
            ),
            None,
        )
        content = [c for c in paragraph if c.tag != qn("w:pPr")]
        if following is not None and content:
            anchor = following.find(qn("w:pPr"))
            start = following.index(anchor) + 1 if anchor is not None else 0
            for offset, child in enumerate(content):
                following.insert(start + offset, child)
        _empty(paragraph)
    # Then the changes around runs: drop one side, keep the other.
    for element in [e for e in body.iter(*INSERTED, *DELETED) if not _is_mark(e)]:
        if element.tag in dropped:
            _remove(element)
        else:
            _unwrap(element)
    if not accept:
        for tag, plain in (("w:delText", "w:t"), ("w:delInstrText", "w:instrText")):
            for element in body.iter(qn(tag)):
                element.tag = qn(plain)
    # Formatting: accepting keeps the new properties; rejecting restores the recorded ones.
    for change in list(body.iter(*PROPERTY_CHANGES)):
        properties = change.getparent()
        if properties is None:
            continue  # inside properties an earlier change replaced
        properties.remove(change)
        if accept or change.tag not in (qn("w:rPrChange"), qn("w:pPrChange")):
            continue
        recorded = change.find(qn("w:rPr") if change.tag == qn("w:rPrChange") else qn("w:pPr"))
        keep = (qn("w:rPr"), qn("w:sectPr")) if change.tag == qn("w:pPrChange") else ()
        for child in list(properties):
            if child.tag not in keep:
                properties.remove(child)
        for offset, child in enumerate(list(recorded) if recorded is not None else []):
            properties.insert(offset, child)
    for mark in list(body.iter(*INSERTED, *DELETED)):
        _remove(mark)


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Placed:
    """A unit as read from one side, with its parent, its siblings before it and where."""

    unit: Unit
    parent_key: str | None
    earlier_siblings: tuple[str, ...]
    paragraph: int


@dataclass(frozen=True)
class UnitChange:
    """What the tracked changes do to one unit."""

    action: str  # "modify", "heading", "delete" or "insert"
    key: str
    #: Where the report points: the first tracked paragraph of the unit (or its heading).
    where: str
    before: Unit | None
    after: Unit | None
    #: An insertion: the unit it goes into and the unit it follows (None: first in it).
    parent_key: str | None = None
    after_key: str | None = None
    authors: tuple[str, ...] = ()
    date: datetime | None = None


@dataclass
class MarkedUp:
    """A marked-up document read: the changes it proposes, unit by unit, in document order."""

    source: str
    changes: list[UnitChange]
    #: The keys of the top-level units of the document (before the changes).
    root_keys: list[str]
    #: Every unit read before the changes (key -> unit).
    before: dict[str, Unit]


def _placed(roots: Iterable[Unit], outline: Outline) -> dict[str, Placed]:
    found: dict[str, Placed] = {}

    def visit(unit: Unit, parent: str | None, earlier: tuple[str, ...]) -> None:
        match = _PARAGRAPH.match(outline.locations.get(unit.key, ""))
        found[unit.key] = Placed(unit, parent, earlier, int(match.group(1)) if match else 0)
        for index, child in enumerate(unit.children):
            visit(child, unit.key, tuple(c.key for c in unit.children[:index]))

    for root in roots:
        visit(root, None, ())
    return found


def _revisions(body) -> dict[int, list[tuple[str, datetime | None]]]:  # type: ignore[no-untyped-def]
    """Paragraph number -> (author, date) of every tracked change in it."""
    found: dict[int, list[tuple[str, datetime | None]]] = {}
    number = 0
    for child in body.iterchildren():
        if child.tag == qn("w:sectPr"):
            continue
        number += 1
        for element in child.iter(*TRACKED):
            found.setdefault(number, []).append(
                (element.get(qn("w:author")) or "", _date(element.get(qn("w:date"))))
            )
    return found


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _units(
    outline: Outline, known_keys: set[str], root_key_for: Callable[[str], str | None] | None
) -> tuple[list[Unit], list[Finding]]:
    if root_key_for is not None:
        outline.supply_root_keys(root_key_for)
    try:
        return outline.units(known_keys=known_keys), []
    except ImportRefused as refused:
        return [], refused.findings


def _label(unit: Unit) -> str:
    label = KIND_HEADING.get(unit.kind, unit.kind)
    if unit.number:
        return f"{label} {unit.number}"
    return f"{label}: {unit.title}" if unit.title else label


def read_marked_up(
    data: bytes,
    source: str,
    *,
    limit: int,
    known_keys: Iterable[str] = (),
    root_key_for: Callable[[str], str | None] | None = None,
) -> MarkedUp:
    """The changes a marked-up .docx proposes; ImportRefused (naming paragraphs) if it cannot
    be read, holds no tracked change, or its changes are not amendments rkc can hold."""
    package = checked_package(data, source, limit=limit)
    original = open_checked(package, source)
    revisions = _revisions(original.element.body)
    if next(original.element.body.iter(*INSERTED, *DELETED), None) is None:
        raise ImportRefused(
            source,
            [
                Finding(
                    "",
                    "the document holds no tracked insertion or deletion: switch on Track "
                    "Changes (Review, Track Changes) before editing, so that every change "
                    "becomes an amendment",
                )
            ],
        )
    known = set(known_keys)
    sides: dict[str, dict[str, Placed]] = {}
    roots_before: list[Unit] = []
    findings: list[Finding] = []
    for name, accept in (("after", True), ("before", False)):
        document = Document(io.BytesIO(package))
        resolve(document, accept=accept)
        outline = read_document(document, source)
        roots, problems = _units(outline, known, root_key_for)
        for problem in problems:
            if name == "before":
                if any(f.where == problem.where and f.reason == problem.reason for f in findings):
                    continue
                problem = Finding(
                    problem.where, problem.reason + " (in the text before the tracked changes)"
                )
            findings.append(problem)
        sides[name] = _placed(roots, outline)
        if name == "before":
            roots_before = roots
    if findings:
        raise ImportRefused(source, findings)
    before, after = sides["before"], sides["after"]
    changes = _compare(before, after, revisions, findings)
    if findings:
        raise ImportRefused(source, findings)
    return MarkedUp(
        source,
        changes,
        [r.key for r in roots_before],
        {key: placed.unit for key, placed in before.items()},
    )


def _compare(
    before: dict[str, Placed],
    after: dict[str, Placed],
    revisions: dict[int, list[tuple[str, datetime | None]]],
    findings: list[Finding],
) -> list[UnitChange]:
    headings = sorted({p.paragraph for p in (*before.values(), *after.values()) if p.paragraph})

    def span(placed: Placed) -> range:
        later = [n for n in headings if n > placed.paragraph]
        return range(placed.paragraph, later[0] if later else 10**9)

    def tracked(placed: Placed) -> tuple[str, tuple[str, ...], datetime | None]:
        numbers = [n for n in sorted(revisions) if n in span(placed)]
        changes = [c for n in numbers for c in revisions[n]]
        where = f"paragraph {numbers[0] if numbers else placed.paragraph}"
        dates = [d for _, d in changes if d is not None]
        authors = tuple(dict.fromkeys(a for a, _ in changes if a))
        return where, authors, max(dates) if dates else None

    changes: list[tuple[int, UnitChange]] = []
    for key, old in before.items():
        new = after.get(key)
        if new is None:
            if old.parent_key is not None and old.parent_key not in after:
                continue  # inside a deleted unit: the outer deletion covers it
            where, authors, date = tracked(old)
            changes.append(
                (
                    old.paragraph,
                    UnitChange("delete", key, where, old.unit, None, None, None, authors, date),
                )
            )
            continue
        a, b = old.unit, new.unit
        where, authors, date = tracked(new)
        label = _label(a)
        if (a.kind, a.number, a.number_alt) != (b.kind, b.number, b.number_alt):
            findings.append(
                Finding(
                    where,
                    f"{label} becomes {_label(b)}: an amendment cannot change a unit's kind or "
                    "number; propose new text (or a new unit and the deletion of this one)",
                )
            )
            continue
        if old.parent_key != new.parent_key:
            findings.append(
                Finding(where, f"{label} moved to another place: amendments do not move units")
            )
            continue
        if a.explains != b.explains:
            findings.append(
                Finding(where, f"{label}: the units it explains cannot be changed here")
            )
            continue
        if a.title != b.title:
            changes.append(
                (new.paragraph, UnitChange("heading", key, where, a, b, None, None, authors, date))
            )
        if a.text != b.text:
            changes.append(
                (new.paragraph, UnitChange("modify", key, where, a, b, None, None, authors, date))
            )
    for key, new in after.items():
        if key in before:
            continue
        where, authors, date = tracked(new)
        if new.parent_key is None:
            findings.append(
                Finding(where, f"{_label(new.unit)}: a new top-level unit cannot be proposed")
            )
            continue
        if new.parent_key not in before:
            if new.parent_key in after and after[new.parent_key].parent_key in before:
                findings.append(
                    Finding(
                        where,
                        f"{_label(new.unit)} stands inside a new unit: propose the new unit "
                        "alone first; what goes inside it can be proposed once it is in the draft",
                    )
                )
            continue
        earlier = [k for k in new.earlier_siblings if k in before]
        changes.append(
            (
                new.paragraph,
                UnitChange(
                    "insert",
                    key,
                    where,
                    None,
                    new.unit,
                    new.parent_key,
                    earlier[-1] if earlier else None,
                    authors,
                    date,
                ),
            )
        )
    return [change for _, change in sorted(changes, key=lambda pair: pair[0])]
