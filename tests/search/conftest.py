"""Helpers for the search tests: ask the API (the page gives the same answers, see
test_views.py) and change the small corpus through the real text-store operations."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient

from rkc.convention import operations as ops
from rkc.convention import queries
from rkc.convention.models import Edition
from rkc.extensions import db


def find(client: FlaskClient, q: str = "", **params: Any) -> dict[str, Any]:
    """GET /api/v1/search and return its JSON (asserting a 200: search never fails)."""
    response = client.get("/api/v1/search", query_string={"q": q, **params})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()


def keys(answer: dict[str, Any]) -> list[str]:
    return [hit["key"] for hit in answer["hits"]]


def draft() -> Edition:
    work = queries.work_by_key("rkc")
    edition = queries.edition_by_slug(work, "review-draft")
    assert edition is not None
    return edition


def revise_in_draft(key: str, text: str) -> None:
    """Change one unit's text in the working draft and commit (the draft stays a draft)."""
    edition = draft()
    node = queries.node_by_key(key)
    current = ops.current_revision(edition, node)
    ops.revise(edition, node, expected_revision_id=current.id, text=text)
    db.session.commit()


def publish_draft(in_force_from: date, adopted_on: date | None = None) -> None:
    ops.freeze(draft(), adopted_on=adopted_on or in_force_from, in_force_from=in_force_from)
    db.session.commit()


@pytest.fixture
def web(small_app) -> FlaskClient:
    return small_app.test_client()
