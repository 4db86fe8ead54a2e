"""The whole amendment procedure in a real browser, through the pages only:

a delegate proposes and tables an amendment to Standard 3.2; the Secretariat opens the
discussion, records it agreed, merges it from the merge queue, freezes the working draft as
adopted text and records the Committee's recommendation (Article 16, communicated long enough
ago that, with no objection, it is deemed accepted and in force today). The public, logged
out, then reads the new text today, its history with a redline, and the "what changed" page
naming the amendment, its party and the recommendation.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from rkc.clock import today
from rkc.extensions import db
from tests.browser.conftest import LiveServer
from tests.helpers import PASSWORD, create_people

pytestmark = pytest.mark.browser

OLD = "Customs shall publish the hours of business of its offices."
ADDED = "The hours shall also be published online."
NEW = f"{OLD} {ADDED}"
SESSION = "Management Committee, 31st meeting"


def _log_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Account")).to_contain_text("Log out")


def _log_out(page: Page) -> None:
    page.get_by_role("navigation", name="Account").get_by_role("button", name="Log out").click()
    expect(page.get_by_role("navigation", name="Account")).to_contain_text("Log in")


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def test_tabled_agreed_merged_recommended_in_force_and_public(
    small_live_server: LiveServer, page: Page
) -> None:
    base = small_live_server.url
    with small_live_server.app.app_context():
        create_people()
        db.session.remove()
    now = today()
    # Adopted, decided and communicated on the 15th of a month two years ago (so that no
    # month-end clamping is involved): deemed accepted six months later, in force six months
    # after that, i.e. one year before this month's 15th.
    communicated = date(now.year - 2, now.month, 15)
    in_force = date(now.year - 1, now.month, 15)
    deemed = date(
        communicated.year + (communicated.month + 5) // 12, (communicated.month + 5) % 12 + 1, 15
    )

    # 1. Delegate A proposes a modification of Standard 3.2 in the working draft and tables it.
    _log_in(page, base, "delegate-a")
    page.goto(base + "/n/ga/3/3.2?edition=review-draft")
    page.get_by_role("link", name="Amendments to this provision").click()
    page.get_by_role("link", name="Propose an amendment").click()
    expect(page.get_by_label("Proposed text")).to_have_value(OLD)
    page.get_by_label("Proposed text").fill(NEW)
    page.get_by_label("Justification (Markdown)").fill("Traders look for the hours online.")
    page.get_by_role("button", name="Save as a draft").click()
    page.get_by_role("button", name="Table", exact=True).click()
    expect(page.locator("#status")).to_have_text("Tabled")
    expect(page.get_by_role("heading", level=1)).to_contain_text("RD/001")
    amendment_url = page.url
    _log_out(page)

    # 2. The Secretariat opens the discussion, then records the amendment as agreed.
    _log_in(page, base, "secretariat")
    page.goto(amendment_url)
    page.get_by_role("button", name="Open the discussion").click()
    expect(page.locator("#status")).to_have_text("Under discussion")
    page.get_by_label("Reason (optional, kept in the log)").fill("Consensus at the session.")
    page.get_by_role("button", name="Record as agreed").click()
    expect(page.locator("#status")).to_have_text("Agreed")

    # 3. It waits in the merge queue of the working draft; the Secretariat merges it.
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Merge queue").click()
    page.get_by_role("link", name=re.compile("Test working draft")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merge queue")
    queued = page.locator("article.cmp")
    expect(queued).to_have_count(1)
    expect(queued).to_contain_text("RD/001")
    expect(queued).to_contain_text("Test party AUT")
    expect(queued.locator("ins")).to_contain_text(ADDED)
    queued.get_by_role("checkbox").check()
    page.get_by_role("button", name="Merge the chosen amendments").click()
    expect(page.locator(".flash")).to_contain_text("Merged RD/001")
    expect(page.locator("article.cmp")).to_have_count(0)
    expect(page.get_by_text("No agreed amendment waits for merging")).to_be_visible()
    page.goto(amendment_url)
    expect(page.locator("#status")).to_have_text("Merged")

    # 4. The working draft is frozen as adopted text (Editions -> Manage).
    page.goto(base + "/w/rkc/editions")
    page.get_by_role("row", name=re.compile("Test working draft")).get_by_role(
        "link", name="Manage"
    ).click()
    page.get_by_role("link", name="Check and freeze…").click()  # the pre-flight page
    expect(page.get_by_text("0 agreed amendment(s) not merged")).to_be_visible()
    page.get_by_label("Title of the adopted text").fill("Text adopted at the 31st meeting")
    page.get_by_label("Adopted on").fill(communicated.isoformat())
    page.get_by_role("button", name="Freeze the draft").click()
    expect(page.locator(".flash")).to_contain_text("is frozen as adopted text")
    expect(page.get_by_role("heading", level=1)).to_have_text("Text adopted at the 31st meeting")

    # 5. The recommendation: an annex amendment (Article 16), communicated two years ago.
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Recommendations").click()
    page.get_by_role("link", name="Record a recommendation").click()
    page.get_by_label("Adopted edition it brings into force").select_option(
        label="Revised Kyoto Convention: Text adopted at the 31st meeting"
    )
    page.get_by_label("Procedure").select_option(label="Amendment of the Annexes (Article 16)")
    page.get_by_label("Committee session").fill(SESSION)
    page.get_by_label("Decided on").fill(communicated.isoformat())
    page.get_by_label("Communicated by the depositary on").fill(communicated.isoformat())
    page.get_by_role("button", name="Record", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("The recommendation is recorded")
    standing = page.locator("section.outcome")
    expect(standing.get_by_role("heading", level=2)).to_have_text("Where it stands today: In force")
    expect(standing).to_contain_text(f"Deemed accepted on {_long(deemed)}.")
    expect(standing).to_contain_text(f"In force from {_long(in_force)}")
    expect(standing.locator("ol.explanation li").first).to_contain_text("Art. 16")
    _log_out(page)

    # 6. The public reads the provision today: the new text, in the new edition.
    page.goto(base + "/n/ga/3/3.2")
    expect(page.locator("main")).to_contain_text(ADDED)
    expect(page.locator("main")).to_contain_text("Text adopted at the 31st meeting")

    # Its history: two versions, the second a redline adding the sentence, from RD/001.
    page.goto(base + "/n/ga/3/3.2/history")
    steps = page.locator("li.step")
    expect(steps).to_have_count(2)
    expect(steps.nth(1).locator(".redline ins")).to_contain_text(ADDED)
    expect(steps.nth(1)).to_contain_text("RD/001 (Test party AUT)")
    expect(steps.nth(1)).to_contain_text(f"in force from {in_force.isoformat()}")

    # What changed in the new edition: the provision, its redline, its amendment and the
    # recommendation that carried it.
    page.goto(base + "/w/rkc/editions")
    page.get_by_role("row", name=re.compile("Text adopted at the 31st meeting")).get_by_role(
        "link", name="What changed"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "What changed in “Text adopted at the 31st meeting”"
    )
    changed = page.locator("article.cmp")
    expect(changed).to_have_count(1)
    expect(changed).to_contain_text("Standard 3.2")
    expect(changed.locator("ins")).to_contain_text(ADDED)
    expect(changed.locator(".provenance")).to_contain_text("RD/001 (Test party AUT)")
    carried = page.locator("p.procedure")
    expect(carried).to_contain_text("Amendment of the Annexes (Article 16)")
    expect(carried).to_contain_text(SESSION)
    expect(carried.locator(".badge")).to_have_text("In force")
    carried.get_by_role("link", name="Amendment of the Annexes (Article 16)").click()
    expect(page.locator("section.outcome")).to_contain_text(f"In force from {_long(in_force)}")
