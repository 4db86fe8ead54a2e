"""Word (.docx) export of a consolidated edition or one unit of it (python-docx).

The layout follows the convention in `rkc.interchange.docx_common`, so that an exported
document can be edited in Word and imported again. No Flask here.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph

from rkc.convention.kinds import KIND_WORDS_FR, PROVISION_KINDS
from rkc.convention.queries import STATE_LABELS
from rkc.interchange import blocks as md
from rkc.interchange.corpus_format import KIND_HEADING
from rkc.interchange.docx_common import MAX_HEADING, list_style
from rkc.interchange.queries import Snapshot, TreeNode

UNOFFICIAL = (
    "Unofficial working text. Its structure, numbering and provision kinds follow the Revised "
    "Kyoto Convention; its wording was written for the rkc project and is not the authentic "
    "text deposited with the Secretary General of the World Customs Organization."
)

#: Heading colours per provision kind (Standards, Transitional Standards and Recommended
#: Practices look different on every page of the site; so they do in Word).
KIND_COLOURS = {
    "standard": RGBColor(0x1F, 0x4E, 0x79),
    "transitional_standard": RGBColor(0x7A, 0x4B, 0x00),
    "recommended_practice": RGBColor(0x2E, 0x6B, 0x30),
    "definition": RGBColor(0x44, 0x44, 0x44),
}


#: The heading words per language of the text (the corpus's kind words).
HEADING_WORDS = {"en": KIND_HEADING, "fr": {kind: word for word, kind in KIND_WORDS_FR.items()}}
#: Word's language tag per language of the text.
WORD_LANGUAGES = {"en": "en-GB", "fr": "fr-FR"}


def heading_text(node: TreeNode, language: str = "en") -> str:
    """The visible heading of a unit: its kind, number and title (`Standard 3.11`)."""
    item = node.item
    text = HEADING_WORDS.get(language, KIND_HEADING).get(item.kind, item.kind)
    if item.number:
        text += " " + item.number + (f"/{item.number_alt}" if item.number_alt else "")
    if item.title:
        text += ": " + item.title
    return text


def hidden_attributes(node: TreeNode) -> str:
    item = node.item
    attrs = [f"#{item.key}"]
    if item.explains:
        attrs.append("explains=" + ",".join(item.explains))
    return " {" + " ".join(attrs) + "}"


def export(snap: Snapshot) -> bytes:
    """The .docx bytes of an edition (or of the unit `snap.scope`)."""
    document = Document()
    _front_matter(document, snap)
    base = min((r.item.depth for r in snap.roots), default=0)
    for root in snap.roots:
        for node in root.walk():
            _unit(document, node, node.item.depth - base + 1, snap.language)
    page_numbers(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _front_matter(document, snap: Snapshot) -> None:  # type: ignore[no-untyped-def]
    extract = None
    if snap.scope is not None:
        extract = heading_text(TreeNode(snap.scope), snap.language)
    front_matter(document, snap, extract=extract)
    if not snap.is_authentic:
        from rkc.interchange.akn import UNOFFICIAL_IN

        notice = document.add_paragraph(style="Intense Quote")
        run = notice.add_run(UNOFFICIAL if snap.language == "en" else UNOFFICIAL_IN[snap.language])
        run.bold = True


def front_matter(  # type: ignore[no-untyped-def]
    document, snap: Snapshot, *, extract: str | None = None, more: tuple[str, ...] = ()
) -> None:
    """The document's properties, its title and subtitle and one line of the edition's facts.

    Shared by the single-language export and the side-by-side one (which names its
    languages in `more`).
    """
    edition = snap.edition
    properties = document.core_properties
    properties.title = snap.work.short_title
    properties.subject = edition.title
    properties.author = "rkc"
    properties.language = WORD_LANGUAGES.get(snap.language, snap.language)
    document.add_paragraph(snap.work.short_title, style="Title")
    document.add_paragraph(edition.title, style="Subtitle")
    facts = [STATE_LABELS.get(edition.status.value, edition.status.value.replace("_", " "))]
    if edition.adopted_on:
        facts.append(f"adopted on {edition.adopted_on:%-d %B %Y}")
    if edition.in_force_from:
        facts.append(f"in force from {edition.in_force_from:%-d %B %Y}")
    if extract:
        facts.append(f"extract: {extract}")
    facts.extend(more)
    document.add_paragraph("; ".join(facts) + ".")


def _unit(document, node: TreeNode, level: int, language: str = "en") -> None:  # type: ignore[no-untyped-def]
    item = node.item
    paragraph = document.add_paragraph(style=f"Heading {min(level, MAX_HEADING)}")
    paragraph.add_run(heading_text(node, language))
    if item.kind in PROVISION_KINDS:
        # The heading's first word names the kind; colour marks it out at a glance too.
        paragraph.runs[0].font.color.rgb = KIND_COLOURS.get(item.kind, RGBColor(0, 0, 0))
    hidden = paragraph.add_run(hidden_attributes(node))
    hidden.font.hidden = True
    write_blocks(document, md.parse(item.text))


def write_blocks(document, blocks: Iterable[md.Block], depth: int = 0) -> None:  # type: ignore[no-untyped-def]
    """Add paragraphs for some text blocks (lists nest up to three levels)."""
    for block in blocks:
        if isinstance(block, md.Paragraph):
            style = "Normal" if depth == 0 else list_style("continue", depth)
            write_spans(document.add_paragraph(style=style), block.spans)
        elif isinstance(block, md.Verbatim):
            paragraph = document.add_paragraph(style="Normal")
            write_spans(paragraph, [md.Span("text", block.source.replace("\n", " "))])
        else:
            for index, item in enumerate(block.items):
                first, *rest = item or (md.Paragraph(()),)
                if block.ordered:
                    paragraph = document.add_paragraph(style=list_style("continue", depth + 1))
                    paragraph.add_run(f"{block.start + index}. ")
                else:
                    paragraph = document.add_paragraph(style=list_style("bullet", depth + 1))
                if isinstance(first, md.Paragraph):
                    write_spans(paragraph, first.spans)
                else:
                    rest = [first, *rest]
                write_blocks(document, rest, depth + 1)


def write_spans(paragraph: DocxParagraph, spans: Iterable[md.Span], *, italic=False, bold=False):  # type: ignore[no-untyped-def]
    for span in spans:
        if span.kind in ("text", "code"):
            run = paragraph.add_run(span.text)
            run.italic = italic or None
            run.bold = bold or None
        elif span.kind == "em":
            write_spans(paragraph, span.children, italic=True, bold=bold)
        elif span.kind == "strong":
            write_spans(paragraph, span.children, italic=italic, bold=True)
        elif span.kind == "link":
            write_spans(paragraph, span.children, italic=italic, bold=bold)
        elif span.kind in ("softbreak", "hardbreak"):
            paragraph.add_run().add_break(WD_BREAK.LINE)


def page_numbers(document) -> None:  # type: ignore[no-untyped-def]
    """A centred "Page N of M" footer made of Word fields."""
    footer = document.sections[0].footer.paragraphs[0]
    footer.alignment = 1
    footer.add_run("Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")


def _field(paragraph: DocxParagraph, instruction: str) -> None:
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(code)
    run._r.append(end)
