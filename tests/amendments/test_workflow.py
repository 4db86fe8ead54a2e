"""The amendment lifecycle, who may do what, co-sponsors, positions, comments, lists and
compilations, through the real operations on the small corpus."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from rkc.amendments import queries
from rkc.amendments.discussion import (
    add_comment,
    answer_co_sponsorship,
    change_position,
    mark_seen,
    request_co_sponsorship,
    resolve_thread,
    take_position,
)
from rkc.amendments.errors import AmendmentError, AmendmentRefused, StaleAmendmentError
from rkc.amendments.lifecycle import change_status, mark_merged
from rkc.amendments.models import (
    AmendmentPositionChange,
    AmendmentRevision,
    AmendmentStatus,
    AmendmentTransition,
    SponsorStatus,
    Stance,
)
from rkc.amendments.proposing import (
    propose_deletion,
    propose_heading,
    propose_insertion,
    propose_modification,
    revise_amendment,
)
from rkc.amendments.rebasing import revise_provision
from rkc.audit.models import AuditEvent
from rkc.extensions import db

from .conftest import World

pytestmark = pytest.mark.usefixtures("actor")


def _modify(world: World, who: str = "delegate_a", key: str = "ga/3/3.1", extra: str = "Also."):
    return propose_modification(
        world.draft,
        world.node(key),
        user=world.user(who),
        text=f"{world.text(key)} {extra}",
        justification="Because it helps.",
    )


def _tabled(world: World, who: str = "delegate_a", key: str = "ga/3/3.1", extra: str = "Also."):
    amendment = _modify(world, who, key, extra)
    change_status(amendment, "tabled", user=world.user(who))
    return amendment


def _discussed(world: World, **kwargs):  # type: ignore[no-untyped-def]
    amendment = _tabled(world, **kwargs)
    change_status(amendment, "under_discussion", user=world.user("secretariat"))
    return amendment


# --------------------------------------------------------------------------- proposing


def test_a_proposal_records_its_base_party_delegate_and_first_version(world):
    a = world.user("delegate_a")
    base_id = world.revision_id("ga/3/3.1")
    amendment = propose_modification(
        world.draft,
        world.node("ga/3/3.1"),
        user=a,
        text=world.text("ga/3/3.1").replace("designate", "designate and publish"),
        justification="Traders need to *know*.",
        concept="  Customs   offices ",
        expected_revision_id=base_id,
    )
    assert amendment.status is AmendmentStatus.DRAFT
    assert amendment.is_draft
    assert amendment.number is None
    assert amendment.base_revision_id == base_id
    assert amendment.party_id == a.party_id
    assert amendment.delegate_id == a.id
    assert amendment.concept == "Customs offices"
    versions = db.session.scalars(
        select(AmendmentRevision).where(AmendmentRevision.amendment_id == amendment.id)
    ).all()
    assert [(v.seq, v.origin, v.base_revision_id) for v in versions] == [(1, "proposal", base_id)]
    transitions = db.session.scalars(
        select(AmendmentTransition).where(AmendmentTransition.amendment_id == amendment.id)
    ).all()
    assert [(t.from_status, t.to_status, t.user_id) for t in transitions] == [
        (None, AmendmentStatus.DRAFT, a.id)
    ]
    assert db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "amendment.propose", AuditEvent.object_id == str(amendment.id)
        )
    )
    # The draft text itself is untouched until a merge.
    assert world.revision_id("ga/3/3.1") == base_id


def test_insertion_heading_and_deletion_proposals(world):
    a = world.user("delegate_a")
    chapter = world.node("ga/3")
    section_a = world.node("ga/3/s-a")
    inserted = propose_insertion(
        world.draft,
        section_a,
        user=a,
        after=world.node("ga/3/3.1"),
        kind="standard",
        number="3.1A",
        text="Customs shall publish the list of its offices.",
    )
    assert (inserted.parent_node_id, inserted.after_node_id) == (
        section_a.id,
        world.node("ga/3/3.1").id,
    )
    # Sections are left out of keys, as in the corpus.
    assert inserted.proposed_key == "ga/3/3.1a"
    assert inserted.base_revision_id is None
    heading = propose_heading(
        world.draft, chapter, user=a, title="Clearance and related Customs formalities"
    )
    assert heading.proposed_title == "Clearance and related Customs formalities"
    deletion = propose_deletion(world.draft, world.node("ga/3/3.2"), user=a)
    assert deletion.proposed_text == ""
    change = queries.changes([inserted, heading, deletion])
    assert "<ins" in str(change[0].redline)
    assert "<del" not in str(change[0].redline)
    assert "related" in str(change[1].title_redline)
    assert "<del" in str(change[2].redline)
    assert "<ins" not in str(change[2].redline)
    assert change[0].target.label == "New Standard 3.1A after Standard 3.1"


def test_only_delegates_with_a_party_propose(world):
    for who in ("observer", "secretariat", "admin"):
        with pytest.raises(AmendmentRefused, match="delegate"):
            _modify(world, who)


# --------------------------------------------------------------------------- lifecycle


def test_tabling_gives_sequential_numbers_that_never_change(world):
    first = _tabled(world, extra="One.")
    draft = _modify(world, "delegate_b", extra="Two.")
    second = _tabled(world, "delegate_c", extra="Three.")
    assert (first.number, second.number) == ("RD/001", "RD/002")
    assert draft.number is None
    change_status(first, "withdrawn", user=world.user("delegate_a"), reason="Changed our mind")
    change_status(draft, "tabled", user=world.user("delegate_b"))
    assert draft.number == "RD/003"  # a withdrawn number is never given again
    revise_amendment(
        second, user=world.user("delegate_c"), expected_seq=1, text=world.text("ga/3/3.1") + " 3b."
    )
    assert second.number == "RD/002"
    assert first.number == "RD/001"


def test_the_whole_lifecycle_is_logged_with_who_when_and_why(world):
    a, sec = world.user("delegate_a"), world.user("secretariat")
    amendment = _modify(world)
    change_status(amendment, "tabled", user=a, reason="Ready")
    change_status(amendment, "under_discussion", user=sec, reason="Session 1")
    change_status(amendment, "agreed", user=sec, reason="Consensus")
    revision, report = revise_provision(
        world.draft,
        world.node("ga/3/3.1"),
        expected_revision_id=world.revision_id("ga/3/3.1"),
        text=amendment.proposed_text,
        origin="amendment",
        origin_ref=amendment.number,
        merging=[amendment],
        user=sec,
    )
    assert amendment.status is AmendmentStatus.MERGED
    assert amendment.merged_revision_id == revision.id
    assert amendment.decided_at is not None
    log = db.session.scalars(
        select(AmendmentTransition)
        .where(AmendmentTransition.amendment_id == amendment.id)
        .order_by(AmendmentTransition.id)
    ).all()
    assert [
        (t.from_status and t.from_status.value, t.to_status.value, t.user_id, t.reason) for t in log
    ] == [
        (None, "draft", a.id, ""),
        ("draft", "tabled", a.id, "Ready"),
        ("tabled", "under_discussion", sec.id, "Session 1"),
        ("under_discussion", "agreed", sec.id, "Consensus"),
        ("agreed", "merged", sec.id, ""),
    ]
    assert all(t.at is not None for t in log)
    # The merged amendment was marked before the rebase: it was not rebased onto itself.
    assert report.rebased == []
    assert report.conflicts == []


@pytest.mark.parametrize(
    ("to", "setup", "allowed", "refused"),
    [
        ("tabled", "draft", "delegate_a", ["delegate_b", "secretariat", "observer", "admin"]),
        ("withdrawn", "tabled", "delegate_a", ["delegate_b", "secretariat", "observer"]),
        ("under_discussion", "tabled", "secretariat", ["delegate_a", "delegate_b", "admin"]),
        ("agreed", "discussed", "secretariat", ["delegate_a", "delegate_c", "observer"]),
        ("not_agreed", "discussed", "secretariat", ["delegate_a", "admin"]),
        ("superseded", "discussed", "secretariat", ["delegate_a", "delegate_b"]),
    ],
)
def test_only_the_allowed_roles_make_each_transition(world, to, setup, allowed, refused):
    amendment = {"draft": _modify, "tabled": _tabled, "discussed": _discussed}[setup](world)
    before = amendment.status
    for who in refused:
        with pytest.raises(AmendmentRefused):
            change_status(amendment, to, user=world.user(who))
        assert amendment.status is before
    change_status(amendment, to, user=world.user(allowed))
    assert amendment.status.value == to


def test_transitions_from_the_wrong_status_are_refused(world):
    a, sec = world.user("delegate_a"), world.user("secretariat")
    amendment = _tabled(world)
    with pytest.raises(AmendmentError, match="under discussion"):
        change_status(amendment, "agreed", user=sec)
    with pytest.raises(AmendmentError, match="draft"):
        change_status(amendment, "tabled", user=a)
    with pytest.raises(AmendmentError, match="cannot be moved"):
        change_status(amendment, "merged", user=sec)
    with pytest.raises(AmendmentError, match="not a status"):
        change_status(amendment, "lost", user=sec)
    with pytest.raises(AmendmentError, match="only an agreed amendment"):
        mark_merged(amendment, None, user=sec)
    change_status(amendment, "withdrawn", user=a)
    with pytest.raises(AmendmentError, match="withdrawn"):
        change_status(amendment, "under_discussion", user=sec)


def test_tabling_needs_a_justification(world):
    amendment = propose_modification(
        world.draft,
        world.node("ga/3/3.1"),
        user=world.user("delegate_a"),
        text=world.text("ga/3/3.1") + " More.",
    )
    with pytest.raises(AmendmentError, match="Justification"):
        change_status(amendment, "tabled", user=world.user("delegate_a"))
    assert amendment.status is AmendmentStatus.DRAFT
    assert amendment.number is None


def test_a_compromise_supersedes_and_is_named(world):
    sec = world.user("secretariat")
    original = _discussed(world, extra="Original.")
    compromise = _tabled(world, who="delegate_b", extra="Compromise.")
    change_status(original, "superseded", user=sec, superseded_by=compromise)
    assert original.superseded_by_id == compromise.id
    page = queries.amendment_page(compromise, world.user("observer"))
    assert [a.id for a in page.supersedes] == [original.id]
    with pytest.raises(AmendmentError, match="Superseded by"):
        change_status(compromise, "superseded", user=sec, superseded_by=compromise)


def test_revising_keeps_every_version_and_each_can_be_compared(world):
    a = world.user("delegate_a")
    amendment = _tabled(world, extra="First idea.")
    base = world.text("ga/3/3.1")
    revise_amendment(amendment, user=a, expected_seq=1, text=f"{base} Second idea.")
    revise_amendment(amendment, user=a, expected_seq=2, justification="Better reasons.")
    with pytest.raises(StaleAmendmentError, match="version 3"):
        revise_amendment(amendment, user=a, expected_seq=1, text=f"{base} Late.")
    with pytest.raises(AmendmentRefused):
        revise_amendment(
            amendment, user=world.user("delegate_b"), expected_seq=3, text=f"{base} Theirs."
        )
    page = queries.amendment_page(amendment, a)
    assert [(v.revision.seq, v.revision.origin) for v in page.versions] == [
        (1, "proposal"),
        (2, "revision"),
        (3, "revision"),
    ]
    assert "First" in str(page.versions[1].redline)
    assert "Second" in str(page.versions[1].redline)
    assert page.versions[2].redline is None
    assert page.versions[2].justification_changed
    assert amendment.proposed_text == f"{base} Second idea."


# --------------------------------------------------------------------------- discussion


def test_co_sponsorship_is_asked_by_another_party_and_confirmed_by_the_proposer(world):
    a, b, c = (world.user(k) for k in ("delegate_a", "delegate_b", "delegate_c"))
    draft = _modify(world, extra="Still a draft.")
    with pytest.raises(AmendmentRefused):
        request_co_sponsorship(draft, user=a)  # own party
    with pytest.raises(AmendmentError, match="tabled"):
        request_co_sponsorship(draft, user=b)
    amendment = _tabled(world)
    request = request_co_sponsorship(amendment, user=b, note="Count us in.")
    assert request.status is SponsorStatus.REQUESTED
    with pytest.raises(AmendmentError, match="already asked"):
        request_co_sponsorship(amendment, user=b)
    with pytest.raises(AmendmentRefused):
        answer_co_sponsorship(amendment, b.party, user=c, confirm=True)
    answer_co_sponsorship(amendment, b.party, user=a, confirm=True)
    request_co_sponsorship(amendment, user=c)
    answer_co_sponsorship(amendment, c.party, user=a, confirm=False)
    with pytest.raises(AmendmentError, match="no open request"):
        answer_co_sponsorship(amendment, c.party, user=a, confirm=True)
    change = queries.changes([amendment])[0]
    assert change.sponsors == [a.party.name, b.party.name]
    # A declined party may ask again.
    assert request_co_sponsorship(amendment, user=c).status is SponsorStatus.REQUESTED


def test_one_position_per_party_which_it_may_change_with_history(world):
    b, c = world.user("delegate_b"), world.user("delegate_c")
    amendment = _tabled(world)
    with pytest.raises(AmendmentRefused):
        take_position(amendment, user=world.user("delegate_a"), stance="support")
    with pytest.raises(AmendmentRefused):
        take_position(amendment, user=world.user("secretariat"), stance="support")
    position = take_position(amendment, user=c, stance="objection", statement="Too costly.")
    assert (position.stance, position.on_seq) == (Stance.OBJECTION, 1)
    change_position(amendment, user=c, stance="reservation", statement="Costly, but fine.")
    with pytest.raises(AmendmentError, match="nothing changed"):
        change_position(amendment, user=c, stance="reservation", statement="Costly, but fine.")
    with pytest.raises(AmendmentError, match="no position"):
        change_position(amendment, user=b, stance="support")
    with pytest.raises(AmendmentError, match="choose one of"):
        take_position(amendment, user=b, stance="maybe")
    take_position(amendment, user=b, stance="support")
    history = db.session.scalars(
        select(AmendmentPositionChange.stance)
        .where(AmendmentPositionChange.position_id == position.id)
        .order_by(AmendmentPositionChange.id)
    ).all()
    assert history == [Stance.OBJECTION, Stance.RESERVATION]
    summary = dict(queries.changes([amendment])[0].summary)
    assert summary[Stance.RESERVATION] == [c.party.name]
    assert summary[Stance.SUPPORT] == [b.party.name]
    assert summary[Stance.OBJECTION] == []


def test_a_co_sponsor_takes_no_position_and_positions_close_with_the_decision(world):
    a, b, c, sec = (
        world.user(k) for k in ("delegate_a", "delegate_b", "delegate_c", "secretariat")
    )
    amendment = _discussed(world)
    request_co_sponsorship(amendment, user=b)
    answer_co_sponsorship(amendment, b.party, user=a, confirm=True)
    with pytest.raises(AmendmentError, match="co-sponsors"):
        take_position(amendment, user=b, stance="objection")
    change_status(amendment, "agreed", user=sec)
    with pytest.raises(AmendmentError, match="agreed"):
        take_position(amendment, user=c, stance="objection")


def test_comments_thread_and_resolve(world):
    a, b, c = (world.user(k) for k in ("delegate_a", "delegate_b", "delegate_c"))
    amendment = _tabled(world)
    root = add_comment(amendment, user=b, body="Why *this* word?")
    reply = add_comment(amendment, user=a, body="Because.", reply_to=root)
    nested = add_comment(amendment, user=c, body="Agreed.", reply_to=reply)
    assert reply.thread_id == root.id
    assert nested.thread_id == root.id
    with pytest.raises(AmendmentRefused):
        add_comment(amendment, user=world.user("observer"), body="An observer's view")
    with pytest.raises(AmendmentError, match="empty"):
        add_comment(amendment, user=b, body="  \r\n ")
    with pytest.raises(AmendmentRefused):
        resolve_thread(root, user=c)  # neither author, proposer nor Secretariat
    resolve_thread(nested, user=a)  # resolving a reply resolves its thread
    assert root.is_resolved
    assert root.resolved_by_id == a.id
    with pytest.raises(AmendmentError, match="already resolved"):
        resolve_thread(root, user=b)
    resolve_thread(root, user=world.user("secretariat"), resolved=False)
    assert not root.is_resolved
    page = queries.amendment_page(amendment, b)
    assert [(t.root.id, [r.id for r in t.replies]) for t in page.threads] == [
        (root.id, [reply.id, nested.id])
    ]


def test_draft_comments_stay_inside_the_party(world):
    draft = _modify(world)
    add_comment(draft, user=world.user("delegate_a"), body="Internal note.")
    with pytest.raises(AmendmentRefused):
        add_comment(draft, user=world.user("delegate_b"), body="Peeking.")
    with pytest.raises(AmendmentRefused):
        add_comment(draft, user=world.user("secretariat"), body="Peeking.")


# --------------------------------------------------------------------------- reading


def test_drafts_are_visible_to_their_own_party_only(world):
    draft = _modify(world, extra="Secret.")
    tabled = _tabled(world, "delegate_b", extra="Open.")

    def seen(who: str) -> set[int]:
        return {c.amendment.id for c in queries.find(world.user(who), queries.AmendmentFilter())}

    assert seen("delegate_a") == {draft.id, tabled.id}
    for who in ("delegate_b", "delegate_c", "observer", "secretariat", "admin"):
        assert seen(who) == {tabled.id}
    assert queries.find(None, queries.AmendmentFilter()) == []
    provision = queries.provision_page(world.draft, world.node("ga/3/3.1"), world.user("observer"))
    assert [c.amendment.id for c in provision.pending] == [tabled.id]


def test_lists_by_party_status_chapter_concept_and_changes_since_the_last_visit(world):
    observer = world.user("observer")
    in_chapter_3 = _tabled(world, extra="Three.")
    in_sa_b = _tabled(world, "delegate_b", key="sa-b/1/2", extra="Annex B.")
    revise_amendment(
        in_sa_b, user=world.user("delegate_b"), expected_seq=1, concept="Advance lodgement"
    )
    change_status(in_sa_b, "under_discussion", user=world.user("secretariat"))

    def ids(**flt) -> list[int]:  # type: ignore[no-untyped-def]
        return [c.amendment.id for c in queries.find(observer, queries.AmendmentFilter(**flt))]

    assert ids() == [in_chapter_3.id, in_sa_b.id]  # document order: GA before Annex B
    assert ids(chapter_key="ga/3") == [in_chapter_3.id]
    assert ids(chapter_key="sa-b") == [in_sa_b.id]
    assert ids(party_id=world.people["delegate_b"].party_id) == [in_sa_b.id]
    assert ids(statuses=(AmendmentStatus.TABLED,)) == [in_chapter_3.id]
    assert ids(concept="Advance lodgement") == [in_sa_b.id]
    assert ids(tabled_only=True) == [in_chapter_3.id, in_sa_b.id]

    since, changed = queries.changed_since_last_visit(observer)
    assert since is None
    assert len(changed) == 2
    mark_seen(observer)
    assert queries.changed_since_last_visit(observer)[1] == []
    add_comment(in_sa_b, user=world.user("delegate_c"), body="News.")
    since, changed = queries.changed_since_last_visit(observer)
    assert since is not None
    assert [c.amendment.id for c in changed] == [in_sa_b.id]


def test_a_chapter_holds_the_insertions_placed_in_it_at_its_start_and_after_its_last_unit(world):
    """The chapter filter places an insertion where the compilation sorts it: after the end
    of the unit it follows, or at the start of its parent."""
    observer = world.user("observer")

    def inserted(parent: str, after: str | None, number: str):  # type: ignore[no-untyped-def]
        amendment = propose_insertion(
            world.draft,
            world.node(parent),
            user=world.user("delegate_a"),
            after=world.node(after) if after else None,
            kind="standard",
            number=number,
            text=f"New Standard {number}.",
            justification="Needed.",
        )
        change_status(amendment, "tabled", user=world.user("delegate_a"))
        return amendment.id

    at_start = inserted("ga/3/s-a", None, "3.0A")
    after_last = inserted("ga/3/s-b", "ga/3/3.4", "3.4A")
    modified = _tabled(world, key="ga/3/3.2", extra="Second.").id
    in_annex_b = _tabled(world, "delegate_b", key="sa-b/1/2", extra="Annex B.").id

    def ids(chapter: str) -> set[int]:
        flt = queries.AmendmentFilter(chapter_key=chapter)
        return {c.amendment.id for c in queries.find(observer, flt)}

    assert ids("ga/3") == {at_start, after_last, modified}
    assert ids("ga/3/s-a") == {at_start, modified}
    assert ids("ga/3/s-b") == {after_last}
    assert ids("ga/2") == set()
    assert ids("sa-b") == {in_annex_b}
    assert ids("ga/3/3.2") == {modified}
    assert ids("no/such/unit") == set()


def test_compilation_in_document_order_with_current_text_once_per_provision(world):
    observer = world.user("observer")
    later = _tabled(world, "delegate_b", key="ga/3/3.4", extra="Later.")
    first = _tabled(world, extra="First.")
    competing = _tabled(world, "delegate_c", extra="Competing.")
    inserted = propose_insertion(
        world.draft,
        world.node("ga/3/s-a"),
        user=world.user("delegate_a"),
        after=world.node("ga/3/3.1"),
        kind="standard",
        number="3.1A",
        text="A new Standard.",
        justification="Needed.",
    )
    change_status(inserted, "tabled", user=world.user("delegate_a"))
    _modify(world, extra="A draft never compiled.")
    result = queries.compilation(world.draft, queries.AmendmentFilter(chapter_key="ga/3"), observer)
    assert [(g.label, [c.amendment.id for c in g.changes]) for g in result.groups] == [
        ("Standard 3.1", [first.id, competing.id]),
        ("New text after Standard 3.1", [inserted.id]),
        ("Standard 3.4", [later.id]),
    ]
    assert result.groups[0].current.text == world.text("ga/3/3.1")
    assert result.count == 4
    only_c = queries.compilation(
        world.draft,
        queries.AmendmentFilter(party_id=world.people["delegate_c"].party_id),
        observer,
    )
    assert [c.amendment.id for g in only_c.groups for c in g.changes] == [competing.id]
