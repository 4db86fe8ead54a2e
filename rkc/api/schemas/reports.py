"""Models of a meeting's report in the API (rkc/api/reports.py)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from rkc.api.spec import NO_NUL, Body, Id, Out, Timestamp
from rkc.review.models import ReportStatus

#: One item's Markdown (rkc.review.reports.MAX_TEXT).
ItemText = Annotated[str, StringConstraints(max_length=50_000, pattern=NO_NUL)]
Reference = Annotated[str, StringConstraints(min_length=1, max_length=60, pattern=NO_NUL)]


class AmendmentRef(Out):
    id: Id
    number: str


class DocumentRef(Out):
    id: Id
    symbol: str


class EntryOut(Out):
    agenda_item: Id
    number: str = Field(description="The item's number on the agenda: III, III.b")
    title: str
    text: str = Field(description="Markdown: as adopted, or as the latest corrigendum reads")
    html: str = Field(description="`text` rendered (the project's safe renderer, no raw HTML)")
    adopted_text: str = Field(description="The entry as written in the draft or adopted")
    amendments: list[AmendmentRef]
    documents: list[DocumentRef] = Field(description="Those the reader may see")


class CorrigendumOut(Out):
    number: int
    agenda_item: Id
    text: str
    reason: str
    made_at: Timestamp


class ReportOut(Out):
    meeting: Id
    status: ReportStatus
    revision: int = Field(description="Send it back as `revision` with the next edit")
    updated_at: Timestamp
    adopted_at: Timestamp | None
    entries: list[EntryOut]
    corrigenda: list[CorrigendumOut]


class EntryText(Out):
    agenda_item: Id
    text: str


class ReportConflict(Out):
    """409: the edit started from an older revision; both texts, to merge by hand."""

    error: str
    message: str
    field: str | None
    revision: int = Field(description="The current revision, to send with the next edit")
    yours: list[EntryText]
    current: list[EntryText]


class EntryIn(Body):
    agenda_item: Id
    text: ItemText = ""
    amendments: list[Reference] = Field(default_factory=list, description="Numbers, e.g. RD/001")
    documents: list[Reference] = Field(default_factory=list, description="Symbols, e.g. RK0012E1")


class DraftBody(Body):
    """The whole draft: the items named replace what it said; an item left out records
    nothing."""

    revision: int = Field(
        ge=0, description="The revision the edit started from; 0 for a new report"
    )
    entries: list[EntryIn] = Field(max_length=500)


class AdoptBody(Body):
    revision: int = Field(ge=1, description="The revision being adopted")


class CorrigendumBody(Body):
    agenda_item: Id
    text: ItemText
    reason: Annotated[str, StringConstraints(min_length=1, max_length=2000, pattern=NO_NUL)]
