"""The search page and the JSON payload the API answers with: parse, check, call, render.

Both go through `run_search`, so the page and `/api/v1/search` give the same answers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from rkc.auth.permissions import Action, can
from rkc.clock import today
from rkc.convention.languages import DEFAULT, LANGUAGE_COOKIE, UnknownLanguage, parse_languages
from rkc.convention.models import Edition
from rkc.extensions import db
from rkc.review.models import LANGUAGE_NAMES, LEVEL_LABELS
from rkc.review.queries import DocumentSearch, search_documents
from rkc.search import search_index
from rkc.search.forms import parse_search
from rkc.search.index import IndexBusy, IndexProblem
from rkc.search.queries import Hit, SearchResults, SearchScope, search

bp = Blueprint("search", __name__)
log = logging.getLogger(__name__)

UNAVAILABLE = (
    "Search is unavailable for a moment while its index is rebuilt. Nothing is lost: try "
    "again shortly, or browse the text from the contents."
)


def _may_read(edition: Edition) -> bool:
    return can(current_user, Action.READ_EDITION, edition)


def run_search(args: Any, default_language: str = DEFAULT) -> SearchResults:
    """Parse the query string, bring the index up to date, search; never raise for input."""
    wanted, hints = parse_search(args, default_language)
    index = search_index()
    for _attempt in range(2):
        try:
            index.ensure_current(db.engine)
            return search(index, wanted, may_read=_may_read, today=today(), hints=hints)
        except (IndexBusy, IndexProblem) as exc:
            log.warning("search unavailable: %s", exc)
            break
        except Exception:
            # A file of the index damaged since this process checked it shows up here: forget
            # what we knew, so that the second attempt checks the index from scratch and
            # rebuilds it.
            log.exception("search failed; checking the index again")
            index.forget()
    return SearchResults(
        request=wanted,
        query="",
        hits=[],
        total=0,
        page=1,
        pages=0,
        facets=[],
        hints=[*hints, UNAVAILABLE],
        suggestion=None,
        scope=SearchScope([], [], None),
        searched=False,
    )


# --------------------------------------------------------------------------- links


def hit_url(hit: Hit) -> str:
    """Each hit links to the unit in the edition that was searched, in the hit's language."""
    lang = hit.language if hit.language and hit.language != DEFAULT else None
    if hit.edition_slug:
        return url_for("convention.show_node", key=hit.key, edition=hit.edition_slug, lang=lang)
    return url_for("convention.show_node", key=hit.key, lang=lang)


def _search_url(args: MultiDict[str, str], **changes: list[str] | str | None) -> str:
    new = MultiDict(args)
    if "page" not in changes:
        new.pop("page", None)
    for name, value in changes.items():
        new.pop(name, None)
        if value:
            new.setlist(name, value if isinstance(value, list) else [value])
    params = {k: v for k, v in new.to_dict(flat=False).items() if any(v)}
    return url_for("search.search_text", **params)


@dataclass(frozen=True)
class FacetLink:
    label: str
    count: int
    selected: bool
    url: str


@dataclass(frozen=True)
class FacetBox:
    name: str
    label: str
    links: list[FacetLink]


def _facet_boxes(results: SearchResults, args: MultiDict[str, str]) -> list[FacetBox]:
    boxes = []
    for facet in results.facets:
        links = []
        current = list(results.request.selected(facet.name))
        # Choosing languages by the facet replaces a ?lang= (which would override it).
        extra = {"lang": None} if facet.name == "language" else {}
        for value in facet.values:
            if facet.name == "edition":
                work = value.value.split(":", 1)[0]
                others = [s.value for s in results.scope.searched if s.work.key != work]
                url = _search_url(args, edition=[value.value, *others], on=None)
            elif value.selected:
                url = _search_url(
                    args, **{facet.name: [v for v in current if v != value.value]}, **extra
                )
            else:
                url = _search_url(args, **{facet.name: [*current, value.value]}, **extra)
            links.append(FacetLink(value.label, value.count, value.selected, url))
        if links:
            boxes.append(FacetBox(facet.name, facet.label, links))
    return boxes


def _pages(results: SearchResults, args: MultiDict[str, str]) -> list[tuple[str, str | None]]:
    """(label, url or None for the current page) for a short run of page links."""
    if results.pages <= 1:
        return []
    low = max(1, results.page - 3)
    high = min(results.pages, results.page + 3)
    links: list[tuple[str, str | None]] = []
    if results.page > 1:
        links.append(("Previous", _search_url(args, page=str(results.page - 1))))
    for number in range(low, high + 1):
        url = None if number == results.page else _search_url(args, page=str(number))
        links.append((str(number), url))
    if results.page < results.pages:
        links.append(("Next", _search_url(args, page=str(results.page + 1))))
    return links


# --------------------------------------------------------------------------- the page


@bp.get("/search")
def search_text():  # type: ignore[no-untyped-def]
    # The page searches the language the reader reads in (the reading pages' cookie).
    try:
        remembered = parse_languages(request.cookies.get(LANGUAGE_COOKIE))
    except UnknownLanguage:
        remembered = None
    results = run_search(request.args, remembered[0] if remembered else DEFAULT)
    args = request.args
    documents = listed_documents(results)
    hidden = [
        (name, value)
        for name in ("work", "edition", "annex", "chapter", "kind", "language", "lang", "sort")
        for value in args.getlist(name)
        if value
    ]
    return render_template(
        "search/results.html",
        results=results,
        documents=documents,
        level_labels=LEVEL_LABELS,
        language_names=LANGUAGE_NAMES,
        q=results.request.q,
        hits=[(hit, hit_url(hit)) for hit in results.hits],
        facets=_facet_boxes(results, args),
        pages=_pages(results, args),
        sort_links=[
            (label, _search_url(args, sort=value), value == results.request.sort)
            for value, label in (("relevance", "relevance"), ("document", "document order"))
        ],
        suggestion_url=(_search_url(args, q=results.suggestion) if results.suggestion else None),
        hidden=hidden,
        hidden_for_date=[(n, v) for n, v in hidden if n != "edition"],
        on=results.scope.day or results.request.on,
    )


# --------------------------------------------------------------------------- the API


def listed_documents(results: SearchResults) -> DocumentSearch:
    """The registered documents a search lists beside its hits (the page and the API alike).

    They come from the database, not the index (docs/search.md, "Registered documents"),
    among the levels the reader may read, and are listed with the first page of hits only.
    """
    if results.page != 1:
        return DocumentSearch([], 0)
    return search_documents(results.request.q, current_user)


def search_payload(results: SearchResults) -> dict[str, Any]:
    """The API's answer: the same search as the page, as JSON-ready values."""
    wanted = results.request
    return {
        "q": wanted.q,
        "query": results.query,
        "searched": results.searched,
        "total": results.total,
        "page": results.page,
        "pages": results.pages,
        "per_page": wanted.per_page,
        "sort": wanted.sort,
        "on": results.scope.day.isoformat() if results.scope.day else None,
        "editions": [
            {
                "work": s.work.key,
                "edition": s.edition.slug,
                "title": s.edition.title,
                "state": s.state,
            }
            for s in results.scope.searched
        ],
        "hints": results.hints,
        "suggestion": results.suggestion,
        "any_words": results.any_words,
        "facets": {
            facet.name: [
                {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
                for v in facet.values
            ]
            for facet in results.facets
        },
        "hits": [
            {
                "key": hit.key,
                "url": hit_url(hit),
                "work": hit.work,
                "edition": hit.edition_slug,
                "kind": hit.kind,
                "kind_label": hit.kind_label,
                "number": hit.number,
                "number_alt": hit.number_alt,
                "title": hit.title,
                "title_html": str(hit.title_html),
                "snippet_html": str(hit.snippet),
                "snippet": hit.snippet_text,
                "place": list(hit.place),
                "language": hit.language,
                "score": hit.score,
            }
            for hit in results.hits
        ],
    }
