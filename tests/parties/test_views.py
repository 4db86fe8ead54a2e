"""The public register: matrix and counts, party and chapter pages, charts, the binding text."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from flask import Flask

from rkc.extensions import db
from rkc.parties import operations as ops
from rkc.parties.binding_text import BindingText, binding_text
from rkc.parties.lookup import party_by_ident
from rkc.parties.models import PartyKind
from rkc.parties.overview import Matrix, MatrixFilters, matrix, parties_over_time
from rkc.parties.standings import Bound, load_register, standing
from tests.conftest import DatabaseFactory, make_app

from ..helpers import create_people, csrf_token, log_in
from .fixtures import make_party

SVG = "{http://www.w3.org/2000/svg}"


def d(text: str) -> date:
    return date.fromisoformat(text)


def _register_of_six() -> dict[str, object]:
    """Six parties (one union, one dated only to the year), B1 accepted by three; one
    party in the register that is not a Contracting Party. Committed."""
    parties = {
        "AUT": make_party("AUT", "2004-04-29", name="Austria"),
        "CAN": make_party("CAN", "2000", name="Canada", in_force_on="2006-02-03"),
        "KHM": make_party("KHM", "2014-06-28", name="Cambodia"),
        "LBR": make_party("LBR", "2020-12-14", name="Liberia"),
        "AZE": make_party("AZE", "2006", name="Azerbaijan"),
    }
    eu = ops.create_party(name="European Union", kind="union", is_wco_member=True)
    ops.record_instrument(eu, instrument="approval", deposited_on="2004-04-30")
    parties["EU"] = eu
    ops.create_party(name="New Zealand", iso3="NZL")
    # Azerbaijan and Canada: a source says they accepted no chapter; Liberia: not known.
    parties["AZE"].chapters_known = True
    parties["CAN"].chapters_known = True
    ops.record_acceptance(parties["AUT"], "B1", notified_on="2010-01-04")
    ops.record_acceptance(parties["KHM"], "B1", notified_on="2014-07")
    ops.record_acceptance(eu, "B1", notified_on="2008")
    db.session.commit()
    return parties


def _names(table: Matrix) -> list[str]:
    return [row.standing.party.name for row in table.rows]


# --------------------------------------------------------------------------- the matrix


def test_matrix_counts_and_filters(small_app):
    _register_of_six()
    register = load_register()
    assert [c.label for c in register.chapters] == ["B1"]
    assert [c.key for c in register.chapters] == ["sa-b/1"]

    table = matrix(register, MatrixFilters())
    assert _names(table) == [
        "Austria", "Azerbaijan", "Cambodia", "Canada", "European Union", "Liberia",
    ]  # fmt: skip
    assert table.total_parties == 6
    assert table.column_counts == [3]
    assert table.with_any_chapter == 3
    assert [s.party.name for s in register.others][-1] == "New Zealand"

    def names(**filters: object) -> list[str]:
        return _names(matrix(register, MatrixFilters(**filters)))  # type: ignore[arg-type]

    assert names(kind=PartyKind.UNION) == ["European Union"]
    assert names(member=True) == ["European Union"]
    assert names(chapter="sa-b/1") == ["Austria", "Cambodia", "European Union"]
    # Known "none" and "unknown" are two different answers (issue 16, item 7).
    assert names(accepted="none") == ["Azerbaijan", "Canada"]
    assert names(accepted="unknown") == ["Liberia"]
    assert names(name="can") == ["Canada"]
    assert names(name="lbr") == ["Liberia"]

    # On a day: the parties bound then, and chapters in force then (B1 has 3 of 5 acceptances).
    on_2010 = matrix(register, MatrixFilters(on=d("2010-01-01")))
    assert _names(on_2010) == ["Austria", "Azerbaijan", "Canada", "European Union"]
    assert on_2010.column_counts == [0]
    # Azerbaijan (deposit known to the year 2006) is only possibly bound in mid-2006.
    mid_2006 = matrix(register, MatrixFilters(on=d("2006-06-01")))
    states = {row.standing.party.name: row.state for row in mid_2006.rows}
    assert states["Azerbaijan"] is Bound.MAYBE
    assert states["Austria"] is Bound.YES
    assert mid_2006.uncertain == 1


def test_matrix_page_and_csv(small_app):
    _register_of_six()
    client = small_app.test_client()
    page = client.get("/parties/?accepted=any").get_data(as_text=True)
    assert re.search(r"<strong>3</strong> parties shown\s+of 6 recorded", page)
    assert '<td class="count">3</td>' in page
    assert "/parties/chapters/sa-b/1" in page

    response = client.get("/parties/matrix.csv?accepted=any")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == [
        "party", "iso3", "kind", "wco_member", "instrument", "instrument_date",
        "entry_into_force", "entry_into_force_basis", "specific_annex_chapters", "B1",
    ]  # fmt: skip
    assert rows[1] == [
        "Austria", "AUT", "state", "", "accession", "2004-04-29", "2006-02-03", "computed",
        "B1; others unknown", "2010-01-04",
    ]  # fmt: skip
    assert rows[3][0] == "European Union"
    assert rows[3][6:10] == ["2006-02-03", "computed", "B1; others unknown", "2008"]
    assert len(rows) == 4

    # Known "none" and "unknown" stay apart in the CSV and on the page.
    rows = list(csv.reader(io.StringIO(client.get("/parties/matrix.csv").get_data(as_text=True))))
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Azerbaijan"][8:] == ["none", "no"]
    assert by_name["Liberia"][8:] == ["unknown", "unknown"]
    page = client.get("/parties/").get_data(as_text=True)
    assert page.count('class="acc acc-unknown"') == 1  # Liberia
    assert page.count('class="acc acc-none"') == 2  # Azerbaijan, Canada
    liberia = client.get("/parties/LBR").get_data(as_text=True)
    assert "chapters-unknown" in liberia
    assert "no source says which chapters" in liberia
    azerbaijan = client.get("/parties/AZE").get_data(as_text=True)
    assert "chapters-none" in azerbaijan
    assert "a source says Azerbaijan accepted none" in azerbaijan

    assert client.get("/parties/?on=2010-02-30").status_code == 400
    assert client.get("/parties/?kind=city").status_code == 400
    assert client.get("/parties/?chapter=ga/3").status_code == 400


def test_csv_cells_cannot_become_formulas(small_app):
    make_party("AUT", name="=HYPERLINK(1)")
    db.session.commit()
    body = small_app.test_client().get("/parties/matrix.csv").get_data(as_text=True)
    assert "'=HYPERLINK(1)" in body


# --------------------------------------------------------------------------- party, chapter


def test_party_page_shows_record_timeline_and_deadlines(small_app):
    parties = _register_of_six()
    ops.record_extension(parties["AUT"], "ga/3/3.3", granted_on="2010-06", months=12)
    db.session.commit()
    client = small_app.test_client()
    page = client.get("/parties/CAN").get_data(as_text=True)
    assert "deposited 2000" in page
    assert "known to the year" in page
    assert "recorded</span>" in page  # entry into force as the depositary recorded it
    page = client.get("/parties/aut").get_data(as_text=True)  # codes in any case
    assert "Chapter accepted" in page
    assert "2010-01-04" in page
    assert "General Annex: Transitional Standards" in page
    assert "2011-02-03" in page  # 60 months from 2006-02-03
    assert "12 months for" in page
    eu = parties["EU"]
    assert client.get(f"/parties/{eu.id}").status_code == 200
    page = client.get("/parties/NZL").get_data(as_text=True)
    assert "Not a Contracting Party" in page
    missing = client.get("/parties/XXX")
    assert missing.status_code == 404
    assert "ISO 3166-1 alpha-3" in missing.get_data(as_text=True)


def test_chapter_page(small_app):
    _register_of_six()
    client = small_app.test_client()
    page = client.get("/parties/chapters/sa-b/1").get_data(as_text=True)
    assert "Not yet in force: 3 of 5 acceptances needed" in page
    assert page.index("European Union") < page.index("Austria") < page.index("Cambodia")
    assert client.get("/parties/chapters/sa-b/9").status_code == 404


@pytest.fixture
def lenient_app(small_databases: DatabaseFactory, tmp_path: Path) -> Iterator[Flask]:
    """The small corpus with a chapter in force after two acceptances (PARTY_RULES)."""
    url = small_databases.copy()
    app = make_app(url, tmp_path / "instance", PARTY_RULES={"chapter_acceptances_needed": 2})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    small_databases.drop(url)


def test_the_chapter_rule_comes_from_the_configuration(lenient_app):
    _register_of_six()
    register = load_register()
    result = register.chapter_results[register.chapters[0].node_id]
    # Second acceptance: Austria, 2010-01-04 (the EU's "2008" comes first) + 3 months.
    assert result.first_in_force.on == d("2010-04-04")
    standings = {s.party.name: s for s in register.standings}
    assert str(standings["European Union"].chapter("sa-b/1").in_force) == "2010-04-04"
    assert str(standings["Cambodia"].chapter("sa-b/1").in_force) == (
        "between 2014-10-01 and 2014-10-31"
    )
    on_2011 = matrix(register, MatrixFilters(on=d("2011-01-01")))
    assert on_2011.column_counts == [2]


# --------------------------------------------------------------------------- charts


def test_charts_are_svg_drawn_on_the_server(small_app):
    _register_of_six()
    client = small_app.test_client()
    for url, title in [
        ("/parties/charts/parties-over-time.svg", "Contracting Parties over time"),
        ("/parties/charts/acceptances.svg", "Acceptances per Specific Annex chapter"),
    ]:
        response = client.get(url)
        assert response.mimetype == "image/svg+xml"
        body = response.get_data(as_text=True)
        root = ET.fromstring(body)  # noqa: S314 (our own server's output: is it well-formed?)
        assert root.tag == f"{SVG}svg"
        assert root.find(f"{SVG}title").text == title
        assert "<script" not in body
        assert "style=" not in body
        assert "http://" not in body.replace("http://www.w3.org/2000/svg", "")
    acceptances = client.get("/parties/charts/acceptances.svg").get_data(as_text=True)
    assert ">B1 Clearance for home use<" in acceptances
    assert "5 needed to enter into force" in acceptances
    page = client.get("/parties/charts").get_data(as_text=True)
    assert 'src="/parties/charts/parties-over-time.svg"' in page
    assert "<td>2006-02-03</td><td>3</td><td>3</td>" in page  # AUT, CAN, EU from day one


def test_parties_over_time_counts_certain_and_possible(small_app):
    _register_of_six()
    points = {p.on: p for p in parties_over_time(load_register())}
    assert (points[d("2006-02-03")].certain, points[d("2006-02-03")].possible) == (3, 3)
    # Azerbaijan (2006) may be bound from 2006-04-01, is certainly bound from 2007-03-31.
    assert (points[d("2006-04-01")].certain, points[d("2006-04-01")].possible) == (3, 4)
    assert (points[d("2007-03-31")].certain, points[d("2007-03-31")].possible) == (4, 4)
    assert points[d("2021-03-14")].certain == 6  # Liberia


# --------------------------------------------------------------------------- binding text


def _keys(binding: BindingText) -> list[str]:
    return [item.key for item in binding.items]


def _five_acceptors() -> dict[str, object]:
    """B1 in force from 2012-04-01 (the fifth acceptance, Switzerland's, on 2012-01-01);
    Austria reserves Recommended Practice 2 on 2012-06-01."""
    parties = _register_of_six()
    for iso3, day in [("CAN", "2011-05-01"), ("LBR", "2021-06-15")]:
        ops.record_acceptance(parties[iso3], "B1", notified_on=day)
    tun = make_party("TUN", "2004-05-01", name="Tunisia")
    ops.record_acceptance(tun, "B1", notified_on="2011-09-01")
    che = make_party("CHE", "2004-06-26", name="Switzerland")
    ops.record_acceptance(che, "B1", notified_on="2012-01-01")
    ops.record_reservation(
        parties["AUT"], "sa-b/1/2", entered_on="2012-06-01", text="Our law needs *arrival* first."
    )
    db.session.commit()
    return parties


def test_binding_text_without_chapters(small_app):
    parties = _register_of_six()
    binding = binding_text(parties["CAN"], d("2012-01-01"))
    keys = _keys(binding)
    assert binding.state is Bound.YES
    assert keys[0] == "body"
    assert "ga/3/3.1" in keys
    assert not [k for k in keys if k.startswith("sa-")]
    assert [c.label for c in binding.chapters_not_accepted] == ["B1"]
    standard = binding.annotations["ga/3/3.1"]
    assert standard.deadline.due_on == d("2009-02-03")
    assert standard.deadline_passed
    transitional = binding.annotations["ga/3/3.3"]
    assert transitional.deadline.due_on == d("2011-02-03")
    assert "ga/2/e1" not in binding.annotations  # definitions carry no deadline


def test_binding_text_with_a_chapter_and_a_reservation(small_app):
    parties = _five_acceptors()
    austria = parties["AUT"]
    binding = binding_text(austria, d("2013-01-01"))
    keys = _keys(binding)
    assert [k for k in keys if k.startswith("sa-")] == [
        "sa-b", "sa-b/1", "sa-b/1/s-principle", "sa-b/1/1", "sa-b/1/s-formalities", "sa-b/1/2",
    ]  # fmt: skip
    assert [(c.chapter.label, state) for c, state in binding.chapters_in] == [("B1", Bound.YES)]
    standard = binding.annotations["sa-b/1/1"]
    assert standard.deadline.due_on == d("2015-04-01")  # chapter in force 2012-04-01 + 36
    reserved = binding.annotations["sa-b/1/2"]
    assert reserved.reservation is not None
    assert reserved.reservation_state is Bound.YES
    assert reserved.deadline.span is None
    assert binding.reservations_shown == 1

    # Before the reservation, the Recommended Practice has its deadline.
    earlier = binding_text(austria, d("2012-05-01"))
    assert earlier.annotations["sa-b/1/2"].reservation is None
    assert earlier.annotations["sa-b/1/2"].deadline.due_on == d("2015-04-01")

    # Before the chapter is in force: accepted, pending, left out of the text.
    pending = binding_text(austria, d("2012-02-01"))
    assert not [k for k in _keys(pending) if k.startswith("sa-")]
    assert [c.chapter.label for c in pending.chapters_pending] == ["B1"]

    # Liberia accepted later: the chapter is in force for it 3 months after its notice.
    liberia = binding_text(parties["LBR"], d("2021-09-15"))
    assert "sa-b/1/1" in _keys(liberia)
    assert liberia.annotations["sa-b/1/1"].deadline.due_on == d("2024-09-15")


def test_binding_text_page(small_app):
    _five_acceptors()
    client = small_app.test_client()
    page = client.get("/parties/AUT/binding?on=2013-01-01").get_data(as_text=True)
    assert "The text binding Austria on 1 January 2013" in page
    assert "Reservation by Austria" in page
    assert "Our law needs <em>arrival</em> first." in page
    assert "No implementation deadline while the reservation stands." in page
    assert "Implementation by Austria: was due 2009-02-03" in page
    assert 'id="sa-b/1"' in page
    assert "Unofficial working text" in page

    page = client.get("/parties/CAN/binding?on=2010-01-01").get_data(as_text=True)
    assert 'id="sa-b/1"' not in page
    assert "1 chapter not accepted on this day" in page  # Canada accepts B1 only in 2011

    page = client.get("/parties/NZL/binding?on=2013-01-01").get_data(as_text=True)
    assert "is not a Contracting Party" in page
    page = client.get("/parties/LBR/binding?on=2020-12-31").get_data(as_text=True)
    assert "Nothing bound Liberia on this day." in page

    early = client.get("/parties/AUT/binding?on=2005-06-01")
    assert early.status_code == 404
    assert "/parties/AUT/binding?on=2006-02-03" in early.get_data(as_text=True)
    assert client.get("/parties/AUT/binding?on=June").status_code == 400


def test_binding_text_after_denunciation(small_app):
    parties = _five_acceptors()
    ops.record_denunciation(parties["AUT"], notice_on="2016-03-15")
    db.session.commit()
    assert binding_text(parties["AUT"], d("2016-09-14")).state is Bound.YES
    after = binding_text(parties["AUT"], d("2016-09-15"))
    assert after.state is Bound.NO
    assert after.items == []
    assert [c.chapter.label for c in after.chapters_ended] == ["B1"]


# --------------------------------------------------------------------------- the forms


def test_secretariat_records_through_the_forms(small_app):
    people = create_people()
    _register_of_six()
    client = small_app.test_client()
    log_in(client, people["secretariat"].username)

    def post(url: str, **data: str):  # type: ignore[no-untyped-def]
        return client.post(url, data={"csrf_token": csrf_token(client, url), **data})

    # Bad input: the form comes back with the operation's message on the field, 400.
    response = post("/parties/NZL/acceptances/new", chapter="sa-b/1", notified_on="2012")
    assert response.status_code == 400
    assert "not a Contracting Party" in response.get_data(as_text=True)
    response = post("/parties/CAN/reservations/new", provision="sa-b/1/2", entered_on="2012",
                    text="x")  # fmt: skip
    assert response.status_code == 400  # Canada accepts no chapter: nothing to choose from
    assert "accepted no Specific Annex chapter" in response.get_data(as_text=True)

    assert post("/parties/CAN/acceptances/new", chapter="sa-b/1",
                notified_on="2011-05").status_code == 302  # fmt: skip
    response = post("/parties/CAN/reservations/new", provision="sa-b/1/2",
                    entered_on="2011-05", text="Differs.")  # fmt: skip
    assert response.status_code == 302
    db.session.rollback()
    canada = standing(party_by_ident("CAN"))
    [reservation] = canada.reservations
    assert str(reservation.reservation.entered_on) == "2011-05"

    response = post(
        f"/parties/CAN/reservations/{reservation.reservation.id}/withdraw", withdrawn_on="2010"
    )
    assert response.status_code == 400
    assert "before the reservation was entered" in response.get_data(as_text=True)
    assert post("/parties/CAN/extensions/new", provision="ga/3/3.1", granted_on="2008",
                months="13").status_code == 400  # fmt: skip
    assert post("/parties/CAN/extensions/new", provision="ga/3/3.1", granted_on="2008",
                months="6").status_code == 302  # fmt: skip
    assert post("/parties/CAN/denunciations/new", chapter="sa-b/1",
                notice_on="2019").status_code == 302  # fmt: skip
    event = canada.events[-1]
    response = post(f"/parties/CAN/events/{event.id}/retract", reason="")
    assert response.status_code == 400
    assert post("/parties/NZL/instrument", instrument="accession",
                deposited_on="2024-02").status_code == 302  # fmt: skip
    db.session.rollback()
    assert standing(party_by_ident("NZL")).membership is not None

    # The admin's forms: a new party and its details.
    admin = small_app.test_client()
    log_in(admin, people["admin"].username)
    url = "/parties/new"
    response = admin.post(url, data={"csrf_token": csrf_token(admin, url), "name": "Tonga",
                                     "iso3": "ton", "kind": "state", "wco_member": "yes"})  # fmt: skip
    assert response.status_code == 302
    url = "/parties/TON/edit"
    response = admin.post(url, data={"csrf_token": csrf_token(admin, url), "name": "Tonga",
                                     "iso3": "AUT", "kind": "state", "wco_member": ""})  # fmt: skip
    assert response.status_code == 400
    assert "AUT is already Austria" in response.get_data(as_text=True)


# --------------------------------------------------------------------------- the real corpus


def test_the_corpus_seeds_the_parties(reader):
    page = reader.get("/parties/").get_data(as_text=True)
    assert re.search(r"<strong>83</strong> parties shown\s+of 83 recorded", page)
    coverage = re.sub(r"<[^>]+>", "", re.search(r'<p class="coverage".*?</p>', page, re.S)[0])
    assert "83 of 136 parties recorded; chapters known for 7" in coverage
    assert "February 2024" in coverage
    liberia = reader.get("/parties/LBR").get_data(as_text=True)
    assert "deposited 2020-12-14" in liberia
    assert "2021-03-14" in liberia
    assert "The recorded date 2021-03-14 agrees with this calculation" in liberia
    azerbaijan = reader.get("/parties/AZE").get_data(as_text=True)
    assert "between 2006-04-01 and 2007-03-31" in azerbaijan
    assert "known only to the year" in azerbaijan
    rows = list(csv.reader(io.StringIO(reader.get("/parties/matrix.csv").get_data(as_text=True))))
    assert len(rows) == 84
    assert len(rows[0]) == 9 + 25  # the 25 Specific Annex chapters
    assert rows[0][9:12] == ["A1", "A2", "B1"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["United Arab Emirates"][8:11] == ["A1;A2", "2010", "2010"]
    assert by_name["Austria"][8:10] == ["none", "no"]
    assert by_name["Pakistan"][8:10] == ["unknown", "unknown"]
    assert by_name["Pakistan"][6] == "date not recorded"
    records = [row[8] for row in rows[1:]]
    assert records.count("unknown") == 83 - 7
    # No moving bound: a party with no recorded date has no range ending on any day.
    pakistan = reader.get("/parties/PAK").get_data(as_text=True)
    assert "date not recorded" in pakistan
    assert "cannot be computed: date of entry into force not recorded" in pakistan
    assert "between 2006-02-03 and" not in pakistan
    assert rows[0][-1] == "K3"
