"""A francophone reader: a chapter side by side, then in French, then a French search."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser

FRENCH_31 = "La douane désigne les bureaux de douane"
ENGLISH_31 = "The Customs shall designate the Customs offices"


def test_read_a_chapter_side_by_side_then_search_in_french(
    live_server: LiveServer, page: Page
) -> None:
    page.goto(live_server.url + "/n/ga/3")
    languages = page.get_by_role("navigation", name="Language")
    languages.get_by_role("link", name="English | Français").click()
    expect(page).to_have_url(re.compile(r"lang=en%2Cfr|lang=en,fr"))

    # One row holds Standard 3.1 in both languages, English on the left, French on the right.
    row = page.locator(".side-by-side .pair", has_text=ENGLISH_31).first
    english = row.locator('.column[lang="en"]')
    french = row.locator('.column[lang="fr"]')
    expect(english).to_contain_text(ENGLISH_31)
    expect(french).to_contain_text(FRENCH_31)
    expect(french).to_contain_text("Norme")
    left, right = english.bounding_box(), french.bounding_box()
    assert left is not None
    assert right is not None
    assert right["x"] >= left["x"] + left["width"] - 1
    assert abs(right["y"] - left["y"]) < 5
    expect(
        page.get_by_role("note").filter(has_text="Texte de travail non officiel")
    ).to_be_visible()

    # French alone; the choice is remembered for the next pages (and the search).
    languages.get_by_role("link", name="Français", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chapitre 3")
    page.goto(live_server.url + "/n/ga/3/3.2")
    expect(page.locator(".consolidated")).to_contain_text("bureau de douane")

    # A French word typed without its accents finds the French text.
    search = page.get_by_role("banner").get_by_role("search")
    search.get_by_role("searchbox", name="Search the text").fill("dedouanement")
    search.get_by_role("button", name="Search").click()
    hits = page.get_by_role("region", name="Results").locator("ol.hits > li.hit")
    expect(hits.first).to_be_visible()
    expect(hits.first.locator("mark").first).to_have_text(re.compile("^dédouan", re.I))
    hits.first.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"lang=fr"))
    expect(page.locator("main")).to_contain_text("douan")
