"""Two application servers on one database (issue 17 item 4, docs/deployment.md).

Each server is a real `rkc serve` (gunicorn) with its own search index and derived-file
directory, both on the test database (PostgreSQL with RKC_TEST_DATABASE_URL, else one SQLite
file) and sharing only what docs/deployment.md says they share: the database, the secret key
and the rate-limit counts in Redis. Nothing here is timed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from bench import load as load_run
from bench.client import Browser, form_token
from bench.server import Server
from rkc.audit import Actor, acting_as
from rkc.auth import operations as auth_ops
from rkc.extensions import db

from .conftest import DatabaseFactory, make_app
from .helpers import REDIS, redis_key_prefix

PASSWORD = "two servers one database 1999"

PLAN = load_run.Plan(
    seconds=90, delegates=4, secretariat=2, readers=2, workers=1, think=0, actions=8, seed=5
)


def test_a_short_load_on_two_servers_keeps_every_invariant(app: Flask, tmp_path: Path) -> None:
    """People spread over two servers (the two delegates of a party on different ones, the
    two officers racing for one merge queue from different servers): no 5xx, no lost
    update, every merge traceable, and each server's own index equal to the database."""
    cast = load_run.prepare(app, PLAN)
    database_url = app.config["SQLALCHEMY_DATABASE_URI"]
    servers = load_run.start_servers(database_url, tmp_path, range(2), PLAN.workers)
    world = load_run.World()
    try:
        load_run.run([s.url for s in servers], cast, PLAN, world)
        for server in servers:
            settled = load_run.settle(server.url)
            assert settled.status == 200, settled.error
    finally:
        for server in servers:
            server.stop()

    kinds = {ack.kind for ack in world.acks}
    assert {"amendment", "status", "merge"} <= kinds, kinds
    index_dirs = [load_run.server_dirs(tmp_path, n)[0] for n in range(2)]
    report = load_run.check_servers(db.engine, index_dirs, acks=world.acks, outcomes=world.outcomes)
    assert report.ok, "\n".join(report.lines())
    assert {"index of server 0 equals database", "index of server 1 equals database"} <= set(
        report.checked
    )
    assert report.checked["merges traceable"] >= 1


# --------------------------------------------------------------------------- shared state


@pytest.fixture(scope="module")
def prefix() -> Iterator[str]:
    with redis_key_prefix() as name:
        yield name


@pytest.fixture(scope="module")
def pair(
    small_databases: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory, prefix: str
) -> Iterator[tuple[Server, Server]]:
    """Servers A and B on one copy of the small corpus, rate limits counted in Redis."""
    url = small_databases.copy()
    tmp = tmp_path_factory.mktemp("two-servers")
    setup = make_app(url, tmp / "setup")
    with setup.app_context(), acting_as(Actor(None, "test-setup", "system")):
        for name in ("officer-a", "throttled"):
            auth_ops.create_user(
                username=name, display_name=name.title(), password=PASSWORD, role="secretariat"
            )
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    limits = {
        "RKC_RATELIMIT_ENABLED": "true",
        "RKC_RATELIMIT_STORAGE_URI": REDIS,
        "RKC_RATELIMIT_KEY_PREFIX": prefix,
        "RKC_RATELIMIT_SEARCH": "3 per minute",
        "RKC_RATELIMIT_LOGIN": "1000 per minute",  # the throttle, not the limiter, is tested
    }
    a, b = load_run.start_servers(url, tmp, range(2), workers=1, **limits)
    try:
        yield a, b
    finally:
        a.stop()
        b.stop()
        small_databases.drop(url)


def _same_person(browser: Browser, url: str) -> Browser:
    """Another browser on server `url` carrying `browser`'s cookies and CSRF token."""
    other = Browser(url)
    other.cookies = dict(browser.cookies)
    other.csrf = browser.csrf
    return other


def test_a_session_from_server_a_is_honoured_by_server_b(pair: tuple[Server, Server]) -> None:
    a, b = pair
    on_a = Browser(a.url)
    assert on_a.log_in("officer-a", PASSWORD).status == 302
    on_b = _same_person(on_a, b.url)
    page = on_b.get("/account")
    assert page.status == 200, page.status
    assert "officer-a" in page.text
    assert Browser(b.url).get("/account").status == 302  # B does ask for a session
    # A form whose CSRF token A issued is accepted by B (one secret key, one session) ...
    stale = dict(on_b.cookies)
    assert on_b.post("/logout", {}).status == 302
    # ... and logging out on B ends the copy of the signed cookie that A would still accept.
    replay = Browser(a.url)
    replay.cookies = stale
    assert replay.get("/account").status == 302


def test_a_login_throttle_counted_on_a_applies_on_b(pair: tuple[Server, Server]) -> None:
    a, b = pair
    on_a, on_b = Browser(a.url), Browser(b.url)
    token_a = form_token(on_a.get("/login").text)
    token_b = form_token(on_b.get("/login").text)
    wrong = {"username": "throttled", "password": "not the password at all"}
    for _ in range(auth_ops.PAIR_FREE_ATTEMPTS):
        assert on_a.request("POST", "/login", {"csrf_token": token_a, **wrong}).status == 401
    # B has seen no attempt of its own: without A's count it would allow five. It refuses at
    # once (or, on a machine so slow that the first delay ran out on the way, at the next).
    answers = [
        on_b.request("POST", "/login", {"csrf_token": token_b, **wrong}).status for _ in range(2)
    ]
    assert 429 in answers, answers
    refused = on_b.request("POST", "/login", {"csrf_token": token_b, **wrong})
    assert refused.status == 429
    assert int(refused.headers["retry-after"]) >= 1


def test_a_rate_limit_counted_on_a_applies_on_b(pair: tuple[Server, Server]) -> None:
    a, b = pair
    on_a, on_b = Browser(a.url), Browser(b.url)
    for _ in range(3):
        assert on_a.get("/search?q=customs").status == 200
    refused = on_b.get("/search?q=customs")
    assert refused.status == 429
    assert int(refused.headers["retry-after"]) > 0
    assert on_b.get("/w/rkc").status == 200  # reading is not limited
