"""Helpers shared by tests: people of every role, logging in through the real form."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask.testing import FlaskClient
from sqlalchemy import event, select

from rkc.audit import Actor, acting_as
from rkc.auth import operations as auth_ops
from rkc.auth.models import User
from rkc.extensions import db
from rkc.parties.models import Party

PASSWORD = "correct horse battery staple"

#: role name used in tests -> (role, party ISO3)
PEOPLE = {
    "delegate_a": ("delegate", "AUT"),
    "delegate_b": ("delegate", "CAN"),
    "delegate_c": ("delegate", "KHM"),
    "observer": ("observer", None),
    "secretariat": ("secretariat", None),
    "admin": ("admin", None),
}


@dataclass
class Person:
    key: str
    user_id: int
    username: str
    party_id: int | None


def party(iso3: str) -> Party:
    found = db.session.scalar(select(Party).where(Party.iso3 == iso3))
    if found is None:
        found = Party(name=f"Test party {iso3}", iso3=iso3)
        db.session.add(found)
        db.session.flush()
    return found


def create_people() -> dict[str, Person]:
    """One account per role (delegates of three parties); committed."""
    people = {}
    with acting_as(Actor(None, "test-setup", "system")):
        for key, (role, iso3) in PEOPLE.items():
            user = auth_ops.create_user(
                username=key.replace("_", "-"),
                display_name=key.replace("_", " ").title(),
                password=PASSWORD,
                role=role,
                party=party(iso3) if iso3 else None,
                organisation="Observer organisation" if role == "observer" else "",
            )
            people[key] = Person(key, user.id, user.username, user.party_id)
    db.session.commit()
    return people


def csrf_token(client: FlaskClient, url: str = "/login") -> str:
    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def log_in(client: FlaskClient, username: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    token = csrf_token(client)
    return client.post(
        "/login", data={"csrf_token": token, "username": username, "password": password}
    )


def user(person: Person) -> User:
    found = db.session.get(User, person.user_id)
    assert found is not None
    return found


REDIS = "redis://127.0.0.1:6379/0"


@contextmanager
def redis_key_prefix() -> Iterator[str]:
    """A rate-limit key prefix of the test's own; its keys are removed from Redis at the end
    (and nobody else's)."""
    import redis

    name = f"rkc-test-{uuid.uuid4().hex}"
    yield name
    store = redis.Redis.from_url(REDIS)
    for key in store.scan_iter(match=f"*{name}*"):
        store.delete(key)
    store.close()


@contextmanager
def selects_sent(app) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    """The SELECT statements sent to `app`'s database inside the block, one line each."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(" ".join(statement.split()))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)
