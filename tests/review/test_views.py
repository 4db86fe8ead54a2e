"""The review pages: who may read and write, CSRF, clear errors, .ics, PDF, downloads."""

from __future__ import annotations

import io
import re
import threading

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from rkc.extensions import db
from rkc.review.models import Document, Meeting

from ..helpers import create_people, csrf_token, log_in
from .fixtures import PDF_BYTES, body, docx_bytes, review_context


def _count(model) -> int:  # type: ignore[no-untyped-def]
    db.session.rollback()  # a fresh snapshot: the requests wrote in their own transactions
    return db.session.scalar(select(func.count(model.id)))


@pytest.fixture
def people(small_app):
    return create_people()


def _client(app, people, role):  # type: ignore[no-untyped-def]
    client = app.test_client()
    if role != "anonymous":
        assert log_in(client, people[role].username).status_code == 302
    return client


def _new_meeting(client, number: int = 23, **extra):  # type: ignore[no-untyped-def]
    data = {
        "csrf_token": csrf_token(client, "/meetings/new"),
        "body_id": str(body().id),
        "number": str(number),
        "starts_on": "2027-03-15",
        "ends_on": "2027-03-17",
        "mode": "hybrid",
        "languages": ["en", "fr"],
        "venue": "Brussels; WCO, room A",
        **extra,
    }
    return client.post("/meetings/new", data=data)


def test_the_secretariat_records_a_meeting_and_a_duplicate_ordinal_is_refused(small_app, people):
    client = _client(small_app, people, "secretariat")
    response = _new_meeting(client)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "23rd session of the Revised Kyoto Convention Management Committee" in page
    again = _new_meeting(client)
    assert again.status_code == 400
    assert "the RKC/MC already has a 23rd session" in again.get_data(as_text=True)
    assert _count(Meeting) == 1


def test_forms_need_their_csrf_token(small_app, people):
    client = _client(small_app, people, "secretariat")
    response = _new_meeting(client, csrf_token="forged")
    assert response.status_code == 400
    assert _count(Meeting) == 0


@pytest.mark.parametrize("role", ["delegate_a", "observer", "admin"])
def test_only_the_secretariat_writes(small_app, people, role):
    client = _client(small_app, people, role)
    assert _new_meeting(client, 30).status_code == 403
    assert client.get("/meetings/").status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(small_app):
    response = small_app.test_client().get("/meetings/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_agenda_reorders_and_prints(small_app, people):
    ctx = review_context()
    client = _client(small_app, people, "secretariat")
    url = f"/meetings/{ctx['meeting_id']}"
    token = csrf_token(client, url)
    response = client.post(
        f"{url}/agenda",
        data={
            "csrf_token": token,
            "title": "Concepts",
            "purpose": "guidance",
            "parent_id": str(ctx["item_id"]),
        },
    )
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert re.search(r"<td>I</td>\s*<td>Adoption of the agenda", page)
    assert re.search(r"<td>I.a</td>\s*<td>&emsp;Concepts", page)
    moved = client.post(
        f"{url}/agenda/{ctx['item_id']}/move", data={"csrf_token": token, "direction": "down"}
    )
    assert moved.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert re.search(r"<td>II</td>\s*<td>Adoption of the agenda", page)
    assert re.search(r"<td>II.a</td>\s*<td>&emsp;Concepts", page)
    assert f'id="item-{ctx["item_id"]}"' in page
    pdf = client.get(f"{url}/agenda.pdf")
    assert pdf.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.get_data())).pages)
    assert "Adoption of the agenda" in text
    assert "For decision" in text


def test_the_calendar_entry_is_rfc_5545(small_app, people):
    ctx = review_context()
    client = _client(small_app, people, "delegate_a")
    response = client.get(f"/meetings/{ctx['meeting_id']}/meeting.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    raw = response.get_data()
    assert raw.endswith(b"\r\n")
    lines = raw.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines)
    unfolded = raw.decode().replace("\r\n ", "")
    assert "DTSTART;VALUE=DATE:20270315\r\n" in unfolded
    assert "DTEND;VALUE=DATE:20270318\r\n" in unfolded  # exclusive: the day after the last
    assert "LOCATION:Brussels\r\n" in unfolded
    assert "SUMMARY:23rd session of the Revised Kyoto Convention Management Committee" in unfolded
    assert unfolded.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")


def _register(client, url, name, data, language="en", title="Concepts", prefix="doc"):  # type: ignore[no-untyped-def]
    return client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url.rsplit("/", 1)[0]),
            f"{prefix}-title": title,
            f"{prefix}-language": language,
            f"{prefix}-file": (io.BytesIO(data), name),
        },
        content_type="multipart/form-data",
    )


def test_documents_in_two_languages_share_the_number_and_download(small_app, people):
    ctx = review_context()
    client = _client(small_app, people, "secretariat")
    response = _register(client, f"/meetings/{ctx['meeting_id']}/documents", "c.docx", docx_bytes())
    assert response.status_code == 302
    doc_url = response.headers["Location"]
    assert "RK0002E1" in client.get(doc_url).get_data(as_text=True)
    french = _register(
        client, f"{doc_url}/languages", "c.pdf", PDF_BYTES, language="fr", prefix="lang"
    )
    assert french.status_code == 302
    assert "RK0002F1" in client.get(french.headers["Location"]).get_data(as_text=True)
    delegate = _client(small_app, people, "delegate_b")
    page = delegate.get(f"/meetings/{ctx['meeting_id']}").get_data(as_text=True)
    assert "RK0002E1" in page
    assert "RK0002F1" in page
    assert "Register a new document" not in page
    revised = client.post(
        f"{doc_url}/revise",
        data={
            "csrf_token": csrf_token(client, doc_url),
            "rev-title": "Concepts, revised",
            "rev-file": (io.BytesIO(PDF_BYTES), "c2.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert revised.status_code == 302
    assert "RK0002E2" in client.get(revised.headers["Location"]).get_data(as_text=True)
    assert "Superseded by" in client.get(doc_url).get_data(as_text=True)
    download = delegate.get(f"{french.headers['Location']}/file")
    assert download.get_data() == PDF_BYTES
    assert "RK0002F1.pdf" in download.headers["Content-Disposition"]


def test_a_bad_upload_is_a_clear_error_and_stores_nothing(small_app, people):
    ctx = review_context()
    client = _client(small_app, people, "secretariat")
    response = _register(client, f"/meetings/{ctx['meeting_id']}/documents", "x.pdf", b"MZ\x90")
    assert response.status_code == 400
    assert "does not start as a PDF file does" in response.get_data(as_text=True)
    assert _count(Document) == 1


def test_a_pattern_that_cannot_mint_is_refused_on_the_form(small_app, people):
    client = _client(small_app, people, "secretariat")
    url = f"/meetings/bodies/{body().id}"
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "series": "RK",
            "symbol_pattern": "{series}{number:4}{lang}",
        },
    )
    assert response.status_code == 400
    assert "it must hold {version} exactly once" in response.get_data(as_text=True)
    db.session.rollback()
    assert body().symbol_pattern == "{series}{number:4}{lang}{version}"


def test_parallel_register_requests_mint_distinct_numbers(small_app, people):
    """Six secretariat sessions post a document at the same moment: six numbers, no error."""
    ctx = review_context()
    url = f"/meetings/{ctx['meeting_id']}/documents"
    clients = [_client(small_app, people, "secretariat") for _ in range(6)]
    tokens = [csrf_token(c, f"/meetings/{ctx['meeting_id']}") for c in clients]
    barrier = threading.Barrier(len(clients), timeout=60)
    statuses: list[int] = []

    def post(client, token) -> None:  # type: ignore[no-untyped-def]
        barrier.wait()
        response = client.post(
            url,
            data={
                "csrf_token": token,
                "doc-title": "Race",
                "doc-language": "en",
                "doc-file": (io.BytesIO(PDF_BYTES), "r.pdf"),
            },
            content_type="multipart/form-data",
        )
        statuses.append(response.status_code)

    threads = [
        threading.Thread(target=post, args=pair) for pair in zip(clients, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * 6
    db.session.rollback()
    symbols = db.session.scalars(select(Document.symbol).where(Document.title == "Race")).all()
    assert sorted(symbols) == [f"RK{n:04d}E1" for n in range(2, 8)]
