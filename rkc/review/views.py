"""Meetings, agendas and the document register: members read, the Secretariat keeps them."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from rkc.auth.permissions import Action, can, ensure, role_of
from rkc.review import citations, queries, report_views, reports
from rkc.review import operations as ops
from rkc.review.calendar import meeting_ics
from rkc.review.forms import (
    AgendaItemForm,
    BodyForm,
    DocumentForm,
    MeetingForm,
    MoveForm,
    RegisterForm,
    RevisionForm,
    StatusForm,
)
from rkc.review.models import (
    KIND_LABELS,
    LANGUAGE_NAMES,
    LEVEL_LABELS,
    MODE_LABELS,
    PURPOSE_LABELS,
    STATUS_LABELS,
    Document,
    Meeting,
    ordinal,
)
from rkc.review.printing import agenda_pdf
from rkc.web import NotFoundHere, attachment, public_url, transactional

bp = Blueprint("review", __name__)


def _meeting_or_404(meeting_id: int) -> Meeting:
    meeting = queries.meeting(meeting_id)
    if meeting is None:
        raise NotFoundHere(
            "No such meeting",
            f"There is no meeting number {meeting_id}.",
            [(url_for("review.list_meetings"), "All meetings")],
        )
    return meeting


def _document_or_404(document_id: int, *, with_content: bool = False) -> Document:
    """The document if the reader's role may read its distribution level: anonymous
    visitors are asked to log in, members below its level learn nothing of it (404)."""
    document = queries.document(document_id, with_content=with_content)
    if document is not None and not can(current_user, Action.READ_DOCUMENT, document):
        if role_of(current_user) is None:
            abort(401)
        document = None
    if document is None:
        raise NotFoundHere("No such document", f"There is no document number {document_id}.")
    return document


def _labels() -> dict:
    return {
        "mode_labels": MODE_LABELS,
        "status_labels": STATUS_LABELS,
        "purpose_labels": PURPOSE_LABELS,
        "kind_labels": KIND_LABELS,
        "level_labels": LEVEL_LABELS,
        "language_names": LANGUAGE_NAMES,
        "ordinal": ordinal,
    }


def _field_error(form, exc: ops.ReviewError, fallback: str) -> None:  # type: ignore[no-untyped-def]
    field = getattr(form, exc.field, None) or getattr(form, fallback)
    field.errors = [*field.errors, str(exc)]


@bp.get("/meetings/")
def list_meetings():  # type: ignore[no-untyped-def]
    ensure(Action.READ_MEETINGS)
    return render_template(
        "review/list.html",
        meetings=queries.meetings(),
        bodies=queries.bodies(),
        may_manage=can(current_user, Action.MANAGE_MEETINGS),
        **_labels(),
    )


@bp.route("/meetings/new", methods=["GET", "POST"])
@transactional
def new_meeting():  # type: ignore[no-untyped-def]
    ensure(Action.MANAGE_MEETINGS)
    form = MeetingForm()
    form.body_id.choices = [(b.id, f"{b.code}: {b.name}") for b in queries.bodies()]
    if form.validate_on_submit():
        body = queries.body(form.body_id.data)
        try:
            if body is None:
                raise ops.ReviewError("body_id", "Body: choose a body.")
            meeting = ops.create_meeting(
                body,
                number=form.number.data,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                mode=form.mode.data,
                languages=form.languages.data or [],
                venue=form.venue.data or "",
            )
        except ops.ReviewError as exc:
            _field_error(form, exc, "number")
        else:
            flash(gettext("The %(session)s session is recorded.", session=meeting.short), "info")
            return redirect(url_for(".show_meeting", meeting_id=meeting.id))
    status = 400 if request.method == "POST" else 200
    return render_template("review/new.html", form=form), status


def _meeting_page(meeting: Meeting, status: int = 200, **forms):  # type: ignore[no-untyped-def]
    item_form = forms.get("item_form") or AgendaItemForm()
    numbered = queries.agenda(meeting)
    item_form.parent_id.choices = [(0, "— top level —")] + [
        (n.item.id, f"{n.number} {n.item.title}"[:80]) for n in numbered if n.depth == 0
    ]
    status_form = forms.get("status_form") or StatusForm(status=meeting.status.value)
    return (
        render_template(
            "review/show.html",
            meeting=meeting,
            agenda=numbered,
            documents=queries.documents_of(meeting, current_user),
            item_form=item_form,
            status_form=status_form,
            document_form=forms.get("document_form") or RegisterForm(prefix="doc"),
            move_form=MoveForm(),
            may_manage=can(current_user, Action.MANAGE_MEETINGS),
            cited=citations.of_meeting(meeting, current_user),
            report=reports.report_of(meeting),
            adoption_links=reports.adoption_links(meeting),
            compilation_form=forms.get("compilation_form") or report_views.compilation_form(),
            **_labels(),
        ),
        status,
    )


@bp.get("/meetings/<id:meeting_id>")
def show_meeting(meeting_id: int):  # type: ignore[no-untyped-def]
    ensure(Action.READ_MEETINGS)
    return _meeting_page(_meeting_or_404(meeting_id))


@bp.post("/meetings/<id:meeting_id>/status")
@transactional
def set_status(meeting_id: int):  # type: ignore[no-untyped-def]
    ensure(Action.MANAGE_MEETINGS)
    meeting = _meeting_or_404(meeting_id)
    form = StatusForm()
    if not form.validate_on_submit():
        return _meeting_page(meeting, 400, status_form=form)
    ops.set_status(meeting, form.status.data)
    flash(
        gettext("Status: %(status)s.", status=gettext(STATUS_LABELS[meeting.status]).lower()),
        "info",
    )
    return redirect(url_for(".show_meeting", meeting_id=meeting.id))


@bp.post("/meetings/<id:meeting_id>/agenda")
@transactional
def add_item(meeting_id: int):  # type: ignore[no-untyped-def]
    ensure(Action.MANAGE_MEETINGS)
    meeting = _meeting_or_404(meeting_id)
    form = AgendaItemForm()
    form.parent_id.choices = [(0, "")] + [
        (item.id, "") for item in meeting.items if item.parent_id is None
    ]
    if not form.validate_on_submit():
        return _meeting_page(meeting, 400, item_form=form)
    parent = queries.agenda_item(form.parent_id.data) if form.parent_id.data else None
    try:
        ops.add_item(meeting, title=form.title.data, purpose=form.purpose.data, parent=parent)
    except ops.ReviewError as exc:
        _field_error(form, exc, "title")
        return _meeting_page(meeting, 400, item_form=form)
    flash(gettext("The item is on the agenda."), "info")
    return redirect(url_for(".show_meeting", meeting_id=meeting.id) + "#agenda")


@bp.post("/meetings/<id:meeting_id>/agenda/<id:item_id>/move")
@transactional
def move_item(meeting_id: int, item_id: int):  # type: ignore[no-untyped-def]
    ensure(Action.MANAGE_MEETINGS)
    meeting = _meeting_or_404(meeting_id)
    item = queries.agenda_item(item_id)
    if item is None or item.meeting_id != meeting.id:
        raise NotFoundHere("No such item", f"The agenda of {meeting.short} has no item {item_id}.")
    if not MoveForm().validate_on_submit():
        return _meeting_page(meeting, 400)
    try:
        ops.move_item(item, -1 if request.form.get("direction") == "up" else 1)
    except ops.ReviewError as exc:
        flash(str(exc), "error")
        return _meeting_page(meeting, 400)
    return redirect(url_for(".show_meeting", meeting_id=meeting.id) + "#agenda")


@bp.get("/meetings/<id:meeting_id>/agenda.pdf")
def agenda_print(meeting_id: int):  # type: ignore[no-untyped-def]
    ensure(Action.READ_MEETINGS)
    meeting = _meeting_or_404(meeting_id)
    filename = f"{meeting.body.code.replace('/', '-')}-{meeting.number}-agenda.pdf"
    return attachment(agenda_pdf(meeting, queries.agenda(meeting)), "application/pdf", filename)


@bp.get("/meetings/<id:meeting_id>/meeting.ics")
def meeting_calendar(meeting_id: int):  # type: ignore[no-untyped-def]
    ensure(Action.READ_MEETINGS)
    meeting = _meeting_or_404(meeting_id)
    url = public_url(".show_meeting", meeting_id=meeting.id)
    text = meeting_ics(meeting, host=request.host, url=url, stamp=datetime.now(UTC))
    filename = f"{meeting.body.code.replace('/', '-')}-{meeting.number}.ics"
    return attachment(text, "text/calendar", filename)


def _upload(form: DocumentForm) -> tuple[bytes, str]:
    upload = form.file.data
    return upload.read(), upload.filename or ""


@bp.post("/meetings/<id:meeting_id>/documents")
@transactional
def register_document(meeting_id: int):  # type: ignore[no-untyped-def]
    ensure(Action.MANAGE_MEETINGS)
    meeting = _meeting_or_404(meeting_id)
    form = RegisterForm(prefix="doc")
    if not form.validate_on_submit():
        return _meeting_page(meeting, 400, document_form=form)
    data, filename = _upload(form)
    try:
        document = ops.register_document(
            meeting.body,
            title=form.title.data,
            language=form.language.data,
            data=data,
            filename=filename,
            meeting=meeting,
            level=form.level.data,
        )
    except ops.ReviewError as exc:
        _field_error(form, exc, "file")
        return _meeting_page(meeting, 400, document_form=form)
    flash(gettext("Registered as %(symbol)s.", symbol=document.symbol), "info")
    return redirect(url_for(".show_document", document_id=document.id))


def _document_page(document: Document, status: int = 200, **forms):  # type: ignore[no-untyped-def]
    return (
        render_template(
            "review/document.html",
            document=document,
            versions=queries.versions_of(document),
            children=[
                c
                for c in queries.children_of(document)
                if can(current_user, Action.READ_DOCUMENT, c)
            ],
            language_form=forms.get("language_form") or DocumentForm(prefix="lang"),
            revise_form=forms.get("revise_form")
            or RevisionForm(prefix="rev", title=document.title),
            may_manage=can(current_user, Action.MANAGE_MEETINGS),
            **_labels(),
        ),
        status,
    )


@bp.get("/documents/<id:document_id>")
def show_document(document_id: int):  # type: ignore[no-untyped-def]
    return _document_page(_document_or_404(document_id))


@bp.get("/documents/<id:document_id>/file")
def download_document(document_id: int):  # type: ignore[no-untyped-def]
    document = _document_or_404(document_id, with_content=True)
    extension = "pdf" if document.mimetype == ops.PDF else "docx"
    return attachment(document.content, document.mimetype, f"{document.symbol}.{extension}")


def _new_version(document_id: int, form_class, prefix: str, form_name: str, write):  # type: ignore[no-untyped-def]
    """Register another language version or a revision of a document: `write(document, form,
    data, filename)` makes it; a refusal shows the document page again with the error."""
    ensure(Action.MANAGE_MEETINGS)
    document = _document_or_404(document_id)
    form = form_class(prefix=prefix)
    if form.validate_on_submit():
        data, filename = _upload(form)
        try:
            made = write(document, form, data, filename)
        except ops.ReviewError as exc:
            _field_error(form, exc, "file")
        else:
            flash(gettext("Registered as %(symbol)s.", symbol=made.symbol), "info")
            return redirect(url_for(".show_document", document_id=made.id))
    return _document_page(document, 400, **{form_name: form})


@bp.post("/documents/<id:document_id>/languages")
@transactional
def add_language(document_id: int):  # type: ignore[no-untyped-def]
    return _new_version(
        document_id,
        DocumentForm,
        "lang",
        "language_form",
        lambda document, form, data, filename: ops.add_language(
            document,
            language=form.language.data,
            title=form.title.data,
            data=data,
            filename=filename,
        ),
    )


@bp.post("/documents/<id:document_id>/revise")
@transactional
def revise_document(document_id: int):  # type: ignore[no-untyped-def]
    """A new version; the one revised is marked superseded."""
    return _new_version(
        document_id,
        RevisionForm,
        "rev",
        "revise_form",
        lambda document, form, data, filename: ops.revise(
            document, title=form.title.data, data=data, filename=filename
        ),
    )


@bp.route("/meetings/bodies/<id:body_id>", methods=["GET", "POST"])
@transactional
def configure_body(body_id: int):  # type: ignore[no-untyped-def]
    ensure(Action.MANAGE_MEETINGS)
    body = queries.body(body_id)
    if body is None:
        raise NotFoundHere("No such body", f"There is no body number {body_id}.")
    form = BodyForm(obj=body)
    if form.validate_on_submit():
        try:
            ops.configure_body(
                body, series=form.series.data.strip(), symbol_pattern=form.symbol_pattern.data
            )
        except ops.ReviewError as exc:
            _field_error(form, exc, "symbol_pattern")
        else:
            flash(
                gettext(
                    "The %(body)s's symbols follow %(pattern)s from now on.",
                    body=body.code,
                    pattern=body.symbol_pattern,
                ),
                "info",
            )
            return redirect(url_for(".list_meetings"))
    status = 400 if request.method == "POST" else 200
    return render_template("review/body.html", body=body, form=form), status


# The report, the meeting pack and issued compilations (rkc/review/report_views.py).
report_views.register(bp, _meeting_page)
