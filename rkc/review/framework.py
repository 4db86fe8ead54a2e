"""Every write of the Four-step Framework: concepts, proposals, components and their steps.
No Flask here.

Each refusal is a `ReviewError` naming the field at fault, raised before anything is written,
so the caller's transaction stores nothing of it. The rules:

* a component moves one step forward (1 -> 2 -> 3 -> 4), or back to any earlier step with a
  reason; forward from Step 2 needs an outcome, from Step 3 an evaluation, and a component
  not qualified at Step 3 reaches Step 4 only on a decision (a reason and a meeting);
* an outcome is set at Step 2, an evaluation at Step 3, drafts and a consultation window at
  Step 4;
* a component whose outcome is the Guidelines drafts only amendments of the Guidelines, one
  whose outcome is the Convention only amendments of the Convention, others none;
* written comments are accepted only while the consultation window is open.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select

from rkc import audit
from rkc.extensions import db
from rkc.review.framework_models import (
    RKC_PARTS,
    TRACKS,
    Component,
    ComponentComment,
    ComponentDraft,
    ComponentLink,
    ComponentState,
    Concept,
    Criterion,
    Evaluation,
    LinkKind,
    Outcome,
    Proposal,
    ProposalSponsor,
    StepMove,
)
from rkc.review.models import Document, Meeting
from rkc.review.operations import ReviewError

__all__ = ["ReviewError"]

#: Which work a component's drafts amend, by its Step 2 outcome.
DRAFT_WORK = {Outcome.RKC: "rkc", Outcome.GUIDELINES: "guidelines"}


def _text(value: str, field: str, label: str, limit: int, *, required: bool = True) -> str:
    value = " ".join((value or "").split())
    if required and not value:
        raise ReviewError(field, f"{label}: required.")
    if len(value) > limit:
        raise ReviewError(field, f"{label}: {limit} characters at most.")
    return value


def _active(component: Component, field: str = "component") -> None:
    if not component.is_active:
        raise ReviewError(
            field,
            f"Component: {component.title!r} was {component.state.value}; act on its successors.",
        )


# --------------------------------------------------------------------------- concepts


def create_concept(*, code: str, name: str) -> Concept:
    code = _text(code, "code", "Code", 40)
    name = _text(name, "name", "Name", 300)
    if db.session.scalar(select(Concept.id).where(func.lower(Concept.code) == code.lower())):
        raise ReviewError("code", f"Code: a concept {code} exists already.")
    concept = Concept(code=code, name=name)
    db.session.add(concept)
    db.session.flush()
    audit.record("framework.create_concept", "review_concept", concept.id, code=code)
    return concept


def concept_for_text(text: str) -> Concept | None:
    """The concept an amendment's free-text `concept` names, by its code or its name."""
    text = " ".join((text or "").split()).lower()
    if not text:
        return None
    return db.session.scalar(
        select(Concept)
        .where((func.lower(Concept.code) == text) | (func.lower(Concept.name) == text))
        .order_by(Concept.id)
    )


# --------------------------------------------------------------------------- proposals


def create_proposal(
    concept: Concept,
    *,
    title: str,
    submitted_on: date,
    party: object | None = None,
    organisation: str = "",
    co_sponsors: Sequence[object] = (),
    document: Document | None = None,
    track: str = "",
    components: Sequence[str] = (),
) -> Proposal:
    """A proposal of a Contracting Party (`party`) or an observer organisation, split into
    `components` (one at least)."""
    title = _text(title, "title", "Title", 500)
    organisation = _text(organisation, "organisation", "Organisation", 300, required=False)
    if (party is None) == (not organisation):
        raise ReviewError(
            "party",
            "Proponent: a Contracting Party or an observer organisation, one of the two.",
        )
    if track not in TRACKS:
        raise ReviewError("track", "Track: A, B or none.")
    sponsor_ids = [p.id for p in co_sponsors]  # type: ignore[attr-defined]
    if len(set(sponsor_ids)) != len(sponsor_ids):
        raise ReviewError("co_sponsors", "Co-sponsors: a party is named twice.")
    if party is not None and party.id in sponsor_ids:  # type: ignore[attr-defined]
        raise ReviewError("co_sponsors", "Co-sponsors: the proponent does not co-sponsor.")
    titles = [_text(t, "components", "Component", 500) for t in components]
    if not titles:
        raise ReviewError("components", "Components: a proposal has one component at least.")
    proposal = Proposal(
        concept=concept,
        title=title,
        party_id=party.id if party is not None else None,  # type: ignore[attr-defined]
        organisation=organisation,
        submitted_on=submitted_on,
        document_id=document.id if document is not None else None,
        track=track,
    )
    db.session.add(proposal)
    db.session.flush()
    for sponsor_id in sponsor_ids:
        db.session.add(ProposalSponsor(proposal_id=proposal.id, party_id=sponsor_id))
    for component_title in titles:
        db.session.add(
            Component(proposal_id=proposal.id, concept_id=concept.id, title=component_title)
        )
    db.session.flush()
    audit.record("framework.create_proposal", "review_proposal", proposal.id, concept=concept.code)
    return proposal


def add_component(proposal: Proposal, *, title: str, description: str = "") -> Component:
    component = Component(
        proposal_id=proposal.id,
        concept_id=proposal.concept_id,
        title=_text(title, "title", "Title", 500),
        description=(description or "").strip(),
    )
    db.session.add(component)
    db.session.flush()
    audit.record("framework.add_component", "review_component", component.id)
    return component


# --------------------------------------------------------------------------- split and merge


def _link(old: Component, new: Component, kind: LinkKind) -> None:
    db.session.add(ComponentLink(predecessor_id=old.id, successor_id=new.id, kind=kind))


def _successor(like: Component, title: str, step: int) -> Component:
    return Component(
        proposal_id=like.proposal_id,
        concept_id=like.concept_id,
        title=title,
        step=step,
        outcome=like.outcome if step >= 2 else None,
        rkc_part=like.rkc_part if step >= 2 else "",
    )


def split_component(component: Component, titles: Sequence[str]) -> list[Component]:
    """Retire `component` for two or more successors, at its step and with its outcome."""
    _active(component)
    names = [_text(t, "titles", "Successor", 500) for t in titles]
    if len(names) < 2:
        raise ReviewError("titles", "Successors: a split gives two components at least.")
    made = [_successor(component, name, component.step) for name in names]
    db.session.add_all(made)
    component.state = ComponentState.SPLIT
    db.session.flush()
    for new in made:
        _link(component, new, LinkKind.SPLIT)
    db.session.flush()
    audit.record(
        "framework.split", "review_component", component.id, successors=[c.id for c in made]
    )
    return made


def merge_components(components: Sequence[Component], title: str) -> Component:
    """Retire two or more components of one concept for a single successor, at the lowest
    of their steps (their outcome is kept when they share it)."""
    name = _text(title, "title", "Title", 500)
    unique = list({c.id: c for c in components}.values())
    if len(unique) < 2:
        raise ReviewError("components", "Components: a merge takes two components at least.")
    for component in unique:
        _active(component, "components")
    if len({c.concept_id for c in unique}) > 1:
        raise ReviewError("components", "Components: only components of one concept merge.")
    step = min(c.step for c in unique)
    new = _successor(unique[0], name, step)
    if len({(c.outcome, c.rkc_part) for c in unique}) > 1:
        new.outcome, new.rkc_part = None, ""
        new.step = min(step, 2)
    db.session.add(new)
    db.session.flush()
    for component in unique:
        component.state = ComponentState.MERGED
        _link(component, new, LinkKind.MERGE)
    db.session.flush()
    audit.record("framework.merge", "review_component", new.id, predecessors=[c.id for c in unique])
    return new


# --------------------------------------------------------------------------- steps


def move_step(
    component: Component,
    to_step: int,
    *,
    reason: str = "",
    meeting: Meeting | None = None,
) -> None:
    """Move one step forward, or back to an earlier step with a reason. Forward to Step 4,
    a component not qualified at Step 3 needs a decision: `reason` and `meeting`."""
    _active(component)
    reason = (reason or "").strip()
    here = component.step
    if isinstance(to_step, bool) or not isinstance(to_step, int) or not 1 <= to_step <= 4:
        raise ReviewError("step", "Step: 1, 2, 3 or 4.")
    if to_step == here:
        raise ReviewError("step", f"Step: the component is at Step {here} already.")
    if to_step > here + 1:
        raise ReviewError(
            "step",
            f"Step: from Step {here} a component moves to Step {here + 1}, not {to_step}; "
            "steps are not skipped.",
        )
    if to_step < here and not reason:
        raise ReviewError("reason", f"Reason: say why the component goes back to Step {to_step}.")
    if to_step == 3 and here == 2 and component.outcome is None:
        raise ReviewError("step", "Step: record the Step 2 outcome before Step 3.")
    if to_step == 3 and component.outcome in (Outcome.NO_ACTION,):
        raise ReviewError("step", "Step: a component whose outcome is no action stops at Step 2.")
    if to_step == 4 and here == 3:
        if component.qualified is None:
            raise ReviewError("step", "Step: record the Step 3 evaluation before Step 4.")
        if component.qualified is False and not component.may_draft:
            if not reason or meeting is None:
                raise ReviewError(
                    "reason" if not reason else "meeting_id",
                    "Decision: the component did not qualify at Step 3; Step 4 needs a "
                    "recorded decision, a reason and the meeting that took it.",
                )
            component.decision_reason, component.decision_meeting_id = reason, meeting.id
    db.session.add(
        StepMove(component_id=component.id, from_step=here, to_step=to_step, reason=reason)
    )
    component.step = to_step
    db.session.flush()
    audit.record("framework.move_step", "review_component", component.id, to=to_step)


def set_outcome(component: Component, outcome: str, *, rkc_part: str = "") -> None:
    """Step 2: where the change belongs; for the Convention, which part."""
    _active(component)
    if component.step != 2:
        raise ReviewError(
            "outcome", f"Outcome: set at Step 2; the component is at Step {component.step}."
        )
    try:
        value = Outcome(outcome)
    except ValueError:
        raise ReviewError(
            "outcome",
            "Outcome: rkc, guidelines, other_instrument, new_instrument or no_action.",
        ) from None
    rkc_part = rkc_part or ""
    if value is Outcome.RKC and rkc_part not in RKC_PARTS:
        raise ReviewError(
            "rkc_part",
            "Part: the Body, the General Annex or a Specific Annex (body, general, "
            "specific_a to specific_k).",
        )
    if value is not Outcome.RKC and rkc_part:
        raise ReviewError("rkc_part", "Part: only an outcome in the Convention names a part.")
    component.outcome, component.rkc_part = value, rkc_part
    db.session.flush()
    audit.record("framework.set_outcome", "review_component", component.id, outcome=value.value)


# --------------------------------------------------------------------------- criteria


def active_criteria() -> list[Criterion]:
    return list(
        db.session.scalars(
            select(Criterion).where(Criterion.active.is_(True)).order_by(Criterion.position)
        )
    )


def add_criterion(text: str) -> Criterion:
    text = _text(text, "text", "Criterion", 500)
    last = db.session.scalar(select(func.max(Criterion.position)))
    criterion = Criterion(text=text, position=(last or 0) + 1, active=True)
    db.session.add(criterion)
    db.session.flush()
    audit.record("framework.add_criterion", "review_criterion", criterion.id)
    return criterion


def retire_criterion(criterion: Criterion) -> None:
    """Leave a criterion out of future evaluations (past ones keep it)."""
    criterion.active = False
    audit.record("framework.retire_criterion", "review_criterion", criterion.id)


def evaluate(
    component: Component,
    *,
    results: dict[int, tuple[bool, str]],
    qualified: bool,
    meeting: Meeting | None,
) -> None:
    """Step 3: each active criterion met or not (with a note), qualified or not, and the
    meeting that decided. Replaces an earlier evaluation."""
    _active(component)
    if component.step != 3:
        raise ReviewError(
            "evaluation",
            f"Evaluation: made at Step 3; the component is at Step {component.step}.",
        )
    if meeting is None:
        raise ReviewError("meeting_id", "Meeting: cite the meeting that decided.")
    criteria = active_criteria()
    if not criteria:
        raise ReviewError("criteria", "Criteria: the Secretariat has configured none yet.")
    known = {c.id for c in criteria}
    unknown = sorted(set(results) - known)
    if unknown:
        raise ReviewError("criteria", f"Criteria: {unknown[0]} is not an active criterion.")
    missing = [c for c in criteria if c.id not in results]
    if missing:
        raise ReviewError(
            f"criterion_{missing[0].id}",
            f"Criterion {missing[0].text!r}: say whether it is met.",
        )
    if not isinstance(qualified, bool):
        raise ReviewError("qualified", "Qualified: yes or no.")
    for old in db.session.scalars(
        select(Evaluation).where(Evaluation.component_id == component.id)
    ):
        db.session.delete(old)
    db.session.flush()
    for criterion in criteria:
        met, note = results[criterion.id]
        db.session.add(
            Evaluation(
                component_id=component.id,
                criterion_id=criterion.id,
                met=bool(met),
                note=(note or "").strip(),
            )
        )
    component.qualified = qualified
    component.evaluation_meeting_id = meeting.id
    db.session.flush()
    audit.record("framework.evaluate", "review_component", component.id, qualified=qualified)


# --------------------------------------------------------------------------- Step 4


def link_draft(component: Component, amendment: object) -> ComponentDraft:
    """A potential draft text of the component: an existing amendment of the right work."""
    _active(component)
    if component.step != 4:
        raise ReviewError(
            "amendment_id",
            f"Draft: potential draft texts come at Step 4; the component is at Step "
            f"{component.step}.",
        )
    if not component.may_draft:
        raise ReviewError(
            "amendment_id",
            "Draft: the component did not qualify at Step 3 and no decision to draft anyway "
            "is recorded.",
        )
    work = DRAFT_WORK.get(component.outcome)  # type: ignore[arg-type]
    if work is None:
        raise ReviewError(
            "amendment_id",
            "Draft: only a component whose outcome is the Convention or the Guidelines has "
            "draft texts in rkc.",
        )
    if getattr(amendment, "is_draft", False):
        raise ReviewError("amendment_id", "Draft: that amendment is its party's unpublished draft.")
    amended = amendment.edition.work.key  # type: ignore[attr-defined]
    if amended != work:
        wanted = "the Guidelines" if work == "guidelines" else "the Convention"
        raise ReviewError(
            "amendment_id",
            f"Draft: the component's outcome is {wanted}; amendment "
            f"{amendment.label} amends another text.",  # type: ignore[attr-defined]
        )
    key = (component.id, amendment.id)  # type: ignore[attr-defined]
    if db.session.get(ComponentDraft, key) is not None:
        raise ReviewError("amendment_id", "Draft: that amendment is linked already.")
    draft = ComponentDraft(component_id=key[0], amendment_id=key[1])
    db.session.add(draft)
    db.session.flush()
    audit.record("framework.link_draft", "review_component", component.id, amendment=key[1])
    return draft


def set_consultation(component: Component, *, opens: date, closes: date) -> None:
    """The consultation window on the component's draft texts (both days included)."""
    _active(component)
    if component.step != 4:
        raise ReviewError(
            "opens",
            f"Consultation: opened at Step 4; the component is at Step {component.step}.",
        )
    if closes < opens:
        raise ReviewError("closes", f"Closes: {closes} is before the opening, {opens}.")
    component.consultation_opens, component.consultation_closes = opens, closes
    db.session.flush()
    audit.record(
        "framework.consultation",
        "review_component",
        component.id,
        opens=opens.isoformat(),
        closes=closes.isoformat(),
    )


def consultation_open(component: Component, today: date) -> bool:
    opens, closes = component.consultation_opens, component.consultation_closes
    return opens is not None and closes is not None and opens <= today <= closes


def add_comment(component: Component, *, user: object, body: str, today: date) -> ComponentComment:
    """A written comment, accepted only while the consultation window is open."""
    text = (body or "").strip()
    if not text:
        raise ReviewError("body", "Comment: write something.")
    if len(text) > 20_000:
        raise ReviewError("body", "Comment: 20,000 characters at most.")
    if component.consultation_opens is None:
        raise ReviewError("body", "Comment: no consultation is open on this component.")
    if not consultation_open(component, today):
        if today < component.consultation_opens:
            when = f"it opens on {component.consultation_opens.isoformat()}"
        else:
            when = f"it closed on {component.consultation_closes.isoformat()}"  # type: ignore[union-attr]
        raise ReviewError("body", f"Comment: the consultation is not open; {when}.")
    comment = ComponentComment(
        component_id=component.id,
        author_id=user.id,  # type: ignore[attr-defined]
        party_id=getattr(user, "party_id", None),
        body=text,
    )
    db.session.add(comment)
    db.session.flush()
    audit.record("framework.comment", "review_component_comment", comment.id)
    return comment
