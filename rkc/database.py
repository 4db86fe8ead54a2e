"""Binding the database: engine settings per dialect and the transaction boundary.

One transaction per request or command: operations only flush; `commit_or_rollback` (used by
views that write) and the CLI commit at the boundary, and Flask-SQLAlchemy's teardown drops
anything left uncommitted.
"""

from __future__ import annotations

import enum
from contextvars import ContextVar

from flask import Flask, g, request
from sqlalchemy import Enum, event
from sqlalchemy.engine import Engine

from rkc.extensions import db

#: Set for requests that may write. On SQLite their transaction starts with BEGIN IMMEDIATE:
#: writers then queue on the write lock (busy timeout) instead of failing when a snapshot
#: taken by an earlier read has gone stale under them; the second of two racing writers
#: starts after the first commits, sees its work, and gets a clean conflict, not an error.
write_intent: ContextVar[bool] = ContextVar("rkc_write_intent", default=False)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

#: The largest row id: PostgreSQL's `integer` (SQLite's 2^63 - 1 is larger; the smaller wins).
#: A number beyond it names no row, and asking the database for it would fail (out of range).
MAX_ID = 2**31 - 1


def text_enum(cls: type[enum.Enum], length: int = 20) -> Enum:
    """A column of an enumeration stored as its values' text (no database enum type), checked
    on the way in, so that both engines hold the same strings and a migration adds a member
    without altering a type."""
    return Enum(
        cls,
        native_enum=False,
        length=length,
        validate_strings=True,
        values_callable=lambda e: [m.value for m in e],
    )


def as_id(raw: str | None) -> int | None:
    """`raw` as a row id if it is one (ASCII digits, 1 to MAX_ID), else None: for ids that come
    in query strings, forms and mixed identifiers (routes use the `id` converter, rkc.web)."""
    if not raw or not raw.isascii() or not raw.isdigit():
        return None
    number = int(raw)
    return number if 1 <= number <= MAX_ID else None


def init_database(app: Flask) -> None:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if url.startswith("sqlite"):
        # Each connection waits for a lock rather than failing at once.
        options.setdefault("connect_args", {}).setdefault("timeout", 30)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)

    # Registered before every other hook, so it runs before anything touches the database.
    @app.before_request
    def _declare_write_intent() -> None:
        if request.method not in SAFE_METHODS:
            g.rkc_write_intent_token = write_intent.set(True)

    @app.teardown_request
    def _clear_write_intent(_error: BaseException | None) -> None:
        token = g.pop("rkc_write_intent_token", None)
        if token is not None:
            write_intent.reset(token)

    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
            # pysqlite's own transaction handling is switched off; we emit BEGIN ourselves so
            # that a request's reads and writes share one snapshot (IMMEDIATE for writers).
            event.listen(engine, "begin", _sqlite_begin)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # Python's sqlite3 opens transactions itself; we let SQLAlchemy's "begin" event do it.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection) -> None:  # type: ignore[no-untyped-def]
    connection.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")


def is_sqlite(engine: Engine | None = None) -> bool:
    return (engine or db.engine).dialect.name == "sqlite"
