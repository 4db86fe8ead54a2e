"""The discussion of an amendment through the API: its comments and the parties' positions
are read by those who may read it; a delegate of another party asks to co-sponsor it and the
proposing party answers; every other role is refused, and a bad body is a 400."""

from __future__ import annotations

import pytest

from rkc.amendments.models import AmendmentSponsor

from ..helpers import create_people
from .helpers import Api, count

NEW_TEXT = "Customs shall designate and publish the offices at which goods may be cleared."


@pytest.fixture
def api(small_app) -> Api:  # type: ignore[no-untyped-def]
    return Api(small_app, create_people())


def _tabled(api: Api) -> dict:
    made = api.post(
        "delegate_a",
        "/api/v1/amendments",
        {"action": "modify", "node": "ga/3/3.1", "text": NEW_TEXT, "justification": "Clearer."},
    ).get_json()
    assert api.post("delegate_a", f"{made['url']}/status", {"to": "tabled"}).status_code == 200
    return made


def test_comments_and_positions_are_read_as_the_amendment_is(api):
    amendment = _tabled(api)
    url = amendment["url"]
    api.post("delegate_b", f"{url}/comments", {"body": "Which offices?"})
    api.send("delegate_b", "PUT", f"{url}/position", {"stance": "support"})
    comments = api.get("observer", f"{url}/comments")
    assert comments.status_code == 200
    assert [c["body"] for c in comments.get_json()["comments"]] == ["Which offices?"]
    positions = api.get("secretariat", f"{url}/positions").get_json()["positions"]
    assert [(p["party_iso3"], p["stance"]) for p in positions] == [("CAN", "support")]
    assert api.get(None, f"{url}/comments").status_code == 401
    draft = api.post(
        "delegate_a",
        "/api/v1/amendments",
        {"action": "modify", "node": "ga/3/3.2", "text": NEW_TEXT},
    ).get_json()
    assert api.get("delegate_b", f"{draft['url']}/positions").status_code == 404
    assert api.get("delegate_a", f"{draft['url']}/positions").status_code == 200


def test_co_sponsorship_is_asked_by_another_party_and_answered_by_the_proposer(api):
    url = _tabled(api)["url"]
    ask = f"{url}/sponsors"
    api.refused(ask, {"note": "We share the concern."}, allowed="delegate_b")
    asked = api.post("delegate_b", ask, {"note": "We share the concern."})
    assert asked.status_code == 201, asked.get_json()
    assert (asked.get_json()["party_iso3"], asked.get_json()["status"]) == ("CAN", "requested")
    again = api.post("delegate_b", ask, {})
    assert (again.status_code, again.get_json()["field"]) == (400, "note")
    bad = api.post("delegate_b", ask, {"note": 5})
    assert (bad.status_code, bad.get_json()["field"]) == (400, "note")

    answer = f"{url}/sponsors/CAN"
    api.refused(answer, {"confirm": True}, allowed="delegate_a")
    missing = api.post("delegate_a", answer, {})
    assert (missing.status_code, missing.get_json()["field"]) == (400, "confirm")
    confirmed = api.post("delegate_a", answer, {"confirm": True})
    assert confirmed.status_code == 200, confirmed.get_json()
    assert confirmed.get_json()["status"] == "confirmed"
    assert "Test party CAN" in api.get("observer", url).get_json()["sponsors"]
    twice = api.post("delegate_a", answer, {"confirm": False})
    assert (twice.status_code, twice.get_json()["field"]) == (400, "decision")
    assert api.post("delegate_a", f"{url}/sponsors/ZZZ", {"confirm": True}).status_code == 404
    assert count(AmendmentSponsor) == 1
