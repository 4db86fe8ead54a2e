"""The Alembic migrations: up from nothing, down to nothing, and up again, on this engine."""

from __future__ import annotations

from sqlalchemy import inspect

from rkc import migrate
from rkc.extensions import db
from rkc.models import import_all_models

from .conftest import make_app


def test_migrations_go_up_down_and_up_again(empty_database, tmp_path):
    app = make_app(empty_database, tmp_path)
    with app.app_context():
        migrate.upgrade()
        assert migrate.current_revision() == migrate.head_revision()
        import_all_models()
        tables = set(inspect(db.engine).get_table_names())
        assert set(db.metadata.tables) <= tables
        migrate.downgrade("base")
        assert migrate.current_revision() is None
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        migrate.upgrade()
        assert migrate.current_revision() == migrate.head_revision()
        db.engine.dispose()


def test_models_and_migrations_agree(empty_database, tmp_path):
    """Autogenerate finds nothing to do: the migrations build exactly what the models say."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    app = make_app(empty_database, tmp_path)
    with app.app_context():
        migrate.upgrade()
        import_all_models()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert differences == []


def test_init_loads_the_corpus_once(empty_database, tmp_path):
    from .conftest import SMALL_CORPUS

    app = make_app(empty_database, tmp_path)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["init", "--corpus", str(SMALL_CORPUS)])
    assert first.exit_code == 0, first.output
    assert "loaded 2 works, 27 units, 27 revisions, 3 editions" in first.output
    second = runner.invoke(args=["init", "--corpus", str(SMALL_CORPUS)])
    assert second.exit_code == 0
    assert "already holds the corpus; nothing loaded" in second.output
    with app.app_context():
        db.engine.dispose()


def test_init_with_a_broken_corpus_names_the_line_and_stores_nothing(empty_database, tmp_path):
    from rkc.convention.queries import all_works

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "corpus.toml").write_text('[[works]]\nkey = "rkc"\ntitle = "T"\nfiles = ["a.md"]\n')
    (broken / "a.md").write_text("# Annex: X {#x}\n\n## Chapter 1\n\n### Standard 1\n")
    app = make_app(empty_database, tmp_path / "inst")
    result = app.test_cli_runner().invoke(args=["init", "--corpus", str(broken)])
    assert result.exit_code == 1
    assert "a.md:5: Standard 1 has no text" in result.output
    assert "nothing was stored" in result.output
    with app.app_context():
        assert all_works() == []
        db.engine.dispose()
