"""Item 7 of issue 15: the revise form of a conflicted amendment shows base / current /
proposed and pre-fills a suggested merge where the engine can make one."""

from __future__ import annotations

import html
import re

from rkc.amendments import merging
from rkc.amendments.lifecycle import change_status
from rkc.amendments.proposing import propose_modification
from rkc.extensions import db
from rkc.text.merge import merge3, suggest

from ..helpers import log_in

BASE = "Customs shall designate the offices at which goods may be produced or cleared."


def test_the_engine_suggests_the_side_that_kept_the_other_change():
    current = "Customs shall designate the offices at which goods may be cleared."
    proposed = "Customs shall designate the offices at which goods may be examined and cleared."
    assert merge3(BASE, current, proposed).text is None  # a real conflict
    assert suggest(BASE, current, proposed) == proposed
    widened = "Customs shall designate the offices at which goods may be produced or cleared within a day."
    assert suggest(
        BASE, "Customs shall name the offices at which goods may be produced or cleared.", widened
    ) == ("Customs shall name the offices at which goods may be produced or cleared within a day.")
    # Two different rewrites of the same words: no suggestion.
    assert suggest(BASE, BASE.replace("produced or cleared", "released"), proposed) is None


def _conflicted(world, proposed: str, merged_text: str):  # type: ignore[no-untyped-def]
    node = world.node("ga/3/3.1")
    first = propose_modification(
        world.draft, node, user=world.user("delegate_b"), text=merged_text, justification="B."
    )
    for status, by in (
        ("tabled", "delegate_b"),
        ("under_discussion", "secretariat"),
        ("agreed", "secretariat"),
    ):
        change_status(first, status, user=world.user(by))
    pending = propose_modification(
        world.draft, node, user=world.user("delegate_a"), text=proposed, justification="A."
    )
    change_status(pending, "tabled", user=world.user("delegate_a"))
    db.session.flush()
    merging.merge(
        world.draft,
        [first],
        expected={node.id: world.revision_id("ga/3/3.1")},
        user=world.user("secretariat"),
    )
    db.session.commit()
    db.session.refresh(pending)
    assert pending.has_conflict
    return pending


def _textarea(page: str) -> str:
    found = re.search(r'<textarea[^>]*name="text"[^>]*>(.*?)</textarea>', page, re.S)
    assert found
    return html.unescape(found.group(1)).strip()


def test_the_revise_form_shows_three_versions_and_a_suggested_merge(world, actor, small_app):
    proposed = "Customs shall designate the offices at which goods may be examined and cleared."
    pending = _conflicted(
        world, proposed, "Customs shall name the offices at which goods may be cleared."
    )
    client = small_app.test_client()
    log_in(client, "delegate-a")
    page = client.get(f"/amendments/{pending.id}/revise").get_data(as_text=True)
    assert "Resolve the conflict" in page
    for caption in ("Written against (base)", "Current text", "Your proposal"):
        assert caption in page
    assert "suggested merge" in page
    # The change made meanwhile ("name") is kept; the overlapping words are the proposal's.
    assert _textarea(page) == (
        "Customs shall name the offices at which goods may be examined and cleared."
    )


def test_without_a_suggestion_the_proposal_is_kept_as_written(world, actor, small_app):
    proposed = "Customs shall designate the offices at which goods may be examined and cleared."
    pending = _conflicted(world, proposed, BASE.replace("produced or cleared", "released"))
    client = small_app.test_client()
    log_in(client, "delegate-a")
    page = client.get(f"/amendments/{pending.id}/revise").get_data(as_text=True)
    assert "too much for a suggested merge" in page
    assert _textarea(page) == proposed
