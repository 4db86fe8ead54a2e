"""The review register in a real browser: the Secretariat records the 23rd session of the
RKC/MC, builds and reorders its agenda, registers a document in English and in French; a
delegate then reads the meeting page, its agenda and both language versions."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from rkc.amendments.models import Amendment
from rkc.extensions import db
from tests.amendments.fixtures import amendment_context
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


def _pack_outline(download) -> list[str]:  # type: ignore[no-untyped-def]
    """The titles of a downloaded meeting pack's outline: the agenda, then one per document."""
    reader = PdfReader(download.path())
    return [item.title for item in reader.outline]


def test_a_session_runs_from_agenda_to_adopted_report_and_each_reads_its_level(
    small_live_server: LiveServer, page: Page
) -> None:
    """Issue 20: the Secretariat records a session with its agenda and registers a document in
    English and French and one for the parties only; a delegate reads the meeting pack; an
    amendment is discussed and agreed citing an agenda item; the report is adopted; an
    observer sees only what its level allows, on the page, the document's own page and in
    its pack."""
    base = small_live_server.url
    with small_live_server.app.app_context():
        ids = amendment_context(create_people())
        label = db.session.get(Amendment, ids["tabled_id"]).label
        db.session.remove()

    _log_in(page, base, "secretariat")
    page.goto(base + "/meetings/new")
    page.get_by_label("Body").select_option(
        label="RKC/MC: Revised Kyoto Convention Management Committee"
    )
    page.get_by_label("Session number (23 for the 23rd)").fill("23")
    page.get_by_label("From").fill("2027-03-15")
    page.get_by_label("To").fill("2027-03-17")
    page.get_by_label("Mode").select_option("virtual")
    page.get_by_role("button", name="Record").click()
    meeting_url = page.url
    for title, purpose in [
        ("Adoption of the agenda", "For decision"),
        ("Amendments", "For decision"),
    ]:
        page.get_by_label("Item", exact=True).fill(title)
        page.get_by_label("Purpose").select_option(label=purpose)
        page.get_by_role("button", name="Add to the agenda").click()

    form = page.locator("#register-document")
    form.get_by_label("Title").fill("Concepts and components")
    form.get_by_label("Language").select_option("en")
    form.get_by_label("Distribution").select_option(label="Parties and observers")
    form.get_by_label("File (Word .docx or PDF)").set_input_files(
        {"name": "concepts.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
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
    page.goto(meeting_url)
    form = page.locator("#register-document")
    form.get_by_label("Title").fill("Positions of the parties")
    form.get_by_label("Language").select_option("en")
    form.get_by_label("Distribution").select_option(label="Parties only")
    form.get_by_label("File (Word .docx or PDF)").set_input_files(
        {"name": "positions.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    page.get_by_role("button", name="Register a new document").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("RK0002E1")
    restricted_url = page.url

    # The amendment is discussed, then agreed, each step citing the meeting and its item II.
    page.goto(f"{base}/amendments/{ids['tabled_id']}")
    for status in ("under_discussion", "agreed"):
        page.get_by_label("At the meeting (optional)").select_option(label="RKC/MC 23rd")
        page.get_by_label("Agenda item (optional)").select_option(label="RKC/MC 23rd II Amendments")
        page.locator(f"form.transition-form button[value={status}]").click()
    cited = page.locator("section.cited-meetings")
    expect(cited).to_contain_text("Discussed at")
    expect(cited).to_contain_text("Decided at")
    expect(cited).to_contain_text("II Amendments")
    page.goto(meeting_url)
    expect(page.locator("main")).to_contain_text(label)

    # The report: drafted per item, then adopted; the form is gone once it is adopted.
    page.get_by_role("link", name="Report (not begun)").click()
    item = page.locator("#report-form fieldset", has_text="II Amendments")
    item.get_by_label("Decisions and summary").fill(f"The Committee **agreed** to {label}.")
    item.get_by_label("Amendments concerned").fill(label)
    item.get_by_label("Documents concerned").fill("RK0001E1")
    page.get_by_role("button", name="Save the draft").click()
    page.get_by_role("button", name="Record the adoption of this text").click()
    expect(page.get_by_role("button", name="Save the draft")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("The Committee agreed to")
    expect(page.locator("main").get_by_role("link", name=label)).to_have_count(1)
    _log_out(page)

    # A delegate reads the meeting pack: the agenda and all three documents.
    _log_in(page, base, "delegate-a")
    page.goto(meeting_url)
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("link", name="Meeting pack (PDF)", exact=False).click()
    outline = _pack_outline(download.value)
    assert outline[0] == "Agenda"
    assert {title.split()[0] for title in outline[1:]} == {"RK0001E1", "RK0001F1", "RK0002E1"}
    _log_out(page)

    # The observer: the documents of its level, never the parties-only one.
    _log_in(page, base, "observer")
    page.goto(meeting_url)
    documents = page.locator("#documents + table")
    expect(documents).to_contain_text("RK0001E1")
    expect(documents).not_to_contain_text("RK0002E1")
    # Searching the register from the header finds the documents of its level only.
    header_search = page.get_by_role("banner").get_by_role("search")
    header_search.get_by_role("searchbox", name="Search the text").fill("RK000")
    header_search.get_by_role("button", name="Search").click()
    found = page.locator("section.search-documents")
    expect(found).to_contain_text("RK0001E1")
    expect(found).to_contain_text("RK0001F1")
    expect(found).not_to_contain_text("RK0002E1")
    page.goto(meeting_url)
    page.get_by_role("link", name="Report", exact=True).click()
    expect(page.locator("main")).to_contain_text("The Committee agreed to")
    response = page.goto(restricted_url)
    assert response is not None
    assert response.status == 404
    expect(page.locator("main")).not_to_contain_text("Positions of the parties")
    page.errors[:] = [e for e in page.errors if "404" not in e]  # type: ignore[attr-defined]
    page.goto(meeting_url)
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("link", name="Meeting pack (PDF)", exact=False).click()
    outline = _pack_outline(download.value)
    assert {title.split()[0] for title in outline[1:]} == {"RK0001E1", "RK0001F1"}
