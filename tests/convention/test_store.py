"""The text store's invariants: immutable revisions, manifests, drafts and frozen editions."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from rkc.convention import operations as ops
from rkc.convention import queries
from rkc.convention.models import Edition, EditionEntry, EditionStatus, Revision
from rkc.extensions import db


def _work_and_editions():
    work = queries.work_by_key("rkc")
    return (
        work,
        queries.edition_by_slug(work, "2006"),
        queries.edition_by_slug(work, "review-draft"),
    )


def _revision_count() -> int:
    return db.session.scalar(select(func.count(Revision.id)))


def test_corpus_loads_as_an_in_force_edition_and_an_identical_draft(small_app):
    _work, in_force, draft = _work_and_editions()
    assert in_force.status is EditionStatus.IN_FORCE
    assert in_force.in_force_from == date(2006, 2, 3)
    assert not in_force.is_authentic
    assert draft.status is EditionStatus.WORKING_DRAFT
    assert draft.based_on_id == in_force.id
    old = [(i.key, i.revision_id) for i in queries.contents(in_force)]
    new = [(i.key, i.revision_id) for i in queries.contents(draft)]
    assert old == new
    assert old[0][0] == "body"


def test_document_order_and_subtree_ranges(small_app):
    _, in_force, _ = _work_and_editions()
    keys = [i.key for i in queries.contents(in_force)]
    assert keys.index("ga/3/3.1") < keys.index("ga/3/3.1/note") < keys.index("ga/3/3.2")
    chapter = queries.entry_of(in_force, queries.node_by_key("ga/3"))
    sub = [i.key for i in queries.subtree(in_force, chapter)]
    assert sub == [
        "ga/3", "ga/3/s-a", "ga/3/3.1", "ga/3/3.1/note", "ga/3/3.2",
        "ga/3/s-b", "ga/3/3.3", "ga/3/3.4",
    ]  # fmt: skip
    crumbs = queries.ancestors(
        in_force, queries.entry_of(in_force, queries.node_by_key("ga/3/3.1"))
    )
    assert [c.key for c in crumbs] == ["ga", "ga/3", "ga/3/s-a"]


def test_identical_content_makes_no_revision(small_app):
    _, _, draft = _work_and_editions()
    node = queries.node_by_key("ga/3/3.1")
    current = ops.current_revision(draft, node)
    before = _revision_count()
    same = ops.revise(draft, node, expected_revision_id=current.id, text=current.text + "  \n")
    assert same.id == current.id
    assert _revision_count() == before


def test_revising_a_draft_keeps_the_frozen_edition_untouched(small_app):
    _, in_force, draft = _work_and_editions()
    node = queries.node_by_key("ga/3/3.1")
    current = ops.current_revision(draft, node)
    new = ops.revise(
        draft, node, expected_revision_id=current.id, text="Customs shall designate offices."
    )
    db.session.commit()
    assert new.predecessor_id == current.id
    assert ops.current_revision(draft, node).id == new.id
    assert ops.current_revision(in_force, node).id == current.id
    assert current.text.startswith("Customs shall designate the offices")


def test_a_stale_writer_is_refused_and_nothing_is_written(small_app):
    _, _, draft = _work_and_editions()
    node = queries.node_by_key("ga/3/3.1")
    first = ops.current_revision(draft, node)
    ops.revise(draft, node, expected_revision_id=first.id, text="First writer's text.")
    db.session.commit()
    before = _revision_count()
    with pytest.raises(ops.StaleRevisionError, match=r"ga/3/3.1 changed since you read it"):
        ops.revise(draft, node, expected_revision_id=first.id, text="Second writer's text.")
    db.session.rollback()
    assert _revision_count() == before
    assert ops.current_revision(draft, node).text == "First writer's text."


def test_frozen_editions_refuse_changes(small_app):
    _, in_force, _ = _work_and_editions()
    node = queries.node_by_key("ga/3/3.1")
    current = ops.current_revision(in_force, node)
    with pytest.raises(ops.TextStoreError, match="only a working draft can change"):
        ops.revise(in_force, node, expected_revision_id=current.id, text="Changed")


def test_insert_and_remove_keep_document_order(small_app):
    _, in_force, draft = _work_and_editions()
    ops.insert_node(
        draft,
        key="ga/3/3.1bis",
        parent=queries.node_by_key("ga/3/s-a"),
        after=queries.node_by_key("ga/3/3.1"),
        kind="standard",
        number="3.1bis",
        text="Customs shall publish a list of its offices.",
    )
    removed = ops.remove_node(draft, queries.node_by_key("ga/3/3.1"))
    db.session.commit()
    assert removed == ["ga/3/3.1", "ga/3/3.1/note"] or sorted(removed) == [
        "ga/3/3.1",
        "ga/3/3.1/note",
    ]
    chapter = queries.entry_of(draft, queries.node_by_key("ga/3"))
    keys = [i.key for i in queries.subtree(draft, chapter)]
    assert keys == [
        "ga/3",
        "ga/3/s-a",
        "ga/3/3.1bis",
        "ga/3/3.2",
        "ga/3/s-b",
        "ga/3/3.3",
        "ga/3/3.4",
    ]
    # Ordinals are dense and subtrees nest.
    entries = db.session.scalars(
        select(EditionEntry)
        .where(EditionEntry.edition_id == draft.id)
        .order_by(EditionEntry.ordinal)
    ).all()
    assert [e.ordinal for e in entries] == list(range(len(entries)))
    assert all(e.end_ordinal >= e.ordinal for e in entries)
    # The in-force edition still has the old text and the removed node; nodes are never deleted.
    assert queries.entry_of(in_force, queries.node_by_key("ga/3/3.1")) is not None
    with pytest.raises(ops.TextStoreError, match="already taken"):
        ops.insert_node(
            draft,
            key="ga/3/3.1",
            parent=queries.node_by_key("ga/3/s-a"),
            after=None,
            kind="standard",
            number="3.0",
            text="Reusing a key",
        )


def test_compare_counts_changed_added_and_removed(small_app):
    _work, in_force, draft = _work_and_editions()
    node = queries.node_by_key("ga/3/3.2")
    current = ops.current_revision(draft, node)
    ops.revise(
        draft,
        node,
        expected_revision_id=current.id,
        text="Customs shall publish and keep up to date the hours of business of its offices.",
    )
    ops.insert_node(
        draft,
        key="ga/3/3.5",
        parent=queries.node_by_key("ga/3/s-b"),
        after=queries.node_by_key("ga/3/3.4"),
        kind="standard",
        number="3.5",
        text="New rule.",
    )
    ops.remove_node(draft, queries.node_by_key("ga/3/3.3"))
    db.session.commit()
    result = queries.compare(in_force, draft)
    assert result.counts["changed"] == 1
    assert result.counts["added"] == 1
    assert result.counts["removed"] == 1
    changed = next(r for r in result.rows if r.status == "changed")
    assert changed.item.key == "ga/3/3.2"
    assert '<ins class="redline-ins">and keep up to date </ins>' in str(changed.redline) or (
        "and keep up to date" in str(changed.redline) and "<ins" in str(changed.redline)
    )
    removed = next(r for r in result.rows if r.status == "removed")
    keys = [r.item.key for r in result.rows]
    assert keys.index("ga/3/3.2") < keys.index(removed.item.key) < keys.index("ga/3/3.4")
    scoped = queries.compare(in_force, draft, node=queries.node_by_key("ga/2"))
    assert scoped.changed_rows == []


def test_point_in_time_picks_the_latest_edition_in_force(small_app):
    work, in_force, draft = _work_and_editions()
    node = queries.node_by_key("ga/3/3.1")
    ops.revise(
        draft, node, expected_revision_id=ops.current_revision(draft, node).id, text="2030 text."
    )
    ops.freeze(draft, adopted_on=date(2029, 6, 1), in_force_from=date(2030, 1, 1))
    db.session.commit()
    assert queries.in_force_on(work, date(2006, 2, 2)) is None
    assert queries.in_force_on(work, date(2006, 2, 3)).id == in_force.id
    assert queries.in_force_on(work, date(2029, 12, 31)).id == in_force.id
    assert queries.in_force_on(work, date(2030, 1, 1)).id == draft.id
    states = {v.edition.slug: v.state for v in queries.edition_views(work, date(2026, 11, 26))}
    assert states == {"2006": "in_force", "review-draft": "prospective"}
    states = {v.edition.slug: v.state for v in queries.edition_views(work, date(2031, 1, 1))}
    assert states == {"2006": "superseded", "review-draft": "in_force"}


def test_history_lists_each_distinct_revision_with_its_editions(small_app):
    _work, _in_force, draft = _work_and_editions()
    node = queries.node_by_key("ga/3/3.1")
    ops.revise(
        draft,
        node,
        expected_revision_id=ops.current_revision(draft, node).id,
        text="Second wording.",
    )
    ops.freeze(draft, adopted_on=date(2026, 6, 1), in_force_from=date(2027, 1, 1))
    db.session.commit()
    steps = queries.history(node)
    assert [s.revision.text for s in steps][1] == "Second wording."
    assert [e.slug for e in steps[0].editions] == ["2006"]
    assert [e.slug for e in steps[1].editions] == ["review-draft"]
    assert steps[1].changes == ["text"]
    assert "<del" in str(steps[1].redline)
    assert "<ins" in str(steps[1].redline)


def test_reading_an_edition_does_not_depend_on_history(small_app):
    """The read path is a manifest range scan: it touches one entry per unit, never older ones."""
    _work, in_force, draft = _work_and_editions()
    node = queries.node_by_key("ga/3/3.1")
    for n in range(30):
        current = ops.current_revision(draft, node)
        ops.revise(draft, node, expected_revision_id=current.id, text=f"Wording number {n}.")
    db.session.commit()
    entry = queries.entry_of(draft, queries.node_by_key("ga/3"))
    units = queries.subtree(draft, entry)
    assert len(units) == 8
    assert next(u for u in units if u.key == "ga/3/3.1").text == "Wording number 29."
    assert db.session.scalar(
        select(func.count()).select_from(EditionEntry).where(EditionEntry.edition_id == draft.id)
    ) == db.session.scalar(
        select(func.count()).select_from(EditionEntry).where(EditionEntry.edition_id == in_force.id)
    )


def test_edition_slugs_and_dates_are_checked(small_app):
    _work, in_force, draft = _work_and_editions()
    with pytest.raises(ops.TextStoreError, match="already used"):
        ops.open_draft(in_force, slug="review-draft", title="Again")
    with pytest.raises(ops.TextStoreError, match="lower-case"):
        ops.open_draft(in_force, slug="Bad Slug", title="Bad")
    with pytest.raises(ops.TextStoreError, match="before the adoption date"):
        ops.freeze(draft, adopted_on=date(2027, 1, 1), in_force_from=date(2026, 1, 1))
    assert db.session.get(Edition, draft.id).status is EditionStatus.WORKING_DRAFT


def test_loading_twice_is_refused(small_app):
    from rkc.convention.corpus import load_corpus

    from ..conftest import SMALL_CORPUS

    with pytest.raises(ops.TextStoreError, match="already holds works"):
        ops.load_corpus(load_corpus(SMALL_CORPUS))
