"""An amendment in two languages, in chromium (issue 13): a delegate with the interface in
French proposes in French; the Secretariat records it agreed and supplies the English; a second
member of the Secretariat checks it and merges; a French search of the working draft finds the
new words, found without their accents.

Selectors name fields, buttons and statuses by their names and values, not their words: the
interface is in French for this test and the words follow the message catalogue."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from rkc.extensions import db
from tests.amendments.translations import EN_31, FR_31, secretariat_member
from tests.browser.conftest import LiveServer
from tests.helpers import PASSWORD, create_people

pytestmark = pytest.mark.browser

FR_NEW = FR_31.replace("La douane désigne", "La douane désigne, annonce par ses téléservices")
EN_NEW = EN_31.replace(
    "The Customs shall designate", "The Customs shall designate, announce online"
)


def _log_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/login")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit].primary").click()
    expect(page.locator("form[action$='/logout']")).to_be_visible()


def _log_out(page: Page) -> None:
    page.locator("form[action$='/logout'] button").click()
    expect(page.locator("form[action$='/logout']")).to_have_count(0)


def _status(page: Page, value: str) -> None:
    expect(page.locator("#status")).to_have_class(re.compile(rf"\bstatus-{value}\b"))


def test_a_french_amendment_is_translated_checked_merged_and_found_in_french(
    live_server: LiveServer, page: Page
) -> None:
    base = live_server.url
    with live_server.app.app_context():
        create_people()
        secretariat_member("reviser")
        db.session.commit()
        db.session.remove()

    # 1. Delegate A switches the interface to French and proposes in French.
    _log_in(page, base, "delegate-a")
    page.locator("#interface-language button[value=fr]").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.goto(base + "/amendments/propose/ga/3/3.1?edition=review-draft")
    page.locator(".language-switch a[lang=fr]").click()
    text = page.locator("textarea[name=text]")
    expect(text).to_have_value(FR_31)  # the French text of Standard 3.1, to edit
    text.fill(FR_NEW)
    page.locator("textarea[name=justification]").fill("Les opérateurs cherchent les bureaux.")
    page.locator("button[name=action][value=save]").click()
    french = page.locator("#version-fr")
    expect(french.locator("ins")).to_contain_text("annonce par ses téléservices")
    expect(page.locator("#translation-status-fr")).to_have_class(re.compile("translation-checked"))
    expect(page.locator("#translation-status-en")).to_have_class(
        re.compile("translation-to_translate")
    )
    page.locator("button[name=to][value=tabled]").click()
    _status(page, "tabled")
    amendment_url = page.url.split("#")[0]
    amendment_id = re.search(r"/amendments/(\d+)", amendment_url).group(1)
    _log_out(page)

    # 2. The Secretariat records it agreed, then supplies the English.
    _log_in(page, base, "secretariat")
    page.goto(amendment_url)
    page.locator("button[name=to][value=under_discussion]").click()
    page.locator("button[name=to][value=agreed]").click()
    _status(page, "agreed")
    page.locator(f"a[href$='/amendments/{amendment_id}/languages/en']").click()
    expect(page.locator("#original-redline ins")).to_contain_text("téléservices")
    page.locator("textarea[name=text]").fill(EN_NEW)
    page.locator(".version-form button[type=submit]").click()
    expect(page.locator("#translation-status-en")).to_have_class(
        re.compile("translation-translated")
    )
    expect(page.locator("#version-en ins")).to_contain_text("announce online")
    # Not checked yet: the merge queue says why it cannot be merged.
    page.goto(base + "/merge/rkc/review-draft")
    box = page.locator(f"input[name=amendment][value='{amendment_id}']")
    expect(box).to_be_disabled()
    expect(page.locator(".cmp-unready")).to_contain_text("its English version is translated")
    _log_out(page)

    # 3. A second member of the Secretariat checks the English, then merges.
    _log_in(page, base, "reviser")
    page.goto(amendment_url)
    page.locator(f"form[action$='/amendments/{amendment_id}/languages/en/check'] button").click()
    expect(page.locator("#translation-status-en")).to_have_class(re.compile("translation-checked"))
    page.goto(base + "/merge/rkc/review-draft")
    expect(page.locator(f"#translation-{amendment_id}-en")).to_have_class(
        re.compile("translation-checked")
    )
    box = page.locator(f"input[name=amendment][value='{amendment_id}']")
    expect(box).to_be_enabled()
    box.check()
    page.locator("form[action$='/merge/rkc/review-draft'] button[type=submit]").click()
    page.goto(amendment_url)
    _status(page, "merged")

    # 4. Both languages of the draft carry it; a French search finds it without its accents.
    page.goto(base + "/n/ga/3/3.1?edition=review-draft&lang=en,fr")
    row = page.locator(".side-by-side .pair", has_text="téléservices").first
    expect(row.locator('.column[lang="fr"]')).to_contain_text("annonce par ses téléservices")
    expect(row.locator('.column[lang="en"]')).to_contain_text("announce online")
    page.goto(base + "/search?q=teleservices&edition=review-draft&lang=fr")
    hits = page.locator("ol.hits > li.hit")
    expect(hits.first).to_be_visible()
    expect(hits.first).to_contain_text("téléservices")
    expect(hits.first.locator("mark").first).to_have_text(re.compile("^téléservices", re.I))
