"""The Four-step Framework through /api/v1: members read, the Secretariat writes with a token;
each refusal is a 400 naming the member at fault, and stores nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from rkc import clock
from rkc.amendments.models import Amendment
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
from rkc.review.models import Meeting

from ..helpers import create_people, user
from .fixtures import review_context
from .framework_fixtures import framework_context, rkc_amendment, step_four

OPERATIONS = {
    "GET /concepts": "list_concepts",
    "POST /concepts": "create_concept",
    "GET /framework/criteria": "list_criteria",
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
        if path.startswith(("/concepts", "/proposals", "/components", "/framework"))
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


# --------------------------------------------------------------------------- criteria, one component


def test_members_read_the_criteria_the_secretariat_keeps(small_app, world):  # type: ignore[no-untyped-def]
    client = small_app.test_client()
    assert client.get("/api/v1/framework/criteria").status_code == 401
    db.session.rollback()
    with acting_as(Actor(None, "t", "system")):
        added = fw.add_criterion("Measurable benefit for trade")
        retired = fw.add_criterion("Agreed by every party")
        fw.retire_criterion(retired)
    db.session.commit()
    ids = (world["criterion_id"], added.id, retired.id)
    for role in ("delegate_a", "observer", "secretariat", "admin"):
        response = client.get("/api/v1/framework/criteria", headers=world["headers"][role])
        assert response.status_code == 200
        criteria = response.get_json()["criteria"]
        assert [(c["id"], c["text"], c["active"]) for c in criteria] == [
            (ids[0], "Consistent with the Convention's principles", True),
            (ids[1], "Measurable benefit for trade", True),
            (ids[2], "Agreed by every party", False),
        ]
        assert [c["position"] for c in criteria] == sorted(c["position"] for c in criteria)


def test_one_component_with_its_evaluation_history_and_drafts(small_app, world):  # type: ignore[no-untyped-def]
    client = small_app.test_client()
    observer = world["headers"]["observer"]
    url = f"/api/v1/components/{world['component_id']}"
    assert client.get(url).status_code == 401
    shown = client.get(url, headers=observer).get_json()
    assert (shown["id"], shown["concept"], shown["step"], shown["outcome"]) == (
        world["component_id"],
        "AEO",
        4,
        "rkc",
    )
    assert shown["evaluations"] == [
        {
            "criterion": world["criterion_id"],
            "text": "Consistent with the Convention's principles",
            "active": True,
            "met": True,
            "note": "",
        }
    ]
    assert [(m["from_step"], m["to_step"]) for m in shown["moves"]] == [(1, 2), (2, 3), (3, 4)]
    assert shown["history"] == []
    assert shown["drafts"] == [world["framework_amendment_id"]]
    # The split one: its history names both successors; a successor names where it came from.
    split = client.get(f"/api/v1/components/{world['split_id']}", headers=observer).get_json()
    assert split["state"] == "split"
    assert [(h["kind"], h["predecessor"]) for h in split["history"]] == [
        ("split", world["split_id"]),
        ("split", world["split_id"]),
    ]
    assert world["successor_id"] in [h["successor"] for h in split["history"]]
    part = client.get(f"/api/v1/components/{world['successor_id']}", headers=observer).get_json()
    assert [(h["kind"], h["predecessor"], h["successor"]) for h in part["history"]] == [
        ("split", world["split_id"], world["successor_id"])
    ]
    assert (part["evaluations"], part["moves"], part["drafts"]) == ([], [], [])
    # A retired criterion stays on the evaluation that used it.
    db.session.rollback()
    with acting_as(Actor(None, "t", "system")):
        fw.retire_criterion(fw.active_criteria()[0])
    db.session.commit()
    again = client.get(url, headers=observer).get_json()
    assert [(e["criterion"], e["active"]) for e in again["evaluations"]] == [
        (world["criterion_id"], False)
    ]
    assert client.get("/api/v1/components/99999", headers=observer).status_code == 404


def test_an_amendments_answer_carries_its_framework_place(small_app, world):  # type: ignore[no-untyped-def]
    client = small_app.test_client()
    delegate = world["headers"]["delegate_a"]
    amendment_id = world["framework_amendment_id"]
    answer = client.get(f"/api/v1/amendments/{amendment_id}", headers=delegate).get_json()
    db.session.rollback()
    proponent = db.session.get(Component, world["component_id"]).proposal.proponent
    assert answer["framework"] == {
        "concept": "AEO",
        "concept_name": "Authorised operators",
        "proposal": world["proposal_id"],
        "proponent": proponent,
        "component": world["component_id"],
        "component_title": "Define an authorised operator",
        "state": "active",
        "step": 4,
        "outcome": "rkc",
        "rkc_part": "general",
        "other_components": [],
    }
    # An amendment no component took: null.
    db.session.rollback()
    with acting_as(Actor(None, "t", "system")):
        other = rkc_amendment(world["people"], " Not a draft text.")
    db.session.commit()
    unlinked = client.get(f"/api/v1/amendments/{other.id}", headers=delegate).get_json()
    assert "framework" in unlinked
    assert unlinked["framework"] is None
    # Its component split: the link stays with the retired component, which the answer names.
    db.session.rollback()
    with acting_as(Actor(None, "t", "system")):
        fw.split_component(db.session.get(Component, world["component_id"]), ["One", "Two"])
    db.session.commit()
    answer = client.get(f"/api/v1/amendments/{amendment_id}", headers=delegate).get_json()
    assert (answer["framework"]["component"], answer["framework"]["state"]) == (
        world["component_id"],
        "split",
    )
    # An active component takes it too: the answer names that one, and the retired one after.
    db.session.rollback()
    with acting_as(Actor(None, "t", "system")):
        later = db.session.get(Component, world["successor_id"])
        step_four(later, db.session.get(Meeting, world["meeting_id"]))
        fw.link_draft(later, db.session.get(Amendment, amendment_id))
    db.session.commit()
    place = client.get(f"/api/v1/amendments/{amendment_id}", headers=delegate).get_json()
    assert (place["framework"]["component"], place["framework"]["state"]) == (
        world["successor_id"],
        "active",
    )
    assert place["framework"]["component_title"] == "Simplified declarations"
    assert place["framework"]["other_components"] == [world["component_id"]]
