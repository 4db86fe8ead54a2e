"""Password reset by e-mail: a single-use token that expires (PASSWORD_RESET_HOURS).

The member asks with their user name or e-mail address; the answer is the same whether or not
an account matches (nobody learns who has an account). A matching, enabled account with an
e-mail address gets a link holding a random token; only the token's SHA-256 is stored. The
link sets a new password (the usual strength rules; every session and API token ends, as on
any password change) and is spent: a second use, an expired link or an unknown one is refused.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import func, or_, select, update
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from rkc import audit
from rkc.auth import operations as auth_ops
from rkc.auth.models import User
from rkc.convention.models import utcnow
from rkc.extensions import db
from rkc.notifications import mail
from rkc.notifications.models import PasswordReset
from rkc.web import transactional

bp = Blueprint("reset", __name__)


class ResetRequestForm(FlaskForm):
    login = StringField(
        _l("User name or e-mail address"), validators=[DataRequired(), Length(max=254)]
    )


class ResetForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    again = PasswordField(
        _l("The new password again"),
        validators=[DataRequired(), EqualTo("password", _l("The two passwords differ."))],
    )


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --------------------------------------------------------------------------- operations


def request_reset(login: str) -> tuple[User, str] | None:
    """A new token for the account named by `login` (user name or e-mail), or None."""
    login = login.strip()
    user = db.session.scalar(
        select(User).where(
            or_(User.username == login, func.lower(User.email) == login.lower()),
            User.is_disabled.is_(False),
        )
    )
    if user is None or not user.email:
        return None
    # One live link at a time: asking again spends the earlier ones.
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
    )
    token = secrets.token_urlsafe(32)
    hours = float(current_app.config.get("PASSWORD_RESET_HOURS", 2))
    db.session.add(
        PasswordReset(
            user_id=user.id, token_hash=_hash(token), expires_at=utcnow() + timedelta(hours=hours)
        )
    )
    db.session.flush()
    audit.record("user.reset_request", "user", user.id)
    return user, token


def usable(token: str) -> PasswordReset | None:
    row = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == _hash(token)))
    if row is None or row.used_at is not None:
        return None
    expires = row.expires_at
    if expires.tzinfo is None:  # SQLite gives back naive UTC
        expires = expires.replace(tzinfo=UTC)
    return row if expires > utcnow() else None


def complete_reset(token: str, password: str) -> User:
    """Set the new password and spend the token; AccountError when it cannot be used."""
    row = usable(token)
    if row is None:
        raise auth_ops.AccountError(
            "password", "This reset link is unknown, used or expired: ask for a new one."
        )
    # Spend it first, with a compare-and-set: of two uses racing, one wins.
    spent = db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.id == row.id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
    ).rowcount
    if spent != 1:
        raise auth_ops.AccountError("password", "This reset link was just used.")
    user = db.session.get(User, row.user_id)
    assert user is not None
    auth_ops.change_password(user, current=None, new=password)
    audit.record("user.reset_password", "user", user.id)
    return user


# --------------------------------------------------------------------------- views


@bp.route("/reset", methods=["GET", "POST"])
@transactional
def ask():  # type: ignore[no-untyped-def]
    form = ResetRequestForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("auth/reset_request.html", form=form, sent=False), status
    found = request_reset(form.login.data)
    if found is not None:
        user, token = found
        link = current_app.config["PUBLIC_URL"] + url_for(".choose", token=token)
        hours = current_app.config.get("PASSWORD_RESET_HOURS", 2)
        body = (
            f"Hello {user.display_name},\n\nSomeone (we hope you) asked to reset the password of "
            f"the rkc account “{user.username}”. Choose a new password here, within {hours} "
            f"hour(s); the link works once:\n\n{link}\n\nIf you did not ask, ignore this mail: "
            "your password stays as it is.\n"
        )
        try:
            mail.send(current_app.config, user.email, "[rkc] Reset your password", body)
        except mail.MailError as exc:
            current_app.logger.warning("%s", exc)
    # The same answer whether or not an account matched.
    return render_template("auth/reset_request.html", form=form, sent=True)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@transactional
def choose(token: str):  # type: ignore[no-untyped-def]
    if usable(token) is None:
        return render_template("auth/reset_form.html", form=None), 410
    form = ResetForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("auth/reset_form.html", form=form), status
    try:
        complete_reset(token, form.password.data)
    except auth_ops.AccountError as exc:
        form.password.errors.append(str(exc))
        return render_template("auth/reset_form.html", form=form), 400
    flash(gettext("Your password is changed. Log in with it."), "info")
    return redirect(url_for("auth.login"))
