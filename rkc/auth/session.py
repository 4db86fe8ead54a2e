"""flask-login wiring: session and token loaders, the audit actor, the log-in redirect."""

from __future__ import annotations

from flask import Flask, abort, g, jsonify, redirect, request, url_for
from flask_login import LoginManager, current_user
from sqlalchemy.exc import DBAPIError

from rkc.audit import Actor, reset_actor, set_actor
from rkc.auth import operations
from rkc.auth.models import ApiToken, User
from rkc.auth.permissions import role_of
from rkc.extensions import db
from rkc.web import database_unavailable

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.session_protection = "strong"


@login_manager.user_loader
def _load_user(session_id: str) -> User | None:
    user_id, _, epoch = session_id.partition(":")
    if not user_id.isdigit() or not epoch.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    # A password change, role change or disabling bumps the epoch: older sessions end here.
    if user is None or user.session_epoch != int(epoch) or user.is_disabled:
        return None
    return user


@login_manager.request_loader
def _load_user_from_token(req) -> User | None:  # type: ignore[no-untyped-def]
    if not req.path.startswith("/api/") or not _bearer(req):
        return None
    token = _token_of(req, record_use=True)
    return token.user if token is not None else None


def _bearer(req) -> str:  # type: ignore[no-untyped-def]
    header = req.headers.get("Authorization", "")
    return header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""


def _token_of(req, *, record_use: bool) -> ApiToken | None:  # type: ignore[no-untyped-def]
    """Look the request's token up once; `g` keeps it, and why it was refused (for the 401)."""
    secret = _bearer(req)
    try:
        token, why = operations.token_for_secret(secret, record_use=record_use)
        if token is not None and record_use:
            db.session.commit()  # keeps the token's last-used time, before the request's own work
    except DBAPIError as error:
        if not database_unavailable(error):
            raise
        db.session.rollback()
        # The last-used time is bookkeeping: a database that can be read but not written (made
        # read-only) still serves API reads. One that cannot be read fails here with the 503.
        token, why = operations.token_for_secret(secret, record_use=False)
    g.rkc_api_token, g.rkc_token_refused = token, why
    return token


def request_token() -> ApiToken | None:
    """The valid API token this request carries (Authorization: Bearer ...), or None.

    API writes need one of the write scope, even when a session cookie came along too.
    """
    if "rkc_api_token" not in g:
        if not _bearer(request):
            return None
        _token_of(request, record_use=False)
    return g.rkc_api_token


def api_writer() -> User:
    """The member writing through the API, authenticated by the token this request carries,
    which must have the write scope: 401 without one, 403 for a read-only token."""
    token = request_token()
    if role_of(current_user) is None or token is None or token.user_id != current_user.id:
        abort(401)
    if not token.may_write:
        abort(
            403,
            description="This token may only read. Make a token with the write scope on your "
            "account page to write through the API.",
        )
    return current_user._get_current_object()


def client_address() -> str:
    return (request.remote_addr or "")[:64]


def init_auth(app: Flask) -> None:
    login_manager.init_app(app)

    @app.before_request
    def _actor() -> None:
        user = current_user
        if getattr(user, "is_authenticated", False):
            actor = Actor(user.id, user.username, user.role.value, user.party_id, client_address())
        else:
            actor = Actor(None, "anonymous", "anonymous", None, client_address())
        g.rkc_actor_token = set_actor(actor)

    @app.teardown_request
    def _forget_actor(_error: BaseException | None) -> None:
        # The worker thread serves other requests next: nothing of this one may stay.
        token = g.pop("rkc_actor_token", None)
        if token is not None:
            reset_actor(token)

    @app.errorhandler(401)
    def _unauthorized(_error):  # type: ignore[no-untyped-def]
        if request.path.startswith("/api/"):
            message = {
                "expired": "This API token has expired: make a new one on your account page.",
                "revoked": "This API token was revoked (or its owner's password changed): "
                "make a new one on your account page.",
            }.get(g.get("rkc_token_refused", ""))
            return jsonify(
                error="Unauthorized",
                message=message or "Send a valid API token: Authorization: Bearer <token>.",
            ), 401
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
