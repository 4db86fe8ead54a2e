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
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Para:
    """A paragraph: `label` in bold, then `text` (bold or italic as asked)."""

    text: str = ""
    style: str = "Normal"
    label: str = ""
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Blocks:
    """A Markdown text written as Word paragraphs (`write_blocks`)."""

    markdown: str


@dataclass(frozen=True)
class Tracked:
    """The paragraphs of a text before and after an amendment, as tracked changes."""

    old: tuple[Line, ...]
    new: tuple[Line, ...]
    author: str
    date: datetime


@dataclass(frozen=True)
class Compiled:
    """The line that counts the amendments and says when they were compiled."""

    counts: str


Step = Para | Blocks | Tracked | Compiled


@dataclass(frozen=True)
class Plan:
    """Everything a compilation's Word file shows, but the time of compiling: what `write`
    lays out, and (its `repr`) what the file is keyed by in the derived-file cache
    (`rkc.interchange.compilation.recipe`)."""

    language: str
    title: str
    subject: str
    steps: tuple[Step, ...]


def export(comp: Compilation, *, generated_at: datetime, language: str = "en") -> bytes:
    """The .docx bytes of a compilation (read in `language`: its amendments' text and the
    draft's text in that language, rkc.amendments.compilation_languages.in_language)."""
    return write(plan(comp, language), generated_at=generated_at)


def plan(comp: Compilation, language: str = "en") -> Plan:
    """What the Word file of a compilation shows, as plain values (cheap: no Word objects)."""
    edition = comp.edition
    title = "Compilation of amendments" + (f": {comp.chapter_label}" if comp.chapter_label else "")
    if language != "en":
        title += f" ({LANGUAGES.get(language, language)})"
    counts = ", ".join(f"{n} {s.label.lower()}" for s, n in comp.status_counts)
    steps: list[Step] = [
        Para(title, style="Title"),
        Para(f"{edition.work.short_title} · {edition.title} (working draft)", style="Subtitle"),
        Compiled(
            f"{comp.count} amendment{'' if comp.count == 1 else 's'} in document order"
            + (f" ({counts})" if counts else "")
        ),
        Para(
            "Working document for members. Each amendment is shown as Word tracked changes to "
            "the text it amends, attributed to the amendment and its proposing party and dated "
            "the day it was tabled: use Review, Accept or Reject to read the text it would "
            "give. Accepting or rejecting changes in this file changes nothing in rkc."
        ),
    ]
    if not edition.is_authentic:
        unofficial = UNOFFICIAL if language == "en" else UNOFFICIAL_IN.get(language, UNOFFICIAL)
        steps.append(Para(unofficial, style="Intense Quote", bold=True))
    if not comp.groups:
        steps.append(Para("No tabled amendment matches."))
    for group in comp.groups:
        steps.append(Para(group.label + (f" ({group.key})" if group.key else ""), "Heading 1"))
        for change in group.changes:
            steps.extend(_amendment(change, language))
    return Plan(
        language=language,
        title=title,
        subject=f"{edition.work.short_title}, {edition.title}",
        steps=tuple(steps),
    )


def _amendment(change: Change, language: str = "en") -> Iterator[Step]:
    a = change.amendment
    facts = [a.label, a.party.name, a.action.label, a.status.label]
    if a.has_conflict:
        facts.append("conflict")
    yield Para(" — ".join(facts), style="Heading 2")
    if a.action is AmendmentAction.INSERT:
        yield Para(change.target.label, italic=True)
    if getattr(a, "is_translated", True):
        old, new = proposal_lines(change, language)
        yield Tracked(tuple(old), tuple(new), author=author_of(a), date=date_of(a))
    else:
        name = LANGUAGES.get(language, language)
        yield Para(
            f"{name}: to translate. The Secretariat has not supplied this version yet.",
            italic=True,
        )
    if change.against_base:
        note = "Shown against the text it was written on"
        note += "; it conflicts with the current text." if a.has_conflict else "."
        yield Para(note, italic=True)
    sponsors = ", ".join(change.sponsors)
    if change.requested:
        sponsors += f" (asked to co-sponsor: {', '.join(change.requested)})"
    yield Para(sponsors, label="Sponsors: ")
    if a.concept:
        yield Para(a.concept, label="Concept: ")
    yield Para("Justification", bold=True)
    yield Blocks(a.justification)
    positions = [f"{stance.label}: {', '.join(names)}" for stance, names in change.summary if names]
    yield Para("; ".join(positions) if positions else "none yet", label="Positions: ")


def write(plan: Plan, *, generated_at: datetime) -> bytes:
    """The .docx bytes of a plan, compiled at `generated_at`."""
    document = Document()
    properties = document.core_properties
    properties.language = plan.language
    properties.title = plan.title
    properties.subject = plan.subject
    properties.author = "rkc"
    ids = ChangeIds(document)
    for step in plan.steps:
        if isinstance(step, Para):
            paragraph = document.add_paragraph(style=step.style)
            if step.label:
                paragraph.add_run(step.label).bold = True
            if step.text:
                run = paragraph.add_run(step.text)
                run.bold = step.bold or None
                run.italic = step.italic or None
        elif isinstance(step, Compiled):
            document.add_paragraph(f"{step.counts} · compiled {generated_at:%-d %B %Y %H:%M} UTC.")
        elif isinstance(step, Tracked):
            add_tracked_lines(
                document, step.old, step.new, author=step.author, date=step.date, ids=ids
            )
        else:
            write_blocks(document, md.parse(step.markdown))
    page_numbers(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
