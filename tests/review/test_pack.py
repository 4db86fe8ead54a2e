"""The meeting pack: the agenda and the documents the reader may see, one PDF, per level.

Each document carries a word of its own, so the pack's text says which documents are in it;
a Word document is converted by the real LibreOffice, and a conversion that fails leaves a
page naming the document.
"""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from rkc.audit import Actor, acting_as
from rkc.extensions import db
from rkc.interchange.pdf import to_pdf
from rkc.review import operations as ops
from rkc.review.models import Document, Meeting

from ..helpers import create_people, log_in
from .fixtures import body, docx_bytes, review_context

#: level -> the word its document carries.
WORDS = {
    "public": "Publicwordalpha",
    "parties_and_observers": "Observerwordbravo",
    "parties": "Partieswordcharlie",
    "secretariat": "Secretariatworddelta",
}
#: role -> the levels it reads.
READS = {
    "anonymous": ("public",),
    "observer": ("public", "parties_and_observers"),
    "admin": ("public", "parties_and_observers"),
    "delegate_a": ("public", "parties_and_observers", "parties"),
    "secretariat": ("public", "parties_and_observers", "parties", "secretariat"),
}


def _pdf(word: str) -> bytes:
    return to_pdf(f"<!doctype html><html><body><p>{word}</p></body></html>")


@pytest.fixture
def world(small_app):
    people = create_people()
    ctx = review_context()
    meeting = db.session.get(Meeting, ctx["meeting_id"])
    symbols = {}
    with acting_as(Actor(None, "test-setup", "system")):
        for level, word in WORDS.items():
            word_file = level == "parties"
            document = ops.register_document(
                body(),
                title=f"Paper {level}",
                language="en",
                data=docx_bytes(word) if word_file else _pdf(word),
                filename="paper.docx" if word_file else "paper.pdf",
                meeting=meeting,
                level=level,
            )
            symbols[level] = document.symbol
            ctx[f"{level}_id"] = document.id
    db.session.commit()
    return {**ctx, "people": people, "symbols": symbols}


def _client(app, people, role):  # type: ignore[no-untyped-def]
    client = app.test_client()
    if role != "anonymous":
        assert log_in(client, people[role].username).status_code == 302
    return client


def _read(response) -> tuple[str, list[str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.get_data()))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return text, [item.title for item in reader.outline]


@pytest.mark.parametrize("role", list(READS))
def test_a_reader_gets_the_documents_of_their_level_and_none_above(small_app, world, role):
    client = _client(small_app, world["people"], role)
    text, outline = _read(client.get(f"/meetings/{world['meeting_id']}/pack.pdf"))
    assert outline[0] == "Agenda"
    assert "Adoption of the agenda" in text
    for level, word in WORDS.items():
        readable = level in READS[role]
        assert (word in text) is readable, (role, level)
        symbol = world["symbols"][level]
        assert any(symbol in title for title in outline) is readable, (role, level)


def test_a_word_file_that_cannot_be_converted_is_a_page_naming_it(small_app, world):
    small_app.config["SOFFICE_BINARY"] = "/bin/false"
    client = _client(small_app, world["people"], "delegate_a")
    text, outline = _read(client.get(f"/meetings/{world['meeting_id']}/pack.pdf"))
    symbol = world["symbols"]["parties"]
    assert WORDS["parties"] not in text
    assert f"{symbol}" in text
    assert "could not be converted" in text
    assert any(symbol in title for title in outline)


def test_the_pack_is_kept_per_level_and_a_revision_makes_a_new_one(small_app, world):
    small_app.config["SOFFICE_BINARY"] = "/bin/false"  # no conversion needed here
    url = f"/meetings/{world['meeting_id']}/pack.pdf"
    observer = _client(small_app, world["people"], "observer")
    first = observer.get(url)
    again = observer.get(url)
    assert first.get_data() == again.get_data()
    assert first.headers["ETag"] == again.headers["ETag"]
    assert observer.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    # Another level is another file.
    delegate = _client(small_app, world["people"], "delegate_a")
    assert delegate.get(url).headers["ETag"] != first.headers["ETag"]
    # A revision: the new version replaces the old one in a new pack.
    with acting_as(Actor(None, "test-setup", "system")):
        document = db.session.get(Document, world["parties_and_observers_id"])
        ops.revise(document, title="Paper, revised", data=_pdf("Revisedwordecho"), filename="r.pdf")
    db.session.commit()
    text, _outline = _read(observer.get(url))
    assert "Revisedwordecho" in text
    assert WORDS["parties_and_observers"] not in text
    assert observer.get(url).headers["ETag"] != first.headers["ETag"]
