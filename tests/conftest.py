"""Fixtures: a real database (SQLite by default, PostgreSQL with RKC_TEST_DATABASE_URL).

The schema is built by the Alembic migrations and the real corpus is loaded once per session
into a template database; every test that may write gets its own copy of it (a file copy on
SQLite, `CREATE DATABASE ... TEMPLATE` on PostgreSQL), so tests can commit, race and fail
without touching each other.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from rkc import create_app
from rkc.extensions import db

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SMALL_CORPUS = Path(__file__).resolve().parent / "data" / "corpus_small"

PG_URL = os.environ.get("RKC_TEST_DATABASE_URL", "")

# Property-based tests (hypothesis): the normal run is deterministic (derandomized, no example
# database) and moderate; `HYPOTHESIS_PROFILE=long` hunts with fresh random examples, many
# more of them (tests scale their counts with tests.properties.examples).
settings.register_profile("rkc", derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile("long", database=None, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "rkc"))


def make_app(database_url: str, instance: Path, **extra: object) -> Flask:
    config = {
        "TESTING": True,
        # Rate limits off: tests make many requests from one address (tests/test_rate_limits.py
        # turns them on against Redis).
        "RATELIMIT_ENABLED": False,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "INDEX_DIR": str(instance / "index"),
        "CORPUS_DIR": str(CORPUS),
        "SQLALCHEMY_ENGINE_OPTIONS": {"poolclass": NullPool},
    }
    config.update(extra)
    app = create_app(config)
    app.instance_path = str(instance)
    return app


def build_database(app: Flask, corpus: Path | None) -> None:
    """Migrate to head and load a corpus, exactly as `rkc init` does."""
    runner = app.test_cli_runner()
    args = ["init"] if corpus is None else ["init", "--corpus", str(corpus)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output


class DatabaseFactory:
    """Copies of one loaded template database."""

    def __init__(self, tmp: Path, corpus: Path | None):
        self.tmp = tmp
        self.corpus = corpus
        self.name = f"rkc_t{uuid.uuid4().hex[:8]}"
        self.copies: list[str] = []
        if PG_URL:
            self.admin = create_engine(
                make_url(PG_URL).set(database="postgres"), isolation_level="AUTOCOMMIT"
            )
            self.template_url = self._pg_create(self.name + "_tpl")
        else:
            self.admin = None
            self.template_url = f"sqlite:///{tmp / (self.name + '.sqlite3')}"
        app = make_app(self.template_url, tmp / "template-instance")
        with app.app_context():
            build_database(app, corpus)
            db.engine.dispose()

    def _pg_create(self, name: str, template: str | None = None) -> str:
        assert self.admin is not None
        with self.admin.connect() as conn:
            suffix = f" TEMPLATE {template}" if template else ""
            conn.execute(text(f'CREATE DATABASE "{name}"{suffix}'))
        return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)

    def copy(self) -> str:
        name = f"{self.name}_{len(self.copies)}"
        self.copies.append(name)
        if self.admin is not None:
            return self._pg_create(name, template=self.name + "_tpl")
        source = make_url(self.template_url).database
        assert source is not None
        target = self.tmp / f"{name}.sqlite3"
        shutil.copyfile(source, target)
        return f"sqlite:///{target}"

    def drop(self, url: str) -> None:
        if self.admin is None:
            return
        name = make_url(url).database
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def close(self) -> None:
        if self.admin is not None:
            self.drop(self.template_url)
            self.admin.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseFactory]:
    """The real corpus, loaded once."""
    factory = DatabaseFactory(tmp_path_factory.mktemp("db"), None)
    yield factory
    factory.close()


@pytest.fixture(scope="session")
def small_databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseFactory]:
    """The small test corpus in tests/data, loaded once."""
    factory = DatabaseFactory(tmp_path_factory.mktemp("smalldb"), SMALL_CORPUS)
    yield factory
    factory.close()


def _app_from(factory: DatabaseFactory, tmp_path: Path) -> Iterator[Flask]:
    """Yield the app that serves requests, inside the app context of a twin app.

    The test's own reads and writes go through the twin's context and session; requests get
    fresh contexts of their own (Flask reuses an already pushed context of the same app, which
    would share `g` and the session between requests and hide real bugs).
    """
    url = factory.copy()
    app = make_app(url, tmp_path / "instance")
    twin = make_app(url, tmp_path / "instance")
    with twin.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    with app.app_context():
        db.engine.dispose()
    factory.drop(url)


@pytest.fixture
def app(databases: DatabaseFactory, tmp_path: Path) -> Iterator[Flask]:
    """An app on its own copy of the fully loaded database, inside an app context."""
    yield from _app_from(databases, tmp_path)


@pytest.fixture
def small_app(small_databases: DatabaseFactory, tmp_path: Path) -> Iterator[Flask]:
    """An app on its own copy of the small test corpus."""
    yield from _app_from(small_databases, tmp_path)


@pytest.fixture(scope="session")
def site(databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One shared app for tests that only read; never write through it."""
    url = databases.copy()
    app = make_app(url, tmp_path_factory.mktemp("site-instance"))
    yield app
    with app.app_context():
        db.engine.dispose()
    databases.drop(url)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def reader(site: Flask) -> FlaskClient:
    """A public (anonymous) client on the shared read-only site."""
    return site.test_client()


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    """The URL of a database with nothing in it (not even the schema)."""
    if PG_URL:
        admin = create_engine(
            make_url(PG_URL).set(database="postgres"), isolation_level="AUTOCOMMIT"
        )
        name = f"rkc_e{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
