"""Every write of the amendment procedure. No Flask here.

The law is not written here: `rkc.procedure.law.evaluate_recommendation` decides; this module
records facts, asks the law, caches its answer, and, when the law says an edition has been
accepted, records the edition's date of entry into force (prospective until that day).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select

from rkc import audit
from rkc.convention import operations as text_ops
from rkc.convention.models import Edition, EditionStatus, Node
from rkc.extensions import db
from rkc.parties import standings
from rkc.parties.models import Party
from rkc.procedure import eligibility
from rkc.procedure.law import (
    Outcome,
    Procedure,
    Response,
    ResponseKind,
    Status,
    evaluate_recommendation,
)
from rkc.procedure.models import Recommendation, RecommendationResponse

FINAL_RESPONSES = frozenset(
    {ResponseKind.ACCEPTANCE, ResponseKind.OBJECTION, ResponseKind.RESERVATION}
)


#: The longest period of entry into force a recommendation may set, a sanity bound on input.
MAX_PERIOD_MONTHS = 120


class ProcedureError(ValueError):
    """Bad input for the procedure; `field` names the form field at fault."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


def recommend(
    edition: Edition,
    *,
    procedure: Procedure | str,
    session: str,
    decided_on: date,
    communicated_on: date,
    set_in_force_on: date | None = None,
    in_force_months: int | None = None,
    parties_present: Iterable[Party] = (),
    chapter: Node | None = None,
    note: str = "",
) -> Recommendation:
    """Record the Committee's recommendation (or decision) that carries `edition`.

    An annex amendment (Art. 16) may set its own entry into force: a date
    (`set_in_force_on`) or a period counted from deemed acceptance (`in_force_months`),
    not both.
    """
    procedure = Procedure(procedure)
    if edition.status is EditionStatus.WORKING_DRAFT:
        raise ProcedureError("edition", "Edition: freeze the working draft as adopted text first.")
    if edition.in_force_from is not None:
        raise ProcedureError(
            "edition", f"Edition: “{edition.title}” already has a date of entry into force."
        )
    if db.session.scalar(select(Recommendation.id).where(Recommendation.edition_id == edition.id)):
        raise ProcedureError("edition", f"Edition: “{edition.title}” already has a recommendation.")
    is_guidelines = edition.work.key == "guidelines"
    if is_guidelines != (procedure is Procedure.GUIDELINES):
        raise ProcedureError(
            "procedure",
            "Procedure: the Guidelines follow the Guidelines procedure, and only they do.",
        )
    if not session.strip():
        raise ProcedureError("session", "Session: name the Committee session.")
    if edition.adopted_on is not None and decided_on < edition.adopted_on:
        raise ProcedureError(
            "decided_on",
            f"Decided on: {decided_on} is before the text was adopted ({edition.adopted_on}).",
        )
    if communicated_on < decided_on:
        raise ProcedureError(
            "communicated_on",
            f"Communicated on: {communicated_on} is before the decision of {decided_on}.",
        )
    if set_in_force_on is not None:
        if procedure is not Procedure.ANNEX:
            raise ProcedureError(
                "set_in_force_on",
                "Date set for entry into force: only an annex amendment (Article 16) may set one.",
            )
        if set_in_force_on < communicated_on:
            raise ProcedureError(
                "set_in_force_on",
                f"Date set for entry into force: {set_in_force_on} is before communication.",
            )
    if in_force_months is not None:
        if procedure is not Procedure.ANNEX:
            raise ProcedureError(
                "in_force_months",
                "Period of entry into force: only an annex amendment (Article 16) may set one.",
            )
        if set_in_force_on is not None:
            raise ProcedureError(
                "in_force_months",
                "Period of entry into force: give a date or a period, not both.",
            )
        if isinstance(in_force_months, bool) or not 0 <= in_force_months <= MAX_PERIOD_MONTHS:
            raise ProcedureError(
                "in_force_months",
                f"Period of entry into force: from 0 to {MAX_PERIOD_MONTHS} months after deemed "
                "acceptance.",
            )
    present = list(parties_present)
    if procedure is Procedure.BODY and not present:
        raise ProcedureError(
            "parties_present",
            "Parties present: a Body amendment needs the parties present at the session.",
        )
    if chapter is not None and not chapter.key.startswith("sa-"):
        raise ProcedureError("chapter", "Chapter: only a Specific Annex chapter can be named.")
    recommendation = Recommendation(
        edition_id=edition.id,
        procedure=procedure,
        session=session.strip(),
        decided_on=decided_on,
        communicated_on=communicated_on,
        set_in_force_on=set_in_force_on,
        in_force_months=in_force_months,
        parties_present=",".join(str(p.id) for p in present),
        chapter_id=chapter.id if chapter else None,
        note=note.strip(),
    )
    db.session.add(recommendation)
    db.session.flush()
    audit.record(
        "recommendation.create",
        "recommendation",
        recommendation.id,
        edition=edition.slug,
        procedure=procedure.value,
        communicated_on=communicated_on,
    )
    return recommendation


def record_response(
    recommendation: Recommendation,
    party: Party,
    kind: ResponseKind | str,
    responded_on: date,
    note: str = "",
) -> RecommendationResponse:
    """Record a party's notification; refuses what the procedure does not allow."""
    kind = ResponseKind(kind)
    if responded_on < recommendation.communicated_on:
        raise ProcedureError(
            "responded_on",
            f"Date: {responded_on} is before the recommendation was communicated "
            f"({recommendation.communicated_on}).",
        )
    if recommendation.procedure is Procedure.GUIDELINES:
        raise ProcedureError("kind", "Response: the Guidelines take no responses from parties.")
    if (
        kind is ResponseKind.RESERVATION
        and recommendation.procedure is not Procedure.RECOMMENDED_PRACTICE
    ):
        raise ProcedureError(
            "kind", "Response: a reservation answers only a Recommended Practice decision."
        )
    problem = eligibility.why_not_respondent(party, responded_on)
    if problem:
        raise ProcedureError("party", f"Party: {problem}")
    earlier = [r for r in recommendation.responses if r.party_id == party.id]
    for previous in earlier:
        if previous.kind is kind or (previous.kind in FINAL_RESPONSES and kind in FINAL_RESPONSES):
            raise ProcedureError(
                "kind",
                f"Response: {party.name} already notified {previous.label.lower()} on "
                f"{previous.responded_on}; a party responds once.",
            )
        if previous.kind in FINAL_RESPONSES and kind is ResponseKind.CONDITIONS_NOT_MET:
            raise ProcedureError(
                "kind", f"Response: {party.name} has already given its final response."
            )
        if previous.responded_on > responded_on:
            raise ProcedureError(
                "responded_on",
                f"Date: {party.name}'s earlier response is dated {previous.responded_on}, "
                "after this one.",
            )
    response = RecommendationResponse(
        recommendation_id=recommendation.id,
        party_id=party.id,
        kind=kind,
        responded_on=responded_on,
        note=note.strip(),
    )
    db.session.add(response)
    db.session.flush()
    db.session.refresh(recommendation)
    audit.record(
        "recommendation.response",
        "recommendation",
        recommendation.id,
        party=party.name,
        kind=kind.value,
        responded_on=responded_on,
    )
    return response


def evaluate(recommendation: Recommendation, as_of: date) -> Outcome:
    """What the law makes of the recorded facts on `as_of` (no writes).

    Parties are named to the law by their names (unique), so that its explanation, and the
    reason for a failure cached on the recommendation, say "objection by Austria", not a
    database id.
    """
    bound_ids: list[int] | None = None
    if recommendation.chapter is not None:
        bound_ids = eligibility.bound_party_ids(recommendation.chapter, as_of)
    names = _party_names(
        [r.party_id for r in recommendation.responses],
        recommendation.present_ids,
        bound_ids or [],
    )
    responses = [
        Response(party=names[r.party_id], kind=r.kind, on=r.responded_on)
        for r in recommendation.responses
    ]
    bound = None if bound_ids is None else [names[i] for i in bound_ids]
    return evaluate_recommendation(
        recommendation.procedure,
        recommendation.communicated_on,
        responses,
        as_of,
        parties_present=[names[i] for i in recommendation.present_ids],
        set_in_force_on=recommendation.set_in_force_on,
        set_in_force_months=recommendation.in_force_months,
        bound_parties=bound,
        rules=standings.rules(),
    )


def _party_names(*groups: Iterable[int]) -> dict[int, str]:
    ids = {i for group in groups for i in group}
    if not ids:
        return {}
    return dict(db.session.execute(select(Party.id, Party.name).where(Party.id.in_(ids))).all())


def apply_outcome(recommendation: Recommendation, as_of: date) -> Outcome:
    """Evaluate, cache the answer, and give the edition its in-force date once accepted.

    The edition's date is recorded only when acceptance is certain (deemed accepted or in
    force on `as_of`); until its in-force day the edition shows as "not yet in force".
    """
    outcome = evaluate(recommendation, as_of)
    recommendation.status = outcome.status
    recommendation.deemed_accepted_on = outcome.deemed_accepted_on
    recommendation.in_force_on = outcome.in_force_on
    recommendation.failed_because = outcome.failed_because or ""
    recommendation.evaluated_on = as_of
    edition = recommendation.edition
    if (
        outcome.status in (Status.DEEMED_ACCEPTED, Status.IN_FORCE)
        and outcome.in_force_on is not None
        and edition.in_force_from != outcome.in_force_on
    ):
        text_ops.set_in_force(edition, outcome.in_force_on)
        audit.record(
            "edition.in_force",
            "edition",
            edition.id,
            in_force_from=outcome.in_force_on,
            by="recommendation",
            recommendation=recommendation.id,
        )
    db.session.flush()
    return outcome


def apply_all(as_of: date) -> list[tuple[Recommendation, Outcome]]:
    """Re-evaluate every recommendation not yet settled (a daily task: `rkc procedure apply`)."""
    open_ones = db.session.scalars(
        select(Recommendation).where(
            Recommendation.status.in_([Status.PENDING, Status.DEEMED_ACCEPTED])
        )
    ).all()
    return [(rec, apply_outcome(rec, as_of)) for rec in open_ones]
