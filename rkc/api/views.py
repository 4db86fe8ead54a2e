"""JSON API: parse, check, call, answer in JSON. Errors are JSON too (see rkc/web.py).

Each route is declared once with its models (rkc/api/spec.py, rkc/api/schemas/); the OpenAPI
document at /api/v1/openapi.json is made from those declarations."""

from __future__ import annotations

from flask import Blueprint, request
from flask_login import current_user

from rkc.api import (
    amendment_languages,
    amendments,
    discussion,
    editions,
    framework,
    parties,
    party_events,
    procedure,
    reports,
    review,
    spec,
    texts,
)
from rkc.api.schemas.texts import Me, SearchOut, SearchQuery
from rkc.search.views import listed_documents, run_search, search_payload
from rkc.web import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# The API authenticates each request with a bearer token, not a cookie: no CSRF token needed.
csrf.exempt(bp)
# Works, editions, units, diffs, parties and the OpenAPI document (rkc/api/texts.py).
texts.register(bp)
# Amendments: read by members, written with a token (rkc/api/amendments.py).
amendments.register(bp)
# An amendment's versions in English and French (rkc/api/amendment_languages.py).
amendment_languages.register(bp)
# Comments, positions and co-sponsorship of an amendment (rkc/api/discussion.py).
discussion.register(bp)
# Drafts, freezing, entry into force, the merge queue and merges (rkc/api/editions.py).
editions.register(bp)
# Recommendations of the Council and the parties' responses (rkc/api/procedure.py).
procedure.register(bp)
# A party's record and the text binding it on a day (rkc/api/parties.py).
parties.register(bp)
# A party's events: instruments, acceptances, reservations, extensions (rkc/api/party_events.py).
party_events.register(bp)
# Meetings, agenda items and documents of the review register (rkc/api/review.py).
review.register(bp)
# Concepts, proposals and components of the Four-step Framework (rkc/api/framework.py).
framework.register(bp)
# A meeting's report: drafted, adopted, corrected (rkc/api/reports.py).
reports.register(bp)


@spec.operation("/me", responses={200: Me}, auth="member", etag=False)
def me():  # type: ignore[no-untyped-def]
    """Who the token (or session) belongs to."""
    return {
        "username": current_user.username,
        "name": current_user.display_name,
        "role": current_user.role.value,
        "party": current_user.party.name if current_user.party else None,
    }


@spec.operation(
    "/search", responses={200: SearchOut}, query=SearchQuery, check_query=False, etag=False
)
def search_text():  # type: ignore[no-untyped-def]
    """Search the text: the search page's answers as JSON, with the same parameters and hits
    (rkc/search/views.py). Nothing is refused: a value that cannot be used is replaced by its
    default and explained in `hints`."""
    results = run_search(request.args)
    payload = search_payload(results)
    found = listed_documents(results)
    payload["documents"] = {
        "total": found.total,
        "items": [review.document_json(d) for d in found.documents],
    }
    return payload


spec.add_routes(bp, me, search_text)
