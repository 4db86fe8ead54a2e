"""The change log: written in the transaction of the change, for exactly the editions touched."""

from __future__ import annotations

from sqlalchemy import false, func, insert, select, update

from rkc.convention import operations as ops
from rkc.convention import queries
from rkc.convention.models import EditionEntry
from rkc.extensions import db
from rkc.search.models import SearchChange

from .conftest import draft


def _log_after(last: int) -> set[tuple[str, int | None]]:
    rows = db.session.execute(
        select(SearchChange.subject, SearchChange.subject_id).where(SearchChange.id > last)
    ).all()
    return {(r.subject, r.subject_id) for r in rows}


def _last() -> int:
    return db.session.scalar(select(func.max(SearchChange.id))) or 0


def test_loading_the_corpus_logged_every_edition(small_app):
    editions = {
        e.id for w in queries.all_works() for e in queries.editions_of(w, include_drafts=True)
    }
    logged = {i for s, i in _log_after(0) if s == "edition"}
    assert editions <= logged


def test_a_revise_is_logged_only_if_it_is_committed(small_app):
    last = _last()
    edition = draft()
    node = queries.node_by_key("ga/3/3.1")
    current = ops.current_revision(edition, node)
    ops.revise(edition, node, expected_revision_id=current.id, text="Rolled back text.")
    db.session.flush()
    db.session.rollback()
    assert _log_after(last) == set()

    edition = draft()
    node = queries.node_by_key("ga/3/3.1")
    current = ops.current_revision(edition, node)
    revision = ops.revise(edition, node, expected_revision_id=current.id, text="Kept text.")
    db.session.commit()
    assert _log_after(last) == {("edition", edition.id), ("revision", revision.id)}


def test_bulk_manifest_writes_are_narrowed_to_their_edition(small_app):
    work = queries.work_by_key("rkc")
    source = queries.edition_by_slug(work, "2006")
    last = _last()
    second = ops.open_draft(source, slug="second-draft", title="Second draft")
    db.session.commit()
    assert _log_after(last) == {("edition", second.id)}

    last = _last()
    ops.remove_node(second, queries.node_by_key("ga/3/3.2"))
    db.session.commit()
    assert _log_after(last) == {("edition", second.id)}


def test_a_statement_the_tracker_cannot_narrow_down_logs_everything(small_app):
    last = _last()
    db.session.execute(update(EditionEntry).values(depth=EditionEntry.depth))
    db.session.commit()
    assert _log_after(last) == {("all", None)}

    # A copy whose edition is not a literal number cannot be narrowed down either.
    columns = ["edition_id", "node_id", "language", "revision_id", "ordinal", "end_ordinal"]
    rows = select(*(getattr(EditionEntry, c) for c in columns), EditionEntry.depth).where(false())
    last = _last()
    db.session.execute(insert(EditionEntry).from_select([*columns, "depth"], rows))
    db.session.commit()
    assert _log_after(last) == {("all", None)}


def test_nothing_is_logged_for_reads_or_for_other_tables(small_app):
    last = _last()
    queries.contents(draft())
    db.session.commit()
    assert _log_after(last) == set()
