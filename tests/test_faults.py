"""Faults: a server killed mid-merge, a database that cannot be written or reached, a lost
connection. The long versions are `python -m bench.faults kills --rounds 20` and
`python -m bench.faults pg-restart` (bench/faults.py), never part of this run.

Each test works on whichever database the suite runs on (SQLite by default, PostgreSQL with
RKC_TEST_DATABASE_URL) and breaks it the way that database breaks: a SQLite file opened
read-only or in a directory that is not there; a PostgreSQL database set read-only, a port
nothing listens on, connections terminated by the server.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bench import faults
from bench import load as load_run
from rkc.amendments.models import Amendment, AmendmentRevision
from rkc.audit import Actor, acting_as
from rkc.audit.models import AuditEvent
from rkc.auth import operations as auth_ops
from rkc.convention.models import EditionEntry, Revision
from rkc.extensions import db
from rkc.search.models import SearchChange

from .conftest import PG_URL, make_app
from .helpers import create_people, log_in, user

PROPOSE = "/amendments/propose/ga/3/3.4"
CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


# --------------------------------------------------------------------------- SIGKILL mid-merge


def test_sigkill_in_the_middle_of_merges_leaves_them_whole(app: Flask, tmp_path: Path) -> None:
    """Three kills of the whole server (SIGKILL, master and workers): while a merge's
    transaction is open, while the index is written after a committed merge, and at a random
    moment. Each batch is merged whole or not at all, and the index catches up at restart."""
    cast = load_run.prepare(app, load_run.Plan(delegates=1, secretariat=2))
    run = faults.kill_rounds(
        app,
        cast,
        app.config["SQLALCHEMY_DATABASE_URI"],
        tmp_path / "index",
        tmp_path,
        rounds=3,
        batch_size=8,
    )
    assert run.problems == [], "\n".join(f"{p.invariant}: {p.message}" for p in run.problems)
    in_transaction, in_index, _anywhere = run.rounds
    assert (in_transaction.mode, in_transaction.caught) == ("transaction", True)
    assert (in_transaction.status, in_transaction.merged) == (0, 0)  # died: nothing merged
    assert (in_index.mode, in_index.caught) == ("index", True)
    # Committed but never answered: merged whole, and the index caught up after the restart.
    assert (in_index.status, in_index.merged) == (0, len(in_index.batch))
    assert all(r.whole for r in run.rounds)


# --------------------------------------------------------------------------- broken databases


def _snapshot() -> dict[str, int]:
    """Row counts of what a write would touch (compared before and after)."""
    db.session.rollback()
    tables = (Amendment, AmendmentRevision, AuditEvent, Revision, EditionEntry, SearchChange)
    return {
        t.__tablename__: db.session.scalar(select(func.count()).select_from(t)) or 0 for t in tables
    }


def _member(app: Flask) -> tuple[FlaskClient, str, dict[str, str]]:
    """delegate-a logged in on the working app, an API token of theirs, and a proposal form."""
    people = create_people()
    with acting_as(Actor(None, "test-setup", "system")):
        _token, secret = auth_ops.issue_token(user(people["delegate_a"]), "reader")
    db.session.commit()
    client = app.test_client()
    assert log_in(client, "delegate-a").status_code == 302
    page = client.get(PROPOSE).get_data(as_text=True)
    base = re.search(r'name="base_revision_id" value="(\d+)"', page)
    token = CSRF.search(page)
    assert base
    assert token
    form = {
        "csrf_token": token.group(1),
        "change": "modify",
        "base_revision_id": base.group(1),
        "text": "The Customs shall accept a declaration in any form.",
        "justification": "Simpler.",
        "action": "save",
    }
    return client, secret, form


def _twin(client: FlaskClient, app: Flask) -> FlaskClient:
    """A client of `app` with the session of `client` (same secret key: the cookie holds)."""
    other = app.test_client()
    cookie = client.get_cookie("session")
    assert cookie is not None
    other.set_cookie("session", cookie.value)
    return other


@contextmanager
def read_only(url: str, tmp_path: Path) -> Iterator[Flask]:
    """An app on the same database, which it can read but not write."""
    if PG_URL:
        name = make_url(url).database
        admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
        try:
            yield make_app(url, tmp_path / "ro-instance")  # NullPool: every request reconnects
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'ALTER DATABASE "{name}" RESET default_transaction_read_only'))
            admin.dispose()
    else:
        path = make_url(url).database
        yield make_app(f"sqlite:///file:{path}?mode=ro&uri=true", tmp_path / "ro-instance")


def _unavailable_page(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    page = response.get_data(as_text=True)
    assert "Service unavailable" in page
    assert "Nothing was half-written" in page


def test_a_read_only_database_refuses_writes_with_503_and_keeps_serving_reads(
    app: Flask, tmp_path: Path
) -> None:
    client, secret, form = _member(app)
    before = _snapshot()
    with read_only(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path) as ro_app:
        member = _twin(client, ro_app)
        _unavailable_page(member.post(PROPOSE, data=form))
        # Readers and API clients go on reading; the token's last-used time is bookkeeping.
        assert member.get("/n/ga/3").status_code == 200
        assert ro_app.test_client().get("/n/ga/3/3.4").status_code == 200
        api = ro_app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
        assert api.status_code == 200
        assert api.get_json()["username"] == "delegate-a"
        assert ro_app.test_client().get("/healthz").status_code == 200
    assert _snapshot() == before
    # Writable again, the same form goes through.
    assert client.post(PROPOSE, data=form).status_code == 302


def _unreachable(url: str, tmp_path: Path) -> str:
    if PG_URL:
        return make_url(url).set(port=1).render_as_string(hide_password=False)
    return f"sqlite:///{tmp_path / 'no-such-directory' / 'rkc.sqlite3'}"


def test_an_unreachable_database_gives_a_clear_503_page_and_json(
    app: Flask, tmp_path: Path
) -> None:
    client, secret, form = _member(app)
    before = _snapshot()
    gone = make_app(_unreachable(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path), tmp_path / "x")
    anonymous = gone.test_client()
    member = _twin(client, gone)
    _unavailable_page(anonymous.get("/n/ga/3"))
    _unavailable_page(member.get("/n/ga/3"))  # drawing the page for a member needs the database
    _unavailable_page(member.post(PROPOSE, data=form))
    for answer in (
        anonymous.get("/api/v1/works"),
        anonymous.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}),
    ):
        assert answer.status_code == 503
        assert answer.get_json()["error"] == "Service Unavailable"
    health = anonymous.get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["status"] == "unavailable"
    assert _snapshot() == before


def test_the_app_rides_out_a_database_interruption_without_restart(
    app: Flask, tmp_path: Path
) -> None:
    """PostgreSQL: every connection of the app's pool is terminated by the server; the next
    requests (a read and a write) are served on new connections (pool_pre_ping). SQLite: the
    file is locked by another writer for a moment; the write waits for it and goes through."""
    client, _secret, form = _member(app)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    pooled = make_app(url, tmp_path / "pooled", SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True})
    member = _twin(client, pooled)
    assert member.get("/n/ga/3/3.1").status_code == 200  # the pool now holds a connection
    if PG_URL:
        name = make_url(url).database
        admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            ended = conn.scalar(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
        admin.dispose()
        assert ended >= 1
        assert member.get("/n/ga/3/3.2").status_code == 200
        assert member.post(PROPOSE, data=form).status_code == 302
    else:
        path = make_url(url).database
        assert path is not None
        blocker = sqlite3.connect(path, isolation_level=None)
        blocker.execute("BEGIN EXCLUSIVE")
        answers: list[int] = []
        writer = threading.Thread(
            target=lambda: answers.append(member.post(PROPOSE, data=form).status_code)
        )
        writer.start()
        writer.join(timeout=0.5)
        assert writer.is_alive()  # it cannot finish while the file is locked: it waits
        blocker.execute("COMMIT")
        blocker.close()
        writer.join(timeout=60)
        assert answers == [302]
    with pooled.app_context():
        db.engine.dispose()
