"""Word and PDF side by side (issue 13 item 6): English left, French right, one row per unit,
from the web (`?lang=en,fr`), the command line (`--language en,fr`) and the reading page."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pytest
from flask import Flask
from pypdf import PdfReader

from rkc.audit import Actor, acting_as
from rkc.convention import operations as text_store
from rkc.convention import queries
from rkc.extensions import db
from rkc.interchange import derived
from tests.helpers import create_people, log_in

from .helpers import edition, libreoffice

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ENGLISH_31 = "The Customs shall designate the Customs offices"
FRENCH_31 = "La douane désigne les bureaux de douane"
ENGLISH_32 = "When they settle what each Customs office is competent for"
FRENCH_32 = "Pour fixer la compétence de chaque bureau de douane"
ENGLISH_E1 = "The means by which a person who is directly affected"
FRENCH_E1 = "Le moyen par lequel une personne directement touchée"
HIDDEN_KEY = re.compile(r"\{#([^ }]+)")


def _files(app: Flask) -> list[Path]:
    root = Path(app.instance_path) / "derived"
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.name.endswith(".lock"))


def _table(data: bytes) -> list[list[str]]:
    """The one table of a side-by-side Word file, as rows of cell texts."""
    document = docx.Document(io.BytesIO(data))
    assert len(document.tables) == 1
    table = document.tables[0]
    assert len(table.columns) == 2
    return [[cell.text for cell in row.cells] for row in table.rows]


def _unit_rows(rows: list[list[str]]) -> dict[str, list[str]]:
    """The rows that hold units, by the key each of their two cells names (hidden text)."""
    found = {}
    for row in rows:
        keys = [HIDDEN_KEY.search(text) for text in row]
        if any(keys):
            assert all(keys), row
            left, right = (k.group(1) for k in keys if k)
            assert left == right, "a row pairs the same unit in both languages"
            found[left] = row
    return found


def test_word_side_by_side_pairs_the_definitions_of_chapter_2(client):
    response = client.get("/w/rkc/export.docx?edition=2006&node=ga/2&lang=en,fr")
    assert response.status_code == 200
    assert response.mimetype == DOCX_TYPE
    assert "rkc-2006-ga-2-en-fr.docx" in response.headers["Content-Disposition"]
    rows = _table(response.data)
    assert rows[0] == ["English", "Français"]
    assert rows[1][0].startswith("Unofficial working text.")
    assert rows[1][1].startswith("Texte de travail non officiel.")
    units = _unit_rows(rows)
    chapter = len(queries.subtree(edition("rkc", "2006"), _entry("ga/2")))
    assert len(units) == chapter, "one row per unit"
    appeal = next(row for row in units.values() if ENGLISH_E1 in row[0])
    english, french = appeal
    assert english.startswith("Definition E1/F23: appeal")
    assert french.startswith("Définition F23/E1: recours")
    assert FRENCH_E1 in french
    assert FRENCH_E1 not in english
    # The French column follows the English order of the rows, each row its own pair.
    order = [row[0].split(":")[0] for row in units.values() if row[0].startswith("Definition")]
    assert order[:3] == ["Definition E1/F23", "Definition E2/F19", "Definition E3/F4"]
    # Each column's runs say their language (spelling in Word and LibreOffice).
    document = docx.Document(io.BytesIO(response.data))
    right = document.tables[0].rows[3].cells[1].paragraphs[0].runs[0]._r
    assert right.xpath("./w:rPr/w:lang/@w:val") == ["fr-FR"]


def _entry(key: str):  # type: ignore[no-untyped-def]
    return queries.entry_of(edition("rkc", "2006"), queries.node_by_key(key))


def test_the_command_line_writes_chapter_3_side_by_side_and_libreoffice_opens_it(app, tmp_path):
    target = tmp_path / "ga3.docx"
    runner = app.test_cli_runner()
    args = ["export", "docx", "--edition", "2006", "--node", "ga/3", "--language", "en,fr"]
    result = runner.invoke(args=[*args, str(target)])
    assert result.exit_code == 0, result.output
    units = _unit_rows(_table(target.read_bytes()))
    english, french = units["ga/3/3.1"]
    assert english.startswith("Standard 3.1")
    assert ENGLISH_31 in english
    assert french.startswith("Norme 3.1")
    assert FRENCH_31 in french
    assert ENGLISH_32 in units["ga/3/3.2"][0]
    assert FRENCH_32 in units["ga/3/3.2"][1]
    # A real Word file: LibreOffice converts it, hidden keys stay hidden.
    converted = libreoffice(tmp_path / "lo", {"ga3.docx": target.read_bytes()})["ga3.docx"]
    text = " ".join(page.extract_text() for page in PdfReader(converted).pages)
    flat = " ".join(text.split())
    for words in (ENGLISH_31, FRENCH_31, "Norme 3.1", "Standard 3.1", "Français"):
        assert words in flat, words
    assert "{#" not in text
    assert "Page 1 of" in flat
    # French left, English right when asked so.
    swapped = tmp_path / "swapped.docx"
    assert runner.invoke(args=[*args[:-1], "fr,en", str(swapped)]).exit_code == 0
    rows = _table(swapped.read_bytes())
    assert rows[0] == ["Français", "English"]
    assert FRENCH_31 in _unit_rows(rows)["ga/3/3.1"][0]


def test_the_pdf_holds_both_texts_in_order(client):
    response = client.get("/w/rkc/export.pdf?edition=2006&node=ga/3&lang=en,fr")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "rkc-2006-ga-3-en-fr.pdf" in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for words in (ENGLISH_31, FRENCH_31, ENGLISH_32, FRENCH_32):
        assert words in text, words
    assert text.index(ENGLISH_31) < text.index(ENGLISH_32)
    assert text.index(FRENCH_31) < text.index(FRENCH_32)
    # Row by row: Standard 3.1 in both languages comes before Standard 3.2 in either.
    assert max(text.index(ENGLISH_31), text.index(FRENCH_31)) < min(
        text.index(ENGLISH_32), text.index(FRENCH_32)
    )
    # Numbers and kinds in each language (the kind words are set in capitals).
    for words in ("Chapter 3", "Chapitre 3", "3.1 STANDARD", "3.1 NORME", "English", "Français"):
        assert words in text, words
    assert "Unofficial working text." in text
    assert "Texte de travail non officiel." in text


def test_each_language_and_the_pair_have_their_own_cache_entry(app, client):
    base = "/w/rkc/export.docx?edition=2006&node=ga/3"
    answers = {
        lang: client.get(base + (f"&lang={lang}" if lang else ""))
        for lang in ("", "fr", "en,fr", "fr,en")
    }
    assert all(a.status_code == 200 for a in answers.values())
    etags = {a.headers["ETag"] for a in answers.values()}
    assert len(etags) == 4
    assert len(_files(app)) == 4
    again = client.get(
        base + "&lang=en,fr", headers={"If-None-Match": answers["en,fr"].headers["ETag"]}
    )
    assert again.status_code == 304
    assert len(_files(app)) == 4
    # The keys, as `rkc derived warm` makes them.
    the_edition, node = edition("rkc", "2006"), queries.node_by_key("ga/3")
    keys = {
        derived.edition_recipe(the_edition, "pdf", node, "en").key,
        derived.edition_recipe(the_edition, "pdf", node, "fr").key,
        derived.side_by_side_recipe(the_edition, "pdf", node, ("en", "fr")).key,
        derived.side_by_side_recipe(the_edition, "docx", node, ("en", "fr")).key,
    }
    assert len(keys) == 4
    warmed = [name for name, _ in derived.published_recipes() if name.endswith("en,fr")]
    assert "rkc 2006 docx en,fr" in warmed
    assert "rkc 2006 pdf en,fr" in warmed


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
@pytest.mark.parametrize("value", ["fr,de", "en,en", "en,fr,en", "de", "<b>,fr"])
def test_an_unknown_combination_is_a_400_naming_lang_and_nothing_is_stored(app, client, fmt, value):
    response = client.get(
        f"/w/rkc/export.{fmt}", query_string={"edition": "2006", "node": "ga/3", "lang": value}
    )
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "lang" in body
    assert "<b>" not in body
    assert _files(app) == []


@pytest.mark.parametrize("fmt", ["akn", "zip"])
def test_akoma_ntoso_and_the_corpus_have_no_side_by_side(app, client, fmt):
    response = client.get(f"/w/rkc/export.{fmt}?edition=2006&lang=en,fr")
    assert response.status_code == 400
    assert "lang" in response.get_data(as_text=True)
    assert _files(app) == []


def test_a_work_held_in_english_only_offers_no_side_by_side(small_app, tmp_path):
    client = small_app.test_client()
    for fmt in ("docx", "pdf"):
        response = client.get(f"/w/rkc/export.{fmt}?edition=2006&node=ga/3&lang=en,fr")
        assert response.status_code == 400
        body = response.get_data(as_text=True)
        assert "lang" in body
        assert "Français" in body
    assert _files(small_app) == []
    page = client.get("/n/ga/3?lang=en,fr").get_data(as_text=True)
    assert "Side by side:" not in page.split('class="downloads"')[1].split("</p>")[0]
    target = tmp_path / "x.pdf"
    result = small_app.test_cli_runner().invoke(
        args=["export", "pdf", "--edition", "2006", "--language", "en,fr", str(target)]
    )
    assert result.exit_code != 0
    assert "--language" in result.output
    assert not target.exists()


def test_the_side_by_side_reading_pages_link_their_files(client):
    html = client.get("/n/ga/3?lang=en,fr").get_data(as_text=True)
    downloads = html.split('class="downloads"')[1].split("</p>")[0]
    for fmt in ("pdf", "docx"):
        assert re.search(
            rf"/w/rkc/export\.{fmt}\?edition=2006&amp;node=ga/3&amp;lang=en(,|%2C)fr", downloads
        ), fmt
    whole = client.get("/w/rkc?lang=fr,en").get_data(as_text=True)
    assert re.search(r"/w/rkc/export\.pdf\?edition=2006&amp;lang=fr(,|%2C)en", whole)
    single = client.get("/n/ga/3?lang=fr").get_data(as_text=True)
    assert "Side by side:" not in single.split('class="downloads"')[1].split("</p>")[0]


def test_a_working_draft_side_by_side_is_built_for_members_and_never_kept(app, client):
    create_people()
    url = "/w/rkc/export.pdf?edition=review-draft&node=ga/3/3.1&lang=en,fr"
    assert client.get(url).status_code == 404  # the public does not see working drafts
    log_in(client, "delegate-a")
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert FRENCH_31 in " ".join(text.split())
    assert _files(app) == []


def test_a_unit_with_no_french_text_keeps_its_row_marked_in_the_french_column(app, client):
    draft = edition("rkc", "review-draft")
    standard = queries.node_by_key("ga/3/3.1")
    section = queries.ancestors(draft, queries.entry_of(draft, standard))[-1]
    with acting_as(Actor(None, "test", "system")):
        text_store.insert_node(
            draft,
            key="ga/3/3.99",
            parent=queries.node_by_key(section.key),
            after=standard,
            kind="standard",
            number="3.99",
            title=None,
            text="Only in the English of the working draft.",
        )
    db.session.commit()
    create_people()
    log_in(client, "delegate-a")
    response = client.get("/w/rkc/export.docx?edition=review-draft&node=ga/3&lang=en,fr")
    assert response.status_code == 200
    rows = _table(response.data)
    lonely = next(row for row in rows if "Only in the English" in row[0])
    assert lonely[1] == "Pas de texte français pour cette unité."
    # It stands after Standard 3.1, as in the English text; the pairs around it stay pairs.
    index = rows.index(lonely)
    assert ENGLISH_31 in rows[index - 1][0]
    assert FRENCH_31 in rows[index - 1][1]
    pdf_answer = client.get("/w/rkc/export.pdf?edition=review-draft&node=ga/3&lang=en,fr")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_answer.data)).pages)
    assert "Pas de texte français pour cette unité." in " ".join(text.split())
    assert _files(app) == []
