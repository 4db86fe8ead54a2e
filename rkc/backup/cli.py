"""The commands' glue: `rkc export --all FILE` and `rkc import FILE` call these.

Both print what they did, or a clear message and exit status 1 without a traceback.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

import click
from sqlalchemy.exc import SQLAlchemyError

from rkc.audit import Actor, acting_as
from rkc.backup.archive import ArchiveError
from rkc.backup.operations import (
    BackupError,
    open_archive,
    prepare_database,
    restore_rows,
    write_archive,
)
from rkc.extensions import db


def _fail(message: str) -> None:
    db.session.rollback()
    click.secho(message, fg="red", err=True)
    sys.exit(1)


def export_all(target: str) -> None:
    """Write every table of the database into the archive `target`."""
    try:
        manifest = write_archive(Path(target))
    except (BackupError, ArchiveError, OSError) as exc:
        _fail(f"backup refused: {exc}; no archive was written")
        return
    click.echo(
        f"wrote {target}: {manifest.rows} rows in {len(manifest.tables)} tables, schema "
        f"revision {manifest.schema_revision}"
    )


def restore(source: str) -> None:
    """Restore the archive `source` into this (empty) database, then rebuild the index."""
    from rkc.search.cli import rebuild_with_progress

    try:
        archive = open_archive(source)
    except (BackupError, ArchiveError) as exc:
        _fail(f"restore refused: {exc}; nothing was stored")
        return
    actor = Actor(user_id=None, username=f"cli:{getpass.getuser()}", role="system")
    with archive, acting_as(actor):
        try:
            prepare_database()
            report = restore_rows(archive, source=Path(source).name)
        except (BackupError, ArchiveError) as exc:
            _fail(f"restore refused: {exc}; nothing was stored")
            return
        except SQLAlchemyError as exc:  # e.g. the database went away mid-way
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            _fail(f"restore failed: the database said {reason!r}; nothing was stored")
            return
        db.session.commit()
    click.echo(
        f"restored {report.rows} rows in {report.tables} tables from {source} (schema revision "
        f"{report.manifest.schema_revision}, written {report.manifest.created_at}); every "
        "table's hash matches the archive"
    )
    report = rebuild_with_progress()
    click.echo(f"search index rebuilt: {report.written} revisions")
