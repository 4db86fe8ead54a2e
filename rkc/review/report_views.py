"""Pages of a meeting's report, its pack and the compilations it issues (the review blueprint).

`register(bp)` puts these routes on rkc.review.views' blueprint. Members read the report;
the Secretariat drafts, adopts and corrects it (checked here and again in rkc.review.reports).
Every form carries its CSRF token.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user

from rkc.amendments import queries as amendment_queries
from rkc.auth.permissions import Action, can, ensure
from rkc.convention.models import utcnow
from rkc.extensions import db
from rkc.interchange import derived
from rkc.review import citations, pack, queries, reports
from rkc.review.forms import AdoptForm, CompilationForm, CorrigendumForm, ReportForm
from rkc.review.models import (
    PURPOSE_LABELS,
    REPORT_STATUS_LABELS,
    Meeting,
)
from rkc.review.operations import ReviewError
from rkc.web import NotFoundHere, attachment, transactional

#: The meeting page (rkc.review.views.meeting_page), shown again when a form on it is refused.
_pages: dict[str, Callable[..., Any]] = {}


def register(bp: Blueprint, meeting_page: Callable[..., Any]) -> None:
    _pages["meeting"] = meeting_page
    bp.add_url_rule("/meetings/<id:meeting_id>/pack.pdf", view_func=meeting_pack)
    bp.add_url_rule("/meetings/<id:meeting_id>/report", view_func=show_report)
    bp.add_url_rule("/meetings/<id:meeting_id>/report", view_func=save_report, methods=["POST"])
    bp.add_url_rule(
        "/meetings/<id:meeting_id>/report/adopt", view_func=adopt_report, methods=["POST"]
    )
    bp.add_url_rule(
        "/meetings/<id:meeting_id>/report/corrigenda",
        view_func=add_corrigendum,
        methods=["POST"],
    )
    bp.add_url_rule(
        "/meetings/<id:meeting_id>/compilation",
        view_func=issue_compilation,
        methods=["POST"],
    )


def _meeting(meeting_id: int) -> Meeting:
    meeting = queries.meeting(meeting_id)
    if meeting is None:
        raise NotFoundHere("No such meeting", f"There is no meeting number {meeting_id}.")
    return meeting


def _existing(meeting: Meeting):  # type: ignore[no-untyped-def]
    report = reports.report_of(meeting)
    if report is None:
        raise NotFoundHere("No report yet", f"The {meeting.short} session has no report yet.")
    return report


# --------------------------------------------------------------------------- the pack


def meeting_pack(meeting_id: int):  # type: ignore[no-untyped-def]
    """The agenda and the documents the reader may see, one PDF (anyone: an anonymous
    visitor's pack holds the public documents only)."""
    meeting = _meeting(meeting_id)
    made = pack.recipe(meeting, current_user)
    try:
        path = derived.obtain(made)
    except derived.DerivedBusy as busy:
        return Response(
            gettext("The pack is being prepared; ask for it again in a few seconds."),
            status=503,
            headers={"Retry-After": str(busy.retry_after), "Cache-Control": "no-store"},
        )
    name = f"{meeting.body.code.replace('/', '-')}-{meeting.number}-pack.pdf"
    response = send_file(
        io.BytesIO(path.read_bytes()), mimetype="application/pdf", etag=made.key, max_age=None
    )
    disposition = attachment(b"", "application/pdf", name).headers["Content-Disposition"]
    response.headers["Content-Disposition"] = disposition
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("Cookie")
    return response.make_conditional(request)


# --------------------------------------------------------------------------- the report


def _report_page(meeting: Meeting, status: int = 200, **extra):  # type: ignore[no-untyped-def]
    report = reports.report_of(meeting)
    items = reports.report_items(report, meeting, current_user)
    yours = extra.pop("yours", None)
    form = extra.pop("form", None) or ReportForm(revision=report.revision if report else 0)
    corrigendum_form = extra.pop("corrigendum_form", None) or CorrigendumForm()
    corrigendum_form.agenda_item.choices = [
        (i.numbered.item.id, f"{i.numbered.number} {i.numbered.item.title}"[:80]) for i in items
    ]
    return (
        render_template(
            "review/report.html",
            meeting=meeting,
            report=report,
            items=items,
            form=form,
            yours=yours,
            adopt_form=extra.pop("adopt_form", None)
            or AdoptForm(revision=report.revision if report else 0),
            corrigendum_form=corrigendum_form,
            errors=extra.pop("errors", {}),
            may_manage=can(current_user, Action.MANAGE_MEETINGS),
            purpose_labels=PURPOSE_LABELS,
            report_status_labels=REPORT_STATUS_LABELS,
            **extra,
        ),
        status,
    )


def show_report(meeting_id: int):  # type: ignore[no-untyped-def]
    ensure(Action.READ_MEETINGS)
    return _report_page(_meeting(meeting_id))


def _entries(meeting: Meeting) -> list[reports.EntryInput]:
    form = request.form
    return [
        reports.EntryInput(
            item_id=item.id,
            text=form.get(f"text-{item.id}", ""),
            amendments=reports.split_references(form.get(f"amendments-{item.id}", "")),
            documents=reports.split_references(form.get(f"documents-{item.id}", "")),
        )
        for item in meeting.items
    ]


def _yours(meeting: Meeting) -> dict[int, dict[str, str]]:
    """What the writer sent, by item, to show again."""
    return {
        item.id: {
            kind: request.form.get(f"{kind}-{item.id}", "")
            for kind in ("text", "amendments", "documents")
        }
        for item in meeting.items
    }


@transactional
def save_report(meeting_id: int):  # type: ignore[no-untyped-def]
    ensure(Action.MANAGE_MEETINGS)
    meeting = _meeting(meeting_id)
    form = ReportForm()
    if not form.validate_on_submit():
        return _report_page(meeting, 400, form=form, yours=_yours(meeting))
    try:
        reports.save_draft(
            meeting,
            user=current_user._get_current_object(),
            expected_revision=form.revision.data or 0,
            entries=_entries(meeting),
        )
    except reports.ReportRefused:
        abort(403)
    except reports.StaleReport as exc:
        yours = _yours(meeting)
        db.session.rollback()
        current = reports.report_of(meeting)
        fresh = ReportForm(formdata=None, revision=current.revision if current else 0)
        return _report_page(
            meeting, 409, form=fresh, yours=yours, stale=True, errors={"revision": str(exc)}
        )
    except ReviewError as exc:
        return _report_page(
            meeting, 400, form=form, yours=_yours(meeting), errors={exc.field: str(exc)}
        )
    flash(gettext("The draft report is saved."), "info")
    return redirect(url_for("review.show_report", meeting_id=meeting.id))


@transactional
def adopt_report(meeting_id: int):  # type: ignore[no-untyped-def]
    ensure(Action.MANAGE_MEETINGS)
    meeting = _meeting(meeting_id)
    form = AdoptForm()
    if not form.validate_on_submit():
        return _report_page(meeting, 400, adopt_form=form)
    report = _existing(meeting)
    try:
        reports.adopt(
            report, user=current_user._get_current_object(), expected_revision=form.revision.data
        )
    except reports.ReportRefused:
        abort(403)
    except ReviewError as exc:
        status = 409 if isinstance(exc, reports.StaleReport) else 400
        return _report_page(meeting, status, adopt_form=form, errors={"adopt": str(exc)})
    flash(gettext("The report is adopted; it can now only be corrected."), "info")
    return redirect(url_for("review.show_report", meeting_id=meeting.id))


@transactional
def add_corrigendum(meeting_id: int):  # type: ignore[no-untyped-def]
    ensure(Action.MANAGE_MEETINGS)
    meeting = _meeting(meeting_id)
    form = CorrigendumForm()
    if not form.validate_on_submit():
        return _report_page(meeting, 400, corrigendum_form=form)
    report = _existing(meeting)
    try:
        corrigendum = reports.add_corrigendum(
            report,
            user=current_user._get_current_object(),
            agenda_item_id=form.agenda_item.data or 0,
            text=form.text.data or "",
            reason=form.reason.data or "",
        )
    except reports.ReportRefused:
        abort(403)
    except ReviewError as exc:
        field = getattr(form, exc.field, None) or form.text
        field.errors = [*field.errors, str(exc)]
        return _report_page(meeting, 400, corrigendum_form=form)
    flash(gettext("Corrigendum %(number)s is recorded.", number=corrigendum.number), "info")
    return redirect(url_for("review.show_report", meeting_id=meeting.id) + "#corrigenda")


# --------------------------------------------------------------------------- compilations


def compilation_form() -> CompilationForm:
    form = CompilationForm(prefix="comp")
    form.edition_id.choices = [
        (d.id, f"{d.work.key}/{d.slug}") for d in amendment_queries.working_drafts()
    ]
    return form


@transactional
def issue_compilation(meeting_id: int):  # type: ignore[no-untyped-def]
    meeting_page = _pages["meeting"]
    ensure(Action.MANAGE_MEETINGS)
    meeting = _meeting(meeting_id)
    form = compilation_form()
    if not form.validate_on_submit():
        return meeting_page(meeting, 400, compilation_form=form)
    edition = next(
        (d for d in amendment_queries.working_drafts() if d.id == form.edition_id.data), None
    )
    try:
        if edition is None:
            raise ReviewError("edition_id", "Working draft: choose one.")
        document = citations.issue_compilation(
            meeting,
            edition,
            user=current_user._get_current_object(),
            title=form.title.data or "",
            language=form.language.data or "en",
            chapter_key=form.chapter.data or "",
            level=form.level.data or "parties_and_observers",
            generated_at=utcnow(),
        )
    except ReviewError as exc:
        field = getattr(form, {"edition": "edition_id"}.get(exc.field, exc.field), None)
        (field or form.title).errors = [*(field or form.title).errors, str(exc)]
        return meeting_page(meeting, 400, compilation_form=form)
    flash(gettext("Registered as %(symbol)s.", symbol=document.symbol), "info")
    return redirect(url_for("review.show_document", document_id=document.id))
