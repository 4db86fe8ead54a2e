"""Download links and downloads; the Secretariat's import page."""

from __future__ import annotations

import io

from rkc.convention import queries
from rkc.extensions import db
from rkc.interchange import docx_export
from rkc.interchange.queries import snapshot

from ..helpers import create_people, csrf_token, log_in
from .helpers import counts, edition, stored


def test_reading_pages_link_every_download(client):
    work = client.get("/w/rkc").get_data(as_text=True)
    for fmt in ("pdf", "docx", "akn", "zip"):
        assert f"/w/rkc/export.{fmt}?edition=2006" in work
    chapter = client.get("/n/ga/3").get_data(as_text=True)
    assert "/w/rkc/export.docx?edition=2006&amp;node=ga/3" in chapter
    assert "export.zip" not in chapter
    # One published edition: nothing to compare yet, so no comparison to download.
    alone = client.get("/w/rkc/compare?node=ga/3").get_data(as_text=True)
    assert "compare.pdf" not in alone
    assert "Import a text" not in work
    # Two editions (a member sees the working draft): the comparison downloads as PDF.
    create_people()
    log_in(client, "delegate-a")
    compare = client.get("/w/rkc/compare?from=2006&to=review-draft&node=ga/3")
    assert compare.status_code == 200
    assert "/w/rkc/compare.pdf?from=2006&amp;to=review-draft&amp;node=ga/3" in compare.get_data(
        as_text=True
    )


def test_downloads_have_types_names_and_answer_conditional_gets(client):
    expected = {
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "pdf": "application/pdf",
        "akn": "application/akn+xml",
        "zip": "application/zip",
    }
    for fmt, mimetype in expected.items():
        node = "" if fmt == "zip" else "&node=ga/3"
        response = client.get(f"/w/rkc/export.{fmt}?edition=2006{node}")
        assert response.status_code == 200, fmt
        assert response.mimetype == mimetype
        assert response.headers["Content-Disposition"].startswith('attachment; filename="rkc-2006')
        etag = response.headers["ETag"]
        again = client.get(
            f"/w/rkc/export.{fmt}?edition=2006{node}", headers={"If-None-Match": etag}
        )
        assert again.status_code == 304
    assert client.get("/w/rkc/export.exe").status_code == 404
    assert client.get("/w/rkc/export.zip?node=ga/3").status_code == 404
    assert client.get("/w/rkc/compare.pdf?node=ga/3").mimetype == "application/pdf"


def test_working_drafts_download_for_members_only(client):
    assert client.get("/w/rkc/export.akn?edition=review-draft&node=ga/3").status_code == 404
    create_people()
    log_in(client, "delegate-a")
    response = client.get("/w/rkc/export.akn?edition=review-draft&node=ga/3")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]


def _secretariat(client):  # type: ignore[no-untyped-def]
    create_people()
    log_in(client, "secretariat")
    return client


def _post(client, data: bytes, name: str, fmt: str = "docx", slug: str = "imported"):  # type: ignore[no-untyped-def]
    return client.post(
        "/w/rkc/import",
        data={
            "csrf_token": csrf_token(client, "/w/rkc/import"),
            "file": (io.BytesIO(data), name),
            "format": fmt,
            "base": "2006",
            "slug": slug,
            "title": "Imported text",
        },
        content_type="multipart/form-data",
    )


def test_the_secretariat_imports_a_word_file_into_a_new_draft(client):
    _secretariat(client)
    page = client.get("/w/rkc/import").get_data(as_text=True)
    assert "How a Word document must be laid out" in page
    data = docx_export.export(snapshot(edition("rkc", "2006"), queries.node_by_key("ga/3")))
    response = _post(client, data, "chapter-3.docx")
    assert response.status_code == 302
    assert response.headers["Location"] == "/w/rkc?edition=imported"
    db.session.rollback()
    assert stored(edition("rkc", "imported")) == stored(edition("rkc", "2006"))
    assert "Import a text" in client.get("/w/rkc").get_data(as_text=True)


def test_a_refused_upload_shows_the_report_and_stores_nothing(client):
    _secretariat(client)
    before = counts()
    response = _post(client, b"this is not a word file", "notes.docx")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "1 problem; nothing was stored" in page
    assert "not a zip archive" in page
    response = _post(client, b"<akomaNtoso>\n<broken", "broken.xml", fmt="akn")
    assert response.status_code == 400
    assert "line 2" in response.get_data(as_text=True)
    db.session.rollback()
    assert counts() == before


def test_uploads_over_the_limits_are_reported(app, client):
    _secretariat(client)
    app.config["IMPORT_MAX_BYTES"] = 1000
    response = _post(client, b"x" * 2000, "big.docx")
    assert response.status_code == 400
    assert "files up to 1000 bytes are accepted" in response.get_data(as_text=True)
    token = csrf_token(client, "/w/rkc/import")
    app.config["MAX_CONTENT_LENGTH"] = 50_000
    response = client.post(
        "/w/rkc/import",
        data={"csrf_token": token, "file": (io.BytesIO(b"x" * 60_000), "huge.docx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "larger than" in page
    assert "Nothing was stored" in page


def test_delegates_may_not_import(client):
    create_people()
    log_in(client, "delegate-a")
    assert client.get("/w/rkc/import").status_code == 403
