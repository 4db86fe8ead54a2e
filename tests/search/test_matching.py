"""Evaluating a query over whole posting lists (rkc/search/matching.py) matches the same
documents with the same scores as walking Whoosh's own matchers.

Compared on the whole corpus (one segment) and on an index that catch-ups have given more
segments and deleted documents, for every kind of query the search box accepts.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from whoosh import qparser

from rkc.clock import today
from rkc.extensions import db
from rkc.search import search_index
from rkc.search.matching import scored_matches
from rkc.search.queries import _parse, prepare

from .conftest import find, publish_draft, revise_in_draft

QUERIES = [
    "appeal",
    "customs",
    "goods declaration",
    "right of appeal",
    '"right of appeal"',
    '"goods declaration" release',
    "transit OR transhipment",
    "warehouse AND security",
    "security NOT guarantee",
    "NOT customs",
    "goods AND NOT declaration",
    "(transit OR warehouse) AND NOT guarantee",
    "declar*",
    "electronic* payment",
    "decl?ration",
    "kind:standard release",
    "kind:rp goods",
    "chapter:10 decision",
    "annex:ga appeal",
    "number:3.11",
    "title:appeal",
    "text:customs",
    "work:rkc customs",
    "language:fr dédouanement",
    "dédouanement marchandises",
    "l'information",
    "zzzzqqq",
    "apeal",
    "a",
    "customs customs customs",
]


def _walked(searcher: Any, parsed: Any) -> dict[int, float]:
    """What Whoosh's matchers give: every match and its score, one document at a time."""
    found = {}
    context = searcher.context()
    for leaf, offset in searcher.leaf_searchers():
        matcher = parsed.matcher(leaf, context)
        while matcher.is_active():
            found[offset + matcher.id()] = matcher.score()
            matcher.next()
    return found


def _compare(app: Any, queries: list[str]) -> int:
    """Compare both ways for each query; the number of queries that matched something."""
    matched = 0
    with app.app_context():
        index = search_index()
        index.ensure_current(db.engine)
        with index.searcher(db.engine) as view:
            for text in queries:
                for group in (qparser.AndGroup, qparser.OrGroup):
                    parsed = _parse(view, prepare(text), group, [])
                    if parsed is None:
                        continue
                    expected = _walked(view.searcher, parsed)
                    got = scored_matches(view.searcher, parsed, view.remembered)
                    assert got.keys() == expected.keys(), (text, group)
                    for docnum, score in expected.items():
                        assert math.isclose(got[docnum], score, rel_tol=1e-9), (text, docnum)
                    matched += bool(expected)
        db.session.remove()
    return matched


def test_the_same_matches_and_scores_as_whoosh_on_the_corpus(site):
    assert _compare(site, QUERIES) >= 2 * (len(QUERIES) - 4)


def test_the_same_with_several_segments_and_deleted_documents(small_app):
    web = small_app.test_client()
    find(web, "customs")  # the first search builds the index: one segment
    with small_app.app_context():
        revise_in_draft("ga/3/3.1", "Customs shall release goods once the declaration is checked.")
        revise_in_draft("ga/3/3.2", "Customs offices shall be open for the declaration of goods.")
        publish_draft(today() - timedelta(days=1))
        db.session.remove()
    find(web, "customs")  # catch-ups: new segments, and the bookkeeping document replaced
    with small_app.app_context():
        index = search_index()
        with index.searcher(db.engine) as view:
            segments = list(view.searcher.leaf_searchers())
            assert len(segments) > 1
            assert any(leaf.reader().has_deletions() for leaf, _ in segments)
        db.session.remove()
    assert _compare(small_app, QUERIES) > 10
