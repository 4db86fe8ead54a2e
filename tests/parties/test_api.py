"""The parties API (issue 16, item 9): a party's record and its binding text, as JSON."""

from __future__ import annotations

from rkc.extensions import db
from rkc.parties import operations as ops

from .fixtures import make_party


def _world() -> None:
    aut = make_party("AUT", "2004-04-29", name="Austria")
    ops.record_acceptance(aut, "sa-b/1", notified_on="2010-01-04")
    ops.record_reservation(aut, "sa-b/1/2", entered_on="2010-01-04", text="National law differs.")
    ops.record_extension(aut, "ga/3/3.3", requested_on="2010-05", granted_on="2010-06", months=12)
    aze = make_party("AZE", "2006", name="Azerbaijan")
    aze.chapters_known = True  # a source says: none
    make_party("PAK", None, name="Pakistan")  # status known, no date, chapters unknown
    db.session.commit()


def test_record_and_unknown_versus_none(small_app):
    _world()
    client = small_app.test_client()
    aze = client.get("/api/v1/parties/AZE/acceptances").get_json()
    assert aze["specific_annex_chapters"] == "none"
    assert aze["chapters_complete"] is True
    pak = client.get("/api/v1/parties/PAK/acceptances").get_json()
    assert pak["specific_annex_chapters"] == "unknown"
    assert pak["entry_into_force"] is None
    assert pak["entry_into_force_note"] == "date not recorded"
    aut = client.get("/api/v1/parties/AUT/acceptances").get_json()
    assert aut["specific_annex_chapters"] == ["B1"]
    assert aut["chapters_complete"] is False
    assert aut["acceptances"][0]["notified_on"] == "2010-01-04"

    instruments = client.get("/api/v1/parties/AUT/instruments").get_json()
    assert instruments["instruments"][0]["deposited_on"] == "2004-04-29"
    assert instruments["entry_into_force"]["text"] == "2006-02-03"
    assert any("Art. 18" in step for step in instruments["entry_into_force"]["explanation"])

    reservations = client.get("/api/v1/parties/AUT/reservations").get_json()["reservations"]
    assert reservations[0]["provision"] == "sa-b/1/2"
    assert "2012-02-03" in reservations[0]["reviews_due"]

    deadlines = client.get("/api/v1/parties/AUT/deadlines").get_json()
    assert deadlines["deadlines"][0]["deadline"]["due"]["text"] == "2009-02-03"
    assert deadlines["extensions"][0]["requested_on"] == "2010-05"
    undated = client.get("/api/v1/parties/PAK/deadlines").get_json()
    assert [row["deadline"] for row in undated["deadlines"]] == [None, None]


def test_binding_text_on_a_day(small_app):
    _world()
    client = small_app.test_client()
    body = client.get("/api/v1/parties/AUT/binding?on=2012-02-29").get_json()
    assert body["on"] == "2012-02-29"
    assert body["bound"] == "yes"
    assert body["unofficial_working_text"] is True
    units = {u["key"]: u for u in body["units"]}
    # Transitional Standard 3.3: 60 months from 2006-02-03 plus the 12-month extension.
    assert units["ga/3/3.3"]["deadline"]["due"]["text"] == "2012-02-03"
    assert units["ga/3/3.3"]["deadline"]["extension_months"] == 12
    # B1 is accepted but not in force (five acceptances needed): left out, listed pending.
    assert "sa-b/1/2" not in units
    assert body["chapters_pending"] == ["B1"]

    pak = client.get("/api/v1/parties/PAK/binding?on=2024-02-29").get_json()
    assert pak["bound"] == "maybe"
    assert pak["specific_annex_chapters"] == "unknown"
    assert all(u["deadline"] is None for u in pak["units"])


def test_bad_requests_are_clear_json_errors(small_app):
    _world()
    client = small_app.test_client()
    bad_day = client.get("/api/v1/parties/AUT/binding?on=2023-02-29")
    assert bad_day.status_code == 400
    assert "YYYY-MM-DD" in bad_day.get_json()["message"]
    unknown = client.get("/api/v1/parties/XXX/binding")
    assert unknown.status_code == 404
    assert "No party has the code" in unknown.get_json()["message"]
    assert client.get("/api/v1/parties/AUT/binding?on=1999-01-01").status_code == 404
