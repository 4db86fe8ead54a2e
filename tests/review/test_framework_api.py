"""The Four-step Framework through /api/v1: members read, the Secretariat writes with a token;
each refusal is a 400 naming the member at fault, and stores nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from rkc import clock
from rkc.audit import Actor, acting_as
from rkc.auth import operations as auth_ops
from rkc.extensions import db
from rkc.review import framework as fw
from rkc.review.framework_models import (
    Component,
    ComponentComment,
    ComponentDraft,
    Concept,
    Proposal,
    StepMove,
)

from ..helpers import create_people, user
from .fixtures import review_context
from .framework_fixtures import framework_context, rkc_amendment

OPERATIONS = {
    "GET /concepts": "list_concepts",
    "POST /concepts": "create_concept",
    "GET /proposals": "list_proposals",
    "POST /proposals": "create_proposal",
    "GET /proposals/{proposal_id}": "show_proposal",
    "GET /components/{component_id}": "show_component",
    "POST /components/{component_id}/step": "move_component_step",
    "POST /components/{component_id}/outcome": "set_component_outcome",
    "POST /components/{component_id}/evaluation": "evaluate_component",
    "POST /components/{component_id}/drafts": "link_component_draft",
    "POST /components/{component_id}/consultation": "set_component_consultation",
    "POST /components/{component_id}/split": "split_component",
    "POST /components/{component_id}/merge": "merge_components",
    "GET /components/{component_id}/comments": "list_component_comments",
    "POST /components/{component_id}/comments": "comment_on_component",
}


@pytest.fixture
def world(small_app):  # type: ignore[no-untyped-def]
    people = create_people()
    review = review_context(people)
    ids = framework_context(people, review)
    with acting_as(Actor(None, "test-setup", "system")):
        secrets = {
            role: auth_ops.issue_token(user(people[role]), "api")[1]
            for role in ("secretariat", "delegate_a", "observer", "admin")
        }
    db.session.commit()
    headers = {role: {"Authorization": f"Bearer {s}"} for role, s in secrets.items()}
    return {"people": people, "headers": headers, **review, **ids}


def _count(model) -> int:  # type: ignore[no-untyped-def]
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def _refused(response, field: str) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 400, response.get_json()
    body = response.get_json()
    assert body["field"] == field, body
    return body["message"]


def test_the_openapi_document_describes_every_framework_operation(small_app):  # type: ignore[no-untyped-def]
    document = small_app.test_client().get("/api/v1/openapi.json").get_json()
    found = {
        f"{method.upper()} {path}": op["operationId"]
        for path, item in document["paths"].items()
        for method, op in item.items()
        if path.startswith(("/concepts", "/proposals", "/components"))
    }
    assert found == OPERATIONS
    step = document["paths"]["/components/{component_id}/step"]["post"]
    assert step["security"] == [{"token": []}]
    assert {"400", "401", "403", "404"} <= set(step["responses"])
    assert "ComponentOut" in document["components"]["schemas"]


def test_members_read_concepts_proposals_and_components(small_app, world):  # type: ignore[no-untyped-def]
    client = small_app.test_client()
    assert client.get("/api/v1/concepts").status_code == 401
    observer = world["headers"]["observer"]
    concepts = client.get("/api/v1/concepts", headers=observer).get_json()["concepts"]
    assert [(c["code"], c["proposals"], c["components"]) for c in concepts] == [("AEO", 1, 3)]
    proposal = client.get(f"/api/v1/proposals/{world['proposal_id']}", headers=observer)
    data = proposal.get_json()
    assert (data["party"], data["co_sponsors"], data["track"]) == ("AUT", ["CAN"], "A")
    assert data["document"] == "RK0001E1"
    assert len(data["components"]) == 4  # two, one of them split in two
    split = next(c for c in data["components"] if c["id"] == world["split_id"])
    assert split["state"] == "split"
    assert len(split["successors"]) == 2
    component = client.get(f"/api/v1/components/{world['component_id']}", headers=observer)
    shown = component.get_json()
    assert (shown["step"], shown["outcome"], shown["rkc_part"]) == (4, "rkc", "general")
    assert shown["drafts"] == [world["framework_amendment_id"]]
    comments = client.get(
        f"/api/v1/components/{world['component_id']}/comments", headers=observer
    ).get_json()
    assert [c["body"] for c in comments["comments"]] == ["Canada supports it."]
    assert client.get("/api/v1/components/99999", headers=observer).status_code == 404


def test_only_the_secretariat_writes(small_app, world):  # type: ignore[no-untyped-def]
    client = small_app.test_client()
    for role in ("delegate_a", "observer", "admin"):
        response = client.post(
            "/api/v1/concepts",
            json={"code": "AR", "name": "Advance rulings"},
            headers=world["headers"][role],
        )
        assert response.status_code == 403
        response = client.post(
            f"/api/v1/components/{world['successor_id']}/step",
            json={"step": 2},
            headers=world["headers"][role],
        )
        assert response.status_code == 403
    assert _count(Concept) == 1
    made = client.post(
        "/api/v1/concepts",
        json={"code": "AR", "name": "Advance rulings"},
        headers=world["headers"]["secretariat"],
    )
    assert made.status_code == 201
    proposal = client.post(
        "/api/v1/proposals",
        json={
            "concept": "AR",
            "title": "Rulings on origin",
            "organisation": "International Chamber of Commerce",
            "submitted_on": "2019-11-04",
            "track": "B",
            "components": ["Scope", "Validity"],
        },
        headers=world["headers"]["secretariat"],
    )
    assert proposal.status_code == 201
    assert proposal.get_json()["proponent"] == "International Chamber of Commerce"
    assert [c["step"] for c in proposal.get_json()["components"]] == [1, 1]


def test_bad_proposals_are_refused_naming_the_member(small_app, world):  # type: ignore[no-untyped-def]
    client = small_app.test_client()
    secretariat = world["headers"]["secretariat"]
    base = {"concept": "AEO", "title": "T", "submitted_on": "2020-01-01", "components": ["C"]}
    cases = [
        ({**base, "concept": "NOPE", "party": "AUT"}, "concept"),
        (base, "party"),  # neither a party nor an organisation
        ({**base, "party": "AUT", "organisation": "WTO"}, "party"),
        ({**base, "party": "AUT", "co_sponsors": ["AUT"]}, "co_sponsors"),
        ({**base, "party": "ZZZ"}, "party"),
        ({**base, "party": "AUT", "track": "C"}, "track"),
        ({**base, "party": "AUT", "components": []}, "components"),
        ({**base, "party": "AUT", "submitted_on": "2020-13-01"}, "submitted_on"),
        ({**base, "party": "AUT", "colour": "red"}, "colour"),
    ]
    for body, field in cases:
        _refused(client.post("/api/v1/proposals", json=body, headers=secretariat), field)
    assert _count(Proposal) == 1


def test_steps_outcomes_evaluations_and_drafts_keep_their_rules(small_app, world):  # type: ignore[no-untyped-def]
    client = small_app.test_client()
    secretariat = world["headers"]["secretariat"]
    url = f"/api/v1/components/{world['successor_id']}"
    moves = _count(StepMove)
    assert "not skipped" in _refused(
        client.post(f"{url}/step", json={"step": 3}, headers=secretariat), "step"
    )
    _refused(client.post(f"{url}/step", json={"step": 7}, headers=secretariat), "step")
    _refused(client.post(f"{url}/step", json={"step": "2"}, headers=secretariat), "step")
    _refused(
        client.post(f"{url}/outcome", json={"outcome": "guidelines"}, headers=secretariat),
        "outcome",
    )
    assert _count(StepMove) == moves
    assert client.post(f"{url}/step", json={"step": 2}, headers=secretariat).status_code == 200
    _refused(
        client.post(f"{url}/outcome", json={"outcome": "rkc"}, headers=secretariat), "rkc_part"
    )
    _refused(client.post(f"{url}/step", json={"step": 1}, headers=secretariat), "reason")
    done = client.post(
        f"{url}/outcome", json={"outcome": "guidelines"}, headers=secretariat
    ).get_json()
    assert done["outcome"] == "guidelines"
    assert client.post(f"{url}/step", json={"step": 3}, headers=secretariat).status_code == 200
    criterion = world["criterion_id"]
    _refused(
        client.post(
            f"{url}/evaluation",
            json={"results": [], "qualified": True, "meeting": world["meeting_id"]},
            headers=secretariat,
        ),
        f"criterion_{criterion}",
    )
    _refused(
        client.post(
            f"{url}/evaluation",
            json={
                "results": [{"criterion": criterion, "met": True}],
                "qualified": True,
                "meeting": 9999,
            },
            headers=secretariat,
        ),
        "meeting",
    )
    evaluated = client.post(
        f"{url}/evaluation",
        json={
            "results": [{"criterion": criterion, "met": False, "note": "No"}],
            "qualified": False,
            "meeting": world["meeting_id"],
        },
        headers=secretariat,
    ).get_json()
    assert evaluated["qualified"] is False
    # Not qualified: Step 4 only on a decision, a reason and a meeting.
    _refused(client.post(f"{url}/step", json={"step": 4}, headers=secretariat), "reason")
    _refused(
        client.post(f"{url}/step", json={"step": 4, "reason": "Asked for"}, headers=secretariat),
        "meeting",
    )
    db.session.rollback()  # a fresh transaction: the requests wrote since
    with acting_as(Actor(None, "t", "system")):
        amendment = rkc_amendment(world["people"], " Via the API.")
    db.session.commit()
    amendment_id = amendment.id
    _refused(
        client.post(f"{url}/drafts", json={"amendment": amendment_id}, headers=secretariat),
        "amendment",
    )
    decided = client.post(
        f"{url}/step",
        json={
            "step": 4,
            "reason": "The Committee asked for a text",
            "meeting": world["meeting_id"],
        },
        headers=secretariat,
    ).get_json()
    assert decided["decision_meeting"] == world["meeting_id"]
    drafts = _count(ComponentDraft)
    # A Guidelines component takes no amendment of the Convention.
    message = _refused(
        client.post(f"{url}/drafts", json={"amendment": amendment_id}, headers=secretariat),
        "amendment",
    )
    assert "the Guidelines" in message
    assert _count(ComponentDraft) == drafts


def test_comments_are_refused_once_the_window_closed(small_app, world):  # type: ignore[no-untyped-def]
    client = small_app.test_client()
    url = f"/api/v1/components/{world['component_id']}"
    today = clock.today()
    _refused(
        client.post(
            f"{url}/consultation",
            json={"opens": today.isoformat(), "closes": (today - timedelta(1)).isoformat()},
            headers=world["headers"]["secretariat"],
        ),
        "closes",
    )
    db.session.rollback()
    with acting_as(Actor(None, "t", "system")):
        fw.set_consultation(
            db.session.get(Component, world["component_id"]),
            opens=today - timedelta(20),
            closes=today - timedelta(1),
        )
    db.session.commit()
    before = _count(ComponentComment)
    message = _refused(
        client.post(f"{url}/comments", json={"body": "Late"}, headers=world["headers"]["observer"]),
        "body",
    )
    assert "closed on" in message
    assert _count(ComponentComment) == before
    assert (
        client.post(
            f"{url}/comments", json={"body": "Admin"}, headers=world["headers"]["admin"]
        ).status_code
        == 403
    )


def test_split_and_merge_through_the_api(small_app, world):  # type: ignore[no-untyped-def]
    client = small_app.test_client()
    secretariat = world["headers"]["secretariat"]
    url = f"/api/v1/components/{world['successor_id']}"
    _refused(client.post(f"{url}/split", json={"titles": ["One"]}, headers=secretariat), "titles")
    parts = client.post(f"{url}/split", json={"titles": ["A", "B"]}, headers=secretariat)
    assert parts.status_code == 200
    a, b = (c["id"] for c in parts.get_json()["components"])
    merged = client.post(
        f"/api/v1/components/{a}/merge",
        json={"components": [b], "title": "A and B"},
        headers=secretariat,
    ).get_json()
    assert sorted(merged["predecessors"]) == [a, b]
    again = client.post(f"{url}/step", json={"step": 2}, headers=secretariat)
    assert "split" in _refused(again, "component")
