"""The web layer shared by every area: template helpers, error pages, security headers.

Size: just over 600 lines since the site header became a shared fragment (issue 17): it is
drawn through the same `shared_fragment` / `fragment_scope` as the reading pages' fragments;
the header and <head> fragments (`site_head`, `site_header` and its slots) are the part to move
out first.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    has_request_context,
    make_response,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from markupsafe import Markup, escape
from sqlalchemy import text
from sqlalchemy.exc import (
    DBAPIError,
    InterfaceError,
    InternalError,
    OperationalError,
    SQLAlchemyError,
)
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter, Map

from rkc.clock import today
from rkc.convention.kinds import KIND_CSS, KIND_LABELS, KIND_LABELS_BY_LANGUAGE
from rkc.convention.languages import LANGUAGE_COOKIE, UnknownLanguage, parse_languages
from rkc.database import MAX_ID
from rkc.text.markdown import render as render_markdown

csrf = CSRFProtect()
T = TypeVar("T")

#: Everything comes from this host; no inline script, no framing, no plugins.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


class NotFoundHere(HTTPException):
    """A 404 that explains itself: what was asked for and where to look instead."""

    code = 404

    def __init__(
        self, title: str, explanation: str, suggestions: list[tuple[str, str]] | None = None
    ):
        super().__init__(explanation)
        self.title = title
        self.explanation = explanation
        self.suggestions = suggestions or []


class IdConverter(IntegerConverter):
    """`<id:name>` in a route: a row id, 1 to MAX_ID. Any other number matches no route (404)
    rather than reaching the database, which cannot hold it (a 500 on PostgreSQL and SQLite)."""

    #: 1 to 2147483647 (MAX_ID) in the pattern itself: a larger number matches no rule at all,
    #: so a path also served for other methods answers 404, not 405.
    regex = (
        r"[1-9]\d{0,8}|1\d{9}|20\d{8}|21[0-3]\d{7}|214[0-6]\d{6}|2147[0-3]\d{5}|21474[0-7]\d{4}"
        r"|214748[0-2]\d{3}|2147483[0-5]\d{2}|21474836[0-3]\d|214748364[0-7]"
    )

    def __init__(self, url_map: Map) -> None:
        super().__init__(url_map, min=1, max=MAX_ID)


def attachment(data: bytes | str, mimetype: str, filename: str) -> Response:
    """A download named `filename` (RFC 6266): an ASCII `filename=` for old clients, and the
    exact name, UTF-8 and percent-encoded, in `filename*=`. Every download goes through here."""
    response = Response(data, mimetype=mimetype)
    exact = quote(filename, safe="!#$&+-.^_`|~")  # RFC 8187 attr-chars stay as they are
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{_ascii_name(filename)}\"; filename*=UTF-8''{exact}"
    )
    return response


def _ascii_name(filename: str) -> str:
    """`filename` in letters, digits, '.', '_' and '-' only (accents dropped, the rest '-')."""
    stem, dot, extension = filename.rpartition(".") if "." in filename else (filename, "", "")

    def plain(part: str) -> str:
        ascii_part = unicodedata.normalize("NFKD", part).encode("ascii", "ignore").decode()
        return re.sub(r"[^A-Za-z0-9._]+", "-", ascii_part.replace("-", " ")).strip("-.")

    return (plain(stem) or "download") + dot + plain(extension)


def public_url(endpoint: str, **values: object) -> str:
    """The absolute address of `endpoint` as the public reaches it: PUBLIC_URL, never the
    request's Host header (which anyone can forge, and which a proxy may rewrite)."""
    path = url_for(endpoint, **values)
    if has_request_context():
        path = path.removeprefix(request.script_root)  # PUBLIC_URL already names the mount
    return current_app.config["PUBLIC_URL"] + path


def init_web(app: Flask) -> None:
    # Before any blueprint is registered: rules are compiled with the converters known then.
    app.url_map.converters["id"] = IdConverter
    csrf.init_app(app)
    app.extensions[PAGE_CACHE] = PageCache(int(app.config.get("READING_CACHE_BYTES", 0)))
    app.extensions[FRAGMENT_CACHE] = PageCache(int(app.config.get("READING_CACHE_BYTES", 0)))
    app.extensions[DATA_CACHE] = DataCache(
        SHARED_DATA_ENTRIES if app.config.get("READING_CACHE_BYTES", 0) else 0
    )
    app.extensions[BUILD_TOKEN] = _build_token(app)
    app.jinja_env.filters["markdown"] = render_markdown
    from rkc.auth.permissions import Action, can

    app.jinja_env.globals.update(
        public_url=public_url,
        can=can,
        Action=Action,
        KIND_LABELS=KIND_LABELS,
        KIND_CSS=KIND_CSS,
        site_head=site_head,
        site_header=site_header,
        kind_label=lambda kind, language="en": KIND_LABELS_BY_LANGUAGE.get(
            language, KIND_LABELS
        ).get(kind, kind.replace("_", " ").title()),
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _globals() -> dict:
        return {"today": today()}

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if max_age := current_app.config.get("HSTS_MAX_AGE"):  # production: HTTPS only
            headers.setdefault("Strict-Transport-Security", f"max-age={max_age}")
        return response

    @app.errorhandler(NotFoundHere)
    def _not_found_here(error: NotFoundHere):  # type: ignore[no-untyped-def]
        return _error_page(
            "errors/not_found.html",
            404,
            title=error.title,
            explanation=error.explanation,
            suggestions=error.suggestions,
        )

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):  # type: ignore[no-untyped-def]
        return _error_page(
            "errors/error.html",
            400,
            code=400,
            title="Form expired",
            message=(
                "The form could not be accepted because its security token was missing or out of "
                "date. Nothing was saved. Go back, reload the page and submit it again."
            ),
        )

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        if request.path.startswith("/api/"):
            return {"error": error.name, "message": error.description}, error.code
        return _error_page(
            "errors/error.html",
            error.code or 500,
            code=error.code,
            title=error.name,
            message=error.description,
        )

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    @app.errorhandler(InternalError)
    def _database_error(error: DBAPIError):  # type: ignore[no-untyped-def]
        if write_conflict(error):
            return _write_conflict(error)
        if not database_unavailable(error):
            raise error  # a real fault of ours: the usual 500, logged with its traceback
        return _unavailable(error)


def _error_page(template: str, status: int, **context):  # type: ignore[no-untyped-def]
    """An error page; if drawing it needs the database (it looks at the visitor) and the
    database is unavailable, the 503 page instead of a second error."""
    try:
        return render_template(template, **context), status
    except DBAPIError as error:
        if not database_unavailable(error):
            raise
        return _unavailable(error)


def _unavailable(error: DBAPIError):  # type: ignore[no-untyped-def]
    """503: the database cannot be reached or written. HTML, or JSON under /api/."""
    from rkc.extensions import db

    current_app.logger.error("database unavailable: %s", error)
    # Nothing of this request's transaction may remain, and the page must not ask the database
    # again (drawing it looks at the visitor): it is drawn as for an anonymous visitor.
    db.session.rollback()
    g._login_user = current_app.login_manager.anonymous_user()  # type: ignore[attr-defined]
    message = (
        "The database cannot be reached or cannot be written just now. Nothing was "
        "half-written: try again in a moment."
    )
    headers = {"Retry-After": "30", "Cache-Control": "no-store"}
    if request.path.startswith("/api/"):
        return {"error": "Service Unavailable", "message": message}, 503, headers
    page = render_template(
        "errors/error.html", code=503, title="Service unavailable", message=message
    )
    return page, 503, headers


#: SQLSTATEs of a transaction the database rolled back because another one wrote the same
#: rows: 40P01 deadlock detected, 40001 serialization failure. A conflict, not an outage.
WRITE_CONFLICT_SQLSTATES = ("40P01", "40001")


def write_conflict(error: DBAPIError) -> bool:
    """Whether the database refused this write because a concurrent one got there first."""
    return str(getattr(error.orig, "sqlstate", "") or "") in WRITE_CONFLICT_SQLSTATES


def _write_conflict(error: DBAPIError):  # type: ignore[no-untyped-def]
    """409, like any stale write: someone else changed the same thing at the same moment."""
    from rkc.extensions import db

    current_app.logger.warning("write conflict: %s", error.orig)
    db.session.rollback()
    message = (
        "Someone else changed the same text at the same moment, and theirs was saved first. "
        "Nothing of yours was saved: reload the page to see the current text, then try again."
    )
    headers = {"Cache-Control": "no-store"}
    if request.path.startswith("/api/"):
        return {"error": "Conflict", "message": message}, 409, headers
    page = render_template("errors/error.html", code=409, title="Conflict", message=message)
    return page, 409, headers


#: SQLSTATE classes and codes that mean "the database is not available to us just now":
#: 08 connection exceptions, 57P operator intervention (shutdown, restart, not yet accepting
#: connections), 53 insufficient resources, 25006 a read-only transaction (the database or
#: the server was made read-only).
UNAVAILABLE_SQLSTATES = ("08", "57P", "53", "25006")


def database_unavailable(error: DBAPIError) -> bool:
    """Whether a database error means "unavailable" (503) rather than a fault of ours (500).

    Every OperationalError counts (the drivers raise it for a refused or lost connection, a
    locked or read-only SQLite file, a server shutting down), as does an InterfaceError (a
    connection already closed) and any error whose SQLSTATE says so; a deadlock or a
    serialization failure never does (`write_conflict`: 409).
    """
    if write_conflict(error):
        return False
    if isinstance(error, OperationalError | InterfaceError) or error.connection_invalidated:
        return True
    sqlstate = str(getattr(error.orig, "sqlstate", "") or "")
    return bool(sqlstate) and sqlstate.startswith(UNAVAILABLE_SQLSTATES)


def transactional(view):  # type: ignore[no-untyped-def]
    """The transaction boundary of a view that writes: commit on success, else roll back.

    A response with status 400 or more (a form shown again with its errors, a 409) commits
    nothing; neither does an exception.
    """
    from functools import wraps

    from flask import make_response

    from rkc.extensions import db

    @wraps(view)
    def wrapped(*args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            response = make_response(view(*args, **kwargs))
        except BaseException:
            db.session.rollback()
            raise
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response

    return wrapped


# --------------------------------------------------------------------------- health


health_bp = Blueprint("health", __name__)


@health_bp.get("/healthz")
def check_health():  # type: ignore[no-untyped-def]
    """For load balancers, process managers and the benchmarks: 200 when the database answers
    with a migrated schema, 503 (JSON either way) when it does not."""
    from rkc.extensions import db

    headers = {"Cache-Control": "no-store"}
    try:
        schema = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        db.session.rollback()
    except SQLAlchemyError as error:
        db.session.rollback()
        current_app.logger.warning("health check: database unavailable: %s", error)
        body = {"status": "unavailable", "database": type(error).__name__}
        return body, 503, {**headers, "Retry-After": "30"}
    if schema is None:
        return {"status": "unavailable", "database": "no schema"}, 503, headers
    return {"status": "ok", "database": "ok", "schema": schema}, 200, headers


# --------------------------------------------------------------------------- reading pages

PAGE_CACHE = "rkc_page_cache"
FRAGMENT_CACHE = "rkc_fragment_cache"
DATA_CACHE = "rkc_reading_data_cache"
#: Reading data kept per process (a chapter's units, breadcrumbs, neighbours, guidelines).
SHARED_DATA_ENTRIES = 512
BUILD_TOKEN = "rkc_build_token"  # noqa: S105 (an extension name, not a secret)
ANONYMOUS = "anonymous"


class PageCache:
    """Rendered pages for anonymous readers (and, in a second one, the shared fragments of
    members' pages: `shared_fragment`), in this process, least recently used first out.

    Keys are validators (see `reading_page`) that already name everything a page depends on,
    so an entry is never stale: after a change to the text store nobody asks for its key again
    and it ages out. Bounded by the bytes (characters, for fragments) of the bodies it holds;
    0 turns it off.
    """

    def __init__(self, limit_bytes: int):
        self.limit_bytes = max(0, limit_bytes)
        self._entries: OrderedDict[str, tuple[Any, str]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[Any, str] | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: str, body: bytes | str, content_type: str) -> None:
        if len(body) > self.limit_bytes // 4:  # one page never crowds out the rest
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= len(old[0])
            self._entries[key] = (body, content_type)
            self._size += len(body)
            while self._size > self.limit_bytes:
                _key, (dropped, _type) = self._entries.popitem(last=False)
                self._size -= len(dropped)

    def __len__(self) -> int:
        return len(self._entries)


def _build_token(app: Flask) -> str:
    """Names this deployment's code and templates: a new release changes every page's ETag.

    Every worker started from the same files computes the same token.
    """
    try:
        release = package_version("rkc")
    except PackageNotFoundError:
        release = "unknown"
    latest = 0
    for root in (Path(__file__).resolve().parent, Path(app.root_path, app.template_folder or "")):
        for folder, _dirs, files in os.walk(root):
            for name in files:
                if name.endswith((".py", ".html", ".css", ".js", ".svg")):
                    latest = max(latest, os.stat(os.path.join(folder, name)).st_mtime_ns)
    return f"{release}:{latest}"


def _viewer() -> str:
    """Who the page is drawn for, as far as it changes the page: the account (its role, name,
    party and the session's CSRF secret, which the log-out form carries) or nobody."""
    user = current_user
    if not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    party = user.party.name if user.party is not None else ""
    return "|".join(
        (
            str(user.id),
            user.role.value,
            user.display_name,
            party,
            str(session.get("csrf_token", "")),
        )
    )


def reading_page(version: Callable[[], object]):  # type: ignore[no-untyped-def]
    """Conditional GET and a page cache for a view whose answer depends on nothing but the
    URL, the viewer, the day and `version()`, a counter that moves on every committed change
    to what the view shows (the reading views pass the text store's change log).

    The validator is a hash of those (and of the build token). A request whose If-None-Match
    holds it gets 304 before the view runs; anonymous readers are served from `PageCache`.
    Only 200 answers that set no cookie are validated or kept. A session carrying flashed
    messages skips all of this: the page must show and consume them.
    """

    def decorate(view):  # type: ignore[no-untyped-def]
        @wraps(view)
        def wrapped(*args, **kwargs):  # type: ignore[no-untyped-def]
            if request.method not in ("GET", "HEAD") or "_flashes" in session:
                return view(*args, **kwargs)
            viewer = _viewer()
            parts = (
                current_app.extensions[BUILD_TOKEN],
                request.full_path,
                viewer,
                today().isoformat(),
                str(version()),
                # The remembered reading language: the same URL reads in another language.
                request.cookies.get(LANGUAGE_COOKIE, ""),
                # The interface language (stored choice, cookie or Accept-Language).
                str(get_locale()),
            )
            key = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]
            g.reading_version = parts[4]  # for `shared_data`
            private = viewer != ANONYMOUS
            if request.if_none_match.contains_weak(key):
                return _validated(Response(status=304), key, private)
            cache: PageCache = current_app.extensions[PAGE_CACHE]
            use_cache = not private and cache.limit_bytes > 0
            if use_cache and (hit := cache.get(key)) is not None:
                body, content_type = hit
                return _validated(Response(body, content_type=content_type), key, private)
            response = make_response(view(*args, **kwargs))
            if response.status_code != 200 or session.modified or "Set-Cookie" in response.headers:
                return response
            if use_cache and not response.is_streamed:
                cache.put(key, response.get_data(), response.content_type or "text/html")
            return _validated(response, key, private)

        return wrapped

    return decorate


class DataCache:
    """What reading views read from the text store for everyone alike, per process, least
    recently used first out, bounded by a number of entries; 0 turns it off."""

    def __init__(self, limit: int):
        self.limit = max(0, limit)
        self._entries: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, compute: Callable[[], T]) -> T:
        if self.limit == 0:
            return compute()
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = compute()
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self.limit:
                self._entries.popitem(last=False)
        return value


def shared_data(parts: tuple, compute: Callable[[], T]) -> T:
    """`compute()`, remembered for the text store's version this request was keyed on (see
    `reading_page`): for data every reader who may see it sees alike. Outside a reading page
    (no version known) it is computed every time. The view decides who may see what before
    asking; `parts` name what is read (an edition, a unit, a language), never a reader."""
    version = g.get("reading_version")
    if version is None:
        return compute()
    cache: DataCache = current_app.extensions[DATA_CACHE]
    return cache.get((version, *parts), compute)


def fragment_scope() -> str:
    """What every shared fragment of this request depends on besides its own key parts: the
    release, the interface language and the script root (computed once per page)."""
    return "\x1f".join(
        (current_app.extensions[BUILD_TOKEN], str(get_locale()), request.script_root)
    )


def shared_fragment(scope: str, parts: tuple[object, ...], render: Callable[[], str]) -> Markup:
    """A piece of a reading page that is the same for every reader who may see it, rendered
    once per process. `scope` is `fragment_scope()`; `parts` must name everything else its
    HTML depends on (for a provision's text: the revision id, its language, the edition's
    slug in its links, its heading level, ...).

    What a reader may see is decided by the view *before* asking for a fragment; a fragment's
    key says what it shows (a revision), never who may see it, so the cache cannot widen what
    a reader sees: it only saves drawing what the view already chose to show.
    """
    cache: PageCache = current_app.extensions[FRAGMENT_CACHE]
    if cache.limit_bytes == 0:
        return Markup(render())  # noqa: S704 (a rendered, autoescaped template)
    key = (scope, *parts)
    hit = cache.get(key)  # type: ignore[arg-type]
    if hit is not None:
        return Markup(hit[0])  # noqa: S704 (rendered by the line below, earlier)
    html = str(render())
    cache.put(key, html, "text/html")  # type: ignore[arg-type]
    return Markup(html)  # noqa: S704 (a rendered, autoescaped template)


def site_head() -> Markup:
    """The links in every page's <head> (icon, style sheets, feed), for base.html: the same for
    every visitor, drawn once per release, interface language and script root."""

    def render() -> str:
        return render_template("_partials/site_head.html")

    if not has_request_context():
        return Markup(render())  # noqa: S704 (a rendered, autoescaped template)
    return shared_fragment(fragment_scope(), ("site head",), render)


#: The personal bits of the site header, drawn as these slots into its shared fragment and
#: filled for each request (`site_header`). Filled with escaped text, which holds no "<": a
#: value can never pass for a slot.
HEADER_SLOTS = {
    name: Markup(f"<!--rkc:{name}-->")  # noqa: S704 (constant names)
    for name in ("name", "party", "csrf", "next")
}
_HEADER_SLOT = re.compile(r"<!--rkc:(name|party|csrf|next)-->")


def site_header() -> Markup:
    """The skip link and the site header (templates/_partials/site_header.html), for base.html.

    Every page draws it, for members too, so it is a shared fragment: drawn once per release,
    interface language and script root (`fragment_scope`), per kind of visitor (anonymous,
    or signed in with a role, active or not, with or without a party: all that the
    navigation's permission checks look at) and per `?lang=` kept in its links. The member's
    name and party, the session's CSRF token and this page's address (the language switch
    comes back to it) are slots, filled here for this request only.
    """
    user = current_user
    signed_in = bool(getattr(user, "is_authenticated", False))

    def render() -> str:
        return render_template("_partials/site_header.html", slot=HEADER_SLOTS)

    if not has_request_context():  # no visitor and no page: the slots stay empty
        return Markup(_HEADER_SLOT.sub("", render()))  # noqa: S704 (a rendered template)
    who: tuple[object, ...] = (
        (user.role.value, bool(user.is_active), user.party_id is not None)
        if signed_in
        else (ANONYMOUS,)
    )
    parts = ("site header", signed_in, *who, _kept_language())
    html = shared_fragment(fragment_scope(), parts, render)

    def personal(match: re.Match[str]) -> str:
        slot = match.group(1)
        if slot == "next":
            value = request.full_path.rstrip("?")  # as rkc.i18n's here()
        elif not signed_in:
            value = ""  # the anonymous header has no other slot
        elif slot == "csrf":
            value = generate_csrf()
        elif slot == "name":
            value = user.display_name
        else:
            value = user.party.name if user.party is not None else ""
        return str(escape(value))

    return Markup(_HEADER_SLOT.sub(personal, html))  # noqa: S704 (escaped values into a fragment)


def _kept_language() -> str:
    """The `?lang=` that links to reading pages keep (rkc.convention.views._keep_language)."""
    if "lang" not in request.args:
        return ""
    raw = request.args.get("lang", "")
    try:
        return raw if parse_languages(raw) else ""
    except UnknownLanguage:
        return ""


def _validated(response: Response, key: str, private: bool) -> Response:
    response.set_etag(key, weak=True)
    response.headers["Cache-Control"] = "private, no-cache" if private else "no-cache"
    response.vary.add("Cookie")
    response.vary.add("Accept-Language")
    return response
