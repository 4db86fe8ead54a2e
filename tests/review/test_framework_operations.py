"""The Four-step Framework's rules, through rkc.review.framework: each refusal names its field
and stores nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from rkc import clock
from rkc.amendments.lifecycle import change_status
from rkc.amendments.proposing import _current, propose_modification
from rkc.audit import Actor, acting_as
from rkc.auth.models import User
from rkc.convention import operations as text_ops
from rkc.convention import queries as text_queries
from rkc.convention.models import Node
from rkc.extensions import db
from rkc.review import framework as fw
from rkc.review import framework_queries as fq
from rkc.review.framework_models import (
    Component,
    ComponentComment,
    ComponentDraft,
    ComponentLink,
    ComponentState,
    Concept,
    Evaluation,
    Outcome,
    Proposal,
    StepMove,
)
from rkc.review.models import Meeting

from ..helpers import create_people
from .fixtures import review_context
from .framework_fixtures import framework_context, rkc_amendment


@pytest.fixture
def world(small_app):  # type: ignore[no-untyped-def]
    people = create_people()
    review = review_context(people)
    ids = framework_context(people, review)
    with acting_as(Actor(None, "test", "system")):
        yield {"people": people, "meeting": db.session.get(Meeting, review["meeting_id"]), **ids}


def _count(model) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(model))


def _refused(field: str, call, *args, **kwargs) -> str:  # type: ignore[no-untyped-def]
    """Call, expect a ReviewError naming `field`, roll back; the message."""
    with pytest.raises(fw.ReviewError) as caught:
        call(*args, **kwargs)
    db.session.rollback()
    assert caught.value.field == field, str(caught.value)
    return str(caught.value)


def _new_component(world, title: str = "Another change") -> Component:  # type: ignore[no-untyped-def]
    proposal = db.session.get(Proposal, world["proposal_id"])
    component = fw.add_component(proposal, title=title)
    db.session.commit()
    return component


def test_the_fixture_fills_every_framework_table(world):  # type: ignore[no-untyped-def]
    for model in (ComponentLink, StepMove, Evaluation, ComponentDraft, ComponentComment):
        assert _count(model) >= 1
    proposal = db.session.get(Proposal, world["proposal_id"])
    assert proposal.track == "A"
    assert [s.party.iso3 for s in proposal.sponsors] == ["CAN"]
    assert proposal.proponent == proposal.party.name


def test_a_proposal_has_one_proponent_and_components(world):  # type: ignore[no-untyped-def]
    concept = db.session.get(Concept, world["concept_id"])
    before = _count(Proposal)
    _refused(
        "party",
        fw.create_proposal,
        concept,
        title="T",
        submitted_on=date(2020, 1, 1),
        components=["C"],
    )
    _refused(
        "track",
        fw.create_proposal,
        concept,
        title="T",
        submitted_on=date(2020, 1, 1),
        organisation="ICC",
        track="C",
        components=["C"],
    )
    _refused(
        "components",
        fw.create_proposal,
        concept,
        title="T",
        submitted_on=date(2020, 1, 1),
        organisation="ICC",
    )
    assert _count(Proposal) == before
    made = fw.create_proposal(
        concept, title="T", submitted_on=date(2020, 1, 1), organisation="ICC", components=["C"]
    )
    assert made.proponent == "ICC"


def test_a_concept_code_is_used_once(world):  # type: ignore[no-untyped-def]
    assert "exists already" in _refused("code", fw.create_concept, code="aeo", name="Again")


def test_a_split_points_the_old_component_to_its_successors(world):  # type: ignore[no-untyped-def]
    old = db.session.get(Component, world["split_id"])
    assert old.state is ComponentState.SPLIT
    assert [c.title for c in fq.successors(old)] == ["Simplified declarations", "Deferred payment"]
    assert fq.predecessors(fq.successors(old)[0]) == [old]
    # A retired component takes no more steps.
    _refused("component", fw.move_step, old, 2)
    _refused("titles", fw.split_component, _new_component(world), ["Only one"])


def test_a_merge_retires_its_components_for_one_successor(world):  # type: ignore[no-untyped-def]
    old = db.session.get(Component, world["split_id"])
    a, b = fq.successors(old)
    fw.move_step(a, 2)
    merged = fw.merge_components([a, b], "Simplified procedures, together again")
    assert merged.step == 1
    assert a.state is ComponentState.MERGED
    assert fq.successors(a) == [merged]
    assert fq.successors(b) == [merged]
    assert set(fq.predecessors(merged)) == {a, b}
    other = fw.create_concept(code="AR", name="Advance rulings")
    foreign = fw.create_proposal(
        other, title="X", submitted_on=date(2020, 1, 1), organisation="ICC", components=["Y"]
    )
    db.session.commit()
    _refused(
        "components",
        fw.merge_components,
        [merged, fq.components(proposal_id=foreign.id)[0]],
        "Across concepts",
    )


def test_steps_move_one_forward_or_back_with_a_reason(world):  # type: ignore[no-untyped-def]
    component = _new_component(world)
    moves = _count(StepMove)
    assert "not skipped" in _refused("step", fw.move_step, component, 3)
    _refused("step", fw.move_step, component, 5)
    _refused("step", fw.move_step, component, 1)
    fw.move_step(component, 2)
    db.session.commit()
    _refused("step", fw.move_step, component, 3)  # no outcome yet
    _refused("reason", fw.move_step, component, 1)
    fw.move_step(component, 1, reason="The proponent rewrites it.")
    assert component.step == 1
    assert [(m.from_step, m.to_step) for m in fq.step_moves(component)] == [(1, 2), (2, 1)]
    assert _count(StepMove) == moves + 2


def test_an_outcome_is_set_at_step_2_only(world):  # type: ignore[no-untyped-def]
    component = _new_component(world)
    assert "Step 2" in _refused("outcome", fw.set_outcome, component, "guidelines")
    fw.move_step(component, 2)
    db.session.commit()
    _refused("outcome", fw.set_outcome, component, "treaty")
    _refused("rkc_part", fw.set_outcome, component, "rkc")
    _refused("rkc_part", fw.set_outcome, component, "rkc", rkc_part="specific_z")
    _refused("rkc_part", fw.set_outcome, component, "guidelines", rkc_part="general")
    assert component.outcome is None
    fw.set_outcome(component, "rkc", rkc_part="specific_e")
    assert (component.outcome, component.rkc_part) == (Outcome.RKC, "specific_e")


def test_an_evaluation_covers_every_criterion_and_cites_a_meeting(world):  # type: ignore[no-untyped-def]
    component = _new_component(world)
    criteria = fw.active_criteria()
    results = {c.id: (True, "ok") for c in criteria}
    _refused("evaluation", fw.evaluate, component, results=results, qualified=True, meeting=None)
    fw.move_step(component, 2)
    fw.set_outcome(component, "guidelines")
    fw.move_step(component, 3)
    second = fw.add_criterion("Supported by a majority")
    db.session.commit()
    meeting = world["meeting"]
    _refused("meeting_id", fw.evaluate, component, results=results, qualified=True, meeting=None)
    assert _refused(
        f"criterion_{second.id}",
        fw.evaluate,
        component,
        results=results,
        qualified=True,
        meeting=meeting,
    ).startswith("Criterion 'Supported by a majority'")
    _refused(
        "criteria",
        fw.evaluate,
        component,
        results={**results, second.id: (False, ""), 9999: (True, "")},
        qualified=True,
        meeting=meeting,
    )
    assert component.qualified is None
    assert fq.evaluations(component) == []
    fw.evaluate(
        component,
        results={**results, second.id: (False, "Two against")},
        qualified=False,
        meeting=meeting,
    )
    assert [(e.met, e.note) for e in fq.evaluations(component)] == [
        (True, "ok"),
        (False, "Two against"),
    ]
    assert component.evaluation_meeting_id == meeting.id


def _unqualified_at_step_3(world) -> Component:  # type: ignore[no-untyped-def]
    component = _new_component(world)
    fw.move_step(component, 2)
    fw.set_outcome(component, "rkc", rkc_part="general")
    fw.move_step(component, 3)
    fw.evaluate(
        component,
        results={c.id: (False, "") for c in fw.active_criteria()},
        qualified=False,
        meeting=world["meeting"],
    )
    db.session.commit()
    return component


def test_an_unqualified_component_drafts_only_on_a_recorded_decision(world):  # type: ignore[no-untyped-def]
    component = _unqualified_at_step_3(world)
    _refused("reason", fw.move_step, component, 4)
    _refused("meeting_id", fw.move_step, component, 4, reason="The Committee wants a text.")
    assert component.step == 3
    amendment = rkc_amendment(world["people"], " Unqualified.")
    db.session.commit()
    assert "Step 4" in _refused("amendment_id", fw.link_draft, component, amendment)
    fw.move_step(component, 4, reason="The Committee wants a text.", meeting=world["meeting"])
    assert component.may_draft
    assert component.decision_meeting_id == world["meeting"].id
    fw.link_draft(component, amendment)
    assert [a.id for a in fq.drafts(component, None)] == []  # nobody anonymous reads amendments


def test_drafts_amend_the_text_the_outcome_names(world):  # type: ignore[no-untyped-def]
    people = world["people"]
    component = _new_component(world)
    fw.move_step(component, 2)
    fw.set_outcome(component, "guidelines")
    fw.move_step(component, 3)
    fw.evaluate(
        component,
        results={c.id: (True, "") for c in fw.active_criteria()},
        qualified=True,
        meeting=world["meeting"],
    )
    fw.move_step(component, 4)
    convention = rkc_amendment(people, " Not the Guidelines.")
    db.session.commit()
    message = _refused("amendment_id", fw.link_draft, component, convention)
    assert "the Guidelines" in message
    assert _count(ComponentDraft) == 1
    # An amendment of the Guidelines is accepted.
    work = text_queries.work_by_key("guidelines")
    draft = text_ops.open_draft(text_queries.edition_by_slug(work, "2006"), slug="gd", title="G")
    node = db.session.scalar(
        select(Node).where(Node.work_id == work.id, Node.key.like("%1.1")).order_by(Node.id)
    )
    user = db.session.get(User, people["delegate_a"].user_id)
    guideline = propose_modification(
        draft,
        node,
        user=user,
        text=_current(draft, node).text + " Also online.",
        justification="Online services too.",
    )
    change_status(guideline, "tabled", user=user)
    fw.link_draft(component, guideline)
    assert _count(ComponentDraft) == 2
    # A Convention component takes no Guidelines amendment either.
    step4 = db.session.get(Component, world["component_id"])
    assert "the Convention" in _refused("amendment_id", fw.link_draft, step4, guideline)


def test_comments_only_while_the_consultation_is_open(world):  # type: ignore[no-untyped-def]
    component = db.session.get(Component, world["component_id"])
    user = db.session.get(User, world["people"]["observer"].user_id)
    today = clock.today()
    before = _count(ComponentComment)
    _refused("closes", fw.set_consultation, component, opens=today, closes=today - timedelta(1))
    fw.set_consultation(component, opens=today - timedelta(10), closes=today - timedelta(1))
    db.session.commit()
    message = _refused("body", fw.add_comment, component, user=user, body="Late", today=today)
    assert "closed on" in message
    assert _count(ComponentComment) == before
    fw.set_consultation(component, opens=today + timedelta(1), closes=today + timedelta(5))
    assert "opens on" in _refused(
        "body", fw.add_comment, component, user=user, body="Early", today=today
    )
    fw.set_consultation(component, opens=today, closes=today)
    fw.add_comment(component, user=user, body="On the day", today=today)
    assert [c.body for c in fq.comments(component)][-1] == "On the day"
    other = _new_component(world)
    _refused("opens", fw.set_consultation, other, opens=today, closes=today)
    _refused("body", fw.add_comment, other, user=user, body="None open", today=today)


def test_the_concept_an_amendment_names_is_found_by_code_or_name(world):  # type: ignore[no-untyped-def]
    concept = db.session.get(Concept, world["concept_id"])
    assert fw.concept_for_text("aeo") is concept
    assert fw.concept_for_text("  Authorised   operators ") is concept
    assert fw.concept_for_text("Advance rulings") is None
    assert fw.concept_for_text("") is None


def test_the_dashboard_counts_active_components(world):  # type: ignore[no-untyped-def]
    rows = {(r.dimension, r.key): r for r in fq.dashboard()}
    # Components: the Step 4 one, and the two successors of the split one (at Step 1).
    assert (rows["step", "1"].components, rows["step", "4"].components) == (2, 1)
    assert rows["step", "4"].drafts == 1
    assert rows["step", "4"].concepts == 1
    assert rows["outcome", "rkc"].components == 1
    assert rows["outcome", "none"].components == 2
    assert rows["annex", "general"].components == 1
    assert rows["annex", "general"].drafts == 1
    assert (rows["concept", "AEO"].components, rows["concept", "AEO"].drafts) == (3, 1)
