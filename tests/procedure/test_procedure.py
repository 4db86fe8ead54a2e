"""Recommendations through the Convention's procedure, from recording to entry into force."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from rkc.audit import Actor, acting_as
from rkc.clock import today
from rkc.convention import operations as text_ops
from rkc.convention import queries
from rkc.extensions import db
from rkc.parties.models import EventKind, PartyEvent
from rkc.parties.periods import PartialDate, add_months
from rkc.procedure import operations as ops
from rkc.procedure.law import Status
from rkc.procedure.models import RecommendationResponse

from ..helpers import create_people, csrf_token, log_in, party


def _join(iso3: str, deposit: str = "2004-04-29"):  # type: ignore[no-untyped-def]
    member = party(iso3)
    db.session.add(
        PartyEvent(
            party_id=member.id, kind=EventKind.INSTRUMENT, event_on=PartialDate.parse(deposit)
        )
    )
    db.session.flush()
    return member


def _adopted_edition(
    text: str = "Customs shall publish its hours of business online.",
    adopted_on: date = date(2026, 6, 30),
):  # type: ignore[no-untyped-def]
    work = queries.work_by_key("rkc")
    draft = queries.edition_by_slug(work, "review-draft")
    node = queries.node_by_key("ga/3/3.2")
    text_ops.revise(
        draft, node, expected_revision_id=text_ops.current_revision(draft, node).id, text=text
    )
    text_ops.freeze(draft, adopted_on=adopted_on, title="Amendments adopted")
    db.session.flush()
    return draft


@pytest.fixture
def system(small_app):
    with acting_as(Actor(None, "test", "system")):
        yield small_app


def test_an_annex_amendment_without_objection_enters_into_force(system):
    edition = _adopted_edition()
    aut, can_ = _join("AUT"), _join("CAN")
    rec = ops.recommend(
        edition,
        procedure="annex",
        session="Management Committee, 30th meeting",
        decided_on=date(2026, 6, 30),
        communicated_on=date(2026, 8, 31),
    )
    ops.record_response(rec, aut, "acceptance", date(2026, 9, 15))
    ops.record_response(rec, can_, "conditions_not_met", date(2026, 10, 1))
    # CAN may still object for 18 months after the six; it accepts in 2027.
    ops.record_response(rec, can_, "acceptance", date(2027, 5, 10))
    outcome = ops.apply_outcome(rec, date(2027, 5, 10))
    db.session.commit()
    assert outcome.status is Status.DEEMED_ACCEPTED
    assert outcome.deemed_accepted_on == date(2027, 5, 10)
    assert outcome.in_force_on == date(2027, 11, 10)
    assert edition.in_force_from == date(2027, 11, 10)
    work = queries.work_by_key("rkc")
    assert queries.in_force_on(work, date(2027, 11, 9)).slug == "2006"
    assert queries.in_force_on(work, date(2027, 11, 10)).slug == edition.slug


def test_a_timely_objection_defeats_it_and_no_edition_enters_into_force(system):
    edition = _adopted_edition()
    aut = _join("AUT")
    rec = ops.recommend(
        edition,
        procedure="annex",
        session="MC 30",
        decided_on=date(2026, 6, 30),
        communicated_on=date(2026, 8, 31),
    )
    ops.record_response(rec, aut, "objection", date(2027, 2, 28))  # the last day of the six months
    outcome = ops.apply_outcome(rec, date(2027, 6, 1))
    db.session.commit()
    assert outcome.status is Status.FAILED
    assert "AUT" in outcome.failed_because or "objection" in outcome.failed_because.lower()
    assert edition.in_force_from is None
    assert rec.failed_because


def test_a_recommended_practice_decision_enters_into_force_after_six_months(system):
    edition = _adopted_edition()
    rec = ops.recommend(
        edition,
        procedure="recommended_practice",
        session="MC 30",
        decided_on=date(2026, 6, 30),
        communicated_on=date(2026, 7, 31),
    )
    assert ops.apply_outcome(rec, date(2026, 12, 1)).status is Status.PENDING
    assert edition.in_force_from is None
    outcome = ops.apply_outcome(rec, date(2027, 1, 31))
    assert outcome.status is Status.IN_FORCE
    assert edition.in_force_from == date(2027, 1, 31)


@pytest.mark.parametrize(
    ("setup", "says"),
    [
        ("non_party", "is not a Contracting Party"),
        ("before_communication", "before the recommendation was communicated"),
        ("second_final", "a party responds once"),
        ("same_twice", "a party responds once"),
        ("reservation_to_annex", "answers only a Recommended Practice decision"),
    ],
)
def test_bad_responses_are_refused_and_nothing_is_stored(system, setup, says):
    edition = _adopted_edition()
    aut = _join("AUT")
    rec = ops.recommend(
        edition,
        procedure="annex",
        session="MC 30",
        decided_on=date(2026, 6, 30),
        communicated_on=date(2026, 8, 31),
    )
    respondent, kind, on = aut, "acceptance", date(2026, 9, 1)
    if setup == "non_party":
        respondent = party("KHM")  # no instrument recorded
    elif setup == "before_communication":
        on = date(2026, 8, 30)
    elif setup in ("second_final", "same_twice"):
        ops.record_response(rec, aut, "acceptance", date(2026, 9, 1))
        kind = "objection" if setup == "second_final" else "acceptance"
        on = date(2026, 9, 2)
    elif setup == "reservation_to_annex":
        kind = "reservation"
    db.session.commit()
    before = db.session.scalar(select(func.count(RecommendationResponse.id)))
    with pytest.raises(ops.ProcedureError, match=says):
        ops.record_response(rec, respondent, kind, on)
    db.session.rollback()
    assert db.session.scalar(select(func.count(RecommendationResponse.id))) == before


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (
            {"communicated_on": date(2026, 6, 1), "decided_on": date(2026, 7, 1)},
            "before the decision",
        ),
        ({"decided_on": date(2026, 1, 1)}, "before the text was adopted"),
        ({"procedure": "guidelines"}, "Guidelines procedure"),
        ({"procedure": "body"}, "parties present"),
        ({"set_in_force_on": date(2026, 1, 1)}, "before communication"),
        (
            {"procedure": "recommended_practice", "set_in_force_on": date(2027, 6, 1)},
            "only an annex amendment",
        ),
        ({"procedure": "recommended_practice", "in_force_months": 3}, "only an annex amendment"),
        ({"in_force_months": 3, "set_in_force_on": date(2027, 6, 1)}, "not both"),
        ({"in_force_months": -1}, "from 0 to 120 months"),
        ({"in_force_months": 121}, "from 0 to 120 months"),
    ],
)
def test_bad_recommendations_are_refused(system, change, says):
    edition = _adopted_edition()
    args = {
        "procedure": "annex",
        "session": "MC 30",
        "decided_on": date(2026, 6, 30),
        "communicated_on": date(2026, 8, 31),
    } | change
    with pytest.raises(ops.ProcedureError, match=says):
        ops.recommend(edition, **args)


def test_a_working_draft_cannot_be_recommended(system):
    work = queries.work_by_key("rkc")
    with pytest.raises(ops.ProcedureError, match="freeze the working draft"):
        ops.recommend(
            queries.edition_by_slug(work, "review-draft"),
            procedure="annex",
            session="MC",
            decided_on=date(2026, 1, 1),
            communicated_on=date(2026, 2, 1),
        )


def test_the_secretariat_records_it_through_the_forms_and_the_public_reads_it(small_app):
    create_people()
    with acting_as(Actor(None, "test", "system")):
        edition = _adopted_edition(adopted_on=date(2020, 6, 30))
        _join("AUT")
        db.session.commit()
    client = small_app.test_client()
    log_in(client, "secretariat")
    token = csrf_token(client, "/recommendations/new")
    response = client.post(
        "/recommendations/new",
        data={
            "csrf_token": token,
            "edition_id": edition.id,
            "procedure": "annex",
            "session": "Management Committee, 30th meeting",
            "decided_on": "2020-06-30",
            "communicated_on": "2020-08-31",
            "chapter_id": 0,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    detail_url = response.headers["Location"]
    # Communicated in 2020 with no objection: deemed accepted 2021-02-28, in force 2021-08-28.
    page = small_app.test_client().get(detail_url).get_data(as_text=True)
    assert "Where it stands today: In force" in page
    assert "In force from 28 August 2021" in page
    aut = db.session.scalar(select(PartyEvent.party_id).limit(1))
    late = client.post(
        detail_url + "/responses",
        data={
            "csrf_token": token,
            "party_id": aut,
            "kind": "acceptance",
            "responded_on": "2020-08-01",
        },
    )
    assert late.status_code == 400
    assert "before the recommendation was communicated" in late.get_data(as_text=True)
    public = small_app.test_client()
    assert "Management Committee, 30th meeting" in public.get("/recommendations/").get_data(
        as_text=True
    )
    text = public.get("/n/ga/3/3.2?on=2021-09-01").get_data(as_text=True)
    assert "hours of business online" in text


def test_the_daily_command_applies_outcomes(system):
    edition = _adopted_edition()
    ops.recommend(
        edition,
        procedure="recommended_practice",
        session="MC 30",
        decided_on=date(2026, 6, 30),
        communicated_on=date(2026, 7, 31),
    )
    db.session.commit()
    result = system.test_cli_runner().invoke(args=["procedure", "apply", "--on", "2027-02-01"])
    assert result.exit_code == 0, result.output
    assert "in_force, in force 2027-01-31" in result.output
    db.session.rollback()
    assert queries.edition_by_slug(queries.work_by_key("rkc"), edition.slug).in_force_from == date(
        2027, 1, 31
    )
    bad = system.test_cli_runner().invoke(args=["procedure", "apply", "--on", "tomorrow"])
    assert bad.exit_code == 1


def test_the_pages_name_the_parties_and_say_what_happens_next(small_app):
    """The law's explanation and the cached reason for a failure name parties, not ids; a
    pending recommendation says what happens if nothing further happens."""
    create_people()
    now = today()
    # Communicated a year ago; CAN's notice within the six months gives it until a year from
    # now to object, so the recommendation is pending today.
    communicated = date(now.year - 1, now.month, 1)
    deemed = add_months(communicated, 24)
    in_force = add_months(deemed, 6)
    with acting_as(Actor(None, "test", "system")):
        edition = _adopted_edition(adopted_on=communicated)
        can_, khm = _join("CAN"), _join("KHM")
        rec = ops.recommend(
            edition,
            procedure="annex",
            session="MC 30",
            decided_on=communicated,
            communicated_on=communicated,
        )
        notice = communicated + timedelta(days=14)
        ops.record_response(rec, can_, "conditions_not_met", notice)
        ops.apply_outcome(rec, now)
        db.session.commit()
        rec_id = rec.id
    public = small_app.test_client()
    page = public.get(f"/recommendations/{rec_id}").get_data(as_text=True)
    assert "Where it stands today: Pending" in page
    assert f"If nothing further happens, it is deemed accepted on {_long(deemed)}" in page
    assert f"enters into force on {_long(in_force)}" in page
    assert "Conditions for acceptance not yet met: Test party CAN" in page
    assert f"Test party CAN notified on {notice.isoformat()}" in page
    objection = communicated + timedelta(days=20)
    with acting_as(Actor(None, "test", "system")):
        ops.record_response(rec, khm, "objection", objection)
        ops.apply_outcome(rec, now)
        db.session.commit()
    assert rec.failed_because.startswith(f"objection by Test party KHM on {objection}")
    listing = public.get("/recommendations/").get_data(as_text=True)
    assert "Failed" in listing
    assert "objection by Test party KHM" in listing
    changes = public.get(f"/w/rkc/editions/{edition.slug}/changes").get_data(as_text=True)
    assert "objection by Test party KHM" in changes


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


# ------------------------------------------------- issue 16: entry into force as a period


def _annex(edition, **changes):  # type: ignore[no-untyped-def]
    """An annex amendment recommended at MC 30, communicated on 2026-08-31 unless changed."""
    args = {
        "procedure": "annex",
        "session": "MC 30",
        "decided_on": date(2026, 6, 30),
        "communicated_on": date(2026, 8, 31),
    }
    return ops.recommend(edition, **(args | changes))


@pytest.mark.parametrize(
    ("months", "conditions", "deemed", "in_force"),
    [
        # Communicated 2026-08-31: deemed accepted 2027-02-28 (no 31 February); a period of
        # 3 months set by the recommendation: 2027-05-28.
        (3, False, date(2027, 2, 28), date(2027, 5, 28)),
        # A conditions-not-met notice and then silence: acceptance moves 18 months to
        # 2028-08-28, and the period moves with it: 2028-11-28.
        (3, True, date(2028, 8, 28), date(2028, 11, 28)),
        # Without a period: the Convention's 6 months, moved the same way.
        (None, True, date(2028, 8, 28), date(2029, 2, 28)),
        # A period of 12 months from a leap-year acceptance.
        (12, False, date(2027, 2, 28), date(2028, 2, 28)),
    ],
)
def test_a_period_of_entry_into_force_moves_with_deemed_acceptance(
    system, months, conditions, deemed, in_force
):
    edition = _adopted_edition()
    can_ = _join("CAN")
    rec = _annex(edition, in_force_months=months)
    assert rec.in_force_months == months
    if conditions:
        ops.record_response(rec, can_, "conditions_not_met", date(2026, 12, 1))
    outcome = ops.apply_outcome(rec, date(2030, 1, 1))
    assert outcome.deemed_accepted_on == deemed
    assert outcome.in_force_on == in_force
    if months is not None:
        assert any("the period the recommendation set" in step for step in outcome.explanation)


def test_a_fixed_date_does_not_move_with_a_conditions_notice_unless_it_must(system):
    edition = _adopted_edition()
    can_ = _join("CAN")
    rec = _annex(edition, set_in_force_on=date(2028, 1, 1))
    ops.record_response(rec, can_, "conditions_not_met", date(2026, 12, 1))
    outcome = ops.apply_outcome(rec, date(2030, 1, 1))
    # Deemed accepted only on 2028-08-28: a date set before that cannot stand.
    assert outcome.deemed_accepted_on == date(2028, 8, 28)
    assert outcome.in_force_on == date(2028, 8, 28)


def test_both_forms_are_stored_and_shown(small_app):
    create_people()
    with acting_as(Actor(None, "test", "system")):
        edition = _adopted_edition()
        rec = _annex(edition, in_force_months=9)
        db.session.commit()
    page = small_app.test_client().get(f"/recommendations/{rec.id}").get_data(as_text=True)
    assert "9 months after deemed acceptance" in page


# ---------------------------- issue 16: notices from parties not bound by a chapter


@pytest.mark.parametrize(
    ("reading", "status", "deemed", "in_force"),
    [
        # Only parties bound by B1 act on it: the objection of CAN (not bound) is recorded,
        # shown, and does not count; AUT's conditions notice (bound) moves acceptance from
        # 2027-02-28 (2026-08-29 + 6 months; 2027 has no 29 February) by 18 months.
        ("bound", Status.IN_FORCE, date(2028, 8, 28), date(2029, 2, 28)),
        # Every Contracting Party acts: CAN's timely objection defeats the amendment.
        ("all", Status.FAILED, None, None),
    ],
)
def test_notices_from_a_party_not_bound_by_the_chapter_under_both_readings(
    small_app, reading, status, deemed, in_force
):
    from flask import current_app

    from rkc.parties import operations as party_ops

    # B1 in force after one acceptance, so that AUT is bound by it.
    current_app.config["PARTY_RULES"] = {
        "chapter_amendment_parties": reading,
        "chapter_acceptances_needed": 1,
    }
    with acting_as(Actor(None, "test", "system")):
        edition = _adopted_edition()
        aut, can_ = _join("AUT"), _join("CAN")
        party_ops.record_acceptance(aut, "sa-b/1", notified_on="2010-01-04")
        chapter = queries.node_by_key("sa-b/1")
        rec = _annex(edition, communicated_on=date(2026, 8, 29), chapter=chapter)
        # Recorded, never discarded, whatever the reading.
        ops.record_response(rec, can_, "objection", date(2026, 9, 1))
        ops.record_response(rec, aut, "conditions_not_met", date(2026, 9, 2))
        outcome = ops.apply_outcome(rec, date(2029, 6, 1))
    assert db.session.scalar(select(func.count(RecommendationResponse.id))) == 2
    assert outcome.status is status
    assert outcome.deemed_accepted_on == deemed
    assert outcome.in_force_on == in_force
    text = " ".join(outcome.explanation)
    if reading == "bound":
        assert "is recorded but does not count" in text
    else:
        assert "every Contracting Party may object" in text
