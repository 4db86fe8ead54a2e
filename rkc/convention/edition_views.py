"""Editions: the Secretariat's actions on them, what changed in each, and the Atom feed."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user

from rkc import audit
from rkc.amendments import lifecycle, provenance
from rkc.amendments.errors import AmendmentError
from rkc.amendments.preflight import preflight
from rkc.auth.permissions import Action, can, ensure
from rkc.clock import today
from rkc.convention import operations as ops
from rkc.convention import queries
from rkc.convention.edition_forms import FreezeForm, InForceForm, OpenDraftForm, ReopenForm
from rkc.convention.models import Edition, EditionStatus, Work, utcnow
from rkc.i18n import long_date
from rkc.procedure import operations as procedure_ops
from rkc.procedure import queries as procedure_queries
from rkc.procedure.models import STATUS_LABELS
from rkc.review import queries as review_queries
from rkc.review.models import LANGUAGE_NAMES
from rkc.web import NotFoundHere, transactional

bp = Blueprint("editions", __name__)


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


def _manage_page(work: Work, edition: Edition, status: int = 200, **forms):  # type: ignore[no-untyped-def]
    context = {
        "work": work,
        "edition": edition,
        "views": queries.edition_views(work, today(), include_drafts=True),
        "draft_form": OpenDraftForm(),
        "freeze_form": FreezeForm(),
        "in_force_form": InForceForm(),
        "reopen_form": ReopenForm(),
    }
    context.update(forms)
    return render_template("editions/manage.html", **context), status


@bp.get("/w/<work_key>/editions/<slug>/manage")
def manage_edition(work_key: str, slug: str):  # type: ignore[no-untyped-def]
    ensure(Action.PUBLISH)
    work = _work(work_key)
    return _manage_page(work, _edition(work, slug))


@bp.post("/w/<work_key>/editions/<slug>/drafts")
@transactional
def open_draft(work_key: str, slug: str):  # type: ignore[no-untyped-def]
    ensure(Action.PUBLISH)
    work = _work(work_key)
    source = _edition(work, slug)
    form = OpenDraftForm()
    if not form.validate_on_submit():
        return _manage_page(work, source, 400, draft_form=form)
    try:
        draft = ops.open_draft(source, slug=form.slug.data.strip(), title=form.title.data.strip())
    except ops.TextStoreError as exc:
        form.slug.errors.append(str(exc))
        return _manage_page(work, source, 400, draft_form=form)
    audit.record("edition.open_draft", "edition", draft.id, slug=draft.slug, based_on=source.slug)
    flash(
        gettext(
            "Working draft “%(draft)s” opened from “%(source)s”.",
            draft=draft.title,
            source=source.title,
        ),
        "info",
    )
    return redirect(url_for(".manage_edition", work_key=work.key, slug=draft.slug))


def _freeze_page(work: Work, draft: Edition, form: FreezeForm, status: int = 200):  # type: ignore[no-untyped-def]
    check = preflight(draft)
    return render_template(
        "editions/freeze.html",
        work=work,
        edition=draft,
        check=check,
        form=form,
        merge_param=f"{work.key}/{draft.slug}",
    ), status


@bp.get("/w/<work_key>/editions/<slug>/freeze")
def freeze_preflight(work_key: str, slug: str):  # type: ignore[no-untyped-def]
    """The pre-flight: what is still open on the draft, then the freeze form."""
    ensure(Action.PUBLISH)
    work = _work(work_key)
    draft = _edition(work, slug)
    if draft.status is not EditionStatus.WORKING_DRAFT:
        flash(gettext("“%(draft)s” is already frozen.", draft=draft.title), "info")
        return redirect(url_for(".manage_edition", work_key=work.key, slug=draft.slug))
    return _freeze_page(work, draft, FreezeForm())


@bp.post("/w/<work_key>/editions/<slug>/freeze")
@transactional
def freeze_edition(work_key: str, slug: str):  # type: ignore[no-untyped-def]
    ensure(Action.PUBLISH)
    work = _work(work_key)
    draft = _edition(work, slug)
    form = FreezeForm()
    if not form.validate_on_submit():
        return _freeze_page(work, draft, form, 400)
    try:
        lifecycle.freeze_draft(
            draft,
            user=current_user,
            adopted_on=form.adopted_on.data,
            in_force_from=form.in_force_from.data,
            title=(form.title.data or "").strip() or None,
            confirmed=bool(form.confirm.data),
        )
    except AmendmentError as exc:
        getattr(form, exc.field, form.confirm).errors.append(str(exc))
        return _freeze_page(work, draft, form, 400)
    flash(gettext("“%(draft)s” is frozen as adopted text.", draft=draft.title), "info")
    return redirect(url_for(".manage_edition", work_key=work.key, slug=draft.slug))


@bp.post("/w/<work_key>/editions/<slug>/reopen")
@transactional
def reopen_edition(work_key: str, slug: str):  # type: ignore[no-untyped-def]
    ensure(Action.PUBLISH)
    work = _work(work_key)
    edition = _edition(work, slug)
    form = ReopenForm()
    if not form.validate_on_submit():
        return _manage_page(work, edition, 400, reopen_form=form)
    try:
        lifecycle.reopen_edition(edition, user=current_user, reason=form.reason.data)
    except AmendmentError as exc:
        form.reason.errors.append(str(exc))
        return _manage_page(work, edition, 400, reopen_form=form)
    flash(gettext("“%(edition)s” is a working draft again.", edition=edition.title), "info")
    return redirect(url_for(".manage_edition", work_key=work.key, slug=edition.slug))


@bp.post("/w/<work_key>/editions/<slug>/in-force")
@transactional
def record_in_force(work_key: str, slug: str):  # type: ignore[no-untyped-def]
    ensure(Action.PUBLISH)
    work = _work(work_key)
    edition = _edition(work, slug)
    form = InForceForm()
    if not form.validate_on_submit():
        return _manage_page(work, edition, 400, in_force_form=form)
    try:
        ops.set_in_force(edition, form.in_force_from.data)
    except ops.TextStoreError as exc:
        form.in_force_from.errors.append(str(exc))
        return _manage_page(work, edition, 400, in_force_form=form)
    audit.record("edition.in_force", "edition", edition.id, in_force_from=edition.in_force_from)
    flash(
        gettext(
            "“%(edition)s” is in force from %(day)s.",
            edition=edition.title,
            day=long_date(edition.in_force_from),
        ),
        "info",
    )
    return redirect(url_for(".manage_edition", work_key=work.key, slug=edition.slug))


@bp.get("/w/<work_key>/editions/<slug>/changes")
def edition_changes(work_key: str, slug: str):  # type: ignore[no-untyped-def]
    """What changed in this edition against the one it was based on, with provenance."""
    work = _work(work_key)
    edition = _edition(work, slug)
    previous = edition.based_on
    recommendation = procedure_queries.for_edition(edition)
    if previous is None or not can(current_user, Action.READ_EDITION, previous):
        comparison = None
    else:
        comparison = queries.compare(previous, edition)
    return render_template(
        "editions/changes.html",
        work=work,
        edition=edition,
        previous=previous,
        comparison=comparison,
        provenance=queries.provenance(comparison.changed_rows) if comparison else {},
        credits=_credits(comparison) if comparison else {},
        # Views sit on top of every area: the recommendation that carries this edition, and
        # where it stands today (evaluated now, not the cache the daily job refreshes).
        recommendation=recommendation,
        standing=procedure_ops.evaluate(recommendation, today()) if recommendation else None,
        status_labels=STATUS_LABELS,
        state=next(
            (
                v
                for v in queries.edition_views(work, today(), include_drafts=True)
                if v.edition.id == edition.id
            ),
            None,
        ),
    )


def _credits(comparison: queries.Comparison) -> dict[str, list[provenance.Credit]]:
    """Every amendment behind each changed unit, from the older edition's revision on."""
    return provenance.credits_between(
        {
            row.new.key: (row.new.revision_id, row.old.revision_id if row.old else None)
            for row in comparison.changed_rows
            if row.new is not None
        }
    )


@bp.get("/feeds/editions.atom")
def editions_feed():  # type: ignore[no-untyped-def]
    """An Atom feed of published editions and of registered public documents, newest first.

    The public never sees drafts, nor a document of any level above public: the documents
    are those an anonymous visitor may read (`rkc.review.queries.readable_levels`), whoever
    fetches the feed.
    """
    editions = queries.published_editions_newest_first(limit=50)
    public = review_queries.public_documents_newest_first(limit=50)
    moments = [_utc(e.frozen_at or e.created_at) for e in editions]
    moments += [_utc(d.created_at) for d in public]
    entries = [(e, _rfc3339(e.frozen_at or e.created_at)) for e in editions]
    documents = [(d, _rfc3339(d.created_at)) for d in public]
    updated = _rfc3339(max(moments) if moments else utcnow())
    body = render_template(
        "editions/feed.atom.xml",
        entries=entries,
        documents=documents,
        language_names=LANGUAGE_NAMES,
        updated=updated,
        base=current_app.config["PUBLIC_URL"],
    )
    return Response(body, mimetype="application/atom+xml")


def _utc(moment: datetime) -> datetime:
    """SQLite hands timestamps back without an offset (they are UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _rfc3339(moment: datetime) -> str:
    """Atom wants an offset."""
    return _utc(moment).isoformat(timespec="seconds")
