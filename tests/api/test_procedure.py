"""The amendment procedure through the API: everyone reads the recommendations and where
each stands; the Secretariat records them and the parties' responses; every other role is
refused, a bad body is a 400 naming the member, and nothing is stored on error."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from rkc.audit import Actor, acting_as
from rkc.clock import today
from rkc.convention import operations as text_ops
from rkc.convention import queries
from rkc.extensions import db
from rkc.procedure.models import Recommendation, RecommendationResponse

from ..helpers import create_people
from ..parties.fixtures import make_party
from .helpers import Api, count

#: Communicated ten days ago: the window for objections is open.
COMMUNICATED = today() - timedelta(days=10)
RECOMMENDATION = {
    "edition": "rkc/adopted",
    "procedure": "annex",
    "session": "RKC/MC 23",
    "decided_on": (COMMUNICATED - timedelta(days=20)).isoformat(),
    "communicated_on": COMMUNICATED.isoformat(),
    "parties_present": ["AUT", "CAN"],
}


@pytest.fixture
def api(small_app) -> Api:  # type: ignore[no-untyped-def]
    people = create_people()
    with acting_as(Actor(None, "test-setup", "system")):
        work = queries.work_by_key("rkc")
        adopted = text_ops.open_draft(
            queries.edition_by_slug(work, "2006"), slug="adopted", title="Adopted"
        )
        text_ops.freeze(adopted, adopted_on=date(2000, 1, 1))
    make_party("AUT")
    make_party("CAN")
    db.session.commit()
    return Api(small_app, people)


def test_the_secretariat_records_a_recommendation_and_responses(api):
    api.refused("/api/v1/recommendations", RECOMMENDATION)
    made = api.post("secretariat", "/api/v1/recommendations", RECOMMENDATION)
    assert made.status_code == 201, made.get_json()
    rec = made.get_json()
    assert made.headers["Location"] == rec["url"]
    assert (rec["edition"], rec["procedure"], rec["standing"]["status"]) == (
        "rkc/adopted",
        "annex",
        "pending",
    )
    assert rec["parties_present"] == ["Test party AUT", "Test party CAN"]
    assert rec["standing"]["explanation"]

    listed = api.get(None, "/api/v1/recommendations").get_json()["recommendations"]
    assert [r["id"] for r in listed] == [rec["id"]]
    assert api.get(None, rec["url"]).get_json()["responses"] == []

    response = {"party": "can", "kind": "objection", "responded_on": today().isoformat()}
    api.refused(f"{rec['url']}/responses", response)
    recorded = api.post("secretariat", f"{rec['url']}/responses", response)
    assert recorded.status_code == 201, recorded.get_json()
    answer = recorded.get_json()
    assert [(r["party_code"], r["kind"]) for r in answer["responses"]] == [("CAN", "objection")]
    assert answer["standing"]["status"] == "failed"

    api.refused(f"{rec['url']}/apply", {})
    applied = api.post("secretariat", f"{rec['url']}/apply")
    assert (applied.status_code, applied.get_json()["standing"]["status"]) == (200, "failed")


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"procedure": "treaty"}, "procedure", "one of"),
        ({"decided_on": "2026-1-1"}, "decided_on", "not a date"),
        ({"edition": "rkc/review-draft"}, "edition", "freeze the working draft"),
        ({"edition": "rkc/nothing"}, "edition", "no edition"),
        ({"parties_present": ["ZZZ"]}, "parties_present", "no party"),
        ({"session": None}, "session", "must be a string"),
        ({"colour": "red"}, "colour", "not a member"),
    ],
)
def test_a_bad_recommendation_is_a_400_naming_the_member(api, change, field, words):
    response = api.post("secretariat", "/api/v1/recommendations", {**RECOMMENDATION, **change})
    assert response.status_code == 400
    assert response.get_json()["field"] == field
    assert words in response.get_json()["message"]
    assert count(Recommendation) == 0


def test_a_bad_response_stores_nothing(api):
    rec = api.post("secretariat", "/api/v1/recommendations", RECOMMENDATION).get_json()
    early = {
        "party": "AUT",
        "kind": "acceptance",
        "responded_on": (COMMUNICATED - timedelta(days=1)).isoformat(),
    }
    refused = api.post("secretariat", f"{rec['url']}/responses", early)
    assert (refused.status_code, refused.get_json()["field"]) == (400, "responded_on")
    unknown = {**early, "party": "XYZ", "responded_on": today().isoformat()}
    assert api.post("secretariat", f"{rec['url']}/responses", unknown).get_json()["field"] == (
        "party"
    )
    assert count(RecommendationResponse) == 0
    assert api.post(
        "secretariat", "/api/v1/recommendations/999999/responses", early
    ).status_code == (404)
