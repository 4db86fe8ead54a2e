"""A party's record through the API: the Secretariat records instruments, acceptances,
reservations and their withdrawal, extensions, denunciations and retractions; the record is
public; every other role is refused, a bad body is a 400 naming the member, and nothing is
stored on error."""

from __future__ import annotations

import pytest

from rkc.parties.models import PartyEvent, Reservation

from ..helpers import create_people
from .helpers import Api, count

KHM = "/api/v1/parties/KHM"


@pytest.fixture
def api(small_app) -> Api:  # type: ignore[no-untyped-def]
    return Api(small_app, create_people())


def test_the_secretariat_records_a_party_from_its_instrument_on(api):
    instrument = {"instrument": "accession", "deposited_on": "2004-04-29", "source": "WCO"}
    api.refused(f"{KHM}/instruments", instrument)
    recorded = api.post("secretariat", f"{KHM}/instruments", instrument)
    assert recorded.status_code == 201, recorded.get_json()
    record = recorded.get_json()
    assert record["is_party"] is True
    assert [(e["kind"], e["instrument"], e["event_on"]) for e in record["events"]] == [
        ("instrument", "accession", "2004-04-29")
    ]
    twice = api.post("secretariat", f"{KHM}/instruments", instrument)
    assert (twice.status_code, twice.get_json()["field"]) == (400, "deposited_on")

    accepted = api.post(
        "secretariat", f"{KHM}/acceptances", {"chapter": "sa-b/1", "notified_on": "2010-01-04"}
    )
    assert accepted.status_code == 201, accepted.get_json()
    reserved = api.post(
        "secretariat",
        f"{KHM}/reservations",
        {"provision": "sa-b/1/2", "entered_on": "2010-01-04", "text": "National law differs."},
    )
    assert reserved.status_code == 201, reserved.get_json()
    [reservation] = reserved.get_json()["reservations"]
    assert (reservation["provision"], reservation["withdrawn_on"]) == ("sa-b/1/2", None)

    withdraw = f"{KHM}/reservations/{reservation['id']}/withdraw"
    api.refused(withdraw, {"withdrawn_on": "2012"})
    withdrawn = api.post("secretariat", withdraw, {"withdrawn_on": "2012"})
    assert withdrawn.status_code == 200, withdrawn.get_json()
    assert withdrawn.get_json()["reservations"][0]["withdrawn_on"] == "2012"

    extension = {
        "provision": "ga/3/3.3",
        "requested_on": "2010-05",
        "granted_on": "2010-06",
        "months": 12,
    }
    api.refused(f"{KHM}/extensions", extension)
    extended = api.post("secretariat", f"{KHM}/extensions", extension)
    assert extended.status_code == 201, extended.get_json()
    assert [e["target"] for e in extended.get_json()["events"] if e["kind"] == "extension"] == [
        "ga/3/3.3"
    ]

    denounced = api.post("secretariat", f"{KHM}/denunciations", {"notice_on": "2020-01-15"})
    assert denounced.status_code == 201, denounced.get_json()
    public = api.get(None, f"{KHM}/events").get_json()
    kinds = [e["kind"] for e in public["events"]]
    assert sorted(kinds) == ["acceptance", "denunciation", "extension", "instrument"]

    denunciation = next(e for e in public["events"] if e["kind"] == "denunciation")
    retract = f"{KHM}/events/{denunciation['id']}/retract"
    api.refused(retract, {"reason": "Recorded for the wrong party."})
    no_reason = api.post("secretariat", retract, {"reason": ""})
    assert (no_reason.status_code, no_reason.get_json()["field"]) == (400, "reason")
    retracted = api.post("secretariat", retract, {"reason": "Recorded for the wrong party."})
    assert retracted.status_code == 200, retracted.get_json()
    assert "denunciation" not in [e["kind"] for e in retracted.get_json()["events"]]

    gone = api.post(
        "secretariat",
        f"{KHM}/reservations/{reservation['id']}/retract",
        {"reason": "Never entered."},
    )
    assert gone.status_code == 200, gone.get_json()
    assert gone.get_json()["reservations"] == []


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("instruments", {"instrument": "treaty"}, "instrument"),
        ("instruments", {"deposited_on": "29 April 2004"}, "deposited_on"),
        ("acceptances", {"chapter": "sa-z/9", "notified_on": "2010"}, "chapter"),
        ("acceptances", {"chapter": "sa-b/1"}, "notified_on"),
        ("reservations", {"provision": "sa-b/1/2", "entered_on": "2010"}, "text"),
        ("extensions", {"provision": "ga/3/3.11", "granted_on": "2009", "months": 13}, "months"),
        ("denunciations", {"notice_on": "2020", "chapter": 7}, "chapter"),
    ],
)
def test_bad_records_are_a_400_naming_the_member_and_store_nothing(api, url, body, field):
    events, reservations = count(PartyEvent), count(Reservation)
    response = api.post("secretariat", f"{KHM}/{url}", body)
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["field"] == field
    assert response.get_json()["message"]
    assert (count(PartyEvent), count(Reservation)) == (events, reservations)


def test_unknown_parties_and_records_are_404(api):
    assert api.get(None, "/api/v1/parties/ZZZ/events").status_code == 404
    body = {"reason": "Wrong."}
    assert api.post("secretariat", f"{KHM}/events/999999/retract", body).status_code == 404
    assert api.post("secretariat", "/api/v1/parties/ZZZ/instruments", {}).status_code == 404
