"""Downloads (Word, PDF, Akoma Ntoso, corpus zip), the Secretariat's import page, and the
delegates' upload of a marked-up Word chapter as draft amendments."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext, ngettext
from flask_login import current_user
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from wtforms.fields.choices import SelectChoice

from rkc.amendments import queries as amendment_queries
from rkc.amendments.errors import AmendmentRefused
from rkc.amendments.languages import name_of
from rkc.auth.permissions import Action, can, ensure, require
from rkc.clock import today
from rkc.convention import queries
from rkc.convention.languages import language_arg
from rkc.convention.models import Edition, Node, Work
from rkc.extensions import db
from rkc.interchange import akn, corpus_format, derived, docx_export, pdf, side_by_side
from rkc.interchange.forms import ImportForm, WordAmendmentsForm
from rkc.interchange.operations import import_file, import_tracked_amendments
from rkc.interchange.previews import drop_upload, keep_upload, take_upload
from rkc.interchange.queries import snapshot
from rkc.interchange.report import Finding, ImportRefused
from rkc.web import NotFoundHere, attachment, transactional

bp = Blueprint("interchange", __name__)

#: Largest file the import accepts (bytes); `IMPORT_MAX_BYTES` in the configuration.
DEFAULT_IMPORT_LIMIT = 4 * 1024 * 1024

EXPORT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "akn": "application/akn+xml",
    "zip": "application/zip",
}
EXTENSIONS = {"docx": "docx", "pdf": "pdf", "akn": "akn.xml", "zip": "zip"}


def import_limit() -> int:
    return int(current_app.config.get("IMPORT_MAX_BYTES", DEFAULT_IMPORT_LIMIT))


def _work(key: str) -> Work:
    work = queries.work_by_key(key)
    if work is None:
        raise NotFoundHere("No such work", f"There is no work called “{key}”.")
    return work


def _edition(work: Work, slug: str) -> Edition:
    edition = queries.edition_by_slug(work, slug)
    if edition is None or not can(current_user, Action.READ_EDITION, edition):
        raise NotFoundHere(
            "No such edition", f"{work.short_title} has no published edition “{slug}”."
        )
    return edition


def _edition_asked(work: Work) -> Edition:
    """?edition=slug, else the edition in force ?on=date, else the one in force today."""
    if request.args.get("edition"):
        return _edition(work, request.args["edition"])
    raw = request.args.get("on")
    try:
        day = date.fromisoformat(raw) if raw else today()
    except ValueError:
        raise NotFoundHere("Not a date", f"“{raw}” is not a date; write YYYY-MM-DD.") from None
    edition = queries.in_force_on(work, day)
    if edition is None:
        raise NotFoundHere(
            "No edition in force", f"No edition of the {work.short_title} is in force on {day}."
        )
    return edition


def _node(work: Work) -> Node | None:
    key = request.args.get("node")
    if not key:
        return None
    members = can(current_user, Action.READ_WORKING_DOCUMENTS)
    node = queries.node_for_reader(key, include_drafts=members)
    if node is None or node.work_id != work.id:
        raise NotFoundHere("No such provision", f"{work.short_title} has no unit “{key}”.")
    return node


def serve_derived(recipe: derived.Recipe, fmt: str, filename: str, missing: str) -> Response:
    """A file from the derived-file cache (built there on first use): a published edition's,
    or a compilation's (PDF or Word).

    The recipe's key names the file's content and this release, so it is the ETag: a
    conditional GET is answered before anything is built or read.
    """
    if recipe.key in request.if_none_match:
        response = Response(status=304)
        response.set_etag(recipe.key)
        response.headers["Cache-Control"] = "no-cache"
        return response
    try:
        path = derived.obtain(recipe)
        try:
            data = path.read_bytes()  # whole (a few MiB at most): no open file in the response
        except FileNotFoundError:  # pruned since (`rkc derived prune`): built again
            path = derived.obtain(recipe)
            data = path.read_bytes()
    except derived.NotInEdition:
        raise NotFoundHere("Not in this edition", missing) from None
    except derived.DerivedBusy as busy:
        message = (
            "This file is being prepared for the first time; it will be ready in a few "
            "seconds. Ask for it again then."
        )
        page = render_template(
            "errors/error.html", code=503, title="Being prepared", message=message
        )
        return Response(
            page,
            status=503,
            headers={"Retry-After": str(busy.retry_after), "Cache-Control": "no-store"},
        )
    response = send_file(
        io.BytesIO(data),
        mimetype=EXPORT_TYPES[fmt],
        etag=recipe.key,
        conditional=True,
        max_age=None,
        last_modified=path.stat().st_mtime,
    )
    disposition = attachment(b"", EXPORT_TYPES[fmt], filename).headers["Content-Disposition"]
    response.headers["Content-Disposition"] = disposition
    response.headers["Cache-Control"] = "no-cache"
    return response


def _download(data: bytes, fmt: str, name: str) -> Response:
    """A working draft's file, built for this request (members only): never stored."""
    response = attachment(data, EXPORT_TYPES[fmt], f"{name}.{EXTENSIONS[fmt]}")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/w/<work_key>/export.<fmt>")
def export_text(work_key: str, fmt: str):  # type: ignore[no-untyped-def]
    """An edition, or one unit of it (?node=key), as docx, pdf, akn (XML) or zip (corpus)."""
    work = _work(work_key)
    if fmt not in EXPORT_TYPES:
        raise NotFoundHere(
            "No such format", f"Texts download as {', '.join(sorted(EXPORT_TYPES))}, not “{fmt}”."
        )
    # One language, or two side by side (Word and PDF only); anything else is a 400.
    languages = side_by_side.export_languages(request.args.get("lang"), fmt)
    language = languages[0]
    edition = _edition_asked(work)
    node = _node(work)
    name = f"{work.key}-{edition.slug}" + (f"-{node.key.replace('/', '-')}" if node else "")
    if fmt != "zip":
        name += side_by_side.file_suffix(languages)
    if fmt == "zip" and node is not None:
        raise NotFoundHere(
            "Whole editions only",
            "The corpus format holds whole editions; download the edition without ?node=.",
        )
    missing = f"{node.key if node else ''} is not part of “{edition.title}”."
    if len(languages) > 1:
        return _side_by_side(edition, node, fmt, languages, name, missing)
    if fmt != "zip" and side_by_side.missing_languages(edition, languages):
        # The reading pages show such a work in English, marked; a file says nothing of that.
        raise BadRequest(
            f"lang: “{edition.title}” holds no text in {name_of(language)} ({language}); "
            "download it in English"
        )
    if derived.cacheable(edition):
        filename = f"{name}-corpus.zip" if fmt == "zip" else f"{name}.{EXTENSIONS[fmt]}"
        recipe = derived.edition_recipe(edition, fmt, node, language)
        return serve_derived(recipe, fmt, filename, missing)
    # A working draft (members only): built for this request, never kept.
    if fmt == "zip":
        files = corpus_format.export_edition(edition)
        return _download(corpus_format.zip_bytes(files, name), fmt, name + "-corpus")
    snap = snapshot(edition, node, language)
    if snap is None:
        raise NotFoundHere("Not in this edition", missing)
    if fmt == "docx":
        data = docx_export.export(snap)
    elif fmt == "pdf":
        data = pdf.to_pdf(pdf.edition_html(snap))
    else:
        data = akn.export(snap)
    return _download(data, fmt, name)


def _side_by_side(  # type: ignore[no-untyped-def]
    edition: Edition, node: Node | None, fmt: str, languages, name: str, missing: str
):
    """Word or PDF in two languages side by side: cached like the one-language files, under
    keys of their own; refused (400 naming `lang`) when the edition lacks a language."""
    lacking = side_by_side.missing_languages(edition, languages)
    if lacking:
        raise BadRequest(f"lang: {side_by_side.refusal(edition, lacking)}")
    if derived.cacheable(edition):
        recipe = derived.side_by_side_recipe(edition, fmt, node, languages)
        return serve_derived(recipe, fmt, f"{name}.{EXTENSIONS[fmt]}", missing)
    pair = side_by_side.pairing(edition, node, languages)
    if pair is None:
        raise NotFoundHere("Not in this edition", missing)
    return _download(side_by_side.export(pair, fmt), fmt, name)


@bp.get("/w/<work_key>/compare.pdf")
def export_compare(work_key: str):  # type: ignore[no-untyped-def]
    """The comparison redline of two editions as PDF (same parameters as the compare page)."""
    language = language_arg(request.args)
    work = _work(work_key)
    views = queries.edition_views(
        work, today(), include_drafts=can(current_user, Action.READ_WORKING_DOCUMENTS)
    )
    published = [v.edition for v in views]
    from_slug = request.args.get("from") or (published[0].slug if published else "")
    to_slug = request.args.get("to") or (published[-1].slug if published else "")
    old, new = _edition(work, from_slug), _edition(work, to_slug)
    node = _node(work)
    show_all = request.args.get("show") == "all"
    name = f"{work.key}-compare-{old.slug}-{new.slug}"
    if derived.cacheable(old, new):
        recipe = derived.compare_recipe(old, new, node, show_all, language)
        return serve_derived(recipe, "pdf", f"{name}.pdf", "")
    comparison = queries.compare(old, new, language, node=node)
    rows = comparison.rows if show_all else comparison.changed_rows
    data = pdf.to_pdf(pdf.compare_html(comparison, rows, scope=node.key if node else None))
    return _download(data, "pdf", name)


# --------------------------------------------------------------------------- import


def _import_page(  # type: ignore[no-untyped-def]
    work: Work, form: ImportForm, findings=None, status: int = 200, preview=None
):
    return (
        render_template(
            "interchange/import.html",
            work=work,
            form=form,
            findings=findings or [],
            preview=preview,
            limit_mib=import_limit() / (1024 * 1024),
        ),
        status,
    )


def _import_form(work: Work, *, empty: bool = False) -> ImportForm:
    form = ImportForm(formdata=None) if empty else ImportForm()
    editions = queries.editions_of(work, include_drafts=True)
    form.base.choices = [SelectChoice(e.slug, e.title) for e in reversed(editions)]
    return form


def _previews_folder() -> Path:
    return Path(current_app.instance_path) / "import-previews"


@bp.route("/w/<work_key>/import", methods=["GET", "POST"])
@transactional
def import_text(work_key: str):  # type: ignore[no-untyped-def]
    """Import a Word, PDF or Akoma Ntoso text into a new working draft (Secretariat).

    "Check and preview" (and every PDF) stores nothing: the file is checked and imported in
    a transaction that is rolled back, and the page shows what would be stored (the PDF's
    fidelity report, the summary per chapter, the warnings to accept) with a button that
    stores it without sending the file again.
    """
    ensure(Action.IMPORT_TEXT)
    work = _work(work_key)
    form = _import_form(work)
    if request.method == "GET":
        return _import_page(work, form)
    if not form.validate_on_submit():
        return _import_page(work, form, status=400)
    user_id = current_user.id
    kept = None
    if form.file.data:  # a file chosen now wins over one kept by an earlier preview
        upload = form.file.data
        source = upload.filename or f"upload.{form.format.data}"
        data = upload.read()
    elif form.token.data:
        kept = take_upload(_previews_folder(), user_id, form.token.data)
        if kept is None:
            form.token.data = ""
            return _import_page(
                work,
                form,
                [Finding("", "the previewed file is no longer kept: choose it again")],
                400,
            )
        source, data = kept
    else:
        form.file.errors = ["Choose the file to import."]
        return _import_page(work, form, status=400)
    base = queries.edition_by_slug(work, form.base.data)
    assert base is not None  # the choice list only holds this work's editions
    preview = kept is None and ("preview" in request.form or form.format.data == "pdf")
    try:
        summary = import_file(
            work,
            form.format.data,
            data,
            source=source,
            base=base,
            slug=form.slug.data.strip(),
            title=form.title.data.strip(),
            limit=import_limit(),
            is_authentic=form.is_authentic.data,
            language=form.language.data,
            replace_work=form.replace_work.data,
            accept_warnings=form.accept_warnings.data or preview,
        )
    except ImportRefused as refused:
        return _import_page(work, form, refused.findings, 400)
    if preview:
        db.session.rollback()  # nothing of the preview is stored
        form.token.data = keep_upload(_previews_folder(), user_id, source, data)
        return _import_page(work, form, preview=summary)
    if kept is not None:
        drop_upload(_previews_folder(), user_id, form.token.data)
    chapters = "; ".join(summary.lines())
    flash(
        gettext(
            "Imported %(file)s into the new working draft “%(draft)s”: %(added)s unit(s) added, "
            "%(changed)s changed, %(unchanged)s unchanged, %(removed)s removed, %(kept)s kept "
            "as in “%(base)s”",
            file=source,
            draft=summary.edition.title,
            added=summary.added,
            changed=summary.changed,
            unchanged=summary.unchanged,
            removed=summary.removed,
            kept=summary.kept,
            base=base.title,
        )
        + (f" ({chapters})" if chapters else "")
        + (
            gettext("; %(count)s warning(s) accepted", count=len(summary.warnings))
            if summary.warnings
            else ""
        )
        + "".join(gettext("; note: %(note)s", note=note) for note in summary.notes)
        + ".",
        "info",
    )
    return redirect(
        url_for("convention.show_work", work_key=work.key, edition=summary.edition.slug)
    )


# --------------------------------------------------------------------------- marked-up Word


def _word_form(*, empty: bool = False) -> WordAmendmentsForm:
    form = WordAmendmentsForm(formdata=None) if empty else WordAmendmentsForm()
    form.edition.choices = [SelectChoice("", "The working draft the document comes from")] + [
        SelectChoice(amendment_queries.draft_param(d), f"{d.work.short_title}: {d.title}")
        for d in amendment_queries.working_drafts()
    ]
    return form


def _word_page(form: WordAmendmentsForm, findings=None, status: int = 200):  # type: ignore[no-untyped-def]
    drafts = [
        (
            draft,
            [
                (
                    label,
                    url_for(
                        "interchange.export_text",
                        work_key=draft.work.key,
                        fmt="docx",
                        edition=draft.slug,
                        node=key,
                    ),
                )
                for key, label in amendment_queries.chapter_choices(draft)
            ],
        )
        for draft in amendment_queries.working_drafts()
    ]
    return (
        render_template(
            "interchange/import_amendments.html",
            form=form,
            drafts=drafts,
            findings=findings or [],
            limit_mib=import_limit() / (1024 * 1024),
        ),
        status,
    )


@bp.route("/amendments/import", methods=["GET", "POST"])
@require(Action.PROPOSE_AMENDMENT)
@transactional
def import_amendments():  # type: ignore[no-untyped-def]
    """A delegate's Word chapter marked up with tracked changes becomes draft amendments."""
    form = _word_form()
    if request.method == "GET":
        return _word_page(form)
    if not form.validate_on_submit():
        return _word_page(form, status=400)
    edition = None
    if form.edition.data:
        edition = amendment_queries.draft_by_param(form.edition.data)
        if edition is None:  # frozen since the form was shown
            form.edition.errors = ["This draft is no longer open for amendments; choose again."]
            return _word_page(form, status=400)
    upload = form.file.data
    source = upload.filename or "upload.docx"
    try:
        result = import_tracked_amendments(
            upload.read(),
            source=source,
            user=current_user._get_current_object(),
            limit=import_limit(),
            edition=edition,
            concept=form.concept.data or "",
            justification=form.justification.data or "",
        )
    except ImportRefused as refused:
        return _word_page(form, refused.findings, 400)
    except AmendmentRefused:
        abort(403)
    made = "; ".join(
        f"{p.where}: {p.label}, {p.amendment.action.label.lower()}"
        + (f" ({p.note})" if p.note else "")
        for p in result.proposed
    )
    count = len(result.proposed)
    message = (
        ngettext(
            "%(num)d draft amendment made from %(file)s in “%(draft)s”",
            "%(num)d draft amendments made from %(file)s in “%(draft)s”",
            count,
            file=source,
            draft=result.edition.title,
        )
        + (f": {made}." if made else ".")
        + " "
        + gettext(
            "Only your party's delegates see them until they are tabled: justify and table each."
        )
    )
    if result.skipped:
        message += " " + gettext(
            "Left out: %(items)s.", items="; ".join(str(f) for f in result.skipped)
        )
    flash(message, "info")
    return redirect(url_for("amendments.list_amendments", scope="mine"))


@bp.app_errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge):  # type: ignore[no-untyped-def]
    """An upload over MAX_CONTENT_LENGTH: on the import page, a report; elsewhere as usual."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    message = (
        f"The upload is larger than {limit / (1024 * 1024):.0f} MiB, the most this site "
        "accepts. Nothing was stored."
    )
    if request.endpoint == "interchange.import_text" and request.view_args:
        work = queries.work_by_key(request.view_args.get("work_key", ""))
        if work is not None and can(current_user, Action.IMPORT_TEXT):
            form = _import_form(work, empty=True)
            return _import_page(work, form, [Finding(request.path, message)], 413)
    if request.endpoint == "interchange.import_amendments" and can(
        current_user, Action.PROPOSE_AMENDMENT
    ):
        return _word_page(_word_form(empty=True), [Finding(request.path, message)], 413)
    if request.path.startswith("/api/"):
        return {"error": error.name, "message": message}, 413
    return render_template("errors/error.html", code=413, title=error.name, message=message), 413
