"""The `rkc` command: Flask's group plus the project's own commands.

Each command is one transaction: it commits at the end or, on an error, rolls back and says
what was wrong without a traceback.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from rkc.audit import Actor, acting_as
from rkc.extensions import db
from rkc.interchange.cli import export_group, import_command
from rkc.interchange.derived_cli import derived_group
from rkc.notifications.cli import notify_command
from rkc.search.cli import ensure_built, reindex_command


def _cli_actor() -> Actor:
    import getpass

    return Actor(user_id=None, username=f"cli:{getpass.getuser()}", role="system")


def _create_app() -> Flask:
    from rkc import create_app

    return create_app()


def main() -> None:
    cli = FlaskGroup(
        create_app=_create_app,
        help="rkc: revise the Revised Kyoto Convention together.",
    )
    cli.main(prog_name="rkc")


def register_commands(app: Flask) -> None:
    app.cli.add_command(init_command)
    app.cli.add_command(user_group)
    app.cli.add_command(parties_group)
    app.cli.add_command(procedure_group)
    app.cli.add_command(serve_command)
    app.cli.add_command(load_corpus_command)
    app.cli.add_command(db_group)
    app.cli.add_command(reindex_command)
    app.cli.add_command(export_group)
    app.cli.add_command(import_command)
    app.cli.add_command(derived_group)
    app.cli.add_command(notify_command)


def _fail(message: str) -> None:
    db.session.rollback()
    click.secho(message, fg="red", err=True)
    sys.exit(1)


@click.command("init")
@click.option(
    "--corpus",
    "corpus_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Corpus directory (default: the configured CORPUS_DIR).",
)
@click.option("--demo", is_flag=True, help="Also create demonstration accounts and data.")
@with_appcontext
def init_command(corpus_dir: str | None, demo: bool) -> None:
    """Create or upgrade the database schema and load the corpus into an empty store."""
    from rkc import migrate
    from rkc.convention.queries import all_works

    if demo and current_app.config["ENVIRONMENT"] == "production":
        _fail("--demo refused: the configuration says ENVIRONMENT=production")
    started = time.perf_counter()
    os.makedirs(current_app.instance_path, exist_ok=True)
    migrate.upgrade()
    click.echo(f"schema at {migrate.current_revision()}")
    with acting_as(_cli_actor()):
        if all_works():
            click.echo("the text store already holds the corpus; nothing loaded")
        else:
            _load(Path(corpus_dir or current_app.config["CORPUS_DIR"]))
        _seed_bodies()
        if demo:
            _create_demo()
    ensure_built()
    click.echo(f"done in {time.perf_counter() - started:.1f} s")


def _seed_bodies() -> None:
    """The review's two real bodies (WGRKC, RKC/MC), once."""
    from rkc.review.operations import seed_bodies

    if seed_bodies():
        db.session.commit()
        click.echo("review bodies: WGRKC, RKC/MC")


def _create_demo() -> None:
    from rkc.demo import create_demo_accounts, create_demo_amendments
    from rkc.review.demo import create_demo_review

    accounts = create_demo_accounts()
    db.session.commit()
    amendments = create_demo_amendments()
    db.session.commit()
    if amendments:
        states = ", ".join(f"{n} {status.replace('_', ' ')}" for status, n in amendments.items())
        click.echo(f"demonstration amendments: {states}")
    review = create_demo_review()
    db.session.commit()
    if review:
        made = ", ".join(f"{n} {kind}" for kind, n in review.items())
        click.echo(f"demonstration review register: {made}")
    if not accounts:
        click.echo("demo accounts exist already")
        return
    click.echo("demonstration accounts (shown once; change or disable them before real use):")
    for username, role, password in accounts:
        click.echo(f"  {username:<14} {role:<12} {password}")


def _load(directory: Path) -> None:
    from rkc.convention.corpus import CorpusError, load_corpus
    from rkc.convention.operations import TextStoreError
    from rkc.convention.operations import load_corpus as store_corpus
    from rkc.parties.register_import import PartyImportError, seed_parties

    try:
        corpus = load_corpus(directory)
        counts = store_corpus(corpus)
        parties = directory / "parties.csv"
        if parties.exists():
            counts["parties"] = seed_parties(parties.read_text(encoding="utf-8"))
    except PartyImportError as exc:
        for problem in exc.problems:
            click.echo(f"parties.csv {problem}", err=True)
        _fail(f"{len(exc.problems)} problem(s) in parties.csv; nothing was stored")
        return
    except CorpusError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        _fail(f"{len(exc.problems)} problem(s) in {directory}; nothing was stored")
        return
    except TextStoreError as exc:
        _fail(str(exc))
        return
    db.session.commit()
    click.echo(
        "loaded {works} works, {nodes} units, {revisions} revisions, {editions} editions".format(
            **counts
        )
        + (f", {counts['parties']} parties" if "parties" in counts else "")
    )


@click.command("load-corpus")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@with_appcontext
def load_corpus_command(directory: str) -> None:
    """Check a corpus directory and load it into an empty text store."""
    with acting_as(_cli_actor()):
        _load(Path(directory))


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
def serve_command(host: str, port: int, workers: int) -> None:
    """Serve the application with gunicorn (a production WSGI server)."""
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", "-")

        def load(self) -> Flask:
            from rkc.collector import tune_for_serving

            app = _create_app()
            tune_for_serving()
            return app

    click.echo(f"rkc serving on http://{host}:{port}/ with {workers} workers")
    Server().run()


@click.group("db")
def db_group() -> None:
    """Schema migrations (Alembic)."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Upgrade the schema to REVISION (default: head)."""
    from rkc import migrate

    migrate.upgrade(revision)
    click.echo(f"schema at {migrate.current_revision()}")


@db_group.command("downgrade")
@click.argument("revision")
@with_appcontext
def db_downgrade(revision: str) -> None:
    """Downgrade the schema to REVISION (e.g. -1 or base)."""
    from rkc import migrate

    migrate.downgrade(revision)
    click.echo(f"schema at {migrate.current_revision()}")


@db_group.command("revision")
@click.argument("message")
@with_appcontext
def db_revision(message: str) -> None:
    """Write a new migration, autogenerated from the models (for developers)."""
    from rkc import migrate

    migrate.revision(message)


# --------------------------------------------------------------------------- parties


@click.group("parties")
def parties_group() -> None:
    """Contracting Parties: import the depositary's party table."""


@parties_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--check", is_flag=True, help="Check every row, store nothing, list the changes.")
@with_appcontext
def parties_import(file: str, check: bool) -> None:
    """Import a party table: the corpus layout (CSV, corpus/README.md), or the depositary's
    "position as regards ratifications and accessions" as CSV or text PDF. Every row, or
    nothing."""
    from rkc.parties.register_import import PartyImportError, import_file

    data = Path(file).read_bytes()
    with acting_as(_cli_actor()):
        try:
            report = import_file(data, source=Path(file).name, check_only=check)
        except PartyImportError as exc:
            for problem in exc.problems:
                click.echo(f"{file}: {problem}", err=True)
            _fail(f"{len(exc.problems)} problem(s) in {file}; nothing was stored")
            return
        if check:
            db.session.rollback()
            for change in report.changes:
                click.echo(f"would change: {change}")
            click.echo(f"{file}: no problems; importing it would give {report.summary()}")
            return
        db.session.commit()
    click.echo(report.summary())


# --------------------------------------------------------------------------- users


@click.group("user")
def user_group() -> None:
    """Accounts: create, list, disable, enable, set-role, set-password."""


def _user_or_fail(username: str):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from rkc.auth.models import User

    user = db.session.scalar(select(User).where(User.username == username.lower()))
    if user is None:
        _fail(f"no account called {username!r}")
    return user


def _party_or_fail(name: str | None):  # type: ignore[no-untyped-def]
    from sqlalchemy import or_, select

    from rkc.parties.models import Party

    if not name:
        return None
    party = db.session.scalar(
        select(Party).where(or_(Party.name == name, Party.iso3 == name.upper()))
    )
    if party is None:
        _fail(f"no Contracting Party called {name!r} (give its name or ISO3 code)")
    return party


@user_group.command("create")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="The person's name.")
@click.option(
    "--role", type=click.Choice(["delegate", "observer", "secretariat", "admin"]), required=True
)
@click.option("--party", default=None, help="A delegate's party: name or ISO3 code.")
@click.option("--organisation", default="")
@click.option("--email", default="")
@click.password_option(help="Asked for when not given.")
@with_appcontext
def user_create(
    username: str,
    display_name: str,
    role: str,
    party: str | None,
    organisation: str,
    email: str,
    password: str,
) -> None:
    """Create an account."""
    from rkc.auth import operations as ops

    with acting_as(_cli_actor()):
        try:
            user = ops.create_user(
                username=username,
                display_name=display_name,
                password=password,
                role=role,
                party=_party_or_fail(party),
                organisation=organisation,
                email=email,
            )
        except ops.AccountError as exc:
            _fail(str(exc))
            return
        db.session.commit()
    click.echo(f"created {user.username} ({user.role.value})")


@user_group.command("list")
@with_appcontext
def user_list() -> None:
    """List every account."""
    from rkc.auth.queries import all_users

    for user in all_users():
        party = user.party.name if user.party else user.organisation
        state = "disabled" if user.is_disabled else "active"
        click.echo(f"{user.username:<20} {user.role.value:<12} {state:<9} {party}")


@user_group.command("disable")
@click.argument("username")
@with_appcontext
def user_disable(username: str) -> None:
    """Disable an account (its sessions and tokens stop working)."""
    from rkc.auth import operations as ops

    with acting_as(_cli_actor()):
        ops.set_disabled(_user_or_fail(username), True)
        db.session.commit()
    click.echo(f"disabled {username}")


@user_group.command("enable")
@click.argument("username")
@with_appcontext
def user_enable(username: str) -> None:
    """Enable a disabled account."""
    from rkc.auth import operations as ops

    with acting_as(_cli_actor()):
        ops.set_disabled(_user_or_fail(username), False)
        db.session.commit()
    click.echo(f"enabled {username}")


@user_group.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(["delegate", "observer", "secretariat", "admin"]))
@click.option("--party", default=None, help="Required for a delegate: name or ISO3 code.")
@with_appcontext
def user_set_role(username: str, role: str, party: str | None) -> None:
    """Change an account's role (and a delegate's party)."""
    from rkc.auth import operations as ops

    with acting_as(_cli_actor()):
        try:
            ops.change_role(_user_or_fail(username), role, _party_or_fail(party))
        except ops.AccountError as exc:
            _fail(str(exc))
            return
        db.session.commit()
    click.echo(f"{username} is now {role}")


@user_group.command("set-password")
@click.argument("username")
@click.password_option()
@with_appcontext
def user_set_password(username: str, password: str) -> None:
    """Set an account's password (ends its sessions)."""
    from rkc.auth import operations as ops

    with acting_as(_cli_actor()):
        try:
            ops.change_password(_user_or_fail(username), current=None, new=password)
        except ops.AccountError as exc:
            _fail(str(exc))
            return
        db.session.commit()
    click.echo(f"password of {username} changed")


# --------------------------------------------------------------------------- procedure


@click.group("procedure")
def procedure_group() -> None:
    """The Convention's amendment procedure."""


@procedure_group.command("apply")
@click.option(
    "--on", "on", default=None, help="Evaluate as of this date (YYYY-MM-DD; default today)."
)
@with_appcontext
def procedure_apply(on: str | None) -> None:
    """Re-evaluate open recommendations; record in-force dates the law now gives (run daily)."""
    from datetime import date

    from rkc.clock import today
    from rkc.procedure.operations import apply_all

    try:
        as_of = date.fromisoformat(on) if on else today()
    except ValueError:
        _fail(f"--on: {on!r} is not a date (YYYY-MM-DD)")
        return
    with acting_as(_cli_actor()):
        results = apply_all(as_of)
        db.session.commit()
    for rec, outcome in results:
        when = f", in force {outcome.in_force_on}" if outcome.in_force_on else ""
        click.echo(f"recommendation {rec.id} ({rec.edition.title}): {outcome.status.value}{when}")
    click.echo(f"{len(results)} open recommendation(s) evaluated as of {as_of}")
