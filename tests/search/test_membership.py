"""Edition membership lives beside the documents: each revision is indexed once, and opening a
draft or freezing an edition writes no text document (issue 17, item 2)."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select
from whoosh import fields
from whoosh import index as whoosh_index

from rkc.audit import Actor, acting_as
from rkc.clock import today
from rkc.convention import operations as ops
from rkc.convention import queries
from rkc.convention.models import Revision
from rkc.extensions import db
from rkc.search import search_index
from rkc.search.models import SearchChange
from rkc.search.schema import SCHEMA_VERSION, STATE_DOC_ID, build_schema
from tests.helpers import create_people, log_in

from .conftest import find, keys, publish_draft, revise_in_draft

QUERIES = ("customs", "goods declaration", "appeal", '"temporary admission"', "declar*")


def _revision_documents() -> int:
    """Revision documents in the index (the bookkeeping document left out)."""
    index = search_index()
    return sum(1 for d in index.stored_documents() if d.get("doctype") == "revision")


def _answers(client, **params) -> dict[str, tuple]:  # type: ignore[no-untyped-def]
    found = {}
    for q in QUERIES:
        answer = find(client, q, **params)
        facets = {k: v for k, v in answer["facets"].items() if k != "edition"}
        found[q] = (answer["total"], tuple(keys(answer)), repr(facets))
    return found


def test_opening_a_draft_and_freezing_write_no_text_document(small_app, web):
    before = _answers(web)  # builds the index
    documents = _revision_documents()
    assert documents == db.session.scalar(select(func.count(Revision.id)))

    with acting_as(Actor(None, "test", "system")):
        work = queries.work_by_key("rkc")
        latest = queries.editions_of(work)[-1]
        opened = ops.open_draft(latest, slug="second-draft", title="A second draft")
        db.session.commit()
    index = search_index()
    assert index.state().applied_through == db.session.scalar(select(func.max(SearchChange.id)))
    assert _revision_documents() == documents  # the catch-up moved only the watermark

    # Members find the new draft's text through its membership alone.
    member = small_app.test_client()
    create_people()
    log_in(member, "delegate-a")
    in_draft = find(member, "customs", edition="second-draft", work="rkc")
    assert in_draft["total"] == find(web, "customs", edition=latest.slug, work="rkc")["total"] > 0
    assert in_draft["editions"][0]["edition"] == "second-draft"

    with acting_as(Actor(None, "test", "system")):
        ops.freeze(opened, adopted_on=date(2026, 1, 2))
        db.session.commit()
    assert _revision_documents() == documents
    assert _answers(web) == before  # today's text is unchanged, so are the answers


def test_a_revise_adds_one_document_and_a_publication_none(small_app, web):
    find(web, "customs")
    documents = _revision_documents()
    revise_in_draft("ga/3/3.1", "Customs shall count the narwhals at the border.")
    assert _revision_documents() == documents + 1
    # The public does not reach the draft's text, whatever edition it asks for.
    assert find(web, "narwhals")["total"] == 0
    assert find(web, "narwhals", edition="review-draft")["total"] == 0
    publish_draft(today() - timedelta(days=1))
    assert _revision_documents() == documents + 1
    assert keys(find(web, "narwhals")) == ["ga/3/3.1"]


def test_membership_follows_a_change_made_by_another_process(small_app, web):
    """A manifest remembered by this process is forgotten when the change log names its
    edition, even when the index was caught up elsewhere (another server)."""
    find(web, "customs")
    index = search_index()
    member = small_app.test_client()
    create_people()
    log_in(member, "delegate-b")
    assert find(member, "walrus", edition="review-draft")["total"] == 0  # remembered now
    index.lock_timeout = 0.2
    with index.writing_lock():  # the after-commit catch-up gives up: "another process"
        revise_in_draft("ga/3/3.2", "Customs shall weigh the walrus.")
    assert keys(find(member, "walrus", edition="review-draft")) == ["ga/3/3.2"]


def test_an_index_of_the_previous_layout_is_rebuilt_by_the_first_search(small_app, web):
    """An index written before membership left the documents (schema 1, with an `editions`
    field) is found at start and rebuilt: no manual step on upgrade."""
    expected = find(web, "customs")["total"]
    index = search_index()
    with db.engine.connect() as conn:
        through, origin = index._log_bounds(conn)
    index_dir = Path(small_app.config["INDEX_DIR"])
    shutil.rmtree(index_dir)
    index_dir.mkdir()
    old = build_schema()
    old.add("editions", fields.KEYWORD(stored=True, scorable=False))
    writer = whoosh_index.create_in(str(index_dir), old).writer()
    writer.add_document(
        doc_id=STATE_DOC_ID,
        doctype="_state",
        applied_through=through,
        schema_version=1,
        origin=origin,
    )
    writer.commit()
    index.forget()  # as a process started after the upgrade

    assert find(web, "customs")["total"] == expected
    assert index.state().schema_version == SCHEMA_VERSION
    assert _revision_documents() == db.session.scalar(select(func.count(Revision.id)))
