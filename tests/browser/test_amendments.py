"""Amendments in a real browser, no JavaScript needed: delegate A proposes with a preview and
tables; delegate B asks to co-sponsor and A confirms; delegate C objects; the compilation shows
all of it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from rkc.extensions import db
from tests.browser.conftest import LiveServer
from tests.helpers import PASSWORD, create_people

pytestmark = pytest.mark.browser

ADDED = "The list of those offices shall be published."


def _log_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Account")).to_contain_text("Log out")


def _log_out(page: Page) -> None:
    page.get_by_role("navigation", name="Account").get_by_role("button", name="Log out").click()
    expect(page.get_by_role("navigation", name="Account")).to_contain_text("Log in")


def test_propose_table_co_sponsor_object_and_compile(small_live_server: LiveServer, page: Page):
    base = small_live_server.url
    with small_live_server.app.app_context():
        create_people()
        db.session.remove()

    # Delegate A opens Standard 3.1 in the working draft and proposes a modification.
    _log_in(page, base, "delegate-a")
    page.goto(base + "/n/ga/3/3.1?edition=review-draft")
    page.get_by_role("link", name="Amendments to this provision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Amendments to Standard 3.1")
    page.get_by_role("link", name="Propose an amendment").click()
    text = page.get_by_label("Proposed text")
    current = text.input_value()
    assert current.startswith("Customs shall designate the offices")  # pre-filled
    text.fill(current + " " + ADDED)
    page.get_by_label("Justification (Markdown)").fill("Traders must *know* where to go.")
    page.get_by_label("Concept or topic (optional)").fill("Customs offices")

    # Preview: the tracked changes and the rendered justification, nothing stored yet.
    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_role("region", name="Preview: tracked changes")
    expect(preview.locator("ins")).to_have_text([re.compile(re.escape(ADDED))])
    expect(preview.locator("em")).to_have_text("know")
    expect(page.get_by_label("Proposed text")).to_have_value(current + " " + ADDED)

    page.get_by_role("button", name="Save as a draft").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("modification of Standard 3.1")
    expect(page.locator("#status")).to_have_text("Draft")
    page.get_by_role("button", name="Table", exact=True).click()
    expect(page.locator("#status")).to_have_text("Tabled")
    expect(page.get_by_role("heading", level=1)).to_contain_text("RD/001")
    amendment_url = page.url
    _log_out(page)

    # Delegate B finds it among everything tabled and asks to co-sponsor it.
    _log_in(page, base, "delegate-b")
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Amendments").click()
    page.get_by_role("link", name="Everything tabled").click()
    page.get_by_role("link", name="RD/001").click()
    page.get_by_label("Note to the proposing party (optional)").fill("Canada supports this.")
    page.get_by_role("button", name="Ask to co-sponsor for Test party CAN").click()
    expect(page.locator("#sponsors")).to_contain_text("Test party CAN: requested")
    _log_out(page)

    # Delegate A confirms Canada as co-sponsor.
    _log_in(page, base, "delegate-a")
    page.goto(amendment_url)
    page.get_by_role("button", name="Confirm Test party CAN as co-sponsor").click()
    expect(page.locator("#sponsors")).to_contain_text("Test party CAN: confirmed")
    _log_out(page)

    # Delegate C objects, with a statement.
    _log_in(page, base, "delegate-c")
    page.goto(amendment_url)
    page.get_by_label("Objection", exact=True).check()
    page.get_by_label("Statement (optional, Markdown)").fill("Publishing costs **too much**.")
    page.get_by_role("button", name="State the position").click()
    positions = page.locator("#positions")
    expect(positions.locator("table.positions")).to_contain_text("Test party KHM")
    expect(positions.locator("table.positions")).to_contain_text("Objection")
    expect(positions.locator("strong")).to_have_text("too much")

    # The compilation of chapter 3 shows all of it.
    page.get_by_role("link", name="Compilation").click()
    page.get_by_label("Chapter").select_option("ga/3")
    page.get_by_role("button", name="Filter").click()
    compiled = page.locator("article.compiled")
    expect(compiled).to_have_count(1)
    expect(compiled.locator(".amendment-number")).to_have_text("RD/001")
    expect(compiled).to_contain_text("Tabled")
    expect(compiled.locator("ins")).to_contain_text(ADDED)
    expect(compiled.locator(".sponsors")).to_contain_text("Test party AUT, Test party CAN")
    expect(compiled.locator(".positions-summary")).to_contain_text("Objection")
    expect(compiled.locator(".positions-summary")).to_contain_text("Test party KHM")
    expect(compiled.locator(".justification em")).to_have_text("know")
    expect(page.locator(".compilation-group h2")).to_contain_text("Standard 3.1")
    expect(page.locator(".compilation-group .current-text")).to_contain_text(current)

    # And its print view.
    page.get_by_role("link", name="Print view").click()
    expect(page.locator("article.compiled .amendment-number")).to_have_text("RD/001")
