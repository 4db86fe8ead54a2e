"""Importing a party table: every row checked, every problem reported, all or nothing."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from rkc.audit import Actor, acting_as
from rkc.extensions import db
from rkc.parties import register_import, standings
from rkc.parties.lookup import party_by_ident
from rkc.parties.models import Party, PartyEvent

from ..helpers import create_people, csrf_token, log_in

HEADER = (
    "party,iso3,kind,instrument,instrument_date,entry_into_force,specific_annex_chapters,"
    "note,source_url\n"
)

GOOD = HEADER + (
    "Austria,AUT,state,ratification,2004-04-29,2006-02-03,B1,,https://example.org/aut\n"
    "Liberia,LBR,state,accession,2020-12-14,2021-03-14,,confidence: high,\n"
    "Azerbaijan,AZE,state,,2006,,B1@2008-05,,\n"
    "European Union,,union,approval,2004-04-30,,,Customs union,\n"
    "Algeria,DZA,state,,,,,party status only,\n"
)

#: Every row but the last has one thing wrong; the problems are listed with their rows.
BAD = HEADER + (
    "Austria,AUT,state,ratification,2004-04-31,,,,\n"  # 2: no 31 April
    "Liberia,LBR,state,adhesion,2020-12-14,,,,\n"  # 3: unknown instrument
    "Azerbaijan,AZE,state,,2006,,Z9,,\n"  # 4: unknown chapter
    "Canada,CAN,state,,,,B1,,\n"  # 5: chapter without any date
    "Liberia,LBX,state,,,,,,\n"  # 6: name already at row 3
    "Brazil,BRA,country,,2019,,,,\n"  # 7: unknown kind
    "Chile,CHL,state,,2004,2005-01-01,,,\n"  # 8: in force before the Convention
    "Togo,TGO,state,,2014-06-28,,,,\n"  # 9: fine, but nothing is stored
)


def _stored() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(Party)),
        db.session.scalar(select(func.count()).select_from(PartyEvent)),
    )


def _import(text: str, **kwargs) -> register_import.ImportReport:  # type: ignore[no-untyped-def]
    with acting_as(Actor(None, "test", "system")):
        return register_import.import_party_table(text, **kwargs)


def test_a_good_table_creates_parties_and_their_events(small_app):
    before = _stored()
    report = _import(GOOD)
    assert report.created == ["Austria", "Liberia", "Azerbaijan", "European Union", "Algeria"]
    assert report.events == 7
    assert _stored() == (before[0] + 5, before[1] + 7)
    register = standings.load_register()
    by_name = {s.party.name: s for s in register.standings}
    liberia = by_name["Liberia"].membership
    assert str(liberia.entry_into_force) == "2021-03-14"
    assert liberia.entry_into_force.is_recorded
    algeria = by_name["Algeria"].membership
    assert algeria.instrument.event_on is None
    assert not algeria.is_dated
    # Chapters without a date are accepted with the instrument; with @date on that date.
    assert str(by_name["Austria"].chapter("sa-b/1").acceptance.event_on) == "2004-04-29"
    assert str(by_name["Azerbaijan"].chapter("sa-b/1").acceptance.event_on) == "2008-05"
    eu = by_name["European Union"].party
    assert eu.iso3 is None
    assert eu.kind.value == "union"


def test_every_problem_is_reported_with_its_row_and_nothing_is_stored(small_app):
    before = _stored()
    with pytest.raises(register_import.PartyImportError) as caught:
        _import(BAD)
    found = [(p.row, p.column) for p in caught.value.problems]
    assert found == [
        (2, "instrument_date"),
        (3, "instrument"),
        (4, "specific_annex_chapters"),
        (5, "specific_annex_chapters"),
        (6, "party"),
        (7, "kind"),
        (8, "entry_into_force"),
    ]
    text = str(caught.value)
    assert "row 2, instrument_date: '2004-04-31' is not a date: 2004-04 has no day 31" in text
    assert "row 4, specific_annex_chapters: Chapter: “Z9” is not a Specific Annex chapter" in text
    assert "row 5, specific_annex_chapters: B1: no notification date" in text
    assert "row 6, party: already listed at row 3" in text
    assert "row 8, entry_into_force: In force on: 2005-01-01 is before the Convention" in text
    db.session.rollback()
    assert _stored() == before
    assert party_by_ident("TGO") is None


def test_record_level_problems_also_come_with_rows(small_app):
    _import(GOOD)
    db.session.commit()
    table = HEADER + (
        "Austria,AUT,state,accession,2004-04-29,,,,\n"  # instrument kind contradicts
        "Liberia,LBR,state,accession,2020-11,,,,\n"  # date contradicts 2020-12-14
        "Azerbaijan,AZE,state,,2006-04-29,,,,\n"  # more precise: fine
        "Cambodia,KHM,state,,2014-06-28,,B1@2014-01-01,,\n"  # acceptance before joining
    )
    with pytest.raises(register_import.PartyImportError) as caught:
        _import(table)
    assert [(p.row, p.column) for p in caught.value.problems] == [
        (2, "instrument"),
        (3, "instrument_date"),
        (5, "specific_annex_chapters"),
    ]
    assert "before Cambodia joined" in str(caught.value)
    db.session.rollback()
    azerbaijan = standings.standing(party_by_ident("AZE")).membership
    assert str(azerbaijan.instrument.event_on) == "2006"  # the good row was not stored either


def test_importing_again_adds_only_what_is_new(small_app):
    _import(GOOD)
    again = _import(GOOD)
    assert again.created == []
    assert again.events == 0
    assert len(again.unchanged) == 5
    more = HEADER + (
        "Azerbaijan,AZE,state,accession,2006-04-29,,B1@2008-05-12,,\nAlgeria,DZA,state,,2005,,,,\n"
    )
    report = _import(more)
    assert report.refined == 4  # Azerbaijan: instrument kind, day, notification day; Algeria: year
    standing = standings.standing(party_by_ident("AZE"))
    assert str(standing.membership.instrument.event_on) == "2006-04-29"
    assert str(standing.membership.entry_into_force) == "2006-07-29"
    assert str(standing.chapter("sa-b/1").acceptance.event_on) == "2008-05-12"


def test_check_only_stores_nothing(small_app):
    before = _stored()
    report = _import(GOOD, check_only=True)
    assert len(report.created) == 5
    assert _stored() == before


def test_missing_columns_are_named(small_app):
    with pytest.raises(register_import.PartyImportError) as caught:
        _import("party,iso3\nAustria,AUT\n")
    assert {p.column for p in caught.value.problems} == set(register_import.PARTY_COLUMNS) - {
        "party",
        "iso3",
    }
    assert {p.row for p in caught.value.problems} == {1}


def test_the_command_imports_all_or_nothing(small_app, tmp_path):
    runner = small_app.test_cli_runner()
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_text(BAD, encoding="utf-8")
    good.write_text(GOOD, encoding="utf-8")
    before = _stored()

    result = runner.invoke(args=["parties", "import", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}: row 3, instrument:" in result.output
    assert "7 problem(s)" in result.output
    assert "nothing was stored" in result.output

    checked = runner.invoke(args=["parties", "import", "--check", str(good)])
    assert checked.exit_code == 0, checked.output
    assert "no problems; importing it would give 5 parties created" in checked.output
    db.session.rollback()
    assert _stored() == before

    done = runner.invoke(args=["parties", "import", str(good)])
    assert done.exit_code == 0, done.output
    assert "5 parties created, 7 events recorded" in done.output
    db.session.rollback()
    assert _stored() == (before[0] + 5, before[1] + 7)


def test_the_upload_form(small_app):
    people = create_people()
    client = small_app.test_client()
    log_in(client, people["secretariat"].username)
    before = _stored()

    def upload(text: str | bytes, **extra):  # type: ignore[no-untyped-def]
        raw = text if isinstance(text, bytes) else text.encode()
        data = {
            "csrf_token": csrf_token(client, "/parties/import"),
            "table": (io.BytesIO(raw), "parties.csv"),
            **extra,
        }
        return client.post("/parties/import", data=data, content_type="multipart/form-data")

    response = upload(BAD)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "7 problems; nothing was stored" in page
    assert "<td>8</td><td>entry_into_force</td>" in page
    db.session.rollback()
    assert _stored() == before

    response = upload(GOOD.replace("Algeria", "Alg\xe9rie").encode("latin-1"))
    assert response.status_code == 400
    assert "not UTF-8" in response.get_data(as_text=True)

    # create_people() put "Test party AUT" in the register: the table must use that name.
    good = GOOD.replace("Austria,AUT", "Test party AUT,AUT")
    response = upload(good, check_only="y")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "Nothing was stored" in response.get_data(as_text=True)
    db.session.rollback()
    assert _stored() == before

    response = upload(good)
    assert response.status_code == 302
    db.session.rollback()
    assert _stored() == (before[0] + 4, before[1] + 7)
