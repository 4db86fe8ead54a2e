"""The Convention's date rules (rkc/parties/entry_into_force.py, deadlines.py,
rkc/procedure/law.py): tables of cases with exact dates."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rkc.parties.deadlines import (
    ProvisionKind,
    denunciation_effective,
    implementation_deadline,
    reservation_review_dates,
)
from rkc.parties.entry_into_force import (
    ChapterAcceptance,
    chapter_entry_into_force,
    party_entry_into_force,
)
from rkc.parties.periods import (
    DEFAULT_RULES,
    RKC_ENTRY_INTO_FORCE,
    DateRange,
    PartialDate,
    Precision,
    Rules,
    add_months,
)
from rkc.procedure.law import (
    Outcome,
    Procedure,
    Response,
    ResponseKind,
    Status,
    evaluate_recommendation,
)

#: Property tests keep no example database in the working tree.
no_db = settings(database=None, max_examples=300)


def d(text: str) -> date:
    return date.fromisoformat(text)


# --------------------------------------------------------------------------------------
# add_months


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2020-12-14", 3, "2021-03-14"),
        ("2023-01-31", 1, "2023-02-28"),
        ("2024-01-31", 1, "2024-02-29"),
        ("2023-08-31", 6, "2024-02-29"),
        ("2022-08-31", 6, "2023-02-28"),
        ("2023-11-30", 3, "2024-02-29"),
        ("2023-10-31", 1, "2023-11-30"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2024-02-29", 48, "2028-02-29"),
        ("2000-01-31", 1, "2000-02-29"),
        ("2100-01-31", 1, "2100-02-28"),
        ("2023-12-31", 0, "2023-12-31"),
        ("2023-12-15", 1, "2024-01-15"),
        ("2021-03-31", -1, "2021-02-28"),
        ("2021-01-15", -13, "2019-12-15"),
    ],
)
def test_add_months(start: str, months: int, expected: str) -> None:
    assert add_months(d(start), months) == d(expected)


def test_add_months_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="outside the supported calendar"):
        add_months(date.max, 1)
    with pytest.raises(TypeError, match="not datetime"):
        add_months(datetime(2020, 1, 1, tzinfo=UTC), 1)
    with pytest.raises(TypeError, match="whole number"):
        add_months(d("2020-01-01"), 1.5)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------
# PartialDate and DateRange


@pytest.mark.parametrize(
    ("text", "precision", "earliest", "latest"),
    [
        ("2006", Precision.YEAR, "2006-01-01", "2006-12-31"),
        ("2006-04", Precision.MONTH, "2006-04-01", "2006-04-30"),
        ("2024-02", Precision.MONTH, "2024-02-01", "2024-02-29"),
        ("2023-02", Precision.MONTH, "2023-02-01", "2023-02-28"),
        ("2006-04-29", Precision.DAY, "2006-04-29", "2006-04-29"),
        ("2024-02-29", Precision.DAY, "2024-02-29", "2024-02-29"),
    ],
)
def test_partial_date_parse(text: str, precision: Precision, earliest: str, latest: str) -> None:
    parsed = PartialDate.parse(text)
    assert str(parsed) == text
    assert parsed.precision is precision
    assert parsed.is_exact is (precision is Precision.DAY)
    assert parsed.earliest() == d(earliest)
    assert parsed.latest() == d(latest)
    assert PartialDate.parse(f"  {text} ") == parsed


@pytest.mark.parametrize(
    "text",
    [
        "",
        "06",
        "2006-4",
        "2006-13",
        "2006-00",
        "2023-02-29",
        "2006-04-31",
        "2006-04-29-01",
        "2006/04",
        "abcd",
        "-2006",
        "\uff12\uff10\uff10\uff16",  # full-width digits
    ],
)
def test_partial_date_parse_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="is not a date"):
        PartialDate.parse(text)


def test_partial_date_construction_and_coercion() -> None:
    with pytest.raises(ValueError, match="a day needs a month"):
        PartialDate(2006, None, 5)
    assert PartialDate.coerce(d("2006-04-29")) == PartialDate(2006, 4, 29)
    assert PartialDate.coerce("2006") == PartialDate(2006)
    with pytest.raises(TypeError, match="not datetime"):
        PartialDate.coerce(datetime(2006, 4, 29, tzinfo=UTC))


def test_date_range() -> None:
    span = DateRange(d("2019-04-01"), d("2020-03-31"))
    assert not span.is_exact
    assert span.on is None
    assert str(span) == "between 2019-04-01 and 2020-03-31"
    assert d("2019-12-31") in span
    assert d("2020-04-01") not in span
    assert DateRange.exact(d("2021-03-14")).on == d("2021-03-14")
    with pytest.raises(ValueError, match="cannot end"):
        DateRange(d("2020-01-02"), d("2020-01-01"))


# --------------------------------------------------------------------------------------
# Art. 18: the Convention for a party


@pytest.mark.parametrize(
    ("deposit", "earliest", "latest"),
    [
        pytest.param("2020-12-14", "2021-03-14", "2021-03-14", id="Liberia"),
        pytest.param("2021-02-03", "2021-05-03", "2021-05-03", id="Turkmenistan"),
        pytest.param("2014-06-28", "2014-09-28", "2014-09-28", id="Cambodia"),
        pytest.param("2022-03-09", "2022-06-09", "2022-06-09", id="Comoros"),
        pytest.param("2004-04-29", "2006-02-03", "2006-02-03", id="Austria-before-2006"),
        pytest.param("2004", "2006-02-03", "2006-02-03", id="year-2004-still-exact"),
        pytest.param("2000", "2006-02-03", "2006-02-03", id="year-2000-Canada"),
        pytest.param("2005-10", "2006-02-03", "2006-02-03", id="month-2005-10-still-exact"),
        pytest.param("2005-11-03", "2006-02-03", "2006-02-03", id="fortieth-day"),
        pytest.param("2005-11-04", "2006-02-04", "2006-02-04", id="later-of-reading"),
        pytest.param("2005-11", "2006-02-03", "2006-02-28", id="month-straddles-2006"),
        pytest.param("2019", "2019-04-01", "2020-03-31", id="year-2019-range"),
        pytest.param("2019-05", "2019-08-01", "2019-08-31", id="month-2019-05-range"),
        pytest.param("2023-11", "2024-02-01", "2024-02-29", id="month-into-leap-Feb"),
        pytest.param("2023-11-30", "2024-02-29", "2024-02-29", id="leap-clamp"),
        pytest.param("2022-11-30", "2023-02-28", "2023-02-28", id="common-clamp"),
    ],
)
def test_party_entry_into_force(deposit: str, earliest: str, latest: str) -> None:
    result = party_entry_into_force(PartialDate.parse(deposit))
    assert (result.earliest, result.latest) == (d(earliest), d(latest))
    assert result.is_exact is (earliest == latest)
    assert result.on == (d(earliest) if earliest == latest else None)
    assert not result.is_recorded
    assert result.explanation[0].startswith("Art. 18")
    if len(deposit) < 10:
        assert any("known only to the" in step for step in result.explanation)
        if result.is_exact:
            assert any("so the result is exact" in step for step in result.explanation)
        else:
            assert any("can only be given as a range" in step for step in result.explanation)


def test_party_entry_into_force_accepts_dates_and_text() -> None:
    assert party_entry_into_force(d("2020-12-14")).on == d("2021-03-14")
    assert party_entry_into_force("2020-12-14").on == d("2021-03-14")


@pytest.mark.parametrize(
    ("deposit", "recorded", "agrees", "wording"),
    [
        pytest.param("2020-12-14", "2021-03-14", True, "agrees", id="Liberia-agrees"),
        pytest.param("2019", "2019-08-13", True, "fixes the day", id="year-fixed-by-record"),
        pytest.param("2019-05-13", "2019-08-14", False, "differs", id="record-differs"),
    ],
)
def test_party_entry_into_force_recorded(
    deposit: str, recorded: str, agrees: bool, wording: str
) -> None:
    result = party_entry_into_force(PartialDate.parse(deposit), recorded=d(recorded))
    assert result.on == d(recorded)
    assert result.is_recorded
    assert result.agrees_with_rules is agrees
    assert wording in result.explanation[-1]


def test_party_entry_into_force_recorded_must_be_possible() -> None:
    with pytest.raises(ValueError, match="before the Convention itself"):
        party_entry_into_force(PartialDate.parse("2004"), recorded=d("2005-01-01"))
    with pytest.raises(ValueError, match="before the deposit"):
        party_entry_into_force(PartialDate.parse("2021-02-03"), recorded=d("2021-01-01"))


def test_rules_are_data() -> None:
    slower = dataclasses.replace(DEFAULT_RULES, accession_months=6)
    assert party_entry_into_force("2020-12-14", rules=slower).on == d("2021-06-14")
    assert DEFAULT_RULES.convention_in_force_on == RKC_ENTRY_INTO_FORCE == d("2006-02-03")
    with pytest.raises(ValueError, match="cannot be negative"):
        Rules(denunciation_months=-1)


# --------------------------------------------------------------------------------------
# Art. 18: Specific Annex chapters

IN_2006 = d("2006-02-03")


def test_chapter_not_in_force_with_four_acceptances() -> None:
    result = chapter_entry_into_force(
        [
            ("A", "2006-03-01", IN_2006),
            ("B", "2006-05-10", IN_2006),
            ("C", "2007", IN_2006),
            ("D", "2007-06-30", IN_2006),
        ]
    )
    assert result.first_in_force is None
    assert not result.has_enough_acceptances
    assert result.summary == "not yet in force: 4 of 5 acceptances"
    assert all(entry.result is None for entry in result.parties)
    assert "4 of 5" in result.explanation[-1]


EXACT_FIVE = [
    ("A", "2006-03-01", IN_2006),
    ("B", "2006-05-10", IN_2006),
    ("C", "2007-01-20", IN_2006),
    ("D", "2007-06-30", IN_2006),
    ("E", "2007-11-30", IN_2006),
]


@pytest.mark.parametrize(
    ("party", "expected"),
    [
        pytest.param("A", "2008-02-29", id="first-acceptor-waits-for-fifth"),
        pytest.param("E", "2008-02-29", id="fifth-plus-3-months-leap-clamp"),
        pytest.param("F", "2009-04-30", id="later-acceptor-own-3-months"),
        pytest.param("G", "2010-09-15", id="accepted-at-accession"),
        pytest.param("H", "2011-06-01", id="not-before-convention-for-party"),
        pytest.param("J", None, id="convention-not-yet-in-force-for-party"),
    ],
)
def test_chapter_entry_into_force_per_party(party: str, expected: str | None) -> None:
    result = chapter_entry_into_force(
        [
            *EXACT_FIVE,
            ("F", "2009-01-31", IN_2006),
            ("G", "2010-06-15", d("2010-09-15")),
            ("H", "2011-01-10", d("2011-06-01")),
            ChapterAcceptance("J", PartialDate.parse("2012-03-01"), None),
        ]
    )
    assert result.first_in_force is not None
    assert result.first_in_force.on == d("2008-02-29")
    assert result.summary == "first entry into force: 2008-02-29"
    assert "notified by E on 2007-11-30" in " ".join(result.explanation)
    entry = result.for_party(party)
    if expected is None:
        assert entry.result is None
        assert "not yet in force for J" in entry.explanation[-1]
    else:
        assert entry.result is not None
        assert entry.result.on == d(expected)


def test_chapter_accepted_before_2006_enters_into_force_with_the_convention() -> None:
    result = chapter_entry_into_force(
        [
            ("A", "2004", IN_2006),
            ("B", "2004-06-30", IN_2006),
            ("C", "2005-01-15", IN_2006),
            ("D", "2005-05", IN_2006),
            ("E", "2005-06-30", IN_2006),
        ]
    )
    assert result.first_in_force is not None
    assert result.first_in_force.on == IN_2006
    assert {
        entry.party: entry.result.on for entry in result.parties if entry.result
    } == dict.fromkeys("ABCDE", IN_2006)


def test_chapter_with_imprecise_fifth_acceptance_gives_a_range() -> None:
    result = chapter_entry_into_force(
        [
            ("A", "2007-01-10", IN_2006),
            ("B", "2007-02-10", IN_2006),
            ("C", "2007-03-10", IN_2006),
            ("D", "2007-04-10", IN_2006),
            ("E", "2008", IN_2006),
            ("F", "2010-01-10", IN_2006),
        ]
    )
    first = result.first_in_force
    assert first is not None
    assert (first.earliest, first.latest) == (d("2008-04-01"), d("2009-03-31"))
    assert first.on is None
    assert result.summary == "first entry into force: between 2008-04-01 and 2009-03-31"
    a = result.for_party("A").result
    assert a is not None
    assert (a.earliest, a.latest) == (d("2008-04-01"), d("2009-03-31"))
    f = result.for_party("F").result
    assert f is not None
    assert f.on == d("2010-04-10")


def test_chapter_acceptances_are_validated() -> None:
    with pytest.raises(ValueError, match="A appears twice"):
        chapter_entry_into_force([("A", "2007", IN_2006), ("A", "2008", IN_2006)])
    with pytest.raises(ValueError, match="an acceptance is"):
        chapter_entry_into_force([("A", "2007")])  # type: ignore[list-item]
    with pytest.raises(KeyError):
        chapter_entry_into_force(EXACT_FIVE).for_party("Z")


# --------------------------------------------------------------------------------------
# Art. 13: implementation deadlines


@pytest.mark.parametrize(
    ("kind", "in_force", "extension", "expected"),
    [
        (ProvisionKind.STANDARD, "2021-03-14", 0, "2024-03-14"),
        (ProvisionKind.RECOMMENDED_PRACTICE, "2021-03-14", 0, "2024-03-14"),
        (ProvisionKind.TRANSITIONAL_STANDARD, "2021-03-14", 0, "2026-03-14"),
        (ProvisionKind.STANDARD, "2006-02-03", 0, "2009-02-03"),
        (ProvisionKind.TRANSITIONAL_STANDARD, "2006-02-03", 0, "2011-02-03"),
        (ProvisionKind.STANDARD, "2008-02-29", 0, "2011-02-28"),
        (ProvisionKind.TRANSITIONAL_STANDARD, "2008-02-29", 0, "2013-02-28"),
        (ProvisionKind.STANDARD, "2008-02-29", 12, "2012-02-29"),
        (ProvisionKind.STANDARD, "2020-09-30", 5, "2024-02-29"),
        (ProvisionKind.STANDARD, "2021-01-31", 1, "2024-02-29"),
        (ProvisionKind.STANDARD, "2022-01-31", 1, "2025-02-28"),
        (ProvisionKind.RECOMMENDED_PRACTICE, "2021-03-14", 12, "2025-03-14"),
        (ProvisionKind.TRANSITIONAL_STANDARD, "2020-08-31", 6, "2026-02-28"),
        ("standard", "2021-03-14", 0, "2024-03-14"),
        ("TRANSITIONAL_STANDARD", "2021-03-14", 0, "2026-03-14"),
    ],
)
def test_implementation_deadline(
    kind: ProvisionKind | str, in_force: str, extension: int, expected: str
) -> None:
    deadline = implementation_deadline(kind, d(in_force), False, extension_months=extension)
    assert deadline.due_on == d(expected)
    assert deadline.extension_months == extension
    assert deadline.explanation[0].startswith("Art. 13")
    if extension:
        assert "extension" in deadline.explanation[1]


def test_reserved_recommended_practice_has_no_deadline() -> None:
    deadline = implementation_deadline("recommended_practice", d("2021-03-14"), reserved=True)
    assert not deadline.has_deadline
    assert deadline.due_on is None
    assert str(deadline) == "no deadline"
    assert "reservation" in deadline.explanation[0]


def test_implementation_deadline_from_an_imprecise_entry_into_force() -> None:
    in_force = party_entry_into_force("2019")
    deadline = implementation_deadline(ProvisionKind.STANDARD, in_force, False)
    assert deadline.due_on is None
    assert deadline.span == DateRange(d("2022-04-01"), d("2023-03-31"))
    assert "can only be given as a range" in deadline.explanation[-1]


@pytest.mark.parametrize(
    ("kind", "reserved", "extension", "message"),
    [
        ("standard", False, 13, "at most 12 months"),
        ("standard", False, 24, "at most 12 months"),
        ("standard", False, -1, "cannot be negative"),
        ("standard", True, 0, "standard cannot be reserved"),
        ("transitional_standard", True, 0, "transitional standard cannot be reserved"),
        ("recommended_practice", True, 6, "no implementation deadline to extend"),
        ("note", False, 0, "unknown provision kind 'note'"),
    ],
)
def test_implementation_deadline_rejects(
    kind: str, reserved: bool, extension: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        implementation_deadline(kind, d("2021-03-14"), reserved, extension_months=extension)


# --------------------------------------------------------------------------------------
# Art. 12: reservation reviews


@pytest.mark.parametrize(
    ("entered", "until", "due", "next_due", "uncertain"),
    [
        pytest.param(
            "2006-02-03",
            "2015-12-31",
            ["2009-02-03", "2012-02-03", "2015-02-03"],
            "2018-02-03",
            [],
            id="from-day-one",
        ),
        pytest.param("2004-04-29", "2010-01-01", ["2009-02-03"], "2012-02-03", [], id="pre-2006"),
        pytest.param(
            "2012-02-03", "2016-01-01", ["2015-02-03"], "2018-02-03", [], id="entered-on-cycle-day"
        ),
        pytest.param(
            "2012-02-02", "2012-02-03", ["2012-02-03"], "2015-02-03", [], id="until-inclusive"
        ),
        pytest.param("2020-06-01", "2020-12-31", [], "2021-02-03", [], id="none-yet"),
        pytest.param("2024-01-01", "2023-01-01", [], "2024-02-03", [], id="until-before-entry"),
        pytest.param(
            "2012-02", "2016-01-01", ["2015-02-03"], "2018-02-03", ["2012-02-03"], id="month-only"
        ),
        pytest.param(
            "2012", "2016-01-01", ["2015-02-03"], "2018-02-03", ["2012-02-03"], id="year-only"
        ),
    ],
)
def test_reservation_review_dates(
    entered: str, until: str, due: list[str], next_due: str, uncertain: list[str]
) -> None:
    schedule = reservation_review_dates(PartialDate.parse(entered), d(until))
    assert schedule.due_dates == tuple(d(x) for x in due)
    assert schedule.next_due == d(next_due)
    assert schedule.uncertain == tuple(d(x) for x in uncertain)
    assert schedule.explanation[0].startswith("Art. 12")


# --------------------------------------------------------------------------------------
# Art. 17: denunciation


@pytest.mark.parametrize(
    ("notice", "earliest", "latest"),
    [
        ("2023-08-31", "2024-02-29", "2024-02-29"),
        ("2022-08-31", "2023-02-28", "2023-02-28"),
        ("2021-06-15", "2021-12-15", "2021-12-15"),
        ("2024-02-29", "2024-08-29", "2024-08-29"),
        ("2023-08", "2024-02-01", "2024-02-29"),
        ("2023", "2023-07-01", "2024-06-30"),
    ],
)
def test_denunciation_effective(notice: str, earliest: str, latest: str) -> None:
    result = denunciation_effective(PartialDate.parse(notice))
    assert (result.earliest, result.latest) == (d(earliest), d(latest))
    assert result.explanation[0].startswith("Art. 17")


# --------------------------------------------------------------------------------------
# Arts. 15 and 16: recommendations

ACC, OBJ, CNM, RES = (
    ResponseKind.ACCEPTANCE,
    ResponseKind.OBJECTION,
    ResponseKind.CONDITIONS_NOT_MET,
    ResponseKind.RESERVATION,
)


def r(party: str, kind: ResponseKind, on: str) -> Response:
    return Response(party, kind, d(on))


# Annex amendment communicated 2023-08-31: objections count until 2024-02-29 (leap
# clamp); a conditions-not-met party may object until 2024-02-29 + 18 months = 2025-08-29.
ANNEX_ON = "2023-08-31"

ANNEX_CASES = [
    # id, responses, as_of, extra kwargs, status, deemed, in force, objections_until
    (
        "silent-pending",
        [],
        "2023-12-01",
        {},
        Status.PENDING,
        "2024-02-29",
        "2024-08-29",
        "2024-02-29",
    ),
    (
        "silent-last-day",
        [],
        "2024-02-29",
        {},
        Status.DEEMED_ACCEPTED,
        "2024-02-29",
        "2024-08-29",
        None,
    ),
    ("silent-in-force", [], "2024-08-29", {}, Status.IN_FORCE, "2024-02-29", "2024-08-29", None),
    (
        "objection-last-day",
        [r("X", OBJ, "2024-02-29")],
        "2024-03-01",
        {},
        Status.FAILED,
        None,
        None,
        None,
    ),
    (
        "objection-first-day",
        [r("X", OBJ, "2023-08-31")],
        "2023-09-01",
        {},
        Status.FAILED,
        None,
        None,
        None,
    ),
    (
        "objection-day-after-window",
        [r("X", OBJ, "2024-03-01")],
        "2024-09-01",
        {},
        Status.IN_FORCE,
        "2024-02-29",
        "2024-08-29",
        None,
    ),
    (
        "objection-after-as-of-not-yet-known",
        [r("X", OBJ, "2023-10-01")],
        "2023-09-30",
        {},
        Status.PENDING,
        "2024-02-29",
        "2024-08-29",
        "2024-02-29",
    ),
    (
        "conditions-pending",
        [r("Y", CNM, "2024-01-10")],
        "2024-06-01",
        {},
        Status.PENDING,
        "2025-08-29",
        "2026-02-28",
        "2025-08-29",
    ),
    (
        "conditions-window-closed",
        [r("Y", CNM, "2024-01-10")],
        "2025-08-29",
        {},
        Status.DEEMED_ACCEPTED,
        "2025-08-29",
        "2026-02-28",
        None,
    ),
    (
        "conditions-then-objection-last-day",
        [r("Y", CNM, "2024-01-10"), r("Y", OBJ, "2025-08-29")],
        "2026-01-01",
        {},
        Status.FAILED,
        None,
        None,
        None,
    ),
    (
        "conditions-then-objection-day-after",
        [r("Y", CNM, "2024-01-10"), r("Y", OBJ, "2025-08-30")],
        "2026-03-01",
        {},
        Status.IN_FORCE,
        "2025-08-29",
        "2026-02-28",
        None,
    ),
    (
        "conditions-then-acceptance",
        [r("Y", CNM, "2024-01-10"), r("Y", ACC, "2024-10-15")],
        "2024-11-01",
        {},
        Status.DEEMED_ACCEPTED,
        "2024-10-15",
        "2025-04-15",
        None,
    ),
    (
        "conditions-accepted-within-six-months",
        [r("Y", CNM, "2024-01-10"), r("Y", ACC, "2024-02-01")],
        "2024-03-01",
        {},
        Status.DEEMED_ACCEPTED,
        "2024-02-29",
        "2024-08-29",
        None,
    ),
    (
        "two-conditions-both-accept",
        [
            r("Y", CNM, "2024-01-10"),
            r("Z", CNM, "2024-02-29"),
            r("Y", ACC, "2024-06-30"),
            r("Z", ACC, "2024-09-30"),
        ],
        "2025-03-30",
        {},
        Status.IN_FORCE,
        "2024-09-30",
        "2025-03-30",
        None,
    ),
    (
        "two-conditions-one-silent",
        [r("Y", CNM, "2024-01-10"), r("Z", CNM, "2024-02-29"), r("Y", ACC, "2024-06-30")],
        "2025-09-01",
        {},
        Status.DEEMED_ACCEPTED,
        "2025-08-29",
        "2026-02-28",
        None,
    ),
    (
        "conditions-notice-too-late",
        [r("Y", CNM, "2024-03-01")],
        "2024-05-01",
        {},
        Status.DEEMED_ACCEPTED,
        "2024-02-29",
        "2024-08-29",
        None,
    ),
    (
        "other-party-late-objection-during-extension",
        [r("Y", CNM, "2024-01-10"), r("X", OBJ, "2024-06-01")],
        "2025-09-01",
        {},
        Status.DEEMED_ACCEPTED,
        "2025-08-29",
        "2026-02-28",
        None,
    ),
    (
        "objection-after-own-acceptance",
        [r("Y", CNM, "2024-01-10"), r("Y", ACC, "2024-05-01"), r("Y", OBJ, "2024-06-01")],
        "2024-11-01",
        {},
        Status.IN_FORCE,
        "2024-05-01",
        "2024-11-01",
        None,
    ),
    (
        "date-set-by-recommendation",
        [],
        "2024-12-31",
        {"set_in_force_on": d("2025-01-01")},
        Status.DEEMED_ACCEPTED,
        "2024-02-29",
        "2025-01-01",
        None,
    ),
    (
        "set-date-before-acceptance",
        [],
        "2024-03-01",
        {"set_in_force_on": d("2024-01-01")},
        Status.IN_FORCE,
        "2024-02-29",
        "2024-02-29",
        None,
    ),
    (
        "objection-by-party-not-bound",
        [r("C", OBJ, "2023-10-01")],
        "2024-09-01",
        {"bound_parties": ["A", "B"]},
        Status.IN_FORCE,
        "2024-02-29",
        "2024-08-29",
        None,
    ),
    (
        "objection-by-party-not-bound-rule-off",
        [r("C", OBJ, "2023-10-01")],
        "2024-09-01",
        {
            "bound_parties": ["A", "B"],
            "rules": Rules(chapter_amendment_parties="all"),
        },
        Status.FAILED,
        None,
        None,
        None,
    ),
    (
        "reservation-noted",
        [r("A", RES, "2023-10-01")],
        "2024-09-01",
        {},
        Status.IN_FORCE,
        "2024-02-29",
        "2024-08-29",
        None,
    ),
    (
        "conditions-then-objection-within-six-months",
        [r("Y", CNM, "2023-09-10"), r("Y", OBJ, "2023-12-01")],
        "2023-12-02",
        {},
        Status.FAILED,
        None,
        None,
        None,
    ),
    (
        "two-conditions-one-objects-in-extension",
        [r("Y", CNM, "2024-01-10"), r("Z", CNM, "2024-02-29"), r("Z", OBJ, "2025-01-31")],
        "2025-02-01",
        {},
        Status.FAILED,
        None,
        None,
        None,
    ),
    (
        "conditions-acceptance-after-extension-changes-nothing",
        [r("Y", CNM, "2024-01-10"), r("Y", ACC, "2025-09-15")],
        "2025-10-01",
        {},
        Status.DEEMED_ACCEPTED,
        "2025-08-29",
        "2026-02-28",
        None,
    ),
    (
        "conditions-pending-before-six-months",
        [r("Y", CNM, "2023-09-10")],
        "2023-10-01",
        {},
        Status.PENDING,
        "2025-08-29",
        "2026-02-28",
        "2025-08-29",
    ),
    (
        "conditions-by-party-not-bound-gives-no-time",
        [r("C", CNM, "2023-10-01")],
        "2024-03-01",
        {"bound_parties": ["A", "B"]},
        Status.DEEMED_ACCEPTED,
        "2024-02-29",
        "2024-08-29",
        None,
    ),
    (
        "conditions-with-set-date-before-acceptance",
        [r("Y", CNM, "2024-01-10")],
        "2025-08-29",
        {"set_in_force_on": d("2025-01-01")},
        Status.IN_FORCE,
        "2025-08-29",
        "2025-08-29",
        None,
    ),
    (
        "conditions-with-set-date-after-acceptance",
        [r("Y", CNM, "2024-01-10"), r("Y", ACC, "2024-03-15")],
        "2024-12-31",
        {"set_in_force_on": d("2025-01-01")},
        Status.DEEMED_ACCEPTED,
        "2024-03-15",
        "2025-01-01",
        None,
    ),
    (
        "acceptances-alone-change-nothing",
        [r("A", ACC, "2023-09-01"), r("B", ACC, "2023-09-02")],
        "2024-02-28",
        {},
        Status.PENDING,
        "2024-02-29",
        "2024-08-29",
        "2024-02-29",
    ),
]


@pytest.mark.parametrize(
    ("responses", "as_of", "kwargs", "status", "deemed", "in_force", "objections_until"),
    [pytest.param(*case[1:], id=case[0]) for case in ANNEX_CASES],
)
def test_annex_amendment(
    responses: list[Response],
    as_of: str,
    kwargs: dict[str, object],
    status: Status,
    deemed: str | None,
    in_force: str | None,
    objections_until: str | None,
) -> None:
    outcome = evaluate_recommendation(
        Procedure.ANNEX,
        d(ANNEX_ON),
        responses,
        d(as_of),
        **kwargs,  # type: ignore[arg-type]
    )
    assert outcome.status is status
    assert outcome.deemed_accepted_on == (d(deemed) if deemed else None)
    assert outcome.in_force_on == (d(in_force) if in_force else None)
    assert outcome.objections_until == (d(objections_until) if objections_until else None)
    assert outcome.explanation[0].startswith("Art. 16")
    if status is Status.FAILED:
        assert outcome.failed_because is not None
        assert "of no effect" in outcome.explanation[-1]
    else:
        assert outcome.failed_because is None


def test_annex_explanations_say_why() -> None:
    late = evaluate_recommendation(
        "annex", d(ANNEX_ON), [r("X", OBJ, "2024-03-01")], d("2024-09-01")
    )
    assert any("ignored" in step and "2024-02-29" in step for step in late.explanation)
    assert "no day 31" in late.explanation[0]
    pending = evaluate_recommendation(
        "annex", d(ANNEX_ON), [r("Y", CNM, "2024-01-10")], d("2024-06-01")
    )
    assert pending.awaiting == ("Y",)
    assert "If nothing further happens" in pending.explanation[-2]
    noted = evaluate_recommendation(
        "annex", d(ANNEX_ON), [r("A", RES, "2023-10-01")], d("2024-09-01")
    )
    assert noted.reservations == (r("A", RES, "2023-10-01"),)


def test_annex_from_a_leap_day() -> None:
    outcome = evaluate_recommendation(
        Procedure.ANNEX, d("2024-02-29"), [r("Y", CNM, "2024-08-29")], d("2026-02-28")
    )
    assert outcome.status is Status.DEEMED_ACCEPTED
    assert outcome.deemed_accepted_on == d("2026-02-28")
    assert outcome.in_force_on == d("2026-08-28")


# Body amendment communicated 2023-01-31 to parties A, B, C (present at the session):
# objections count until 2024-01-31.
BODY_ON = "2023-01-31"
ALL_ACCEPT = [r("A", ACC, "2023-03-01"), r("B", ACC, "2023-05-31"), r("C", ACC, "2023-07-15")]

BODY_CASES = [
    # id, responses, as_of, status, accepted on, in force, objections_until, awaiting
    (
        "all-accept-pending",
        ALL_ACCEPT,
        "2023-12-01",
        Status.PENDING,
        "2024-01-31",
        "2024-07-15",
        "2024-01-31",
        (),
    ),
    (
        "all-accept-window-closed",
        ALL_ACCEPT,
        "2024-02-01",
        Status.DEEMED_ACCEPTED,
        "2024-01-31",
        "2024-07-15",
        None,
        (),
    ),
    (
        "all-accept-in-force",
        ALL_ACCEPT,
        "2024-07-15",
        Status.IN_FORCE,
        "2024-01-31",
        "2024-07-15",
        None,
        (),
    ),
    ("one-missing", ALL_ACCEPT[:2], "2024-06-01", Status.PENDING, None, None, None, ("C",)),
    (
        "one-missing-window-open",
        ALL_ACCEPT[1:],
        "2023-08-01",
        Status.PENDING,
        None,
        None,
        "2024-01-31",
        ("A",),
    ),
    (
        "last-acceptance-after-window-leap",
        [*ALL_ACCEPT[:2], r("C", ACC, "2024-02-29")],
        "2025-02-28",
        Status.IN_FORCE,
        "2024-02-29",
        "2025-02-28",
        None,
        (),
    ),
    (
        "objection-last-day",
        [*ALL_ACCEPT, r("D", OBJ, "2024-01-31")],
        "2024-07-15",
        Status.FAILED,
        None,
        None,
        None,
        (),
    ),
    (
        "objection-day-after",
        [*ALL_ACCEPT, r("D", OBJ, "2024-02-01")],
        "2024-07-15",
        Status.IN_FORCE,
        "2024-01-31",
        "2024-07-15",
        None,
        (),
    ),
    (
        "objection-by-present-party",
        [r("A", ACC, "2023-03-01"), r("B", OBJ, "2023-04-01")],
        "2023-05-01",
        Status.FAILED,
        None,
        None,
        None,
        (),
    ),
    (
        "conditions-notice-has-no-effect",
        [*ALL_ACCEPT, r("D", CNM, "2023-04-01")],
        "2024-02-01",
        Status.DEEMED_ACCEPTED,
        "2024-01-31",
        "2024-07-15",
        None,
        (),
    ),
    (
        "acceptance-by-absent-party-not-needed",
        [*ALL_ACCEPT, r("E", ACC, "2023-12-01")],
        "2024-07-15",
        Status.IN_FORCE,
        "2024-01-31",
        "2024-07-15",
        None,
        (),
    ),
    (
        "conditions-notice-by-present-party-is-no-acceptance",
        [*ALL_ACCEPT[:2], r("C", CNM, "2023-04-01")],
        "2024-06-01",
        Status.PENDING,
        None,
        None,
        None,
        ("C",),
    ),
    (
        "objection-after-own-acceptance-ignored",
        [*ALL_ACCEPT, r("A", OBJ, "2023-09-01")],
        "2024-07-15",
        Status.IN_FORCE,
        "2024-01-31",
        "2024-07-15",
        None,
        (),
    ),
    (
        "objection-first-day",
        [r("D", OBJ, BODY_ON), *ALL_ACCEPT],
        "2024-07-15",
        Status.FAILED,
        None,
        None,
        None,
        (),
    ),
    (
        "late-objection-while-acceptance-awaited",
        [*ALL_ACCEPT[:2], r("C", OBJ, "2024-02-01")],
        "2024-03-01",
        Status.PENDING,
        None,
        None,
        None,
        ("C",),
    ),
]


@pytest.mark.parametrize(
    ("responses", "as_of", "status", "accepted", "in_force", "objections_until", "awaiting"),
    [pytest.param(*case[1:], id=case[0]) for case in BODY_CASES],
)
def test_body_amendment(
    responses: list[Response],
    as_of: str,
    status: Status,
    accepted: str | None,
    in_force: str | None,
    objections_until: str | None,
    awaiting: tuple[str, ...],
) -> None:
    outcome = evaluate_recommendation(
        Procedure.BODY, d(BODY_ON), responses, d(as_of), parties_present=["A", "B", "C"]
    )
    assert outcome.status is status
    assert outcome.deemed_accepted_on == (d(accepted) if accepted else None)
    assert outcome.in_force_on == (d(in_force) if in_force else None)
    assert outcome.objections_until == (d(objections_until) if objections_until else None)
    assert outcome.awaiting == awaiting
    assert outcome.explanation[0].startswith("Art. 15")


def test_body_amendment_from_end_of_february() -> None:
    outcome = evaluate_recommendation(
        "body",
        d("2023-02-28"),
        [r("A", ACC, "2024-02-29")],
        d("2025-02-28"),
        parties_present=["A"],
    )
    assert outcome.deemed_accepted_on == d("2024-02-29")
    assert outcome.in_force_on == d("2025-02-28")
    assert outcome.status is Status.IN_FORCE


def test_body_amendment_needs_the_parties_present() -> None:
    with pytest.raises(ValueError, match="parties_present"):
        evaluate_recommendation("body", d(BODY_ON), ALL_ACCEPT, d("2024-01-01"))


# Recommended Practice decided and communicated 2023-08-31: in force 2024-02-29.
@pytest.mark.parametrize(
    ("responses", "as_of", "status", "reservations"),
    [
        pytest.param([], "2024-02-28", Status.PENDING, (), id="day-before"),
        pytest.param([], "2024-02-29", Status.IN_FORCE, (), id="leap-day"),
        pytest.param(
            [r("A", OBJ, "2023-09-15")], "2024-03-01", Status.IN_FORCE, (), id="objection-no-veto"
        ),
        pytest.param(
            [r("B", RES, "2023-10-01")], "2024-03-01", Status.IN_FORCE, ("B",), id="reservation"
        ),
        pytest.param(
            [r("B", RES, "2023-10-01"), r("C", RES, "2024-03-05")],
            "2024-03-01",
            Status.IN_FORCE,
            ("B",),
            id="reservation-after-as-of",
        ),
    ],
)
def test_recommended_practice_decision(
    responses: list[Response], as_of: str, status: Status, reservations: tuple[str, ...]
) -> None:
    outcome = evaluate_recommendation(
        Procedure.RECOMMENDED_PRACTICE, d("2023-08-31"), responses, d(as_of)
    )
    assert outcome.status is status
    assert outcome.in_force_on == d("2024-02-29")
    assert outcome.deemed_accepted_on is None
    assert tuple(res.party for res in outcome.reservations) == reservations
    assert outcome.explanation[0].startswith("Arts. 6(4)(b) and 16")


def test_recommended_practice_reservation_needs_a_bound_party() -> None:
    outcome = evaluate_recommendation(
        "recommended_practice",
        d("2023-08-31"),
        [r("B", RES, "2023-10-01")],
        d("2024-03-01"),
        bound_parties=["A"],
    )
    assert outcome.reservations == ()
    assert "not bound" in outcome.explanation[-1]


@pytest.mark.parametrize(
    ("as_of", "status"),
    [("2024-10-14", Status.PENDING), ("2024-10-15", Status.IN_FORCE)],
)
def test_guidelines_apply_on_adoption(as_of: str, status: Status) -> None:
    outcome = evaluate_recommendation(
        Procedure.GUIDELINES, d("2024-10-15"), [r("A", OBJ, "2024-10-15")], d(as_of)
    )
    assert outcome.status is status
    assert outcome.in_force_on == d("2024-10-15")


@pytest.mark.parametrize("procedure", list(Procedure))
def test_response_before_communication_names_the_party(procedure: Procedure) -> None:
    with pytest.raises(ValueError, match="objection of Ruritania is dated 2023-08-30"):
        evaluate_recommendation(
            procedure,
            d("2023-08-31"),
            [r("Ruritania", OBJ, "2023-08-30")],
            d("2024-01-01"),
            parties_present=["Ruritania"],
        )


def test_recommendation_inputs_are_validated() -> None:
    with pytest.raises(ValueError, match="unknown response kind 'veto'"):
        Response("A", "veto", d("2024-01-01"))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not datetime"):
        Response("A", ACC, datetime(2024, 1, 1, tzinfo=UTC))
    with pytest.raises(ValueError, match="unknown procedure 'treaty'"):
        evaluate_recommendation("treaty", d("2024-01-01"), [], d("2024-01-01"))
    with pytest.raises(ValueError, match="only to annex amendments"):
        evaluate_recommendation(
            "recommended_practice",
            d("2024-01-01"),
            [],
            d("2024-01-01"),
            set_in_force_on=d("2025-01-01"),
        )
    assert Response("A", "objection", d("2024-01-01")).kind is ResponseKind.OBJECTION  # type: ignore[arg-type]


def test_responses_after_as_of_are_left_out_and_said_so() -> None:
    outcome = evaluate_recommendation(
        "annex", d(ANNEX_ON), [r("X", OBJ, "2024-01-01")], d("2023-12-01")
    )
    assert outcome.status is Status.PENDING
    assert any("not taken into account" in step for step in outcome.explanation)


# Month ends and leap years, procedure by procedure. Every date below is worked out by hand
# (calendar months, the day clamped to the month's last day), not by add_months.

ANNEX_MONTH_ENDS = [
    # communicated, deemed accepted (+6), in force (+6), a conditions-not-met party's last
    # day to object (deemed + 18), in force when that party stays silent (+6)
    ("2022-08-31", "2023-02-28", "2023-08-28", "2024-08-28", "2025-02-28"),
    ("2023-08-31", "2024-02-29", "2024-08-29", "2025-08-29", "2026-02-28"),
    ("2023-12-31", "2024-06-30", "2024-12-30", "2025-12-30", "2026-06-30"),
    ("2024-03-31", "2024-09-30", "2025-03-30", "2026-03-30", "2026-09-30"),
    ("2023-02-28", "2023-08-28", "2024-02-28", "2025-02-28", "2025-08-28"),
    ("2024-02-29", "2024-08-29", "2025-02-28", "2026-02-28", "2026-08-28"),
    ("2025-08-29", "2026-02-28", "2026-08-28", "2027-08-28", "2028-02-28"),
    ("2027-08-30", "2028-02-29", "2028-08-29", "2029-08-29", "2030-02-28"),
    ("2099-08-31", "2100-02-28", "2100-08-28", "2101-08-28", "2102-02-28"),  # 2100: common
    ("2399-08-31", "2400-02-29", "2400-08-29", "2401-08-29", "2402-02-28"),  # 2400: leap
]


def _day_before(text: str) -> date:
    return d(text) - timedelta(days=1)


def _day_after(text: str) -> date:
    return d(text) + timedelta(days=1)


@pytest.mark.parametrize(
    ("communicated", "deemed", "in_force", "extended", "extended_in_force"),
    [pytest.param(*row, id=row[0]) for row in ANNEX_MONTH_ENDS],
)
def test_annex_month_ends_without_responses(
    communicated: str, deemed: str, in_force: str, extended: str, extended_in_force: str
) -> None:
    def on(day: date) -> Status:
        outcome = evaluate_recommendation("annex", d(communicated), [], day)
        assert outcome.deemed_accepted_on == d(deemed)
        assert outcome.in_force_on == d(in_force)
        return outcome.status

    assert on(_day_before(deemed)) is Status.PENDING
    assert on(d(deemed)) is Status.DEEMED_ACCEPTED
    assert on(_day_before(in_force)) is Status.DEEMED_ACCEPTED
    assert on(d(in_force)) is Status.IN_FORCE


@pytest.mark.parametrize(
    ("communicated", "deemed", "in_force", "extended", "extended_in_force"),
    [pytest.param(*row, id=row[0]) for row in ANNEX_MONTH_ENDS],
)
def test_annex_month_ends_with_objections(
    communicated: str, deemed: str, in_force: str, extended: str, extended_in_force: str
) -> None:
    def outcome(*responses: Response) -> tuple[Status, date | None]:
        result = evaluate_recommendation("annex", d(communicated), responses, d(extended_in_force))
        return result.status, result.in_force_on

    assert outcome(r("X", OBJ, deemed)) == (Status.FAILED, None)
    late = _day_after(deemed).isoformat()
    assert outcome(r("X", OBJ, late)) == (Status.IN_FORCE, d(in_force))


@pytest.mark.parametrize(
    ("communicated", "deemed", "in_force", "extended", "extended_in_force"),
    [pytest.param(*row, id=row[0]) for row in ANNEX_MONTH_ENDS],
)
def test_annex_month_ends_with_a_conditions_not_met_notice(
    communicated: str, deemed: str, in_force: str, extended: str, extended_in_force: str
) -> None:
    notice = r("Y", CNM, deemed)  # on the last day it still gives extra time

    def evaluate(*more: Response, on: date) -> Outcome:
        return evaluate_recommendation("annex", d(communicated), [notice, *more], on)

    waiting = evaluate(on=_day_before(extended))
    assert waiting.status is Status.PENDING
    assert waiting.objections_until == d(extended)
    assert waiting.awaiting == ("Y",)
    silent = evaluate(on=d(extended))
    assert silent.status is Status.DEEMED_ACCEPTED
    assert silent.deemed_accepted_on == d(extended)
    assert silent.in_force_on == d(extended_in_force)
    assert silent.awaiting == ()
    assert evaluate(r("Y", OBJ, extended), on=d(extended)).status is Status.FAILED
    ignored = evaluate(r("Y", OBJ, _day_after(extended).isoformat()), on=d(extended_in_force))
    assert ignored.status is Status.IN_FORCE
    assert ignored.in_force_on == d(extended_in_force)
    # The notice a day too late gives no extra time.
    late = evaluate_recommendation(
        "annex", d(communicated), [r("Y", CNM, _day_after(deemed).isoformat())], d(in_force)
    )
    assert (late.status, late.deemed_accepted_on) == (Status.IN_FORCE, d(deemed))


BODY_MONTH_ENDS = [
    # communicated, the one present party's acceptance, objections until (+12), in force
    # (acceptance + 12)
    ("2024-02-29", "2024-02-29", "2025-02-28", "2025-02-28"),
    ("2023-03-31", "2023-08-31", "2024-03-31", "2024-08-31"),
    ("2027-02-28", "2027-02-28", "2028-02-28", "2028-02-28"),
    ("2023-01-31", "2023-02-28", "2024-01-31", "2024-02-28"),
    ("2023-08-31", "2024-02-29", "2024-08-31", "2025-02-28"),
    ("2099-02-28", "2099-12-31", "2100-02-28", "2100-12-31"),
]


@pytest.mark.parametrize(
    ("communicated", "accepted", "window_end", "in_force"),
    [pytest.param(*row, id=row[0]) for row in BODY_MONTH_ENDS],
)
def test_body_month_ends(communicated: str, accepted: str, window_end: str, in_force: str) -> None:
    def evaluate(*more: Response, on: date) -> Outcome:
        return evaluate_recommendation(
            "body", d(communicated), [r("A", ACC, accepted), *more], on, parties_present=["A"]
        )

    accepted_on = max(d(accepted), d(window_end))
    before = evaluate(on=_day_before(window_end))
    assert before.status is Status.PENDING
    assert before.objections_until == d(window_end)
    closed = evaluate(on=max(d(window_end), d(in_force)))
    assert closed.status is Status.IN_FORCE
    assert closed.deemed_accepted_on == accepted_on
    assert closed.in_force_on == d(in_force)
    assert evaluate(r("B", OBJ, window_end), on=d(in_force)).status is Status.FAILED
    late = evaluate(
        r("B", OBJ, _day_after(window_end).isoformat()), on=max(d(window_end), d(in_force))
    )
    assert late.status is Status.IN_FORCE
    # A present party that only says its conditions are not met has not accepted.
    waiting = evaluate_recommendation(
        "body",
        d(communicated),
        [r("A", CNM, accepted)],
        d(in_force),
        parties_present=["A"],
    )
    assert (waiting.status, waiting.awaiting) == (Status.PENDING, ("A",))


@pytest.mark.parametrize(
    ("communicated", "in_force"),
    [
        ("2022-08-31", "2023-02-28"),
        ("2023-08-31", "2024-02-29"),
        ("2023-02-28", "2023-08-28"),
        ("2024-02-29", "2024-08-29"),
        ("2023-12-31", "2024-06-30"),
        ("2099-08-31", "2100-02-28"),
    ],
)
@pytest.mark.parametrize(
    "responses",
    [
        pytest.param([], id="silent"),
        pytest.param([("X", OBJ)], id="objection"),
        pytest.param([("X", CNM)], id="conditions-not-met"),
        pytest.param([("X", CNM), ("X", OBJ)], id="conditions-then-objection"),
    ],
)
def test_recommended_practice_month_ends(
    communicated: str, in_force: str, responses: list[tuple[str, ResponseKind]]
) -> None:
    """No response stops a Recommended Practice decision: it is in force six months after
    communication whatever the parties say."""
    said = [r(who, kind, communicated) for who, kind in responses]
    for day, status in ((_day_before(in_force), Status.PENDING), (d(in_force), Status.IN_FORCE)):
        outcome = evaluate_recommendation("recommended_practice", d(communicated), said, day)
        assert outcome.status is status
        assert outcome.in_force_on == d(in_force)
        assert outcome.failed_because is None
        assert len(outcome.explanation) >= 1 + len(said)


@pytest.mark.parametrize("kind", [ACC, OBJ, CNM, RES])
def test_guidelines_on_a_leap_day_take_no_responses(kind: ResponseKind) -> None:
    for day, status in (("2024-02-28", Status.PENDING), ("2024-02-29", Status.IN_FORCE)):
        outcome = evaluate_recommendation(
            "guidelines", d("2024-02-29"), [r("A", kind, "2024-02-29")], d(day)
        )
        assert outcome.status is status
        assert outcome.in_force_on == d("2024-02-29")
        assert outcome.failed_because is None


# --------------------------------------------------------------------------------------
# Properties

dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
months = st.integers(min_value=-1200, max_value=1200)


@no_db
@given(dates, dates, months)
def test_add_months_is_monotonic_in_the_date(a: date, b: date, n: int) -> None:
    a, b = min(a, b), max(a, b)
    assert add_months(a, n) <= add_months(b, n)


@no_db
@given(dates, months, months)
def test_add_months_is_monotonic_in_the_months(start: date, m: int, n: int) -> None:
    m, n = min(m, n), max(m, n)
    assert add_months(start, m) <= add_months(start, n)


@no_db
@given(dates, months)
def test_add_months_moves_whole_months_and_clamps(start: date, n: int) -> None:
    moved = add_months(start, n)
    assert (moved.year * 12 + moved.month) - (start.year * 12 + start.month) == n
    assert moved.day == start.day or (
        moved.day < start.day and (moved + timedelta(days=1)).day == 1
    )


@no_db
@given(
    dates,
    st.sampled_from(list(ProvisionKind)),
    st.integers(min_value=0, max_value=12),
)
def test_deadline_is_never_before_entry_into_force(
    in_force: date, kind: ProvisionKind, extension: int
) -> None:
    deadline = implementation_deadline(kind, in_force, False, extension_months=extension)
    assert deadline.due_on is not None
    assert deadline.due_on >= in_force
    without = implementation_deadline(kind, in_force, False)
    assert without.due_on is not None
    assert deadline.due_on >= without.due_on


partial_dates = st.one_of(
    st.integers(min_value=1990, max_value=2100).map(PartialDate),
    st.tuples(st.integers(1990, 2100), st.integers(1, 12)).map(lambda ym: PartialDate(*ym)),
    st.dates(date(1990, 1, 1), date(2100, 12, 31)).map(PartialDate.from_date),
)


@no_db
@given(partial_dates, st.floats(min_value=0, max_value=1))
def test_imprecise_deposit_range_holds_every_possible_day(
    deposit: PartialDate, fraction: float
) -> None:
    result = party_entry_into_force(deposit)
    first, last = deposit.earliest(), deposit.latest()
    day = first + (last - first) * fraction
    exact = party_entry_into_force(day).on
    assert exact is not None
    assert result.earliest <= exact <= result.latest
    assert result.earliest == party_entry_into_force(first).on
    assert result.latest == party_entry_into_force(last).on
    assert result.earliest >= RKC_ENTRY_INTO_FORCE


@no_db
@given(partial_dates)
def test_partial_date_text_round_trips(value: PartialDate) -> None:
    assert PartialDate.parse(str(value)) == value
