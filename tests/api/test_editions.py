"""Editions through the API: the Secretariat opens a working draft, freezes it (after the
pre-flight), reopens it, records its entry into force, and merges agreed amendments; every
other role is refused, a bad body is a 400 naming the member, a stale merge is a 409, and
nothing is stored on error."""

from __future__ import annotations

import pytest

from rkc.amendments.models import AmendmentStatus
from rkc.convention import queries
from rkc.convention.models import Edition, EditionStatus
from rkc.extensions import db

from ..helpers import create_people
from ..interchange.helpers import edition, revise_draft
from .helpers import Api, count

NEW_TEXT = "Customs shall designate and publish the offices at which goods may be cleared."
DRAFT = "/api/v1/works/rkc/editions/review-draft"


@pytest.fixture
def api(small_app) -> Api:  # type: ignore[no-untyped-def]
    return Api(small_app, create_people())


def _agreed(api: Api, node: str = "ga/3/3.1", text: str = NEW_TEXT) -> dict:
    """An amendment proposed by Austria, tabled, discussed and agreed, through the API."""
    made = api.post(
        "delegate_a",
        "/api/v1/amendments",
        {"action": "modify", "node": node, "text": text, "justification": "Clearer."},
    ).get_json()
    for who, status in (
        ("delegate_a", "tabled"),
        ("secretariat", "under_discussion"),
        ("secretariat", "agreed"),
    ):
        moved = api.post(who, f"{made['url']}/status", {"to": status})
        assert moved.status_code == 200, moved.get_json()
    return moved.get_json()


def test_the_secretariat_opens_a_draft_and_no_one_else(api):
    url = "/api/v1/works/rkc/editions/2006/drafts"
    body = {"slug": "review-2027", "title": "Review 2027"}
    api.refused(url, body)
    opened = api.post("secretariat", url, body)
    assert opened.status_code == 201, opened.get_json()
    answer = opened.get_json()
    assert opened.headers["Location"] == answer["url"] == "/api/v1/works/rkc/editions/review-2027"
    assert (answer["edition"]["status"], answer["edition"]["based_on"]) == ("working_draft", "2006")
    again = api.post("secretariat", url, body)
    assert (again.status_code, again.get_json()["field"]) == (400, "slug")
    before = count(Edition)
    for bad, field in (({"slug": "x"}, "title"), ({"slug": 5, "title": "T"}, "slug")):
        refused = api.post("secretariat", url, bad)
        assert (refused.status_code, refused.get_json()["field"]) == (400, field)
    assert count(Edition) == before


def test_freeze_after_the_preflight_then_reopen_and_enter_into_force(api):
    _agreed(api)
    check = api.get("secretariat", f"{DRAFT}/freeze")
    assert check.status_code == 200
    assert check.get_json()["blocked"] is True
    assert [a["status"] for a in check.get_json()["agreed"]] == ["agreed"]
    assert api.get("delegate_a", f"{DRAFT}/freeze").status_code == 403
    assert api.get(None, f"{DRAFT}/freeze").status_code == 401
    api.refused(f"{DRAFT}/freeze", {"adopted_on": "2027-06-30"})

    blocked = api.post("secretariat", f"{DRAFT}/freeze", {"adopted_on": "2027-06-30"})
    assert (blocked.status_code, blocked.get_json()["field"]) == (400, "confirmed")
    assert "Agreed but not merged" in blocked.get_json()["message"]
    bad = api.post("secretariat", f"{DRAFT}/freeze", {"adopted_on": "30/06/2027"})
    assert (bad.status_code, bad.get_json()["field"]) == (400, "adopted_on")
    assert "not a date" in bad.get_json()["message"]
    db.session.rollback()
    assert edition("rkc", "review-draft").status is EditionStatus.WORKING_DRAFT

    # Merge the agreed amendment, then the freeze goes through.
    queue = api.get("secretariat", f"{DRAFT}/merge-queue").get_json()
    [waiting] = queue["agreed"]
    merged = api.post(
        "secretariat",
        f"{DRAFT}/merges",
        {"amendments": [waiting["id"]], "expected": {waiting["node"]: waiting["current_revision"]}},
    )
    assert merged.status_code == 201, merged.get_json()
    frozen = api.post(
        "secretariat", f"{DRAFT}/freeze", {"adopted_on": "2027-06-30", "confirmed": True}
    )
    assert frozen.status_code == 200, frozen.get_json()
    assert frozen.get_json()["edition"]["status"] == "adopted"

    early = api.post("secretariat", f"{DRAFT}/in-force", {"in_force_from": "2027-01-01"})
    assert (early.status_code, early.get_json()["field"]) == (400, "in_force_from")
    api.refused(f"{DRAFT}/in-force", {"in_force_from": "2028-01-01"})
    in_force = api.post("secretariat", f"{DRAFT}/in-force", {"in_force_from": "2028-01-01"})
    assert in_force.status_code == 200
    assert in_force.get_json()["edition"]["in_force_from"] == "2028-01-01"

    api.refused(f"{DRAFT}/reopen", {"reason": "A correction."})
    empty = api.post("secretariat", f"{DRAFT}/reopen", {})
    assert (empty.status_code, empty.get_json()["field"]) == (400, "reason")


def test_reopen_an_adopted_edition(api):
    frozen = api.post(
        "secretariat", f"{DRAFT}/freeze", {"adopted_on": "2027-06-30", "confirmed": True}
    )
    assert frozen.status_code == 200, frozen.get_json()
    reopened = api.post("secretariat", f"{DRAFT}/reopen", {"reason": "A correction is due."})
    assert reopened.status_code == 200, reopened.get_json()
    assert reopened.get_json()["edition"]["status"] == "working_draft"


def test_the_merge_queue_and_a_stale_merge(api):
    agreed = _agreed(api)
    assert api.get("delegate_a", f"{DRAFT}/merge-queue").status_code == 403
    assert api.get(None, f"{DRAFT}/merge-queue").status_code == 401
    body = {"amendments": [agreed["id"]], "expected": {"ga/3/3.1": agreed["current_revision"]}}
    api.refused(f"{DRAFT}/merges", body)
    revise_draft("ga/3/3.1", "Customs shall name the offices where goods may be cleared.")
    stale = api.post("secretariat", f"{DRAFT}/merges", body)
    assert stale.status_code == 409
    assert stale.get_json()["current_revision"]["text"].startswith("Customs shall name")
    db.session.rollback()
    assert queries.node_by_key("ga/3/3.1") is not None
    shown = api.get("delegate_a", agreed["url"]).get_json()
    assert shown["status"] == "agreed"
    for bad, field in (
        ({"amendments": []}, "amendments"),
        ({"amendments": ["one"]}, "amendments.0"),
        ({"amendments": [999999]}, "amendments"),
        ({"amendments": [agreed["id"]], "expected": {"ga/99/1": 1}}, "expected"),
    ):
        refused = api.post("secretariat", f"{DRAFT}/merges", bad)
        assert (refused.status_code, refused.get_json()["field"]) == (400, field), bad


def test_a_compromise_supersedes_competing_modifications(api):
    first = _agreed(api)
    second = _agreed(api, text=NEW_TEXT + " Without delay.")
    queue = api.get("secretariat", f"{DRAFT}/merge-queue").get_json()
    [group] = queue["competing"]
    assert set(group["amendments"]) == {first["id"], second["id"]}
    body = {
        "node": "ga/3/3.1",
        "amendments": group["amendments"],
        "text": "Customs shall designate the offices, and publish them.",
        "expected_revision": group["current_revision"] + 1000,
    }
    api.refused(f"{DRAFT}/compromises", body)
    stale = api.post("secretariat", f"{DRAFT}/compromises", body)
    assert (stale.status_code, stale.get_json()["field"]) == (409, "expected_revision")
    body["expected_revision"] = group["current_revision"]
    done = api.post("secretariat", f"{DRAFT}/compromises", body)
    assert done.status_code == 201, done.get_json()
    for amendment in (first, second):
        status = api.get("delegate_a", amendment["url"]).get_json()["status"]
        assert status == AmendmentStatus.SUPERSEDED.value
