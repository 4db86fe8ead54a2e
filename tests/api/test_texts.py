"""The JSON API for the text: answers, visibility of drafts, errors as JSON, conditional GET."""

from __future__ import annotations

import pytest

from rkc.audit import Actor, acting_as
from rkc.auth import operations as auth_ops
from rkc.extensions import db

from ..helpers import create_people, user
from ..interchange.helpers import revise_draft


@pytest.fixture
def member_headers(app):  # type: ignore[no-untyped-def]
    people = create_people()
    with acting_as(Actor(None, "test-setup", "system")):
        _token, secret = auth_ops.issue_token(user(people["delegate_a"]), "api test")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_works_editions_and_contents(reader):
    works = reader.get("/api/v1/works").get_json()["works"]
    assert [w["key"] for w in works] == ["rkc", "guidelines"]
    work = reader.get("/api/v1/works/rkc").get_json()
    assert [e["slug"] for e in work["editions"]] == ["2006"]  # drafts are for members
    assert work["in_force_today"] == "2006"
    edition = reader.get("/api/v1/works/rkc/editions/2006").get_json()
    assert (edition["status"], edition["in_force_from"], edition["is_authentic"]) == (
        "in_force",
        "2006-02-03",
        False,
    )
    toc = reader.get(edition["toc_url"]).get_json()["toc"]
    assert {"key": "ga/3", "kind": "chapter", "number": "3"}.items() <= next(
        t for t in toc if t["key"] == "ga/3"
    ).items()
    assert all(t["kind"] not in ("standard", "note") for t in toc)


def test_a_unit_at_an_edition_or_a_date(reader):
    by_edition = reader.get("/api/v1/nodes/ga/3/3.1?edition=2006").get_json()
    by_date = reader.get("/api/v1/nodes/ga/3/3.1?on=2010-06-01").get_json()
    assert by_edition == by_date
    assert by_edition["unit"]["kind"] == "standard"
    assert by_edition["unit"]["text"].startswith("The Customs shall designate")
    assert [a["key"] for a in by_edition["ancestors"]] == ["ga", "ga/3", "ga/3/s-a"]
    chapter = reader.get("/api/v1/nodes/ga/3").get_json()
    assert len(chapter["descendants"]) > 30
    before = reader.get("/api/v1/nodes/ga/3/3.1?on=2000-01-01")
    assert before.status_code == 404
    assert "in force on 2000-01-01" in before.get_json()["message"]


def test_history_and_diff_show_a_draft_change_to_members_only(app, member_headers):
    revise_draft("ga/3/3.2", "Customs shall publish the hours of business of each office.")
    client = app.test_client()
    public = client.get("/api/v1/nodes/ga/3/3.2/history").get_json()["history"]
    assert [s["editions"] for s in public] == [["2006"]]
    member = client.get("/api/v1/nodes/ga/3/3.2/history", headers=member_headers).get_json()
    assert [s["editions"] for s in member["history"]] == [["2006"], ["review-draft"]]
    assert member["history"][1]["changes"] == ["text"]
    assert client.get("/api/v1/works/rkc/diff?from=2006&to=review-draft").status_code == 404
    diff = client.get("/api/v1/works/rkc/diff?from=2006&to=review-draft", headers=member_headers)
    body = diff.get_json()
    assert body["counts"]["changed"] == 1
    [row] = body["rows"]
    assert row["key"] == "ga/3/3.2"
    assert {"op": "insert", "text": "each office"} in [
        {"op": s["op"], "text": s["text"].strip(" .")} for s in row["segments"]
    ] or any(s["op"] == "insert" for s in row["segments"])
    assert "".join(s["text"] for s in row["segments"] if s["op"] != "delete") == row["new_text"]
    assert "".join(s["text"] for s in row["segments"] if s["op"] != "insert") == row["old_text"]
    scoped = client.get(
        "/api/v1/works/rkc/diff?from=2006&to=review-draft&node=ga/4", headers=member_headers
    ).get_json()
    assert scoped["rows"] == []


def test_parties(reader):
    parties = reader.get("/api/v1/parties").get_json()["parties"]
    assert {"name", "iso3", "kind", "url"} <= set(parties[0])
    austria = next(p for p in parties if p["iso3"] == "AUT")
    assert reader.get(austria["url"]).get_json()["name"] == austria["name"]
    assert reader.get("/api/v1/parties/aut").get_json()["iso3"] == "AUT"
    assert reader.get("/api/v1/parties/XXX").status_code == 404


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/api/v1/works/nope", 404, "no work 'nope'"),
        ("/api/v1/works/rkc/editions/1999", 404, "no published edition '1999'"),
        ("/api/v1/nodes/ga/99", 404, "Nothing has the key 'ga/99'"),
        ("/api/v1/nodes/ga/3?on=3rd-feb", 400, "not a date"),
        ("/api/v1/works/rkc/diff?from=2006", 400, "missing to"),
        ("/api/v1/nowhere", 404, ""),
    ],
)
def test_errors_are_json_with_a_clear_message(reader, url, status, words):
    response = reader.get(url)
    assert response.status_code == status
    assert response.is_json
    body = response.get_json()
    assert set(body) == {"error", "message"}
    assert words in body["message"]


def test_conditional_get_answers_304_and_varies_with_credentials(reader):
    first = reader.get("/api/v1/nodes/ga/3")
    etag = first.headers["ETag"]
    assert "Authorization" in first.headers["Vary"]
    again = reader.get("/api/v1/nodes/ga/3", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    other = reader.get("/api/v1/nodes/ga/4", headers={"If-None-Match": etag})
    assert other.status_code == 200
