"""A member's own pages: "My work" (and, below, notifications): parse, check, call, render."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice

from rkc.auth.permissions import Action, require
from rkc.clock import today
from rkc.extensions import db
from rkc.notifications import operations as ops
from rkc.notifications import queries
from rkc.web import csrf, transactional


class EmptyForm(FlaskForm):
    """A form with nothing but its CSRF token."""


bp = Blueprint("notifications", __name__)


@bp.get("/my-work")
@require(Action.MANAGE_OWN_ACCOUNT)
def my_work():  # type: ignore[no-untyped-def]
    """What awaits me, with counts: the page a member lands on after logging in."""
    work = queries.my_work(current_user, today())
    unread = queries.unread_count(current_user)
    return render_template("notifications/my_work.html", work=work, unread=unread)


# --------------------------------------------------------------------------- notifications


class PreferenceForm(FlaskForm):
    email_mode = RadioField(
        "E-mail",
        choices=[
            SelectChoice("each", "An e-mail for each event"),
            SelectChoice("digest", "One e-mail a day (daily digest)"),
            SelectChoice("off", "No e-mail (the list here still shows everything)"),
        ],
    )


@bp.get("/notifications")
@require(Action.MANAGE_OWN_ACCOUNT)
def list_notifications():  # type: ignore[no-untyped-def]
    form = PreferenceForm(email_mode=ops.preference(current_user).email_mode)
    db.session.commit()  # the preference row, made on first visit
    return render_template(
        "notifications/list.html",
        notes=queries.notifications_of(current_user),
        form=form,
        mark_form=EmptyForm(),
    )


@bp.post("/notifications/read")
@require(Action.MANAGE_OWN_ACCOUNT)
@transactional
def mark_all_read():  # type: ignore[no-untyped-def]
    if not EmptyForm().validate_on_submit():
        abort(400)
    count = ops.mark_read(current_user)
    flash(gettext("%(count)s notification(s) marked as read.", count=count), "info")
    return redirect(url_for(".list_notifications"))


@bp.post("/notifications/preferences")
@require(Action.MANAGE_OWN_ACCOUNT)
@transactional
def save_preferences():  # type: ignore[no-untyped-def]
    form = PreferenceForm()
    if not form.validate_on_submit():
        return render_template(
            "notifications/list.html",
            notes=queries.notifications_of(current_user),
            form=form,
            mark_form=EmptyForm(),
        ), 400
    ops.set_email_mode(current_user, form.email_mode.data)
    flash(gettext("Your e-mail preference is saved."), "info")
    return redirect(url_for(".list_notifications"))


@bp.route("/notifications/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the token in the address is the secret; mail clients POST it (RFC 8058)
@transactional
def unsubscribe(token: str):  # type: ignore[no-untyped-def]
    """One click from the e-mail: GET shows one button; POST (that button, or the mail
    client's List-Unsubscribe-Post) turns e-mail off. No log-in needed."""
    page = "notifications/unsubscribe.html"
    if request.method == "GET":
        known = queries.preference_for_token(token) is not None
        return render_template(page, token=token, known=known, done=False), 200 if known else 404
    if ops.unsubscribe(token) is None:
        return render_template(page, token=token, known=False, done=False), 404
    return render_template(page, token=token, known=True, done=True)
