"""Alembic migrations; run through `rkc init` / `rkc db upgrade` (see rkc/migrate.py)."""
