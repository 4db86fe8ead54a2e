"""Word: export, import by the documented convention, tracked changes, LibreOffice conversion."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import docx
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader

from rkc.amendments import queries as amendment_queries
from rkc.audit import acting_as
from rkc.convention import queries
from rkc.convention.models import utcnow
from rkc.extensions import db
from rkc.interchange import docx_export, docx_tracked
from rkc.interchange.compilation import compilation_file
from rkc.interchange.operations import import_file
from rkc.interchange.queries import snapshot
from rkc.interchange.report import ImportRefused
from rkc.text.diff import Op, word_diff

from ..helpers import create_people, user
from .helpers import SECRETARIAT, compiled_amendments, counts, edition, libreoffice, stored

LIMIT = 20 * 1024 * 1024


def _export(work_key: str, slug: str, node_key: str | None = None) -> bytes:
    node = queries.node_by_key(node_key) if node_key else None
    snap = snapshot(edition(work_key, slug), node)
    assert snap is not None
    return docx_export.export(snap)


def _import(data: bytes, slug: str, base: str = "2006", work_key: str = "rkc", **kwargs):  # type: ignore[no-untyped-def]
    with acting_as(SECRETARIAT):
        return import_file(
            queries.work_by_key(work_key),
            "docx",
            data,
            source="test.docx",
            base=edition(work_key, base),
            slug=slug,
            title=f"Imported {slug}",
            limit=kwargs.pop("limit", LIMIT),
            **kwargs,
        )


def _save(document) -> bytes:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _without_hidden_keys(data: bytes) -> bytes:
    """The document as a delegation would retype it: no hidden {#key} runs."""
    document = docx.Document(io.BytesIO(data))
    for run in document.element.body.iter(qn("w:r")):
        if run.find(qn("w:rPr") + "/" + qn("w:vanish")) is not None:
            run.getparent().remove(run)
    return _save(document)


def test_export_shows_headings_numbers_kinds_notes_and_the_notice(app):
    document = docx.Document(io.BytesIO(_export("rkc", "2006")))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    texts = [t for _, t in paragraphs]
    assert any(t.startswith("Unofficial working text") for t in texts)
    assert ("Heading 1", "Annex: General Annex {#ga}") in paragraphs
    assert ("Heading 4", "Standard 3.1 {#ga/3/3.1}") in paragraphs
    assert any(
        style.startswith("Heading") and t.startswith("Transitional Standard ")
        for style, t in paragraphs
    )
    assert any(
        style.startswith("Heading") and t.startswith("Recommended Practice ")
        for style, t in paragraphs
    )
    assert any(style.startswith("Heading") and t.startswith("Note {#") for style, t in paragraphs)
    assert any(style == "List Bullet" for style, _ in paragraphs)
    # The keys are hidden text: a reader sees "Standard 3.1" only.
    heading = next(p for p in document.paragraphs if p.text.startswith("Standard 3.1 {"))
    assert [r.font.hidden for r in heading.runs] == [None, True]


@pytest.mark.parametrize(
    ("work_key", "node_key"), [("rkc", None), ("guidelines", None), ("rkc", "sa-j/1")]
)
def test_export_then_import_gives_the_same_text_and_structure(app, work_key, node_key):
    summary = _import(_export(work_key, "2006", node_key), "from-word", work_key=work_key)
    db.session.commit()
    assert (summary.added, summary.changed, summary.removed) == (0, 0, 0)
    assert stored(edition(work_key, "from-word")) == stored(edition(work_key, "2006"))


def test_an_authentic_text_without_keys_imports_by_the_numbering_convention(app):
    data = _without_hidden_keys(_export("rkc", "2006"))
    summary = _import(data, "authentic", is_authentic=True)
    db.session.commit()
    assert (summary.added, summary.changed, summary.removed) == (0, 0, 0)
    draft = edition("rkc", "authentic")
    assert draft.is_authentic
    assert stored(draft) == stored(edition("rkc", "2006"))


def _authentic_document() -> docx.Document:
    document = docx.Document()
    document.add_paragraph("General Annex (authentic text)", style="Title")
    document.add_paragraph("Front matter is not imported.")
    document.add_paragraph("Annex: General Annex", style="Heading 1")
    document.add_paragraph("Chapter 3: Clearance and other Customs formalities", style="Heading 2")
    document.add_paragraph("Section A: Competent Customs offices", style="Heading 3")
    document.add_paragraph("Standard 3.1", style="Heading 4")
    paragraph = document.add_paragraph("The Customs shall designate the offices ")
    paragraph.add_run("where").italic = True
    paragraph.add_run(" goods may be cleared:")
    document.add_paragraph("during business hours;", style="List Bullet")
    document.add_paragraph("on request, outside them.", style="List Bullet")
    document.add_paragraph("Note", style="Heading 5")
    document.add_paragraph("A note printed with the Standard.")
    document.add_paragraph("Standard 3.2", style="Heading 4")
    document.add_paragraph("1. First numbered item;", style="List Continue")
    document.add_paragraph("2. second numbered item.", style="List Continue")
    return document


def test_a_hand_made_document_reads_by_styles_and_patterns(app):
    summary = _import(_save(_authentic_document()), "hand-made")
    db.session.commit()
    rows = {row[0]: row for row in stored(edition("rkc", "hand-made"), "ga/3")}
    assert list(rows) == ["ga/3", "ga/3/s-a", "ga/3/3.1", "ga/3/3.1/note", "ga/3/3.2"]
    assert rows["ga/3/3.1"][5] == (
        "The Customs shall designate the offices *where* goods may be cleared:\n\n"
        "- during business hours;\n- on request, outside them."
    )
    assert rows["ga/3/3.2"][5] == "1. First numbered item;\n2. second numbered item."
    assert rows["ga/3/3.1/note"][1] == "note"
    # Only Chapter 3 was in the file: the rest of the Convention is kept as it was.
    assert summary.kept > 800
    chapters = {c.key: c for c in summary.chapters}
    assert list(chapters) == ["ga", "ga/3"]
    assert chapters["ga"].unchanged == 1  # the annex heading placed the chapter; kept as it was
    assert chapters["ga/3"].removed > 0
    whole = {row[0]: row for row in stored(edition("rkc", "hand-made"))}
    before = {row[0]: row for row in stored(edition("rkc", "2006"))}
    assert {k: v for k, v in whole.items() if not k.startswith("ga/3")} == {
        k: v for k, v in before.items() if not k.startswith("ga/3")
    }


def test_problems_are_reported_with_paragraph_numbers_and_nothing_is_stored(app):
    document = _authentic_document()
    document.add_paragraph("Standard", style="Heading 4")  # paragraph 15: no number
    document.add_paragraph("Text of a Standard without a number.")
    document.add_table(rows=1, cols=1)  # paragraph 17
    document.add_paragraph("Clause 9", style="Heading 4")  # paragraph 18: unknown kind
    document.add_paragraph("Text.")
    before = counts()
    with pytest.raises(ImportRefused) as refused:
        _import(_save(document), "broken")
    findings = {(f.where, f.reason.split(":")[0]) for f in refused.value.findings}
    assert ("paragraph 15", "a Standard needs a number") in findings
    assert ("paragraph 17", "a table") in findings
    assert any(
        where == "paragraph 18" and "does not start with a kind" in reason
        for where, reason in ((f.where, f.reason) for f in refused.value.findings)
    )
    db.session.rollback()
    assert counts() == before


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: b"%PDF-1.4 not a word file", "not a Word .docx file: it is not a zip archive"),
        (lambda: _zip({"hello.txt": b"hi"}), "it has no word/document.xml"),
        (lambda: _zip({"word/document.xml": b"\0" * (3 * 1024 * 1024)}), "unpacks to"),
        (
            lambda: _zip(
                {
                    "word/document.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
                    "[Content_Types].xml": b"<Types/>",
                }
            ),
            "declares a DTD or entities",
        ),
        (lambda: _save(docx.Document()), "no paragraph styled Heading 1"),
    ],
)
def test_hostile_or_empty_word_files_are_refused(app, make, reason):
    before = counts()
    with pytest.raises(ImportRefused) as refused:
        _import(make(), "hostile", limit=100_000)
    assert reason in str(refused.value)
    db.session.rollback()
    assert counts() == before


def test_tracked_changes_in_an_authentic_import_are_refused(app):
    document = _authentic_document()
    paragraph = document.add_paragraph()
    docx_tracked.append_tracked_runs(
        paragraph,
        word_diff("old words", "new words"),
        author="A",
        date=datetime(2026, 1, 1, tzinfo=UTC),
    )
    with pytest.raises(ImportRefused) as refused:
        _import(_save(document), "tracked")
    assert "accept or reject them" in str(refused.value)


# --------------------------------------------------------------------------- tracked changes


OLD = "The Customs shall designate the offices where goods may be cleared."
NEW = "Customs shall designate, and publish, the offices where goods may be produced or cleared."


def test_tracked_changes_round_trip_with_author_and_date():
    when = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    later = datetime(2026, 3, 2, tzinfo=UTC)
    data = docx_tracked.tracked_document(
        [
            ("Standard 3.1", word_diff(OLD, NEW), "Austria", when),
            (
                "Standard 3.2",
                word_diff("One line.\nTwo.", "One line.\nTwo lines."),
                "Canada",
                later,
            ),
        ],
        title="Compilation",
    )
    document = docx.Document(io.BytesIO(data))
    body = document.element.body
    ins, dels = list(body.iter(qn("w:ins"))), list(body.iter(qn("w:del")))
    assert ins
    assert dels
    ids = [e.get(qn("w:id")) for e in ins + dels]
    assert len(ids) == len(set(ids))
    assert {e.get(qn("w:author")) for e in ins + dels} == {"Austria", "Canada"}
    assert all(d.find(".//" + qn("w:delText")) is not None for d in dels)

    first, second = docx_tracked.read_tracked(data, "c.docx", limit=LIMIT)
    assert (first.old_text, first.new_text, first.author, first.date) == (OLD, NEW, "Austria", when)
    assert first.number == 3
    assert {c.op for c in first.changes} == {Op.INSERT, Op.DELETE}
    assert (second.old_text, second.new_text, second.author, second.date) == (
        "One line.\nTwo.",
        "One line.\nTwo lines.",
        "Canada",
        later,
    )


def test_several_authors_in_one_paragraph_are_all_named():
    document = docx.Document()
    paragraph = document.add_paragraph()
    docx_tracked.append_tracked_runs(
        paragraph,
        word_diff("a b c", "a x c"),
        author="Austria",
        date=datetime(2026, 1, 1, tzinfo=UTC),
    )
    docx_tracked.append_tracked_runs(
        paragraph, word_diff("", " d"), author="Canada", date=datetime(2026, 1, 2, tzinfo=UTC)
    )
    [tracked] = docx_tracked.tracked_paragraphs(docx.Document(io.BytesIO(_save(document))))
    assert tracked.authors == ("Austria", "Canada")
    assert (tracked.old_text, tracked.new_text) == ("a b c", "a x c d")


def test_libreoffice_converts_every_exported_document_to_pdf(app, tmp_path):
    """Every kind of .docx rkc writes: an edition, a chapter (published and of a working
    draft), the Guidelines, a compilation of amendments with tracked changes, a redline."""
    people = create_people()
    compiled_amendments(people)
    reader = user(people["observer"])
    compilation = amendment_queries.compilation(
        edition("rkc", "review-draft"), amendment_queries.AmendmentFilter(), reader
    )
    files = {
        "edition.docx": _export("rkc", "2006"),
        "chapter.docx": _export("rkc", "2006", "ga/3"),
        "draft-chapter.docx": _export("rkc", "review-draft", "ga/3"),
        "guidelines.docx": _export("guidelines", "2006", "gl-ga-3"),
        "compilation.docx": compilation_file(compilation, "docx", generated_at=utcnow())[0],
        "tracked.docx": docx_tracked.tracked_document(
            [("Standard 3.1", word_diff(OLD, NEW), "Austria", datetime(2026, 3, 1, tzinfo=UTC))],
            title="Compilation",
        ),
    }
    pdfs = libreoffice(tmp_path, files)

    def text(name: str) -> str:
        return "".join(page.extract_text() for page in PdfReader(pdfs[name]).pages)

    for name in files:
        assert text(name).strip(), name
    chapter = text("chapter.docx")
    assert "Standard 3.1" in chapter
    assert "{#" not in chapter  # hidden keys stay hidden
    assert "Page 1 of" in chapter
    assert "publish" in text("tracked.docx")
    compiled = text("compilation.docx")
    modify = next(
        c.amendment
        for g in compilation.groups
        for c in g.changes
        if c.amendment.node_id and c.amendment.action.value == "modify"
    )
    assert f"{modify.number} — {modify.party.name}" in compiled
    assert "inland clearance offices" in compiled  # an insertion, shown as a change
    assert "Page 1 of" in compiled
