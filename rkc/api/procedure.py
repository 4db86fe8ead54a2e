"""JSON API of the amendment procedure: the Committee's recommendations, the parties'
responses, and where each recommendation stands (the pages of rkc/procedure/views.py).

Everyone reads, as on the pages; the Secretariat records (`Action.RUN_WORKFLOW`), with a
token of the write scope, through the same operations (rkc.procedure.operations), which
refuse what the Convention does not allow (400, naming the member). Each write evaluates the
recommendation again as of today, as the pages do.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, url_for

from rkc.api import spec
from rkc.api.schemas import procedure as s
from rkc.api.spec import operation, refuse
from rkc.auth.permissions import Action, can
from rkc.auth.session import api_writer
from rkc.clock import today
from rkc.convention import queries as text_queries
from rkc.extensions import db
from rkc.parties.lookup import party_by_ident
from rkc.parties.models import Party
from rkc.procedure import operations as ops
from rkc.procedure import queries
from rkc.procedure.models import Recommendation

#: Operation field names -> the body members of this API.
FIELDS = {"edition_id": "edition", "chapter_id": "chapter", "party_id": "party"}


def register(bp: Blueprint) -> None:
    """Add this module's routes to the API blueprint."""
    spec.add_routes(
        bp,
        list_recommendations,
        create_recommendation,
        show_recommendation,
        record_response,
        apply_recommendation,
    )


def _recommendation(rec_id: int) -> Recommendation:
    rec = queries.recommendation(rec_id)
    if rec is None:
        abort(404, description=f"There is no recommendation {rec_id}.")
    return rec


def _secretariat() -> None:
    if not can(api_writer(), Action.RUN_WORKFLOW):
        abort(403, description="Only the Secretariat records the procedure.")


def _party(code: str, field: str) -> Party:
    party = party_by_ident(code) if code.isalnum() else None
    if party is None:
        refuse(400, f"{field}: no party has the code or number “{code[:20]}”.", field)
    return party  # type: ignore[return-value]


def _refused(exc: ops.ProcedureError) -> Any:
    field = FIELDS.get(exc.field, exc.field)
    return refuse(400, str(exc), field)


def _day(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def recommendation_json(rec: Recommendation) -> dict[str, Any]:
    outcome = ops.evaluate(rec, today())
    return {
        "id": rec.id,
        "label": rec.label,
        "url": url_for("api.show_recommendation", rec_id=rec.id),
        "edition": f"{rec.edition.work.key}/{rec.edition.slug}",
        "procedure": rec.procedure,
        "session": rec.session,
        "decided_on": rec.decided_on.isoformat(),
        "communicated_on": rec.communicated_on.isoformat(),
        "set_in_force_on": _day(rec.set_in_force_on),
        "in_force_months": rec.in_force_months,
        "chapter": rec.chapter.key if rec.chapter else None,
        "note": rec.note,
        "parties_present": [
            party.name
            for party in (db.session.get(Party, i) for i in rec.present_ids)
            if party is not None
        ],
        "standing": {
            "status": outcome.status,
            "explanation": list(outcome.explanation),
            "deemed_accepted_on": _day(outcome.deemed_accepted_on),
            "in_force_on": _day(outcome.in_force_on),
            "failed_because": outcome.failed_because,
            "objections_until": _day(outcome.objections_until),
            "awaiting": list(outcome.awaiting),
            "reservations": [
                {"party": r.party, "on": r.on.isoformat()} for r in outcome.reservations
            ],
        },
    }


def _detail(rec: Recommendation) -> dict[str, Any]:
    return {
        **recommendation_json(rec),
        "responses": [
            {
                "id": r.id,
                "party": r.party.name,
                "party_code": r.party.ident,
                "kind": r.kind,
                "responded_on": r.responded_on.isoformat(),
                "note": r.note,
            }
            for r in rec.responses
        ],
    }


# --------------------------------------------------------------------------- reads


@operation("/recommendations", responses={200: s.Recommendations})
def list_recommendations():  # type: ignore[no-untyped-def]
    """Every recommendation, each with where it stands today."""
    return {"recommendations": [recommendation_json(r) for r in queries.all_recommendations()]}


@operation("/recommendations/<id:rec_id>", responses={200: s.RecommendationDetail}, errors=[404])
def show_recommendation(rec_id: int):  # type: ignore[no-untyped-def]
    """A recommendation, the parties' responses, and where it stands today and why."""
    return _detail(_recommendation(rec_id))


# --------------------------------------------------------------------------- writes


@operation(
    "/recommendations",
    method="POST",
    responses={201: s.RecommendationDetail},
    body=s.NewRecommendation,
    auth="writer",
    example={
        "edition": "rkc/2026",
        "procedure": "annex",
        "session": "RKC/MC 23",
        "decided_on": "2026-01-01",
        "communicated_on": "2026-02-01",
    },
)
def create_recommendation():  # type: ignore[no-untyped-def]
    """Record the Committee's recommendation (or decision) that carries an adopted edition
    (201, its URL in Location)."""
    _secretariat()
    data = spec.body(s.NewRecommendation)
    work_key, _, slug = data.edition.partition("/")
    work = text_queries.work_by_key(work_key)
    edition = text_queries.edition_by_slug(work, slug) if work is not None else None
    if edition is None:
        refuse(400, f"edition: there is no edition “{data.edition}”.", "edition")
    chapter = None
    if data.chapter:
        chapter = text_queries.node_by_key(data.chapter)
        if chapter is None:
            refuse(400, f"chapter: nothing has the key “{data.chapter}”.", "chapter")
    present = [_party(code, "parties_present") for code in data.parties_present]
    try:
        rec = ops.recommend(
            edition,  # type: ignore[arg-type]
            procedure=data.procedure,
            session=data.session,
            decided_on=data.decided_on,
            communicated_on=data.communicated_on,
            set_in_force_on=data.set_in_force_on,
            in_force_months=data.in_force_months,
            parties_present=present,
            chapter=chapter,
            note=data.note or "",
        )
        ops.apply_outcome(rec, today())
    except ops.ProcedureError as exc:
        return _refused(exc)
    location = url_for("api.show_recommendation", rec_id=rec.id)
    return _detail(rec), 201, {"Location": location}


@operation(
    "/recommendations/<id:rec_id>/responses",
    method="POST",
    responses={201: s.RecommendationDetail},
    body=s.NewResponse,
    auth="writer",
    errors=[404],
    example={"party": "AUT", "kind": "acceptance", "responded_on": "2026-03-01"},
)
def record_response(rec_id: int):  # type: ignore[no-untyped-def]
    """Record a party's notification (acceptance, objection, conditions not yet met,
    reservation); answers the recommendation as it now stands."""
    _secretariat()
    rec = _recommendation(rec_id)
    data = spec.body(s.NewResponse)
    party = _party(data.party, "party")
    try:
        ops.record_response(rec, party, data.kind, data.responded_on, data.note or "")
        ops.apply_outcome(rec, today())
    except ops.ProcedureError as exc:
        return _refused(exc)
    return _detail(rec), 201


@operation(
    "/recommendations/<id:rec_id>/apply",
    method="POST",
    responses={200: s.RecommendationDetail},
    auth="writer",
    errors=[404],
)
def apply_recommendation(rec_id: int):  # type: ignore[no-untyped-def]
    """Evaluate the recommendation as of today and record the outcome (an edition enters
    into force when its day has come), as the daily `rkc procedure apply` does."""
    _secretariat()
    rec = _recommendation(rec_id)
    ops.apply_outcome(rec, today())
    return _detail(rec)
