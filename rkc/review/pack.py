"""A meeting pack: the agenda and the documents the reader may see, as one PDF.

The pack is made for the reader's distribution level (public; parties and observers; parties
only; Secretariat: `Action.READ_DOCUMENT` decides, document by document), so a reader never
gets a document above their level. The agenda comes first (rkc.review.printing), then each
current version (not superseded) in the order of the register: a PDF is appended as it is
(pypdf), a Word document is converted with LibreOffice headless, and a document that cannot
be read or converted is represented by a page naming it and its symbol. Each part has an
outline entry.

Packs are kept in the derived-file cache (rkc.interchange.derived): the key names the
release, the meeting as the agenda shows it, the reader's levels and the ids of the document
versions in the pack (a version never changes: a revision is a new row), so a new document,
a revision or a changed agenda makes a new file and nothing stale is served.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from flask import current_app
from markupsafe import Markup
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from rkc.interchange import derived
from rkc.interchange.pdf import STYLESHEET, to_pdf
from rkc.review import queries
from rkc.review.models import LEVEL_LABELS, Document, Meeting
from rkc.review.operations import DOCX, PDF
from rkc.review.printing import agenda_pdf

#: Bump when the pack's layout changes without a change to the code's files.
PACK_VERSION = "1"
#: Seconds LibreOffice may take to convert one document.
DEFAULT_CONVERT_SECONDS = 120


def pack_documents(meeting: Meeting, reader: Any) -> list[Document]:
    """The current versions of the meeting's documents that `reader` may read."""
    return [d for d in queries.documents_of(meeting, reader) if not d.is_superseded]


def pack_key(meeting: Meeting, levels: tuple[str, ...], documents: list[Document]) -> str:
    agenda = [(n.number, n.item.title, n.item.purpose.value) for n in queries.agenda(meeting)]
    parts = [
        derived.release(),
        "meeting-pack",
        PACK_VERSION,
        str(meeting.id),
        meeting.title,
        str(meeting.starts_on),
        str(meeting.ends_on),
        meeting.mode.value,
        meeting.venue,
        repr(agenda),
        ",".join(levels),
        ",".join(str(d.id) for d in documents),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


def recipe(meeting: Meeting, reader: Any) -> derived.Recipe:
    """How to make the pack `reader` may have, and the key it is kept under."""
    levels = tuple(level.value for level in queries.readable_levels(reader))
    documents = pack_documents(meeting, reader)
    ids = [d.id for d in documents]

    def build() -> bytes:
        return build_pack(meeting, [queries.document(i, with_content=True) for i in ids])

    return derived.Recipe(pack_key(meeting, levels, documents), "pdf", build)


# --------------------------------------------------------------------------- building


def build_pack(meeting: Meeting, documents: list[Document | None]) -> bytes:
    writer = PdfWriter()
    writer.append(
        PdfReader(io.BytesIO(agenda_pdf(meeting, queries.agenda(meeting)))), import_outline=False
    )
    writer.add_outline_item(title="Agenda", page_number=0)
    for document in documents:
        if document is None:
            continue
        start = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(_as_pdf(document))), import_outline=False)
        writer.add_outline_item(title=f"{document.symbol} {document.title}", page_number=start)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _as_pdf(document: Document) -> bytes:
    """The document as PDF pages: itself, its conversion, or a page naming it."""
    data = document.content
    converted: bytes | None = None
    if document.mimetype == PDF:
        converted = data
    elif document.mimetype == DOCX:
        converted = convert_to_pdf(data)
    if converted is not None:
        try:
            reader = PdfReader(io.BytesIO(converted))
            if len(reader.pages) > 0:
                return converted
        except (PyPdfError, ValueError, OSError):
            pass
    return placeholder_pdf(document)


def convert_to_pdf(data: bytes) -> bytes | None:
    """A Word document converted by LibreOffice headless, or None if that failed.

    Each conversion has its own profile directory, so parallel conversions do not share
    LibreOffice's lock; `SOFFICE_BINARY` and `SOFFICE_TIMEOUT` configure it.
    """
    binary = current_app.config.get("SOFFICE_BINARY") or "soffice"
    timeout = float(current_app.config.get("SOFFICE_TIMEOUT") or DEFAULT_CONVERT_SECONDS)
    with tempfile.TemporaryDirectory(prefix="rkc-pack-") as folder:
        work = Path(folder)
        source = work / "document.docx"
        source.write_bytes(data)
        command = [
            binary,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        try:
            subprocess.run(  # noqa: S603 - a fixed command; the file name is ours
                command,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            current_app.logger.warning("meeting pack: conversion failed: %s", exc)
            return None
        result = work / "out" / "document.pdf"
        if not result.is_file():
            current_app.logger.warning("meeting pack: LibreOffice wrote no PDF")
            return None
        converted = result.read_bytes()
    return converted if converted.startswith(b"%PDF-") else None


def placeholder_pdf(document: Document) -> bytes:
    """One page standing for a document that could not be put in the pack as it is."""
    html = Markup(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{symbol}</title>'
        "<style>{style}</style></head><body><h1>{symbol}</h1><p>{title}</p>"
        '<p class="meta">{level}</p><p>This document could not be converted to PDF for the '
        "meeting pack. Download it from the register under its symbol, {symbol} "
        "({filename}).</p></body></html>"
    ).format(
        symbol=document.symbol,
        title=document.title,
        level=LEVEL_LABELS[document.level],
        filename=document.filename,
        style=Markup(STYLESHEET),  # noqa: S704 - our own constant stylesheet
    )
    return to_pdf(str(html))
