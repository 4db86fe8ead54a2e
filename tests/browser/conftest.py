"""Browser fixtures: the real app behind a real HTTP server, driven by Debian's chromium.

- `live_server` / `small_live_server`: the app on its own copy of the loaded real corpus (or of
  tests/data/corpus_small), served by werkzeug in a background thread on 127.0.0.1 and a free
  port. The object has `.url` (no trailing slash), `.app` and `.database_url`; write to the
  database through `with server.app.app_context(): ...; db.session.commit()`.
- `browser` (session): one headless chromium for the whole run, started through Playwright from
  /usr/bin/chromium (never `playwright install`).
- `page`: a fresh context and page per test. Console errors (CSP violations among them),
  uncaught page errors and server responses of 500 or more are collected in `page.errors`; the
  test fails at teardown if any are left. A test that expects one (a 404's "Failed to load
  resource" line, say) asserts on it and removes it from the list.

Every test under tests/browser is marked `browser`.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Response, sync_playwright
from werkzeug.serving import BaseWSGIServer, make_server

from rkc.extensions import db
from tests.conftest import DatabaseFactory, make_app

HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("RKC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: How long a locator waits for what a test expects (ms); a page of the real corpus renders in
#: well under a second, so a failure should not take Playwright's default 30 s to show.
TIMEOUT_MS = 10_000
#: Console errors about these resources are not the page's fault (none today: every page
#: names its icon, so chromium no longer asks for /favicon.ico on its own).
IGNORED_CONSOLE_URL_ENDINGS: tuple[str, ...] = ()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


# --------------------------------------------------------------------------- the server


@dataclass(frozen=True)
class LiveServer:
    url: str
    app: Flask
    database_url: str


def _buffered(app: Flask):  # type: ignore[no-untyped-def]
    """Serve each response from memory, its iterable closed before the first byte is sent.

    The development server leaves a static file open when chromium drops a connection it
    no longer needs (e.g. a stylesheet fetched twice); the garbage collector then warns about
    the open file in whatever test runs next. Production servers close it; here we make sure.
    """

    def wsgi(environ, start_response):  # type: ignore[no-untyped-def]
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()

    return wsgi


def _serve(factory: DatabaseFactory, instance: Path) -> Iterator[LiveServer]:
    database_url = factory.copy()
    # The search index `rkc init` built beside the template database fits its copy: start
    # with it, so that the first search does not rebuild the whole index (both languages)
    # while the browser waits.
    template_index = factory.tmp / "template-instance" / "index"
    if template_index.is_dir():
        shutil.copytree(template_index, instance / "index")
    app = make_app(database_url, instance)
    server: BaseWSGIServer = make_server("127.0.0.1", 0, _buffered(app), threaded=True)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name="rkc-live-server",
        daemon=True,
    )
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app, database_url)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        factory.drop(database_url)


@pytest.fixture
def live_server(databases: DatabaseFactory, tmp_path: Path) -> Iterator[LiveServer]:
    """The app on its own copy of the real corpus, over HTTP."""
    yield from _serve(databases, tmp_path / "instance")


@pytest.fixture
def small_live_server(small_databases: DatabaseFactory, tmp_path: Path) -> Iterator[LiveServer]:
    """The app on its own copy of the small test corpus, over HTTP."""
    yield from _serve(small_databases, tmp_path / "instance")


# --------------------------------------------------------------------------- the browser


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"no chromium at {CHROMIUM}: install Debian's (apt-get install -y chromium) or set "
            "RKC_CHROMIUM; the browser tests never download one"
        )
    chromium = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield chromium
    chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A new page in a new context; fails the test if the page logged an error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        where = message.location.get("url", "?")
        if message.type == "error" and not where.endswith(IGNORED_CONSOLE_URL_ENDINGS):
            errors.append(f"console error at {where}: {message.text}")

    def on_response(response: Response) -> None:
        if response.status >= 500:
            errors.append(f"server error {response.status} for {response.url}")

    tab.on("console", on_console)
    tab.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    tab.on("response", on_response)
    tab.errors = errors  # type: ignore[attr-defined]
    yield tab
    context.close()
    if errors:
        pytest.fail("the browser reported errors:\n" + "\n".join(errors), pytrace=False)
