"""The JSON API for amendments: the whole workflow with tokens, visibility, errors naming the
field, 409 for stale writes, and no writing with a session cookie alone."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from rkc.amendments.models import Amendment
from rkc.audit import Actor, acting_as
from rkc.auth import operations as auth_ops
from rkc.extensions import db

from ..helpers import create_people, log_in, user
from ..interchange.helpers import edition, revise_draft
from ..interchange.markup import Markup

NEW_TEXT = "Customs shall designate and publish the offices at which goods may be cleared."


class Api:
    """A test client per person, each sending that person's token."""

    def __init__(self, app, people):  # type: ignore[no-untyped-def]
        self.app = app
        self.people = people
        self.tokens = {}
        with acting_as(Actor(None, "test-setup", "system")):
            for key, person in people.items():
                self.tokens[key] = auth_ops.issue_token(user(person), "api")[1]
        db.session.commit()

    def headers(self, who: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}

    def get(self, who: str | None, url: str):  # type: ignore[no-untyped-def]
        return self.app.test_client().get(url, headers=self.headers(who))

    def send(self, who: str | None, method: str, url: str, body=None, **kwargs):  # type: ignore[no-untyped-def]
        return self.app.test_client().open(
            url, method=method, json=body, headers=self.headers(who), **kwargs
        )

    def post(self, who: str | None, url: str, body=None, **kwargs):  # type: ignore[no-untyped-def]
        return self.send(who, "POST", url, body, **kwargs)


@pytest.fixture
def api(small_app) -> Api:  # type: ignore[no-untyped-def]
    return Api(small_app, create_people())


def _propose(api: Api, who: str = "delegate_a", **body):  # type: ignore[no-untyped-def]
    body = {
        "action": "modify",
        "node": "ga/3/3.1",
        "text": NEW_TEXT,
        "justification": "Traders need to know.",
        **body,
    }
    body = {name: value for name, value in body.items() if value is not None}
    response = api.post(who, "/api/v1/amendments", body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_delegation_proposes_revises_and_tables_and_others_respond(api):
    draft = edition("rkc", "review-draft")
    created = api.post(
        "delegate_a",
        "/api/v1/amendments",
        {"action": "modify", "node": "ga/3/3.1", "text": NEW_TEXT, "concept": "Offices"},
    )
    assert created.status_code == 201
    amendment = created.get_json()
    assert (
        created.headers["Location"] == amendment["url"] == f"/api/v1/amendments/{amendment['id']}"
    )
    assert (amendment["status"], amendment["edition"], amendment["seq"]) == (
        "draft",
        "rkc/review-draft",
        1,
    )
    assert amendment["number"] is None
    assert amendment["party_iso3"] == "AUT"
    assert {"op": "insert", "text": "and publish "} in amendment["segments"]
    assert amendment["actions"]["transitions"] == ["tabled", "withdrawn"]
    assert amendment["base_revision"] == amendment["current_revision"]
    url = amendment["url"]

    revised = api.post(
        "delegate_a",
        f"{url}/revisions",
        {"expected_seq": 1, "justification": "Traders must *know* where to go."},
    )
    assert revised.status_code == 201
    assert revised.get_json()["seq"] == 2
    assert [v["origin"] for v in revised.get_json()["versions"]] == ["proposal", "revision"]

    tabled = api.post("delegate_a", f"{url}/status", {"to": "tabled"})
    assert tabled.status_code == 200
    body = tabled.get_json()
    assert body["status"] == "tabled"
    prefix = "".join(part[0] for part in draft.slug.split("-")).upper()
    assert body["number"] == f"{prefix}/001"
    assert [(t["from"], t["to"]) for t in body["transitions"]] == [
        (None, "draft"),
        ("draft", "tabled"),
    ]

    taken = api.send("delegate_b", "PUT", f"{url}/position", {"stance": "objection"})
    assert taken.status_code == 201
    assert (taken.get_json()["party_iso3"], taken.get_json()["stance"]) == ("CAN", "objection")
    changed = api.send(
        "delegate_b", "PUT", f"{url}/position", {"stance": "reservation", "statement": "Costs."}
    )
    assert changed.status_code == 200
    assert changed.get_json()["stance"] == "reservation"

    comment = api.post("delegate_b", f"{url}/comments", {"body": "Which offices?"})
    assert comment.status_code == 201
    root = comment.get_json()
    reply = api.post("delegate_a", f"{url}/comments", {"body": "All.", "reply_to": root["id"]})
    assert reply.get_json()["thread"] == root["id"]
    resolved = api.post("delegate_b", f"{url}/comments/{reply.get_json()['id']}/resolve", {})
    assert resolved.status_code == 200
    assert (resolved.get_json()["id"], resolved.get_json()["resolved_by"]) == (
        root["id"],
        "Delegate B",
    )

    opened = api.post("secretariat", f"{url}/status", {"to": "under_discussion"})
    assert opened.status_code == 200
    final = api.get("observer", url).get_json()
    assert final["status"] == "under_discussion"
    assert [(p["party_iso3"], p["stance"]) for p in final["positions"]] == [("CAN", "reservation")]
    assert [c["body"] for c in final["comments"]] == ["Which offices?", "All."]
    assert final["comments"][0]["resolved_at"] is not None
    assert final["actions"]["transitions"] == []


def test_every_kind_of_proposal(api):
    insert = _propose(
        api,
        action="insert",
        node=None,
        text="Customs shall answer written enquiries within five working days.",
        parent="ga/3/s-a",
        after="ga/3/3.2",
        kind="standard",
        number="3.2A",
    )
    assert (insert["action"], insert["parent"], insert["after"], insert["proposed_number"]) == (
        "insert",
        "ga/3/s-a",
        "ga/3/3.2",
        "3.2A",
    )
    assert insert["target"]["label"].startswith("New Standard 3.2A after Standard 3.2")
    deletion = _propose(api, action="delete", text=None, node="ga/3/3.4")
    assert deletion["segments"][0]["op"] == "delete"
    heading = _propose(api, action="heading", text=None, title="Customs offices", node="ga/3/s-a")
    assert heading["proposed_title"] == "Customs offices"
    assert any(s["op"] == "delete" for s in heading["title_segments"])


def test_drafts_are_seen_by_their_own_party_only(api):
    draft = _propose(api)
    tabled = _propose(api, text=NEW_TEXT + " Again.")
    assert api.post("delegate_a", f"{tabled['url']}/status", {"to": "tabled"}).status_code == 200
    mine = api.get("delegate_a", "/api/v1/amendments").get_json()
    assert {a["id"] for a in mine["amendments"]} == {draft["id"], tabled["id"]}
    assert mine["count"] == 2
    for who in ("delegate_b", "observer", "secretariat"):
        seen = api.get(who, "/api/v1/amendments").get_json()["amendments"]
        assert [a["id"] for a in seen] == [tabled["id"]], who
        assert api.get(who, draft["url"]).status_code == 404
    assert api.get(None, "/api/v1/amendments").status_code == 401
    assert api.get(None, tabled["url"]).status_code == 401
    only = api.get("delegate_a", "/api/v1/amendments?scope=tabled&chapter=ga/3&party=aut")
    assert [a["id"] for a in only.get_json()["amendments"]] == [tabled["id"]]
    assert api.get("delegate_b", "/api/v1/amendments?scope=mine").get_json()["count"] == 0
    assert api.get("delegate_a", "/api/v1/amendments?party=XXX").status_code == 404
    assert api.get("delegate_a", "/api/v1/amendments?edition=rkc/nope").status_code == 404
    assert api.get("delegate_a", "/api/v1/amendments?status=maybe").status_code == 400


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        (["not", "an", "object"], None, "Send a JSON object"),
        ({"node": "ga/3/3.1"}, "action", "action: required"),
        ({"action": "amend", "node": "ga/3/3.1"}, "action", "modify, insert, delete or heading"),
        ({"action": "modify", "node": "ga/3/3.1", "txt": "x"}, "txt", "not a member"),
        ({"action": "modify", "node": "ga/3/3.1", "text": 5}, "text", "must be a string"),
        ({"action": "modify", "node": "ga/99/1", "text": "x"}, "node", "nothing has the key"),
        ({"action": "modify", "node": "ga/3/3.1", "text": ""}, "text", "Proposed text: empty"),
        ({"action": "delete", "node": "ga/3/3.1", "text": "x"}, "text", "not used by"),
        (
            {"action": "modify", "node": "ga/3/3.1", "text": "x", "base_revision": True},
            "base_revision",
            "whole number",
        ),
        (
            {"action": "modify", "node": "ga/3/3.1", "text": "x", "edition": "rkc/2006"},
            "edition",
            "not a working draft",
        ),
        (
            {"action": "insert", "parent": "ga/3/s-a", "kind": "chapter", "text": "x"},
            "kind",
            "cannot stand in",
        ),
        (
            {
                "action": "insert",
                "parent": "ga/3/s-a",
                "kind": "standard",
                "number": "3.2",
                "text": "x",
            },
            "number",
            "already exists",
        ),
    ],
)
def test_bad_proposals_answer_400_naming_the_field_and_store_nothing(api, body, field, words):
    before = db.session.scalar(select(func.count()).select_from(Amendment))
    response = api.post("delegate_a", "/api/v1/amendments", body)
    assert response.status_code == 400
    answer = response.get_json()
    assert answer["error"] == "Bad Request"
    assert answer["field"] == field
    assert words in answer["message"]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Amendment)) == before


def test_a_stale_base_revision_answers_409_with_the_current_text(api):
    base = api.get("delegate_a", "/api/v1/nodes/ga/3/3.1?edition=review-draft").get_json()
    revise_draft("ga/3/3.1", "Customs shall name the offices where goods may be cleared.")
    response = api.post(
        "delegate_a",
        "/api/v1/amendments",
        {
            "action": "modify",
            "node": "ga/3/3.1",
            "text": NEW_TEXT,
            "base_revision": base["unit"]["revision"],
        },
    )
    assert response.status_code == 409
    answer = response.get_json()
    assert answer["field"] == "base_revision"
    assert answer["current_revision"]["text"] == (
        "Customs shall name the offices where goods may be cleared."
    )
    assert answer["current_revision"]["id"] != base["unit"]["revision"]


def test_a_stale_version_answers_409_with_the_latest(api):
    amendment = _propose(api)
    url = f"{amendment['url']}/revisions"
    assert api.post("delegate_a", url, {"expected_seq": 1, "concept": "One"}).status_code == 201
    stale = api.post("delegate_a", url, {"expected_seq": 1, "concept": "Two"})
    assert stale.status_code == 409
    assert (stale.get_json()["field"], stale.get_json()["latest_seq"]) == ("expected_seq", 2)
    assert api.get("delegate_a", amendment["url"]).get_json()["concept"] == "One"


def test_roles_may_do_only_what_the_pages_allow(api):
    amendment = _propose(api)
    url = amendment["url"]
    assert api.post("observer", "/api/v1/amendments", {"action": "modify"}).status_code == 403
    assert api.post("secretariat", "/api/v1/amendments", {}).status_code == 403
    assert api.post("delegate_a", f"{url}/status", {"to": "tabled"}).status_code == 200
    refused = api.post("delegate_a", f"{url}/status", {"to": "agreed"})
    assert refused.status_code == 403
    assert "Secretariat" in refused.get_json()["message"]
    assert api.post("delegate_b", f"{url}/revisions", {"expected_seq": 1}).status_code == 403
    assert api.send("delegate_a", "PUT", f"{url}/position", {"stance": "support"}).status_code == (
        403
    )
    assert api.post("observer", f"{url}/comments", {"body": "Hello"}).status_code == 403
    early = api.post("delegate_a", f"{url}/status", {"to": "withdrawn", "reason": 7})
    assert (early.status_code, early.get_json()["field"]) == (400, "reason")
    assert api.post("delegate_a", "/api/v1/amendments/999999/status", {}).status_code == 404
    assert api.post("delegate_a", "/api/v1/amendments/99999999999/status", {}).status_code == 404


def test_a_session_cookie_reads_but_never_writes(api):
    client = api.app.test_client()
    log_in(client, api.people["delegate_a"].username)
    assert client.get("/api/v1/amendments").status_code == 200
    response = client.post(
        "/api/v1/amendments", json={"action": "modify", "node": "ga/3/3.1", "text": NEW_TEXT}
    )
    assert response.status_code == 401
    assert response.get_json()["error"] == "Unauthorized"
    wrong = client.post(
        "/api/v1/amendments",
        json={"action": "modify", "node": "ga/3/3.1", "text": NEW_TEXT},
        headers={"Authorization": f"Bearer {api.tokens['delegate_b']}"},
    )
    assert wrong.status_code == 401  # the token must be the signed-in member's own
    assert db.session.scalar(select(func.count()).select_from(Amendment)) == 0


def test_a_marked_up_word_chapter_becomes_drafts_through_the_api(api):
    from rkc.convention import queries
    from rkc.interchange import docx_export
    from rkc.interchange.queries import snapshot

    data = docx_export.export(snapshot(edition("rkc", "review-draft"), queries.node_by_key("ga/3")))
    markup = Markup(data)
    markup.edit("Customs shall designate", NEW_TEXT)
    response = api.post(
        "delegate_a",
        "/api/v1/amendments/import",
        data={"file": (io.BytesIO(markup.save()), "ga3.docx"), "concept": "Offices"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["edition"] == "rkc/review-draft"
    [made] = body["amendments"]
    assert (made["status"], made["proposed_text"], made["concept"]) == (
        "draft",
        NEW_TEXT,
        "Offices",
    )
    assert body["report"] == [
        {"where": "paragraph 8", "label": "Standard 3.1", "amendment": made["id"], "note": ""}
    ]
    refused = api.post(
        "delegate_a",
        "/api/v1/amendments/import",
        data={"file": (io.BytesIO(data), "ga3.docx")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400
    assert "no tracked insertion or deletion" in refused.get_json()["findings"][0]["reason"]
    missing = api.post(
        "delegate_a", "/api/v1/amendments/import", data={}, content_type="multipart/form-data"
    )
    assert (missing.status_code, missing.get_json()["field"]) == (400, "file")
    assert (
        api.post(
            "observer",
            "/api/v1/amendments/import",
            data={"file": (io.BytesIO(data), "ga3.docx")},
            content_type="multipart/form-data",
        ).status_code
        == 403
    )
