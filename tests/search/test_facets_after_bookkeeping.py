"""Defect 2 of issue 15: `IndexError: array index out of range` from `facet_rows` right after a
freeze, an entry into force and acceptances.

The cause: such commits change no indexed text, so the catch-up writes a segment that holds only
the bookkeeping document, which has no value for the facet columns. Whoosh's MultiReader leaves a
segment without a column out of its column reader, so the documents of that segment were read
from the previous segment's column, past its end. The index now reads every segment's column
(a missing one gives the default value).
"""

from __future__ import annotations

from datetime import date

from rkc.audit import Actor, acting_as
from rkc.convention import operations as text_ops
from rkc.extensions import db
from rkc.parties import operations as party_ops
from rkc.search import search_index
from rkc.search.schema import FACET_FIELDS

from ..parties.fixtures import make_party
from .conftest import draft, find


def test_search_after_a_freeze_an_entry_into_force_and_acceptances(small_app, web):
    before = find(web, "clearance")
    assert before["total"] > 0  # builds the index
    with acting_as(Actor(None, "test", "system")):
        text_ops.freeze(draft(), adopted_on=date(2026, 6, 1))
        db.session.commit()
        assert find(web, "clearance")["total"] == before["total"]
        text_ops.set_in_force(draft(), date(2026, 9, 1))
        db.session.commit()
        for iso3 in ("AUT", "KHM"):
            party_ops.record_acceptance(make_party(iso3), "B1", notified_on="2010-01-04")
            db.session.commit()

    index = search_index(small_app)
    with index.searcher() as view:
        segments = view.searcher.reader().leaf_readers()
        # The sequence left segments without the facet columns (the state of the defect).
        assert any(not r.has_column("work") for r, _offset in segments)
        rows = view.facet_rows()
        assert len(rows) == view.searcher.reader().doc_count_all()
        assert len(view.node_ids()) == len(rows)
        for docnum, stored in enumerate(view.searcher.reader().all_stored_fields()):
            if stored.get("doctype") == "revision":
                assert rows[docnum][0] == stored["work"]
                assert rows[docnum][FACET_FIELDS.index("kind")] == stored["kind"]

    page = web.get("/search", query_string={"q": '"clearance for home use"'})
    assert page.status_code == 200
    assert find(web, "clearance", annex="sa-b")["total"] > 0
    index.state(deep=True)  # and a fresh process would not find it broken
