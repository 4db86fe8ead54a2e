"""Word and PDF side by side: an edition, a chapter or one unit in two languages, in two
columns, one row per unit (`?lang=en,fr` on the export URLs, `--language en,fr` on the
command line).

The text of each language is read as its own snapshot (rkc.interchange.queries) and the two
are paired by key with `queries.align`, as the side-by-side reading page pairs them. Each cell
is drawn by the single-language exporters' own pieces (`docx_export.heading_text` and
`write_blocks` for Word, `pdf._unit` and `pdf._document` for PDF), so a column reads like the
file of its language: its kind words, its numbers (`E1/F23`, `F23/E1`), its unofficial notice.
A unit with no text in one language keeps its row, with a line saying so in that column.

A side-by-side Word file is a table, which the Word import refuses: it is for reading and
printing, not for editing and importing again. No Flask here.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, RGBColor
from markupsafe import Markup
from werkzeug.exceptions import BadRequest

from rkc.convention import queries
from rkc.convention.kinds import PROVISION_KINDS
from rkc.convention.languages import DEFAULT, LANGUAGES, UnknownLanguage, parse_languages
from rkc.convention.models import Edition, Node
from rkc.interchange import blocks as md
from rkc.interchange import docx_export, pdf
from rkc.interchange.akn import UNOFFICIAL_IN
from rkc.interchange.docx_common import MAX_HEADING
from rkc.interchange.queries import Snapshot, TreeNode, snapshot

#: The formats that have a side-by-side layout.
FORMATS = ("docx", "pdf")

#: What a column says in a row whose unit has no text in its language.
NO_TEXT = {
    "en": "No English text for this unit.",
    "fr": "Pas de texte français pour cette unité.",
}


# --------------------------------------------------------------------------- the languages


def export_languages(raw: str | None, fmt: str) -> tuple[str, ...]:
    """The language(s) of a file asked for with `lang`: one (English by default), or two for
    Word and PDF side by side. Anything else is a 400 whose message names `lang`."""
    try:
        asked = parse_languages(raw, allow_pair=fmt in FORMATS)
    except UnknownLanguage as exc:
        raise BadRequest(f"lang: {exc}") from None
    return asked or (DEFAULT,)


def missing_languages(edition: Edition, languages: tuple[str, ...]) -> list[str]:
    """The languages asked for that the edition holds no text in."""
    held = queries.languages_of(edition)
    return [code for code in languages if code not in held]


def refusal(edition: Edition, missing: list[str]) -> str:
    """Why a side-by-side file of `edition` cannot be made (for a 400 or the command line)."""
    names = ", ".join(LANGUAGES[code] for code in missing)
    return (
        f"“{edition.title}” holds no text in {names}: a side-by-side file needs both "
        "languages; download it in one language instead"
    )


def file_suffix(languages: tuple[str, ...]) -> str:
    """What a download's name ends with: nothing for English, `-fr`, `-en-fr`."""
    return "" if languages == (DEFAULT,) else "-" + "-".join(languages)


# --------------------------------------------------------------------------- the pairing


@dataclass
class Pairing:
    """Two snapshots of the same edition (or unit) and their units paired row by row."""

    snaps: tuple[Snapshot, ...]
    #: One tuple per row: the unit in each language (None where that language lacks it).
    rows: list[tuple[TreeNode | None, ...]]
    #: The depth of the top units (a row's heading level counts from it).
    base: int

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(s.language for s in self.snaps)

    @property
    def first(self) -> Snapshot:
        return self.snaps[0]


def pairing(edition: Edition, node: Node | None, languages: tuple[str, ...]) -> Pairing | None:
    """The edition (or the unit `node`) in `languages`, paired by key; None when no language
    has the unit."""
    found = [snapshot(edition, node, code) for code in languages]
    if all(s is None for s in found):
        return None
    anchor = next(s for s in found if s is not None)
    snaps = tuple(
        s
        if s is not None
        else Snapshot(anchor.work, edition, [], scope=anchor.scope, language=code)
        for s, code in zip(found, languages, strict=True)
    )
    columns = [[n for root in s.roots for n in root.walk()] for s in snaps]
    rows = queries.align(columns, key=lambda n: n.item.key)
    base = min((n.item.depth for column in columns for n in column), default=0)
    return Pairing(snaps, rows, base)


def export(pair: Pairing, fmt: str) -> bytes:
    """The side-by-side file: `docx` or `pdf`."""
    if fmt == "docx":
        return docx_bytes(pair)
    if fmt == "pdf":
        return pdf.to_pdf(pdf_html(pair))
    raise ValueError(f"no side-by-side layout for {fmt!r}")


def _scope_label(snap: Snapshot) -> str | None:
    return docx_export.heading_text(TreeNode(snap.scope), snap.language) if snap.scope else None


# --------------------------------------------------------------------------- Word

#: The width of the text on an A4 page with 18 mm margins.
_PAGE_MARGIN = Cm(1.8)
_TEXT_WIDTH = Cm(21.0 - 2 * 1.8)


def docx_bytes(pair: Pairing) -> bytes:
    """A Word document: front matter, then a table of two columns, one row per unit."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = _PAGE_MARGIN
    _docx_front_matter(document, pair)
    width = int(_TEXT_WIDTH / len(pair.snaps))
    table = document.add_table(rows=0, cols=len(pair.snaps))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column in table.columns:
        column.width = width

    header = table.add_row()
    _repeat_as_header(header)
    for cell, code in zip(header.cells, pair.languages, strict=True):
        cell.paragraphs[0].add_run(LANGUAGES[code]).bold = True
    if not all(s.is_authentic for s in pair.snaps):
        notices = table.add_row()
        for cell, snap in zip(notices.cells, pair.snaps, strict=True):
            if not snap.is_authentic:
                cell.paragraphs[0].style = "Intense Quote"
                cell.paragraphs[0].add_run(UNOFFICIAL_IN[snap.language]).bold = True
    for row in pair.rows:
        cells = table.add_row().cells
        for cell, node, code in zip(cells, row, pair.languages, strict=True):
            _docx_cell(cell, node, code, pair.base)
    for row in table.rows:
        for cell, code in zip(row.cells, pair.languages, strict=True):
            cell.width = width
            _mark_language(cell, code)
    docx_export.page_numbers(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_front_matter(document, pair: Pairing) -> None:  # type: ignore[no-untyped-def]
    scopes = [label for label in map(_scope_label, pair.snaps) if label]
    docx_export.front_matter(
        document,
        pair.first,
        extract=" | ".join(dict.fromkeys(scopes)) or None,
        more=("side by side: " + " | ".join(LANGUAGES[c] for c in pair.languages),),
    )


def _docx_cell(cell, node: TreeNode | None, language: str, base: int) -> None:  # type: ignore[no-untyped-def]
    heading = cell.paragraphs[0]
    if node is None:
        heading.add_run(NO_TEXT[language]).italic = True
        return
    item = node.item
    heading.style = f"Heading {min(item.depth - base + 1, MAX_HEADING)}"
    run = heading.add_run(docx_export.heading_text(node, language))
    if item.kind in PROVISION_KINDS:
        run.font.color.rgb = docx_export.KIND_COLOURS.get(item.kind, RGBColor(0, 0, 0))
    # The unit's key, hidden as in the single-language file: each row names what it pairs.
    heading.add_run(docx_export.hidden_attributes(node)).font.hidden = True
    docx_export.write_blocks(cell, md.parse(item.text))


def _repeat_as_header(row) -> None:  # type: ignore[no-untyped-def]
    """Repeat this row at the top of every page the table runs onto."""
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def _mark_language(cell, language: str) -> None:  # type: ignore[no-untyped-def]
    """Tag every run of a cell with its language (spelling and hyphenation per column)."""
    tag = docx_export.WORD_LANGUAGES.get(language, language)
    for paragraph in cell.paragraphs:
        for run in paragraph.runs:
            mark = OxmlElement("w:lang")
            mark.set(qn("w:val"), tag)
            # `w:lang` comes after every run property python-docx writes here (b, i, vanish,
            # color): appending it keeps the schema's order.
            run._r.get_or_add_rPr().append(mark)


# --------------------------------------------------------------------------- PDF

STYLESHEET = """
table.side { width: 100%; border-collapse: collapse; table-layout: fixed; }
table.side th { font: bold 9pt "DejaVu Sans", sans-serif; text-align: left;
                border-bottom: .8pt solid #888; padding: 2pt 5pt; }
table.side td { vertical-align: top; padding: 2pt 5pt; border-bottom: .4pt solid #ddd; }
table.side td + td, table.side th + th { border-left: .6pt solid #bbb; }
table.side .unit { break-inside: auto; }
table.side .unofficial { margin: 2pt 0; }
table.side h2 { font-size: 13pt; } table.side h3 { font-size: 11.5pt; }
.missing { font-style: italic; color: #666; }
"""


def pdf_html(pair: Pairing) -> str:
    """The printable HTML: a table of two columns, one row per unit."""
    first = pair.first
    languages = pair.languages
    head = Markup("").join(
        Markup('<th lang="{}">{}</th>').format(code, LANGUAGES[code]) for code in languages
    )
    rows: list[Markup] = []
    if not all(s.is_authentic for s in pair.snaps):
        notices = [
            Markup('<p class="unofficial"><strong>{}</strong></p>').format(
                UNOFFICIAL_IN[s.language]
            )
            if not s.is_authentic
            else Markup("")
            for s in pair.snaps
        ]
        rows.append(_pdf_row(notices, languages))
    for row in pair.rows:
        cells = [
            pdf._unit(node, node.item.depth - pair.base, code)
            if node is not None
            else Markup('<p class="missing">{}</p>').format(NO_TEXT[code])
            for node, code in zip(row, languages, strict=True)
        ]
        rows.append(_pdf_row(cells, languages))
    body = Markup(
        '<style>{}</style><table class="side"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>'
    ).format(
        Markup(STYLESHEET),  # noqa: S704 - our own constant stylesheet
        head,
        Markup("").join(rows),
    )
    title = first.work.short_title
    labels = [label for label in map(_scope_label, pair.snaps) if label]
    if labels:
        title += " — " + " | ".join(dict.fromkeys(labels))
    facts = pdf._edition_facts(first)
    facts.insert(1, "Side by side: " + " | ".join(LANGUAGES[c] for c in languages))
    return pdf._document(title, pdf._status(first.edition), facts, False, body, first.language)


def _pdf_row(cells: list[Markup], languages: tuple[str, ...]) -> Markup:
    """One table row; each cell says its language (hyphenation, screen readers)."""
    return Markup("<tr>{}</tr>").format(
        Markup("").join(
            Markup('<td lang="{}">{}</td>').format(code, cell)
            for cell, code in zip(cells, languages, strict=True)
        )
    )
