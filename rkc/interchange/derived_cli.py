"""`rkc derived warm` and `rkc derived prune`: the derived-file cache off the request path."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from rkc.interchange import derived


@click.group("derived")
def derived_group() -> None:
    """Files built from published editions (PDF, Word, Akoma Ntoso, zip, comparisons)."""


@derived_group.command("warm")
@with_appcontext
def warm_command() -> None:
    """Build every published edition's whole-edition files now, so no reader waits for one."""
    for name, recipe in derived.published_recipes():
        existed = derived.path_of(recipe).exists()
        started = time.perf_counter()
        derived.obtain(recipe, wait=600.0)
        what = "kept" if existed else f"built in {time.perf_counter() - started:.1f} s"
        click.echo(f"{name}: {what}")


@derived_group.command("prune")
@click.option(
    "--compilations-older-than",
    "days",
    type=click.FloatRange(min=0),
    default=None,
    help="Days a compilation's file is kept (default: DERIVED_COMPILATION_DAYS, 7).",
)
@with_appcontext
def prune_command(days: float | None) -> None:
    """Remove the files of earlier releases, what killed builds left behind, and the
    compilations' files built more than a week ago (run it daily)."""
    removed = derived.prune(compilation_days=days)
    click.echo(f"removed {len(removed)} folder(s) or file(s) from {derived.derived_dir()}")
