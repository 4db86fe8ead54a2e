"""Log-in, the account page, and user administration: parse, check, call, render."""

from __future__ import annotations

import math
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext, ngettext
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from rkc.auth import operations as ops
from rkc.auth import queries
from rkc.auth.forms import (
    EditUserForm,
    LoginForm,
    PasswordForm,
    ProfileForm,
    RevokeForm,
    TokenForm,
    UserForm,
)
from rkc.auth.permissions import Action, require
from rkc.auth.session import client_address
from rkc.extensions import db
from rkc.web import transactional

bp = Blueprint("auth", __name__)
admin_bp = Blueprint("admin", __name__, url_prefix="/admin")


def _me():  # type: ignore[no-untyped-def]
    """The signed-in User itself (operations get real objects, never the proxy)."""
    return current_user._get_current_object()


def _safe_next(target: str | None) -> str:
    """The page to go to after logging in: a path on this site, else the home page.

    Judged as a browser would read it: browsers drop tabs and newlines inside a URL, trim
    control characters at its ends and read "\\" as "/", so "/<tab>/evil.example" is
    "//evil.example", another host. A target holding any of those characters is refused
    whole (CR/LF would also split the Location header), as is anything that is not a path.
    """
    if not target or any(ch < " " or ch in "\x7f\\" for ch in target):
        return url_for("convention.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("convention.home")
    return target


# --------------------------------------------------------------------------- log in / out


@bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    form = LoginForm()
    error = None
    status = 200
    if form.validate_on_submit():
        attempt = ops.begin_login(form.username.data, client_address())
        if attempt.wait:
            db.session.rollback()  # a refused attempt counts for nothing
            # The same answer whether or not the account exists.
            error = gettext(
                "Too many failed attempts from here. Wait %(duration)s before trying again.",
                duration=_duration(attempt.wait),
            )
            page = render_template("auth/login.html", form=form, error=error)
            return page, 429, {"Retry-After": str(int(attempt.wait))}
        db.session.commit()  # counted before the password is looked at: races count too
        user = ops.authenticate(attempt, form.password.data)
        # The failure record (or the last-login time) is kept either way.
        db.session.commit()
        if user is not None:
            # A new session: nothing from before the log-in (its CSRF secret included)
            # carries over into the signed-in one.
            session.clear()
            g.pop("csrf_token", None)
            login_user(user)
            # Mint the new CSRF secret now, so this answer's cookie carries it and the
            # first page after log-in sets no cookie (and can be validated and cached).
            generate_csrf()
            if not request.args.get("next"):  # a member's day starts with what awaits them
                return redirect(url_for("notifications.my_work"))
            return redirect(_safe_next(request.args.get("next")))
        error = gettext("Unknown user name or wrong password.")  # the same words for both
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form, error=error), status


def _duration(seconds: int) -> str:
    if seconds < 120:
        return ngettext("%(num)d second", "%(num)d seconds", seconds)
    return ngettext("%(num)d minute", "%(num)d minutes", math.ceil(seconds / 60))


@bp.post("/logout")
def logout():  # type: ignore[no-untyped-def]
    form = RevokeForm()
    if not form.validate_on_submit():
        abort(400)
    if current_user.is_authenticated:
        # The session cookie is signed, not stored: a copy taken before now would still be
        # valid. Moving the account's epoch on ends it (and the account's other sessions).
        ops.end_sessions(_me())
        db.session.commit()
    logout_user()
    session.clear()
    flash(gettext("You are logged out."), "info")
    return redirect(url_for("convention.home"))


# --------------------------------------------------------------------------- own account


def _account_page(status: int = 200, **forms):  # type: ignore[no-untyped-def]
    context = {
        "profile_form": ProfileForm(obj=current_user),
        "password_form": PasswordForm(),
        "token_form": TokenForm(),
        "revoke_form": RevokeForm(),
        "tokens": queries.tokens_of(current_user),
        "new_token": None,
    }
    context.update(forms)
    return render_template("auth/account.html", **context), status


@bp.get("/account")
@login_required
def account():  # type: ignore[no-untyped-def]
    return _account_page()


@bp.post("/account/profile")
@login_required
@transactional
def update_profile():  # type: ignore[no-untyped-def]
    form = ProfileForm()
    if not form.validate_on_submit():
        return _account_page(400, profile_form=form)
    try:
        ops.update_profile(
            _me(),
            display_name=form.display_name.data,
            organisation=form.organisation.data or "",
            email=form.email.data or "",
        )
    except ops.AccountError as exc:
        getattr(form, exc.field, form.display_name).errors.append(str(exc))
        return _account_page(400, profile_form=form)
    flash(gettext("Your details are saved."), "info")
    return redirect(url_for(".account"))


@bp.post("/account/password")
@login_required
@transactional
def change_password():  # type: ignore[no-untyped-def]
    form = PasswordForm()
    if not form.validate_on_submit():
        return _account_page(400, password_form=form)
    try:
        user = ops.change_password(
            _me(), current=form.current_password.data, new=form.new_password.data
        )
    except ops.AccountError as exc:
        field = form.current_password if exc.field == "current_password" else form.new_password
        field.errors.append(str(exc))
        return _account_page(400, password_form=form)
    login_user(user)  # this session carries the new epoch; every other session has ended
    flash(gettext("Your password is changed. Your other sessions have ended."), "info")
    return redirect(url_for(".account"))


@bp.post("/account/tokens")
@login_required
@transactional
def issue_token():  # type: ignore[no-untyped-def]
    form = TokenForm()
    if not form.validate_on_submit():
        return _account_page(400, token_form=form)
    try:
        _token, secret = ops.issue_token(
            _me(),
            form.name.data,
            scope=form.scope.data,
            expires_in_days=form.expires_in.data or None,
        )
    except ops.AccountError as exc:
        getattr(form, exc.field, form.name).errors.append(str(exc))
        return _account_page(400, token_form=form)
    # Shown once, in this response only; never stored in clear.
    page, _status = _account_page(tokens=queries.tokens_of(current_user), new_token=secret)
    return page, 201, {"Cache-Control": "no-store"}


@bp.post("/account/tokens/<id:token_id>/revoke")
@login_required
@transactional
def revoke_token(token_id: int):  # type: ignore[no-untyped-def]
    if not RevokeForm().validate_on_submit():
        abort(400)
    try:
        ops.revoke_token(_me(), token_id)
    except ops.AccountError:
        abort(404)
    flash(gettext("The token is revoked."), "info")
    return redirect(url_for(".account"))


# --------------------------------------------------------------------------- administration


@admin_bp.get("/users")
@require(Action.MANAGE_USERS)
def list_users():  # type: ignore[no-untyped-def]
    return render_template("admin/users.html", users=queries.all_users())


@admin_bp.route("/users/new", methods=["GET", "POST"])
@require(Action.MANAGE_USERS)
@transactional
def create_user():  # type: ignore[no-untyped-def]
    form = UserForm()
    form.party_id.choices = queries.party_choices()
    if form.validate_on_submit():
        try:
            user = ops.create_user(
                username=form.username.data,
                display_name=form.display_name.data,
                password=form.password.data,
                role=form.role.data,
                party=queries.party_by_id(form.party_id.data),
                organisation=form.organisation.data or "",
                email=form.email.data or "",
            )
        except ops.AccountError as exc:
            getattr(form, exc.field, form.username).errors.append(str(exc))
        else:
            flash(gettext("Account %(username)s created.", username=user.username), "info")
            return redirect(url_for(".list_users"))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/user_new.html", form=form), status


@admin_bp.route("/users/<id:user_id>", methods=["GET", "POST"])
@require(Action.MANAGE_USERS)
@transactional
def edit_user(user_id: int):  # type: ignore[no-untyped-def]
    user = queries.user_by_id(user_id) or abort(404)
    form = EditUserForm(
        data={"role": user.role.value, "party_id": user.party_id or 0, "disabled": user.is_disabled}
        if request.method == "GET"
        else None
    )
    form.party_id.choices = queries.party_choices()
    if form.validate_on_submit():
        try:
            party = queries.party_by_id(form.party_id.data)
            if (form.role.data, party.id if party else None) != (user.role.value, user.party_id):
                ops.change_role(user, form.role.data, party)
            if bool(form.disabled.data) != user.is_disabled:
                if user.id == current_user.id:
                    raise ops.AccountError(
                        "disabled", "Account disabled: you cannot disable yourself."
                    )
                ops.set_disabled(user, bool(form.disabled.data))
            if form.new_password.data:
                ops.change_password(user, current=None, new=form.new_password.data)
        except ops.AccountError as exc:
            db.session.rollback()
            field = {"party": form.party_id, "password": form.new_password}.get(exc.field)
            (field or getattr(form, exc.field, form.role)).errors.append(str(exc))
        else:
            flash(gettext("Account %(username)s saved.", username=user.username), "info")
            return redirect(url_for(".list_users"))
    status = 400 if request.method == "POST" else 200
    return render_template("admin/user_edit.html", form=form, user=user), status
