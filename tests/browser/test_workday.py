"""Issue 15 in chromium: My work (4), propose in place (6), conflict resolution (7), the
freeze pre-flight (8) and small screens (10). Each page is shot at 1280 and 390 px wide and
checked for sideways scrolling; at 390 px the header takes at most 80 px."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from rkc.amendments import merging
from rkc.amendments.discussion import request_co_sponsorship
from rkc.amendments.lifecycle import change_status
from rkc.amendments.proposing import _current, propose_modification
from rkc.audit import Actor, acting_as
from rkc.auth.models import User
from rkc.convention import queries as text_queries
from rkc.extensions import db
from tests.browser.conftest import LiveServer
from tests.helpers import PASSWORD, create_people

pytestmark = pytest.mark.browser

SHOTS = Path(tempfile.gettempdir()) / "rkc-workday"
WIDTHS = (1280, 390)


def _log_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My work")  # where a day starts


def _check_widths(page: Page, name: str) -> None:
    """Screenshots at each width; no sideways scrolling; a short header on a phone."""
    SHOTS.mkdir(exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(50)
        page.screenshot(path=SHOTS / f"{name}-{width}.png", full_page=True)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(e => !e.closest('header') && e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                .slice(0, 5).map(e => e.tagName + '.' + e.className)"""
        )
        assert overflow <= 0, f"{name} at {width} px scrolls sideways by {overflow} px: {wide}"
        if width == 390:
            header = page.evaluate(
                "() => document.querySelector('header.site').getBoundingClientRect().height"
            )
            assert header <= 80, f"{name}: the header is {header} px tall at 390 px"
    page.set_viewport_size({"width": 1280, "height": 900})


def _setup(app) -> dict:  # type: ignore[no-untyped-def]
    with app.app_context(), acting_as(Actor(None, "test-setup", "system")):
        people = create_people()
        a = db.session.get(User, people["delegate_a"].user_id)
        b = db.session.get(User, people["delegate_b"].user_id)
        sec = db.session.get(User, people["secretariat"].user_id)
        draft = text_queries.edition_by_slug(text_queries.work_by_key("rkc"), "review-draft")
        node = text_queries.node_by_key("ga/3/3.1")
        merged = propose_modification(
            draft,
            node,
            user=b,
            text="Customs shall name the offices at which goods may be cleared.",
            justification="Shorter.",
        )
        for status, by in (("tabled", b), ("under_discussion", sec), ("agreed", sec)):
            change_status(merged, status, user=by)
        pending = propose_modification(
            draft,
            node,
            user=a,
            text="Customs shall designate the offices at which goods may be examined and cleared.",
            justification="Examination first.",
        )
        change_status(pending, "tabled", user=a)
        request_co_sponsorship(pending, user=b)
        db.session.flush()
        current = _current(draft, node)
        merging.merge(draft, [merged], expected={node.id: current.id}, user=sec)
        waiting = propose_modification(
            draft,
            text_queries.node_by_key("ga/3/3.2"),
            user=b,
            text="Customs shall publish its hours of business.",
            justification="Say it plainly.",
        )
        for status, by in (("tabled", b), ("under_discussion", sec), ("agreed", sec)):
            change_status(waiting, status, user=by)
        db.session.commit()
        return {"pending": pending.id, "waiting": waiting.label}


def test_a_delegates_day_in_chromium(small_live_server: LiveServer, page: Page) -> None:
    base = small_live_server.url
    _setup(small_live_server.app)
    _log_in(page, base, "delegate-a")

    # 4. My work: the counts, and the conflict to resolve.
    sponsors = page.locator("#sponsors")
    expect(sponsors.locator(".badge")).to_have_text("1")
    expect(page.locator("#conflicts .badge")).to_have_text("1")
    _check_widths(page, "my-work")

    # 7. Resolve the conflict: three versions and a suggested merge, saved as it stands.
    page.locator("#conflicts").get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Resolve the conflict")).to_be_visible()
    expect(page.get_by_label("Proposed text")).to_have_value(
        "Customs shall name the offices at which goods may be examined and cleared."
    )
    _check_widths(page, "resolve")
    page.get_by_label("Justification (Markdown)").fill("Examination first, over the new text.")
    page.get_by_role("button", name="Save").first.click()
    expect(page.locator(".flash")).to_be_visible()

    # 6. Propose where you read: the draft chapter marks the pending amendment in place.
    page.goto(base + "/n/ga/3?edition=review-draft")
    first = page.locator('article[id="ga/3/3.1"]')
    expect(first.locator(".pending-here")).to_contain_text("1 amendment pending: 1 tabled")
    other = page.locator('article[id="ga/3/3.2"]')
    other.get_by_text("Propose a change here").click()
    other.get_by_label("Proposed text").fill("Customs shall publish its opening hours.")
    other.get_by_label("Justification (Markdown)").fill("Plainer.")
    _check_widths(page, "draft-chapter")
    other.get_by_role("button", name="Save as a draft amendment").click()
    expect(page.locator(".flash")).to_contain_text("Your draft amendment is saved")


def test_the_secretariat_freezes_after_the_preflight(
    small_live_server: LiveServer, page: Page
) -> None:
    base = small_live_server.url
    ids = _setup(small_live_server.app)
    _log_in(page, base, "secretariat")
    expect(page.locator("#merge .badge")).to_have_text("1")

    # 8. The pre-flight: the agreed amendment blocks the freeze.
    page.goto(base + "/w/rkc/editions/review-draft/manage")
    page.get_by_role("link", name="Check and freeze…").click()
    expect(page.get_by_text("1 agreed amendment(s) not merged")).to_be_visible()
    expect(page.locator(".preflight")).to_contain_text(ids["waiting"])
    expect(page.get_by_role("button", name="Freeze the draft")).to_be_disabled()
    _check_widths(page, "freeze-preflight")

    # 10. The parties matrix at 390 px: it scrolls inside itself, the party column stays.
    page.goto(base + "/parties")
    _check_widths(page, "parties")
