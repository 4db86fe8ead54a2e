"""JSON API: parse, check, call, answer in JSON. Errors are JSON too (see rkc/web.py)."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request
from flask_login import current_user

from rkc.api import amendments, parties, review, texts
from rkc.auth.permissions import role_of
from rkc.search.views import search_payload
from rkc.web import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# The API authenticates each request with a bearer token, not a cookie: no CSRF token needed.
csrf.exempt(bp)
# Works, editions, units, diffs, parties and the OpenAPI document (rkc/api/texts.py).
texts.register(bp)
# Amendments: read by members, written with a token (rkc/api/amendments.py).
amendments.register(bp)
# A party's record and the text binding it on a day (rkc/api/parties.py).
parties.register(bp)
# Meetings, agenda items and documents of the review register (rkc/api/review.py).
review.register(bp)


@bp.get("/me")
def me():  # type: ignore[no-untyped-def]
    """Who the token (or session) belongs to."""
    if role_of(current_user) is None:
        abort(401)
    return jsonify(
        username=current_user.username,
        name=current_user.display_name,
        role=current_user.role.value,
        party=current_user.party.name if current_user.party else None,
    )


@bp.get("/search")
def search_text():  # type: ignore[no-untyped-def]
    """The search page's answers as JSON: same parameters, same hits (rkc/search/views.py)."""
    return jsonify(search_payload(request.args))
