"""Alembic environment: runs inside the Flask app, on the app's engine."""

from __future__ import annotations

from alembic import context
from flask import current_app

from rkc.extensions import db
from rkc.models import import_all_models

import_all_models()
config = context.config
target_metadata = db.metadata


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is None:
        with db.engine.connect() as connection:
            _run(connection)
    else:
        _run(connectable)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(
        url=current_app.config["SQLALCHEMY_DATABASE_URI"], target_metadata=target_metadata
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
