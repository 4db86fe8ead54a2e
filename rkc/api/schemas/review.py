"""Models of the review register in the API (rkc/api/review.py): meetings, their agenda
items and documents."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from rkc.api.spec import NO_NUL, Body, DateText, Day, Id, Lang, Out, Text
from rkc.review.models import (
    DocumentKind,
    DocumentLevel,
    MeetingMode,
    MeetingStatus,
    Purpose,
)


class MeetingOut(Out):
    id: Id
    body: str
    number: int
    ordinal: str
    title: str
    starts_on: DateText
    ends_on: DateText
    mode: MeetingMode
    languages: list[Lang]
    venue: str
    status: MeetingStatus


class Meetings(Out):
    meetings: list[MeetingOut]


class ItemOut(Out):
    id: Id
    number: str = Field(description="Computed from the item's place: III, III.b")
    title: str
    purpose: Purpose
    parent: Id | None


class Items(Out):
    items: list[ItemOut]


class DocumentOut(Out):
    id: Id
    symbol: str
    title: str
    language: Lang
    version: int
    kind: DocumentKind
    level: DocumentLevel
    meeting: Id | None
    parent: str | None
    superseded_by: str | None
    mimetype: str
    size: int
    file_url: str


class MeetingDetail(MeetingOut):
    agenda: list[ItemOut]
    documents: list[DocumentOut]


class NewMeeting(Body):
    """A numbered session of a body; a second session with the same ordinal is a 400."""

    body: Text = Field(description="The body's code, e.g. RKC/MC")
    number: int = Field(ge=1, le=999)
    starts_on: Day
    ends_on: Day
    mode: MeetingMode
    languages: list[Lang] | None = Field(None, description="Default: en and fr")
    venue: Annotated[str, StringConstraints(max_length=300, pattern=NO_NUL)] | None = None


class NewItem(Body):
    title: Annotated[str, StringConstraints(max_length=500, pattern=NO_NUL)]
    purpose: Purpose
    parent: Id | None = Field(None, description="A top-level item to put this one under")


class MeetingStatusBody(Body):
    status: MeetingStatus


class MoveBody(Body):
    direction: Literal["up", "down"]
