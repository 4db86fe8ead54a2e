"""An amendment's language versions: the panel on its page, the translation form, the check.

- `/amendments/<id>/languages/<lang>` (GET, POST): the Secretariat supplies or corrects the
  version in `lang`; a delegate of the proposing party revises an original written in French
  there (an English original is revised with the ordinary revise form). The form carries the
  version it showed (`expected_seq`): a stale write answers 409 with the text stored now and
  the writer's text, side by side, the writer's input kept.
- `/amendments/<id>/languages/<lang>/check` (POST): another member of the Secretariat checks it.

Rules and errors: rkc/amendments/languages.py. Bad input answers 400 with the message by the
field; a role that may not act, 403; an amendment the reader may not see, 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from rkc.amendments import languages, queries
from rkc.amendments.common import MAX_NOTE, MAX_TEXT, MAX_TITLE
from rkc.amendments.errors import AmendmentError, AmendmentRefused
from rkc.amendments.models import (
    FOLLOWING,
    Amendment,
    AmendmentAction,
    AmendmentVersion,
    TranslationStatus,
)
from rkc.auth.permissions import Action, can, require, role_of
from rkc.convention import operations as text_store
from rkc.convention.languages import LANGUAGES
from rkc.convention.models import Revision
from rkc.database import MAX_ID
from rkc.extensions import db
from rkc.text.diff import word_redline
from rkc.web import NotFoundHere, transactional

bp = Blueprint("amendment_languages", __name__, url_prefix="/amendments")

_SEQ = NumberRange(min=1, max=MAX_ID, message="This form was altered: reload the page.")


class VersionForm(FlaskForm):
    """A language version's text (or heading), and the version of it the form showed."""

    expected_seq = IntegerField(validators=[Optional(), _SEQ])
    text = TextAreaField("Text", validators=[Length(max=MAX_TEXT)])
    title = StringField("Heading", validators=[Length(max=MAX_TITLE)])
    note = TextAreaField("Note for the record (optional)", validators=[Length(max=MAX_NOTE)])


class CheckForm(FlaskForm):
    expected_seq = IntegerField(validators=[Optional(), _SEQ])


@dataclass
class VersionView:
    """One language version as its panel shows it."""

    version: AmendmentVersion
    name: str
    current: Revision | None
    redline: Markup | None
    title_redline: Markup | None
    can_write: bool
    can_check: bool

    @property
    def language(self) -> str:
        return self.version.language


def version_views(amendment: Amendment, user: object) -> list[VersionView]:
    """Every language version of `amendment`, with its tracked changes against the provision's
    current text in that language (or the text it was written on, when in conflict) and what
    `user` may do to it."""
    found = languages.versions_of(amendment)
    translator = can(user, Action.TRANSLATE_AMENDMENT, amendment) and amendment.status in FOLLOWING
    proposer = can(user, Action.EDIT_AMENDMENT, amendment) and amendment.status.is_pending
    views = []
    for language, version in found.items():
        current = (
            text_store.current_revision(amendment.edition, amendment.node, language)
            if amendment.node is not None
            else None
        )
        reference = current
        if version.has_conflict or (
            current is not None and version.base_revision_id not in (None, current.id)
        ):
            reference = version.base_revision or current
        redline = title_redline = None
        shown = version.is_original or version.status is not TranslationStatus.TO_TRANSLATE
        if shown or amendment.action is AmendmentAction.DELETE:
            if amendment.action is AmendmentAction.INSERT:
                redline = word_redline("", version.proposed_text) if version.proposed_text else None
                if version.proposed_title:
                    title_redline = word_redline("", version.proposed_title)
            elif reference is not None:
                if amendment.action is AmendmentAction.MODIFY:
                    redline = word_redline(reference.text, version.proposed_text)
                elif amendment.action is AmendmentAction.DELETE:
                    redline = word_redline(reference.text, "")
                else:
                    title_redline = word_redline(
                        reference.title or "", version.proposed_title or ""
                    )
        has_words = amendment.action is not AmendmentAction.DELETE
        writes = (
            (translator and not version.is_original)
            or (proposer and version.is_original and language != "en")
        ) and has_words
        checks = (
            translator
            and version.status is TranslationStatus.TRANSLATED
            and version.translated_by_id != getattr(user, "id", None)
        )
        views.append(
            VersionView(
                version,
                LANGUAGES.get(language, language),
                current,
                redline,
                title_redline,
                writes,
                checks,
            )
        )
    return views


@bp.app_template_global("amendment_languages")
def amendment_languages(amendment: Amendment) -> list[VersionView]:
    """For the amendment page's language panel."""
    return version_views(amendment, current_user)


@bp.app_template_global("amendment_versions")
def amendment_versions(amendment: Amendment) -> list[AmendmentVersion]:
    """Its versions, English first (the merge queue's status badges)."""
    return list(languages.versions_of(amendment).values())


@bp.app_template_global("merge_unready")
def merge_unready(amendment: Amendment) -> list[languages.NotReady]:
    """Why the merge would refuse it for its languages (none: ready)."""
    return languages.not_ready(amendment)


def _amendment_or_404(amendment_id: int) -> Amendment:
    amendment = queries.amendment_by_id(amendment_id)
    if amendment is None or not can(current_user, Action.READ_AMENDMENT, amendment):
        raise NotFoundHere(
            "No such amendment",
            f"There is no amendment #{amendment_id} that you may read. Drafts are visible to "
            "the delegates of their own party only.",
            [("All amendments", url_for("amendments.list_amendments"))],
        )
    return amendment


def _me():  # type: ignore[no-untyped-def]
    return current_user._get_current_object()


def _may_write(amendment: Amendment, lang: str) -> bool:
    """The Secretariat works on any language; the proposing party on its own French (or other
    non-English) original only."""
    if can(current_user, Action.TRANSLATE_AMENDMENT, amendment):
        return True
    return (
        can(current_user, Action.EDIT_AMENDMENT, amendment)
        and lang == amendment.language
        and lang != "en"
    )


def _page(
    amendment: Amendment,
    version: AmendmentVersion | None,
    form: VersionForm,
    *,
    status: int = 200,
    error: str = "",
    field: str = "",
    stale: AmendmentVersion | None = None,
):  # type: ignore[no-untyped-def]
    views = {v.language: v for v in version_views(amendment, current_user)}
    original = views.get(amendment.language)
    return (
        render_template(
            "amendments/version.html",
            a=amendment,
            version=version,
            view=views.get(version.language) if version is not None else None,
            original=original,
            form=form,
            check_form=CheckForm(),
            error=error,
            field=field,
            stale=stale,
            language_names=LANGUAGES,
        ),
        status,
    )


def _version_or_400(amendment: Amendment, lang: str) -> AmendmentVersion:
    try:
        code = languages.check_language(amendment.edition, lang)
    except AmendmentError as exc:
        abort(400, str(exc))
    version = languages.versions_of(amendment).get(code)
    if version is None:
        abort(400, f"{amendment.label} has no {languages.name_of(code)} version.")
    return version


@bp.route("/<id:amendment_id>/languages/<lang>", methods=["GET", "POST"])
@require(Action.READ_WORKING_DOCUMENTS)
@transactional
def edit_version(amendment_id: int, lang: str):  # type: ignore[no-untyped-def]
    amendment = _amendment_or_404(amendment_id)
    if not _may_write(amendment, lang):
        abort(401 if role_of(current_user) is None else 403)
    version = _version_or_400(amendment, lang)
    form = VersionForm()
    if request.method == "GET":
        form.expected_seq.data = version.seq
        form.text.data = version.proposed_text
        form.title.data = version.proposed_title or ""
        return _page(amendment, version, form)
    if not form.validate_on_submit():
        return _page(amendment, version, form, status=400)
    me = _me()
    try:
        languages.save_version(
            amendment,
            version,
            user=me,
            expected_seq=form.expected_seq.data,
            text=form.text.data,
            title=form.title.data,
            note=form.note.data or "",
        )
    except languages.StaleTranslationError as exc:
        db.session.rollback()
        now = db.session.get(AmendmentVersion, exc.version.id)
        if now is not None:  # the form now carries the version it shows
            form.expected_seq.data = now.seq
            form.expected_seq.raw_data = [str(now.seq)]
        return _page(amendment, now, form, status=409, error=str(exc), stale=now)
    except AmendmentRefused:
        abort(403)
    except AmendmentError as exc:
        db.session.rollback()
        return _page(amendment, version, form, status=400, error=str(exc), field=exc.field)
    flash(
        gettext(
            "The %(language)s version of %(label)s is saved.",
            language=LANGUAGES.get(version.language, version.language),
            label=amendment.label,
        ),
        "info",
    )
    return redirect(url_for("amendments.show_amendment", amendment_id=amendment.id) + "#languages")


@bp.post("/<id:amendment_id>/languages/<lang>/check")
@require(Action.READ_WORKING_DOCUMENTS)
@transactional
def check_version(amendment_id: int, lang: str):  # type: ignore[no-untyped-def]
    amendment = _amendment_or_404(amendment_id)
    if not can(current_user, Action.TRANSLATE_AMENDMENT, amendment):
        abort(401 if role_of(current_user) is None else 403)
    version = _version_or_400(amendment, lang)
    form = CheckForm()
    if not form.validate_on_submit():
        abort(400, "This form has expired or was altered: reload the page and try again.")
    try:
        languages.check_translation(
            amendment, version.language, user=_me(), expected_seq=form.expected_seq.data
        )
    except AmendmentRefused:
        abort(403)
    except AmendmentError as exc:
        db.session.rollback()
        status = 409 if isinstance(exc, languages.StaleTranslationError) else 400
        edit = VersionForm(formdata=None)
        now = db.session.get(AmendmentVersion, version.id)
        if now is not None:
            edit.expected_seq.data = now.seq
            edit.text.data = now.proposed_text
            edit.title.data = now.proposed_title or ""
        return _page(amendment, now, edit, status=status, error=str(exc), field=exc.field)
    flash(
        gettext(
            "The %(language)s version of %(label)s is checked.",
            language=LANGUAGES.get(version.language, version.language),
            label=amendment.label,
        ),
        "info",
    )
    return redirect(url_for("amendments.show_amendment", amendment_id=amendment.id) + "#languages")
