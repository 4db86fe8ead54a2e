"""Defect 1 of issue 15: provenance lists every amendment behind a revision.

RD/x (party A, co-sponsored by B) is merged into a provision; RD/y (party C) collides with it,
is revised over the merged text and merged in turn; the draft is frozen. The history must show
both merged revisions with their credits, and the what-changed page must credit both
amendments (not only the last one) for the words that changed since the previous edition.
"""

from __future__ import annotations

from datetime import date

from rkc.amendments import merging
from rkc.amendments.discussion import answer_co_sponsorship, request_co_sponsorship
from rkc.amendments.lifecycle import change_status
from rkc.amendments.models import AmendmentStatus
from rkc.amendments.proposing import propose_modification, revise_amendment
from rkc.convention import operations as text_store
from rkc.extensions import db

from ..helpers import log_in

KEY = "ga/3/3.1"


def _table_and_agree(world, amendment, by: str) -> None:  # type: ignore[no-untyped-def]
    change_status(amendment, "tabled", user=world.user(by))
    change_status(amendment, "under_discussion", user=world.user("secretariat"))


def _merge(world, amendment) -> None:  # type: ignore[no-untyped-def]
    merging.merge(
        world.draft,
        [amendment],
        expected={amendment.node_id: world.revision_id(KEY)},
        user=world.user("secretariat"),
    )


def _two_merges(world):  # type: ignore[no-untyped-def]
    node = world.node(KEY)
    first = propose_modification(
        world.draft,
        node,
        user=world.user("delegate_a"),
        text="Customs shall designate and publish the offices where goods are cleared.",
        justification="Publish the offices.",
    )
    _table_and_agree(world, first, "delegate_a")
    request_co_sponsorship(first, user=world.user("delegate_b"))
    answer_co_sponsorship(
        first, world.user("delegate_b").party, user=world.user("delegate_a"), confirm=True
    )
    second = propose_modification(
        world.draft,
        node,
        user=world.user("delegate_c"),
        text="The Customs administration shall name its offices.",
        justification="Name the administration.",
    )
    _table_and_agree(world, second, "delegate_c")
    change_status(first, "agreed", user=world.user("secretariat"))
    db.session.flush()
    _merge(world, first)
    db.session.flush()
    db.session.refresh(second)
    assert second.has_conflict  # both rewrote the same sentence
    revise_amendment(
        second,
        user=world.user("delegate_c"),
        expected_seq=second.latest_seq,
        text="The Customs administration shall designate and publish the offices where goods "
        "are cleared.",
    )
    change_status(second, "agreed", user=world.user("secretariat"))
    db.session.flush()
    _merge(world, second)
    db.session.commit()
    assert first.status is AmendmentStatus.MERGED
    assert second.status is AmendmentStatus.MERGED
    return first, second


def test_history_and_what_changed_credit_every_amendment(world, actor, small_app):
    first, second = _two_merges(world)
    text_store.freeze(world.draft, adopted_on=date(2026, 6, 1))
    db.session.commit()
    credit_first = f"{first.label} (Test party AUT, co-sponsored by Test party CAN)"
    credit_second = f"{second.label} (Test party KHM)"

    client = small_app.test_client()
    history = client.get(f"/n/{KEY}/history").get_data(as_text=True)
    assert credit_first in history  # the first merge's revision is a step of its own
    assert credit_second in history
    assert history.index(credit_first) < history.index(credit_second)
    assert history.count('<li class="step">') == 3  # 2006, RD/x, RD/y

    changes = client.get(f"/w/rkc/editions/{world.draft.slug}/changes").get_data(as_text=True)
    assert credit_first in changes
    assert credit_second in changes


def test_members_see_the_steps_of_an_unfrozen_draft(world, actor, small_app):
    first, second = _two_merges(world)
    client = small_app.test_client()
    public = client.get(f"/n/{KEY}/history").get_data(as_text=True)
    assert first.label not in public  # a draft's revisions stay with the members
    log_in(client, world.people["delegate_a"].username)
    member = client.get(f"/n/{KEY}/history").get_data(as_text=True)
    assert f"{first.label} (Test party AUT, co-sponsored by Test party CAN)" in member
    assert f"{second.label} (Test party KHM)" in member
