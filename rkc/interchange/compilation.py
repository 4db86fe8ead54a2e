"""A compilation of amendments as a file: Word with real tracked changes, or PDF."""

from __future__ import annotations

from datetime import datetime

from rkc.amendments.queries import Compilation
from rkc.interchange import docx_compilation, pdf

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
    `language` (rkc.amendments.compilation_languages.in_language)."""
    if fmt == "docx":
        data = docx_compilation.export(comp, generated_at=generated_at, language=language)
    else:
        data = pdf.to_pdf(pdf.compilation_html(comp, generated_at=generated_at))
    return data, FORMATS[fmt], file_name(comp, fmt, language)
