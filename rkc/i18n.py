"""The interface in English and French (Flask-Babel).

Which language the pages speak, in this order:

1. a signed-in member's stored choice (`User.interface_locale`, set by the switch);
2. for anyone, the `rkc_locale` cookie the switch sets;
3. the browser's Accept-Language;
4. English.

The switch in the page header is a small POST form (no script) that sets both. A signed-in
member's form carries the session's CSRF token, checked here; an anonymous reader has no session
(and must not get one: reading pages are cached only when they set no cookie), so the switch
refuses a cross-site POST by its Origin / Sec-Fetch-Site headers instead, and only ever sets
the anonymous reader's own cookie. The
interface language is also the default *text* language of the reading pages: a reader who
never chose a text language (`?lang=`, or its `rkc_lang` cookie) reads the Convention in the
interface's language; an explicit text choice always wins (rkc/convention/views.py).

The message catalogues live in rkc/translations (see docs/translating.md); the compiled .mo is
committed beside its .po, and tests/test_i18n.py fails when they differ.
"""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlsplit

from flask import Blueprint, Flask, abort, has_request_context, redirect, request
from flask_babel import Babel, format_date, format_datetime, format_decimal, get_locale
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from rkc import audit
from rkc.convention.languages import LANGUAGES
from rkc.extensions import db
from rkc.web import csrf, transactional

#: The interface languages, code -> name in that language (the text's languages, the same two).
INTERFACE_LANGUAGES: dict[str, str] = dict(LANGUAGES)

DEFAULT_LOCALE = "en"

#: The cookie that remembers an interface choice (anonymous readers, and members on log-out).
LOCALE_COOKIE = "rkc_locale"

bp = Blueprint("i18n", __name__)


def _known(code: str | None) -> str | None:
    code = (code or "").strip().lower()
    return code if code in INTERFACE_LANGUAGES else None


def chosen_locale() -> str | None:
    """The interface language someone chose explicitly (stored, else the cookie); else None."""
    if not has_request_context():
        return None
    if current_user.is_authenticated and (stored := _known(current_user.interface_locale)):
        return stored
    return _known(request.cookies.get(LOCALE_COOKIE))


def select_locale() -> str:
    """Flask-Babel's locale selector: the explicit choice, then Accept-Language, then English."""
    if not has_request_context():
        return DEFAULT_LOCALE
    return (
        chosen_locale()
        or request.accept_languages.best_match(INTERFACE_LANGUAGES.keys())
        or DEFAULT_LOCALE
    )


def interface_locale() -> str:
    """The language this request's interface speaks ("en" or "fr")."""
    locale = get_locale()
    return _known(locale.language if locale else None) or DEFAULT_LOCALE


# --------------------------------------------------------------------------- formatting


def long_date(value: date | datetime | None) -> str:
    """ "2 December 2026" / "2 décembre 2026" (a datetime is read in UTC, the site's zone)."""
    if value is None:
        return ""
    return format_date(value, "d MMMM y")


def long_datetime(value: datetime | None) -> str:
    """ "2 December 2026, 14:05" / "2 décembre 2026, 14:05" (UTC)."""
    if value is None:
        return ""
    return format_datetime(value, "d MMMM y, HH:mm")


def number(value: int | float | None) -> str:
    """1,234 / 1 234: grouping per the interface's language."""
    if value is None:
        return ""
    return format_decimal(value)


# --------------------------------------------------------------------------- the switch


def _check_same_site() -> None:
    """A POST from another site is refused: a member's by the CSRF token of the session, an
    anonymous reader's (who has no session) by the headers every current browser sends."""
    if current_user.is_authenticated:
        try:
            validate_csrf(request.form.get("csrf_token"))
        except ValidationError as exc:
            raise CSRFError(str(exc)) from None
        return
    origin = request.headers.get("Origin")
    cross_origin = bool(origin) and urlsplit(origin).netloc != request.host
    if cross_origin or request.headers.get("Sec-Fetch-Site") == "cross-site":
        abort(400, description="The language can only be changed from this site's own pages.")


@bp.post("/interface-language")
@csrf.exempt
@transactional
def set_interface_language():  # type: ignore[no-untyped-def]
    """Set the interface language: a cookie for everyone, and the member's stored choice."""
    from rkc.auth.views import _safe_next

    _check_same_site()
    locale = _known(request.form.get("locale"))
    if locale is None:
        abort(
            400,
            description=(
                f"locale: unknown interface language {request.form.get('locale', '')!r}: "
                f"use one of {', '.join(INTERFACE_LANGUAGES)}"
            ),
        )
    if current_user.is_authenticated and current_user.interface_locale != locale:
        user = current_user._get_current_object()
        user.interface_locale = locale
        db.session.flush()
        audit.record("user.interface_locale", "user", user.id, locale=locale)
    response = redirect(_safe_next(request.form.get("next")))
    response.set_cookie(
        LOCALE_COOKIE, locale, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
    )
    return response


def _here() -> str:
    """This page's path and query, to come back to after switching."""
    return request.full_path.rstrip("?") if has_request_context() else "/"


def init_i18n(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "UTC")
    Babel(app, locale_selector=select_locale)
    # Multi-line {% trans %} blocks are read with their whitespace collapsed (as extracted).
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.filters.update(longdate=long_date, longdatetime=long_datetime, number=number)
    app.jinja_env.globals.update(
        interface_locale=interface_locale,
        INTERFACE_LANGUAGES=INTERFACE_LANGUAGES,
        here=_here,
    )
    app.register_blueprint(bp)
