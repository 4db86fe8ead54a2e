"""Track text-store writes, log them in the same transaction, apply them after commit.

Three session events feed one set of pending subjects per transaction (in `session.info`):

- `before_flush` sees ORM objects: a new or changed `EditionEntry` names its edition, an
  `Edition` names itself, and (in `after_flush`, once it has an id) a new `Revision` names
  itself.
- `do_orm_execute` sees statements run through `session.execute`: the text store writes
  manifests in bulk (`insert(EditionEntry)` with a list of rows or `from_select` a SELECT
  giving `edition_id` as a literal, `update(...)` and `delete(...)` with `edition_id == ...`
  in their WHERE clause). The edition ids are read from the rows, the literal or the WHERE
  clause; a statement on `edition_entry` that cannot be narrowed down that way logs
  "all", which makes the index reconcile everything. A missed change is the one error this
  module must not make; an extra reconciliation only costs time.
- `before_commit` writes one `search_change` row per subject, in the transaction being
  committed, so the log holds a change if and only if the change itself was committed. On
  PostgreSQL a transaction-scoped advisory lock serialises these writers so that row ids
  follow commit order (the index's watermark relies on it); SQLite serialises writers anyway.

`after_commit` then asks the app's index to catch up. If that fails (the index is busy or
broken, or the process dies first), nothing is lost: the rows wait in the log and the next
search (in any process) applies them.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import event, func, insert, select, text
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.sql import operators
from sqlalchemy.sql.dml import Delete, Insert, Update
from sqlalchemy.sql.elements import BinaryExpression, BindParameter, BooleanClauseList
from sqlalchemy.sql.schema import Column

from rkc.convention.models import Edition, EditionEntry, Revision
from rkc.search.models import SearchChange

log = logging.getLogger(__name__)

PENDING = "rkc_search_pending"
LOGGED = "rkc_search_logged"
#: Any 64-bit number of our own: the advisory lock that orders change-log writers.
ADVISORY_LOCK_KEY = 0x726B635F73726368  # "rkc_srch"

Subject = tuple[str, int | None]


def _pending(session: Session) -> set[Subject]:
    return session.info.setdefault(PENDING, set())


# --------------------------------------------------------------------------- collecting


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    pending = _pending(session)
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, EditionEntry) and obj.edition_id is not None:
            pending.add(("edition", obj.edition_id))
        elif isinstance(obj, EditionEntry):
            pending.add(("all", None))
        elif isinstance(obj, Edition) and obj.id is not None:
            pending.add(("edition", obj.id))


def _after_flush(session: Session, _context: Any) -> None:
    pending = _pending(session)
    for obj in session.new:
        if isinstance(obj, Revision) and obj.id is not None:
            pending.add(("revision", obj.id))
        elif isinstance(obj, Edition) and obj.id is not None:
            pending.add(("edition", obj.id))


def _do_orm_execute(state: Any) -> None:
    statement = state.statement
    if not isinstance(statement, Insert | Update | Delete):
        return
    if getattr(statement.table, "name", None) != EditionEntry.__tablename__:
        return
    editions = _editions_touched(statement, state.parameters)
    pending = _pending(state.session)
    if editions is None:
        pending.add(("all", None))
    else:
        pending.update(("edition", e) for e in editions)


def _editions_touched(statement: Any, parameters: Any) -> set[int] | None:
    """The edition ids a DML statement on edition_entry can touch, or None if unknown."""
    rows = parameters if isinstance(parameters, list | tuple) else [parameters or {}]
    if isinstance(statement, Insert):
        if statement.select is not None:
            return _edition_of_copy(statement)
        found = set()
        values = [dict(r) for r in rows if r]
        values += _inline_values(statement)
        if not values:
            return None
        for row in values:
            value = row.get("edition_id")
            if not isinstance(value, int):
                return None
            found.add(value)
        return found
    # An UPDATE that moves rows to another edition touches both: give up narrowing it down.
    if isinstance(statement, Update) and any(
        _column_name(k) == "edition_id" for k in (statement._values or {})
    ):
        return None
    if any("edition_id" in (r or {}) for r in rows):
        return None
    return _editions_in_where(statement.whereclause, rows)


def _edition_of_copy(statement: Insert) -> set[int] | None:
    """The edition an `INSERT ... SELECT` writes to, when the SELECT gives `edition_id` as a
    literal number (`rkc.convention.operations._copy_manifest`); None otherwise."""
    names = [_column_name(name) for name in statement._select_names or ()]
    if "edition_id" not in names:
        return None
    column = list(statement.select.selected_columns)[names.index("edition_id")]
    value = _bound(getattr(column, "element", column))
    return {value} if isinstance(value, int) and not isinstance(value, bool) else None


def _inline_values(statement: Insert) -> list[dict[str, Any]]:
    rows = []
    if statement._multi_values:
        for group in statement._multi_values:
            rows += [{_column_name(k): _bound(v) for k, v in row.items()} for row in group]
    elif statement._values:
        rows.append({_column_name(k): _bound(v) for k, v in statement._values.items()})
    return rows


def _column_name(key: Any) -> str:
    return key if isinstance(key, str) else getattr(key, "name", str(key))


def _bound(value: Any) -> Any:
    return value.value if isinstance(value, BindParameter) else value


def _editions_in_where(clause: Any, rows: list[Any]) -> set[int] | None:
    """Edition ids from `edition_id == x` or `edition_id IN (...)` ANDed at the top level."""
    if clause is None:
        return None
    terms = (
        list(clause.clauses)
        if isinstance(clause, BooleanClauseList) and clause.operator is operators.and_
        else [clause]
    )
    for term in terms:
        if not isinstance(term, BinaryExpression):
            continue
        left, right = term.left, term.right
        if not (isinstance(left, Column) and left.name == "edition_id"):
            continue
        if getattr(left.table, "name", None) != EditionEntry.__tablename__:
            continue
        if not isinstance(right, BindParameter):
            continue
        value = right.value
        if value is None and right.key:
            value = [r.get(right.key) for r in rows if r]
        values = value if isinstance(value, list | tuple | set) else [value]
        numbers = values and all(isinstance(v, int) for v in values)
        if term.operator in (operators.eq, operators.in_op) and numbers:
            return set(values)
    return None


# --------------------------------------------------------------------------- logging


def _before_commit(session: Session) -> None:
    if not session.info.get(PENDING):
        return
    # Flush first: the commit's own flush comes after this event and may add subjects.
    session.flush()
    pending = session.info.pop(PENDING, set())
    if not pending:
        return
    if ("all", None) in pending:
        pending = {("all", None)}
    bind = session.connection()
    if bind.dialect.name == "postgresql":
        bind.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
    bind.execute(
        insert(SearchChange.__table__),
        [{"subject": s, "subject_id": i} for s, i in sorted(pending, key=_order)],
    )
    session.info[LOGGED] = True


def _order(subject: Subject) -> tuple[str, int]:
    return subject[0], subject[1] or 0


def _after_commit(session: Session) -> None:
    if not session.info.pop(LOGGED, False):
        return
    if not has_app_context():
        return  # a session outside the app: the next search catches up
    from rkc.search import apply_after_commit

    apply_after_commit(current_app._get_current_object())  # type: ignore[attr-defined]


def _after_soft_rollback(session: Session, previous: SessionTransaction) -> None:
    if previous.parent is None:
        session.info.pop(PENDING, None)
        session.info.pop(LOGGED, None)


# --------------------------------------------------------------------------- the store's version


def last_change_id() -> int:
    """The id of the latest committed change-log row: a counter that moves on every committed
    change to the text store (works, nodes, revisions, editions, manifests), in commit order.

    Reading pages use it as the text store's version in their ETags and page cache
    (`rkc.web.reading_page`): one indexed look-up instead of rendering.
    """
    from rkc.extensions import db

    return db.session.scalar(select(func.max(SearchChange.id))) or 0


# --------------------------------------------------------------------------- wiring


_LISTENERS = (
    ("before_flush", _before_flush),
    ("after_flush", _after_flush),
    ("do_orm_execute", _do_orm_execute),
    ("before_commit", _before_commit),
    ("after_commit", _after_commit),
    ("after_soft_rollback", _after_soft_rollback),
)


def track(target: Any) -> None:
    """Listen on a session (class, factory or scoped session); idempotent."""
    for name, listener in _LISTENERS:
        if not event.contains(target, name, listener):
            event.listen(target, name, listener)
