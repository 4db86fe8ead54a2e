"""Set-up shared by the benchmarks: an app on a scratch SQLite database, loaded by `rkc init`.

Mirrors tests/conftest.py (`make_app`, `build_database`) without importing the test suite, but
keeps the application's own engine options (a connection pool, as when served) rather than the
tests' NullPool.
"""

from __future__ import annotations

import sys
from pathlib import Path

from flask import Flask

from rkc import create_app
from rkc.amendments import languages
from rkc.amendments.models import Amendment, TranslationStatus
from rkc.auth.models import User
from rkc.collector import tune_for_serving
from rkc.convention import operations as text_store
from rkc.convention.models import Edition, Node
from rkc.extensions import db


class SetupError(RuntimeError):
    """The benchmark could not build what it measures (e.g. the corpus does not load)."""


def progress(message: str) -> None:
    """Say what is happening on stderr, so that stdout holds only the table."""
    print(f"  .. {message}", file=sys.stderr, flush=True)


def make_app(directory: Path, corpus: Path, name: str = "rkc") -> Flask:
    """An app on `<directory>/<name>.sqlite3` (created on first use) with its own instance."""
    directory.mkdir(parents=True, exist_ok=True)
    app = create_app(
        {
            "TESTING": True,
            "RATELIMIT_ENABLED": False,  # the bench measures, it does not throttle itself
            "DATABASE_URL": f"sqlite:///{directory / (name + '.sqlite3')}",
            "SECRET_KEY": "bench-secret-key-not-for-production",
            "INDEX_DIR": str(directory / "index"),
            "CORPUS_DIR": str(corpus),
        }
    )
    app.instance_path = str(directory / "instance")
    tune_for_serving()  # as `rkc serve` and wsgi.py do: the bench measures what is served
    return app


def rkc_init(app: Flask) -> str:
    """Run `rkc init` (migrations + corpus load) through the CLI runner; return its output."""
    result = app.test_cli_runner().invoke(args=["init"])
    if result.exit_code != 0:
        raise SetupError(f"`rkc init` failed (exit {result.exit_code}):\n{result.output}")
    return result.output


def dispose(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def translate_all(
    draft: Edition, node: Node, amendment: Amendment, officer: User, reviser: User, added: str
) -> None:
    """A merge needs every language version checked (rkc/amendments/languages.py): `officer`
    of the Secretariat supplies each version still unchecked (the current text of `node` in
    that language with `added`) and `reviser`, a second member, checks it (four eyes)."""
    for language, version in languages.versions_of(amendment).items():
        if version.status is TranslationStatus.CHECKED:
            continue
        current = text_store.current_revision(draft, node, language)
        assert current is not None
        languages.write_translation(
            amendment, language, user=officer, expected_seq=version.seq, text=current.text + added
        )
        languages.check_translation(amendment, language, user=reviser, expected_seq=version.seq)
