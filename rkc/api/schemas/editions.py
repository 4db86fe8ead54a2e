"""Models of the Secretariat's work on editions in the API (rkc/api/editions.py): open a
working draft, freeze it, reopen it, record its entry into force, and the merge queue."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from rkc.api.schemas.amendments import AmendmentOut
from rkc.api.schemas.texts import EditionOut
from rkc.api.spec import NO_NUL, Body, Day, Id, Key, Out, Text

Slug = Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=NO_NUL)]


class EditionDone(Out):
    """The edition as it stands after the step."""

    work: str
    edition: EditionOut


class OpenedDraft(EditionDone):
    url: str


class Open(Out):
    id: int
    label: str
    status: str
    target: str


class Preflight(Out):
    """What is still open on a working draft before it is frozen."""

    work: str
    edition: EditionOut
    blocked: bool = Field(description="Agreed amendments wait to be merged: freezing is refused")
    needs_confirmation: bool = Field(description="Open amendments: send confirmed true")
    agreed: list[Open]
    conflicted: list[Open]
    pending: list[Open]
    drafts: int = Field(description="Draft amendments (of every party: only their number)")
    changed_units: int | None = Field(
        description="Units changed against the edition it is based on"
    )


class NewDraft(Body):
    slug: Slug = Field(description="The new draft's slug, e.g. review-2027")
    title: Annotated[str, StringConstraints(min_length=1, max_length=300, pattern=NO_NUL)]


class Freeze(Body):
    adopted_on: Day
    in_force_from: Day | None = None
    title: Annotated[str, StringConstraints(max_length=300, pattern=NO_NUL)] | None = Field(
        None, description="A new title for the adopted text"
    )
    confirmed: bool = Field(
        False, description="Freeze although amendments are still open (the pre-flight lists them)"
    )


class Reopen(Body):
    reason: Text = Field(description="Why the adopted text must be worked on again")


class InForce(Body):
    in_force_from: Day


class Competing(Out):
    """A provision with more than one modification in play: a compromise text may supersede
    them."""

    node: str
    current_revision: int
    amendments: list[int]


class Queue(Out):
    edition: str = Field(description="The working draft, as work/slug")
    agreed: list[AmendmentOut] = Field(description="Agreed amendments, in document order")
    competing: list[Competing]


class Merge(Body):
    amendments: list[Id] = Field(min_length=1, max_length=500)
    expected: dict[Key, Id] = Field(
        default_factory=dict,
        description="For each amended provision (by key), the revision the merge is based on: "
        "the amendment's current_revision in the queue (a stale one answers 409)",
    )


class Merged(Out):
    edition: str
    merged: list[str] = Field(description="The amendments merged, by label")
    revisions: list[int]
    conflicts_flagged: list[str] = Field(
        description="Provisions whose other amendments are now in conflict"
    )


class Compromise(Body):
    node: Key
    amendments: list[Id] = Field(min_length=1, max_length=100)
    text: Text = Field(description="The compromise text (Markdown)")
    expected_revision: Id = Field(description="The provision's revision the text is based on")
    reason: Text | None = None


class CompromiseDone(Out):
    edition: str
    node: str
    revision: int
    superseded: list[int]
