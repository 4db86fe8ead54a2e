"""Models of the amendment procedure in the API (rkc/api/procedure.py): the Committee's
recommendations, the parties' responses, and where each stands."""

from __future__ import annotations

from pydantic import Field

from rkc.api.spec import Body, DateText, Day, DraftName, Id, Key, Out, Text
from rkc.procedure.models import Procedure, ResponseKind, Status


class ResponseOut(Out):
    id: Id
    party: str
    party_code: str
    kind: ResponseKind
    responded_on: DateText
    note: str


class Reservation(Out):
    party: str
    on: DateText


class Standing(Out):
    """Where a recommendation stands today, evaluated now (not the daily job's cache)."""

    status: Status
    explanation: list[str]
    deemed_accepted_on: DateText | None
    in_force_on: DateText | None
    failed_because: str | None
    objections_until: DateText | None
    awaiting: list[str]
    reservations: list[Reservation]


class RecommendationOut(Out):
    id: Id
    label: str
    url: str
    edition: str = Field(description="The edition it carries, as work/slug")
    procedure: Procedure
    session: str
    decided_on: DateText
    communicated_on: DateText
    set_in_force_on: DateText | None
    in_force_months: int | None
    chapter: str | None
    note: str
    parties_present: list[str]
    standing: Standing


class RecommendationDetail(RecommendationOut):
    responses: list[ResponseOut]


class Recommendations(Out):
    recommendations: list[RecommendationOut]


class NewRecommendation(Body):
    """What the Committee decided: an adopted edition (frozen, not yet in force)."""

    edition: DraftName = Field(description="An adopted edition, as work/slug, e.g. rkc/2026")
    procedure: Procedure
    session: Text = Field(max_length=300, description="The Committee session, e.g. RKC/MC 23")
    decided_on: Day
    communicated_on: Day
    set_in_force_on: Day | None = Field(None, description="An annex amendment's own date")
    in_force_months: int | None = Field(
        None, ge=0, le=120, description="Or a period from deemed acceptance (not both)"
    )
    parties_present: list[str] = Field(
        default_factory=list,
        max_length=300,
        description="Parties present at the session: ISO 3166-1 alpha-3 codes or numbers",
    )
    chapter: Key | None = Field(None, description="A Specific Annex chapter, when it is one")
    note: Text | None = None


class NewResponse(Body):
    party: str = Field(max_length=12, description="The party's ISO 3166-1 alpha-3 code or number")
    kind: ResponseKind
    responded_on: Day
    note: Text | None = None
