"""Recommendations: public record of the procedure; Secretariat forms to record it."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from rkc.auth.permissions import Action, can, ensure
from rkc.clock import today
from rkc.convention.models import Edition, Node
from rkc.extensions import db
from rkc.parties.models import Party
from rkc.procedure import operations as ops
from rkc.procedure import queries
from rkc.procedure.forms import ApplyForm, RecommendationForm, ResponseForm
from rkc.procedure.models import STATUS_LABELS
from rkc.web import NotFoundHere, transactional

bp = Blueprint("procedure", __name__, url_prefix="/recommendations")


def _recommendation_or_404(rec_id: int):  # type: ignore[no-untyped-def]
    rec = queries.recommendation(rec_id)
    if rec is None:
        raise NotFoundHere("No such recommendation", f"There is no recommendation number {rec_id}.")
    return rec


@bp.get("/")
def list_recommendations():  # type: ignore[no-untyped-def]
    # Where each stands today, evaluated now: the cached status waits for the daily
    # `rkc procedure apply` and may be a day (or more) behind.
    day = today()
    recommendations = [(rec, ops.evaluate(rec, day)) for rec in queries.all_recommendations()]
    return render_template(
        "procedure/list.html",
        recommendations=recommendations,
        status_labels=STATUS_LABELS,
        may_record=can(current_user, Action.RUN_WORKFLOW),
    )


def _recommendation_form() -> RecommendationForm:
    form = RecommendationForm()
    form.edition_id.choices = queries.edition_choices()
    form.parties_present.choices = queries.party_choices()
    form.chapter_id.choices = queries.chapter_choices()
    return form


@bp.route("/new", methods=["GET", "POST"])
@transactional
def new_recommendation():  # type: ignore[no-untyped-def]
    ensure(Action.RUN_WORKFLOW)
    form = _recommendation_form()
    if form.validate_on_submit():
        edition = db.session.get(Edition, form.edition_id.data)
        chapter = db.session.get(Node, form.chapter_id.data) if form.chapter_id.data else None
        present = [db.session.get(Party, pid) for pid in form.parties_present.data or []]
        try:
            if edition is None:
                raise ops.ProcedureError("edition_id", "Edition: choose an adopted edition.")
            rec = ops.recommend(
                edition,
                procedure=form.procedure.data,
                session=form.session.data,
                decided_on=form.decided_on.data,
                communicated_on=form.communicated_on.data,
                set_in_force_on=form.set_in_force_on.data,
                in_force_months=form.in_force_months.data,
                parties_present=[p for p in present if p is not None],
                chapter=chapter,
                note=form.note.data or "",
            )
            ops.apply_outcome(rec, today())
        except ops.ProcedureError as exc:
            field = {"edition": "edition_id", "chapter": "chapter_id"}.get(exc.field, exc.field)
            getattr(form, field, form.session).errors.append(str(exc))
        else:
            flash(gettext("The recommendation is recorded."), "info")
            return redirect(url_for(".show_recommendation", rec_id=rec.id))
    status = 400 if request.method == "POST" else 200
    return render_template("procedure/new.html", form=form), status


def _detail(rec, status: int = 200, response_form: ResponseForm | None = None):  # type: ignore[no-untyped-def]
    form = response_form or ResponseForm()
    form.party_id.choices = queries.party_choices()
    return (
        render_template(
            "procedure/show.html",
            rec=rec,
            outcome=ops.evaluate(rec, today()),
            status_labels=STATUS_LABELS,
            response_form=form,
            apply_form=ApplyForm(),
            may_record=can(current_user, Action.RUN_WORKFLOW),
        ),
        status,
    )


@bp.get("/<id:rec_id>")
def show_recommendation(rec_id: int):  # type: ignore[no-untyped-def]
    return _detail(_recommendation_or_404(rec_id))


@bp.post("/<id:rec_id>/responses")
@transactional
def record_response(rec_id: int):  # type: ignore[no-untyped-def]
    ensure(Action.RUN_WORKFLOW)
    rec = _recommendation_or_404(rec_id)
    form = ResponseForm()
    form.party_id.choices = queries.party_choices()
    if not form.validate_on_submit():
        return _detail(rec, 400, form)
    party = db.session.get(Party, form.party_id.data)
    try:
        if party is None:
            raise ops.ProcedureError("party", "Party: choose a party.")
        ops.record_response(
            rec, party, form.kind.data, form.responded_on.data, form.note.data or ""
        )
        ops.apply_outcome(rec, today())
    except ops.ProcedureError as exc:
        field = {"party": "party_id"}.get(exc.field, exc.field)
        getattr(form, field, form.kind).errors.append(str(exc))
        db.session.rollback()
        return _detail(_recommendation_or_404(rec_id), 400, form)
    flash(gettext("The response is recorded."), "info")
    return redirect(url_for(".show_recommendation", rec_id=rec.id))


@bp.post("/<id:rec_id>/apply")
@transactional
def apply_recommendation(rec_id: int):  # type: ignore[no-untyped-def]
    ensure(Action.RUN_WORKFLOW)
    rec = _recommendation_or_404(rec_id)
    if not ApplyForm().validate_on_submit():
        return _detail(rec, 400)
    outcome = ops.apply_outcome(rec, today())
    flash(
        gettext(
            "Evaluated as of today: %(status)s.",
            status=gettext(STATUS_LABELS[outcome.status]).lower(),
        ),
        "info",
    )
    return redirect(url_for(".show_recommendation", rec_id=rec.id))
