"""Item 4 of issue 15: "My work" after log-in, what awaits each member, with counts."""

from __future__ import annotations

import re

from rkc.amendments.discussion import add_comment, request_co_sponsorship
from rkc.amendments.lifecycle import change_status
from rkc.amendments.proposing import propose_modification
from rkc.extensions import db

from ..helpers import csrf_token

PASSWORD_FIELD = "password"


def _log_in(client, username: str):  # type: ignore[no-untyped-def]
    from ..helpers import PASSWORD

    token = csrf_token(client)
    return client.post(
        "/login", data={"csrf_token": token, "username": username, PASSWORD_FIELD: PASSWORD}
    )


def _count(page: str, key: str) -> int:
    found = re.search(
        rf'<section id="{key}" class="work-section">\s*<h2>[^<]*<span class="badge">(\d+)</span>',
        page,
    )
    assert found, key
    return int(found.group(1))


def test_log_in_lands_on_my_work_with_what_awaits_each_member(world, actor, small_app):
    a, b = world.user("delegate_a"), world.user("delegate_b")
    tabled = propose_modification(
        world.draft, world.node("ga/3/3.1"), user=a, text="New words.", justification="Why."
    )
    change_status(tabled, "tabled", user=a)
    request_co_sponsorship(tabled, user=b)
    first = add_comment(tabled, user=a, body="Views welcome.")
    add_comment(tabled, user=b, body="A question from B.", reply_to=first)
    agreed = propose_modification(
        world.draft, world.node("ga/3/3.2"), user=b, text="Other words.", justification="Why."
    )
    change_status(agreed, "tabled", user=b)
    change_status(agreed, "under_discussion", user=world.user("secretariat"))
    change_status(agreed, "agreed", user=world.user("secretariat"))
    db.session.commit()

    client = small_app.test_client()
    response = _log_in(client, "delegate-a")
    assert response.headers["Location"] == "/my-work"
    page = client.get("/my-work").get_data(as_text=True)
    assert _count(page, "sponsors") == 1
    assert "Test party CAN asks to co-sponsor it" in page
    assert _count(page, "positions") == 0  # B's amendment is agreed, no longer open
    assert _count(page, "conflicts") == 0
    assert _count(page, "replies") == 1
    assert f"/amendments/{tabled.id}#comment-" in page

    other = small_app.test_client()
    _log_in(other, "delegate-b")
    page_b = other.get("/my-work").get_data(as_text=True)
    assert _count(page_b, "positions") == 1  # A's tabled amendment
    assert tabled.label in page_b
    assert _count(page_b, "replies") == 0  # B wrote last

    secretariat = small_app.test_client()
    _log_in(secretariat, "secretariat")
    page_s = secretariat.get("/my-work").get_data(as_text=True)
    assert _count(page_s, "merge") == 1
    assert agreed.label in page_s
    assert 'id="sponsors"' not in page_s


def test_my_work_needs_a_log_in(small_app):
    response = small_app.test_client().get("/my-work")
    assert response.status_code in (302, 401)
