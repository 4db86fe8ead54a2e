"""JSON API of the Four-step Framework: concepts, proposals, components and the Step 3 criteria.

Members read (a token or a session); the Secretariat writes, with a token of the write scope;
delegates, observers and the Secretariat comment on a component while its consultation is
open. Writes go through rkc.review.framework, as the pages' do; a refusal is a 400 naming the
member at fault, and stores nothing. The models are in rkc/api/schemas/framework.py.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort
from flask_login import current_user
from sqlalchemy import select

from rkc import clock
from rkc.amendments.models import Amendment
from rkc.api import spec
from rkc.api.schemas import framework as s
from rkc.api.spec import operation, refuse
from rkc.api.texts import _timestamp
from rkc.auth.permissions import Action, can
from rkc.auth.session import api_writer
from rkc.extensions import db
from rkc.parties.models import Party
from rkc.review import framework as fw
from rkc.review import framework_queries as fq
from rkc.review import queries as review_queries
from rkc.review.framework_models import Component, Proposal

#: Operation fields -> the request body member that carries them.
FIELDS = {"meeting_id": "meeting", "amendment_id": "amendment", "concept_id": "concept"}


def register(bp: Blueprint) -> None:
    """Add this module's routes to the API blueprint."""
    spec.add_routes(
        bp,
        list_concepts,
        create_concept,
        list_criteria,
        list_proposals,
        create_proposal,
        show_proposal,
        show_component,
        move_component_step,
        set_component_outcome,
        evaluate_component,
        link_component_draft,
        set_component_consultation,
        split_component,
        merge_components,
        list_component_comments,
        comment_on_component,
    )


def _secretariat() -> None:
    if not can(api_writer(), Action.MANAGE_MEETINGS):
        abort(403, description="Only the Secretariat keeps the Four-step Framework.")


def _refuse(exc: fw.ReviewError) -> None:
    refuse(400, str(exc), FIELDS.get(exc.field, exc.field))


def _component(component_id: int) -> Component:
    component = fq.component(component_id)
    if component is None:
        abort(404, description=f"There is no component {component_id}.")
    return component


def _proposal(proposal_id: int) -> Proposal:
    proposal = fq.proposal(proposal_id)
    if proposal is None:
        abort(404, description=f"There is no proposal {proposal_id}.")
    return proposal


def _component_json(c: Component) -> dict[str, Any]:
    return {
        "id": c.id,
        "proposal": c.proposal_id,
        "concept": c.concept.code,
        "title": c.title,
        "state": c.state,
        "step": c.step,
        "outcome": c.outcome,
        "rkc_part": c.rkc_part,
        "qualified": c.qualified,
        "evaluation_meeting": c.evaluation_meeting_id,
        "decision_reason": c.decision_reason,
        "decision_meeting": c.decision_meeting_id,
        "consultation_opens": c.consultation_opens.isoformat() if c.consultation_opens else None,
        "consultation_closes": c.consultation_closes.isoformat() if c.consultation_closes else None,
        "predecessors": [p.id for p in fq.predecessors(c)],
        "successors": [n.id for n in fq.successors(c)],
        # As the component's page: only the draft texts the reader may read.
        "drafts": [a.id for a in fq.drafts(c, current_user)],
    }


def _component_detail(c: Component) -> dict[str, Any]:
    """A component with its evaluation per criterion, its splits and merges and its moves."""
    return {
        **_component_json(c),
        "evaluations": [
            {
                "criterion": e.criterion_id,
                "text": e.criterion.text,
                "active": e.criterion.active,
                "met": e.met,
                "note": e.note,
            }
            for e in fq.evaluations(c)
        ],
        "history": [
            {
                "kind": link.kind.value,
                "predecessor": link.predecessor_id,
                "successor": link.successor_id,
                "at": _timestamp(link.recorded_at),
            }
            for link in fq.links(c)
        ],
        "moves": [
            {
                "from_step": m.from_step,
                "to_step": m.to_step,
                "reason": m.reason,
                "at": _timestamp(m.moved_at),
            }
            for m in fq.step_moves(c)
        ],
    }


def _proposal_json(p: Proposal) -> dict[str, Any]:
    document = p.document
    return {
        "id": p.id,
        "concept": p.concept.code,
        "title": p.title,
        "proponent": p.proponent,
        "party": p.party.iso3 if p.party_id else None,
        "organisation": p.organisation,
        "co_sponsors": [sp.party.iso3 or str(sp.party_id) for sp in p.sponsors],
        "submitted_on": p.submitted_on.isoformat(),
        "document": document.symbol
        if document is not None and can(current_user, Action.READ_DOCUMENT, document)
        else None,
        "track": p.track,
        "components": [_component_json(c) for c in fq.components(proposal_id=p.id)],
    }


# --------------------------------------------------------------------------- reads


@operation("/concepts", responses={200: s.Concepts}, auth="member", etag=False)
def list_concepts():  # type: ignore[no-untyped-def]
    """Every concept, with how many proposals and active components it holds."""
    out = []
    for c in fq.concepts():
        out.append(
            {
                "id": c.id,
                "code": c.code,
                "name": c.name,
                "proposals": len(fq.proposals(c.id)),
                "components": sum(1 for x in fq.components(concept_id=c.id) if x.is_active),
            }
        )
    return {"concepts": out}


@operation("/proposals", responses={200: s.Proposals}, auth="member", etag=False)
def list_proposals():  # type: ignore[no-untyped-def]
    """Every proposal, oldest first, with its components."""
    return {"proposals": [_proposal_json(p) for p in fq.proposals()]}


@operation(
    "/proposals/<id:proposal_id>",
    responses={200: s.ProposalOut},
    auth="member",
    errors=[404],
    etag=False,
)
def show_proposal(proposal_id: int):  # type: ignore[no-untyped-def]
    """A proposal with its components."""
    return _proposal_json(_proposal(proposal_id))


@operation("/framework/criteria", responses={200: s.Criteria}, auth="member", etag=False)
def list_criteria():  # type: ignore[no-untyped-def]
    """The criteria Step 3 weighs components against, as the Secretariat keeps them: the
    active ones, and the retired ones past evaluations still name (`active` false)."""
    return {
        "criteria": [
            {"id": c.id, "position": c.position, "text": c.text, "active": c.active}
            for c in fq.criteria(include_retired=True)
        ]
    }


@operation(
    "/components/<id:component_id>",
    responses={200: s.ComponentDetail},
    auth="member",
    errors=[404],
    etag=False,
)
def show_component(component_id: int):  # type: ignore[no-untyped-def]
    """A component: its step, outcome, evaluation per criterion, drafts, consultation, its
    splits and merges and its moves from step to step."""
    return _component_detail(_component(component_id))


@operation(
    "/components/<id:component_id>/comments",
    responses={200: s.Comments},
    auth="member",
    errors=[404],
    etag=False,
)
def list_component_comments(component_id: int):  # type: ignore[no-untyped-def]
    """The written comments on a component."""
    return _comments_json(_component(component_id))


def _comments_json(component: Component) -> dict[str, Any]:
    return {
        "comments": [
            {
                "id": c.id,
                "author": c.author.display_name,
                "party": c.party.iso3 if c.party else None,
                "body": c.body,
                "created_at": c.created_at.isoformat(),
            }
            for c in fq.comments(component)
        ]
    }


# --------------------------------------------------------------------------- writes


@operation(
    "/concepts",
    method="POST",
    responses={201: s.ConceptOut},
    body=s.NewConcept,
    auth="writer",
    example={"code": "AEO", "name": "Authorised operators"},
)
def create_concept():  # type: ignore[no-untyped-def]
    """Record a concept (the Secretariat); a code used already is a 400."""
    _secretariat()
    data = spec.body(s.NewConcept)
    try:
        concept = fw.create_concept(code=data.code, name=data.name)
    except fw.ReviewError as exc:
        _refuse(exc)
    return {
        "id": concept.id,
        "code": concept.code,
        "name": concept.name,
        "proposals": 0,
        "components": 0,
    }, 201


def _party(code: str, field: str) -> Party:
    party = db.session.scalar(select(Party).where(Party.iso3 == code.upper()))
    if party is None:
        refuse(400, f"{field}: no party has the code {code!r}.", field)
    return party


@operation(
    "/proposals",
    method="POST",
    responses={201: s.ProposalOut},
    body=s.NewProposal,
    auth="writer",
    example={
        "concept": "AEO",
        "title": "Recognise authorised operators",
        "party": "AUT",
        "co_sponsors": ["CAN"],
        "submitted_on": "2019-11-04",
        "components": ["Define an authorised operator", "Simplified procedures"],
    },
)
def create_proposal():  # type: ignore[no-untyped-def]
    """Record a proposal under a concept, split into components (the Secretariat)."""
    _secretariat()
    data = spec.body(s.NewProposal)
    concept = fq.concept_by_code(data.concept)
    if concept is None:
        refuse(400, f"concept: no concept has the code {data.concept!r}.", "concept")
    document = None
    if data.document is not None:
        document = review_queries.document(data.document)
        if document is None:
            refuse(400, f"document: there is no document {data.document}.", "document")
    try:
        proposal = fw.create_proposal(
            concept,
            title=data.title,
            submitted_on=data.submitted_on,
            party=_party(data.party, "party") if data.party else None,
            organisation=data.organisation or "",
            co_sponsors=[_party(code, "co_sponsors") for code in data.co_sponsors or []],
            document=document,
            track=data.track or "",
            components=data.components,
        )
    except fw.ReviewError as exc:
        _refuse(exc)
    return _proposal_json(proposal), 201


def _meeting(meeting_id: int | None) -> Any:
    if meeting_id is None:
        return None
    meeting = review_queries.meeting(meeting_id)
    if meeting is None:
        refuse(400, f"meeting: there is no meeting {meeting_id}.", "meeting")
    return meeting


def _component_write(component_id: int, model: type, act) -> Any:  # type: ignore[no-untyped-def]
    """The Secretariat's write on a component: read the body, act, answer the component."""
    _secretariat()
    component = _component(component_id)
    data = spec.body(model)
    try:
        result = act(component, data)
    except fw.ReviewError as exc:
        _refuse(exc)
    return _component_json(result if isinstance(result, Component) else component)


@operation(
    "/components/<id:component_id>/step",
    method="POST",
    responses={200: s.ComponentOut},
    body=s.StepBody,
    auth="writer",
    errors=[404],
    example={"step": 2},
)
def move_component_step(component_id: int):  # type: ignore[no-untyped-def]
    """Move a component one step forward, or back to an earlier step with a reason. A
    component not qualified at Step 3 reaches Step 4 only with a reason and a meeting."""
    return _component_write(
        component_id,
        s.StepBody,
        lambda c, d: fw.move_step(c, d.step, reason=d.reason or "", meeting=_meeting(d.meeting)),
    )


@operation(
    "/components/<id:component_id>/outcome",
    method="POST",
    responses={200: s.ComponentOut},
    body=s.OutcomeBody,
    auth="writer",
    errors=[404],
    example={"outcome": "rkc", "rkc_part": "general"},
)
def set_component_outcome(component_id: int):  # type: ignore[no-untyped-def]
    """Step 2: where the change belongs (for the Convention, which part)."""
    return _component_write(
        component_id,
        s.OutcomeBody,
        lambda c, d: fw.set_outcome(c, d.outcome.value, rkc_part=d.rkc_part or ""),
    )


@operation(
    "/components/<id:component_id>/evaluation",
    method="POST",
    responses={200: s.ComponentOut},
    body=s.EvaluationBody,
    auth="writer",
    errors=[404],
    example={"results": [{"criterion": 1, "met": True}], "qualified": True, "meeting": 1},
)
def evaluate_component(component_id: int):  # type: ignore[no-untyped-def]
    """Step 3: each active criterion met or not, qualified or not, and the meeting that
    decided."""

    def act(component: Component, data: s.EvaluationBody) -> None:
        results = {r.criterion: (r.met, r.note or "") for r in data.results}
        if len(results) != len(data.results):
            refuse(400, "results: a criterion is given twice.", "results")
        fw.evaluate(
            component, results=results, qualified=data.qualified, meeting=_meeting(data.meeting)
        )

    return _component_write(component_id, s.EvaluationBody, act)


@operation(
    "/components/<id:component_id>/drafts",
    method="POST",
    responses={200: s.ComponentOut},
    body=s.DraftBody,
    auth="writer",
    errors=[404],
    example={"amendment": 1},
)
def link_component_draft(component_id: int):  # type: ignore[no-untyped-def]
    """Step 4: link an amendment as a potential draft text (of the Guidelines for a component
    whose outcome is the Guidelines, of the Convention for one whose outcome is the
    Convention)."""

    def act(component: Component, data: s.DraftBody) -> None:
        amendment = db.session.get(Amendment, data.amendment)
        if amendment is None or not can(current_user, Action.READ_AMENDMENT, amendment):
            refuse(400, f"amendment: there is no amendment {data.amendment}.", "amendment")
        fw.link_draft(component, amendment)

    return _component_write(component_id, s.DraftBody, act)


@operation(
    "/components/<id:component_id>/consultation",
    method="POST",
    responses={200: s.ComponentOut},
    body=s.ConsultationBody,
    auth="writer",
    errors=[404],
    example={"opens": "2021-09-01", "closes": "2021-10-15"},
)
def set_component_consultation(component_id: int):  # type: ignore[no-untyped-def]
    """Step 4: the consultation window on the draft texts (both days included)."""
    return _component_write(
        component_id,
        s.ConsultationBody,
        lambda c, d: fw.set_consultation(c, opens=d.opens, closes=d.closes),
    )


@operation(
    "/components/<id:component_id>/split",
    method="POST",
    responses={200: s.Components},
    body=s.SplitBody,
    auth="writer",
    errors=[404],
    example={"titles": ["Simplified declarations", "Deferred payment"]},
)
def split_component(component_id: int):  # type: ignore[no-untyped-def]
    """Split a component into two or more successors; it points to them."""
    _secretariat()
    component = _component(component_id)
    data = spec.body(s.SplitBody)
    try:
        made = fw.split_component(component, data.titles)
    except fw.ReviewError as exc:
        _refuse(exc)
    return {"components": [_component_json(c) for c in made]}


@operation(
    "/components/<id:component_id>/merge",
    method="POST",
    responses={200: s.ComponentOut},
    body=s.MergeBody,
    auth="writer",
    errors=[404],
    example={"components": [2], "title": "Simplified procedures"},
)
def merge_components(component_id: int):  # type: ignore[no-untyped-def]
    """Merge a component with others of its concept into one successor."""

    def act(component: Component, data: s.MergeBody) -> Component:
        others = []
        for other_id in data.components:
            other = fq.component(other_id)
            if other is None:
                refuse(400, f"components: there is no component {other_id}.", "components")
            others.append(other)
        return fw.merge_components([component, *others], data.title)

    return _component_write(component_id, s.MergeBody, act)


@operation(
    "/components/<id:component_id>/comments",
    method="POST",
    responses={201: s.Comments},
    body=s.CommentBody,
    auth="writer",
    errors=[404],
    example={"body": "We support the draft."},
)
def comment_on_component(component_id: int):  # type: ignore[no-untyped-def]
    """A written comment, accepted while the consultation window is open (delegates,
    observers, the Secretariat); after it closes, a 400 and nothing stored."""
    writer = api_writer()
    if not can(writer, Action.COMMENT_ON_COMPONENT):
        abort(403, description="Delegates, observers and the Secretariat comment.")
    component = _component(component_id)
    data = spec.body(s.CommentBody)
    try:
        fw.add_comment(component, user=writer, body=data.body, today=clock.today())
    except fw.ReviewError as exc:
        _refuse(exc)
    return _comments_json(component), 201
