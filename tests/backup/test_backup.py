"""Backup and restore: `rkc export --all FILE`, then `rkc import FILE` into an empty database.

Every table is compared by the same hash on both databases (`database_digests`), so "identical"
means row for row, column for column, ids included. The suites run on SQLite and, with
RKC_TEST_DATABASE_URL, on PostgreSQL; there the round trip also goes through SQLite and back.
"""

from __future__ import annotations

import json
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import column, create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from rkc.amendments import merging
from rkc.amendments.discussion import (
    add_comment,
    answer_co_sponsorship,
    change_position,
    mark_seen,
    request_co_sponsorship,
    take_position,
)
from rkc.amendments.lifecycle import change_status
from rkc.amendments.models import Amendment, AmendmentComment
from rkc.amendments.proposing import propose_modification
from rkc.audit import Actor, acting_as
from rkc.audit.models import AuditEvent
from rkc.auth import operations as auth_ops
from rkc.auth import reset
from rkc.auth.models import User
from rkc.backup.archive import MANIFEST, TableCodec, digest_lines, member_name
from rkc.backup.operations import codecs, database_digests
from rkc.convention import operations as text_ops
from rkc.convention import queries
from rkc.extensions import db
from rkc.parties import operations as party_ops
from rkc.parties.models import Party
from rkc.procedure import operations as procedure_ops
from rkc.review.models import Document

from ..amendments.fixtures import amendment_context
from ..conftest import PG_URL, make_app
from ..helpers import create_people, log_in, party, user
from ..interchange import bombs
from ..parties.fixtures import party_context
from ..review.fixtures import PDF_BYTES, review_context
from ..review.framework_fixtures import framework_context
from ..review.report_fixtures import report_context

SYSTEM = Actor(None, "test-setup", "system")


# --------------------------------------------------------------------------- data in every table


def populate(app: Flask) -> dict[str, int]:
    """Rows in every table, made by the real operations; committed. Returns a few ids.

    An amendment superseded by a later one makes a reference to a row inserted after it.
    """
    people = create_people()
    ids = amendment_context(people)
    ids.update(party_context(people))  # type: ignore[arg-type]
    ids.update(review_context(people))  # a meeting, its agenda and a document with its file
    a, b, c = (user(people[k]) for k in ("delegate_a", "delegate_b", "delegate_c"))
    secretariat = user(people["secretariat"])
    work = queries.work_by_key("rkc")
    draft = queries.edition_by_slug(work, "review-draft")
    with acting_as(SYSTEM):
        auth_ops.issue_token(b, "backup test token")
        c.email = "delegate-c@example.org"
        assert reset.request_reset("delegate-c") is not None  # a live password-reset link
        tabled = db.session.get(Amendment, ids["tabled_id"])
        first = db.session.get(AmendmentComment, ids["comment_id"])
        add_comment(tabled, user=a, body="An answer from A.", reply_to=first)
        request_co_sponsorship(tabled, user=c, note="We would join.")
        answer_co_sponsorship(tabled, party("KHM"), user=a, confirm=True)
        take_position(tabled, user=b, stance="support", statement="Agreed in substance.")
        change_position(tabled, user=b, stance="reservation", statement="On reflection.")
        mark_seen(b)
        # A later amendment supersedes the earlier one: a reference forward in its own table.
        node = queries.node_by_key("ga/3/3.1")
        later = propose_modification(
            draft, node, user=b, text="Customs shall say so.", justification="Simpler."
        )
        change_status(later, "tabled", user=b)
        change_status(
            tabled,
            "superseded",
            user=secretariat,
            reason="See the later text.",
            superseded_by=later,
        )
        # A merge: new revisions with their sources, search changes.
        merged = propose_modification(
            draft,
            queries.node_by_key("ga/3/3.2"),
            user=a,
            text="Customs shall publish its hours of business.",
            justification="Clearer.",
        )
        change_status(merged, "tabled", user=a)
        change_status(merged, "under_discussion", user=secretariat)
        change_status(merged, "agreed", user=secretariat)
        merging.merge(
            draft,
            [merged],
            expected={merged.node_id: text_ops.current_revision(draft, merged.node).id},
            user=secretariat,
        )
        # The procedure: an adopted edition, its recommendation and a response.
        adopted = text_ops.open_draft(
            queries.edition_by_slug(work, "2006"), slug="adopted", title="Adopted text"
        )
        text_ops.freeze(adopted, adopted_on=date(2026, 1, 1))
        recommendation = procedure_ops.recommend(
            adopted,
            procedure="annex",
            session="Management Committee, 30th meeting",
            decided_on=date(2026, 1, 1),
            communicated_on=date(2026, 2, 1),
            note="For the backup test.",
        )
        procedure_ops.record_response(recommendation, party("AUT"), "acceptance", date(2026, 3, 1))
    db.session.commit()
    ids.update(framework_context(people, ids))  # the Four-step Framework's tables
    ids.update(report_context(people, ids))  # a report, its links, a corrigendum, a citation
    client = app.test_client()
    log_in(client, "delegate-a", "not the password")  # a failed log-in is kept too
    db.session.rollback()
    ids["later_id"] = later.id
    return ids


# --------------------------------------------------------------------------- helpers


@contextmanager
def empty_database(kind: str, tmp_path: Path) -> Iterator[str]:
    """A new empty database of `kind` ("sqlite" or "postgresql")."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / f'empty-{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    admin = create_engine(make_url(PG_URL).set(database="postgres"), isolation_level="AUTOCOMMIT")
    name = f"rkc_b{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def export(app: Flask, archive: Path) -> None:
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["export", "--all", str(archive)])
        db.engine.dispose()
    assert result.exit_code == 0, result.output
    assert "rows in" in result.output


@contextmanager
def target_app(url: str, instance: Path) -> Iterator[Flask]:
    """An app on `url`, inside its app context."""
    app = make_app(url, instance)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def restore(app: Flask, archive: Path):  # type: ignore[no-untyped-def]
    """`rkc import ARCHIVE` on `app` (whose context is pushed)."""
    return app.test_cli_runner().invoke(args=["import", str(archive)])


def audit_digest(through_id: int) -> tuple[int, str]:
    """The audit log's (rows, sha256) up to an id, computed as `database_digests` does."""
    codec = TableCodec(AuditEvent.__table__)
    with db.engine.connect() as conn:
        rows = conn.execute(
            codec.select_in_order(conn.dialect.name).where(column("id") <= through_id)
        )
        return digest_lines(codec.line(row) for row in rows)


def rewrite(archive: Path, target: Path, *, manifest=None, table=None) -> None:  # type: ignore[no-untyped-def]
    """Copy an archive, changing its manifest and/or one table's lines on the way."""
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(target, "w") as out:
        data = json.loads(source.read(MANIFEST))
        for entry in data["tables"]:
            name = member_name(entry["name"])
            content = source.read(name)
            if table is not None and table[0] == entry["name"]:
                content = table[1](content)
                entry["rows"], entry["sha256"] = digest_lines(iter(content.splitlines(True)))
            out.writestr(name, content)
        if manifest is not None:
            manifest(data)
        out.writestr(MANIFEST, json.dumps(data))


def _user_named(username: str) -> User:
    found = db.session.scalar(select(User).where(User.username == username))
    assert found is not None
    return found


def table_names() -> set[str]:
    return set(inspect(db.engine).get_table_names())


def row_counts() -> dict[str, int]:
    with db.engine.connect() as conn:
        return {
            c.name: conn.execute(select(func.count()).select_from(c.table)).scalar_one()
            for c in codecs()
        }


# --------------------------------------------------------------------------- round trips


def test_a_restore_gives_back_every_table_row_for_row(small_app, tmp_path):
    ids = populate(small_app)
    source = database_digests()
    empty = [name for name, (rows, _sha) in source.items() if rows == 0]
    assert empty == [], "populate() must put rows in every table"
    last_event = db.session.scalar(select(func.max(AuditEvent.id)))
    archive = tmp_path / "rkc.backup"
    export(small_app, archive)

    kind = "postgresql" if PG_URL else "sqlite"
    with empty_database(kind, tmp_path) as url, target_app(url, tmp_path / "target") as target:
        result = restore(target, archive)
        assert result.exit_code == 0, result.output
        assert "every table's hash matches the archive" in result.output
        restored = database_digests()
        # Every table identical, the audit log up to the restore itself included ...
        assert {k: v for k, v in restored.items() if k != "audit_event"} == {
            k: v for k, v in source.items() if k != "audit_event"
        }
        assert audit_digest(last_event) == source["audit_event"]
        # ... which appends exactly one event after the log it restored.
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.id > last_event)).all()
        assert [e.action for e in events] == ["backup.restore"]
        assert json.loads(events[0].detail)["rows"] == sum(rows for rows, _ in source.values())
        # Ids are kept: the superseded amendment still points at the later one.
        superseded = db.session.get(Amendment, ids["tabled_id"])
        assert superseded.superseded_by_id == ids["later_id"]
        assert superseded.status.value == "superseded"
        # A registered document's file comes back byte for byte.
        document = db.session.get(Document, ids["document_id"])
        assert document.content == PDF_BYTES
        # The search index was rebuilt from the restored text.
        check = target.test_cli_runner().invoke(args=["reindex", "--check"])
        assert check.exit_code == 0, check.output
        assert target.test_client().get("/search?q=customs").status_code == 200


def test_new_rows_after_a_restore_take_new_ids(small_app, tmp_path):
    populate(small_app)
    archive = tmp_path / "rkc.backup"
    export(small_app, archive)
    kind = "postgresql" if PG_URL else "sqlite"
    with empty_database(kind, tmp_path) as url, target_app(url, tmp_path / "target") as target:
        assert restore(target, archive).exit_code == 0
        highest_party = db.session.scalar(select(func.max(Party.id)))
        highest_event = db.session.scalar(select(func.max(AuditEvent.id)))
        with acting_as(SYSTEM):
            created = party_ops.create_party(name="A new party", iso3="ZZZ")
            amendment = db.session.scalar(select(Amendment).order_by(Amendment.id.desc()))
            comment = add_comment(
                amendment, user=_user_named("secretariat"), body="After the restore."
            )
        db.session.commit()  # PostgreSQL: would collide with a restored id without setval
        assert created.id == highest_party + 1
        assert comment.id > 1
        assert db.session.scalar(select(func.max(AuditEvent.id))) > highest_event


def test_a_round_trip_through_the_other_engine_and_back(small_app, tmp_path):
    """On PostgreSQL: PostgreSQL -> SQLite -> PostgreSQL (both directions between engines).

    On SQLite alone (no RKC_TEST_DATABASE_URL) the other engine is SQLite too.
    """
    populate(small_app)
    source = database_digests()
    last_event = db.session.scalar(select(func.max(AuditEvent.id)))
    here, other = ("postgresql", "sqlite") if PG_URL else ("sqlite", "sqlite")
    first, second = tmp_path / "first.backup", tmp_path / "second.backup"
    export(small_app, first)
    with empty_database(other, tmp_path) as url:
        with target_app(url, tmp_path / "middle") as middle:
            assert middle.extensions["sqlalchemy"].engines[None].dialect.name == other
            assert restore(middle, first).exit_code == 0
            export(middle, second)
        with (
            empty_database(here, tmp_path) as back_url,
            target_app(back_url, tmp_path / "back") as back,
        ):
            result = restore(back, second)
            assert result.exit_code == 0, result.output
            restored = database_digests()
            assert {k: v for k, v in restored.items() if k != "audit_event"} == {
                k: v for k, v in source.items() if k != "audit_event"
            }
            assert audit_digest(last_event) == source["audit_event"]
            # The original log, then one restore event per restore (middle, then back).
            actions = db.session.scalars(
                select(AuditEvent.action).where(AuditEvent.id > last_event).order_by(AuditEvent.id)
            ).all()
            assert actions == ["backup.restore", "backup.restore"]


# --------------------------------------------------------------------------- refusals


def test_a_database_that_holds_data_is_refused(small_app, tmp_path):
    populate(small_app)
    archive = tmp_path / "rkc.backup"
    export(small_app, archive)
    before = database_digests()
    result = small_app.test_cli_runner().invoke(args=["import", str(archive)])
    assert result.exit_code == 1
    assert "the database is not empty" in result.output
    assert "edition (" in result.output  # says what it holds
    assert database_digests() == before


@pytest.fixture
def archive(small_app, tmp_path) -> Path:  # type: ignore[no-untyped-def]
    populate(small_app)
    path = tmp_path / "rkc.backup"
    export(small_app, path)
    return path


def _refused(url: str, instance: Path, archive: Path, message: str) -> set[str]:
    """Restore into `url`, expect a refusal saying `message`; return the tables left there."""
    with target_app(url, instance) as target:
        result = restore(target, archive)
        assert result.exit_code == 1, result.output
        assert message in result.output
        assert "nothing was stored" in result.output
        assert "Traceback" not in result.output
        return table_names()


def test_another_schema_revision_is_refused_before_anything_is_touched(
    archive, empty_database, tmp_path
):
    old = tmp_path / "old.backup"
    rewrite(archive, old, manifest=lambda m: m.update(schema_revision="0005"))
    tables = _refused(empty_database, tmp_path / "t", old, "written at schema revision 0005")
    assert tables == set()  # not even migrated


def test_a_damaged_archive_is_refused_before_anything_is_touched(archive, empty_database, tmp_path):
    damaged = tmp_path / "damaged.backup"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(damaged, "w") as out:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == member_name("party"):
                content = content.replace(b"Test party AUT", b"Test party XXX")
            out.writestr(info, content)
    tables = _refused(
        empty_database, tmp_path / "t", damaged, "tables/party.jsonl does not match the manifest"
    )
    assert tables == set()


@pytest.mark.parametrize(
    "data",
    [b"", b"PK\x03\x04 not really a zip", b"\x00" * 64, b'{"format": "rkc-backup"}'],
    ids=["empty", "broken-zip", "zeros", "json"],
)
def test_a_file_that_is_not_an_archive_is_refused(data, empty_database, tmp_path):
    path = tmp_path / "not.backup"
    path.write_bytes(data)
    assert _refused(empty_database, tmp_path / "t", path, "not an rkc backup") == set()


def test_a_row_the_database_refuses_rolls_back_every_row(archive, empty_database, tmp_path):
    """A consistent archive (hashes recomputed) whose last table breaks a foreign key."""

    def dangling(content: bytes) -> bytes:
        lines = content.splitlines(True)
        row = json.loads(lines[-1])
        row["id"] += 1000
        row["position_id"] = 987654  # no such position
        return b"".join([*lines, (json.dumps(row, separators=(",", ":")) + "\n").encode()])

    broken = tmp_path / "broken.backup"
    rewrite(archive, broken, table=("amendment_position_change", dangling))
    with target_app(empty_database, tmp_path / "t") as target:
        result = restore(target, broken)
        assert result.exit_code == 1, result.output
        assert "table amendment_position_change: the database refused a row" in result.output
        assert "nothing was stored" in result.output
        counts = row_counts()  # the schema is there (migrated first), and not one row
        assert counts
        assert set(counts.values()) == {0}


def test_a_row_of_the_wrong_shape_is_refused_with_its_line(archive, empty_database, tmp_path):
    def wrong(content: bytes) -> bytes:
        lines = content.splitlines(True)
        row = json.loads(lines[0])
        row["kind"] = "kingdom"  # not a PartyKind
        lines[0] = (json.dumps(row, separators=(",", ":")) + "\n").encode()
        return b"".join(lines)

    broken = tmp_path / "broken.backup"
    rewrite(archive, broken, table=("party", wrong))
    with target_app(empty_database, tmp_path / "t") as target:
        result = restore(target, broken)
        assert result.exit_code == 1, result.output
        assert "tables/party.jsonl line 1: column kind: 'kingdom'" in result.output
        assert set(row_counts().values()) == {0}


def test_the_restored_audit_log_is_still_append_only(archive, empty_database, tmp_path):
    with target_app(empty_database, tmp_path / "t") as target:
        assert restore(target, archive).exit_code == 0
        # The database triggers refuse it (the migration made them before the rows went in).
        for statement in ("UPDATE audit_event SET action = 'edited'", "DELETE FROM audit_event"):
            with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
                conn.execute(text(statement))


def test_import_options_that_belong_to_word_and_akn_are_refused_for_an_archive(
    archive, empty_database, tmp_path
):
    with target_app(empty_database, tmp_path / "t") as target:
        runner = target.test_cli_runner()
        result = runner.invoke(args=["import", str(archive), "--base", "2006"])
        assert result.exit_code == 1
        assert "restored whole" in result.output
        result = runner.invoke(args=["import", "akn", str(archive)])
        assert result.exit_code == 1
        assert "needs --base, --slug, --title" in result.output
        result = runner.invoke(args=["import", "odt", str(archive)])
        assert result.exit_code == 1
        assert "unknown format 'odt'" in result.output
        assert table_names() == set()


# --------------------------------------------------------------------------- hostile archives


def rebuilt(archive: Path, target: Path, members: dict[str, tuple[str, bytes, int, int]]) -> Path:
    """A copy of `archive` written by hand, some members replaced by `bombs.raw_zip` ones."""
    with zipfile.ZipFile(archive) as source:
        kept = [
            members.pop(name, None) or bombs.member_of(name, source.read(name))
            for name in source.namelist()
        ]
    target.write_bytes(bombs.raw_zip(kept + list(members.values())))
    return target


def lying_manifest(archive: Path, target: Path, total: int) -> Path:
    """The archive with a manifest whose headers claim its true size but whose stream is the
    manifest followed by whitespace to `total` bytes (still valid JSON)."""
    with zipfile.ZipFile(archive) as source:
        real = source.read(MANIFEST)
    stream, crc, _size = bombs.deflated(real, b" ", total)
    return rebuilt(archive, target, {MANIFEST: (MANIFEST, stream, crc, len(real))})


def test_a_manifest_whose_headers_lie_is_refused_after_the_bytes_they_claim(
    archive, empty_database, tmp_path
):
    bomb = lying_manifest(archive, tmp_path / "bomb.backup", 256 * bombs.MIB)
    assert bomb.stat().st_size < 8 * bombs.MIB
    assert _refused(empty_database, tmp_path / "t", bomb, "manifest.json") == set()


def test_an_archive_past_the_inflated_budget_is_refused(archive, empty_database, tmp_path):
    """A table file of valid rows repeated to 64 MiB, and a manifest that declares a billion
    of them: the budget stops it, at its setting."""
    with zipfile.ZipFile(archive) as source:
        line = source.read(member_name("party")).splitlines(True)[0]
        manifest = json.loads(source.read(MANIFEST))
    for entry in manifest["tables"]:
        if entry["name"] == "party":
            entry["rows"] = 10**9
    name = member_name("party")
    bomb = rebuilt(
        archive,
        tmp_path / "bomb.backup",
        {
            name: (name, *bombs.deflated(b"", line, 64 * bombs.MIB)),
            MANIFEST: bombs.member_of(MANIFEST, json.dumps(manifest).encode()),
        },
    )
    with target_app(empty_database, tmp_path / "t") as target:
        target.config["BACKUP_MAX_UNPACKED_BYTES"] = 4 * bombs.MIB
        result = restore(target, bomb)
        assert result.exit_code == 1, result.output
        assert "unpacks to more than 4 MiB" in result.output
        assert "nothing was stored" in result.output
        assert table_names() == set()


def test_a_table_with_more_rows_than_declared_is_refused_at_the_first_extra_row(
    archive, empty_database, tmp_path
):
    with zipfile.ZipFile(archive) as source:
        content = source.read(member_name("party"))
        declared = len(content.splitlines())
    name = member_name("party")
    bomb = rebuilt(
        archive,
        tmp_path / "bomb.backup",
        {name: (name, *bombs.deflated(content, content, 8 * bombs.MIB))},
    )
    message = f"more than the {declared} rows it declares"
    assert _refused(empty_database, tmp_path / "t", bomb, message) == set()


def test_an_archive_of_too_many_members_is_refused_before_it_is_read(
    archive, empty_database, tmp_path
):
    bomb = tmp_path / "many.backup"
    bomb.write_bytes(bombs.many_members(600, base=archive.read_bytes()))
    assert _refused(empty_database, tmp_path / "t", bomb, "at most 500 are read") == set()


def test_refusing_a_lying_manifest_keeps_memory_under_the_cap(archive, tmp_path):
    """In a fresh interpreter: zipfile alone would inflate the whole 256 MiB stream (to
    check its CRC) before refusing; read a slice at a time, the refusal costs almost nothing."""
    bomb = lying_manifest(archive, tmp_path / "bomb.backup", 256 * bombs.MIB)
    setup = f"""
from rkc.backup.archive import ArchiveReader
CASES = {{"lying manifest": lambda: ArchiveReader({str(bomb)!r})}}
"""
    result = bombs.peak_growth(setup, str(Path(__file__).resolve().parent.parent.parent))
    outcome = result["lying manifest"]
    assert str(outcome["outcome"]).startswith("ArchiveError"), outcome
    assert "manifest.json" in str(outcome["outcome"])
    assert int(outcome["growth"]) < 200 * bombs.MIB, outcome  # type: ignore[call-overload]
