"""The amendment pages through the test client: the two-step proposal form, 409s with a way
forward, what each viewer sees and may do, lists, the compilation and its print view."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from rkc.amendments.lifecycle import change_status
from rkc.amendments.models import Amendment, AmendmentStatus
from rkc.amendments.proposing import propose_deletion, propose_modification
from rkc.amendments.rebasing import revise_provision
from rkc.audit import Actor, acting_as
from rkc.extensions import db

from ..helpers import csrf_token, log_in
from .conftest import World, counts


def _client(app, username: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    assert log_in(client, username).status_code == 302
    return client


def _post(client, url: str, data: dict):  # type: ignore[no-untyped-def]
    return client.post(url, data={"csrf_token": csrf_token(client, "/amendments/"), **data})


def _only_amendment() -> Amendment:
    db.session.rollback()
    found = db.session.scalars(select(Amendment)).all()
    assert len(found) == 1
    return found[0]


@pytest.fixture
def tabled(world: World) -> Amendment:
    with acting_as(Actor(None, "test", "system")):
        amendment = propose_modification(
            world.draft,
            world.node("ga/3/3.1"),
            user=world.user("delegate_a"),
            text=world.text("ga/3/3.1") + " Tabled sentence.",
            justification="Reasons.",
        )
        change_status(amendment, "tabled", user=world.user("delegate_a"))
    db.session.commit()
    return amendment


def test_propose_with_a_preview_then_save_then_table(small_app, world):
    client = _client(small_app, "delegate-a")
    url = "/amendments/propose/ga/3/3.1"
    form = client.get(url).get_data(as_text=True)
    current = world.text("ga/3/3.1")
    assert f"{current}</textarea>" in form  # pre-filled with the current text
    base = re.search(r'name="base_revision_id" value="(\d+)"', form)
    assert base is not None
    assert int(base.group(1)) == world.revision_id("ga/3/3.1")

    proposed = current.replace("designate", "designate and publish")
    data = {
        "change": "modify",
        "base_revision_id": base.group(1),
        "text": proposed,
        "justification": "Traders must *know* where to go.",
        "concept": "Customs offices",
    }
    before = counts()
    preview = _post(client, url, {**data, "action": "preview"})
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert '<ins class="redline-ins">and publish </ins>' in html
    assert "<em>know</em>" in html
    assert "Nothing is stored until you save." in html
    assert f"{proposed}</textarea>" in html  # the same form, still filled in
    db.session.rollback()
    assert counts() == before

    saved = _post(client, url, {**data, "action": "save"})
    assert saved.status_code == 302
    amendment = _only_amendment()
    assert saved.headers["Location"] == f"/amendments/{amendment.id}"
    assert amendment.status is AmendmentStatus.DRAFT
    assert amendment.proposed_text == proposed
    page = client.get(f"/amendments/{amendment.id}").get_data(as_text=True)
    assert "Unnumbered draft" in page
    assert f"#{amendment.id}" not in page  # no database id shown
    assert "only the delegates of Test party AUT can see it" in page

    tabled = _post(client, f"/amendments/{amendment.id}/status", {"to": "tabled", "reason": "Go"})
    assert tabled.status_code == 302
    amendment = _only_amendment()
    assert (amendment.status, amendment.number) == (AmendmentStatus.TABLED, "RD/001")
    assert "RD/001" in client.get(f"/amendments/{amendment.id}").get_data(as_text=True)


def test_propose_an_insertion_a_heading_and_a_deletion_through_the_pages(small_app, world):
    client = _client(small_app, "delegate-b")
    form = client.get("/amendments/propose/ga/3/3.1?change=insert").get_data(as_text=True)
    assert '<option selected value="ga/3/3.1">After Standard 3.1</option>' in form
    response = _post(
        client,
        "/amendments/propose/ga/3/3.1",
        {
            "change": "insert",
            "after": "ga/3/3.1",
            "kind": "standard",
            "number": "3.1A",
            "text": "Customs shall publish the list of offices.",
            "justification": "J",
            "action": "save",
        },
    )
    assert response.status_code == 302
    inserted = _only_amendment()
    assert inserted.proposed_key == "ga/3/3.1a"
    assert inserted.after_node.key == "ga/3/3.1"
    assert inserted.parent_node.key == "ga/3/s-a"
    heading = _post(
        client,
        "/amendments/propose/ga/3",
        {
            "change": "heading",
            "title": "Clearance",
            "base_revision_id": world.revision_id("ga/3"),
            "action": "save",
        },
    )
    assert heading.status_code == 302
    deletion = _post(
        client,
        "/amendments/propose/ga/3/3.4",
        {"change": "delete", "base_revision_id": world.revision_id("ga/3/3.4"), "action": "save"},
    )
    assert deletion.status_code == 302
    db.session.rollback()
    actions = sorted(a.action.value for a in db.session.scalars(select(Amendment)))
    assert actions == ["delete", "heading", "insert"]


def test_a_stale_form_answers_409_and_carries_the_changes_over(small_app, world):
    client = _client(small_app, "delegate-a")
    db.session.rollback()  # read what the log-in committed before writing here
    url = "/amendments/propose/ga/3/3.1"
    old_id = world.revision_id("ga/3/3.1")
    old = world.text("ga/3/3.1")
    with acting_as(Actor(None, "test", "system")):
        revise_provision(
            world.draft,
            world.node("ga/3/3.1"),
            expected_revision_id=old_id,
            text=old.replace("goods", "all goods"),
        )
    db.session.commit()
    before = counts()
    response = _post(
        client,
        url,
        {
            "change": "modify",
            "base_revision_id": old_id,
            "text": old + " Mine.",
            "justification": "J",
            "action": "save",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "changed since you opened this form" in html
    assert "Your changes were carried over to the current text." in html
    assert f"{old.replace('goods', 'all goods')} Mine.</textarea>" in html
    assert f'name="base_revision_id" value="{world.revision_id("ga/3/3.1")}"' in html
    db.session.rollback()
    assert counts() == before


def test_revising_through_the_page_and_a_stale_version(small_app, world, tabled):
    client = _client(small_app, "delegate-a")
    form = client.get(f"/amendments/{tabled.id}/revise").get_data(as_text=True)
    assert 'name="expected_seq" value="1"' in form
    data = {
        "change": "modify",
        "base_revision_id": world.revision_id("ga/3/3.1"),
        "expected_seq": 1,
        "text": world.text("ga/3/3.1") + " Revised sentence.",
        "justification": "Better reasons.",
        "action": "save",
    }
    assert _post(client, f"/amendments/{tabled.id}/revise", data).status_code == 302
    stale = _post(client, f"/amendments/{tabled.id}/revise", {**data, "text": "Late."})
    assert stale.status_code == 409
    assert "you had version 1, it is now at version 2" in stale.get_data(as_text=True)
    page = client.get(f"/amendments/{tabled.id}").get_data(as_text=True)
    assert "Version 2" in page
    assert '<ins class="redline-ins">Revised</ins>' in page


def test_members_only_and_drafts_for_their_own_party(small_app, world, tabled):
    anonymous = small_app.test_client()
    for url in ("/amendments/", f"/amendments/{tabled.id}", "/amendments/compilation"):
        response = anonymous.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
    with acting_as(Actor(None, "test", "system")):
        draft = propose_deletion(world.draft, world.node("ga/3/3.2"), user=world.user("delegate_a"))
    db.session.commit()
    b = _client(small_app, "delegate-b")
    missing = b.get(f"/amendments/{draft.id}")
    assert missing.status_code == 404
    assert "Drafts are visible to the delegates of their own party only" in missing.get_data(
        as_text=True
    )
    assert f"/amendments/{draft.id}" not in b.get("/amendments/").get_data(as_text=True)
    a = _client(small_app, "delegate-a")
    assert a.get(f"/amendments/{draft.id}").status_code == 200
    assert f"/amendments/{draft.id}" in a.get("/amendments/?scope=mine").get_data(as_text=True)


def test_each_viewer_sees_the_actions_open_to_them(small_app, tabled):
    def page(username: str) -> str:
        return _client(small_app, username).get(f"/amendments/{tabled.id}").get_data(as_text=True)

    a, b, sec, observer = (page(u) for u in ("delegate-a", "delegate-b", "secretariat", "observer"))
    # Destructive: apart, behind a second click that names what it does (issue 15, item 9).
    assert f'value="withdrawn" class="danger">Withdraw: {tabled.label}</button>' in a
    assert '<details class="confirm-danger"><summary>Withdraw…</summary>' in a
    assert "Revise it" in a
    assert "State the position" not in a  # a party does not judge its own amendment
    assert "Ask to co-sponsor for Test party CAN" in b
    assert "State the position" in b
    assert "Revise it" not in b
    assert 'value="under_discussion" class="primary">Open the discussion</button>' in sec
    assert "Withdraw" not in sec
    for html in (observer,):
        assert "What you can do" not in html
        assert "New comment" not in html


def test_co_sponsor_position_and_comments_through_the_pages(small_app, tabled):
    b, a, c = (_client(small_app, u) for u in ("delegate-b", "delegate-a", "delegate-c"))
    url = f"/amendments/{tabled.id}"
    assert _post(b, f"{url}/sponsors", {"note": "With you."}).status_code == 302
    assert "Confirm Test party CAN as co-sponsor" in a.get(url).get_data(as_text=True)
    party_b = _only_amendment_sponsor_party()
    assert _post(a, f"{url}/sponsors/{party_b}", {"decision": "confirm"}).status_code == 302
    assert (
        _post(c, f"{url}/position", {"stance": "objection", "statement": "No."}).status_code == 302
    )
    changed = _post(c, f"{url}/position/change", {"stance": "reservation", "statement": "Well."})
    assert changed.status_code == 302
    assert _post(c, f"{url}/comments", {"body": "A **question**."}).status_code == 302
    html = a.get(url).get_data(as_text=True)
    assert "Test party CAN: confirmed" in html
    assert "<strong>question</strong>" in html
    assert "Before: objection" in html
    root = re.search(r'id="comment-(\d+)"', html)
    assert root is not None
    assert (
        _post(a, f"{url}/comments", {"body": "An answer.", "reply_to": root.group(1)}).status_code
        == 302
    )
    resolved = _post(a, f"{url}/comments/{root.group(1)}/resolve", {"resolved": "1"})
    assert resolved.status_code == 302
    assert "Resolved by Delegate A" in a.get(url).get_data(as_text=True)


def _only_amendment_sponsor_party() -> int:
    from rkc.amendments.models import AmendmentSponsor

    db.session.rollback()
    return db.session.scalars(select(AmendmentSponsor.party_id)).one()


def test_user_markdown_is_rendered_safely(small_app, world):
    client = _client(small_app, "delegate-a")
    nasty = "<script>alert(1)</script> [x](javascript:alert(2)) **bold**"
    response = _post(
        client,
        "/amendments/propose/ga/3/3.1",
        {
            "change": "modify",
            "base_revision_id": world.revision_id("ga/3/3.1"),
            "text": "<b>new</b> text",
            "justification": nasty,
            "action": "preview",
        },
    )
    html = response.get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript:' not in html
    assert "<strong>bold</strong>" in html
    assert "<b>new</b>" not in html


def test_lists_changes_and_mark_seen(small_app, tabled):
    observer = _client(small_app, "observer")
    listing = observer.get("/amendments/?scope=tabled&chapter=ga/3").get_data(as_text=True)
    assert "RD/001" in listing
    assert "RD/001" not in observer.get("/amendments/?chapter=sa-b").get_data(as_text=True)
    assert "RD/001" not in observer.get("/amendments/?status=agreed").get_data(as_text=True)
    bad = observer.get("/amendments/?status=lost&edition=nope").get_data(as_text=True)
    assert "“lost” is not a status" in bad
    assert "“nope” is not a working draft" in bad
    assert "RD/001" in observer.get("/amendments/changes").get_data(as_text=True)
    assert _post(observer, "/amendments/changes/seen", {}).status_code == 302
    assert "RD/001" not in observer.get("/amendments/changes").get_data(as_text=True)


def test_provision_page_shows_competing_amendments_together(small_app, world, tabled):
    with acting_as(Actor(None, "test", "system")):
        rival = propose_modification(
            world.draft,
            world.node("ga/3/3.1"),
            user=world.user("delegate_b"),
            text=world.text("ga/3/3.1") + " Rival sentence.",
            justification="Other reasons.",
        )
        change_status(rival, "tabled", user=world.user("delegate_b"))
    db.session.commit()
    html = (
        _client(small_app, "observer").get("/amendments/provision/ga/3/3.1").get_data(as_text=True)
    )
    assert "Pending amendments (2)" in html
    assert "These amendments compete" in html
    assert html.index("RD/001") < html.index("RD/002")
    reading = _client(small_app, "observer").get("/n/ga/3/3.1?edition=review-draft")
    assert "/amendments/provision/ga/3/3.1?edition=review-draft" in reading.get_data(as_text=True)


def test_compilation_and_its_print_view(small_app, tabled):
    client = _client(small_app, "secretariat")
    html = client.get("/amendments/compilation?chapter=ga/3").get_data(as_text=True)
    assert "Compilation of amendments: Chapter 3" in html
    assert "RD/001" in html
    assert "Tabled sentence" in html
    assert "Reasons." in html
    printed = client.get("/amendments/compilation/print?chapter=ga/3").get_data(as_text=True)
    assert "RD/001" in printed
    assert 'href="/static/print.css">' in printed
    empty = client.get("/amendments/compilation?status=merged").get_data(as_text=True)
    assert "No tabled amendment matches." in empty
