"""Shared test data for the review register: a meeting with an agenda and a document."""

from __future__ import annotations

import io
from datetime import date

from docx import Document as WordDocument
from pypdf import PdfWriter
from sqlalchemy import select

from rkc.audit import Actor, acting_as
from rkc.extensions import db
from rkc.review import operations as ops
from rkc.review.models import Body


def _blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


#: A real, readable one-page PDF (the matrix's leak test reads every PDF it is served).
PDF_BYTES = _blank_pdf()


def docx_bytes(text: str = "Working document") -> bytes:
    document = WordDocument()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def body(code: str = "RKC/MC") -> Body:
    found = db.session.scalar(select(Body).where(Body.code == code))
    assert found is not None, "rkc init seeds the bodies"
    return found


def review_context(_people: dict | None = None) -> dict:
    """A 23rd session of the RKC/MC with two agenda items and one document; committed."""
    with acting_as(Actor(None, "test-setup", "system")):
        meeting = ops.create_meeting(
            body(),
            number=23,
            starts_on=date(2027, 3, 15),
            ends_on=date(2027, 3, 17),
            mode="hybrid",
            languages=["en", "fr"],
            venue="Brussels",
        )
        item = ops.add_item(meeting, title="Adoption of the agenda", purpose="decision")
        ops.add_item(meeting, title="Report of the Secretariat", purpose="information")
        document = ops.register_document(
            body(),
            title="Draft agenda",
            language="en",
            data=PDF_BYTES,
            filename="agenda.pdf",
            meeting=meeting,
        )
    db.session.commit()
    return {
        "meeting_id": meeting.id,
        "item_id": item.id,
        "document_id": document.id,
        "body_id": meeting.body_id,
    }


#: The roles the distribution tests read as, and for each level the roles that read it (the
#: rule rkc.auth.permissions applies to documents, written out for the tests).
ROLES = ("anonymous", "delegate_a", "observer", "secretariat", "admin")
READERS = {
    "public": set(ROLES),
    "parties_and_observers": set(ROLES) - {"anonymous"},
    "parties": {"delegate_a", "secretariat"},
    "secretariat": {"secretariat"},
}
