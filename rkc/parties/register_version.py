"""The party register's version, for pages drawn from it (a party's binding text, the matrix).

A counter in one row (`register_version`), raised in the transaction of every change to a
party, one of its events or one of its reservations: the session's `before_flush` sees the
ORM objects, `do_orm_execute` the bulk statements on their tables. Raising it is an upsert of
that row (made by the first change, raised by every later one), so the writers of the
register wait for each other there and the counter moves in commit order: a reader who sees a
value sees every change made before it (a plain `max(id)` of an insert-only log would not, on
PostgreSQL, where a transaction can commit after one that took a larger id). A restored
backup brings its own row. Reading pages key their ETag and page cache on it
(`rkc.web.reading_page`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Delete, Insert, Update, event, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from rkc.extensions import db
from rkc.parties.models import Party, PartyEvent, RegisterVersion, Reservation

RAISED = "rkc_register_raised"
_MODELS = (Party, PartyEvent, Reservation)
_TABLES = frozenset(model.__tablename__ for model in _MODELS)
_ROW = 1


def register_version() -> int:
    """The register's version as committed (0 before the first change)."""
    return db.session.scalar(select(RegisterVersion.counter).where(RegisterVersion.id == _ROW)) or 0


def _raise(session: Session) -> None:
    if session.info.get(RAISED):
        return  # once per transaction: other transactions see its changes all at once
    session.info[RAISED] = True
    connection = session.connection()
    table = RegisterVersion.__table__
    # One statement, made or raised: two first changes at once on PostgreSQL would both find
    # no row to update and both insert one (the second failing on the key).
    insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    connection.execute(
        insert(table)
        .values(id=_ROW, counter=1)
        .on_conflict_do_update(index_elements=[table.c.id], set_={"counter": table.c.counter + 1})
    )


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    if any(isinstance(obj, _MODELS) for obj in (*session.new, *session.dirty, *session.deleted)):
        _raise(session)


def _do_orm_execute(state: Any) -> None:
    statement = state.statement
    dml = isinstance(statement, Insert | Update | Delete)
    if dml and getattr(statement.table, "name", None) in _TABLES:
        _raise(state.session)


def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(RAISED, None)


def track(target: Any) -> None:
    """Listen on a session (class, factory or scoped session); idempotent."""
    for name, listener in (
        ("before_flush", _before_flush),
        ("do_orm_execute", _do_orm_execute),
        ("after_commit", _forget),
        ("after_rollback", _forget),
        ("after_soft_rollback", _forget),
    ):
        if not event.contains(target, name, listener):
            event.listen(target, name, listener)


def init_register_version(_app: object) -> None:
    track(db.session)
