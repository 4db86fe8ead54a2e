"""Two writers on one provision at the same moment: one wins, the other is told, nothing is lost.

Real threads, real connections, on SQLite and on PostgreSQL (RKC_TEST_DATABASE_URL).
"""

from __future__ import annotations

import threading

from rkc.convention import operations as ops
from rkc.convention import queries
from rkc.database import write_intent
from rkc.extensions import db


def _race(app, texts: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
    """Every thread revises ga/3/3.1 from the same base revision; returns each one's fate."""
    with app.app_context():
        work = queries.work_by_key("rkc")
        draft = queries.edition_by_slug(work, "review-draft")
        base = ops.current_revision(draft, queries.node_by_key("ga/3/3.1")).id
        db.session.remove()
    barrier = threading.Barrier(len(texts))
    results: list[str] = [""] * len(texts)

    def writer(index: int, text: str) -> None:
        with app.app_context():
            token = write_intent.set(True)  # as a POST request declares it
            try:
                barrier.wait(timeout=10)
                work = queries.work_by_key("rkc")
                draft = queries.edition_by_slug(work, "review-draft")
                node = queries.node_by_key("ga/3/3.1")
                ops.revise(draft, node, expected_revision_id=base, text=text)
                db.session.commit()
                results[index] = "won"
            except ops.StaleRevisionError:
                db.session.rollback()
                results[index] = "conflict"
            except Exception as exc:  # reported, so that the test shows what went wrong
                db.session.rollback()
                results[index] = f"error: {exc!r}"
            finally:
                write_intent.reset(token)
                db.session.remove()

    threads = [threading.Thread(target=writer, args=(i, t)) for i, t in enumerate(texts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_concurrent_writers_one_wins_one_is_told(small_app):
    texts = ["First writer's wording.", "Second writer's wording."]
    results = _race(small_app, texts)
    assert sorted(results) == ["conflict", "won"], results
    winner = texts[results.index("won")]
    with small_app.app_context():
        work = queries.work_by_key("rkc")
        draft = queries.edition_by_slug(work, "review-draft")
        current = ops.current_revision(draft, queries.node_by_key("ga/3/3.1"))
        assert current.text == winner
        db.session.remove()


def test_many_concurrent_writers_exactly_one_wins(small_app):
    texts = [f"Wording number {n}." for n in range(6)]
    results = _race(small_app, texts)
    assert results.count("won") == 1, results
    assert results.count("conflict") == 5, results
