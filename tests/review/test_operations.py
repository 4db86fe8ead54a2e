"""The review register's writes: ordinals, agenda numbering, symbols, files."""

from __future__ import annotations

import io
import threading
import zipfile
from datetime import date

import pytest
from sqlalchemy import func, select

from rkc.audit import Actor, acting_as
from rkc.database import write_intent
from rkc.extensions import db
from rkc.review import operations as ops
from rkc.review import queries
from rkc.review.models import Body, Document, Meeting, ordinal

from .fixtures import PDF_BYTES, body, docx_bytes

SYSTEM = Actor(None, "test", "system")


def _meeting(number: int = 23, code: str = "RKC/MC") -> Meeting:
    return ops.create_meeting(
        body(code),
        number=number,
        starts_on=date(2027, 3, 15),
        ends_on=date(2027, 3, 16),
        mode="virtual",
        languages=["en", "fr"],
    )


def test_ordinals_read_as_english():
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111, 112)] == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
        "23rd",
        "101st",
        "111th",
        "112th",
    ]


def test_init_seeds_the_two_bodies(small_app):
    assert {b.code for b in queries.bodies()} >= {"WGRKC", "RKC/MC"}


def test_a_second_23rd_session_of_a_body_is_refused_and_nothing_stored(small_app):
    with acting_as(SYSTEM):
        _meeting(23)
        db.session.commit()
        with pytest.raises(ops.ReviewError, match="already has a 23rd session"):
            _meeting(23)
        # Another body may have its own 23rd.
        _meeting(23, "WGRKC")
        db.session.commit()
    assert db.session.scalar(select(func.count(Meeting.id))) == 2


def test_the_unique_constraint_refuses_a_duplicate_even_when_the_check_is_passed(small_app):
    """Two requests that both passed the check: the constraint answers with the same message."""
    with acting_as(SYSTEM):
        _meeting(7)
        db.session.commit()
        original = db.session.scalar
        calls = []

        def blind(query, *args, **kwargs):  # the friendly check sees nothing, as in a race
            if not calls and "review_meeting" in str(query):
                calls.append(query)
                return None
            return original(query, *args, **kwargs)

        db.session.scalar = blind
        try:
            with pytest.raises(ops.ReviewError, match="already has a 7th session"):
                _meeting(7)
        finally:
            del db.session.scalar
        assert calls
        db.session.commit()  # the transaction is still usable
    assert db.session.scalar(select(func.count(Meeting.id))) == 1


def test_meeting_input_is_checked(small_app):
    with acting_as(SYSTEM), pytest.raises(ops.ReviewError, match="Ends on"):
        ops.create_meeting(
            body(),
            number=1,
            starts_on=date(2027, 3, 15),
            ends_on=date(2027, 3, 1),
            mode="virtual",
            languages=["en"],
        )
    with acting_as(SYSTEM), pytest.raises(ops.ReviewError, match="Languages"):
        ops.create_meeting(
            body(),
            number=1,
            starts_on=date(2027, 3, 15),
            ends_on=date(2027, 3, 15),
            mode="virtual",
            languages=["de"],
        )


def test_agenda_numbers_follow_positions_and_ids_stay(small_app):
    with acting_as(SYSTEM):
        meeting = _meeting()
        first = ops.add_item(meeting, title="Opening", purpose="information")
        second = ops.add_item(meeting, title="The review", purpose="decision")
        third = ops.add_item(meeting, title="Other business", purpose="information")
        sub_a = ops.add_item(meeting, title="Concepts", purpose="guidance", parent=second)
        sub_b = ops.add_item(meeting, title="Drafts", purpose="decision", parent=second)
        shown = [(n.number, n.item.id) for n in queries.agenda(meeting)]
        assert shown == [
            ("I", first.id),
            ("II", second.id),
            ("II.a", sub_a.id),
            ("II.b", sub_b.id),
            ("III", third.id),
        ]
        ops.move_item(third, -1)
        ops.move_item(sub_b, -1)
        shown = [(n.number, n.item.id) for n in queries.agenda(meeting)]
        assert shown == [
            ("I", first.id),
            ("II", third.id),
            ("III", second.id),
            ("III.a", sub_b.id),
            ("III.b", sub_a.id),
        ]
        with pytest.raises(ops.ReviewError, match="already at that end"):
            ops.move_item(first, -1)
        with pytest.raises(ops.ReviewError, match="two levels"):
            ops.add_item(meeting, title="Too deep", purpose="decision", parent=sub_a)


def test_symbols_share_the_number_across_languages_and_revisions_supersede(small_app):
    with acting_as(SYSTEM):
        meeting = _meeting()
        english = ops.register_document(
            body(),
            title="Concepts",
            language="en",
            data=PDF_BYTES,
            filename="c.pdf",
            meeting=meeting,
        )
        french = ops.add_language(
            english, language="fr", title="Concepts (fr)", data=docx_bytes(), filename="c.docx"
        )
        assert (english.symbol, french.symbol) == ("RK0001E1", "RK0001F1")
        revised = ops.revise(english, title="Concepts", data=PDF_BYTES, filename="c2.pdf")
        assert revised.symbol == "RK0001E2"
        assert english.superseded_by is revised
        assert not revised.is_superseded
        addendum = ops.register_document(
            body(),
            title="Annex",
            language="en",
            data=PDF_BYTES,
            filename="a.pdf",
            kind="addendum",
            parent=english,
        )
        assert addendum.symbol == "RK0002E1"
        assert addendum.parent is english
        with pytest.raises(ops.ReviewError, match="registered already"):
            ops.add_language(english, language="fr", title="x", data=PDF_BYTES, filename="x.pdf")
        with pytest.raises(ops.ReviewError, match="superseded already"):
            ops.revise(english, title="x", data=PDF_BYTES, filename="x.pdf")
        db.session.commit()
    assert [d.symbol for d in queries.versions_of(english)] == ["RK0001E1", "RK0001F1", "RK0001E2"]


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("{series}{number:4}{lang}", "{version} exactly once"),
        ("{series}{lang}{version}", "{number} exactly once"),
        ("{series}{number}{lang}{version}", "fixed width"),
        ("{series}{number:4}{lang}{version}{year}", "unknown placeholder {year}"),
        ("{series}<{number:4}{lang}{version}", "only letters"),
    ],
)
def test_a_pattern_that_cannot_mint_is_refused(small_app, pattern, message):
    with acting_as(SYSTEM), pytest.raises(ops.ReviewError, match=message.replace("{", r"\{")):
        ops.configure_body(body(), series="RK", symbol_pattern=pattern)


def test_a_full_counter_refuses_to_mint_and_stores_nothing(small_app):
    with acting_as(SYSTEM):
        ops.configure_body(body(), series="RK", symbol_pattern="{series}{number:1}{lang}{version}")
        for _ in range(9):
            ops.register_document(
                body(), title="T", language="en", data=PDF_BYTES, filename="t.pdf"
            )
        db.session.commit()
        with pytest.raises(ops.ReviewError, match="does not fit in 1 digits"):
            ops.register_document(
                body(), title="T", language="en", data=PDF_BYTES, filename="t.pdf"
            )
        db.session.rollback()
    assert db.session.scalar(select(func.count(Document.id))) == 9


def _bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<a>" + b" " * (40 * 1024 * 1024) + b"</a>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "x.pdf", "empty"),
        (b"<html>", "x.pdf", "does not start as a PDF"),
        (PDF_BYTES, "x.exe", "Word \\(.docx\\) or PDF"),
        (b"not a zip", "x.docx", "not a zip archive"),
        (_bomb(), "bomb.docx", "unpacks to more than"),
    ],
)
def test_a_bad_upload_is_refused_and_spends_no_number(small_app, data, filename, message):
    with acting_as(SYSTEM):
        with pytest.raises(ops.ReviewError, match=message):
            ops.register_document(body(), title="T", language="en", data=data, filename=filename)
        db.session.rollback()
        good = ops.register_document(
            body(), title="T", language="en", data=docx_bytes(), filename="t.docx"
        )
    assert good.symbol == "RK0001E1"


def test_parallel_minting_never_duplicates_a_number(small_app):
    """Eight requests at once, each in its own connection and transaction (both engines)."""
    body_id = body().id
    barrier = threading.Barrier(8, timeout=60)
    symbols: list[str] = []
    errors: list[BaseException] = []

    def mint() -> None:
        # As a POST request declares (rkc.database): on SQLite, BEGIN IMMEDIATE.
        write_intent.set(True)
        try:
            barrier.wait()  # all start together; each then opens its own transaction
            with small_app.app_context(), acting_as(SYSTEM):
                target = db.session.get(Body, body_id)
                document = ops.register_document(
                    target, title="Race", language="en", data=PDF_BYTES, filename="r.pdf"
                )
                db.session.commit()
                symbols.append(document.symbol)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=mint) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(symbols) == [f"RK{n:04d}E1" for n in range(1, 9)]
