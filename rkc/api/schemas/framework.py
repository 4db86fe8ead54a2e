"""Models of the Four-step Framework in the API (rkc/api/framework.py): concepts, proposals
and components."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from rkc.api.spec import NO_NUL, Body, DateText, Day, Id, Out, Timestamp
from rkc.review.framework_models import ComponentState, LinkKind, Outcome

Title = Annotated[str, StringConstraints(max_length=500, pattern=NO_NUL)]
Reason = Annotated[str, StringConstraints(max_length=5000, pattern=NO_NUL)]
Part = Literal[
    "body",
    "general",
    "specific_a",
    "specific_b",
    "specific_c",
    "specific_d",
    "specific_e",
    "specific_f",
    "specific_g",
    "specific_h",
    "specific_i",
    "specific_j",
    "specific_k",
]


class ConceptOut(Out):
    id: Id
    code: str
    name: str
    proposals: int
    components: int = Field(description="Active components (split or merged ones left out)")


class Concepts(Out):
    concepts: list[ConceptOut]


class ComponentOut(Out):
    id: Id
    proposal: Id
    concept: str = Field(description="The concept's code")
    title: str
    state: ComponentState
    step: int = Field(ge=1, le=4)
    outcome: Outcome | None
    rkc_part: str = Field(description="For the outcome rkc: body, general or specific_a..k")
    qualified: bool | None = Field(description="Step 3: null until evaluated")
    evaluation_meeting: Id | None
    decision_reason: str = Field(description="A decision to draft although not qualified")
    decision_meeting: Id | None
    consultation_opens: DateText | None
    consultation_closes: DateText | None
    predecessors: list[Id]
    successors: list[Id] = Field(description="What a split or merged component became")
    drafts: list[Id] = Field(description="Amendments linked as potential draft texts")


class Components(Out):
    components: list[ComponentOut]


class CriterionOut(Out):
    id: Id
    position: int
    text: str
    active: bool = Field(description="False once retired: past evaluations keep it")


class Criteria(Out):
    criteria: list[CriterionOut]


class EvaluationOut(Out):
    criterion: Id
    text: str = Field(description="The criterion's wording")
    active: bool = Field(description="Whether the criterion is still on the list")
    met: bool
    note: str


class LinkOut(Out):
    """A split or a merge that made this component, or that it went into."""

    kind: LinkKind
    predecessor: Id
    successor: Id
    at: Timestamp


class StepMoveOut(Out):
    from_step: int = Field(ge=1, le=4)
    to_step: int = Field(ge=1, le=4)
    reason: str
    at: Timestamp


class ComponentDetail(ComponentOut):
    evaluations: list[EvaluationOut] = Field(description="Step 3: each criterion met or not")
    history: list[LinkOut] = Field(description="The splits and merges it took part in")
    moves: list[StepMoveOut] = Field(description="Its moves from step to step")


class ProposalOut(Out):
    id: Id
    concept: str
    title: str
    proponent: str
    party: str | None = Field(description="The proposing party's ISO 3166-1 alpha-3 code")
    organisation: str
    co_sponsors: list[str]
    submitted_on: DateText
    document: str | None = Field(description="The symbol of the review document that carried it")
    track: Literal["", "A", "B"]
    components: list[ComponentOut]


class Proposals(Out):
    proposals: list[ProposalOut]


class NewConcept(Body):
    code: Annotated[str, StringConstraints(max_length=40, pattern=NO_NUL)]
    name: Annotated[str, StringConstraints(max_length=300, pattern=NO_NUL)]


class NewProposal(Body):
    """A proposal of a party (`party`) or an observer organisation (`organisation`)."""

    concept: Annotated[str, StringConstraints(max_length=40, pattern=NO_NUL)] = Field(
        description="The concept's code"
    )
    title: Title
    party: Annotated[str, StringConstraints(max_length=3, pattern=NO_NUL)] | None = Field(
        None, description="ISO 3166-1 alpha-3 code of the proposing Contracting Party"
    )
    organisation: Annotated[str, StringConstraints(max_length=300, pattern=NO_NUL)] | None = None
    co_sponsors: list[Annotated[str, StringConstraints(max_length=3, pattern=NO_NUL)]] | None = None
    submitted_on: Day
    document: Id | None = Field(None, description="The id of the review document that carried it")
    track: Literal["", "A", "B"] | None = None
    components: list[Title] = Field(min_length=1, max_length=200)


class StepBody(Body):
    step: int = Field(description="One forward, or back to an earlier step with a reason")
    reason: Reason | None = None
    meeting: Id | None = Field(
        None, description="Forward to Step 4 without qualifying: the meeting that decided"
    )


class OutcomeBody(Body):
    outcome: Outcome
    rkc_part: Part | None = None


class CriterionResult(Body):
    criterion: Id
    met: bool
    note: Annotated[str, StringConstraints(max_length=2000, pattern=NO_NUL)] | None = None


class EvaluationBody(Body):
    results: list[CriterionResult] = Field(max_length=200)
    qualified: bool
    meeting: Id


class DraftBody(Body):
    amendment: Id


class ConsultationBody(Body):
    opens: Day
    closes: Day


class CommentBody(Body):
    body: Annotated[str, StringConstraints(max_length=20_000, pattern=NO_NUL)]


class CommentOut(Out):
    id: Id
    author: str
    party: str | None
    body: str
    created_at: str


class Comments(Out):
    comments: list[CommentOut]


class SplitBody(Body):
    titles: list[Title] = Field(min_length=1, max_length=50)


class MergeBody(Body):
    components: list[Id] = Field(min_length=1, max_length=50, description="The others to merge")
    title: Title
