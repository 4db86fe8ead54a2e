"""The web layer shared by every area: template helpers, error pages, security headers."""

from __future__ import annotations

from flask import Flask, Response, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from rkc.clock import today
from rkc.convention.kinds import KIND_CSS, KIND_LABELS
from rkc.text.markdown import render as render_markdown

csrf = CSRFProtect()

#: Everything comes from this host; no inline script, no framing, no plugins.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


class NotFoundHere(HTTPException):
    """A 404 that explains itself: what was asked for and where to look instead."""

    code = 404

    def __init__(
        self, title: str, explanation: str, suggestions: list[tuple[str, str]] | None = None
    ):
        super().__init__(explanation)
        self.title = title
        self.explanation = explanation
        self.suggestions = suggestions or []


def init_web(app: Flask) -> None:
    csrf.init_app(app)
    app.jinja_env.filters["markdown"] = render_markdown
    from rkc.auth.permissions import Action, can

    app.jinja_env.globals.update(
        can=can,
        Action=Action,
        KIND_LABELS=KIND_LABELS,
        KIND_CSS=KIND_CSS,
        kind_label=lambda kind: KIND_LABELS.get(kind, kind.replace("_", " ").title()),
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _globals() -> dict:
        return {"today": today()}

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response

    @app.errorhandler(NotFoundHere)
    def _not_found_here(error: NotFoundHere):  # type: ignore[no-untyped-def]
        return (
            render_template(
                "errors/not_found.html",
                title=error.title,
                explanation=error.explanation,
                suggestions=error.suggestions,
            ),
            404,
        )

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):  # type: ignore[no-untyped-def]
        return render_template(
            "errors/error.html",
            code=400,
            title="Form expired",
            message=(
                "The form could not be accepted because its security token was missing or out of "
                "date. Nothing was saved. Go back, reload the page and submit it again."
            ),
        ), 400

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        if request.path.startswith("/api/"):
            return {"error": error.name, "message": error.description}, error.code
        return (
            render_template(
                "errors/error.html",
                code=error.code,
                title=error.name,
                message=error.description,
            ),
            error.code or 500,
        )

    @app.errorhandler(OperationalError)
    def _database_unavailable(error: OperationalError):  # type: ignore[no-untyped-def]
        app.logger.error("database unavailable: %s", error)
        message = (
            "The database cannot be reached or cannot be written just now. Nothing was "
            "half-written: try again in a moment."
        )
        if request.path.startswith("/api/"):
            return {"error": "Service Unavailable", "message": message}, 503
        return (
            render_template(
                "errors/error.html", code=503, title="Service unavailable", message=message
            ),
            503,
            {"Retry-After": "30"},
        )


def transactional(view):  # type: ignore[no-untyped-def]
    """The transaction boundary of a view that writes: commit on success, else roll back.

    A response with status 400 or more (a form shown again with its errors, a 409) commits
    nothing; neither does an exception.
    """
    from functools import wraps

    from flask import make_response

    from rkc.extensions import db

    @wraps(view)
    def wrapped(*args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            response = make_response(view(*args, **kwargs))
        except BaseException:
            db.session.rollback()
            raise
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response

    return wrapped
