"""Issue 16 (1): every date rule cites the article of the Body it applies, pinned here.

The Body as the WCO publishes it (Appendix I to the 1999 Protocol of Amendment): Art. 12
acceptance of Specific Annexes and reservations, with their three-yearly review; Art. 13
implementation periods and extensions (General Annex only); Art. 15 amendments to the Body;
Art. 16 amendments to the General Annex and Specific Annexes, and the entry into force of
the Management Committee's decisions on Recommended Practices (which it takes under
Art. 6(4)(b)); Art. 17 denunciation; Art. 18 entry into force.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from rkc.parties.deadlines import (
    denunciation_allowed,
    denunciation_effective,
    extension_allowed,
    implementation_deadline,
    reservation_review_dates,
)
from rkc.parties.entry_into_force import chapter_entry_into_force, party_entry_into_force
from rkc.parties.periods import DEFAULT_RULES, RULE_ARTICLES, DateRange, Rules
from rkc.procedure.law import Procedure, Response, evaluate_recommendation
from rkc.procedure.models import PROCEDURE_LABELS


def d(text: str) -> date:
    return date.fromisoformat(text)


def test_every_rule_has_its_article():
    assert set(RULE_ARTICLES) == {f.name for f in dataclasses.fields(Rules)}


def _annex(**kwargs):  # type: ignore[no-untyped-def]
    return evaluate_recommendation(
        "annex",
        d("2023-08-31"),
        [Response("A", "conditions_not_met", d("2023-09-01"))],
        d("2030-01-01"),
        **kwargs,
    ).explanation


#: For each rule: a computation whose explanation applies it.
EXPLAINED_BY = {
    "convention_in_force_on": lambda: party_entry_into_force("2005-01-01").explanation,
    "accession_months": lambda: party_entry_into_force("2020-12-14").explanation,
    "chapter_acceptances_needed": lambda: (
        chapter_entry_into_force([(p, "2010-01-31", d("2006-02-03")) for p in "ABCDE"]).explanation
    ),
    "chapter_months": lambda: (
        chapter_entry_into_force([(p, "2010-01-31", d("2006-02-03")) for p in "ABCDE"]).explanation
    ),
    "implementation_months": lambda: (
        implementation_deadline("standard", d("2021-03-14")).explanation
    ),
    "transitional_implementation_months": lambda: (
        implementation_deadline("transitional_standard", d("2021-03-14")).explanation
    ),
    "extension_max_months": lambda: (
        extension_allowed("standard", d("2021-03-14"), "2022", already_months=12, months=1),
    ),
    "reservation_review_months": lambda: (
        reservation_review_dates("2010", d("2020-01-01")).explanation
    ),
    "reservation_review_from": lambda: (
        reservation_review_dates("2010", d("2020-01-01")).explanation
    ),
    "denunciation_months": lambda: denunciation_effective("2019-08-31").explanation,
    "body_objection_months": lambda: (
        evaluate_recommendation(
            "body", d("2023-08-31"), [], d("2024-01-01"), parties_present=["A"]
        ).explanation
    ),
    "body_in_force_months": lambda: (
        evaluate_recommendation(
            "body",
            d("2023-08-31"),
            [Response("A", "acceptance", d("2023-09-01"))],
            d("2026-01-01"),
            parties_present=["A"],
        ).explanation
    ),
    "deemed_acceptance_months": _annex,
    "conditions_extension_months": _annex,
    "annex_in_force_months": _annex,
    "rp_decision_months": lambda: (
        evaluate_recommendation(
            "recommended_practice", d("2023-08-31"), [], d("2024-01-01")
        ).explanation
    ),
    "chapter_amendment_parties": lambda: _annex(bound_parties=["A"]),
}


@pytest.mark.parametrize("rule", sorted(RULE_ARTICLES))
def test_each_rule_is_explained_with_its_article(rule):
    steps = EXPLAINED_BY[rule]()
    article = RULE_ARTICLES[rule]
    number = article.removeprefix("Art. ")
    assert any(f"Art. {number}" in step or f"and {number}" in step for step in steps if step), steps


def test_the_body_and_the_annexes_have_their_own_articles():
    body = evaluate_recommendation(
        "body", d("2023-08-31"), [], d("2024-01-01"), parties_present=["A"]
    ).explanation
    assert "Art. 15" in body[0]
    assert "Art. 16" not in " ".join(body)
    annex = _annex()
    assert annex[0].startswith("Art. 16")
    assert "Art. 15" not in " ".join(annex)
    rp = evaluate_recommendation("recommended_practice", d("2023-08-31"), [], d("2024-01-01"))
    assert rp.explanation[0].startswith("Arts. 6(4)(b) and 16")
    assert "Art. 15" not in " ".join(rp.explanation)
    assert "Article 15" in PROCEDURE_LABELS[Procedure.BODY]
    assert "Article 16" in PROCEDURE_LABELS[Procedure.ANNEX]
    assert "Articles 6(4)(b) and 16" in PROCEDURE_LABELS[Procedure.RECOMMENDED_PRACTICE]


def test_extensions_cite_article_13_4():
    late = extension_allowed("standard", d("2021-03-14"), "2024-03-15", already_months=0, months=6)
    assert late is not None
    assert "Art. 13(4)(a)" in late
    too_long = extension_allowed("standard", None, "2022", already_months=8, months=6)
    assert too_long is not None
    assert "Art. 13(4)(b)" in too_long


def test_denunciation_cites_article_17():
    why = denunciation_allowed("2024-02-28", DateRange.exact(d("2024-02-29")))
    assert why is not None
    assert "Art. 17" in why
    assert denunciation_allowed("2024-02-29", DateRange.exact(d("2024-02-29"))) is None
    # Not recorded: nothing can be judged.
    assert denunciation_allowed("2006", None) is None


@pytest.mark.parametrize(
    ("reading", "in_force"),
    [
        # Objection by B (not bound) ignored; A's conditions notice: 2023-08-31 + 6 months =
        # 2024-02-29 (leap day), + 18 months = 2025-08-29 deemed; + 6 months = 2026-02-28.
        ("bound", d("2026-02-28")),
        ("all", None),
    ],
)
def test_both_readings_of_who_acts_on_a_chapter(reading, in_force):
    rules = dataclasses.replace(DEFAULT_RULES, chapter_amendment_parties=reading)
    outcome = evaluate_recommendation(
        "annex",
        d("2023-08-31"),
        [
            Response("B", "objection", d("2024-02-29")),
            Response("A", "conditions_not_met", d("2024-02-29")),
        ],
        d("2027-01-01"),
        bound_parties=["A"],
        rules=rules,
    )
    assert outcome.in_force_on == in_force
    if reading == "bound":
        assert outcome.deemed_accepted_on == d("2025-08-29")


def test_the_rule_accepts_only_its_two_readings():
    with pytest.raises(ValueError, match='"bound" or "all"'):
        Rules(chapter_amendment_parties="some")
