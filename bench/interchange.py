"""Interchange: exporting the whole Convention in each format, and importing it back.

Figures (information, plus one goal): each export of the 2006 Convention edition (corpus
format, Akoma Ntoso, Word, PDF) and of General Annex chapter 3 as PDF, and an Akoma Ntoso
import of the whole edition into a new working draft. Goal: a chapter PDF (the heaviest
download a reader clicks) under 2 s.

Reference: reading the edition's contents (`queries.contents`), which every export starts from.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench.report import Options, Row, measure, ratio
from bench.support import dispose, make_app, progress, rkc_init
from rkc.audit import Actor, acting_as
from rkc.convention import queries
from rkc.extensions import db
from rkc.interchange import akn, corpus_format, docx_export, pdf
from rkc.interchange.operations import import_file
from rkc.interchange.queries import snapshot

CHAPTER_PDF_GOAL_S = 2.0


def run(options: Options | None = None) -> list[Row]:
    options = options or Options()
    with tempfile.TemporaryDirectory(prefix="rkc-bench-interchange-") as tmp:
        app = make_app(Path(tmp), options.corpus)
        try:
            rkc_init(app)
            with app.app_context():
                return _measure(options)
        finally:
            dispose(app)


def _measure(options: Options) -> list[Row]:
    work = queries.work_by_key("rkc")
    assert work is not None
    edition = queries.edition_by_slug(work, "2006")
    assert edition is not None
    chapter = queries.node_by_key("ga/3")
    reps = options.reps(5, 1)
    progress(f"exports of the whole Convention ({reps} rounds each)")
    reference = measure(lambda: queries.contents(edition), repeat=reps, warmup=1)
    whole = snapshot(edition)
    assert whole is not None
    figures = {
        "corpus format (all files)": lambda: corpus_format.export_edition(edition),
        "Akoma Ntoso": lambda: akn.export(snapshot(edition)),  # type: ignore[arg-type]
        "Word": lambda: docx_export.export(snapshot(edition)),  # type: ignore[arg-type]
    }
    rows = []
    for name, fn in figures.items():
        timing = measure(fn, repeat=reps)
        rows.append(
            Row(
                f"export 2006 edition: {name}",
                measured=timing.s(),
                reference=reference.ms(),
                ratio=ratio(timing.median, reference.median),
            )
        )
    whole_pdf = measure(lambda: pdf.to_pdf(pdf.edition_html(whole)), repeat=options.reps(2, 1))
    rows.append(
        Row(
            "export 2006 edition: PDF",
            measured=whole_pdf.s(),
            reference=reference.ms(),
            ratio=ratio(whole_pdf.median, reference.median),
        )
    )
    part = snapshot(edition, chapter)
    assert part is not None
    chapter_pdf = measure(lambda: pdf.to_pdf(pdf.edition_html(part)), repeat=reps)
    rows.append(
        Row(
            "export GA chapter 3: PDF",
            goal=f"< {CHAPTER_PDF_GOAL_S:.0f} s",
            measured=chapter_pdf.s(),
            reference=reference.ms(),
            ratio=ratio(chapter_pdf.median, reference.median),
            met=chapter_pdf.median < CHAPTER_PDF_GOAL_S,
        )
    )
    progress("Akoma Ntoso import of the whole edition into a new draft")
    data = akn.export(whole)
    counter = iter(range(1000))

    def import_once() -> None:
        with acting_as(Actor(None, "bench", "system")):
            import_file(
                work,
                "akn",
                data,
                source="bench.xml",
                base=edition,
                slug=f"bench-{next(counter)}",
                title="Bench import",
                limit=50 * 1024 * 1024,
            )
        db.session.rollback()

    imported = measure(import_once, repeat=reps)
    rows.append(
        Row(
            "import 2006 edition from Akoma Ntoso (no change)",
            measured=imported.s(),
            reference=reference.ms(),
            ratio=ratio(imported.median, reference.median),
        )
    )
    return rows
