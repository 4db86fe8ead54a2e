"""Configuration in layers: code defaults -> instance/config.py -> RKC_* environment -> overrides.

Environment variables are read with Flask's prefixed loader, so `RKC_DATABASE_URL=...` sets
`DATABASE_URL` and `RKC_SESSION_COOKIE_SECURE=true` sets a boolean (values are parsed as JSON
where they can be).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask


class Defaults:
    """Code defaults: safe for one machine, never for secrets."""

    #: "development" or "production"; production refuses demo data and a missing SECRET_KEY.
    ENVIRONMENT = "development"
    #: Empty means "sqlite file in the instance folder".
    DATABASE_URL = ""
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
    #: Where the search index lives; empty means "<instance>/index".
    INDEX_DIR = ""
    #: Seconds a search waits for another process that is writing the index (a rebuild).
    SEARCH_LOCK_TIMEOUT = 30.0
    #: Where the corpus is read from by `rkc init`; empty means the repository's corpus/.
    CORPUS_DIR = ""
    #: Bytes of rendered reading pages each process keeps for anonymous readers (0: none).
    READING_CACHE_BYTES = 32 * 1024 * 1024
    #: Largest request body accepted (uploads included).
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    #: Seconds diff-match-patch may spend on one diff before it gives a coarser answer.
    DIFF_TIMEOUT = 5.0
    #: Language the edition manifests are ordered by.
    PRIMARY_LANGUAGE = "en"
    #: Changes to the Convention's date rules (fields of rkc.parties.law.Rules, dates as ISO
    #: text), e.g. {"chapter_acceptances_needed": 5} for a chapter's first entry into force.
    PARTY_RULES: dict[str, Any] = {}


def _instance_database_url(app: Flask) -> str:
    return "sqlite:///" + str(Path(app.instance_path) / "rkc.sqlite3")


def configure(app: Flask, overrides: dict[str, Any] | None) -> None:
    """Apply the four layers in order; later layers win."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("RKC")
    if overrides:
        app.config.update(overrides)

    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = _instance_database_url(app)
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    if not app.config["INDEX_DIR"]:
        app.config["INDEX_DIR"] = str(Path(app.instance_path) / "index")
    if not app.config["CORPUS_DIR"]:
        app.config["CORPUS_DIR"] = str(Path(__file__).resolve().parent.parent / "corpus")

    if not app.config.get("SECRET_KEY"):
        if app.config["ENVIRONMENT"] == "production":
            raise RuntimeError(
                "SECRET_KEY is not set: put it in instance/config.py or RKC_SECRET_KEY"
            )
        app.config["SECRET_KEY"] = _development_secret(app)


def _development_secret(app: Flask) -> str:
    """A per-installation secret kept in the instance folder (never in the repository)."""
    path = Path(app.instance_path) / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        os.makedirs(app.instance_path, exist_ok=True)
        key = secrets.token_hex(32)
        path.write_text(key)
        path.chmod(0o600)
        return key
