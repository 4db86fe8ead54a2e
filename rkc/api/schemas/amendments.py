"""Models of the amendments API (rkc/api/amendments.py and rkc/api/discussion.py): what a
member proposes, revises, moves on, says about an amendment, and what the API answers."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from rkc.amendments.models import (
    AmendmentAction,
    AmendmentStatus,
    SponsorStatus,
    Stance,
    TranslationStatus,
)
from rkc.api.schemas.texts import Segment
from rkc.api.spec import Body, DraftName, Finding, Id, Key, Lang, Out, Query, Text, Timestamp
from rkc.review.framework_models import ComponentState, Outcome

# --------------------------------------------------------------------------- answers


class PositionOut(Out):
    party: str
    party_iso3: str | None
    stance: Stance
    statement: str
    on_seq: int = Field(description="The amendment version it was given on")
    updated_at: Timestamp


class CommentOut(Out):
    id: int
    thread: int | None = Field(description="The thread's first comment; null for a first one")
    author: str
    party: str | None
    body: str = Field(description="Markdown source")
    created_at: Timestamp
    resolved_at: Timestamp | None
    resolved_by: str | None


class Target(Out):
    key: str | None
    label: str
    in_draft: bool


class Region(Out):
    base: str
    current: str
    proposed: str


class Conflict(Out):
    reason: str
    regions: list[Region]


class AmendmentOut(Out):
    id: int
    number: str | None = Field(description="Given when tabled, e.g. RD/001")
    label: str
    url: str
    page_url: str
    edition: str = Field(description="The working draft, as work/slug")
    action: AmendmentAction
    status: AmendmentStatus
    target: Target
    node: str | None
    parent: str | None
    after: str | None
    base_revision: int | None
    current_revision: int | None
    proposed_text: str = Field(description="Markdown source")
    proposed_title: str | None
    proposed_number: str | None
    proposed_kind: str | None
    proposed_key: str | None
    justification: str = Field(description="Markdown source")
    concept: str
    party: str
    party_iso3: str | None
    delegate: str
    sponsors: list[str]
    positions: list[PositionOut]
    seq: int = Field(description="The latest version; send it to revise")
    has_conflict: bool
    conflict: Conflict | None
    segments: list[Segment] = Field(description="The text's word redline against the provision")
    title_segments: list[Segment]
    created_at: Timestamp
    tabled_at: Timestamp | None
    decided_at: Timestamp | None
    activity_at: Timestamp


class Version(Out):
    seq: int
    origin: str
    base_revision: int | None
    proposed_text: str
    proposed_title: str | None
    justification: str
    concept: str
    author: str | None
    note: str
    created_at: Timestamp


class Transition(Out):
    from_: AmendmentStatus | None = Field(alias="from")
    to: AmendmentStatus
    by: str | None
    reason: str
    at: Timestamp


class Actions(Out):
    transitions: list[AmendmentStatus] = Field(
        description="The statuses the reader may move it to now"
    )
    revise: bool
    take_position: bool
    change_position: bool
    comment: bool


class LanguageVersion(Out):
    """The amendment's words in one language of the draft (issue 13): the original (the
    language it was proposed in, checked from the start) or a translation, which goes
    to_translate -> translated -> checked; a merge needs every one checked."""

    language: Lang
    original: bool
    status: TranslationStatus
    seq: int = Field(description="Send it back as expected_seq to write or check this version")
    proposed_text: str
    proposed_title: str | None
    base_revision: int | None
    conflict: bool
    translated_by: str | None
    translated_at: Timestamp | None
    checked_by: str | None
    checked_at: Timestamp | None


class Citation(Out):
    """A status change that cites a meeting (and its agenda item): where the amendment was
    discussed (tabled, under discussion) or decided (every other status)."""

    meeting: Id
    meeting_title: str
    agenda_item: Id | None
    agenda_number: str | None = Field(description="As the agenda shows it now: III, III.b")
    status: AmendmentStatus
    decided: bool
    at: Timestamp


class FrameworkPlace(Out):
    """Where a potential draft text (Step 4) stands in the Four-step Framework: the
    component that took it, its proposal and concept."""

    concept: str = Field(description="The concept's code")
    concept_name: str
    proposal: Id
    proponent: str = Field(description="The proposing party's name, or the organisation's")
    component: Id
    component_title: str
    state: ComponentState
    step: int = Field(ge=1, le=4)
    outcome: Outcome | None = Field(description="Step 2: null until assessed")
    rkc_part: str = Field(description="For the outcome rkc: body, general or specific_a..k")
    other_components: list[Id] = Field(
        description="Other components that took it as a draft text as well"
    )


class AmendmentDetail(AmendmentOut):
    language: Lang = Field(description="The language it was proposed in")
    languages: list[LanguageVersion] = Field(description="A version per language, English first")
    meetings: list[Citation] = Field(description="The meetings its status changes cite")
    framework: FrameworkPlace | None = Field(
        description="The framework component it is a potential draft text of; null if none"
    )
    versions: list[Version]
    transitions: list[Transition]
    comments: list[CommentOut]
    actions: Actions


class AmendmentList(Out):
    count: int
    amendments: list[AmendmentOut]


class ImportReport(Out):
    where: str
    label: str
    amendment: int
    note: str


class Imported(Out):
    edition: str
    source: str
    amendments: list[AmendmentOut]
    report: list[ImportReport]
    skipped: list[Finding]


class SponsorOut(Out):
    party: str
    party_iso3: str | None
    status: SponsorStatus
    note: str


class Comments(Out):
    comments: list[CommentOut]


class Positions(Out):
    positions: list[PositionOut]


# --------------------------------------------------------------------------- requests


class AmendmentQuery(Query):
    edition: DraftName | None = Field(
        None, description="A working draft, as work/slug", examples=["rkc/review-draft"]
    )
    status: AmendmentStatus | None = Field(None, description="One status", examples=["tabled"])
    party: str | None = Field(
        None,
        pattern="^[A-Za-z]{3}$",
        description="The proposing party's ISO 3166-1 alpha-3 code",
        examples=["AUT"],
    )
    chapter: Key | None = Field(
        None, description="Only amendments inside this unit (a key)", examples=["ga/3"]
    )
    concept: str | None = Field(
        None,
        max_length=200,
        pattern=r"^[^\x00]*$",
        description="The review's concept label",
        examples=["Advance rulings"],
    )
    scope: Literal["all", "mine", "tabled"] = Field(
        "all",
        description="all (default), mine (my party's) or tabled (numbered ones)",
        examples=["all"],
    )


class NewAmendment(Body):
    """modify: node, text; delete: node; heading: node, title (each with base_revision, the
    revision it was written against: a stale one answers 409); insert: parent, after (null:
    first), kind, number, title, text, key (a suggestion)."""

    action: AmendmentAction
    edition: DraftName | None = Field(None, description="Default: the work's newest draft")
    node: Key | None = None
    parent: Key | None = None
    after: Key | None = None
    base_revision: Id | None = None
    text: Text | None = Field(None, description="Markdown")
    title: Text | None = None
    kind: Text | None = None
    number: Text | None = None
    key: Key | None = None
    justification: Text | None = Field(None, description="Markdown; needed to table")
    concept: Text | None = None
    language: Lang | None = Field(
        None,
        description="The language the text is written in (default en): checked against the "
        "provision in that language; the Secretariat supplies the others",
    )


class LanguageWrite(Body):
    """The Secretariat supplies or corrects a translation; the proposing party revises its own
    original in another language than English. expected_seq: the version read (stale: 409)."""

    expected_seq: Id
    text: Text | None = Field(None, description="Markdown; left out: unchanged")
    title: Text | None = None
    note: Text | None = None


class LanguageCheck(Body):
    expected_seq: Id


class NewRevision(Body):
    """Members left out keep their value; expected_seq is the version read (stale: 409)."""

    expected_seq: Id
    base_revision: Id | None = None
    text: Text | None = None
    title: Text | None = None
    kind: Text | None = None
    number: Text | None = None
    key: Key | None = None
    after: Key | None = None
    justification: Text | None = None
    concept: Text | None = None


class StatusChange(Body):
    to: AmendmentStatus
    reason: Text | None = None
    superseded_by: Text | None = Field(None, description="A number, e.g. RD/002")
    meeting: Id | None = Field(None, description="The meeting this step was taken at (its id)")
    agenda_item: Id | None = Field(
        None, description="The item of that meeting's agenda (its id); needs `meeting`"
    )


class PositionBody(Body):
    stance: Stance
    statement: Text | None = None


class CommentBody(Body):
    body: Text
    reply_to: Id | None = None


class ResolveBody(Body):
    resolved: bool = True


class SponsorRequest(Body):
    note: Text | None = None


class SponsorAnswer(Body):
    confirm: bool = Field(description="true: the party co-sponsors; false: declined")


class WordUpload(Body):
    """A marked-up Word chapter, as multipart form data."""

    file: bytes = Field(json_schema_extra={"format": "binary", "type": "string"})
    edition: DraftName | None = Field(None, description="Default: from the file")
    concept: Text | None = None
    justification: Text | None = None
