"""The Four-step Framework (DOMAIN.md section 5): concepts, proposals, their components, and
where each component stands.

A proposal is filed under a concept and split into components; a component moves through
the steps (1 proposal, 2 assessment, 3 consideration against criteria, 4 drafting). At Step 2
it gets an outcome (where the change belongs), at Step 3 an evaluation against the criteria
the Secretariat configures, at Step 4 its potential draft texts (amendments) and a
consultation window. A split or a merge retires a component and links it to its successors,
so its history stays readable.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rkc.convention.models import utcnow
from rkc.database import text_enum
from rkc.extensions import db
from rkc.messages import N_


class Outcome(enum.StrEnum):
    """Where a component's change belongs (Step 2)."""

    RKC = "rkc"
    GUIDELINES = "guidelines"
    OTHER_INSTRUMENT = "other_instrument"
    NEW_INSTRUMENT = "new_instrument"
    NO_ACTION = "no_action"


class ComponentState(enum.StrEnum):
    ACTIVE = "active"
    SPLIT = "split"
    MERGED = "merged"


class LinkKind(enum.StrEnum):
    SPLIT = "split"
    MERGE = "merge"


STEP_LABELS = {
    1: N_("Step 1: proposal"),
    2: N_("Step 2: assessment"),
    3: N_("Step 3: consideration against criteria"),
    4: N_("Step 4: drafting"),
}
OUTCOME_LABELS = {
    Outcome.RKC: N_("The Convention"),
    Outcome.GUIDELINES: N_("The Guidelines"),
    Outcome.OTHER_INSTRUMENT: N_("Another existing WCO instrument or tool"),
    Outcome.NEW_INSTRUMENT: N_("A new instrument or tool"),
    Outcome.NO_ACTION: N_("No action"),
}
STATE_LABELS = {
    ComponentState.ACTIVE: N_("Active"),
    ComponentState.SPLIT: N_("Split"),
    ComponentState.MERGED: N_("Merged"),
}
#: The Specific Annexes of the Convention, A to K.
SPECIFIC_ANNEXES = tuple("ABCDEFGHIJK")
#: The parts of the Convention an outcome "the Convention" names: body, general, specific_a..k.
RKC_PARTS = ("body", "general", *(f"specific_{letter.lower()}" for letter in SPECIFIC_ANNEXES))
#: Historical track labels of imported proposals ("" for none).
TRACKS = ("", "A", "B")


def part_label(part: str) -> str:
    """Body, General Annex, Specific Annex E (English: exports and the API keep it)."""
    if part == "body":
        return "Body"
    if part == "general":
        return "General Annex"
    if part.startswith("specific_"):
        return f"Specific Annex {part.removeprefix('specific_').upper()}"
    return ""


class Concept(db.Model):
    """A topic proposals are filed under (authorised operators, advance rulings, ...)."""

    __tablename__ = "review_concept"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Proposal(db.Model):
    """A proposal of a Contracting Party or an observer organisation, under a concept."""

    __tablename__ = "review_proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    concept_id: Mapped[int] = mapped_column(ForeignKey("review_concept.id"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    #: The proponent: a Contracting Party, or else an observer organisation by name.
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"), index=True)
    organisation: Mapped[str] = mapped_column(String(300), default="")
    submitted_on: Mapped[date] = mapped_column(Date)
    #: The review document that carried it.
    document_id: Mapped[int | None] = mapped_column(ForeignKey("review_document.id"))
    #: Historical track of an imported proposal: "A", "B" or "" (none).
    track: Mapped[str] = mapped_column(String(1), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    concept: Mapped[Concept] = relationship()
    party = relationship("Party")
    document = relationship("Document")
    sponsors: Mapped[list[ProposalSponsor]] = relationship(
        back_populates="proposal", order_by="ProposalSponsor.party_id"
    )

    @property
    def proponent(self) -> str:
        return self.party.name if self.party_id else self.organisation


class ProposalSponsor(db.Model):
    """A Contracting Party co-sponsoring a proposal."""

    __tablename__ = "review_proposal_sponsor"

    proposal_id: Mapped[int] = mapped_column(ForeignKey("review_proposal.id"), primary_key=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"), primary_key=True)

    proposal: Mapped[Proposal] = relationship(back_populates="sponsors")
    party = relationship("Party")


class Component(db.Model):
    """One single change a proposal was split into, and where it stands in the framework."""

    __tablename__ = "review_component"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("review_proposal.id"), index=True)
    concept_id: Mapped[int] = mapped_column(ForeignKey("review_concept.id"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[ComponentState] = mapped_column(
        text_enum(ComponentState), default=ComponentState.ACTIVE
    )
    step: Mapped[int] = mapped_column(Integer, default=1)
    #: Step 2: where the change belongs; for the Convention, which part (RKC_PARTS).
    outcome: Mapped[Outcome | None] = mapped_column(text_enum(Outcome))
    rkc_part: Mapped[str] = mapped_column(String(20), default="")
    #: Step 3: qualified or not against the criteria, and the meeting that decided.
    qualified: Mapped[bool | None] = mapped_column(Boolean)
    evaluation_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("review_meeting.id"))
    #: A component not qualified at Step 3 drafts only on a recorded decision.
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decision_meeting_id: Mapped[int | None] = mapped_column(ForeignKey("review_meeting.id"))
    #: Step 4: the consultation window on its potential draft texts (inclusive dates).
    consultation_opens: Mapped[date | None] = mapped_column(Date)
    consultation_closes: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    proposal: Mapped[Proposal] = relationship()
    concept: Mapped[Concept] = relationship()
    evaluation_meeting = relationship("Meeting", foreign_keys=[evaluation_meeting_id])
    decision_meeting = relationship("Meeting", foreign_keys=[decision_meeting_id])

    @property
    def is_active(self) -> bool:
        return self.state is ComponentState.ACTIVE

    @property
    def may_draft(self) -> bool:
        """Qualified at Step 3, or a recorded decision lets it draft anyway."""
        return bool(self.qualified) or bool(self.decision_reason and self.decision_meeting_id)


class ComponentLink(db.Model):
    """A split or a merge: the retired component points to each of its successors."""

    __tablename__ = "review_component_link"

    predecessor_id: Mapped[int] = mapped_column(ForeignKey("review_component.id"), primary_key=True)
    successor_id: Mapped[int] = mapped_column(ForeignKey("review_component.id"), primary_key=True)
    kind: Mapped[LinkKind] = mapped_column(text_enum(LinkKind))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StepMove(db.Model):
    """A component's move from one step to another (back: with a reason)."""

    __tablename__ = "review_step_move"

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("review_component.id"), index=True)
    from_step: Mapped[int] = mapped_column(Integer)
    to_step: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, default="")
    moved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Criterion(db.Model):
    """One of the criteria Step 3 weighs components against (the Secretariat's list)."""

    __tablename__ = "review_criterion"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Evaluation(db.Model):
    """A component against one criterion: met or not, with a note."""

    __tablename__ = "review_evaluation"

    component_id: Mapped[int] = mapped_column(ForeignKey("review_component.id"), primary_key=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("review_criterion.id"), primary_key=True)
    met: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text, default="")

    criterion: Mapped[Criterion] = relationship()


class ComponentDraft(db.Model):
    """A potential draft text of a component: an amendment of rkc."""

    __tablename__ = "review_component_draft"

    component_id: Mapped[int] = mapped_column(ForeignKey("review_component.id"), primary_key=True)
    amendment_id: Mapped[int] = mapped_column(ForeignKey("amendment.id"), primary_key=True)
    linked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    amendment = relationship("Amendment")


class ComponentComment(db.Model):
    """A written comment on a component, made while its consultation window was open."""

    __tablename__ = "review_component_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("review_component.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("party.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    author = relationship("User")
    party = relationship("Party")
