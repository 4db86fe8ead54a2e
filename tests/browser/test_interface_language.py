"""A reader switches the interface to French in the page header, without script."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser


def test_switch_the_interface_to_french_and_back(live_server: LiveServer, page: Page) -> None:
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    site = page.get_by_role("navigation", name="Site")
    expect(site.get_by_role("link", name="Guidelines")).to_be_visible()
    expect(page.locator("main")).to_contain_text("from 3 February 2006")

    switch = page.locator("form#interface-language")
    switch.get_by_role("button", name="Français").click()

    # Back on the same page, in French: navigation, headings and dates.
    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    site = page.get_by_role("navigation", name="Site")
    expect(site.get_by_role("link", name="Directives")).to_be_visible()
    expect(site.get_by_role("link", name="Comparer")).to_be_visible()
    expect(page.get_by_role("banner").get_by_role("link", name="Se connecter")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "La Convention de Kyoto révisée, révisée ensemble"
    )
    expect(page.locator("main")).to_contain_text("à partir du 3 février 2006")
    expect(switch.get_by_role("button", name="English")).to_be_visible()

    # The choice holds on the next pages, and the text reads in French too.
    site.get_by_role("link", name="Parties").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Parties contractantes")
    page.goto(live_server.url + "/n/ga/3/3.1")
    expect(page.locator(".consolidated")).to_contain_text("La douane désigne")
    expect(page.get_by_role("navigation", name="Voisins")).to_be_visible()

    # And back to English, from a reading page.
    page.locator("form#interface-language").get_by_role("button", name="English").click()
    expect(page).to_have_url(re.compile(r"/n/ga/3/3\.1$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    site = page.get_by_role("navigation", name="Site")
    expect(site.get_by_role("link", name="Guidelines")).to_be_visible()
    expect(page.locator(".consolidated")).to_contain_text("The Customs shall designate")
