"""Word (.docx) import of a text laid out by the convention in `rkc.interchange.docx_common`.

The file is checked as a zip archive first (not a zip, no document part, too large once
unpacked, a DTD in the document part: each refused with a report), then read paragraph by
paragraph into an `Outline`, whose findings name paragraph numbers. No Flask here.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field, replace

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.oxml.styles import CT_Styles
from lxml import etree

from rkc.convention.models import Edition
from rkc.interchange import blocks as md
from rkc.interchange.docx_common import (
    BULLET_STYLES,
    CONTINUE_STYLES,
    MAX_HEADING,
    NUMBER_STYLES,
    style_depth,
)
from rkc.interchange.outline import Heading, Outline
from rkc.interchange.report import check_size, refuse
from rkc.interchange.safe_xml import ElementBudget, XmlLimits
from rkc.interchange.safe_xml import parse as parse_xml
from rkc.interchange.safe_zip import BoundedZip, ZipLimits, ZipRefused

#: An unpacked .docx may be at most this many times larger than the upload limit, and never
#: more than IMPORT_MAX_UNPACKED_BYTES (text compresses well; a "zip bomb" far better).
UNPACKED_FACTOR = 20
_ORDERED = re.compile(r"^\s*(\d{1,9})[.)]\s+")
_HEADING_STYLE = re.compile(r"^Heading ([1-9])$")
_CONTENT_TYPES = "[Content_Types].xml"


def checked_package(data: bytes, source: str, *, limit: int) -> bytes:
    """The .docx re-packed from parts read through `safe_zip` and `safe_xml`, or a report.

    Every member is inflated against one budget that ignores the sizes the zip declares;
    every XML part (by name or by the content type python-docx would parse it as) is parsed
    with the element count shared over the package. What python-docx opens afterwards is
    this re-packed copy (stored, its headers true), never the upload itself.
    """
    check_size(source, data, limit)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise refuse(source, "", "not a Word .docx file: it is not a zip archive")
    budget = ElementBudget(XmlLimits.for_imports())
    limits = ZipLimits.for_imports()
    limits = replace(limits, unpacked=min(limits.unpacked, limit * UNPACKED_FACTOR))
    out = io.BytesIO()
    try:
        with (
            BoundedZip(data, limits) as archive,
            zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as package,
        ):
            names = archive.names()
            if "word/document.xml" not in names:
                raise refuse(source, "", "not a Word .docx file: it has no word/document.xml")
            xml_names = {n for n in names if n.endswith((".xml", ".rels"))}
            if _CONTENT_TYPES in names:
                types = archive.read(_CONTENT_TYPES)
                where = f"{source} ({_CONTENT_TYPES})"
                root = parse_xml(types, where, limit=len(types), budget=budget)
                xml_names |= _xml_parts(root, names)
                package.writestr(_CONTENT_TYPES, types)
            for name in sorted(names - {_CONTENT_TYPES}):
                if name.endswith("/"):
                    continue
                part = archive.read(name)
                if name in xml_names:
                    parse_xml(part, f"{source} ({name})", limit=len(part), budget=budget)
                package.writestr(name, part)
    except ZipRefused as exc:
        raise refuse(source, "", str(exc)) from None
    return out.getvalue()


def _xml_parts(types: etree._Element, names: set[str]) -> set[str]:
    """The members [Content_Types].xml declares as XML (python-docx parses those)."""
    xml_extensions = {
        (el.get("Extension") or "").lower()
        for el in types
        if etree.QName(el).localname == "Default" and (el.get("ContentType") or "").endswith("xml")
    }
    overridden = {
        (el.get("PartName") or "").lstrip("/")
        for el in types
        if etree.QName(el).localname == "Override" and (el.get("ContentType") or "").endswith("xml")
    }
    return {n for n in names if n in overridden or n.rsplit(".", 1)[-1].lower() in xml_extensions}


def open_package(data: bytes, source: str, *, limit: int):  # type: ignore[no-untyped-def]
    """The python-docx Document of an upload, after checking the archive is safe to read."""
    return open_checked(checked_package(data, source, limit=limit), source)


def open_checked(package: bytes, source: str):  # type: ignore[no-untyped-def]
    """The python-docx Document of a package `checked_package` gave back."""
    try:
        document = Document(io.BytesIO(package))
    except Exception as exc:  # python-docx raises many kinds for a damaged package
        raise refuse(source, "", f"Word could not open this file: {exc}") from None
    if not isinstance(getattr(document.element, "body", None), etree._Element):
        # The main part's root is not a <w:document> holding one <w:body>.
        raise refuse(source, "", "not a Word document: word/document.xml has no document body")
    try:
        styles = document.styles.element
    except Exception as exc:  # a styles part python-docx cannot read
        raise refuse(source, "", f"Word could not read the styles of this file: {exc}") from None
    if not isinstance(styles, CT_Styles):
        raise refuse(source, "", "not a Word document: its styles part is not Word styles")
    return document


@dataclass
class _Text:
    """The text paragraphs of the unit being read, turned into blocks at the end."""

    where: str = ""
    blocks: list[md.Block] = field(default_factory=list)
    #: The lists open, outermost first: (ordered, items so far).
    lists: list[tuple[bool, list[list[md.Block]]]] = field(default_factory=list)
    #: The first number of the list open at each depth.
    starts: dict[int, int] = field(default_factory=dict)

    def paragraph(self, spans: tuple[md.Span, ...]) -> None:
        self._close(0)
        self.blocks.append(md.Paragraph(spans))

    def item(self, depth: int, ordered: bool, spans: tuple[md.Span, ...], start: int) -> None:
        depth = min(depth, len(self.lists) + 1)
        self._close(depth)
        if len(self.lists) < depth or self.lists[depth - 1][0] != ordered:
            self._close(depth - 1)
            self.lists.append((ordered, []))
            self.starts[depth] = start
        self.lists[depth - 1][1].append([md.Paragraph(spans)])

    def continuation(self, depth: int, spans: tuple[md.Span, ...]) -> None:
        if not self.lists:
            self.paragraph(spans)
            return
        depth = min(depth, len(self.lists))
        self._close(depth)
        self.lists[depth - 1][1][-1].append(md.Paragraph(spans))

    def _close(self, depth: int) -> None:
        while len(self.lists) > depth:
            ordered, items = self.lists.pop()
            block = md.ListBlock(
                ordered, self.starts.get(len(self.lists) + 1, 1), tuple(tuple(i) for i in items)
            )
            if self.lists:
                self.lists[-1][1][-1].append(block)
            else:
                self.blocks.append(block)

    def markdown(self) -> str:
        self._close(0)
        return md.render(self.blocks)


def read(data: bytes, source: str, *, limit: int) -> Outline:
    """Read a .docx into an outline (checked later by `Outline.units`)."""
    return read_document(open_package(data, source, limit=limit), source)


def read_document(document, source: str) -> Outline:  # type: ignore[no-untyped-def]
    """Read an opened (and checked) python-docx Document into an outline.

    Paragraphs are counted from 1 over the document's body, tables included, so that a
    finding names the paragraph Word users count.
    """
    outline = Outline(source)
    body = document.element.body
    text: _Text | None = None
    started = False
    number = 0
    for child in body.iterchildren():
        tag = child.tag
        if tag == qn("w:sectPr"):
            continue
        number += 1
        where = f"paragraph {number}"
        if tag == qn("w:tbl"):
            if started:
                outline.problem(where, "a table: rkc texts hold paragraphs and lists only")
            continue
        if tag != qn("w:p"):
            if started:
                outline.problem(where, f"unexpected <{etree.QName(child).localname}> element")
            continue
        problems = _refused_content(child)
        style = _style_name(document, child)
        heading = _HEADING_STYLE.match(style)
        if heading and int(heading.group(1)) == 1:
            started = True
        if not started:
            continue
        for problem in problems:
            outline.problem(where, problem)
        if heading:
            if text is not None:
                outline.text(text.markdown(), text.where)
            level = int(heading.group(1))
            if level > MAX_HEADING:
                outline.problem(where, f"Heading {level}: rkc uses Heading 1 to Heading 6")
                text = None
                continue
            outline.printed_heading(level, _plain(child, include_hidden=True), where)
            text = _Text(where=where)
            continue
        if text is None:
            continue
        spans = _spans(child)
        if not spans and not _plain(child, include_hidden=False).strip():
            continue
        if style in BULLET_STYLES:
            text.item(style_depth(style), False, spans, 1)
        elif style in NUMBER_STYLES:
            text.item(style_depth(style), True, spans, 1)
        elif style in CONTINUE_STYLES:
            match = _ORDERED.match(_plain(child, include_hidden=False))
            if match:
                text.item(
                    style_depth(style), True, _strip_prefix(spans, match.end()), int(match.group(1))
                )
            else:
                text.continuation(style_depth(style), spans)
        else:
            text.paragraph(spans)
    if text is not None:
        outline.text(text.markdown(), text.where)
    if not started:
        outline.problem("", "no paragraph styled Heading 1: nothing to import")
    return outline


def supply_root_keys(outline: Outline, base: Edition) -> None:
    """Key the top-level headings that carry no `{#key}` from the base edition's units.

    A root heading is matched to the base's unit with the same heading, else with the same
    kind and number: `GENERAL ANNEX` is the General Annex, `SPECIFIC ANNEX E` is Annex E,
    `CHAPTER 4` is the chapter 4 that has that title (or the only chapter 4). When several
    units would do, or none, the finding names the keys to write.
    """
    from rkc.interchange.docx_export import heading_text
    from rkc.interchange.queries import snapshot

    snap = snapshot(base)
    assert snap is not None
    units = [node for root in snap.roots for node in root.walk() if node.item.depth <= 1]
    by_heading = {_norm(heading_text(n)): n.item.key for n in units}

    def key_for(heading: Heading | None, line: str) -> str | None:
        if _norm(line) in by_heading:
            return by_heading[_norm(line)]
        if heading is None:
            return None
        same = [
            n
            for n in units
            if n.item.kind == heading.kind
            and (n.item.number or None) == heading.number
            and (heading.kind != "annex" or heading.number or n.item.title == "General Annex")
        ]
        titled = [n for n in same if _norm(n.item.title or "") == _norm(heading.title or "")]
        if len(titled) == 1 or len(same) == 1:
            return (titled or same)[0].item.key
        if same:
            choices = ", ".join(f"{{#{n.item.key}}} ({n.item.title})" for n in same)
            outline.hint_root(
                f"which {line.strip()} is this? Several units of {base.slug!r} have that "
                f"number: end the heading with one of {choices}, or put the annex heading "
                "above it"
            )
        else:
            outline.hint_root(
                f"{line.strip()} is not a top-level unit of {base.slug!r}: put the heading of "
                "its annex above it, or end the heading with its key, e.g. "
                f"{{#{_suggested_key(heading, units)}}}"
            )
        return None

    outline.key_roots(key_for)


def _suggested_key(heading: Heading, units) -> str:  # type: ignore[no-untyped-def]
    if heading.kind == "annex" and heading.number:
        return f"sa-{heading.number.lower()}"
    if heading.kind == "chapter" and heading.number:
        return f"ga/{heading.number.lower()}"
    return units[0].item.key if units else "key"


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _style_name(document, paragraph) -> str:  # type: ignore[no-untyped-def]
    style_id = paragraph.style
    if not style_id:
        return "Normal"
    try:
        return document.styles.get_by_id(style_id, WD_STYLE_TYPE.PARAGRAPH).name or "Normal"
    except (KeyError, ValueError):
        return "Normal"


def _refused_content(paragraph) -> list[str]:  # type: ignore[no-untyped-def]
    problems = []
    if (
        paragraph.find(".//" + qn("w:ins")) is not None
        or paragraph.find(".//" + qn("w:del")) is not None
    ):
        problems.append("tracked changes: accept or reject them before importing the text")
    if (
        paragraph.find(".//" + qn("w:drawing")) is not None
        or paragraph.find(".//" + qn("w:pict")) is not None
    ):
        problems.append("a picture or text box: rkc texts hold paragraphs and lists only")
    return problems


def _runs(paragraph):  # type: ignore[no-untyped-def]
    """The paragraph's runs in order, including those inside hyperlinks."""
    yield from paragraph.iter(qn("w:r"))


def _is_hidden(run) -> bool:  # type: ignore[no-untyped-def]
    vanish = run.find(qn("w:rPr") + "/" + qn("w:vanish"))
    return vanish is not None and vanish.get(qn("w:val")) not in ("0", "false")


def _flag(run, name: str) -> bool:  # type: ignore[no-untyped-def]
    element = run.find(qn("w:rPr") + "/" + qn(name))
    return element is not None and element.get(qn("w:val")) not in ("0", "false")


def _run_text(run) -> str:  # type: ignore[no-untyped-def]
    parts = []
    for child in run:
        if child.tag == qn("w:t"):
            parts.append(child.text or "")
        elif child.tag == qn("w:tab"):
            parts.append("\t")
        elif child.tag in (qn("w:br"), qn("w:cr")):
            parts.append("\n")
    return "".join(parts)


def _plain(paragraph, *, include_hidden: bool) -> str:  # type: ignore[no-untyped-def]
    return "".join(
        _run_text(run) for run in _runs(paragraph) if include_hidden or not _is_hidden(run)
    )


def _spans(paragraph) -> tuple[md.Span, ...]:  # type: ignore[no-untyped-def]
    spans: list[md.Span] = []
    for run in _runs(paragraph):
        if _is_hidden(run) or run.getparent().tag == qn("w:del"):
            continue
        value = _run_text(run)
        if not value:
            continue
        pieces = value.split("\n")
        for index, piece in enumerate(pieces):
            if index:
                spans.append(md.Span("softbreak"))
            if not piece:
                continue
            span = md.Span("text", piece)
            if _flag(run, "w:b"):
                span = md.Span("strong", children=(span,))
            if _flag(run, "w:i"):
                span = md.Span("em", children=(span,))
            _append(spans, span)
    while spans and spans[-1].kind == "softbreak":
        spans.pop()
    return _trim(tuple(spans))


def _append(spans: list[md.Span], span: md.Span) -> None:
    """Add a span, merging it into the previous one when both have the same markup."""
    if spans and spans[-1].kind == span.kind:
        last = spans[-1]
        if span.kind == "text":
            spans[-1] = md.Span("text", last.text + span.text)
            return
        if span.kind in ("em", "strong"):
            children = list(last.children)
            for child in span.children:
                _append(children, child)
            spans[-1] = md.Span(span.kind, children=tuple(children))
            return
    spans.append(span)


def _trim(spans: tuple[md.Span, ...]) -> tuple[md.Span, ...]:
    """Drop leading and trailing white space, as Markdown would."""
    if not spans:
        return spans
    items = list(spans)
    if items[0].kind == "text":
        items[0] = md.Span("text", items[0].text.lstrip())
    if items[-1].kind == "text":
        items[-1] = md.Span("text", items[-1].text.rstrip())
    return tuple(s for s in items if not (s.kind == "text" and not s.text))


def _strip_prefix(spans: tuple[md.Span, ...], length: int) -> tuple[md.Span, ...]:
    """Remove the first `length` characters of plain text (an item's literal number)."""
    out: list[md.Span] = []
    remaining = length
    for span in spans:
        if remaining and span.kind == "text":
            cut = min(remaining, len(span.text))
            remaining -= cut
            rest = span.text[cut:]
            if rest:
                out.append(md.Span("text", rest))
            continue
        out.append(span)
    return _trim(tuple(out))
