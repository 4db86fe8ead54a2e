"""A reader's path through the real corpus, in a real browser.

Home → Convention → General Annex chapter 3 → Standard 3.1 → its history → a comparison of
two editions; then the point-in-time picker and the friendly 404.
"""

from __future__ import annotations

import re
import tempfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from rkc.clock import today
from rkc.convention import operations as ops
from rkc.convention import queries
from rkc.extensions import db
from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser

#: For humans, not asserted: /tmp/rkc-ga3.png on Linux.
SCREENSHOT = Path(tempfile.gettempdir()) / "rkc-ga3.png"
ADDED_SENTENCE = "The list of those offices shall be published and kept up to date."


def _publish_amended_standard_3_1(server: LiveServer) -> tuple[str, str, str]:
    """Amend ga/3/3.1 in the working draft and freeze the draft as a second published edition.

    Returns the title of the 2006 edition and the old and the new text of 3.1. The amendment
    entered into force yesterday, so the site's "today" shows the amended text and the 2006
    edition is superseded.
    """
    with server.app.app_context():
        work = queries.work_by_key("rkc")
        assert work is not None
        first = queries.edition_by_slug(work, "2006")
        draft = queries.edition_by_slug(work, "review-draft")
        node = queries.node_by_key("ga/3/3.1")
        assert first is not None
        assert draft is not None
        assert node is not None
        current = ops.current_revision(draft, node)
        assert current is not None
        first_title, old_text = first.title, current.text
        assert " shall " in old_text, "Standard 3.1 should read as a Standard (“shall”)"
        new_text = old_text.replace(" shall ", " must ", 1) + " " + ADDED_SENTENCE
        ops.revise(draft, node, expected_revision_id=current.id, text=new_text)
        day = today()
        ops.freeze(
            draft,
            adopted_on=day - timedelta(days=90),
            in_force_from=day - timedelta(days=1),
            title="Text as amended by the comprehensive review",
        )
        db.session.commit()
        db.session.remove()
    return first_title, old_text, new_text


def _expect_unofficial_banner(page: Page) -> None:
    banner = page.locator("p.unofficial[role=note]")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Unofficial working text")


def _query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query, keep_blank_values=True)


def test_reader_goes_from_home_to_a_redline_of_two_editions(
    live_server: LiveServer, page: Page
) -> None:
    first_title, old_text, new_text = _publish_amended_standard_3_1(live_server)
    base = live_server.url
    site_nav = page.get_by_role("navigation", name="Site")

    # Home.
    page.goto(base + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "The Revised Kyoto Convention, revised together"
    )
    expect(page.get_by_text("Text as amended by the comprehensive review").first).to_be_visible()
    _expect_unofficial_banner(page)

    # "Convention" → the table of contents of the edition in force today.
    site_nav.get_by_role("link", name="Convention", exact=True).click()
    expect(page).to_have_url(base + "/w/rkc")
    expect(page.get_by_role("heading", level=1)).to_have_text("Revised Kyoto Convention")
    _expect_unofficial_banner(page)
    toc = page.get_by_role("navigation", name="Table of contents")
    chapter_link = toc.get_by_role("link", name=re.compile(r"^Chapter 3: Clearance"))
    expect(chapter_link).to_have_count(1)
    chapter_link.click()

    # General Annex chapter 3, as consolidated today.
    expect(page).to_have_url(base + "/n/ga/3?edition=review-draft")
    expect(page.get_by_role("heading", name=re.compile(r"^Chapter 3: Clearance"))).to_be_visible()
    expect(page.get_by_role("navigation", name="Breadcrumbs")).to_contain_text("General Annex")
    standard = page.locator('article[id="ga/3/3.1"]')
    expect(standard).to_be_visible()
    expect(standard).to_contain_text("Standard")
    expect(standard).to_contain_text(ADDED_SENTENCE)
    expect(page.locator('article[id="ga/3/3.2"]')).to_be_visible()
    _expect_unofficial_banner(page)
    page.screenshot(path=SCREENSHOT, full_page=True)

    # Click the provision number → the provision's own page.
    standard.get_by_role("link", name="3.1", exact=True).click()
    expect(page).to_have_url(base + "/n/ga/3/3.1?edition=review-draft")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Standard 3.1")
    expect(page.locator(".consolidated")).to_contain_text(new_text)
    expect(page.get_by_role("region", name="Edition")).to_contain_text(
        "Text as amended by the comprehensive review"
    )
    _expect_unofficial_banner(page)

    # Its history: two versions, the second a redline of the first.
    page.get_by_role("link", name=re.compile(r"^History of this provision \(2 versions\)")).click()
    expect(page).to_have_url(base + "/n/ga/3/3.1/history")
    expect(page.get_by_role("heading", level=1)).to_have_text("History of Standard 3.1")
    steps = page.locator("ol.timeline > li.step")
    expect(steps).to_have_count(2)
    expect(steps.nth(0).get_by_role("heading")).to_have_text("Version 1")
    expect(steps.nth(0)).to_contain_text(first_title)
    expect(steps.nth(0)).to_contain_text(old_text)
    expect(steps.nth(1).get_by_role("heading")).to_have_text("Version 2: text changed")
    expect(steps.nth(1)).to_contain_text("Text as amended by the comprehensive review")
    expect(steps.nth(1).locator("del")).to_have_text(["shall"])
    expect(steps.nth(1).locator("ins").first).to_have_text("must")
    expect(steps.nth(1).locator("ins").last).to_contain_text(ADDED_SENTENCE)
    _expect_unofficial_banner(page)

    # Compare: the site's nav, then the two editions chosen in the form.
    site_nav.get_by_role("link", name="Compare", exact=True).click()
    expect(page).to_have_url(base + "/w/rkc/compare")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Compare editions of the Revised Kyoto Convention"
    )
    page.get_by_label(re.compile(r"^From ")).select_option(label=first_title)
    page.get_by_label(re.compile(r"^To ")).select_option(
        label="Text as amended by the comprehensive review"
    )
    page.get_by_role("button", name="Compare").click()
    expect(page).to_have_url(re.compile(r"/w/rkc/compare\?"))
    query = _query(page)
    assert query["from"] == ["2006"]
    assert query["to"] == ["review-draft"]
    counts = page.get_by_label("Counts")
    expect(counts.locator(".count.changed")).to_have_text("1 changed")
    expect(counts.locator(".count.added")).to_have_text("0 added")
    expect(counts.locator(".count.removed")).to_have_text("0 removed")
    rows = page.locator(".comparison article.cmp")
    expect(rows).to_have_count(1)
    row = rows.first
    expect(row.locator(".cmp-badge")).to_have_text("changed")
    expect(row.get_by_role("link")).to_contain_text("Standard 3.1")
    deleted = row.locator("del.redline-del")
    inserted = row.locator("ins.redline-ins")
    expect(deleted.first).to_be_visible()
    expect(deleted).to_have_text(["shall"])
    expect(inserted.first).to_be_visible()
    expect(inserted.first).to_have_text("must")
    expect(inserted.last).to_contain_text(ADDED_SENTENCE)
    _expect_unofficial_banner(page)

    # The same page straight from its address, as a shared link.
    page.goto(base + "/w/rkc/compare?from=2006&to=review-draft")
    expect(page.get_by_label("Counts").locator(".count.changed")).to_have_text("1 changed")
    expect(page.locator("del.redline-del").first).to_be_visible()
    expect(page.locator("ins.redline-ins").first).to_be_visible()


def test_point_in_time_picker_and_a_friendly_404(live_server: LiveServer, page: Page) -> None:
    base = live_server.url
    page.goto(base + "/n/ga/3/3.1")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Standard 3.1")
    bar = page.get_by_role("region", name="Edition")
    expect(bar).not_to_contain_text("text in force on")

    # Pick a date, submit: the text in force on that day, said so.
    bar.get_by_label("or date").fill("2010-05-01")
    bar.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"/n/ga/3/3\.1\?"))
    assert _query(page)["on"] == ["2010-05-01"]
    expect(bar).to_contain_text("in force from 3 February 2006")
    expect(bar).to_contain_text("text in force on 1 May 2010")
    expect(bar.get_by_label("or date")).to_have_value("2010-05-01")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Standard 3.1")
    _expect_unofficial_banner(page)

    # A date before the Convention entered into force: a page that explains, with a way on.
    bar.get_by_label("or date").fill("1990-01-01")
    bar.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Not yet in force on that date")
    expect(page.get_by_text("entered into force on 3 February 2006")).to_be_visible()
    expect(page.get_by_role("link", name="Text in force on 3 February 2006")).to_be_visible()
    _expect_unofficial_banner(page)
    _expect_404_logged(page, "on=1990-01-01")

    # An unknown key: a friendly 404 that says what a key looks like and where to go.
    response = page.goto(base + "/n/ga/99/99.1")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("No such provision")
    expect(page.get_by_text("Nothing in the text store has the key “ga/99/99.1”")).to_be_visible()
    expect(page.get_by_role("heading", name="You may be looking for")).to_be_visible()
    page.get_by_role("link", name="Revised Kyoto Convention", exact=True).click()
    expect(page).to_have_url(base + "/w/rkc")
    _expect_404_logged(page, "/n/ga/99/99.1")
    _expect_unofficial_banner(page)


def _expect_404_logged(page: Page, url_part: str) -> None:
    """Chromium logs a 404 document as a console error: expected here, so take it off the list.

    Console messages arrive asynchronously, so wait a little for it.
    """
    errors: list[str] = page.errors  # type: ignore[attr-defined]
    for _ in range(40):
        expected = [e for e in errors if url_part in e.split(": ", 1)[0] and "status of 404" in e]
        if expected:
            break
        page.wait_for_timeout(50)
    assert len(expected) == 1, errors
    errors.remove(expected[0])


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/w/rkc",
        "/w/rkc/editions",
        "/w/rkc?edition=2006",
        "/n/ga/3",
        "/n/ga/3/3.1",
        "/n/ga/3/3.1/history",
        "/w/rkc/compare?show=all",
        "/w/guidelines",
    ],
)
def test_reading_pages_render_without_browser_errors(
    small_live_server: LiveServer, page: Page, path: str
) -> None:
    """Every kind of reading page, on the small corpus: 200, a heading, the banner, and no
    console error (so no CSP violation: no inline script or style)."""
    response = page.goto(small_live_server.url + path)
    assert response is not None
    assert response.status == 200
    # Not level=1: a chapter's page opens with its <h2> (container.html has no <h1>).
    expect(page.locator("main").get_by_role("heading").first).to_be_visible()
    _expect_unofficial_banner(page)
