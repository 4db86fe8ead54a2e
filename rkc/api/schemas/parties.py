"""Models of a party's record in the API (rkc/api/parties.py and rkc/api/party_events.py):
instruments, acceptances, reservations, deadlines, the text binding a party on a day, and the
events the Secretariat records."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from rkc.api.spec import NO_NUL, Body, DateText, Day, Key, Out, PartialDateText, Query, Text
from rkc.parties.models import EventKind, InstrumentKind

Bound = Literal["yes", "maybe", "no"]


class Span(Out):
    earliest: DateText
    latest: DateText
    exact: bool
    text: str


class Result(Span):
    basis: Literal["recorded", "computed"]
    computed: Span | None
    explanation: list[str]


class DeadlineOut(Out):
    due: Span | None
    period_months: int
    extension_months: int
    explanation: list[str]


class Head(Out):
    party: str
    code: str
    iso3: str | None
    is_party: bool
    entry_into_force: Result | None
    entry_into_force_note: Literal["date not recorded"] | None
    specific_annex_chapters: Literal["unknown", "none"] | list[str] = Field(
        description='"unknown" (no source lists them), "none" (a source says none), or the '
        "chapters accepted"
    )


class Instrument(Out):
    kind: str | None
    deposited_on: PartialDateText | None
    recorded_entry_into_force: PartialDateText | None
    source: str


class Denunciation(Out):
    notice_on: PartialDateText
    effective: Result | None


class Instruments(Head):
    instruments: list[Instrument]
    denunciation: Denunciation | None


class Acceptance(Out):
    chapter: str
    key: str
    notified_on: PartialDateText
    in_force: Result | None
    denounced_on: PartialDateText | None
    ends: Result | None


class Acceptances(Head):
    chapters_complete: bool
    chapters_source: str
    acceptances: list[Acceptance]


class ReservationOut(Out):
    provision: str
    text: str
    entered_on: PartialDateText
    withdrawn_on: PartialDateText | None
    reviews_due: list[DateText]
    next_review: DateText


class Reservations(Head):
    reservations: list[ReservationOut]


class ScopeDeadline(Out):
    scope: str
    deadline: DeadlineOut | None


class Extension(Out):
    target: str | None
    months: int
    requested_on: PartialDateText | None
    granted_on: PartialDateText


class Deadlines(Head):
    deadlines: list[ScopeDeadline]
    extensions: list[Extension]


class UnitReservation(Out):
    text: str
    entered_on: PartialDateText
    applies: Bound


class BindingUnit(Out):
    key: str
    kind: str
    number: str | None
    title: str | None
    text: str
    depth: int
    reservation: UnitReservation | None
    deadline: DeadlineOut | None


class ChapterInForce(Out):
    chapter: str
    key: str
    bound: Bound


class Binding(Head):
    on: DateText
    bound: Bound
    edition: str
    unofficial_working_text: bool
    chapters_in_force: list[ChapterInForce]
    chapters_pending: list[str]
    chapters_ended: list[str]
    chapters_left_out: list[str]
    html: str
    units: list[BindingUnit]


class OnQuery(Query):
    on: Day | None = Field(
        None, description="The day, YYYY-MM-DD (today without one)", examples=["2021-03-14"]
    )


# --------------------------------------------------------------------------- events recorded

#: A source or a note, as the forms take them.
ShortText = Annotated[str, StringConstraints(max_length=2000, pattern=NO_NUL)]

#: A date at its known precision: 2006, 2006-04 or 2006-04-29 (the operations check it).
Partial = Annotated[
    str,
    StringConstraints(max_length=10, pattern=NO_NUL),
    Field(description="2006, 2006-04 or 2006-04-29: only as precise as the record"),
]


class EventOut(Out):
    id: int
    kind: EventKind
    instrument: InstrumentKind | None
    chapter: str | None
    target: str | None
    event_on: PartialDateText | None
    in_force_on: PartialDateText | None
    months: int | None
    source: str
    note: str


class RecordedReservation(Out):
    id: int
    provision: str
    text: str
    entered_on: PartialDateText
    withdrawn_on: PartialDateText | None
    source: str


class Events(Head):
    events: list[EventOut]
    reservations: list[RecordedReservation]


class InstrumentBody(Body):
    instrument: InstrumentKind | None = None
    deposited_on: Partial | None = None
    in_force_on: Partial | None = None
    source: ShortText | None = None
    note: ShortText | None = None


class AcceptanceBody(Body):
    chapter: Key = Field(description="A Specific Annex chapter, e.g. sa-b/1")
    notified_on: Partial
    in_force_on: Partial | None = None
    source: ShortText | None = None
    note: ShortText | None = None


class ReservationBody(Body):
    provision: Key = Field(description="A Recommended Practice of a chapter the party accepts")
    entered_on: Partial
    text: Text = Field(description="How national law differs (Markdown)")
    source: ShortText | None = None


class WithdrawalBody(Body):
    withdrawn_on: Partial
    source: ShortText | None = None


class ExtensionBody(Body):
    provision: Key = Field(
        description="A General Annex provision (ga/3/3.11) or chapter (ga/3: each of its "
        "provisions)"
    )
    granted_on: Partial
    requested_on: Partial | None = None
    months: int = Field(ge=1, le=12)
    source: ShortText | None = None
    note: ShortText | None = None


class DenunciationBody(Body):
    notice_on: Partial
    chapter: Key | None = Field(None, description="A chapter; null: the Convention itself")
    source: ShortText | None = None
    note: ShortText | None = None


class RetractBody(Body):
    reason: ShortText = Field(min_length=1, description="Why the record is wrong")
