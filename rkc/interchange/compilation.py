"""A compilation of amendments as a file: Word with real tracked changes, or PDF."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from rkc.amendments.queries import Compilation
from rkc.convention.models import utcnow
from rkc.interchange import derived, docx_compilation, pdf

#: Stands for the time of compiling in the content a compilation's PDF is keyed by.
_ANY_TIME = datetime(2000, 1, 1, tzinfo=UTC)

#: format -> mimetype
FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def file_name(comp: Compilation, fmt: str, language: str = "en") -> str:
    """ "rkc-review-draft-amendments-ga-3.docx": the draft, and the chapter if one was asked;
    "-fr" before the extension for the French compilation."""
    name = f"{comp.edition.work.key}-{comp.edition.slug}-amendments"
    if comp.flt.chapter_key:
        name += "-" + comp.flt.chapter_key.replace("/", "-")
    if language != "en":
        name += f"-{language}"
    return f"{name}.{fmt}"


def compilation_file(
    comp: Compilation, fmt: str, *, generated_at: datetime, language: str = "en"
) -> tuple[bytes, str, str]:
    """(bytes, mimetype, file name) of a compilation in `fmt` (a key of FORMATS), read in
    `language` (rkc.amendments.compilation_languages.in_language), built now and not kept
    (a meeting document is stored as what it was when issued)."""
    if fmt == "docx":
        data = docx_compilation.export(comp, generated_at=generated_at, language=language)
    else:
        data = _pdf(comp, generated_at)
    return data, FORMATS[fmt], file_name(comp, fmt, language)


def _pdf(comp: Compilation, generated_at: datetime) -> bytes:
    return pdf.to_pdf(pdf.compilation_html(comp, generated_at=generated_at))


def recipe(comp: Compilation, fmt: str, language: str = "en") -> derived.Recipe:
    """The compilation's file in the derived-file cache, keyed by what it shows, all but the
    time it was compiled: for PDF the HTML it is laid out from, for Word the plan of its
    paragraphs and tracked changes (`docx_compilation.plan`). Both hold only what this reader
    may see, so readers who see the same amendments the same way get one file, built once
    (single flight, `derived.obtain`); any change to what the compilation shows (an
    amendment, a position, a tabling date, a filter, the language) or a reader who sees other
    amendments makes another. The file says when it was compiled: when its content was first
    asked for in this form."""
    if fmt == "docx":
        plan = docx_compilation.plan(comp, language)
        content = repr(plan)

        def build() -> bytes:
            return docx_compilation.write(plan, generated_at=utcnow())
    else:
        content = pdf.compilation_html(comp, generated_at=_ANY_TIME)

        def build() -> bytes:
            return _pdf(comp, utcnow())

    digest = hashlib.sha256(f"compilation|{fmt}|{content}".encode()).hexdigest()[:40]
    key = derived.COMPILATION_PREFIX + digest  # `rkc derived prune` removes the old ones
    return derived.Recipe(key, fmt, build)
