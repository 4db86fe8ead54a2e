"""Rebasing pending amendments when the provision they amend moves on (three-way merge).

The four named scenarios, the properties of the merge seen through an amendment, and what
happens around them: conflicts that go away, conflicts resolved by revising, provisions taken
out of the draft, heading changes, many amendments at once. Runs on SQLite and, with
RKC_TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from rkc.amendments import queries
from rkc.amendments.errors import AmendmentError
from rkc.amendments.lifecycle import change_status
from rkc.amendments.models import Amendment, AmendmentRevision
from rkc.amendments.proposing import (
    _current,
    propose_deletion,
    propose_heading,
    propose_insertion,
    propose_modification,
    revise_amendment,
)
from rkc.amendments.rebasing import rebase_pending, rebase_stale, revise_provision
from rkc.audit.models import AuditEvent
from rkc.convention import operations as text_store
from rkc.extensions import db

from .conftest import World

pytestmark = pytest.mark.usefixtures("actor")

KEY = "ga/3/3.1"
BASE = (
    "Customs shall designate the offices at which goods may be produced or cleared. "
    "The offices shall be open on working days. "
    "Customs shall publish the list of offices."
)


def _set_text(world: World, text: str, key: str = KEY):  # type: ignore[no-untyped-def]
    """Change the draft's text the way a merge would: through the one place that rebases."""
    revision, report = revise_provision(
        world.draft, world.node(key), expected_revision_id=world.revision_id(key), text=text
    )
    return revision, report


def _propose(world: World, text: str, who: str = "delegate_a", key: str = KEY) -> Amendment:
    amendment = propose_modification(
        world.draft, world.node(key), user=world.user(who), text=text, justification="Why not."
    )
    change_status(amendment, "tabled", user=world.user(who))
    return amendment


@pytest.fixture
def based(world: World) -> World:
    """The provision reads BASE before anyone proposes anything."""
    _set_text(world, BASE)
    return world


def _versions(amendment: Amendment) -> list[tuple[int, str]]:
    return [
        (v.seq, v.origin)
        for v in db.session.scalars(
            select(AmendmentRevision)
            .where(AmendmentRevision.amendment_id == amendment.id)
            .order_by(AmendmentRevision.seq)
        )
    ]


# --------------------------------------------------------------------------- the four scenarios


def test_an_unrelated_article_changed_meanwhile_applies(based):
    proposed = BASE.replace("working days", "all working days")
    amendment = _propose(based, proposed)
    base_id = amendment.base_revision_id
    _revision, report = _set_text(
        based, "Each party undertakes to promote simple procedures.", "body/art2"
    )
    assert report.rebased == report.conflicts == []
    assert rebase_stale(based.draft) == []
    assert (amendment.base_revision_id, amendment.proposed_text) == (base_id, proposed)
    assert not amendment.has_conflict
    assert amendment.base_revision_id == based.revision_id(KEY)  # still applies as written


def test_an_unrelated_sentence_changed_meanwhile_is_carried_over(based):
    amendment = _propose(based, BASE.replace("working days", "all working days"))
    current = BASE.replace("publish the list of offices", "publish the list of its offices")
    revision, report = _set_text(based, current)
    assert report.rebased == [amendment.id]
    assert report.conflicts == []
    assert amendment.proposed_text == current.replace("working days", "all working days")
    assert amendment.base_revision_id == revision.id
    assert not amendment.has_conflict
    assert _versions(amendment) == [(1, "proposal"), (2, "rebase")]
    assert amendment.latest_seq == 2
    assert db.session.scalar(
        select(AuditEvent.id).where(
            AuditEvent.action == "amendment.rebase", AuditEvent.object_id == str(amendment.id)
        )
    )


def test_the_same_sentence_rewritten_meanwhile_is_a_conflict_and_nothing_is_altered(based):
    proposed = BASE.replace("open on working days", "open on every working day")
    amendment = _propose(based, proposed)
    base_id = amendment.base_revision_id
    current = BASE.replace("open on working days", "open from Monday to Friday")
    revision, report = _set_text(based, current)
    assert report.conflicts == [amendment.id]
    assert report.rebased == []
    assert amendment.has_conflict
    assert amendment.proposed_text == proposed  # never silently altered
    assert amendment.base_revision_id == base_id
    assert amendment.conflict_revision_id == revision.id
    regions = amendment.conflict["regions"]
    assert len(regions) == 1
    assert "every working day" in regions[0]["proposed"]
    assert "Monday to Friday" in regions[0]["current"]
    assert "working days" in regions[0]["base"]
    assert _versions(amendment) == [(1, "proposal")]
    # The page shows both sides: the redline against the text it was written on.
    change = queries.changes([amendment])[0]
    assert change.against_base
    assert "every" in str(change.redline)


def test_neighbouring_words_changed_meanwhile_apply(based):
    amendment = _propose(based, BASE.replace("shall be open on", "shall be staffed on"))
    current = BASE.replace("on working days", "on business days")
    _revision, report = _set_text(based, current)
    assert report.rebased == [amendment.id]
    assert amendment.proposed_text == BASE.replace(
        "shall be open on working days", "shall be staffed on business days"
    )


def test_deleting_a_sentence_that_was_edited_meanwhile_is_a_conflict(based):
    proposed = BASE.replace(" Customs shall publish the list of offices.", "")
    amendment = _propose(based, proposed)
    current = BASE.replace("the list of offices", "the list of its offices")
    _revision, report = _set_text(based, current)
    assert report.conflicts == [amendment.id]
    assert amendment.proposed_text == proposed
    assert "its offices" in amendment.conflict["regions"][0]["current"]


# --------------------------------------------------------------------------- properties

#: Distinct words, so that each word of a text is found in one place only.
WORDS = [
    "goods", "Customs", "shall", "may", "offices", "declarant", "release", "the", "a", "days",
    "clearance", "duties", "security", "control",
]  # fmt: skip
words = st.lists(st.sampled_from(WORDS), min_size=6, max_size=12, unique=True)
PROPERTY = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _fresh(world: World, base: str) -> None:
    """Each example starts from `base` and leaves nothing behind (operations only flush)."""
    db.session.rollback()
    if world.text(KEY) != base:
        _set_text(world, base)


@PROPERTY
@given(base_words=words, data=st.data())
def test_a_new_revision_with_the_same_text_keeps_the_proposal_exactly(world, base_words, data):
    """merge(base, base, b) == b: the provision was renumbered, its text did not move."""
    base = " ".join(base_words) + "."
    _fresh(world, base)
    proposal_words = list(base_words)
    index = data.draw(st.integers(0, len(base_words) - 1))
    proposal_words[index] = data.draw(st.sampled_from(["promptly", "electronically", "jointly"]))
    proposed = " ".join(proposal_words) + "."
    amendment = _propose(world, proposed)
    _set_text_number(world, "3.1bis")
    assert not amendment.has_conflict
    assert amendment.proposed_text == proposed
    assert amendment.base_revision_id == world.revision_id(KEY)
    db.session.rollback()


def _set_text_number(world: World, number: str) -> None:
    revision = text_store.revise(
        world.draft, world.node(KEY), expected_revision_id=world.revision_id(KEY), number=number
    )
    rebase_pending(world.node(KEY), world.draft)
    assert revision.number == number


@PROPERTY
@given(base_words=words, data=st.data())
def test_a_provision_changed_to_exactly_the_proposal_leaves_it_proposing_that_text(
    world, base_words, data
):
    """merge(base, a, a) == a."""
    base = " ".join(base_words) + "."
    _fresh(world, base)
    changed = list(base_words)
    changed.insert(data.draw(st.integers(0, len(changed))), "promptly")
    proposed = " ".join(changed) + "."
    amendment = _propose(world, proposed)
    _set_text(world, proposed)
    assert not amendment.has_conflict
    assert amendment.proposed_text == proposed == world.text(KEY)
    assert queries.changes([amendment])[0].proposes_nothing
    db.session.rollback()


@PROPERTY
@given(base_words=words, data=st.data())
def test_separate_changes_both_apply_without_loss_or_duplication(world, base_words, data):
    """Changes with an unchanged word between them merge; every other word stays, once."""
    base = " ".join(base_words) + "."
    _fresh(world, base)
    first = data.draw(st.integers(0, len(base_words) - 3))
    second = data.draw(st.integers(first + 2, len(base_words) - 1))
    ours, theirs, both = list(base_words), list(base_words), list(base_words)
    theirs[first] = both[first] = "AMENDED"
    ours[second] = both[second] = "MEANWHILE"
    amendment = _propose(world, " ".join(theirs) + ".")
    _set_text(world, " ".join(ours) + ".")
    assert not amendment.has_conflict
    assert amendment.proposed_text == " ".join(both) + "."
    db.session.rollback()


# --------------------------------------------------------------------------- around the merge


def test_competing_amendments_are_rebased_together(based):
    clean = _propose(based, BASE.replace("designate", "designate and publish"))
    clash = _propose(based, BASE.replace("working days", "weekdays"), who="delegate_b")
    draft = propose_modification(
        based.draft,
        based.node(KEY),
        user=based.user("delegate_c"),
        text=BASE + " Draft sentence.",
    )
    _revision, report = _set_text(based, BASE.replace("working days", "all days"))
    assert sorted(report.rebased) == sorted([clean.id, draft.id])
    assert report.conflicts == [clash.id]
    provision = queries.provision_page(based.draft, based.node(KEY), based.user("delegate_c"))
    assert {c.amendment.id for c in provision.pending} == {clean.id, clash.id, draft.id}


def test_a_conflict_goes_away_when_the_text_comes_back(based):
    amendment = _propose(based, BASE.replace("working days", "weekdays"))
    _set_text(based, BASE.replace("working days", "all days"))
    assert amendment.has_conflict
    revision, report = _set_text(based, BASE)
    assert report.rebased == [amendment.id]
    assert not amendment.has_conflict
    assert amendment.conflict_detail == ""
    assert amendment.base_revision_id == revision.id
    assert amendment.proposed_text == BASE.replace("working days", "weekdays")


def test_the_proposer_resolves_a_conflict_by_revising_against_the_current_text(based):
    a = based.user("delegate_a")
    amendment = _propose(based, BASE.replace("working days", "weekdays"))
    current, _ = _set_text(based, BASE.replace("working days", "all days"))
    # Checking again against the same current text changes nothing.
    again = rebase_pending(based.node(KEY), based.draft)
    assert again.unchanged == 1
    assert again.conflicts == []
    revise_amendment(
        amendment,
        user=a,
        expected_seq=amendment.latest_seq,
        text=BASE.replace("working days", "all weekdays"),
        expected_revision_id=current.id,
    )
    assert not amendment.has_conflict
    assert amendment.base_revision_id == current.id
    assert _versions(amendment) == [(1, "proposal"), (2, "revision")]


def test_a_provision_taken_out_of_the_draft_flags_its_amendments(world):
    modify = _propose(world, world.text("ga/3/3.2") + " More.", key="ga/3/3.2")
    insertion = propose_insertion(
        world.draft,
        world.node("ga/3/s-a"),
        user=world.user("delegate_b"),
        after=world.node("ga/3/3.2"),
        kind="standard",
        number="3.2A",
        text="New.",
    )
    elsewhere = _propose(world, world.text("ga/3/3.4") + " More.", key="ga/3/3.4")
    text_store.remove_node(world.draft, world.node("ga/3/3.2"))
    reports = rebase_stale(world.draft)
    flagged = {i for r in reports for i in r.conflicts}
    assert flagged == {modify.id, insertion.id}
    assert "no longer in the working draft" in modify.conflict["reason"]
    assert not elsewhere.has_conflict
    # Asking again flags nothing twice.
    assert all(not r.conflicts and not r.rebased for r in rebase_stale(world.draft))
    assert queries.changes([modify])[0].against_base


def test_insertions_shift_siblings_and_the_rebase_follows(world):
    amendment = _propose(world, world.text("ga/3/3.2") + " More.", key="ga/3/3.2")
    text_store.insert_node(
        world.draft,
        key="ga/3/3.0",
        parent=world.node("ga/3/s-a"),
        after=None,
        kind="standard",
        number="3.0",
        text="First of all.",
    )
    reports = rebase_stale(world.draft)
    assert [r.rebased for r in reports] == [[amendment.id]]
    assert amendment.base_revision_id == world.revision_id("ga/3/3.2")


def test_headings_merge_and_a_deletion_follows_a_heading_change(world):
    chapter = world.node("ga/3")
    title = _current(world.draft, chapter).title
    heading = propose_heading(
        world.draft, chapter, user=world.user("delegate_a"), title=title + " in general"
    )
    deletion = propose_deletion(world.draft, world.node("ga/2/e1"), user=world.user("delegate_b"))
    _revision, report = revise_provision(
        world.draft,
        chapter,
        expected_revision_id=world.revision_id("ga/3"),
        title="Customs " + title,
    )
    assert report.rebased == [heading.id]
    assert heading.proposed_title == "Customs " + title + " in general"
    term = _current(world.draft, world.node("ga/2/e1"))
    revise_provision(
        world.draft, world.node("ga/2/e1"), expected_revision_id=term.id, title="appeals"
    )
    assert not deletion.has_conflict
    assert deletion.base_revision_id == world.revision_id("ga/2/e1")
    revise_provision(
        world.draft,
        world.node("ga/2/e1"),
        expected_revision_id=world.revision_id("ga/2/e1"),
        text="A changed definition.",
    )
    assert deletion.has_conflict  # it asked to delete words that are no longer there


def test_rebase_report_and_conflict_detail_are_plain_data(based):
    amendment = _propose(based, BASE.replace("working days", "weekdays"))
    _set_text(based, BASE.replace("working days", "all days"))
    stored = db.session.scalar(
        select(Amendment.conflict_detail).where(Amendment.id == amendment.id)
    )
    assert set(json.loads(stored)) == {"reason", "regions"}


def test_merging_one_agreed_amendment_carries_the_next_agreed_one_over(based):
    sec = based.user("secretariat")
    first = _propose(based, BASE.replace("designate", "designate and publish"))
    second = _propose(based, BASE.replace("working days", "weekdays"), who="delegate_b")
    clash = _propose(based, BASE.replace("designate", "appoint"), who="delegate_c")
    for amendment in (first, second, clash):
        change_status(amendment, "under_discussion", user=sec)
        change_status(amendment, "agreed", user=sec)
    with pytest.raises(AmendmentError, match="amends another provision"):
        revise_provision(
            based.draft,
            based.node("ga/3/3.2"),
            expected_revision_id=based.revision_id("ga/3/3.2"),
            text="Other.",
            merging=[first],
        )
    revision, report = revise_provision(
        based.draft,
        based.node(KEY),
        expected_revision_id=based.revision_id(KEY),
        text=first.proposed_text,
        origin="amendment",
        origin_ref=first.number,
        merging=[first],
        user=sec,
    )
    assert first.merged_revision_id == revision.id
    assert _versions(first) == [(1, "proposal")]  # not rebased onto itself
    assert report.rebased == [second.id]
    assert second.proposed_text == first.proposed_text.replace("working days", "weekdays")
    assert report.conflicts == [clash.id]  # the Secretariat sees it must be redrafted
    with pytest.raises(AmendmentError, match="merged: only an agreed amendment"):
        revise_provision(
            based.draft,
            based.node(KEY),
            expected_revision_id=revision.id,
            text="Again.",
            merging=[first],
        )
