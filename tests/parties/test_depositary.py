"""The depositary's table (issue 16, item 8): the WCO's "position as regards ratifications
and accessions", from CSV and from a text PDF; every row checked, all or nothing, a dry run
that says what would change."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from rkc.audit import Actor, acting_as
from rkc.extensions import db
from rkc.parties import operations as ops
from rkc.parties import register_import, standings
from rkc.parties.depositary import parse_date
from rkc.parties.lookup import party_by_ident
from rkc.parties.models import PartyEvent

from ..helpers import create_people, csrf_token, log_in

LIST_LAYOUT = (
    "Contracting Party,Date of deposit,Entry into force,Specific Annexes / Chapters\n"
    "Austria,29.04.2004,03.02.2006,\n"
    'Liberia,14/12/2020,14/03/2021,"B1"\n'
    "Azerbaijan,2006,,none\n"
)

PER_CHAPTER = (
    "Contracting Party;ISO;Date of deposit;Entry into force;B1\n"
    "Austria;;29.04.2004;03.02.2006;\n"
    "Cambodia;KHM;28.06.2014;28.09.2014;30.11.2015\n"
)


@pytest.fixture
def world(small_app):  # type: ignore[no-untyped-def]
    with acting_as(Actor(None, "test-setup", "system")):
        for name, code in (("Austria", "AUT"), ("Liberia", "LBR"), ("Azerbaijan", "AZE")):
            ops.create_party(name=name, iso3=code)
        db.session.commit()
    return small_app


def _events() -> int:
    return db.session.scalar(select(func.count()).select_from(PartyEvent))


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("04.06.2013", "2013-06-04"),
        ("29/02/2024", "2024-02-29"),
        ("2013-06-04", "2013-06-04"),
        ("4 June 2013", "2013-06-04"),
        ("31 janvier 2020", "2020-01-31"),
        ("June 2013", "2013-06"),
        ("2013", "2013"),
    ],
)
def test_dates_keep_their_precision(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize("text", ["29.02.2023", "31.04.2015", "13/13/2013", "Juneteenth 2013"])
def test_impossible_dates_are_refused(text):
    with pytest.raises(ValueError, match=r"is not a date|day is out of range|month must be"):
        parse_date(text)


def test_csv_with_a_list_of_chapters(world):
    with acting_as(Actor(None, "test", "system")):
        report = register_import.import_file(LIST_LAYOUT.encode(), source="position-2024.csv")
        db.session.commit()
    liberia = standings.standing(party_by_ident("LBR"))
    assert str(liberia.membership.entry_into_force) == "2021-03-14"
    assert [c.chapter.label for c in liberia.chapters] == ["B1"]  # the small corpus has B only
    # The depositary's table is complete: an empty cell is "none", never "unknown".
    austria = standings.standing(party_by_ident("AUT"))
    assert austria.chapters_record == "none"
    assert austria.party.chapters_source == "position-2024.csv"
    assert standings.standing(party_by_ident("AZE")).chapters_record == "none"
    assert report.events == 4  # three instruments and one acceptance


def test_csv_with_a_column_per_chapter(world):
    text = PER_CHAPTER
    with acting_as(Actor(None, "test", "system")):
        register_import.import_file(text.encode())
        db.session.commit()
    cambodia = standings.standing(party_by_ident("KHM"))
    assert cambodia.party.name == "Cambodia"  # new: its code came in the ISO column
    [b1] = cambodia.chapters
    assert str(b1.acceptance.event_on) == "2015-11-30"


def test_every_problem_with_its_line_and_nothing_stored(world):
    bad = (
        "Contracting Party,Date of deposit,Entry into force,Specific Annexes\n"
        "Austria,31.04.2004,,\n"  # line 2: no 31 April
        "Liberia,14.12.2020,,Z9\n"  # line 3: not a chapter
        "Ruritania,01.01.2020,,\n"  # line 4: unknown, and no code
        "Azerbaijan,2006,,B1\n"  # line 5: fine
    )
    before = _events()
    with (
        acting_as(Actor(None, "test", "system")),
        pytest.raises(register_import.PartyImportError) as caught,
    ):
        register_import.import_file(bad.encode())
    found = {(p.row, p.column) for p in caught.value.problems}
    assert found == {(2, "date of deposit"), (3, "chapters"), (4, "party")}
    assert "Ruritania is not in the register" in str(caught.value)
    db.session.rollback()
    assert _events() == before


def test_a_row_contradicting_the_register_is_refused_by_its_line(world):
    with acting_as(Actor(None, "test", "system")):
        ops.record_instrument(party_by_ident("AUT"), instrument=None, deposited_on="2004-04-29")
        db.session.commit()
        text = "Contracting Party,Date of deposit\nLiberia,14.12.2020\nAustria,30.04.2004\n"
        with pytest.raises(register_import.PartyImportError) as caught:
            register_import.import_file(text.encode())
    assert [p.row for p in caught.value.problems] == [3]
    db.session.rollback()
    assert standings.standing(party_by_ident("LBR")).membership is None


def _table_pdf() -> bytes:
    from weasyprint import HTML

    rows = [
        ("Austria", "29.04.2004", "03.02.2006", ""),
        ("Liberia", "14.12.2020", "14.03.2021", "B1"),
        ("Korea, Republic of", "01.05.2006", "01.08.2006", ""),
    ]
    body = "".join(
        f"<tr><td class='n'>{n}</td><td>{d}</td><td>{f}</td><td>{c}</td></tr>"
        for n, d, f, c in rows
    )
    html = (
        "<html><head><style>td{padding:2pt 6pt} .n{width:22mm}</style></head><body>"
        "<h1>Position as regards ratifications and accessions</h1><table>"
        "<tr><th>Contracting Party</th><th>Date of deposit</th><th>Entry into force</th>"
        f"<th>Specific Annexes</th></tr>{body}</table><p>Page 1</p></body></html>"
    )
    return HTML(string=html).write_pdf()


def test_a_text_pdf_of_the_table(world):
    with acting_as(Actor(None, "test", "system")):
        ops.create_party(name="Korea, Republic of", iso3="KOR")
        report = register_import.import_file(_table_pdf(), source="position.pdf", check_only=True)
        # A dry run: what would change, and nothing stored.
        assert any("Liberia: accepted B1" in change for change in report.changes)
        assert any("Austria: instrument deposited 2004-04-29" in c for c in report.changes)
        # The wrapped name was joined back ("Korea, Republic" / "of 01.05.2006 ...").
        assert any(
            "Korea, Republic of: instrument deposited 2006-05-01" in c for c in report.changes
        )
        assert _events() == 0
        register_import.import_file(_table_pdf(), source="position.pdf")
        db.session.commit()
    assert str(standings.standing(party_by_ident("AUT")).membership.entry_into_force) == (
        "2006-02-03"
    )
    assert standings.standing(party_by_ident("LBR")).chapters_record == "B1"


def test_not_a_table(world):
    with pytest.raises(
        register_import.PartyImportError, match="the header must name the party column"
    ):
        register_import.import_file(b"foo,bar\n1,2\n")
    with pytest.raises(register_import.PartyImportError, match="not a readable PDF"):
        register_import.import_file(b"%PDF-1.7 garbage")


def test_the_command_and_the_form(world, tmp_path):
    path = tmp_path / "position.csv"
    path.write_text(LIST_LAYOUT, encoding="utf-8")
    runner = world.test_cli_runner()
    checked = runner.invoke(args=["parties", "import", "--check", str(path)])
    assert checked.exit_code == 0, checked.output
    assert "would change: line 3: Liberia: accepted B1 on 2020-12-14" in checked.output
    assert db.session.scalar(select(func.count()).select_from(PartyEvent)) == 0

    people = create_people()
    with acting_as(Actor(None, "test-setup", "system")):
        ops.create_party(name="Korea, Republic of", iso3="KOR")
        db.session.commit()
    client = world.test_client()
    log_in(client, people["secretariat"].username)
    import io

    response = client.post(
        "/parties/import",
        data={
            "csrf_token": csrf_token(client, "/parties/import"),
            "table": (io.BytesIO(_table_pdf()), "position.pdf"),
            "check_only": "y",
        },
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "What would change" in page
    assert "Liberia: accepted B1" in page
    assert db.session.scalar(select(func.count()).select_from(PartyEvent)) == 0
