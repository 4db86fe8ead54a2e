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
from urllib.parse import urlsplit, urlunsplit

from flask import Flask

#: Production refuses a shorter SECRET_KEY: it signs the session cookies.
MIN_SECRET_BYTES = 32


class Defaults:
    """Code defaults: safe for one machine, never for secrets."""

    #: "development" or "production"; production refuses demo data and a missing SECRET_KEY.
    ENVIRONMENT = "development"
    #: Empty means "sqlite file in the instance folder".
    DATABASE_URL = ""
    #: The address the public reaches the site at (its home page): absolute links (the Atom
    #: feed) are built from it, never from the request's Host header. Set it in production.
    PUBLIC_URL = "http://127.0.0.1:5000"
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
    #: Outgoing mail (notifications, password resets) through an SMTP server. An empty
    #: MAIL_SERVER sends nothing (the in-app notifications still appear).
    MAIL_SERVER = ""
    MAIL_PORT = 25
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    #: "starttls", "ssl" (implicit TLS, usually port 465) or "none".
    MAIL_TLS = "starttls"
    MAIL_SENDER = "rkc <no-reply@localhost>"
    MAIL_TIMEOUT = 10.0
    #: Days ahead `rkc notify` reminds of a party's reservation reviews and implementation
    #: deadlines: once in each (here 30 days before, then 7), e.g. RKC_NOTIFY_REMINDER_DAYS=[14].
    NOTIFY_REMINDER_DAYS: tuple[int, ...] = (30, 7)
    #: Hours a password-reset link stays valid (it also works only once).
    PASSWORD_RESET_HOURS = 2
    #: Where the search index lives; empty means "<instance>/index".
    INDEX_DIR = ""
    #: Seconds a search waits for another process that is writing the index (a rebuild).
    SEARCH_LOCK_TIMEOUT = 30.0
    #: Where the files built from published editions are kept (PDF, Word, Akoma Ntoso, zip,
    #: comparisons); empty means "<instance>/derived". See rkc/interchange/derived.py.
    DERIVED_DIR = ""
    #: Seconds a request waits for such a file that another process is building, then 503
    #: (a waiting request holds a worker; `rkc derived warm` spares readers the wait).
    DERIVED_WAIT_SECONDS = 10.0
    #: Days a compilation's file is kept after it was built (`rkc derived prune`).
    DERIVED_COMPILATION_DAYS = 7
    #: Per-address budgets of the costly routes (rkc/extensions.py COSTLY_ROUTES), in the
    #: `limits` notation; over budget: 429 with Retry-After. RATELIMIT_ENABLED false: none.
    RATELIMIT_ENABLED = True
    RATELIMIT_EXPORTS = "20 per minute"
    RATELIMIT_SEARCH = "120 per minute"
    RATELIMIT_IMPORTS = "10 per minute"
    RATELIMIT_LOGIN = "20 per minute"
    #: Where the counts live. memory:// counts in each process (development only: with two
    #: workers an address gets twice the budget); production: redis://host:6379.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_KEY_PREFIX = "rkc"
    RATELIMIT_HEADERS_ENABLED = True
    #: How many proxies in front of the app set X-Forwarded-For (and -Proto); 0 trusts none,
    #: so the rate limits count the address that connected.
    PROXY_FIX_HOPS = 0
    #: Where the corpus is read from by `rkc init`; empty means the repository's corpus/.
    CORPUS_DIR = ""
    #: Bytes of rendered reading pages each process keeps for anonymous readers (0: none).
    READING_CACHE_BYTES = 32 * 1024 * 1024
    #: Largest request body accepted (uploads included).
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    #: An imported Word file: most parts (zip members), most bytes once inflated (counted
    #: while inflating, whatever the zip's headers declare).
    IMPORT_MAX_ZIP_MEMBERS = 1000
    IMPORT_MAX_UNPACKED_BYTES = 32 * 1024 * 1024
    #: An imported Word or Akoma Ntoso file: most XML elements (all parts together) and
    #: deepest nesting, counted before a tree is built (the whole Convention as Word: ~33,000
    #: in all its parts, 5 deep; as Akoma Ntoso ~4,000, 13 deep).
    IMPORT_MAX_XML_ELEMENTS = 100_000
    IMPORT_MAX_XML_DEPTH = 100
    #: A backup archive restored by `rkc import FILE`: most members, most bytes inflated.
    BACKUP_MAX_ZIP_MEMBERS = 500
    BACKUP_MAX_UNPACKED_BYTES = 4 * 1024 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    #: None: True in production (cookies only over HTTPS), False in development.
    SESSION_COOKIE_SECURE: bool | None = None
    REMEMBER_COOKIE_SECURE: bool | None = None
    #: Strict-Transport-Security max-age in seconds; None: one year in production, none
    #: (0) in development, where the site is served over plain HTTP.
    HSTS_MAX_AGE: int | None = None
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    #: Seconds diff-match-patch may spend on one diff before it gives a coarser answer.
    DIFF_TIMEOUT = 5.0
    #: Language the edition manifests are ordered by.
    PRIMARY_LANGUAGE = "en"
    #: Changes to the Convention's date rules (fields of rkc.parties.periods.Rules, dates as ISO
    #: text), e.g. {"chapter_acceptances_needed": 5} for a chapter's first entry into force.
    PARTY_RULES: dict[str, Any] = {}
    #: The latest public count of Contracting Parties, against which the parties page shows
    #: the register's own coverage (WCO, February 2024).
    PARTY_PUBLIC_COUNT: dict[str, Any] = {"count": 136, "as_of": "February 2024"}


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

    app.config["PUBLIC_URL"] = _public_url(str(app.config["PUBLIC_URL"]))

    production = app.config["ENVIRONMENT"] == "production"
    for name in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if app.config.get(name) is None:
            app.config[name] = production
    if app.config.get("HSTS_MAX_AGE") is None:
        app.config["HSTS_MAX_AGE"] = 365 * 24 * 3600 if production else 0

    if not app.config.get("SECRET_KEY"):
        if production:
            raise RuntimeError(
                "SECRET_KEY is not set: put it in instance/config.py or RKC_SECRET_KEY"
            )
        app.config["SECRET_KEY"] = _development_secret(app)
    key = app.config["SECRET_KEY"]
    if production and len(key.encode() if isinstance(key, str) else key) < MIN_SECRET_BYTES:
        raise RuntimeError(
            f"SECRET_KEY is too short: production needs at least {MIN_SECRET_BYTES} random "
            'bytes, e.g. python -c "import secrets; print(secrets.token_hex(32))"'
        )


def _public_url(address: str) -> str:
    """PUBLIC_URL without its trailing slash, once checked: http(s), a host, nothing else but
    a path (the site may live below one)."""
    parts = urlsplit(address.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise RuntimeError(
            f"PUBLIC_URL {address!r} is not the address of a site: write it like "
            "https://rkc.example.org (http or https, a host, at most a path)"
        )
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def _development_secret(app: Flask) -> str:
    """A per-installation secret kept in the instance folder (never in the repository):
    32 random bytes, written as hex; a shorter one left by an older release is replaced."""
    path = Path(app.instance_path) / "secret_key"
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        key = ""
    if len(key) >= 2 * MIN_SECRET_BYTES:
        return key
    os.makedirs(app.instance_path, exist_ok=True)
    key = secrets.token_hex(MIN_SECRET_BYTES)
    path.write_text(key)
    path.chmod(0o600)
    return key
