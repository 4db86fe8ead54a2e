"""Bad input is refused with a clear message naming the field and the provision, and nothing is
stored: not an amendment, not a version, not an audit event. Through the operations and
through the pages (HTTP 400, the form again with the message)."""

from __future__ import annotations

import pytest

from rkc.amendments.discussion import take_position
from rkc.amendments.errors import AmendmentError, StaleTargetError
from rkc.amendments.lifecycle import change_status
from rkc.amendments.proposing import (
    _current,
    propose_deletion,
    propose_heading,
    propose_insertion,
    propose_modification,
    revise_amendment,
)
from rkc.amendments.rebasing import revise_provision
from rkc.audit import Actor, acting_as
from rkc.convention import operations as text_store
from rkc.convention import queries as text_queries
from rkc.extensions import db

from ..helpers import csrf_token, log_in
from .conftest import World, counts


@pytest.fixture
def tabled(world: World):  # type: ignore[no-untyped-def]
    """A tabled amendment of delegate_a's party to Standard 3.1; committed."""
    with acting_as(Actor(None, "test", "system")):
        amendment = propose_modification(
            world.draft,
            world.node("ga/3/3.1"),
            user=world.user("delegate_a"),
            text=world.text("ga/3/3.1") + " Tabled.",
            justification="Reasons.",
        )
        change_status(amendment, "tabled", user=world.user("delegate_a"))
    db.session.commit()
    return amendment


def _refused(match: str, call) -> None:  # type: ignore[no-untyped-def]
    """`call` raises AmendmentError matching `match` and leaves every table as it was."""
    before = counts()
    with acting_as(Actor(None, "test", "system")), pytest.raises(AmendmentError, match=match):
        call()
    db.session.rollback()
    assert counts() == before


# --------------------------------------------------------------------------- operations


def test_an_unchanged_text_is_refused(world):
    node, text = world.node("ga/3/3.1"), world.text("ga/3/3.1")
    a = world.user("delegate_a")
    _refused(
        r"Proposed text: it is the same as the current text of Standard 3\.1",
        lambda: propose_modification(world.draft, node, user=a, text=f"  {text}\r\n"),
    )
    _refused(
        "Proposed text: empty.*propose a deletion",
        lambda: propose_modification(world.draft, node, user=a, text=" \n "),
    )
    title = _current(world.draft, world.node("ga/3")).title
    _refused(
        "Heading: it is the same as the current heading of Chapter 3",
        lambda: propose_heading(world.draft, world.node("ga/3"), user=a, title=title),
    )


def test_an_empty_insertion_is_refused(world):
    a = world.user("delegate_a")
    section = world.node("ga/3/s-a")
    after = world.node("ga/3/3.1")

    def insert(**kwargs):  # type: ignore[no-untyped-def]
        fields = {"kind": "standard", "number": "3.1A", "text": "New text."} | kwargs
        return lambda: propose_insertion(world.draft, section, user=a, after=after, **fields)

    _refused(
        "Proposed text: empty. An insertion needs the text of the new Standard 3.1A",
        insert(text="  "),
    )
    _refused("Number: a new Standard needs a number", insert(number=""))
    _refused(r"Number: Standard 3\.2 already exists in Section A", insert(number="3.2"))
    _refused("Kind: a Article cannot stand in Section A", insert(kind="article"))
    _refused("Kind: choose what the new unit is", insert(kind="poem"))
    _refused("Key: “ga/3/3.1” is already taken", insert(key="ga/3/3.1"))
    _refused(
        "Place: ga/3/3.3 is not a unit of Section A",
        lambda: propose_insertion(
            world.draft,
            section,
            user=a,
            after=world.node("ga/3/3.3"),
            kind="standard",
            number="3.1A",
            text="New.",
        ),
    )


def test_a_target_outside_the_working_draft_is_refused(world):
    a = world.user("delegate_a")
    in_force = text_queries.edition_by_slug(world.draft.work, "2006")
    node = world.node("ga/3/3.1")
    _refused(
        "is in force: amendments are proposed to a working draft only",
        lambda: propose_modification(in_force, node, user=a, text="Other text."),
    )
    _refused(
        "is in force: amendments are proposed to a working draft only",
        lambda: propose_deletion(in_force, node, user=a),
    )
    guideline = text_queries.node_by_key("gl-ga-3")
    assert guideline is not None
    _refused(
        "gl-ga-3 is not in the working draft",
        lambda: propose_modification(world.draft, guideline, user=a, text="Other text."),
    )
    with acting_as(Actor(None, "test", "system")):
        text_store.remove_node(world.draft, world.node("ga/3/3.2"))
    db.session.commit()
    _refused(
        "ga/3/3.2 is not in the working draft",
        lambda: propose_modification(
            world.draft, world.node("ga/3/3.2"), user=a, text="Back again."
        ),
    )


def test_revising_a_decided_amendment_is_refused(world, tabled):
    a, sec = world.user("delegate_a"), world.user("secretariat")
    with acting_as(Actor(None, "test", "system")):
        change_status(tabled, "under_discussion", user=sec)
        change_status(tabled, "not_agreed", user=sec)
    db.session.commit()
    _refused(
        "RD/001 is not agreed: a decided amendment cannot be revised",
        lambda: revise_amendment(
            tabled, user=a, expected_seq=1, text=world.text("ga/3/3.1") + " Again."
        ),
    )


def test_a_double_position_is_refused(world, tabled):
    c = world.user("delegate_c")
    with acting_as(Actor(None, "test", "system")):
        take_position(tabled, user=c, stance="objection")
    db.session.commit()
    _refused(
        "Position: Test party KHM has already taken a position on RD/001 .objection.",
        lambda: take_position(tabled, user=c, stance="support"),
    )


def test_a_stale_base_is_refused_as_stale(world):
    a = world.user("delegate_a")
    node = world.node("ga/3/3.1")
    old = world.revision_id("ga/3/3.1")
    with acting_as(Actor(None, "test", "system")):
        revise_provision(world.draft, node, expected_revision_id=old, text="Moved on.")
    db.session.commit()
    before = counts()
    with acting_as(Actor(None, "test", "system")), pytest.raises(StaleTargetError) as caught:
        propose_modification(world.draft, node, user=a, text="Mine.", expected_revision_id=old)
    assert "Standard 3.1 changed since you opened this form" in str(caught.value)
    assert caught.value.current.text == "Moved on."
    db.session.rollback()
    assert counts() == before


def test_oversized_fields_are_refused(world):
    a = world.user("delegate_a")
    node = world.node("ga/3/3.1")
    _refused(
        "Concept: at most 120 characters",
        lambda: propose_modification(world.draft, node, user=a, text="X.", concept="c" * 121),
    )
    _refused(
        "Proposed text: at most 50,000 characters",
        lambda: propose_modification(world.draft, node, user=a, text="word " * 10_001),
    )


# --------------------------------------------------------------------------- pages


def _post(client, url: str, data: dict):  # type: ignore[no-untyped-def]
    return client.post(url, data={"csrf_token": csrf_token(client, "/amendments/"), **data})


def test_pages_refuse_bad_proposals_with_400_and_store_nothing(small_app, world):
    client = small_app.test_client()
    log_in(client, "delegate-a")
    url = "/amendments/propose/ga/3/3.1"
    current = world.revision_id("ga/3/3.1")
    cases = [
        (
            {"change": "modify", "text": world.text("ga/3/3.1"), "base_revision_id": current},
            "it is the same as the current text of Standard 3.1",
        ),
        (
            {
                "change": "insert",
                "after": "ga/3/3.1",
                "kind": "standard",
                "number": "3.1A",
                "text": "",
            },
            "Proposed text: empty. An insertion needs the text of the new Standard 3.1A",
        ),
        ({"change": "rewrite"}, "is not a kind of amendment: modify, insert, delete or heading"),
    ]
    for data, message in cases:
        before = counts()
        response = _post(client, url, {**data, "justification": "J", "action": "save"})
        assert response.status_code == 400, data
        assert message in response.get_data(as_text=True)
        db.session.rollback()
        assert counts() == before
    before = counts()
    outside = _post(
        client,
        url + "?edition=2006",
        {"change": "modify", "text": "Other.", "base_revision_id": current, "action": "save"},
    )
    assert outside.status_code == 404
    assert "Amendments are proposed to a working draft only" in outside.get_data(as_text=True)
    db.session.rollback()
    assert counts() == before


def test_pages_refuse_a_double_position_and_a_decided_revision(small_app, world, tabled):
    c = small_app.test_client()
    log_in(c, "delegate-c")
    first = _post(c, f"/amendments/{tabled.id}/position", {"stance": "objection"})
    assert first.status_code == 302
    db.session.rollback()
    before = counts()
    second = _post(c, f"/amendments/{tabled.id}/position", {"stance": "support"})
    assert second.status_code == 400
    assert "has already taken a position on RD/001" in second.get_data(as_text=True)
    db.session.rollback()
    assert counts() == before

    sec = small_app.test_client()
    log_in(sec, "secretariat")
    for to in ("under_discussion", "agreed"):
        assert _post(sec, f"/amendments/{tabled.id}/status", {"to": to}).status_code == 302
    a = small_app.test_client()
    log_in(a, "delegate-a")
    db.session.rollback()
    before = counts()
    page = a.get(f"/amendments/{tabled.id}/revise")
    assert page.status_code == 400
    assert "a decided amendment cannot be revised" in page.get_data(as_text=True)
    posted = _post(
        a,
        f"/amendments/{tabled.id}/revise",
        {"change": "modify", "text": "New.", "expected_seq": 1, "action": "save"},
    )
    assert posted.status_code == 400
    db.session.rollback()
    assert counts() == before
