"""Per-address rate limits on the costly routes (issue 12 item 4), counted in the real Redis.

Six parallel anonymous exports used to hold every worker; nothing bounded how often one
address could ask for a PDF, a search, an import or a log-in. Each test has its own key
prefix in Redis and removes only its own keys.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from .conftest import DatabaseFactory, make_app
from .helpers import REDIS, create_people, csrf_token, log_in, redis_key_prefix

ELSEWHERE = {"REMOTE_ADDR": "192.0.2.77"}


@pytest.fixture
def prefix() -> Iterator[str]:
    with redis_key_prefix() as name:
        yield name


@pytest.fixture
def limited(small_databases: DatabaseFactory, tmp_path: Path, prefix: str) -> Iterator[callable]:
    """Apps ("workers") on one database copy, with the limits on and counted in Redis."""
    url = small_databases.copy()
    made: list[Flask] = []

    def worker(**extra: object) -> Flask:
        settings = {
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": REDIS,
            "RATELIMIT_KEY_PREFIX": prefix,
            "RATELIMIT_EXPORTS": "2 per minute",
            "RATELIMIT_SEARCH": "3 per minute",
            "RATELIMIT_LOGIN": "2 per minute",
            "RATELIMIT_IMPORTS": "1 per minute",
            **extra,
        }
        app = make_app(url, tmp_path / f"instance-{len(made)}", **settings)
        made.append(app)
        return app

    yield worker
    from rkc.extensions import db

    for app in made:
        with app.app_context():
            db.engine.dispose()
    small_databases.drop(url)


def test_exports_are_limited_per_address_with_retry_after(limited):
    client = limited().test_client()
    for _ in range(2):
        assert client.get("/w/rkc/export.akn?edition=2006&node=ga/3").status_code == 200
    refused = client.get("/w/rkc/export.akn?edition=2006&node=ga/3")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "Too many requests" in refused.get_data(as_text=True)
    # Every download shares the budget: another format or the comparison is refused too ...
    assert client.get("/w/rkc/compare.pdf?node=ga/3").status_code == 429
    # ... while reading pages is not limited, nor is another address.
    assert client.get("/w/rkc").status_code == 200
    other = client.get("/w/rkc/export.akn?edition=2006&node=ga/3", environ_base=ELSEWHERE)
    assert other.status_code == 200


def test_search_answers_429_in_json_under_the_api(limited):
    client = limited().test_client()
    for _ in range(3):
        assert client.get("/api/v1/search", query_string={"q": "appeal"}).status_code == 200
    refused = client.get("/search", query_string={"q": "appeal"})  # the page shares the budget
    assert refused.status_code == 429
    api = client.get("/api/v1/search", query_string={"q": "appeal"})
    assert api.status_code == 429
    assert api.get_json()["error"] == "Too Many Requests"
    assert "Retry-After" in api.headers


def test_login_posts_are_limited_but_the_form_is_not(limited):
    client = limited().test_client()
    wrong = {"csrf_token": csrf_token(client), "username": "nobody", "password": "wrong"}
    for _ in range(2):
        assert client.post("/login", data=wrong).status_code != 429
    assert client.post("/login", data=wrong).status_code == 429
    assert client.get("/login").status_code == 200


def test_imports_are_limited(limited):
    app = limited()
    with app.app_context():
        create_people()
    client = app.test_client()
    log_in(client, "delegate-a")
    token = csrf_token(client, "/amendments/import")
    first = client.post("/amendments/import", data={"csrf_token": token})
    assert first.status_code == 400  # no file: the form says so, and it counts
    second = client.post("/amendments/import", data={"csrf_token": token})
    assert second.status_code == 429
    assert client.get("/amendments/import").status_code == 200  # the form itself is not limited


def test_two_workers_share_one_count(limited):
    """Counted in Redis, not in each process: a second worker does not double the budget."""
    first, second = limited().test_client(), limited().test_client()
    assert first.get("/w/rkc/export.akn?edition=2006&node=ga/3").status_code == 200
    assert second.get("/w/rkc/export.akn?edition=2006&node=ga/3").status_code == 200
    assert first.get("/w/rkc/export.akn?edition=2006&node=ga/3").status_code == 429
    assert second.get("/w/rkc/export.akn?edition=2006&node=ga/3").status_code == 429


def test_forwarded_addresses_count_only_behind_configured_proxies(limited):
    url = "/w/rkc/export.akn?edition=2006&node=ga/3"
    direct = limited().test_client()
    for n in range(2):
        assert direct.get(url, headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code == 200
    # Without PROXY_FIX_HOPS a forged X-Forwarded-For does not buy a fresh budget.
    forged = direct.get(url, headers={"X-Forwarded-For": "198.51.100.9"})
    assert forged.status_code == 429
    behind = limited(PROXY_FIX_HOPS=1).test_client()
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for n in range(3):  # three readers behind one proxy: each has a budget of its own
        answer = behind.get(url, headers={"X-Forwarded-For": f"203.0.113.{n}"}, environ_base=proxy)
        assert answer.status_code == 200


def test_limits_can_be_turned_off(limited):
    client = limited(RATELIMIT_ENABLED=False).test_client()
    for _ in range(4):
        assert client.get("/w/rkc/export.akn?edition=2006&node=ga/3").status_code == 200
