"""The binding text as PDF and Word (issue 16, item 10), with reservations and deadlines."""

from __future__ import annotations

import io

import docx
import pypdf
from flask import current_app

from rkc.extensions import db
from rkc.parties import operations as ops

from .fixtures import make_party


def _world(app) -> None:  # type: ignore[no-untyped-def]
    # B1 in force after one acceptance, so that the reservation binds on the day asked.
    for config in (app.config, current_app.config):
        config["PARTY_RULES"] = {"chapter_acceptances_needed": 1}
    aut = make_party("AUT", "2004-04-29", name="Austria")
    ops.record_acceptance(aut, "sa-b/1", notified_on="2010-01-31")
    ops.record_reservation(
        aut, "sa-b/1/2", entered_on="2010-02-01", text="National law requires a paper copy."
    )
    ops.record_extension(aut, "ga/3/3.3", requested_on="2010-05", granted_on="2010-06", months=12)
    make_party("PAK", None, name="Pakistan")
    db.session.commit()


def _pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_pdf_holds_the_text_reservations_and_deadlines(small_app):
    _world(small_app)
    client = small_app.test_client()
    # 2012-02-29: leap day; B1 in force for Austria since 2010-04-30 (2010-01-31 + 3 months).
    response = client.get("/parties/AUT/binding.pdf?on=2012-02-29")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "rkc-binding-AUT-2012-02-29.pdf" in response.headers["Content-Disposition"]
    text = _pdf_text(response.data)
    assert "Text binding Austria on 2012-02-29" in text
    assert "Unofficial working text" in text
    assert "Reservation entered 2010-02-01" in text
    assert "National law requires a paper copy." in text
    # Standard 3.1: 36 months from 2006-02-03; Transitional Standard 3.3: 60 + 12 months.
    assert "Implementation deadline: 2009-02-03" in text
    assert "Implementation deadline: 2012-02-03 (extension of 12 months included)" in text
    # B1's Standard: 36 months from 2010-04-30.
    assert "Implementation deadline: 2013-04-30" in text
    assert "No implementation deadline while the reservation stands" in text
    # Its chapters: B1 is recorded, but no source says the list is complete.
    assert "B1; others unknown" in text


def test_word_holds_the_same(small_app):
    _world(small_app)
    response = small_app.test_client().get("/parties/AUT/binding.docx?on=2012-02-29")
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.data))
    paragraphs = [p.text for p in document.paragraphs]
    assert "Text binding Austria on 2012-02-29" in paragraphs
    assert any(p.startswith("Reservation entered 2010-02-01") for p in paragraphs)
    assert "Implementation deadline: 2013-04-30" in paragraphs
    cells = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert cells["Entry into force for the party"] == "2006-02-03 (computed)"
    assert cells["Specific Annex chapters binding it"] == "B1"


def test_a_party_with_no_recorded_date(small_app):
    _world(small_app)
    text = _pdf_text(small_app.test_client().get("/parties/PAK/binding.pdf?on=2024-02-29").data)
    assert "date not recorded" in text
    assert "no deadline can be computed" in text
    assert "possibly in force" in text


def test_bad_requests(small_app):
    _world(small_app)
    client = small_app.test_client()
    assert client.get("/parties/AUT/binding.exe?on=2012-02-29").status_code == 404
    assert client.get("/parties/AUT/binding.pdf?on=2012-02-30").status_code == 400
    assert client.get("/parties/AUT/binding.pdf?on=1999-01-01").status_code == 404
    assert client.get("/parties/XYZ/binding.docx").status_code == 404
