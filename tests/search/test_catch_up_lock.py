"""The index catch-up after a commit reads the database without taking its write lock.

A request that writes begins its SQLite transactions with BEGIN IMMEDIATE (rkc/database.py).
The catch-up that runs after its commit only reads: it must begin plainly, or every other
writer waits while the documents are read (found by the load run, bench/load.py).
"""

from __future__ import annotations

from sqlalchemy import event, func, select

from rkc.database import write_intent
from rkc.extensions import db
from rkc.search import search_index
from rkc.search.models import SearchChange

from .conftest import revise_in_draft


def test_the_catch_up_after_a_write_takes_no_write_lock(small_app) -> None:  # type: ignore[no-untyped-def]
    index = search_index()
    index.rebuild(db.engine)
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement.strip().upper())

    token = write_intent.set(True)  # as in a POST request
    try:
        db.session.execute(select(func.count(SearchChange.id)))  # the request's own transaction
        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            revise_in_draft("ga/3/3.1", "Customs formalities shall be simple and quick.")
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)
    finally:
        write_intent.reset(token)

    last = db.session.scalar(select(func.max(SearchChange.id)))
    assert index.state().applied_through == last  # it did catch up, after the commit
    assert "BEGIN IMMEDIATE" not in statements
    if db.engine.dialect.name == "sqlite":
        assert "BEGIN" in statements  # the catch-up's own read transaction
