"""A client per person for the API tests: each request carries that person's token."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import func, select

from rkc.audit import Actor, acting_as
from rkc.auth import operations as auth_ops
from rkc.extensions import db

from ..helpers import user


class Api:
    """A test client per person, each sending that person's write token ("read_only": the
    Secretariat's read-only token)."""

    def __init__(self, app: Flask, people: dict) -> None:
        self.app = app
        self.people = people
        self.tokens: dict[str, str] = {}
        with acting_as(Actor(None, "test-setup", "system")):
            for key, person in people.items():
                self.tokens[key] = auth_ops.issue_token(user(person), "api")[1]
            self.tokens["read_only"] = auth_ops.issue_token(
                user(people["secretariat"]), "read", scope="read"
            )[1]
        db.session.commit()

    def headers(self, who: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}

    def get(self, who: str | None, url: str):  # type: ignore[no-untyped-def]
        return self.app.test_client().get(url, headers=self.headers(who))

    def send(self, who: str | None, method: str, url: str, body: Any = None, **kwargs: Any):  # type: ignore[no-untyped-def]
        return self.app.test_client().open(
            url, method=method, json=body, headers=self.headers(who), **kwargs
        )

    def post(self, who: str | None, url: str, body: Any = None, **kwargs: Any):  # type: ignore[no-untyped-def]
        return self.send(who, "POST", url, body, **kwargs)

    def refused(self, url: str, body: Any, allowed: str = "secretariat") -> None:
        """Everyone but `allowed` is refused: 401 without a token, 403 for another role or
        a read-only token."""
        assert self.post(None, url, body).status_code == 401, url
        others = [w for w in ("delegate_a", "delegate_b", "observer", "admin") if w != allowed]
        if allowed != "secretariat":
            others.append("secretariat")
        else:
            others.append("read_only")
        for who in others:
            assert self.post(who, url, body).status_code == 403, (who, url)


def count(model: type) -> int:
    """Rows of `model` as the database holds them (after the request's own rollback)."""
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model)) or 0
