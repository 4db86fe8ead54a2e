"""flask-login wiring: session and token loaders, the audit actor, the log-in redirect."""

from __future__ import annotations

from flask import Flask, g, jsonify, redirect, request, url_for
from flask_login import LoginManager, current_user
from sqlalchemy.exc import DBAPIError

from rkc.audit import Actor, reset_actor, set_actor
from rkc.auth import operations
from rkc.auth.models import User
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
    header = req.headers.get("Authorization", "")
    if not req.path.startswith("/api/") or not header.startswith("Bearer "):
        return None
    secret = header.removeprefix("Bearer ").strip()
    try:
        user = operations.user_for_token(secret)
        if user is not None:
            db.session.commit()  # keeps the token's last-used time, before the request's own work
        return user
    except DBAPIError as error:
        if not database_unavailable(error):
            raise
        db.session.rollback()
    # The last-used time is bookkeeping: a database that can be read but not written (made
    # read-only) still serves API reads. One that cannot be read fails here with the 503.
    return operations.user_for_token(secret, record_use=False)


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
            return jsonify(
                error="Unauthorized",
                message="Send a valid API token: Authorization: Bearer <token>.",
            ), 401
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
