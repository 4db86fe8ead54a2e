"""A short, bounded load run through `rkc serve` (gunicorn), then every invariant.

The same code as `python -m bench.load` (bench/load.py), scaled down: three delegates of two
parties, two Secretariat officers (one supplies an amendment's French, the other checks it) and
two readers, a fixed number of actions each, no pauses.
Nothing here is timed; what is checked is what must hold however fast the machine is: no
answer of 500 or more, every acknowledged write in the database, every merge whole and
traceable to its amendments, the search index equal to the database.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from bench import invariants
from bench import load as load_run
from bench import server as rkc_server
from rkc.convention import operations as text_ops
from rkc.convention import queries
from rkc.extensions import db
from rkc.search.index import SearchIndex

PLAN = load_run.Plan(
    seconds=90, delegates=3, secretariat=2, readers=2, workers=2, think=0, actions=10, seed=3
)


def test_a_short_load_keeps_every_invariant(app: Flask, tmp_path: Path) -> None:
    cast = load_run.prepare(app, PLAN)
    database_url = app.config["SQLALCHEMY_DATABASE_URI"]
    index_dir = tmp_path / "served-index"
    srv = rkc_server.start(
        rkc_server.server_environment(database_url, index_dir),
        tmp_path / "serve.log",
        workers=PLAN.workers,
    )
    try:
        world = load_run.run(srv.url, cast, PLAN)
        settled = load_run.settle(srv.url)
        assert settled.status == 200, settled.error
    finally:
        srv.stop()

    kinds = [ack.kind for ack in world.acks]
    assert {"amendment", "status", "merge"} <= set(kinds), (kinds, world.outcomes)
    report = invariants.check_all(db.engine, index_dir, acks=world.acks, outcomes=world.outcomes)
    assert report.ok, "\n".join(report.lines())
    assert report.checked["merges traceable"] >= 1


def test_the_checker_sees_a_lost_write_and_a_stale_index(app: Flask, tmp_path: Path) -> None:
    """The invariants can fail: an acknowledgement of something that is not in the database,
    and an index that lags behind the change log, are both reported."""
    phantom = invariants.Ack("comment", amendment_id=1, marker="ldm999x0001", comment_id=999_999)
    lost = invariants.acknowledged_writes(db.session.connection(), [phantom])
    assert [p.invariant for p in lost] == ["no lost update"]

    index = SearchIndex(tmp_path / "index")
    index.rebuild(db.engine)
    assert invariants.index_matches(db.session.connection(), index) == []
    work = queries.work_by_key("rkc")
    assert work is not None
    draft = next(e for e in queries.editions_of(work, include_drafts=True) if not e.is_frozen)
    node = queries.node_by_key("ga/3/3.1")
    assert node is not None
    current = text_ops.current_revision(draft, node)
    assert current is not None
    text_ops.revise(draft, node, expected_revision_id=current.id, text=current.text + " Amended.")
    db.session.commit()  # the app's own index catches up after commit; this one is left behind

    problems = invariants.index_matches(db.session.connection(), index)
    messages = " ".join(p.message for p in problems)
    assert "applied the change log through" in messages
    assert "not indexed" in messages
    db.session.rollback()
