"""A reader searches the real corpus in a real browser: search -> filter -> open a hit."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser

#: For humans, not asserted: /tmp/rkc-search.png on Linux.
SCREENSHOT = Path(tempfile.gettempdir()) / "rkc-search.png"


def test_search_filter_and_open_a_hit(live_server: LiveServer, page: Page) -> None:
    base = live_server.url

    # From any page: the search box in the header.
    page.goto(base + "/w/rkc")
    header_search = page.get_by_role("banner").get_by_role("search")
    header_search.get_by_role("searchbox", name="Search the text").fill("appeals")
    header_search.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/search\?q=appeals$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Search the text")

    results = page.get_by_role("region", name="Results")
    hits = results.locator("ol.hits > li.hit")
    # Provisions first (issue 15): the chapter "Appeals in Customs matters" is not the top hit.
    expect(hits.first.locator(".kind-label")).not_to_have_text("Chapter")
    expect(hits.first.locator("mark").first).to_have_text(re.compile("^appeal", re.I))
    expect(results.locator(".search-summary")).to_contain_text(
        "Consolidated text in force from 3 February 2006"
    )
    expect(hits).to_have_count(10)
    page.screenshot(path=SCREENSHOT, full_page=True)

    # Filter: only Standards. The count shown beside the filter is the count that comes back.
    kinds = page.get_by_role("complementary", name="Filters").get_by_role("region", name="Kind")
    standard = kinds.locator("li", has=page.get_by_role("link", name="Standard", exact=True))
    count = standard.locator(".count").inner_text()
    standard.get_by_role("link", name="Standard", exact=True).click()
    expect(page).to_have_url(re.compile(r"kind=standard"))
    assert parse_qs(urlsplit(page.url).query)["q"] == ["appeals"]
    expect(results.locator(".search-summary")).to_contain_text(f"of {count}")
    labels = results.locator("ol.hits .kind-label")
    expect(labels.first).to_have_text("Standard")
    assert set(labels.all_text_contents()) == {"Standard"}
    # The chosen value is marked (a tick before it, and aria-current for screen readers).
    chosen = kinds.get_by_role("link", name=re.compile(r"^\W*Standard$"))
    expect(chosen).to_have_attribute("aria-current", "true")

    # Narrow by date as well: the text in force on a past day.
    page.get_by_label("Text in force on").fill("2010-05-01")
    page.get_by_role("button", name="Show").click()
    expect(results.locator(".search-summary")).to_contain_text("text in force on 1 May 2010")
    assert parse_qs(urlsplit(page.url).query)["kind"] == ["standard"]

    # Open the first hit: the provision, in the edition that was searched.
    first = hits.first
    number = first.locator(".hit-title").inner_text()
    match = re.search(r"10\.\d+", number)
    assert match, number
    first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/n/ga/10/{re.escape(match.group(0))}\?edition=2006$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Standard {match.group(0)}")
    expect(page.locator(".consolidated")).to_contain_text("appeal")
    expect(page.locator("p.unofficial[role=note]")).to_be_visible()


def test_bad_input_in_the_browser_gives_hints_not_errors(
    small_live_server: LiveServer, page: Page
) -> None:
    page.goto(small_live_server.url + "/search")
    form = page.get_by_role("main").get_by_role("search")
    form.get_by_role("searchbox").fill('"right of appeal AND')
    form.get_by_role("button", name="Search").click()
    hints = page.get_by_role("list", name="About your search")
    expect(hints).to_contain_text("quotation mark was not closed")
    expect(hints).to_contain_text("must stand between words")
    expect(page.get_by_role("region", name="Results")).to_be_visible()
