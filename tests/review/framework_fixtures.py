"""Shared test data for the Four-step Framework: a concept, a proposal split into components,
one at Step 4 with a draft text, an evaluation and a comment (a row in every table)."""

from __future__ import annotations

from datetime import timedelta

from rkc import clock
from rkc.amendments.lifecycle import change_status
from rkc.amendments.proposing import _current, propose_modification
from rkc.audit import Actor, acting_as
from rkc.auth.models import User
from rkc.convention import queries as text_queries
from rkc.extensions import db
from rkc.parties.models import Party
from rkc.review import framework as fw
from rkc.review import framework_queries as fq
from rkc.review.models import Document, Meeting

from ..helpers import Person


def rkc_amendment(people: dict[str, Person], text: str = " Framework.", concept: str = ""):  # type: ignore[no-untyped-def]
    """A tabled amendment of the Convention's working draft (ga/3/3.2), by delegate_a."""
    work = text_queries.work_by_key("rkc")
    draft = text_queries.edition_by_slug(work, "review-draft")
    node = text_queries.node_by_key("ga/3/3.2")
    a = db.session.get(User, people["delegate_a"].user_id)
    amendment = propose_modification(
        draft,
        node,
        user=a,
        text=_current(draft, node).text + text,
        justification="Clearer wording.",
        concept=concept,
    )
    change_status(amendment, "tabled", user=a)
    return amendment


def step_four(component, meeting: Meeting) -> None:  # type: ignore[no-untyped-def]
    """Walk a Step 1 component to Step 4: outcome the Convention's General Annex, qualified."""
    fw.move_step(component, 2)
    fw.set_outcome(component, "rkc", rkc_part="general")
    fw.move_step(component, 3)
    if not fw.active_criteria():
        fw.add_criterion("Consistent with the Convention's principles")
    fw.evaluate(
        component,
        results={c.id: (True, "") for c in fw.active_criteria()},
        qualified=True,
        meeting=meeting,
    )
    fw.move_step(component, 4)


def framework_context(people: dict[str, Person], review: dict) -> dict:
    """Rows in every framework table, made by the real operations; committed."""
    meeting = db.session.get(Meeting, review["meeting_id"])
    document = db.session.get(Document, review["document_id"])
    a = db.session.get(Party, people["delegate_a"].party_id)
    b = db.session.get(Party, people["delegate_b"].party_id)
    today = clock.today()
    with acting_as(Actor(None, "test-setup", "system")):
        concept = fw.create_concept(code="AEO", name="Authorised operators")
        proposal = fw.create_proposal(
            concept,
            title="Recognise authorised operators in the General Annex",
            submitted_on=today,
            party=a,
            co_sponsors=[b],
            document=document,
            track="A",
            components=["Define an authorised operator", "Simplified procedures"],
        )
        first, second = fq.components(proposal_id=proposal.id)
        parts = fw.split_component(second, ["Simplified declarations", "Deferred payment"])
        step_four(first, meeting)
        amendment = rkc_amendment(people, concept="AEO")
        fw.link_draft(first, amendment)
        fw.set_consultation(first, opens=today - timedelta(days=1), closes=today + timedelta(30))
        fw.add_comment(
            first,
            user=db.session.get(User, people["delegate_b"].user_id),
            body="Canada supports it.",
            today=today,
        )
    ids = {
        "concept_id": concept.id,
        "proposal_id": proposal.id,
        "component_id": first.id,
        "split_id": second.id,
        "successor_id": parts[0].id,
        "framework_amendment_id": amendment.id,
        "criterion_id": fw.active_criteria()[0].id,
    }
    db.session.commit()
    return ids
