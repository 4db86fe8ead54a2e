"""Every page reaches the manifests (edition_entry) through an edition, never by a scan.

The manifests hold one row per unit, language and edition: on a store with a thousand
editions, a query that scans them reads millions of rows. Since migration 0018 no index leads
with the node or the revision (it made opening a draft grow with editions times units), so a
query that asks about a unit across editions must loop over the editions and look each one up
by the primary key. This test asks SQLite's planner how each statement that the matrix's
pages send reads edition_entry, and refuses any plan that reads it without an edition.

It runs on an SQLite database of its own whichever database the suite runs on: what it
checks is the shape of the queries, which is the same on both engines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import event

from rkc.extensions import db

from ..auth.test_matrix import MATRIX, _client_for, _setup
from ..conftest import SMALL_CORPUS, build_database, make_app

#: A plan step on edition_entry (or an alias of it, edition_entry_1, ...).
_STEP = re.compile(r"^(?P<how>SCAN|SEARCH) (?P<table>edition_entry\w*)\b(?P<rest>.*)$")


def unscoped_reads(plan: list[str]) -> list[str]:
    """The steps of an SQLite query plan that read edition_entry other than by edition."""
    bad = []
    for step in plan:
        found = _STEP.match(step)
        if found and (found["how"] == "SCAN" or "(edition_id=" not in found["rest"]):
            bad.append(step)
    return bad


def test_the_check_tells_a_scan_from_a_lookup_by_edition():
    assert (
        unscoped_reads(
            [
                "SEARCH edition USING INTEGER PRIMARY KEY (rowid=?)",
                "SEARCH edition_entry USING INDEX sqlite_autoindex_edition_entry_1 "
                "(edition_id=? AND node_id=? AND language=?)",
            ]
        )
        == []
    )
    assert unscoped_reads(["SCAN edition_entry"]) == ["SCAN edition_entry"]
    assert unscoped_reads(
        ["SCAN edition_entry_1 USING COVERING INDEX sqlite_autoindex_edition_entry_1"]
    ) == ["SCAN edition_entry_1 USING COVERING INDEX sqlite_autoindex_edition_entry_1"]


@pytest.fixture
def sqlite_app(tmp_path: Path) -> Iterator[Flask]:
    url = f"sqlite:///{tmp_path / 'manifests.sqlite3'}"
    app = make_app(url, tmp_path / "instance")
    twin = make_app(url, tmp_path / "instance")
    with twin.app_context():
        build_database(twin, SMALL_CORPUS)
        yield app
        db.session.remove()
        db.engine.dispose()
    with app.app_context():
        db.engine.dispose()


def test_no_page_reads_the_manifests_without_an_edition(sqlite_app):
    people, secrets, ctx = _setup()
    found: dict[str, list[str]] = {}

    def explain(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if executemany or "edition_entry" not in statement:
            return
        if not statement.lstrip().upper().startswith(("SELECT", "WITH", "UPDATE", "DELETE")):
            return
        raw = conn.connection.dbapi_connection.cursor()
        try:
            plan = [row[-1] for row in raw.execute("EXPLAIN QUERY PLAN " + statement, parameters)]
        finally:
            raw.close()
        if bad := unscoped_reads(plan):
            found.setdefault(" ".join(statement.split())[:300], bad)

    with sqlite_app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", explain)
    try:
        visited = 0
        for role in ("anonymous", "delegate_a", "secretariat"):
            client, api_headers = _client_for(sqlite_app, people, secrets, role)
            for _endpoint, method, url, _allowed in MATRIX:
                target = url(ctx) if callable(url) else url
                if method != "GET":
                    continue
                headers = api_headers if target.startswith("/api/") else {}
                assert client.get(target, headers=headers).status_code < 500, target
                visited += 1
    finally:
        event.remove(engine, "before_cursor_execute", explain)
    assert visited > 100
    assert found == {}
