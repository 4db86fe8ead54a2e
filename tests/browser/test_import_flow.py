"""The Secretariat imports a chapter printed the WCO's way, as a PDF, in a real browser:
import -> preview with the fidelity report -> new working draft."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from rkc.extensions import db
from rkc.interchange.pdf import to_pdf
from tests.browser.conftest import LiveServer
from tests.helpers import PASSWORD, create_people
from tests.interchange import wco

pytestmark = pytest.mark.browser


def test_import_a_wco_pdf_preview_then_store(small_live_server: LiveServer, page: Page, tmp_path):
    base = small_live_server.url
    with small_live_server.app.app_context():
        create_people()
        html = wco.html(wco.corpus_snapshot("ga/3"))
        db.session.remove()
    changed = html.replace("3.4. Standard", "3.5. Standard")  # a gap: a warning to accept
    path = tmp_path / "ga-3.pdf"
    path.write_bytes(to_pdf(changed))

    page.goto(base + "/login")
    page.get_by_label("User name").fill("secretariat")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(base + "/w/rkc/import")
    page.get_by_label("File", exact=True).set_input_files(str(path))
    page.get_by_label("Format").select_option("pdf")
    page.get_by_label("Short name of the new working draft").fill("wco-3")
    page.get_by_label("Title of the new working draft").fill("Chapter 3 from the WCO's PDF")
    page.get_by_role("button", name="Import").click()

    # A PDF is previewed first: the fidelity report, the summary per chapter, the warning.
    preview = page.get_by_role("region", name="Preview: nothing is stored yet")
    expect(preview).to_contain_text("unit(s) recognised")
    expect(preview).to_contain_text("General Annex, Chapter 3")
    expect(preview).to_contain_text("a gap in the numbering")
    expect(preview).to_contain_text("page 1, line")

    # Import without accepting: refused, nothing stored, the kept file still offered.
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("alert")).to_contain_text("1 warning to accept or fix")
    _expect_400_logged(page)
    page.get_by_label("Accept the warnings").check()
    page.get_by_role("button", name="Import").click()

    expect(page.locator(".flash-info")).to_contain_text("Imported ga-3.pdf into the new working")
    expect(page.locator(".flash-info")).to_contain_text("General Annex, Chapter 3 (ga/3)")
    assert "edition=wco-3" in page.url


def _expect_400_logged(page: Page) -> None:
    """Chromium logs the refused form's 400 as a console error: expected, so take it off."""
    errors: list[str] = page.errors  # type: ignore[attr-defined]
    expected: list[str] = []
    for _ in range(40):
        expected = [e for e in errors if "/w/rkc/import" in e and "status of 400" in e]
        if expected:
            break
        page.wait_for_timeout(50)
    assert len(expected) == 1, errors
    errors.remove(expected[0])
