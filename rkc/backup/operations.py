"""Writing a backup archive of the whole database, and restoring one into an empty database.

No Flask here (the app context gives the engine and the session). `write_archive` reads every
table in one read transaction (REPEATABLE READ on PostgreSQL, one snapshot on SQLite), so the
archive is consistent even while people keep working. `restore_archive` checks everything it
can before touching the database, migrates the empty database to the archive's schema
revision (which must be this rkc's head), then inserts every row in the session's transaction
and compares each table's hash, recomputed from the database, with the manifest before the
caller commits. Any error raises `BackupError` or `ArchiveError` and the caller rolls back:
nothing is stored.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, func, insert, inspect, select, text, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql import table as table_clause

from rkc import migrate
from rkc.audit import record
from rkc.backup.archive import (
    ArchiveReader,
    ArchiveWriter,
    Manifest,
    TableCodec,
    TableEntry,
    digest_lines,
    member_name,
)
from rkc.database import write_intent
from rkc.extensions import db
from rkc.models import import_all_models

#: Rows sent to the database per INSERT batch.
BATCH = 1000


class BackupError(ValueError):
    """A backup or restore refused, with the reason; nothing was written."""


@dataclass(frozen=True)
class RestoreReport:
    manifest: Manifest
    tables: int
    rows: int


def codecs() -> list[TableCodec]:
    """Every table of the schema, parents before the tables that refer to them."""
    import_all_models()
    return [TableCodec(t) for t in db.metadata.sorted_tables]


def _rkc_version() -> str:
    try:
        return metadata.version("rkc")
    except metadata.PackageNotFoundError:  # pragma: no cover - a source tree without install
        return "unknown"


def schema_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _rows(connection: Connection, codec: TableCodec) -> Iterator[Any]:
    statement = codec.select_in_order(connection.dialect.name)
    yield from connection.execute(statement.execution_options(yield_per=BATCH))


def table_digest(connection: Connection, codec: TableCodec) -> tuple[int, str]:
    """(rows, sha256) of a table as stored: equal to the archive's entry iff the rows are."""
    return digest_lines(codec.line(row) for row in _rows(connection, codec))


def database_digests() -> dict[str, tuple[int, str]]:
    """Every table's (rows, sha256), read in one transaction (what a restore is checked by)."""
    with db.engine.connect() as connection, connection.begin():
        return {codec.name: table_digest(connection, codec) for codec in codecs()}


# --------------------------------------------------------------------------- backup


def write_archive(target: str | Path) -> Manifest:
    """Write every table into the archive `target` (written whole or not at all)."""
    target = Path(target)
    head = migrate.head_revision()
    partial = target.with_name(target.name + ".partial")
    tables = codecs()
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            revision = schema_revision(connection)
            if revision != head:
                raise BackupError(
                    f"the database schema is at revision {revision or 'none'}, this rkc's at "
                    f"{head}: run `rkc db upgrade` first"
                )
            manifest = Manifest(
                schema_revision=head,
                created_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                source_dialect=connection.dialect.name,
                rkc_version=_rkc_version(),
            )
            try:
                with partial.open("wb") as out:
                    writer = ArchiveWriter(out)
                    for codec in tables:
                        manifest.tables.append(writer.write_table(codec, _rows(connection, codec)))
                    writer.finish(manifest)
                os.replace(partial, target)
            finally:
                partial.unlink(missing_ok=True)
    return manifest


# --------------------------------------------------------------------------- restore


def open_archive(path: str | Path) -> ArchiveReader:
    """Open and check an archive against this rkc, before any database is touched.

    Refuses another schema revision, tables or columns other than this schema's, and any
    table file whose rows or hash differ from the manifest.
    """
    archive = ArchiveReader(path)
    try:
        manifest = archive.manifest
        head = migrate.head_revision()
        if manifest.schema_revision != head:
            raise BackupError(
                f"the archive was written at schema revision {manifest.schema_revision}; this "
                f"rkc's schema is at {head}. Restore it with the rkc version that wrote it "
                "(then `rkc db upgrade`), or export it again with this version"
            )
        by_name = {codec.name: codec for codec in codecs()}
        names = [entry.name for entry in manifest.tables]
        if sorted(names) != sorted(by_name) or len(set(names)) != len(names):
            raise BackupError(
                f"the archive's tables ({', '.join(sorted(names))}) are not this schema's "
                f"({', '.join(sorted(by_name))})"
            )
        for entry in manifest.tables:
            if entry.columns != by_name[entry.name].columns:
                raise BackupError(
                    f"table {entry.name}: the archive's columns ({', '.join(entry.columns)}) "
                    f"are not this schema's ({', '.join(by_name[entry.name].columns)})"
                )
        for entry in manifest.tables:
            archive.check(entry)
    except BaseException:
        archive.close()
        raise
    return archive


def occupied_tables(connection: Connection) -> dict[str, int]:
    """This schema's tables that hold rows, with their counts."""
    existing = set(inspect(connection).get_table_names())
    found = {}
    for codec in codecs():
        if codec.name in existing:
            count = connection.execute(
                select(func.count()).select_from(table_clause(codec.name))
            ).scalar_one()
            if count:
                found[codec.name] = count
    return found


def _refuse_unless_empty(connection: Connection) -> None:
    occupied = occupied_tables(connection)
    if occupied:
        listed = ", ".join(f"{name} ({n} rows)" for name, n in sorted(occupied.items()))
        raise BackupError(
            "the database is not empty: a backup is restored only into an empty database, "
            f"and never merged into one that holds data. It holds: {listed}"
        )


def prepare_database() -> None:
    """Refuse a database that holds any row; otherwise migrate its schema to head."""
    with db.engine.connect() as connection, connection.begin():
        _refuse_unless_empty(connection)
    try:
        migrate.upgrade()
    except Exception as exc:  # alembic raises many kinds (unknown revision, DDL refused)
        raise BackupError(f"the database schema could not be brought to head: {exc}") from None


def restore_rows(archive: ArchiveReader, *, source: str) -> RestoreReport:
    """Insert every row of `archive` in the session's transaction and check it; not committed.

    Each table's hash is recomputed from the database and must equal the manifest's. Then
    PostgreSQL sequences move past the restored ids and the restore itself is appended to the
    audit log (after the log it restored). The caller commits, or rolls back on any error.
    """
    token = write_intent.set(True)  # SQLite: take the write lock at BEGIN
    try:
        connection = db.session.connection()
        _refuse_unless_empty(connection)  # again, inside the transaction
        by_name = {entry.name: entry for entry in archive.manifest.tables}
        tables = codecs()
        for codec in tables:
            _insert_table(connection, archive, codec, by_name[codec.name])
        for codec in tables:
            entry = by_name[codec.name]
            if table_digest(connection, codec) != (entry.rows, entry.sha256):
                raise BackupError(
                    f"table {codec.name}: the rows stored are not those of the archive "
                    "(their hash differs); nothing was stored"
                )
        _advance_sequences(connection, tables)
    finally:
        write_intent.reset(token)
    manifest = archive.manifest
    record(
        "backup.restore",
        "database",
        None,
        archive=source,
        schema_revision=manifest.schema_revision,
        written_at=manifest.created_at,
        written_from=manifest.source_dialect,
        tables=len(manifest.tables),
        rows=manifest.rows,
    )
    db.session.flush()
    return RestoreReport(manifest, len(manifest.tables), manifest.rows)


def _insert_table(
    connection: Connection, archive: ArchiveReader, codec: TableCodec, entry: TableEntry
) -> None:
    """Insert a table's rows in primary-key order.

    A reference to a later row of the same table (a revision's predecessor cannot be one,
    but a superseding amendment can) is inserted empty and set once every row is in.
    """
    raw = table_clause(codec.name, *codec.raw_columns())
    self_refs = [
        fk.parent.name for fk in codec.table.foreign_keys if fk.column.table is codec.table
    ]
    self_key = [fk.column.name for fk in codec.table.foreign_keys if fk.column.table is codec.table]
    inserted: set[Any] = set()
    later: list[tuple[dict[str, Any], dict[str, Any]]] = []
    batch: list[dict[str, Any]] = []
    name = member_name(codec.name)
    try:
        for number, line in archive.lines(entry):
            row = codec.parse(line, f"{name} line {number}")
            if self_refs:
                own = {key: row[key] for key in codec.primary_key}
                for column, target in zip(self_refs, self_key, strict=True):
                    value = row[column]
                    if value is not None and value not in inserted and value != own.get(target):
                        later.append((own, {column: value}))
                        row[column] = None
                inserted.update(row[key] for key in set(self_key))
            batch.append(row)
            if len(batch) >= BATCH:
                connection.execute(insert(raw), batch)
                batch = []
        if batch:
            connection.execute(insert(raw), batch)
        for own, values in later:
            condition = [raw.c[key] == value for key, value in own.items()]
            connection.execute(update(raw).where(*condition).values(**values))
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc) or exc).strip().splitlines()[0]
        raise BackupError(f"table {codec.name}: the database refused a row: {reason}") from None


def _advance_sequences(connection: Connection, tables: list[TableCodec]) -> None:
    """PostgreSQL: each id sequence continues after the largest restored id."""
    if connection.dialect.name != "postgresql":
        return  # SQLite gives max(id) + 1 by itself
    quote = connection.dialect.identifier_preparer.quote
    for codec in tables:
        if len(codec.primary_key) != 1:
            continue
        key = codec.primary_key[0]
        sequence = connection.execute(
            text("SELECT pg_get_serial_sequence(:table, :column)"),
            {"table": codec.name, "column": key},
        ).scalar_one()
        if sequence is None:
            continue
        connection.execute(
            text(
                f"SELECT setval(:sequence, COALESCE(MAX({quote(key)}), 0) + 1, false) "  # noqa: S608 (quoted names of our own tables)
                f"FROM {quote(codec.name)}"
            ),
            {"sequence": sequence},
        )
