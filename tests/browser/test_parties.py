"""A reader's path through the party register in a real browser.

The matrix (filtered to one chapter) → a party → the text binding it on a chosen day, with its
reservation shown on the Recommended Practice → that text as a PDF; and the charts, drawn on
the server.
"""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
from playwright.sync_api import Page, expect

from rkc.audit import Actor, acting_as
from rkc.extensions import db
from rkc.parties import operations as ops
from rkc.parties.lookup import party_by_ident
from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser

RESERVATION = "Declarations are lodged only after the goods have arrived."


def _accept_b1(server: LiveServer) -> None:
    """Five acceptances bring chapter B1 into force on 2011-04-04; Liberia accepts it later
    and reserves Recommended Practice 2."""
    with server.app.app_context(), acting_as(Actor(None, "test-setup", "system")):
        for iso3, notified in [
            ("AUT", "2010-01-04"),
            ("CAN", "2010-06"),
            ("CHE", "2010-09-30"),
            ("DEU", "2010-12-01"),
            ("FIN", "2011-01-04"),
            ("LBR", "2021-06-01"),
        ]:
            ops.record_acceptance(party_by_ident(iso3), "B1", notified_on=notified)
        ops.record_reservation(
            party_by_ident("LBR"), "sa-b/1/2", entered_on="2021-07-01", text=RESERVATION
        )
        db.session.commit()


def test_matrix_to_party_to_binding_text(live_server: LiveServer, page: Page):
    _accept_b1(live_server)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Parties", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contracting Parties")
    expect(page.locator("#counts")).to_contain_text("83 parties shown")
    # The register's own coverage, and "not known" apart from "known: none".
    expect(page.locator("#coverage")).to_contain_text(
        "83 of 136 parties recorded; chapters known for 7"
    )
    pakistan = page.locator("table.matrix tbody tr", has=page.get_by_role("link", name="Pakistan"))
    expect(pakistan.locator("td.acc-unknown")).to_have_count(25)
    expect(pakistan.locator("td.ga")).to_contain_text("date not recorded")
    belgium = page.locator("table.matrix tbody tr", has=page.get_by_role("link", name="Belgium"))
    expect(belgium.locator("td.acc-none")).to_have_count(25)

    page.get_by_label("Accepted chapter").select_option("sa-b/1")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#counts")).to_contain_text("6 parties shown")
    expect(page.locator("table.matrix tbody tr")).to_have_count(6)
    expect(page.locator("table.matrix tfoot td.count").nth(3)).to_have_text("6")  # B1

    page.get_by_role("link", name="Liberia").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Liberia")
    expect(page.locator("dl.facts")).to_contain_text("deposited 2020-12-14")
    expect(page.locator("#chapters + table")).to_contain_text("2021-09-01")  # 3 months after

    page.get_by_label("Text binding Liberia on").fill("2022-01-01")
    page.get_by_role("button", name="Show the binding text").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "The text binding Liberia on 1 January 2022"
    )
    assert "on=2022-01-01" in page.url
    chapter = page.locator('[id="sa-b/1"]')
    expect(chapter).to_be_visible()
    expect(page.locator('[id="sa-a/1"]')).to_have_count(0)  # not accepted: left out
    practice = page.locator('[id="sa-b/1/2"]')
    expect(practice).to_contain_text("Reservation by Liberia")
    expect(practice).to_contain_text(RESERVATION)
    expect(practice).to_contain_text("No implementation deadline while the reservation stands.")
    expect(page.locator('[id="sa-b/1/1"]')).to_contain_text("due 2024-09-01")
    expect(page.locator('[id="ga/3/3.1"]')).to_contain_text("due 2024-03-14")

    # The same text as a PDF, with the reservation and the deadlines.
    # Laying out the whole General Annex takes a while on a busy machine: allow for it.
    with page.expect_download(timeout=180_000) as info:
        page.locator("#binding-pdf").click(no_wait_after=True)
    download = info.value
    assert download.suggested_filename == "rkc-binding-LBR-2022-01-01.pdf"
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert "Text binding Liberia on 2022-01-01" in text
    assert RESERVATION in text
    assert "Implementation deadline: 2024-09-01" in text  # B1: 36 months from 2021-09-01
    assert "Implementation deadline: 2024-03-14" in text  # General Annex Standards

    # The same page a day before Liberia was bound: nothing binds it.
    page.get_by_label("On", exact=True).fill("2021-03-13")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Nothing bound Liberia on this day.")).to_be_visible()


def test_charts_are_images_drawn_on_the_server(live_server: LiveServer, page: Page):
    _accept_b1(live_server)
    page.goto(live_server.url + "/parties/charts")
    for name in ("Step chart", "Bar chart"):
        image = page.get_by_role("img", name=name)
        expect(image).to_be_visible()
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    page.get_by_text("The figures").last.click()
    figures = page.get_by_role("region", name="Acceptances per chapter").locator("table")
    expect(figures).to_contain_text("2011-04-04")
