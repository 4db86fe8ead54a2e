"""Reads of the Four-step Framework, and the dashboard's counts (by step, outcome, annex and
concept) that the framework page, its CSV and its Word table share."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from rkc.auth.permissions import Action, can
from rkc.extensions import db
from rkc.messages import N_
from rkc.review.framework_models import (
    OUTCOME_LABELS,
    RKC_PARTS,
    STEP_LABELS,
    Component,
    ComponentComment,
    ComponentDraft,
    ComponentLink,
    ComponentState,
    Concept,
    Criterion,
    Evaluation,
    Outcome,
    Proposal,
    StepMove,
    part_label,
)


def concepts() -> list[Concept]:
    return list(db.session.scalars(select(Concept).order_by(Concept.code)))


def concept(concept_id: int) -> Concept | None:
    return db.session.get(Concept, concept_id)


def concept_by_code(code: str) -> Concept | None:
    return db.session.scalar(select(Concept).where(func.lower(Concept.code) == code.lower()))


def proposals(concept_id: int | None = None) -> list[Proposal]:
    query = select(Proposal).order_by(Proposal.submitted_on, Proposal.id)
    if concept_id is not None:
        query = query.where(Proposal.concept_id == concept_id)
    return list(db.session.scalars(query))


def proposal(proposal_id: int) -> Proposal | None:
    return db.session.get(Proposal, proposal_id)


def components(*, proposal_id: int | None = None, concept_id: int | None = None) -> list[Component]:
    query = select(Component).order_by(Component.id)
    if proposal_id is not None:
        query = query.where(Component.proposal_id == proposal_id)
    if concept_id is not None:
        query = query.where(Component.concept_id == concept_id)
    return list(db.session.scalars(query))


def component(component_id: int) -> Component | None:
    return db.session.get(Component, component_id)


def criteria(*, include_retired: bool = False) -> list[Criterion]:
    query = select(Criterion).order_by(Criterion.position)
    if not include_retired:
        query = query.where(Criterion.active.is_(True))
    return list(db.session.scalars(query))


def evaluations(component: Component) -> list[Evaluation]:
    return list(
        db.session.scalars(
            select(Evaluation)
            .join(Criterion)
            .where(Evaluation.component_id == component.id)
            .order_by(Criterion.position)
        )
    )


def successors(component: Component) -> list[Component]:
    return list(
        db.session.scalars(
            select(Component)
            .join(ComponentLink, ComponentLink.successor_id == Component.id)
            .where(ComponentLink.predecessor_id == component.id)
            .order_by(Component.id)
        )
    )


def predecessors(component: Component) -> list[Component]:
    return list(
        db.session.scalars(
            select(Component)
            .join(ComponentLink, ComponentLink.predecessor_id == Component.id)
            .where(ComponentLink.successor_id == component.id)
            .order_by(Component.id)
        )
    )


def links(component: Component) -> list[ComponentLink]:
    """The splits and merges the component took part in, on either side, oldest first."""
    return list(
        db.session.scalars(
            select(ComponentLink)
            .where(
                (ComponentLink.predecessor_id == component.id)
                | (ComponentLink.successor_id == component.id)
            )
            .order_by(
                ComponentLink.recorded_at, ComponentLink.predecessor_id, ComponentLink.successor_id
            )
        )
    )


def step_moves(component: Component) -> list[StepMove]:
    return list(
        db.session.scalars(
            select(StepMove).where(StepMove.component_id == component.id).order_by(StepMove.id)
        )
    )


def drafts(component: Component, reader: Any) -> list[Any]:
    """The component's potential draft texts (amendments) the reader may read."""
    found = db.session.scalars(
        select(ComponentDraft)
        .where(ComponentDraft.component_id == component.id)
        .order_by(ComponentDraft.amendment_id)
    )
    return [d.amendment for d in found if can(reader, Action.READ_AMENDMENT, d.amendment)]


def drafted_for(amendment: Any, reader: Any) -> list[Component]:
    """The components that took `amendment` as a potential draft text (Step 4): active ones
    first, then in the order they were linked. Empty for a reader who may not read the
    framework (its pages and API are for members)."""
    if not can(reader, Action.READ_MEETINGS):
        return []
    return list(
        db.session.scalars(
            select(Component)
            .join(ComponentDraft, ComponentDraft.component_id == Component.id)
            .where(ComponentDraft.amendment_id == amendment.id)
            # The page and the API answer name each one's concept and proposal.
            .options(joinedload(Component.concept), joinedload(Component.proposal))
            .order_by(
                (Component.state != ComponentState.ACTIVE),
                ComponentDraft.linked_at,
                Component.id,
            )
        )
    )


def comments(component: Component) -> list[ComponentComment]:
    return list(
        db.session.scalars(
            select(ComponentComment)
            .where(ComponentComment.component_id == component.id)
            .order_by(ComponentComment.id)
        )
    )


# --------------------------------------------------------------------------- dashboard


@dataclass(frozen=True)
class Count:
    """One row of the dashboard: a group and what it holds."""

    dimension: str  # step, outcome, annex, concept
    key: str
    label: str
    concepts: int
    components: int
    drafts: int


DIMENSIONS = ("step", "outcome", "annex", "concept")
NOT_ASSESSED = N_("Not assessed yet")


def dashboard() -> list[Count]:
    """Active components (a split or merged one counts through its successors), the concepts
    they fall under and their draft texts, grouped by step, outcome, annex and concept.
    Labels are in English (the exports keep them); the page translates steps and outcomes."""
    rows = db.session.execute(
        select(
            Component.id,
            Component.concept_id,
            Component.step,
            Component.outcome,
            Component.rkc_part,
        ).where(Component.state == ComponentState.ACTIVE)
    ).all()
    draft_counts = Counter(
        dict(
            db.session.execute(
                select(ComponentDraft.component_id, func.count())
                .join(Component, Component.id == ComponentDraft.component_id)
                .where(Component.state == ComponentState.ACTIVE)
                .group_by(ComponentDraft.component_id)
            ).all()
        )
    )

    def count(dimension: str, key: str, label: str, members: list[Any]) -> Count:
        return Count(
            dimension,
            key,
            label,
            len({r.concept_id for r in members}),
            len(members),
            sum(draft_counts[r.id] for r in members),
        )

    out: list[Count] = []
    for step, name in STEP_LABELS.items():
        out.append(count("step", str(step), name, [r for r in rows if r.step == step]))
    for outcome in Outcome:
        out.append(
            count(
                "outcome",
                outcome.value,
                OUTCOME_LABELS[outcome],
                [r for r in rows if r.outcome == outcome],
            )
        )
    out.append(count("outcome", "none", NOT_ASSESSED, [r for r in rows if r.outcome is None]))
    for part in RKC_PARTS:
        members = [r for r in rows if r.outcome == Outcome.RKC and r.rkc_part == part]
        if members or part in ("body", "general"):
            out.append(count("annex", part, part_label(part), members))
    for c in concepts():
        out.append(
            count(
                "concept", c.code, f"{c.code}: {c.name}", [r for r in rows if r.concept_id == c.id]
            )
        )
    return out
