"""Recommendations of the Management Committee and the parties' responses to them.

A recommendation carries an adopted edition through the procedure of arts. 15 and 16. What
the law makes of the recorded facts is computed by `rkc.procedure.law.evaluate_recommendation`;
the columns `status` ... `failed_because` cache the last evaluation for lists and feeds.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rkc.convention.models import Edition, Node, utcnow
from rkc.database import text_enum
from rkc.extensions import db
from rkc.messages import N_
from rkc.parties.models import Party
from rkc.procedure.law import Procedure, ResponseKind, Status

PROCEDURE_LABELS = {
    Procedure.BODY: N_("Amendment of the Body (Article 15)"),
    Procedure.ANNEX: N_("Amendment of the Annexes (Article 16)"),
    Procedure.RECOMMENDED_PRACTICE: (
        N_("Recommended Practices decided by the Committee (Articles 6(4)(b) and 16)")
    ),
    Procedure.GUIDELINES: N_("Guidelines adopted by the Committee"),
}

STATUS_LABELS = {
    Status.PENDING: N_("Pending"),
    Status.DEEMED_ACCEPTED: N_("Accepted, not yet in force"),
    Status.IN_FORCE: N_("In force"),
    Status.FAILED: N_("Failed"),
}

RESPONSE_LABELS = {
    ResponseKind.ACCEPTANCE: N_("Acceptance"),
    ResponseKind.OBJECTION: N_("Objection"),
    ResponseKind.CONDITIONS_NOT_MET: N_("Conditions for acceptance not yet met"),
    ResponseKind.RESERVATION: N_("Reservation"),
}


class Recommendation(db.Model):
    __tablename__ = "recommendation"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The adopted edition this recommendation would bring into force (one each).
    edition_id: Mapped[int] = mapped_column(ForeignKey("edition.id"), unique=True)
    procedure: Mapped[Procedure] = mapped_column(text_enum(Procedure, 24))
    #: The Committee session, e.g. "Management Committee, 26th meeting".
    session: Mapped[str] = mapped_column(String(300))
    decided_on: Mapped[date] = mapped_column(Date)
    #: The day the depositary communicated it to the parties (for Guidelines: adopted).
    communicated_on: Mapped[date] = mapped_column(Date)
    #: Another date of entry into force set by the recommendation (annex amendments only).
    set_in_force_on: Mapped[date | None] = mapped_column(Date)
    #: Or another period of entry into force, in months counted from deemed acceptance
    #: (annex amendments only; at most one of the two is set).
    in_force_months: Mapped[int | None] = mapped_column(Integer)
    #: For a Body amendment: the parties present at the recommending session (ids).
    parties_present: Mapped[str] = mapped_column(Text, default="")
    #: For matters of one Specific Annex chapter: the chapter (its parties alone may object).
    chapter_id: Mapped[int | None] = mapped_column(ForeignKey("node.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    # The last evaluation (a cache of what rkc.procedure.law computed; see its operations).
    status: Mapped[Status] = mapped_column(text_enum(Status, 24), default=Status.PENDING)
    deemed_accepted_on: Mapped[date | None] = mapped_column(Date)
    in_force_on: Mapped[date | None] = mapped_column(Date)
    failed_because: Mapped[str] = mapped_column(Text, default="")
    evaluated_on: Mapped[date | None] = mapped_column(Date)

    edition: Mapped[Edition] = relationship()
    chapter: Mapped[Node | None] = relationship()
    responses: Mapped[list[RecommendationResponse]] = relationship(
        back_populates="recommendation", order_by="RecommendationResponse.responded_on"
    )

    @property
    def present_ids(self) -> list[int]:
        return [int(x) for x in self.parties_present.split(",") if x]

    @property
    def label(self) -> str:
        return PROCEDURE_LABELS[self.procedure]

    @property
    def status_label(self) -> str:
        """The last evaluation, in words (the cached `status`)."""
        return STATUS_LABELS[self.status]


class RecommendationResponse(db.Model):
    __tablename__ = "recommendation_response"
    __table_args__ = (UniqueConstraint("recommendation_id", "party_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendation.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("party.id"))
    kind: Mapped[ResponseKind] = mapped_column(text_enum(ResponseKind, 24))
    responded_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    recommendation: Mapped[Recommendation] = relationship(back_populates="responses")
    party: Mapped[Party] = relationship()

    @property
    def label(self) -> str:
        return RESPONSE_LABELS[self.kind]
