"""rkc: revising the Revised Kyoto Convention together.

`create_app()` reads like a table of contents: configure, bind extensions, register the
areas' blueprints, error pages, security headers and commands, in that order.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

__all__ = ["create_app"]


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application; `config` overrides every other configuration layer (tests)."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="static",
    )

    # 1. Configuration: defaults -> instance/config.py -> RKC_* environment -> `config`.
    from rkc.config import configure

    configure(app, config)

    # 2. Extensions, bound in dependency order: the database first, everything else uses it.
    from rkc.database import init_database

    init_database(app)

    # 3. Web layer: shared template helpers, error pages, security headers.
    from rkc.web import init_web

    init_web(app)

    # 3b. Interface language (Flask-Babel): the locale selector, the switch, date filters.
    from rkc.i18n import init_i18n

    init_i18n(app)

    # 4. People: sessions, API tokens and the audit actor, before any area view runs.
    from rkc.auth.session import init_auth

    init_auth(app)

    # 4b. Search: the index object and the change log that keeps it in step with commits.
    from rkc.search import init_search

    init_search(app)

    # 4c. Notifications: each-event e-mail goes out after the commit that made the event.
    from rkc.notifications import init_notifications

    init_notifications(app)

    # 4d. The party register's version, which pages drawn from the register are keyed on.
    from rkc.parties.register_version import init_register_version

    init_register_version(app)

    # 5. Areas, lowest first.
    from rkc.amendments.language_views import bp as amendment_languages_bp
    from rkc.amendments.merge_views import bp as merge_bp
    from rkc.amendments.views import bp as amendments_bp
    from rkc.api.views import bp as api_bp
    from rkc.audit.views import bp as audit_bp
    from rkc.auth.reset import bp as reset_bp
    from rkc.auth.views import admin_bp
    from rkc.auth.views import bp as auth_bp
    from rkc.convention.edition_views import bp as editions_bp
    from rkc.convention.views import bp as convention_bp
    from rkc.interchange.views import bp as interchange_bp
    from rkc.notifications.views import bp as notifications_bp
    from rkc.parties.views import bp as parties_bp
    from rkc.procedure.views import bp as procedure_bp
    from rkc.review.framework_views import bp as framework_bp
    from rkc.review.views import bp as review_bp
    from rkc.search.views import bp as search_bp
    from rkc.web import health_bp

    app.register_blueprint(convention_bp)
    app.register_blueprint(parties_bp)
    app.register_blueprint(editions_bp)
    app.register_blueprint(procedure_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(framework_bp)
    app.register_blueprint(amendments_bp)
    app.register_blueprint(amendment_languages_bp)
    app.register_blueprint(merge_bp)
    app.register_blueprint(interchange_bp)
    app.register_blueprint(search_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(reset_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(health_bp)

    # 5b. Per-address rate limits on the costly routes (they wrap the views just registered).
    from rkc.extensions import init_rate_limits

    init_rate_limits(app)

    # 6. Command line.
    from rkc.cli import register_commands

    register_commands(app)
    return app
