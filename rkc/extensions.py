"""Extensions, created unbound here and bound to the app in create_app()."""

from __future__ import annotations

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase
from werkzeug.middleware.proxy_fix import ProxyFix

#: Constraint names are fixed so that Alembic can alter them on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


# --------------------------------------------------------------------------- rate limits

#: The costly routes, grouped; each address has one budget per group, shared by the group's
#: routes (all downloads together, both searches together). A group's budget is the setting
#: named `RATELIMIT_<GROUP>` ("20 per minute", the `limits` notation); methods None: all.
COSTLY_ROUTES: dict[str, tuple[tuple[str, ...], list[str] | None]] = {
    "exports": (
        (
            "interchange.export_text",
            "interchange.export_compare",
            "amendments.export_compilation",
        ),
        None,
    ),
    "search": (("search.search_text", "api.search_text"), None),
    "imports": (("interchange.import_text", "interchange.import_amendments"), ["POST"]),
    "login": (("auth.login",), ["POST"]),
}

LIMITER = "rkc_limiter"


def init_rate_limits(app: Flask) -> Limiter:
    """A limiter for this app (one per app: its settings and storage are the app's own).

    Called after the blueprints are registered: it wraps the costly views. Over budget, a
    request gets 429 with Retry-After (the generic error page, or JSON under /api/). The
    counts live in `RATELIMIT_STORAGE_URI`: `memory://` counts per process (development
    only); several workers or machines share `redis://host:6379`. `RATELIMIT_ENABLED`
    false turns every limit off (tests, benchmarks).
    """
    hops = int(app.config.get("PROXY_FIX_HOPS", 0))
    if hops > 0:  # only behind proxies the operator named: X-Forwarded-For is forgeable
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    limiter = Limiter(key_func=get_remote_address, app=app)
    if app.config.get("ENVIRONMENT") == "production" and str(
        app.config.get("RATELIMIT_STORAGE_URI", "")
    ).startswith("memory"):
        app.logger.warning(
            "RATELIMIT_STORAGE_URI is memory://: each worker counts on its own; "
            "use redis:// so that every worker and machine share one count"
        )
    for group, (endpoints, methods) in COSTLY_ROUTES.items():
        setting = f"RATELIMIT_{group.upper()}"
        shared = limiter.shared_limit(
            lambda setting=setting: current_app.config[setting],
            scope=group,
            methods=methods,
            error_message=(
                "Too many requests of this kind from your address in a short time. "
                "Wait a little (see Retry-After) and try again."
            ),
        )
        for endpoint in endpoints:
            view = app.view_functions.get(endpoint)
            if view is not None:
                app.view_functions[endpoint] = shared(view)
    app.extensions[LIMITER] = limiter
    return limiter
