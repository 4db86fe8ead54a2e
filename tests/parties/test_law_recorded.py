"""law.py: recorded dates beside computed ones, unknown dates, and the issue's worked cases."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from rkc.parties.deadlines import implementation_deadline
from rkc.parties.entry_into_force import (
    apply_recorded,
    chapter_entry_into_force,
    party_entry_into_force,
    unknown_entry_into_force,
)
from rkc.parties.periods import DEFAULT_RULES, PartialDate, Rules
from rkc.parties.standings import rules_from


def d(text: str) -> date:
    return date.fromisoformat(text)


@pytest.mark.parametrize(
    ("deposit", "recorded", "span", "agrees", "wording"),
    [
        pytest.param("2020-12-14", "2021-03-14", "2021-03-14", True, "agrees", id="Liberia"),
        pytest.param("2019", "2019-08-13", "2019-08-13", True, "fixes the day", id="day-in-range"),
        pytest.param(
            "2020-12-14",
            "2021-03",
            "2021-03-14",
            True,
            "known only to the month",
            id="recorded-month-narrowed-by-rule",
        ),
        pytest.param(
            "2019",
            "2020",
            "between 2020-01-01 and 2020-03-31",
            True,
            "with the calculation",
            id="two-ranges-overlap",
        ),
        pytest.param("2014-06-28", "2014-10-01", "2014-10-01", False, "differs", id="differs"),
        pytest.param(
            "2014-06-28",
            "2015",
            "between 2015-01-01 and 2015-12-31",
            False,
            "Check the record",
            id="recorded-year-outside",
        ),
    ],
)
def test_apply_recorded(deposit: str, recorded: str, span: str, agrees: bool, wording: str):
    computed = party_entry_into_force(deposit)
    result = apply_recorded(computed, recorded)
    assert str(result) == span
    assert result.is_recorded
    assert result.computed == computed.span
    assert result.agrees_with_rules is agrees
    assert wording in result.explanation[-1]
    assert result.explanation[: len(computed.explanation)] == computed.explanation


def test_apply_recorded_without_a_computation():
    result = apply_recorded(None, "2006-02")
    assert str(result) == "between 2006-02-01 and 2006-02-28"
    assert result.is_recorded
    assert "no deposit or notification date" in result.explanation[0]
    assert "known only to the month" in result.explanation[1]


def test_unknown_entry_into_force_has_no_moving_bound():
    # Issue 16 (6): no range ending on the day of import: only the floor, and no day.
    steps = unknown_entry_into_force()
    assert steps[0].startswith("Date not recorded")
    assert "2006-02-03" in steps[0]
    assert "no later bound is assumed" in steps[0]
    later = Rules(convention_in_force_on=d("2007-01-31"))
    assert "2007-01-31" in unknown_entry_into_force(later)[0]


@pytest.mark.parametrize(
    ("in_force", "kind", "due"),
    [
        # Liberia: in force 2021-03-14; Standards 36 months, Transitional Standards 60.
        ("2021-03-14", "standard", "2024-03-14"),
        ("2021-03-14", "transitional_standard", "2026-03-14"),
        # Bound from 3 February 2006 (a 2004 deposit).
        ("2006-02-03", "standard", "2009-02-03"),
        ("2006-02-03", "transitional_standard", "2011-02-03"),
        # Month ends: the period ends on the last day of the target month.
        ("2020-02-29", "standard", "2023-02-28"),
        ("2019-08-31", "transitional_standard", "2024-08-31"),
        ("2021-05-31", "recommended_practice", "2024-05-31"),
        ("2023-11-30", "standard", "2026-11-30"),
    ],
)
def test_deadlines_from_entry_into_force(in_force: str, kind: str, due: str):
    assert implementation_deadline(kind, in_force).due_on == d(due)


def test_a_2004_deposit_and_its_deadlines_chain_exactly():
    entry = party_entry_into_force("2004")
    assert entry.on == d("2006-02-03")
    assert implementation_deadline("standard", entry).due_on == d("2009-02-03")


def test_a_year_only_deposit_gives_ranges_all_the_way():
    entry = party_entry_into_force("2019")
    deadline = implementation_deadline("standard", entry, extension_months=12)
    assert (deadline.span.earliest, deadline.span.latest) == (d("2023-04-01"), d("2024-03-31"))
    assert deadline.due_on is None
    assert any("can only be given as a range" in step for step in deadline.explanation)


def test_the_chapter_rule_is_one_configurable_rule():
    acceptances = [("A", "2010-01-04", "2006-02-03"), ("B", "2011-06-01", "2006-02-03")]
    assert chapter_entry_into_force(acceptances).first_in_force is None
    two = rules_from({"chapter_acceptances_needed": 2, "chapter_months": 1})
    result = chapter_entry_into_force(acceptances, two)
    assert result.first_in_force.on == d("2011-07-01")
    assert result.for_party("A").result.on == d("2011-07-01")


def test_rules_from_settings():
    assert rules_from({}) is DEFAULT_RULES
    changed = rules_from({"convention_in_force_on": "2006-02-04", "denunciation_months": 7})
    assert changed == dataclasses.replace(
        DEFAULT_RULES, convention_in_force_on=d("2006-02-04"), denunciation_months=7
    )
    with pytest.raises(ValueError, match="'chapter_acceptance' is not a rule"):
        rules_from({"chapter_acceptance": 4})


def test_partial_dates_round_trip_through_text():
    for text in ("2006", "2006-04", "2006-04-29"):
        assert str(PartialDate.parse(text)) == text
