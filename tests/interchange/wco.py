"""Documents laid out the way the WCO prints the Convention, built by the tests from an edition.

The WCO's own Word and PDF files carry no keys and write headings their way: `GENERAL
ANNEX`, `SPECIFIC ANNEX E` over `TRANSIT`, `CHAPTER 3` over `CLEARANCE AND OTHER CUSTOMS
FORMALITIES`, `A. COMPETENT CUSTOMS OFFICES ...`, `3.1. Standard`, `3.5. Transitional
Standard`, `6. Recommended Practice`, `E1./F23.` over a text that opens with the term in
quotes. `printed` gives those lines for one unit; `word` rewrites an rkc Word export that way
(the hidden keys dropped), `html` writes the same as HTML for WeasyPrint.
"""

from __future__ import annotations

import copy
import io
from html import escape

import docx
from docx.oxml.ns import qn

from rkc.convention import queries
from rkc.interchange import docx_export
from rkc.interchange.queries import Snapshot, TreeNode, snapshot
from rkc.text.markdown import render as render_markdown

from .helpers import edition

KIND_FR = {
    "standard": "Norme",
    "transitional_standard": "Norme transitoire",
    "recommended_practice": "Pratique recommandée",
}
KIND_EN = {
    "standard": "Standard",
    "transitional_standard": "Transitional Standard",
    "recommended_practice": "Recommended Practice",
}


def printed(item, *, french: bool = False) -> tuple[str, str | None, str | None]:  # type: ignore[no-untyped-def]
    """(heading line, a title line printed under it, a term opening the text) for a unit."""
    kind, number, title = item.kind, item.number, item.title
    if kind == "annex":
        if number:
            return (
                (f"ANNEXE SPÉCIFIQUE {number}" if french else f"SPECIFIC ANNEX {number}"),
                (title or "").upper() or None,
                None,
            )
        return ("ANNEXE GÉNÉRALE" if french else "GENERAL ANNEX"), None, None
    if kind == "instrument":
        return (title or "Body of the Convention").upper(), None, None
    if kind == "chapter":
        word = "CHAPITRE" if french else "CHAPTER"
        return f"{word} {number}", (title or "").upper() or None, None
    if kind == "section":
        if number:
            return f"{number}. {(title or '').upper()}", None, None
        return title or "", None, None
    if kind in KIND_EN:
        word = (KIND_FR if french else KIND_EN)[kind]
        return f"{number}. {word}", None, None
    if kind == "definition":
        return f"{number}./{item.number_alt}.", None, title
    if kind == "article":
        return f"Article {number}", None, None
    if kind == "note":
        return "Note", None, None
    if kind == "preamble":
        return "Preamble", None, None
    raise AssertionError(f"no WCO layout for {kind}")


def corpus_snapshot(node_key: str | None = None, slug: str = "2006") -> Snapshot:
    node = queries.node_by_key(node_key) if node_key else None
    snap = snapshot(edition("rkc", slug), node)
    assert snap is not None
    return snap


def word(snap: Snapshot, *, french: bool = False) -> bytes:
    """The edition (or unit) of `snap` as a Word file in the WCO's layout, without keys."""
    document = docx.Document(io.BytesIO(docx_export.export(snap)))
    items = [node.item for root in snap.roots for node in root.walk()]
    headings = [p for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert len(headings) == len(items)
    for paragraph, item in zip(headings, items, strict=True):
        line, title, term = printed(item, french=french)
        for run in list(paragraph._p.iter(qn("w:r"))):
            run.getparent().remove(run)
        paragraph.add_run(line)
        if title:
            twin = copy.deepcopy(paragraph._p)
            paragraph._p.addnext(twin)
            for text in twin.iter(qn("w:t")):
                text.text = title
        if term:
            following = paragraph._p.getnext()
            first_run = following.find(qn("w:r"))
            opening = copy.deepcopy(first_run)
            for child in list(opening):
                if child.tag != qn("w:rPr"):
                    opening.remove(child)
            rpr = opening.find(qn("w:rPr"))
            if rpr is not None:
                opening.remove(rpr)
            text = opening.makeelement(qn("w:t"), {})
            text.text = f"“{term}”: "
            text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            opening.append(text)
            first_run.addprevious(opening)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


_STYLE = """
@page { size: A4; margin: 2cm;
  @top-center { content: "Revised Kyoto Convention"; font: 8pt "DejaVu Sans"; }
  @bottom-center { content: "Page " counter(page); font: 8pt "DejaVu Sans"; } }
body { font-family: "DejaVu Serif"; font-size: 10.5pt; line-height: 1.35; }
.h { font-family: "DejaVu Sans"; font-weight: bold; margin: 1em 0 0.4em; }
.top { text-align: center; font-size: 13pt; }
.chapter { text-align: center; }
p { margin: 0 0 0.7em; }
ul, ol { margin: 0 0 0.7em; }
li { margin: 0 0 0.3em; }
"""


def html(snap: Snapshot, *, french: bool = False) -> str:
    """The same layout as HTML: headings bold (as the WCO sets them), texts as paragraphs
    and lists; a running title above, as on the WCO's pages."""
    out = [f"<!doctype html><html><head><meta charset='utf-8'><style>{_STYLE}</style></head>"]
    out.append("<body><p>International Convention on the simplification and harmonization of")
    out.append(" Customs procedures (as amended)</p>")
    for root in snap.roots:
        for node in root.walk():
            out.extend(_html_unit(node, french))
    out.append("</body></html>")
    return "".join(out)


def _html_unit(node: TreeNode, french: bool) -> list[str]:
    item = node.item
    line, title, term = printed(item, french=french)
    css = "h top" if item.kind in ("annex", "instrument") else "h"
    if item.kind == "chapter":
        css = "h chapter"
    parts = [f"<p class='{css}'>{escape(line)}</p>"]
    if title:
        parts.append(f"<p class='{css}'>{escape(title)}</p>")
    text = item.text
    if term:
        text = f"“{term}”: " + text
    if text:
        parts.append(str(render_markdown(text)))
    return parts
