"""The review register through /api/v1: members read, the Secretariat writes with a token."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from rkc.audit import Actor, acting_as
from rkc.auth import operations as auth_ops
from rkc.extensions import db
from rkc.review.models import Meeting

from ..helpers import create_people, user
from .fixtures import review_context


@pytest.fixture
def tokens(small_app):
    people = create_people()
    with acting_as(Actor(None, "test-setup", "system")):
        made = {
            role: auth_ops.issue_token(user(people[role]), "api")[1]
            for role in ("secretariat", "delegate_a")
        }
        _t, made["read_only"] = auth_ops.issue_token(
            user(people["secretariat"]), "read", scope="read"
        )
    db.session.commit()
    return {role: {"Authorization": f"Bearer {secret}"} for role, secret in made.items()}


MEETING = {
    "body": "RKC/MC",
    "number": 24,
    "starts_on": "2027-10-04",
    "ends_on": "2027-10-06",
    "mode": "in_person",
    "languages": ["en", "fr"],
}


def test_members_read_meetings_agenda_and_documents(small_app, tokens):
    ctx = review_context()
    client = small_app.test_client()
    assert client.get("/api/v1/meetings").status_code == 401
    listed = client.get("/api/v1/meetings", headers=tokens["delegate_a"]).get_json()
    assert [m["ordinal"] for m in listed["meetings"]] == ["23rd"]
    shown = client.get(f"/api/v1/meetings/{ctx['meeting_id']}", headers=tokens["delegate_a"])
    data = shown.get_json()
    assert [(i["number"], i["purpose"]) for i in data["agenda"]] == [
        ("I", "decision"),
        ("II", "information"),
    ]
    assert data["documents"][0]["symbol"] == "RK0001E1"
    document = client.get(
        f"/api/v1/documents/{ctx['document_id']}", headers=tokens["delegate_a"]
    ).get_json()
    assert document["file_url"] == f"/documents/{ctx['document_id']}/file"


def test_the_secretariat_writes_with_a_write_token_and_no_one_else(small_app, tokens):
    client = small_app.test_client()
    assert (
        client.post("/api/v1/meetings", json=MEETING, headers=tokens["delegate_a"]).status_code
        == 403
    )
    assert (
        client.post("/api/v1/meetings", json=MEETING, headers=tokens["read_only"]).status_code
        == 403
    )
    created = client.post("/api/v1/meetings", json=MEETING, headers=tokens["secretariat"])
    assert created.status_code == 201
    meeting_id = created.get_json()["id"]
    again = client.post("/api/v1/meetings", json=MEETING, headers=tokens["secretariat"])
    assert again.status_code == 400
    assert "already has a 24th session" in again.get_json()["message"]
    added = client.post(
        f"/api/v1/meetings/{meeting_id}/agenda",
        json={"title": "Opening", "purpose": "information"},
        headers=tokens["secretariat"],
    )
    assert added.status_code == 201
    assert added.get_json()["items"][0]["number"] == "I"
    db.session.rollback()
    assert db.session.scalar(select(func.count(Meeting.id))) == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({**MEETING, "ends_on": "2027-10-01"}, "Ends on"),
        ({**MEETING, "starts_on": "2027-13-01"}, "not a date"),
        ({**MEETING, "body": "XX"}, "no body has the code"),
        ({**MEETING, "extra": 1}, "extra: not a member"),
        ({**MEETING, "number": "23"}, "number: must be a whole number"),
    ],
)
def test_bad_input_is_a_clear_400_and_nothing_is_stored(small_app, tokens, body, message):
    response = small_app.test_client().post(
        "/api/v1/meetings", json=body, headers=tokens["secretariat"]
    )
    assert response.status_code == 400
    assert message in response.get_json()["message"]
    db.session.rollback()
    assert db.session.scalar(select(func.count(Meeting.id))) == 0
