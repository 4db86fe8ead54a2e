"""Item 6 of issue 15: the working draft's chapter view marks each provision with the
amendments pending on it (count and state) and offers "propose" in place."""

from __future__ import annotations

import re

from rkc.amendments.lifecycle import change_status
from rkc.amendments.models import Amendment
from rkc.amendments.proposing import propose_deletion, propose_modification
from rkc.extensions import db

from ..helpers import log_in

CHAPTER = "/n/ga/3?edition=review-draft"


def _article(page: str, key: str) -> str:
    found = re.search(
        rf'<article class="unit[^"]*" id="{re.escape(key)}">(.*?)</article>', page, re.S
    )
    assert found, key
    return " ".join(found.group(1).split())


def test_the_chapter_view_marks_pending_amendments_and_proposes_in_place(world, actor, small_app):
    a = world.user("delegate_a")
    tabled = propose_modification(
        world.draft, world.node("ga/3/3.1"), user=a, text="New words.", justification="Why."
    )
    change_status(tabled, "tabled", user=a)
    propose_deletion(world.draft, world.node("ga/3/3.1"), user=a, justification="Held back.")
    db.session.commit()

    b = small_app.test_client()
    log_in(b, "delegate-b")
    page = b.get(CHAPTER).get_data(as_text=True)
    first = _article(page, "ga/3/3.1")
    assert "1</strong> amendment pending: 1 tabled" in first  # A's draft is A's party's only
    assert "Propose a change here" in first
    assert "Propose a change here" in _article(page, "ga/3/3.2")
    assert "pending" not in _article(page, "ga/3/3.2")
    etag = b.get(CHAPTER).headers.get("ETag")

    own = small_app.test_client()
    log_in(own, "delegate-a")
    assert "2</strong> amendments pending: 1 draft, 1 tabled" in _article(
        own.get(CHAPTER).get_data(as_text=True), "ga/3/3.1"
    )

    # Propose in place: the form inside the provision saves a draft amendment.
    form = re.search(r'id="ga/3/3.2">(.*?)</article>', page, re.S).group(1)
    action = re.search(r'<form method="post" action="([^"]+)"', form).group(1).replace("&amp;", "&")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    base = re.search(r'name="base_revision_id" value="(\d+)"', form).group(1)
    response = b.post(
        action,
        data={
            "csrf_token": token,
            "change": "modify",
            "base_revision_id": base,
            "text": "Customs shall publish its hours of business.",
            "justification": "Say it plainly.",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.rollback()
    made = db.session.query(Amendment).filter_by(party_id=world.user("delegate_b").party_id).one()
    assert made.proposed_text == "Customs shall publish its hours of business."
    # The page moved on with the amendments (no stale 304 from the text store's version alone).
    again = b.get(CHAPTER, headers={"If-None-Match": etag} if etag else {})
    assert again.status_code == 200
    assert "1</strong> amendment pending: 1 draft" in _article(
        again.get_data(as_text=True), "ga/3/3.2"
    )


def test_the_public_sees_no_proposal_marks(small_app):
    page = small_app.test_client().get("/n/ga/3").get_data(as_text=True)
    assert "Propose a change here" not in page
    assert "pending" not in page
