"""A compilation of amendments as a Word document with real tracked changes.

Each amendment is written as the paragraphs of the text it amends with its proposal as Word
tracked changes (`w:ins` / `w:del`, `rkc.interchange.docx_tracked.add_tracked_lines`): the
author of every change is the amendment and its proposing party ("RD/001 (Austria)"), its
date the day the amendment was tabled. Word and LibreOffice list the changes per author, so a
reader can accept or reject one amendment and see the text it would give. Words change inside
paragraphs; a paragraph (a list item) that the proposal adds or removes is inserted or deleted
whole, paragraph mark included.

The text compared is what a reader sees: paragraphs and list items (numbered items keep their
numbers as text, bullets use Word's bullet styles); emphasis is not shown. The reference is
the provision's current text in the working draft, or the text the amendment was written on
when the draft moved on since (as on the compilation page). No Flask here.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from docx import Document

from rkc.amendments.models import Amendment, AmendmentAction
from rkc.amendments.queries import Change, Compilation
from rkc.convention.kinds import KIND_LABELS, KIND_LABELS_BY_LANGUAGE
from rkc.convention.languages import LANGUAGES
from rkc.convention.languages import UNOFFICIAL as UNOFFICIAL_IN
from rkc.convention.models import Revision
from rkc.interchange import blocks as md
from rkc.interchange.docx_common import list_style
from rkc.interchange.docx_export import UNOFFICIAL, page_numbers, write_blocks
from rkc.interchange.docx_tracked import LINE_BREAK, ChangeIds, add_tracked_lines

Line = tuple[str, str]


def text_lines(markdown: str) -> list[Line]:
    """The paragraphs a reader sees of a Markdown text, as (Word style, plain text)."""
    return list(_lines(md.parse(markdown or "")))


def _plain(spans: Iterable[md.Span]) -> str:
    return md.plain_text(spans).replace("\n", LINE_BREAK)


def _lines(blocks: Iterable[md.Block], depth: int = 0) -> Iterator[Line]:
    for block in blocks:
        if isinstance(block, md.Paragraph):
            yield ("Normal" if depth == 0 else list_style("continue", depth)), _plain(block.spans)
        elif isinstance(block, md.Verbatim):
            yield "Normal", block.source.replace("\n", LINE_BREAK)
        else:
            for index, item in enumerate(block.items):
                first, *rest = item or (md.Paragraph(()),)
                if block.ordered:
                    style = list_style("continue", depth + 1)
                    prefix = f"{block.start + index}. "
                else:
                    style, prefix = list_style("bullet", depth + 1), ""
                if isinstance(first, md.Paragraph):
                    yield style, prefix + _plain(first.spans)
                else:
                    yield style, prefix
                    rest = [first, *rest]
                yield from _lines(rest, depth + 1)


def author_of(amendment: Amendment) -> str:
    """Who the changes of an amendment are attributed to: "RD/001 (Austria)"."""
    return f"{amendment.label} ({amendment.party.name})"


def date_of(amendment: Amendment) -> datetime:
    """When: the day it was tabled (compilations hold tabled amendments only)."""
    moment = amendment.tabled_at or amendment.created_at
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def reference_of(change: Change) -> Revision | None:
    """The revision the proposal is shown against (its base when the draft moved on)."""
    return change.amendment.base_revision if change.against_base else change.target.current


def proposal_lines(change: Change, language: str = "en") -> tuple[list[Line], list[Line]]:
    """(paragraphs before, paragraphs after) the amendment: what the tracked changes show."""
    a = change.amendment
    reference = reference_of(change)
    heading = "Heading 3"
    if a.action is AmendmentAction.INSERT:
        title = a.proposed_title or ""
        kind = _kind_label(a.proposed_kind, language)
        new = [(heading, f"{kind} {a.proposed_number or ''}".strip())]
        if title:
            new[0] = (heading, f"{new[0][1]}: {title}")
        return [], new + text_lines(a.proposed_text)
    if reference is None:
        return [], []
    if a.action is AmendmentAction.HEADING:
        return [(heading, reference.title or "")], [(heading, a.proposed_title or "")]
    old = ([(heading, reference.title)] if reference.title else []) + text_lines(reference.text)
    if a.action is AmendmentAction.DELETE:
        return old, []
    new = ([(heading, reference.title)] if reference.title else []) + text_lines(a.proposed_text)
    return old, new


def _kind_label(kind: str | None, language: str = "en") -> str:
    labels = KIND_LABELS_BY_LANGUAGE.get(language, KIND_LABELS)
    return labels.get(kind or "", (kind or "Unit").replace("_", " ").title())


def export(comp: Compilation, *, generated_at: datetime, language: str = "en") -> bytes:
    """The .docx bytes of a compilation (read in `language`: its amendments' text and the
    draft's text in that language, rkc.amendments.compilation_languages.in_language)."""
    document = Document()
    edition = comp.edition
    title = "Compilation of amendments" + (f": {comp.chapter_label}" if comp.chapter_label else "")
    if language != "en":
        title += f" ({LANGUAGES.get(language, language)})"
    properties = document.core_properties
    properties.language = language
    properties.title = title
    properties.subject = f"{edition.work.short_title}, {edition.title}"
    properties.author = "rkc"
    document.add_paragraph(title, style="Title")
    document.add_paragraph(
        f"{edition.work.short_title} · {edition.title} (working draft)", style="Subtitle"
    )
    counts = ", ".join(f"{n} {s.label.lower()}" for s, n in comp.status_counts)
    document.add_paragraph(
        f"{comp.count} amendment{'' if comp.count == 1 else 's'} in document order"
        + (f" ({counts})" if counts else "")
        + f" · compiled {generated_at:%-d %B %Y %H:%M} UTC."
    )
    document.add_paragraph(
        "Working document for members. Each amendment is shown as Word tracked changes to the "
        "text it amends, attributed to the amendment and its proposing party and dated the day "
        "it was tabled: use Review, Accept or Reject to read the text it would give. Accepting "
        "or rejecting changes in this file changes nothing in rkc."
    )
    if not edition.is_authentic:
        unofficial = UNOFFICIAL if language == "en" else UNOFFICIAL_IN.get(language, UNOFFICIAL)
        document.add_paragraph(style="Intense Quote").add_run(unofficial).bold = True
    ids = ChangeIds(document)
    if not comp.groups:
        document.add_paragraph("No tabled amendment matches.")
    for group in comp.groups:
        document.add_paragraph(
            group.label + (f" ({group.key})" if group.key else ""), style="Heading 1"
        )
        for change in group.changes:
            _amendment(document, change, ids, language)
    page_numbers(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _amendment(document, change: Change, ids: ChangeIds, language: str = "en") -> None:  # type: ignore[no-untyped-def]
    a = change.amendment
    facts = [a.label, a.party.name, a.action.label, a.status.label]
    if a.has_conflict:
        facts.append("conflict")
    document.add_paragraph(" — ".join(facts), style="Heading 2")
    if a.action is AmendmentAction.INSERT:
        document.add_paragraph(change.target.label, style="Normal").runs[0].italic = True
    if getattr(a, "is_translated", True):
        old, new = proposal_lines(change, language)
        add_tracked_lines(document, old, new, author=author_of(a), date=date_of(a), ids=ids)
    else:
        name = LANGUAGES.get(language, language)
        document.add_paragraph(
            f"{name}: to translate. The Secretariat has not supplied this version yet."
        ).runs[0].italic = True
    if change.against_base:
        note = "Shown against the text it was written on"
        note += "; it conflicts with the current text." if a.has_conflict else "."
        document.add_paragraph(note).runs[0].italic = True
    sponsors = ", ".join(change.sponsors)
    if change.requested:
        sponsors += f" (asked to co-sponsor: {', '.join(change.requested)})"
    paragraph = document.add_paragraph()
    paragraph.add_run("Sponsors: ").bold = True
    paragraph.add_run(sponsors)
    if a.concept:
        paragraph = document.add_paragraph()
        paragraph.add_run("Concept: ").bold = True
        paragraph.add_run(a.concept)
    paragraph = document.add_paragraph()
    paragraph.add_run("Justification").bold = True
    write_blocks(document, md.parse(a.justification))
    positions = [f"{stance.label}: {', '.join(names)}" for stance, names in change.summary if names]
    paragraph = document.add_paragraph()
    paragraph.add_run("Positions: ").bold = True
    paragraph.add_run("; ".join(positions) if positions else "none yet")
