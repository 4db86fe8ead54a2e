"""The Secretariat's merge queue: all or nothing, provenance, compromise, and racing merges."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from rkc.amendments import merging
from rkc.amendments.lifecycle import change_status
from rkc.amendments.models import AmendmentStatus, RevisionSource
from rkc.amendments.proposing import _current, propose_insertion, propose_modification
from rkc.amendments.rebasing import revise_provision
from rkc.convention import operations as text_store
from rkc.convention.models import Revision
from rkc.database import write_intent
from rkc.extensions import db

from ..helpers import csrf_token, log_in


def _agreed(world, key: str, text: str, by: str = "delegate_a"):  # type: ignore[no-untyped-def]
    amendment = propose_modification(
        world.draft, world.node(key), user=world.user(by), text=text, justification="Clearer."
    )
    change_status(amendment, "tabled", user=world.user(by))
    change_status(amendment, "under_discussion", user=world.user("secretariat"))
    change_status(amendment, "agreed", user=world.user("secretariat"))
    db.session.flush()
    return amendment


def test_a_merge_lands_every_amendment_with_its_sources(world, actor):
    first = _agreed(world, "ga/3/3.1", "Customs shall designate and publish its offices.")
    second = _agreed(world, "ga/3/3.2", "Customs shall publish its hours online.", by="delegate_b")
    expected = {
        world.node("ga/3/3.1").id: world.revision_id("ga/3/3.1"),
        world.node("ga/3/3.2").id: world.revision_id("ga/3/3.2"),
    }
    outcome = merging.merge(
        world.draft, [second, first], expected=expected, user=world.user("secretariat")
    )
    db.session.commit()
    assert [a.label for a in outcome.merged] == [first.label, second.label]  # document order
    assert world.text("ga/3/3.1") == "Customs shall designate and publish its offices."
    assert first.status is AmendmentStatus.MERGED
    revision = db.session.get(Revision, first.merged_revision_id)
    assert revision.origin == "amendment"
    assert first.label in revision.origin_ref
    assert "Test party AUT" in revision.origin_ref
    sources = db.session.scalars(
        select(RevisionSource).where(RevisionSource.revision_id == revision.id)
    ).all()
    assert [(s.amendment_id, s.role) for s in sources] == [(first.id, "merged")]


def test_one_bad_amendment_means_nothing_is_merged(world, actor):
    good = _agreed(world, "ga/3/3.1", "Customs shall designate and publish its offices.")
    not_agreed = propose_modification(
        world.draft,
        world.node("ga/3/3.2"),
        user=world.user("delegate_b"),
        text="Something else.",
        justification="Why not.",
    )
    db.session.commit()
    before = db.session.scalar(select(func.count(Revision.id)))
    with pytest.raises(merging.MergeError, match="only an agreed amendment can be merged"):
        merging.merge(world.draft, [good, not_agreed], expected={}, user=world.user("secretariat"))
    db.session.rollback()
    assert db.session.scalar(select(func.count(Revision.id))) == before
    assert good.status is AmendmentStatus.AGREED


def test_only_the_secretariat_merges(world, actor):
    amendment = _agreed(world, "ga/3/3.1", "New words.")
    with pytest.raises(merging.MergeError, match="Only the Secretariat"):
        merging.merge(
            world.draft,
            [amendment],
            expected={amendment.node_id: world.revision_id("ga/3/3.1")},
            user=world.user("delegate_a"),
        )


def test_a_merge_rebases_the_other_pending_amendments(world, actor):
    merged = _agreed(
        world,
        "ga/3/3.1",
        "Customs shall designate the offices at which goods may be produced or cleared, and shall publish them.",
    )
    pending = propose_modification(
        world.draft,
        world.node("ga/3/3.1"),
        user=world.user("delegate_b"),
        text="The Customs administration shall designate the offices at which goods may be produced or cleared.",
        justification="Name the administration.",
    )
    db.session.flush()
    merging.merge(
        world.draft,
        [merged],
        expected={merged.node_id: world.revision_id("ga/3/3.1")},
        user=world.user("secretariat"),
    )
    db.session.commit()
    db.session.refresh(pending)
    assert not pending.has_conflict
    assert (
        pending.proposed_text
        == "The Customs administration shall designate the offices at which goods may be produced or cleared, and shall publish them."
    )
    assert pending.base_revision_id == world.revision_id("ga/3/3.1")


def test_a_compromise_supersedes_competing_amendments(world, actor):
    one = _agreed(world, "ga/3/3.1", "Customs shall designate offices.")
    two = propose_modification(
        world.draft,
        world.node("ga/3/3.1"),
        user=world.user("delegate_b"),
        text="Customs shall designate and list offices.",
        justification="List them.",
    )
    change_status(two, "tabled", user=world.user("delegate_b"))
    revision = merging.compromise(
        world.draft,
        world.node("ga/3/3.1"),
        [one, two],
        text="Customs shall designate and publish a list of offices.",
        expected_revision_id=world.revision_id("ga/3/3.1"),
        user=world.user("secretariat"),
        reason="Both ideas kept.",
    )
    db.session.commit()
    assert one.status is AmendmentStatus.SUPERSEDED
    assert two.status is AmendmentStatus.SUPERSEDED
    assert revision.origin == "compromise"
    assert one.label in revision.origin_ref
    assert two.label in revision.origin_ref
    roles = {s.amendment_id: s.role for s in db.session.scalars(select(RevisionSource))}
    assert roles == {one.id: "compromise", two.id: "compromise"}


def test_merging_against_a_text_that_moved_on_is_a_clear_conflict(world, actor):
    amendment = _agreed(world, "ga/3/3.1", "Customs shall designate offices.")
    stale = world.revision_id("ga/3/3.1")
    text_store.revise(
        world.draft, world.node("ga/3/3.1"), expected_revision_id=stale, text="Moved on meanwhile."
    )
    db.session.commit()
    with pytest.raises(text_store.StaleRevisionError, match="changed since you read it"):
        merging.merge(
            world.draft,
            [amendment],
            expected={amendment.node_id: stale},
            user=world.user("secretariat"),
        )
    db.session.rollback()
    assert world.text("ga/3/3.1") == "Moved on meanwhile."


def test_the_queue_page_merges_and_answers_409_with_the_new_text(world, actor, small_app):
    amendment = _agreed(world, "ga/3/3.1", "Customs shall designate and publish its offices.")
    stale = world.revision_id("ga/3/3.1")
    db.session.commit()
    web = small_app.test_client()
    log_in(web, "secretariat")
    page = web.get("/merge/rkc/review-draft?chapter=ga/3").get_data(as_text=True)
    assert amendment.label in page
    assert "Merge the chosen amendments" in page
    token = csrf_token(web, "/merge/rkc/review-draft")
    # Meanwhile another officer changes the provision elsewhere in its text (through the one
    # place that changes draft text, which carries the amendment over to the new text).
    added = "As a rule,"
    revise_provision(
        world.draft,
        world.node("ga/3/3.1"),
        expected_revision_id=stale,
        user=world.user("secretariat"),
        text=added + " " + world.text("ga/3/3.1"),
    )
    db.session.commit()
    response = web.post(
        "/merge/rkc/review-draft",
        data={
            "csrf_token": token,
            "amendment": amendment.id,
            f"expected-{amendment.node_id}": stale,
        },
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Standard 3.1 changed while you were deciding" in html
    assert "Nothing of your merge was saved" in html
    assert added in html
    db.session.rollback()
    assert db.session.get(type(amendment), amendment.id).status is AmendmentStatus.AGREED
    fresh = world.revision_id("ga/3/3.1")
    response = web.post(
        "/merge/rkc/review-draft",
        data={
            "csrf_token": token,
            "amendment": amendment.id,
            f"expected-{amendment.node_id}": fresh,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(type(amendment), amendment.id).status is AmendmentStatus.MERGED
    # Both changes stand: the amendment's and the one merged meanwhile.
    assert world.text("ga/3/3.1") == f"{added} Customs shall designate and publish its offices."


def test_two_officers_merging_into_one_provision_at_once(world, actor, small_app):
    """Real threads: one merge wins, the other gets a conflict; nothing is lost or doubled."""
    one = _agreed(world, "ga/3/3.1", "Wording from the first merge.")
    two = _agreed(
        world, "ga/3/3.1", "Wording from the second merge, written separately.", by="delegate_b"
    )
    base = world.revision_id("ga/3/3.1")
    node_id = one.node_id
    secretariat_id = world.people["secretariat"].user_id
    ids = [one.id, two.id]
    draft_id = world.draft.id
    db.session.commit()
    barrier = threading.Barrier(2)
    results: list[str] = ["", ""]

    def officer(index: int) -> None:
        from rkc.amendments.models import Amendment
        from rkc.audit import Actor, acting_as
        from rkc.auth.models import User
        from rkc.convention.models import Edition

        with (
            small_app.app_context(),
            acting_as(Actor(secretariat_id, "secretariat", "secretariat")),
        ):
            token = write_intent.set(True)
            try:
                barrier.wait(timeout=10)
                draft = db.session.get(Edition, draft_id)
                merging.merge(
                    draft,
                    [db.session.get(Amendment, ids[index])],
                    expected={node_id: base},
                    user=db.session.get(User, secretariat_id),
                )
                db.session.commit()
                results[index] = "merged"
            except (text_store.StaleRevisionError, merging.MergeConflict):
                # PostgreSQL: both read, the compare-and-set refuses the second writer.
                # SQLite: the second waits for the first, then finds its amendment in conflict.
                db.session.rollback()
                results[index] = "conflict"
            except Exception as exc:
                db.session.rollback()
                results[index] = f"error: {exc!r}"
            finally:
                write_intent.reset(token)
                db.session.remove()

    threads = [threading.Thread(target=officer, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results) == ["conflict", "merged"], results
    db.session.rollback()
    winner = [one, two][results.index("merged")]
    loser = [one, two][results.index("conflict")]
    db.session.refresh(winner)
    db.session.refresh(loser)
    assert winner.status is AmendmentStatus.MERGED
    assert world.text("ga/3/3.1") == winner.proposed_text
    assert (
        loser.status is AmendmentStatus.AGREED
    )  # untouched: it can be merged or compromised later


def _agree(world, amendment, by: str = "delegate_a"):  # type: ignore[no-untyped-def]
    change_status(amendment, "tabled", user=world.user(by))
    change_status(amendment, "under_discussion", user=world.user("secretariat"))
    change_status(amendment, "agreed", user=world.user("secretariat"))
    db.session.flush()
    return amendment


def test_one_batch_inserts_a_provision_and_modifies_the_next_one(world, actor):
    """Inserting 3.1bis after 3.1 moves 3.2 down (a new revision of 3.2, its position changed);
    the modification of 3.2 in the same batch must still land, not meet its own batch as a
    conflict."""
    section = world.node("ga/3/s-a")
    insertion = _agree(
        world,
        propose_insertion(
            world.draft,
            section,
            user=world.user("delegate_a"),
            after=world.node("ga/3/3.1"),
            kind="standard",
            number="3.1bis",
            text="Customs shall publish the list of its offices.",
            justification="Traders need the list.",
        ),
    )
    modification = _agreed(
        world, "ga/3/3.2", "Customs shall publish the hours of business online.", by="delegate_b"
    )
    expected = {world.node("ga/3/3.2").id: world.revision_id("ga/3/3.2")}
    db.session.commit()
    outcome = merging.merge(
        world.draft, [modification, insertion], expected=expected, user=world.user("secretariat")
    )
    db.session.commit()
    assert [a.label for a in outcome.merged] == [insertion.label, modification.label]
    assert insertion.status is AmendmentStatus.MERGED
    assert modification.status is AmendmentStatus.MERGED
    assert world.text("ga/3/3.2") == "Customs shall publish the hours of business online."
    assert world.text("ga/3/3.1bis") == "Customs shall publish the list of its offices."
    positions = {
        key: _current(world.draft, world.node(key)).position
        for key in ("ga/3/3.1", "ga/3/3.1bis", "ga/3/3.2")
    }
    assert positions == {"ga/3/3.1": 0, "ga/3/3.1bis": 1, "ga/3/3.2": 2}


def test_an_amendment_written_against_an_older_text_is_never_merged_over_it(
    world, actor, small_app
):
    """The draft changed by a path that does not rebase (here the bare text store): merging the
    amendment with the current revision as `expected` would silently undo that change."""
    amendment = _agreed(world, "ga/3/3.1", "Customs shall designate offices.")
    text_store.revise(
        world.draft,
        world.node("ga/3/3.1"),
        expected_revision_id=world.revision_id("ga/3/3.1"),
        text="Moved on meanwhile.",
    )
    db.session.commit()
    with pytest.raises(merging.MergeConflict, match="written against an earlier text"):
        merging.merge(
            world.draft,
            [amendment],
            expected={amendment.node_id: world.revision_id("ga/3/3.1")},
            user=world.user("secretariat"),
        )
    db.session.rollback()
    assert world.text("ga/3/3.1") == "Moved on meanwhile."
    assert amendment.status is AmendmentStatus.AGREED
    web = small_app.test_client()
    log_in(web, "secretariat")
    html = web.get("/merge/rkc/review-draft").get_data(as_text=True)
    assert "written against an earlier text: needs a revision" in html
    assert f'name="amendment" value="{amendment.id}" disabled' in html


def test_the_queue_groups_agreed_amendments_by_chapter(world, actor, small_app):
    ga = _agreed(world, "ga/3/3.2", "Customs shall publish its hours online.")
    sa = _agreed(world, "sa-b/1/1", "Goods declared for home use shall be released promptly.")
    db.session.commit()
    web = small_app.test_client()
    log_in(web, "secretariat")
    html = web.get("/merge/rkc/review-draft").get_data(as_text=True)
    first = html.index("General Annex, Chapter 3: Clearance and other Customs formalities")
    second = html.index("Annex B, Chapter 1: Clearance for home use")
    assert first < html.index(ga.label) < second < html.index(sa.label)
    # One chapter: no group headings, only its amendments.
    html = web.get("/merge/rkc/review-draft?chapter=sa-b/1").get_data(as_text=True)
    assert "<h3>Annex B, Chapter 1" not in html
    assert sa.label in html
    assert f'value="{ga.id}"' not in html


def test_an_amendment_named_twice_is_merged_once(world, actor):
    amendment = _agreed(world, "ga/3/3.1", "Customs shall designate and publish its offices.")
    outcome = merging.merge(
        world.draft,
        [amendment, amendment],
        expected={amendment.node_id: world.revision_id("ga/3/3.1")},
        user=world.user("secretariat"),
    )
    db.session.commit()
    assert [a.label for a in outcome.merged] == [amendment.label]
    assert amendment.status is AmendmentStatus.MERGED
