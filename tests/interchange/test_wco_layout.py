"""The authentic text as the WCO lays it out: headings in its own forms, checked numbering,
explicit partial imports, the authentic flag."""

from __future__ import annotations

import io
import re

import docx
import pytest

from rkc.audit import acting_as
from rkc.convention import queries
from rkc.extensions import db
from rkc.interchange.operations import import_file
from rkc.interchange.outline import read_heading
from rkc.interchange.report import ImportRefused

from ..helpers import create_people, csrf_token, log_in
from . import wco
from .helpers import SECRETARIAT, counts, edition, stored

LIMIT = 20 * 1024 * 1024


def _import(data: bytes, slug: str, base: str = "2006", fmt: str = "docx", **kwargs):  # type: ignore[no-untyped-def]
    with acting_as(SECRETARIAT):
        return import_file(
            queries.work_by_key("rkc"),
            fmt,
            data,
            source=f"wco.{fmt}",
            base=edition("rkc", base),
            slug=slug,
            title=f"Imported {slug}",
            limit=LIMIT,
            **kwargs,
        )


def _document(*paragraphs: tuple[str, str]) -> bytes:
    """A Word file of (style, text) paragraphs, after a title the importer skips."""
    document = docx.Document()
    document.add_paragraph("General Annex", style="Title")
    for style, text in paragraphs:
        document.add_paragraph(text, style=style)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _refused(data: bytes, **kwargs) -> ImportRefused:  # type: ignore[no-untyped-def]
    before = counts()
    with pytest.raises(ImportRefused) as refused:
        _import(data, "refused", **kwargs)
    db.session.rollback()
    assert counts() == before  # nothing stored
    return refused.value


# --------------------------------------------------------------------------- headings


@pytest.mark.parametrize(
    ("printed", "corpus"),
    [
        ("4.1. Standard", "Standard 4.1"),
        ("4.1 Standard", "Standard 4.1"),
        ("Standard 4.1.", "Standard 4.1"),
        ("Standard 4.1", "Standard 4.1"),
        ("standard 6.1", "Standard 6.1"),
        ("STANDARD 6.1.", "Standard 6.1"),
        ("3.5. Transitional Standard", "Transitional Standard 3.5"),
        ("Norme 4.1", "Standard 4.1"),
        ("4.1. Norme", "Standard 4.1"),
        ("Norme transitoire 3.5.", "Transitional Standard 3.5"),
        ("6. Pratique recommandée", "Recommended Practice 6"),
        ("Recommended Practice 6", "Recommended Practice 6"),
        ("A. RIGHT OF APPEAL", "Section A: RIGHT OF APPEAL"),
        ("Section A — Right of appeal", "Section A: Right of appeal"),
        ("E1./F23.", "Definition E1/F23"),
        ("Definition E1./F23.", "Definition E1/F23"),
        ("Définition E1./F23. « recours »", "Definition E1/F23: recours"),
        ("CHAPTER 4", "Chapter 4"),
        ("Chapitre 4", "Chapter 4"),
        ("Chapter 1 — Customs transit", "Chapter 1: Customs transit"),
        ("CHAPTER 4: DUTIES AND TAXES", "Chapter 4: DUTIES AND TAXES"),
        ("GENERAL ANNEX", "Annex: General Annex"),
        ("Annexe générale", "Annex: Annexe générale"),
        ("SPECIFIC ANNEX E", "Annex E"),
        ("Annexe spécifique E", "Annex E"),
        ("Article 6", "Article 6"),
        ("Notes", "Note"),
        ("Principle", "Section: Principle"),
        ("Standard 3.1 {#ga/3/3.1}", "Standard 3.1 {#ga/3/3.1}"),
        ("Definition E1/F23: appeal {#ga/2/e1}", "Definition E1/F23: appeal {#ga/2/e1}"),
    ],
)
def test_headings_in_the_wcos_forms_read_as_corpus_headings(printed, corpus):
    heading = read_heading(printed)
    assert heading is not None
    assert heading.line() == corpus


@pytest.mark.parametrize("text", ["Clause 9", "9 Clause", "3.1"])
def test_a_heading_that_names_no_kind_is_not_guessed(text):
    assert read_heading(text) is None


# --------------------------------------------------------------------------- whole text


def test_the_whole_convention_in_the_wcos_word_layout_imports_back_exactly(app):
    """Every unit recognised with the corpus's number, kind, key, title and text (100%)."""
    data = wco.word(wco.corpus_snapshot())
    summary = _import(data, "wco-word")
    db.session.commit()
    imported = stored(edition("rkc", "wco-word"))
    corpus = stored(edition("rkc", "2006"))
    exact = sum(1 for row in imported if row in set(corpus))
    assert exact == len(corpus) == len(imported)
    assert (summary.added, summary.changed, summary.removed, summary.kept) == (0, 0, 0, 0)


def test_one_chapter_replaces_that_chapter_and_keeps_the_rest(app):
    snap = wco.corpus_snapshot("ga/4")
    summary = _import(wco.word(snap), "chapter-4")
    db.session.commit()
    assert [(c.key, c.label) for c in summary.chapters] == [("ga/4", "General Annex, Chapter 4")]
    assert summary.chapters[0].unchanged == summary.unchanged > 10
    assert (summary.added, summary.changed, summary.removed) == (0, 0, 0)
    assert stored(edition("rkc", "chapter-4")) == stored(edition("rkc", "2006"))


def test_an_annex_alone_keeps_the_body_and_the_other_annexes(app):
    """The defect of the issue: a file holding only the General Annex dropped 885 units."""
    document = docx.Document(io.BytesIO(wco.word(wco.corpus_snapshot("ga"))))
    standard = next(p for p in document.paragraphs if p.text == "4.2. Standard")
    text = standard._p.getnext()
    for run in text.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"):
        run.text = "Amended: " + run.text
        break
    buffer = io.BytesIO()
    document.save(buffer)
    summary = _import(buffer.getvalue(), "ga-only")
    db.session.commit()
    assert summary.removed == 0
    assert summary.kept > 500
    by_chapter = {c.key: c for c in summary.chapters}
    assert by_chapter["ga/4"].changed == 1
    assert by_chapter["ga/3"].changed == 0
    assert "ga/4" in {c.key for c in summary.chapters if c.changed}
    rows = stored(edition("rkc", "ga-only"))
    assert any(key.startswith("sa-e/") for key, *_ in rows)
    assert any(key.startswith("body/") for key, *_ in rows)


def test_replacing_the_whole_work_is_a_named_choice(app):
    summary = _import(wco.word(wco.corpus_snapshot("ga")), "ga-whole", replace_work=True)
    db.session.commit()
    assert summary.replace_work
    assert summary.kept == 0
    assert summary.removed > 500
    removed = {c.key: c.removed for c in summary.chapters if c.removed}
    assert "sa-e/1" in removed
    assert "body/preamble" in removed or "body/i" in removed
    keys = {row[0] for row in stored(edition("rkc", "ga-whole"))}
    assert not any(k.startswith("sa-") for k in keys)


def test_replacing_the_whole_work_from_a_chapter_is_refused(app):
    refused = _refused(wco.word(wco.corpus_snapshot("ga/4")), replace_work=True)
    assert "part of the work, not the whole of it" in str(refused)


# --------------------------------------------------------------------------- structure


def _chapter_6(*provisions: tuple[str, str]) -> bytes:
    paragraphs: list[tuple[str, str]] = [
        ("Heading 1", "GENERAL ANNEX"),
        ("Heading 2", "CHAPTER 6"),
        ("Heading 2", "CUSTOMS CONTROL"),
    ]
    for heading, text in provisions:
        paragraphs += [("Heading 3", heading), ("Normal", text)]
    return _document(*paragraphs)


def test_a_number_of_another_chapter_is_an_error_named_by_paragraph(app):
    refused = _refused(_chapter_6(("6.1. Standard", "First."), ("4.1. Standard", "Misplaced.")))
    [finding] = [f for f in refused.findings if "Chapter 4" in f.reason]
    assert finding.where == "paragraph 7"  # the title, then GA, CHAPTER 6, its title, 6.1, text
    assert "stands in Chapter 6" in finding.reason
    assert "renumber it 6.1" in finding.reason
    assert "» 4.1. Standard «" in finding.context
    assert "6.1. Standard" in finding.context
    assert not finding.warning


def test_a_duplicate_is_named_by_both_paragraphs_not_a_markdown_line(app):
    refused = _refused(_chapter_6(("6.1. Standard", "One."), ("Standard 6.1", "Two.")))
    [finding] = [f for f in refused.findings if "already stands" in f.reason]
    assert finding.where == "paragraph 7"
    assert "at paragraph 5" in finding.reason
    assert "line" not in finding.reason


def test_a_gap_is_a_warning_the_user_may_accept(app):
    data = _chapter_6(("6.1. Standard", "One."), ("6.3. Standard", "Three."))
    refused = _refused(data)
    assert refused.only_warnings
    [finding] = refused.findings
    assert finding.where == "paragraph 7"
    assert "a gap in the numbering" in finding.reason
    assert "expected number 2" in finding.reason
    assert finding.context.startswith("6.1. Standard | » 6.3. Standard «")
    summary = _import(data, "gap-accepted", accept_warnings=True)
    db.session.commit()
    assert [f.reason for f in summary.warnings] == [finding.reason]
    keys = [row[0] for row in stored(edition("rkc", "gap-accepted"), "ga/6")]
    assert keys == ["ga/6", "ga/6/6.1", "ga/6/6.3"]


def test_a_kind_that_changed_against_the_base_is_a_warning(app):
    kinds = {i.key: i.kind for i in queries.contents(edition("rkc", "2006"))}
    assert kinds["ga/3/3.5"] == "transitional_standard"
    paragraphs = [("Heading 1", "GENERAL ANNEX"), ("Heading 2", "CHAPTER 3")]
    paragraphs += [("Heading 2", "CLEARANCE AND OTHER CUSTOMS FORMALITIES")]
    paragraphs += [("Heading 3", "A. COMPETENT CUSTOMS OFFICES AND THEIR HOURS OF BUSINESS")]
    for number in range(1, 6):
        paragraphs += [("Heading 4", f"3.{number}. Standard"), ("Normal", "Text.")]
    refused = _refused(_document(*paragraphs))
    [finding] = refused.findings
    assert finding.warning
    assert "Standard 3.5 was a Transitional Standard in '2006'" in finding.reason
    assert finding.where == "paragraph 14"


def test_standard_4_1_under_chapter_6_is_not_stored_as_ga_6_4_1(app):
    refused = _refused(_chapter_6(("Standard 4.1", "Misplaced.")))
    assert any("numbered for Chapter 4" in f.reason for f in refused.findings)


def test_a_chapter_without_its_annex_gets_the_keys_that_would_do(app):
    refused = _refused(_document(("Heading 1", "CHAPTER 4"), ("Normal", "Intro.")))
    [finding] = refused.findings
    assert finding.where == "paragraph 2"
    assert finding.reason.startswith("which Chapter 4 is this?")
    assert "{#ga/4} (Duties and taxes)" in finding.reason
    assert "{#sa-j/4} (Stores)" in finding.reason
    assert "{#ga}" not in finding.reason  # the old message suggested the General Annex's key


def test_lower_case_and_french_kinds_import_to_the_corpus_keys(app):
    data = _chapter_6(
        ("standard 6.1", "Un."),
        ("Norme 6.2.", "Deux."),
        ("6.3. Norme", "Trois."),
    )
    summary = _import(data, "french-kinds", accept_warnings=True)
    db.session.commit()
    rows = {row[0]: row for row in stored(edition("rkc", "french-kinds"), "ga/6")}
    assert [rows[k][5] for k in ("ga/6/6.1", "ga/6/6.2", "ga/6/6.3")] == ["Un.", "Deux.", "Trois."]
    assert rows["ga/6"][4] == "Customs control"  # the capitals take the base's spelling
    chapters = {c.key: c for c in summary.chapters}
    assert chapters["ga/6"].removed > 0  # chapter 6 had more Standards
    assert (chapters["ga"].unchanged, chapters["ga"].changed) == (1, 0)


def test_definitions_numbered_the_wcos_way_get_the_corpus_keys(app):
    data = _document(
        ("Heading 1", "GENERAL ANNEX"),
        ("Heading 2", "CHAPTER 2"),
        ("Heading 2", "DEFINITIONS"),
        ("Heading 3", "E1./F23."),
        ("Normal", "“appeal”: The step by which a person asks for redress."),
        ("Heading 3", "Definition E2./F19."),
        ("Normal", '"assessment of duties and taxes" means working out the amount.'),
    )
    _import(data, "definitions", accept_warnings=True)
    db.session.commit()
    rows = {row[0]: row for row in stored(edition("rkc", "definitions"), "ga/2")}
    assert rows["ga/2/e1"][2:6] == (
        "E1",
        "F23",
        "appeal",
        "The step by which a person asks for redress.",
    )
    assert rows["ga/2/e2"][4:6] == (
        "assessment of duties and taxes",
        "means working out the amount.",
    )
    assert "ga/2/e1." not in rows


# --------------------------------------------------------------------------- authentic


def test_an_authentic_import_shows_authentic_text_instead_of_the_banner(app, client):
    summary = _import(
        wco.word(wco.corpus_snapshot()), "authentic-en", is_authentic=True, replace_work=True
    )
    db.session.commit()
    draft = summary.edition
    assert draft.authentic_languages == "en"
    assert draft.authentic_in("en")
    assert not draft.authentic_in("fr")
    assert not edition("rkc", "2006").authentic_in("en")
    create_people()
    log_in(client, "secretariat")
    page = client.get("/w/rkc?edition=authentic-en").get_data(as_text=True)
    assert "<strong>Authentic text</strong> (English)" in page
    assert 'class="unofficial"' not in page
    published = client.get("/w/rkc?edition=2006").get_data(as_text=True)
    assert 'class="unofficial"' in published
    assert "<strong>Authentic text</strong>" not in published


# --------------------------------------------------------------------------- web


def _secretariat(client):  # type: ignore[no-untyped-def]
    create_people()
    log_in(client, "secretariat")
    return client


def _post(client, slug: str, *, data: bytes | None = None, **fields):  # type: ignore[no-untyped-def]
    form = {
        "csrf_token": csrf_token(client, "/w/rkc/import"),
        "format": "docx",
        "base": "2006",
        "slug": slug,
        "title": f"Imported {slug}",
        "language": "en",
        **fields,
    }
    if data is not None:
        form["file"] = (io.BytesIO(data), "chapter-6.docx")
    return client.post("/w/rkc/import", data=form, content_type="multipart/form-data")


def test_the_web_import_reports_warnings_with_context_and_stores_once_accepted(client):
    _secretariat(client)
    data = _chapter_6(("6.1. Standard", "One."), ("6.3. Standard", "Three."))
    before = counts()
    refused = _post(client, "gap", data=data)
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "1 warning to accept or fix; nothing was stored" in page
    assert "paragraph 7" in page
    assert "a gap in the numbering" in page
    assert "» 6.3. Standard «" in page
    db.session.rollback()
    assert counts() == before
    accepted = _post(client, "gap", data=data, accept_warnings="y")
    assert accepted.status_code == 302
    db.session.rollback()
    keys = [row[0] for row in stored(edition("rkc", "gap"), "ga/6")]
    assert keys == ["ga/6", "ga/6/6.1", "ga/6/6.3"]
    assert any(k.startswith("sa-e/") for k, *_ in stored(edition("rkc", "gap")))


def test_the_web_preview_stores_nothing_then_imports_the_kept_file(client):
    _secretariat(client)
    before = counts()
    preview = _post(client, "previewed", data=wco.word(wco.corpus_snapshot("ga/4")), preview="1")
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "Preview: nothing is stored yet" in page
    assert "General Annex, Chapter 4" in page
    db.session.rollback()
    assert counts() == before
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page)
    assert token is not None
    assert _post(client, "forged", token="x" * 32).status_code == 400
    stored_now = _post(client, "previewed", token=token.group(1), **{"import": "1"})
    assert stored_now.status_code == 302
    db.session.rollback()
    assert stored(edition("rkc", "previewed")) == stored(edition("rkc", "2006"))
    again = _post(client, "again", token=token.group(1), **{"import": "1"})
    assert again.status_code == 400  # the kept file was used up
    assert "no longer kept" in again.get_data(as_text=True)


def test_an_authentic_french_import_leaves_the_english_text_unofficial(app, client):
    summary = _import(
        wco.word(wco.corpus_snapshot(), french=True),
        "authentic-fr",
        is_authentic=True,
        language="fr",
        replace_work=True,
    )
    db.session.commit()
    assert summary.edition.authentic_languages == "fr"
    assert summary.edition.authentic_in("fr")
    assert not summary.edition.authentic_in("en")
    create_people()
    log_in(client, "secretariat")
    page = client.get("/w/rkc?edition=authentic-fr").get_data(as_text=True)
    assert 'class="unofficial"' in page  # the pages read the English text


def test_an_authentic_part_notes_that_the_rest_is_kept_from_the_base(app):
    summary = _import(wco.word(wco.corpus_snapshot("ga/4")), "authentic-4", is_authentic=True)
    db.session.commit()
    [note] = summary.notes
    assert "holds part of the work" in note
    assert summary.edition.authentic_in("en")
