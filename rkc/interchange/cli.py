"""`rkc export ...` and `rkc import ...`: the interchange formats from the command line.

    rkc export corpus --work rkc --edition 2006 DIR
    rkc export akn|docx|pdf --work rkc --edition 2006 [--node ga/3] [--language fr] FILE
    rkc export docx|pdf ... --language en,fr FILE   (two languages side by side)
    rkc import akn|docx|pdf FILE --work rkc --base 2006 --slug authentic --title "..."
        [--authentic] [--language en] [--replace-work] [--accept-warnings] [--dry-run] [--yes]
    rkc export --all ARCHIVE  /  rkc import ARCHIVE   (backup and restore: rkc.backup)

An import is one transaction: a refused file stores nothing and every problem is printed
with where it stands.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from rkc.audit import Actor, acting_as
from rkc.extensions import db


def _fail(message: str) -> None:
    db.session.rollback()
    click.secho(message, fg="red", err=True)
    sys.exit(1)


def _edition(work_key: str, slug: str):  # type: ignore[no-untyped-def]
    from rkc.convention import queries

    work = queries.work_by_key(work_key)
    if work is None:
        _fail(f"no work {work_key!r} (works: {', '.join(w.key for w in queries.all_works())})")
    edition = queries.edition_by_slug(work, slug)
    if edition is None:
        slugs = ", ".join(e.slug for e in queries.editions_of(work, include_drafts=True))
        _fail(f"{work_key} has no edition {slug!r} (editions: {slugs})")
    return edition


@click.group("export", invoke_without_command=True)
@click.option(
    "--all",
    "archive",
    type=click.Path(dir_okay=False),
    default=None,
    metavar="ARCHIVE",
    help="Back up the whole database into ARCHIVE (restore it with `rkc import ARCHIVE`).",
)
@click.pass_context
def export_group(ctx: click.Context, archive: str | None) -> None:
    """Export an edition (corpus directory, Akoma Ntoso, Word or PDF), or back up everything.

    `rkc export --all ARCHIVE` writes every table into one archive (docs/backup.md).
    """
    if archive is None:
        if ctx.invoked_subcommand is None:
            click.echo(ctx.get_help())
        return
    if ctx.invoked_subcommand is not None:
        _fail(f"--all backs up everything; it takes no {ctx.invoked_subcommand!r} sub-command")
    from rkc.backup.cli import export_all

    ctx.invoke(with_appcontext(export_all), archive)


def _options(command):  # type: ignore[no-untyped-def]
    command = click.option("--edition", "slug", required=True, help="Edition slug, e.g. 2006.")(
        command
    )
    return click.option("--work", "work_key", default="rkc", show_default=True)(command)


@export_group.command("corpus")
@_options
@click.argument("directory", type=click.Path(file_okay=False))
@with_appcontext
def export_corpus(work_key: str, slug: str, directory: str) -> None:
    """Write the edition in the corpus format into DIRECTORY (loadable by `rkc load-corpus`)."""
    from rkc.interchange.corpus_format import ExportError, export_edition, write_directory

    edition = _edition(work_key, slug)
    try:
        files = export_edition(edition)
    except ExportError as exc:
        _fail(str(exc))
        return
    written = write_directory(files, Path(directory))
    click.echo(f"wrote {len(written)} files into {directory}")


def _export_file(
    fmt: str, work_key: str, slug: str, node_key: str | None, target: str, language: str = "en"
) -> None:
    from rkc.convention import queries
    from rkc.interchange import akn, docx_export, pdf, side_by_side
    from rkc.interchange.queries import snapshot

    edition = _edition(work_key, slug)
    node = None
    if node_key:
        node = queries.node_by_key(node_key)
        if node is None or node.work_id != edition.work_id:
            _fail(f"{work_key} has no unit {node_key!r}")
    if "," in language:  # two languages side by side (Word and PDF)
        languages = tuple(language.split(","))
        lacking = side_by_side.missing_languages(edition, languages)
        if lacking:
            _fail(f"--language: {side_by_side.refusal(edition, lacking)}")
            return
        pair = side_by_side.pairing(edition, node, languages)
        if pair is None:
            _fail(f"{node_key} is not part of edition {slug!r}")
            return
        data = side_by_side.export(pair, fmt)
        Path(target).write_bytes(data)
        click.echo(f"wrote {target} ({len(data)} bytes)")
        return
    if language not in queries.languages_of(edition):
        _fail(f"edition {slug!r} holds no text in {language!r}")
        return
    snap = snapshot(edition, node, language)
    if snap is None:
        _fail(f"{node_key} is not part of edition {slug!r}")
        return
    if fmt == "akn":
        data = akn.export(snap)
    elif fmt == "docx":
        data = docx_export.export(snap)
    else:
        data = pdf.to_pdf(pdf.edition_html(snap))
    Path(target).write_bytes(data)
    click.echo(f"wrote {target} ({len(data)} bytes)")


_node_option = click.option("--node", "node_key", default=None, help="Only this unit, e.g. ga/3.")
_target = click.argument("target", type=click.Path(dir_okay=False))
_language_option = click.option(
    "--language",
    type=click.Choice(["en", "fr"]),
    default="en",
    show_default=True,
    help="The language of the text.",
)

#: Word and PDF also come in two languages side by side, in the order given.
_languages_option = click.option(
    "--language",
    type=click.Choice(["en", "fr", "en,fr", "fr,en"]),
    default="en",
    show_default=True,
    help="The language of the text, or two side by side (en,fr: English left, French right).",
)


@export_group.command("akn")
@_options
@_node_option
@_language_option
@_target
@with_appcontext
def export_akn(work_key: str, slug: str, node_key: str | None, language: str, target: str) -> None:
    """Write the edition (or one unit) as Akoma Ntoso 3.0 XML into TARGET."""
    _export_file("akn", work_key, slug, node_key, target, language)


@export_group.command("docx")
@_options
@_node_option
@_languages_option
@_target
@with_appcontext
def export_docx(work_key: str, slug: str, node_key: str | None, language: str, target: str) -> None:
    """Write the edition (or one unit) as a Word document into TARGET."""
    _export_file("docx", work_key, slug, node_key, target, language)


@export_group.command("pdf")
@_options
@_node_option
@_languages_option
@_target
@with_appcontext
def export_pdf(work_key: str, slug: str, node_key: str | None, language: str, target: str) -> None:
    """Write the edition (or one unit) as PDF into TARGET."""
    _export_file("pdf", work_key, slug, node_key, target, language)


@click.command("import")
@click.argument("fmt", metavar="[akn|docx|pdf]")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option("--work", "work_key", default="rkc", show_default=True)
@click.option("--base", "base_slug", default=None, help="The edition the new draft starts from.")
@click.option("--slug", default=None, help="Slug of the new working draft.")
@click.option("--title", default=None, help="Title of the new working draft.")
@click.option("--authentic", is_flag=True, help="The file is the authentic text.")
@click.option(
    "--language", default="en", show_default=True, help="The language of the file's text."
)
@click.option(
    "--replace-work",
    is_flag=True,
    help="The file is the whole work: units of the base it lacks are left out of the draft "
    "(without it, only the chapters and annexes the file holds are replaced).",
)
@click.option(
    "--accept-warnings",
    is_flag=True,
    help="Store the file despite warnings (gaps in the numbering, kinds that changed).",
)
@click.option("--dry-run", is_flag=True, help="Check and report; store nothing.")
@click.option("--yes", is_flag=True, help="Store a PDF without asking after its report.")
@with_appcontext
def import_command(
    fmt: str,
    file: str | None,
    work_key: str,
    base_slug: str | None,
    slug: str | None,
    title: str | None,
    authentic: bool,
    language: str,
    replace_work: bool,
    accept_warnings: bool,
    dry_run: bool,
    yes: bool,
) -> None:
    """Import FILE (Akoma Ntoso, Word or PDF) into a new working draft, or restore a backup.

    \b
    rkc import akn|docx|pdf FILE --base 2006 --slug SLUG --title TITLE [--authentic]
        [--language en] [--replace-work] [--accept-warnings] [--dry-run] [--yes]
    rkc import ARCHIVE    (an archive of `rkc export --all`, into an empty database)

    Only the chapters and annexes FILE holds are replaced unless --replace-work. A PDF's
    fidelity report is shown first, then the import asks before storing (--yes does not).
    """
    from rkc.convention.operations import slug_problem
    from rkc.interchange.operations import import_file, read_checked
    from rkc.interchange.report import ImportRefused
    from rkc.interchange.views import DEFAULT_IMPORT_LIMIT

    if file is None:
        if base_slug or slug or title or authentic:
            _fail(
                "a backup archive is restored whole: --base, --slug, --title and --authentic "
                "belong to `rkc import akn|docx FILE`"
            )
        from rkc.backup.cli import restore

        restore(fmt)
        return
    if fmt not in ("akn", "docx", "pdf"):
        _fail(
            f"unknown format {fmt!r}: use `rkc import akn|docx|pdf FILE ...`, or "
            "`rkc import ARCHIVE` to restore a backup"
        )
    missing = [
        name
        for name, value in (("--base", base_slug), ("--slug", slug), ("--title", title))
        if not value
    ]
    if missing:
        _fail(f"an Akoma Ntoso, Word or PDF import needs {', '.join(missing)}")
    if (problem := slug_problem(slug or "")) is not None:
        _fail(f"--slug: {problem}")
    base = _edition(work_key, base_slug or "")
    path = Path(file)
    actor = Actor(user_id=None, username=f"cli:{getpass.getuser()}", role="system")
    data = path.read_bytes()
    limit = DEFAULT_IMPORT_LIMIT * 4

    def refused_report(refused: ImportRefused) -> None:
        for finding in refused.findings:
            click.echo(f"{path.name}: {finding}", err=True)
        if refused.only_warnings:
            _fail(
                f"{len(refused.findings)} warning(s) in {path.name}; nothing was stored. Fix "
                "the file, or accept them with --accept-warnings"
            )
        _fail(f"{len(refused.findings)} problem(s) in {path.name}; nothing was stored")

    with acting_as(actor):
        try:
            outline, _roots = read_checked(fmt, data, source=path.name, base=base, limit=limit)
        except ImportRefused as refused:
            refused_report(refused)
            return
        if outline.fidelity is not None:
            for line in outline.fidelity.lines():
                click.echo(f"{path.name}: {line}")
        db.session.rollback()
        asked = fmt == "pdf" and not (dry_run or yes)
        if asked and not click.confirm("Store this text as a new working draft?", default=False):
            click.echo("nothing was stored")
            return
        try:
            summary = import_file(
                base.work,
                fmt,
                data,
                source=path.name,
                base=base,
                slug=slug,
                title=title,
                limit=limit,
                is_authentic=authentic,
                language=language,
                replace_work=replace_work,
                accept_warnings=accept_warnings,
            )
        except ImportRefused as refused:
            refused_report(refused)
            return
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()
    for warning in summary.warnings:
        click.echo(f"{path.name}: accepted {warning}")
    for note in summary.notes:
        click.echo(f"{path.name}: note: {note}")
    for line in summary.lines():
        click.echo(line)
    what = "dry run, nothing stored" if dry_run else f"new working draft {slug!r}"
    click.echo(
        f"{what}: {summary.added} added, {summary.changed} changed, "
        f"{summary.unchanged} unchanged, {summary.removed} removed, {summary.kept} kept as in "
        f"{base.slug!r}"
        + ("; the whole work replaced" if summary.replace_work else "")
        + (f"; authentic text in {language!r}" if authentic else "")
    )
