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
