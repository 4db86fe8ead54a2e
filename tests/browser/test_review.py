"""The review register in a real browser: the Secretariat records the 23rd session of the
RKC/MC, builds and reorders its agenda, registers a document in English and in French; a
delegate then reads the meeting page, its agenda and both language versions."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from rkc.extensions import db
from tests.browser.conftest import LiveServer
from tests.browser.test_procedure_flow import _log_in, _log_out
from tests.helpers import create_people
from tests.review.fixtures import PDF_BYTES, docx_bytes

pytestmark = pytest.mark.browser

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_secretariat_records_a_session_and_a_delegate_reads_it(
    small_live_server: LiveServer, page: Page
) -> None:
    base = small_live_server.url
    with small_live_server.app.app_context():
        create_people()
        db.session.remove()

    _log_in(page, base, "secretariat")
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Meetings").click()
    page.get_by_role("link", name="Record a meeting").click()
    page.get_by_label("Body").select_option(
        label="RKC/MC: Revised Kyoto Convention Management Committee"
    )
    page.get_by_label("Session number (23 for the 23rd)").fill("23")
    page.get_by_label("From").fill("2027-03-15")
    page.get_by_label("To").fill("2027-03-17")
    page.get_by_label("Mode").select_option("hybrid")
    page.get_by_label("Venue").fill("Brussels")
    page.get_by_role("button", name="Record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "23rd session of the Revised Kyoto Convention Management Committee"
    )
    meeting_url = page.url

    for title, purpose in [
        ("Adoption of the agenda", "For decision"),
        ("Other business", "For information"),
        ("The comprehensive review", "For guidance"),
    ]:
        page.get_by_label("Item", exact=True).fill(title)
        page.get_by_label("Purpose").select_option(label=purpose)
        page.get_by_role("button", name="Add to the agenda").click()
    page.get_by_label("Item", exact=True).fill("Potential draft texts")
    page.get_by_label("Purpose").select_option(label="For decision")
    page.get_by_label("Under").select_option(label="III The comprehensive review")
    page.get_by_role("button", name="Add to the agenda").click()
    # The review moves above "Other business": it becomes II, its sub-item II.a.
    page.get_by_role("button", name="Move III up", exact=True).click()
    rows = page.locator("table.agenda tbody tr")
    expect(rows.nth(1).locator("td").first).to_have_text("II")
    expect(rows.nth(1)).to_contain_text("The comprehensive review")
    expect(rows.nth(2).locator("td").first).to_have_text("II.a")
    expect(rows.nth(3).locator("td").first).to_have_text("III")
    expect(rows.nth(3)).to_contain_text("Other business")

    form = page.locator("#register-document")
    form.get_by_label("Title").fill("Concepts and components")
    form.get_by_label("Language").select_option("en")
    form.get_by_label("File (Word .docx or PDF)").set_input_files(
        {"name": "concepts.docx", "mimeType": DOCX, "buffer": docx_bytes()}
    )
    page.get_by_role("button", name="Register a new document").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("RK0001E1")
    french = page.locator("#add-language")
    french.get_by_label("Title").fill("Concepts et composantes")
    french.get_by_label("Language").select_option("fr")
    french.get_by_label("File (Word .docx or PDF)").set_input_files(
        {"name": "concepts-fr.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    page.get_by_role("button", name="Register this language version").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("RK0001F1")
    _log_out(page)

    _log_in(page, base, "delegate-a")
    page.goto(meeting_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("23rd session")
    expect(page.locator("table.agenda")).to_contain_text("Potential draft texts")
    documents = page.locator("#documents + table")
    expect(documents).to_contain_text("RK0001E1")
    expect(documents).to_contain_text("RK0001F1")
    expect(page.get_by_role("button", name="Add to the agenda")).to_have_count(0)
    with page.expect_download() as download:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    assert download.value.suggested_filename == "RKC-MC-23.ics"
