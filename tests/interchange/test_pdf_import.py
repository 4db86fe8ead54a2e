"""PDF as the WCO publishes it: PDFs the tests lay out the WCO's way (WeasyPrint), read back
with a fidelity report before anything is stored."""

from __future__ import annotations

import pytest

from rkc.audit import acting_as
from rkc.convention import queries
from rkc.extensions import db
from rkc.interchange import pdf_import
from rkc.interchange.operations import import_file
from rkc.interchange.pdf import to_pdf
from rkc.interchange.report import ImportRefused

from . import wco
from .helpers import SECRETARIAT, counts, edition, stored

LIMIT = 20 * 1024 * 1024


def _pdf(node_key: str | None = None) -> bytes:
    return to_pdf(wco.html(wco.corpus_snapshot(node_key)))


def _import(data: bytes, slug: str, **kwargs):  # type: ignore[no-untyped-def]
    with acting_as(SECRETARIAT):
        return import_file(
            queries.work_by_key("rkc"),
            "pdf",
            data,
            source="wco.pdf",
            base=edition("rkc", "2006"),
            slug=slug,
            title=f"Imported {slug}",
            limit=LIMIT,
            **kwargs,
        )


def _compare(imported: list[tuple], corpus: list[tuple]) -> tuple[int, int, list]:
    """(units with key, kind, number and title equal; units equal in everything; the rest)."""
    by_key = {row[0]: row for row in corpus}
    structure = sum(1 for row in imported if by_key.get(row[0], ())[:5] == row[:5])
    exact = sum(1 for row in imported if by_key.get(row[0]) == row)
    return structure, exact, [row for row in imported if by_key.get(row[0]) != row]


def test_the_whole_convention_as_a_wco_pdf_is_recognised_unit_by_unit(app):
    data = _pdf()
    outline = pdf_import.read(data, "wco.pdf", limit=LIMIT)
    report = outline.fidelity
    assert report.pages > 20
    assert report.doubtful == []
    assert report.doubtful_lines == []
    assert report.running_lines >= 2 * report.pages  # the running head and the page number
    assert report.front_matter_lines == 2
    summary = _import(data, "wco-pdf")
    db.session.commit()
    imported = stored(edition("rkc", "wco-pdf"))
    corpus = stored(edition("rkc", "2006"))
    structure, exact, different = _compare(imported, corpus)
    assert len(imported) == len(corpus) == len(report.recognised)
    assert structure == len(corpus), different[:3]  # every number, kind, key and title
    assert exact == len(corpus), different[:3]  # and every text
    assert (summary.added, summary.changed, summary.removed) == (0, 0, 0)


def _chapter_html(*body: str) -> str:
    page = wco.html(wco.corpus_snapshot("ga/6"))
    return page.replace("</body>", "".join(body) + "</body>")


def test_a_chapter_pdf_reports_doubtful_lines_with_their_pages(app):
    """A heading set in the text font is recognised but doubtful; a bold line that names no
    kind is read as text and reported."""
    html = _chapter_html(
        "<p>6.99. Standard</p><p>A Standard printed without bold.</p>",
        "<p class='h'>Table 6.1</p><p>More text.</p>",
    )
    outline = pdf_import.read(to_pdf(html), "chapter.pdf", limit=LIMIT)
    report = outline.fidelity
    [doubt] = report.doubtful
    assert doubt.printed == "6.99. Standard"
    assert doubt.heading == "Standard 6.99"
    assert doubt.where.startswith("page ")
    assert [(text, why.split(":")[0]) for _, text, why in report.doubtful_lines] == [
        ("Table 6.1", "a bold line that names no kind")
    ]
    lines = "\n".join(report.lines())
    assert "1 doubtful" in lines
    assert f"{doubt.where}: '6.99. Standard' read as Standard 6.99" in lines


def test_a_chapter_pdf_replaces_that_chapter_only(app):
    html = wco.html(wco.corpus_snapshot("ga/6")).replace(
        "CUSTOMS CONTROL", "CUSTOMS CONTROL AND AUDIT"
    )
    summary = _import(to_pdf(html), "chapter-6", accept_warnings=True)
    db.session.commit()
    assert [(c.key, c.changed) for c in summary.chapters] == [("ga/6", 1)]
    rows = {row[0]: row for row in stored(edition("rkc", "chapter-6"))}
    assert rows["ga/6"][4] == "CUSTOMS CONTROL AND AUDIT"
    before = {row[0]: row for row in stored(edition("rkc", "2006"))}
    assert {k: v for k, v in rows.items() if k != "ga/6"} == {
        k: v for k, v in before.items() if k != "ga/6"
    }


def test_a_misplaced_number_in_a_pdf_is_named_by_page_and_line(app):
    html = _chapter_html("<p class='h'>4.1. Standard</p><p>Misplaced.</p>")
    before = counts()
    with pytest.raises(ImportRefused) as refused:
        _import(to_pdf(html), "misplaced")
    db.session.rollback()
    assert counts() == before
    [finding] = [f for f in refused.value.findings if "Chapter 4" in f.reason]
    assert finding.where.startswith("page ")
    assert ", line " in finding.where
    assert "» 4.1. Standard «" in finding.context


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"PK\x03\x04 a zip", "not a PDF file"),
        (b"%PDF-1.7\n garbage without pages", "the PDF could not be read"),
    ],
)
def test_files_that_are_not_readable_pdfs_are_refused(app, data, reason):
    with pytest.raises(ImportRefused) as refused:
        pdf_import.read(data, "x.pdf", limit=LIMIT)
    assert reason in str(refused.value)


def test_the_command_line_shows_the_report_and_asks_before_storing(app, tmp_path):
    path = tmp_path / "ga6.pdf"
    path.write_bytes(to_pdf(wco.html(wco.corpus_snapshot("ga/6"))))
    runner = app.test_cli_runner()
    args = ["import", "pdf", str(path), "--base", "2006", "--slug", "pdf6", "--title", "PDF 6"]
    before = counts()

    preview = runner.invoke(args=[*args, "--dry-run"])
    assert preview.exit_code == 0, preview.output
    assert "unit(s) recognised" in preview.output
    assert "General Annex, Chapter 6 (ga/6): 0 added, 0 changed" in preview.output
    assert "dry run, nothing stored" in preview.output
    assert counts() == before

    declined = runner.invoke(args=args, input="n\n")
    assert "unit(s) recognised" in declined.output
    assert "Store this text as a new working draft?" in declined.output
    assert "nothing was stored" in declined.output
    assert counts() == before

    stored_now = runner.invoke(args=args, input="y\n")
    assert stored_now.exit_code == 0, stored_now.output
    assert "new working draft 'pdf6'" in stored_now.output
    db.session.expire_all()
    assert queries.edition_by_slug(queries.work_by_key("rkc"), "pdf6") is not None


def test_warnings_on_the_command_line_name_the_way_to_accept_them(app, tmp_path):
    html = _chapter_html("<p class='h'>6.99. Standard</p><p>Far beyond the last.</p>")
    path = tmp_path / "gap.pdf"
    path.write_bytes(to_pdf(html))
    runner = app.test_cli_runner()
    args = [
        "import",
        "pdf",
        str(path),
        "--base",
        "2006",
        "--slug",
        "gap",
        "--title",
        "Gap",
        "--yes",
    ]
    refused = runner.invoke(args=args)
    assert refused.exit_code == 1
    assert "a gap in the numbering" in refused.output
    assert "--accept-warnings" in refused.output
    accepted = runner.invoke(args=[*args, "--accept-warnings"])
    assert accepted.exit_code == 0, accepted.output
    assert "accepted warning:" in accepted.output


def test_damaged_pdfs_are_refused_with_a_report_never_a_traceback(app, monkeypatch):
    """Truncated and corrupted copies of a real chapter PDF, and one drawing more text than
    the limit allows: each is read or refused, never anything else."""
    data = to_pdf(wco.html(wco.corpus_snapshot("ga/1")))
    damaged = [data[:cut] for cut in (9, len(data) // 3, len(data) // 2, len(data) - 40)]
    for offset in range(200, len(data), max(1, len(data) // 25)):
        damaged.append(data[:offset] + bytes([data[offset] ^ 0x5A]) + data[offset + 1 :])
    refused = 0
    for sample in damaged:
        try:
            pdf_import.read(sample, "damaged.pdf", limit=LIMIT)
        except ImportRefused:
            refused += 1
    assert refused >= 4  # at least the truncated ones
    # The text drawn is bounded too (a small file may draw a great deal): 100 characters here.
    monkeypatch.setattr(pdf_import, "TEXT_FACTOR", 100 / LIMIT)
    with pytest.raises(ImportRefused) as too_much:
        pdf_import.read(data, "much-text.pdf", limit=LIMIT)
    assert "characters of text; that is too many" in str(too_much.value)
