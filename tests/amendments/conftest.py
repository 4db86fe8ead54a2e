"""Fixtures for the amendment tests: people of every role and the small corpus's working draft."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from rkc.amendments import models as m
from rkc.amendments.proposing import _current
from rkc.audit import Actor, acting_as
from rkc.audit.models import AuditEvent
from rkc.auth.models import User
from rkc.convention import queries as text_queries
from rkc.convention.models import Edition, Node
from rkc.extensions import db

from ..helpers import Person, create_people


@dataclass
class World:
    """What an amendment test needs: the people, the draft, and shortcuts to both."""

    people: dict[str, Person]
    draft: Edition

    def user(self, key: str) -> User:
        found = db.session.get(User, self.people[key].user_id)
        assert found is not None
        return found

    def node(self, key: str) -> Node:
        found = text_queries.node_by_key(key)
        assert found is not None, key
        return found

    def text(self, key: str) -> str:
        current = _current(self.draft, self.node(key))
        return current.text

    def revision_id(self, key: str) -> int:
        return _current(self.draft, self.node(key)).id


@pytest.fixture
def world(small_app) -> World:  # type: ignore[no-untyped-def]
    people = create_people()
    work = text_queries.work_by_key("rkc")
    assert work is not None
    draft = text_queries.edition_by_slug(work, "review-draft")
    assert draft is not None
    return World(people, draft)


@pytest.fixture
def bi(app) -> World:  # type: ignore[no-untyped-def]
    """The full corpus's working draft, which holds English and French (issue 13)."""
    people = create_people()
    work = text_queries.work_by_key("rkc")
    draft = text_queries.edition_by_slug(work, "review-draft")
    assert draft is not None
    return World(people, draft)


@pytest.fixture
def actor():  # type: ignore[no-untyped-def]
    """Operations record the audit actor: a system actor for direct calls in tests."""
    with acting_as(Actor(None, "test", "system")) as current:
        yield current


def counts() -> dict[str, int]:
    """Rows in every amendment table and the audit log: "nothing stored" compares two of these."""
    tables = [
        m.Amendment,
        m.AmendmentRevision,
        m.AmendmentTransition,
        m.AmendmentSponsor,
        m.AmendmentPosition,
        m.AmendmentPositionChange,
        m.AmendmentComment,
        m.AmendmentReader,
        AuditEvent,
    ]
    return {t.__tablename__: db.session.scalar(select(func.count()).select_from(t)) for t in tables}
