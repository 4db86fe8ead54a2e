"""`rkc reindex`: rebuild the search index from the database, with a progress bar."""

from __future__ import annotations

from contextlib import ExitStack

import click
from flask.cli import with_appcontext

from rkc.extensions import db
from rkc.search import search_index
from rkc.search.index import IndexBusy, IndexProblem, Report


def rebuild_with_progress(label: str = "indexing revisions") -> Report:
    """Rebuild the index, drawing a progress bar on the terminal."""
    index = search_index()
    with ExitStack() as stack:
        bars: list = []

        def on_total(total: int) -> None:
            bars.append(stack.enter_context(click.progressbar(length=total, label=label)))

        def progress(done: int) -> None:
            if bars:
                bars[0].update(done)

        return index.rebuild(db.engine, progress=progress, on_total=on_total)


def ensure_built() -> None:
    """Used by `rkc init`: build the index if it is missing or unusable, else catch it up."""
    index = search_index()
    try:
        index.state(deep=True)
        report = index.ensure_current(db.engine, rebuild=False)
    except IndexProblem as exc:
        click.echo(f"search index: {exc}; building it")
        report = rebuild_with_progress()
    _say(report)


def _say(report: Report) -> None:
    if report.action == "rebuilt":
        click.echo(
            f"search index rebuilt: {report.written} revisions in {report.seconds:.1f} s "
            f"({search_index().size_bytes() / 1024:.0f} KiB), change log through "
            f"{report.through}"
        )
    elif report.action == "caught up":
        click.echo(
            f"search index caught up: {report.changes} change(s), {report.written} "
            f"document(s) written, {report.deleted} removed"
        )
    else:
        click.echo(f"search index up to date (change log through {report.through})")


@click.command("reindex")
@click.option(
    "--check", is_flag=True, help="Only report whether the index is usable and up to date."
)
@with_appcontext
def reindex_command(check: bool) -> None:
    """Rebuild the search index from the database (the database is the truth)."""
    index = search_index()
    if check:
        try:
            state = index.state(deep=True)
        except IndexProblem as exc:
            click.secho(f"search index at {index.directory}: {exc}", fg="red", err=True)
            raise SystemExit(1) from None
        click.echo(
            f"search index at {index.directory}: {state.documents} documents, change log "
            f"through {state.applied_through}, {index.size_bytes() / 1024:.0f} KiB"
        )
        return
    try:
        report = rebuild_with_progress()
    except IndexBusy as exc:
        click.secho(str(exc), fg="red", err=True)
        raise SystemExit(1) from None
    _say(report)
