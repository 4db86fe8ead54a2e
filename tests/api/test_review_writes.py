"""The review register's agenda through the API: the Secretariat says where a meeting stands
and orders its agenda; every other role is refused; a bad body is a 400 naming the member."""

from __future__ import annotations

import pytest

from ..helpers import create_people
from ..review.fixtures import review_context
from .helpers import Api


@pytest.fixture
def api(small_app) -> Api:  # type: ignore[no-untyped-def]
    return Api(small_app, create_people())


def test_the_secretariat_sets_a_meeting_status_and_orders_its_agenda(api):
    ctx = review_context()
    meeting = f"/api/v1/meetings/{ctx['meeting_id']}"
    api.refused(f"{meeting}/status", {"status": "convened"})
    convened = api.post("secretariat", f"{meeting}/status", {"status": "convened"})
    assert (convened.status_code, convened.get_json()["status"]) == (200, "convened")
    bad = api.post("secretariat", f"{meeting}/status", {"status": "postponed"})
    assert (bad.status_code, bad.get_json()["field"]) == (400, "status")
    assert "planned, convened or closed" in bad.get_json()["message"]

    move = f"{meeting}/agenda/{ctx['item_id']}/move"
    api.refused(move, {"direction": "down"})
    moved = api.post("secretariat", move, {"direction": "down"})
    assert moved.status_code == 200, moved.get_json()
    assert [i["title"] for i in moved.get_json()["items"]] == [
        "Report of the Secretariat",
        "Adoption of the agenda",
    ]
    at_the_end = api.post("secretariat", move, {"direction": "down"})
    assert (at_the_end.status_code, at_the_end.get_json()["field"]) == (400, "direction")
    assert api.post(
        "secretariat", f"{meeting}/agenda/999999/move", {"direction": "up"}
    ).status_code == (404)
    shown = api.get("delegate_a", meeting).get_json()
    assert (shown["status"], shown["agenda"][0]["title"]) == (
        "convened",
        "Report of the Secretariat",
    )
