"""Recording what parties did: the writes, and the bad input they refuse before writing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select, text

from rkc.audit.models import AuditEvent
from rkc.extensions import db
from rkc.parties import operations as ops
from rkc.parties import standings
from rkc.parties.models import EventKind, PartyEvent, Reservation

from ..helpers import party
from .fixtures import make_party


def _counts() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(PartyEvent)),
        db.session.scalar(select(func.count()).select_from(Reservation)),
    )


def refused(match: str, field: str, call, *args, **kwargs):  # type: ignore[no-untyped-def]
    """Assert that the call is refused with a message naming the problem and stores nothing."""
    before = _counts()
    with pytest.raises(ops.PartyError, match=match) as caught:
        call(*args, **kwargs)
    assert caught.value.field == field
    assert _counts() == before
    return caught.value


def test_dates_are_stored_at_their_precision(small_app):
    aze = make_party("AZE", "2006")
    ops.record_acceptance(aze, "B1", notified_on="2007-05")
    db.session.commit()
    stored = db.session.execute(text("SELECT kind, event_on FROM party_event ORDER BY id")).all()
    assert [tuple(row) for row in stored] == [("instrument", "2006"), ("acceptance", "2007-05")]
    membership = standings.standing(aze).membership
    assert membership is not None
    assert str(membership.entry_into_force) == "between 2006-04-01 and 2007-03-31"
    assert any("known only to the year" in s for s in membership.entry_into_force.explanation)


def test_recorded_entry_into_force_is_kept_beside_the_computed_one(small_app):
    lbr = make_party("LBR", "2020-12-14", in_force_on="2021-03-14")
    khm = make_party("KHM", "2014-06-28", in_force_on="2014-10-01")
    liberia = standings.standing(lbr).membership.entry_into_force
    assert liberia.is_recorded
    assert liberia.agrees_with_rules
    cambodia = standings.standing(khm).membership.entry_into_force
    assert str(cambodia) == "2014-10-01"
    assert str(cambodia.computed) == "2014-09-28"
    assert not cambodia.agrees_with_rules


def test_acceptance_by_a_non_party_is_refused(small_app):
    refused(
        "not a Contracting Party", "notified_on", ops.record_acceptance, party("NZL"), "sa-b/1",
        notified_on="2012-01-01",
    )  # fmt: skip


def test_events_before_the_party_joined_are_refused(small_app):
    khm = make_party("KHM", "2014-06-28")
    error = refused(
        "before .* joined", "notified_on", ops.record_acceptance, khm, "B1",
        notified_on="2014-06-27",
    )  # fmt: skip
    assert "2014-06-28" in str(error)
    # Same month, imprecise: it may be the same day or later, so it is not refused.
    ops.record_acceptance(khm, "B1", notified_on="2014-06")
    refused(
        "before .* joined", "granted_on", ops.record_extension, khm, "ga/3/3.1",
        granted_on="2013", months=6,
    )  # fmt: skip


def test_a_reservation_to_a_standard_is_refused(small_app):
    aut = make_party("AUT")
    ops.record_acceptance(aut, "sa-b/1", notified_on="2010-01-04")
    error = refused(
        "Standard; Art. 12 allows reservations only to Recommended Practices", "provision",
        ops.record_reservation, aut, "sa-b/1/1", entered_on="2010-02-01", text="Differs.",
    )  # fmt: skip
    assert "sa-b/1/1" in str(error)


def test_a_reservation_needs_the_chapter_accepted(small_app):
    aut = make_party("AUT")
    refused(
        "has not accepted chapter B1", "provision", ops.record_reservation, aut, "sa-b/1/2",
        entered_on="2010-02-01", text="Differs.",
    )  # fmt: skip
    ops.record_acceptance(aut, "sa-b/1", notified_on="2010-01-04")
    refused(
        "before .* accepted chapter B1", "entered_on", ops.record_reservation, aut, "sa-b/1/2",
        entered_on="2009-12-31", text="Differs.",
    )  # fmt: skip
    refused(
        "say how national law differs", "text", ops.record_reservation, aut, "sa-b/1/2",
        entered_on="2010-02-01", text="  ",
    )  # fmt: skip


def test_duplicates_are_refused(small_app):
    aut = make_party("AUT")
    refused("already a Contracting Party", "deposited_on", ops.record_instrument, aut,
            instrument="ratification", deposited_on="2004-04-29")  # fmt: skip
    ops.record_acceptance(aut, "sa-b/1", notified_on="2010-01-04")
    refused("already accepted B1", "chapter", ops.record_acceptance, aut, "B1",
            notified_on="2010-01-04")  # fmt: skip
    ops.record_reservation(aut, "sa-b/1/2", entered_on="2010-01-04", text="Differs.")
    refused("already has a reservation", "provision", ops.record_reservation, aut, "sa-b/1/2",
            entered_on="2011", text="Again.")  # fmt: skip
    ops.record_denunciation(aut, notice_on="2020-01-01")
    refused("already denounced", "notice_on", ops.record_denunciation, aut,
            notice_on="2020-01-01")  # fmt: skip


def test_unknown_chapters_and_provisions_are_named(small_app):
    aut = make_party("AUT")
    refused("“Z9” is not a Specific Annex chapter", "chapter", ops.record_acceptance, aut, "Z9",
            notified_on="2010")  # fmt: skip
    refused("“ga/3” is not a Specific Annex chapter", "chapter", ops.record_acceptance, aut,
            "ga/3", notified_on="2010")  # fmt: skip
    refused("nothing .* has the key “sa-b/1/99”", "provision", ops.record_reservation, aut,
            "sa-b/1/99", entered_on="2010", text="x")  # fmt: skip
    refused("is not a date", "notified_on", ops.record_acceptance, aut, "B1",
            notified_on="2010-13")  # fmt: skip
    refused("give a date", "notified_on", ops.record_acceptance, aut, "B1", notified_on="")


def test_reservation_withdrawal(small_app):
    aut = make_party("AUT")
    ops.record_acceptance(aut, "sa-b/1", notified_on="2010-01-04")
    reservation = ops.record_reservation(aut, "sa-b/1/2", entered_on="2010-01-04", text="Differs.")
    refused("before the reservation was entered", "withdrawn_on", ops.withdraw_reservation,
            reservation, withdrawn_on="2009")  # fmt: skip
    ops.withdraw_reservation(reservation, withdrawn_on="2013-05")
    refused("already withdrawn", "withdrawn_on", ops.withdraw_reservation, reservation,
            withdrawn_on="2014")  # fmt: skip
    standing = standings.standing(aut)
    [reserved] = standing.reservations
    # Reviews every three years from 2006-02-03, up to the withdrawal (2013-05-01 at the earliest).
    assert [str(d) for d in reserved.reviews.due_dates] == ["2012-02-03"]
    assert not reserved.is_current
    # Withdrawn: a new reservation to the same provision is possible again.
    ops.record_reservation(aut, "sa-b/1/2", entered_on="2015", text="Differs again.")


def test_extensions_at_most_twelve_months_in_all(small_app):
    aut = make_party("AUT")  # in force 2006-02-03: Standards by 2009-02-03, TS by 2011-02-03
    ops.record_extension(aut, "ga/3/3.3", granted_on="2010-06-01", months=8)
    refused("already has 8 months", "months", ops.record_extension, aut, "ga/3/3.3",
            granted_on="2010-09-01", months=6)  # fmt: skip
    refused("from 1 to 12 months", "months", ops.record_extension, aut, "ga/3/3.1",
            granted_on="2008-09-01", months=13)  # fmt: skip
    refused("has no implementation deadline", "provision", ops.record_extension, aut,
            "ga/2/e1", granted_on="2008-09-01", months=6)  # fmt: skip
    # Art. 13(4): the General Annex only; a Specific Annex provision is refused outright.
    ops.record_acceptance(aut, "sa-b/1", notified_on="2010-01-04")
    refused("not in the General Annex", "provision", ops.record_extension, aut, "sa-b/1/1",
            granted_on="2010-09-01", months=6)  # fmt: skip
    refused("not in the General Annex", "provision", ops.record_extension, aut, "sa-b/1",
            granted_on="2010-09-01", months=6)  # fmt: skip
    assert standings.standing(aut).extension_months("ga/3/3.3") == 8


def test_extension_total_counts_chapter_and_provision_extensions_together(small_app):
    aut = make_party("AUT")
    ops.record_extension(aut, "ga/3", granted_on="2008-06-01", months=7)
    # 7 months for the chapter already cover 3.1: 6 more would make 13.
    refused("already has 7 months", "months", ops.record_extension, aut, "ga/3/3.1",
            granted_on="2008-07-01", months=6)  # fmt: skip
    ops.record_extension(aut, "ga/3/3.1", granted_on="2008-07-01", months=5)
    # Now 3.1 has 12 months in all: a chapter extension of even one month would exceed it.
    refused("already has 12 months", "months", ops.record_extension, aut, "ga/3",
            granted_on="2008-08-01", months=1)  # fmt: skip
    standing = standings.standing(aut)
    assert standing.extension_months("ga/3/3.1") == 12
    assert standing.extension_months("ga/3/3.2") == 7


@pytest.mark.parametrize(
    ("deposit", "key", "requested", "allowed"),
    [
        # Liberia's day-exact entry into force 2021-03-14: Standards end 2024-03-14.
        ("2020-12-14", "ga/3/3.1", "2024-03-14", True),
        ("2020-12-14", "ga/3/3.1", "2024-03-15", False),
        # Transitional Standards: 60 months, 2026-03-14.
        ("2020-12-14", "ga/3/3.3", "2026-03-14", True),
        ("2020-12-14", "ga/3/3.3", "2026-03-15", False),
        # Month-end: deposit 2019-11-30 -> in force 2020-02-29 (leap day) -> Standards end
        # 2023-02-28 (no 29 February in 2023).
        ("2019-11-30", "ga/3/3.1", "2023-02-28", True),
        ("2019-11-30", "ga/3/3.1", "2023-03-01", False),
        # A request known only to the month: refused only when certainly late.
        ("2019-11-30", "ga/3/3.1", "2023-02", True),
        ("2019-11-30", "ga/3/3.1", "2023-03", False),
        # A chapter's extension follows the Standards' period.
        ("2019-11-30", "ga/3", "2023-03-01", False),
    ],
)
def test_extension_must_be_requested_before_the_period_ends(
    small_app, deposit, key, requested, allowed
):
    lbr = make_party("LBR", deposit)
    granted = "2027-01-01"
    if allowed:
        event = ops.record_extension(lbr, key, requested_on=requested, granted_on=granted, months=6)
        assert str(event.requested_on) == requested
    else:
        refused("before the period for", "requested_on", ops.record_extension, lbr, key,
                requested_on=requested, granted_on=granted, months=6)  # fmt: skip


def test_extension_request_cannot_follow_the_grant(small_app):
    aut = make_party("AUT")
    refused("after the extension was granted", "requested_on", ops.record_extension, aut,
            "ga/3/3.1", requested_on="2008-05-02", granted_on="2008-05-01", months=6)  # fmt: skip


def test_denunciation_ends_the_convention_and_its_chapters(small_app):
    aut = make_party("AUT")
    ops.record_acceptance(aut, "sa-b/1", notified_on="2010-01-04")
    refused("has not accepted", "chapter", ops.record_denunciation, make_party("CAN"),
            notice_on="2012", chapter="B1")  # fmt: skip
    ops.record_denunciation(aut, notice_on="2019-07-31")
    standing = standings.standing(aut)
    membership = standing.membership
    assert str(membership.ends) == "2020-01-31"
    assert standing.chapter("sa-b/1").ends is membership.ends
    refused("had left the Convention", "notified_on", ops.record_acceptance, aut, "B1",
            notified_on="2020-02")  # fmt: skip
    # A new instrument after the notice makes it a party again.
    ops.record_instrument(aut, instrument="accession", deposited_on="2022-05-02")
    again = standings.standing(aut).membership
    assert str(again.entry_into_force) == "2022-08-02"
    assert again.denunciation is None


def test_chapter_denunciation(small_app):
    aut = make_party("AUT")
    ops.record_acceptance(aut, "sa-b/1", notified_on="2010-01-04")
    refused("before .* accepted B1", "notice_on", ops.record_denunciation, aut,
            notice_on="2009", chapter="B1")  # fmt: skip
    ops.record_denunciation(aut, notice_on="2015-03-31", chapter="sa-b/1")
    accepted = standings.standing(aut).chapter("sa-b/1")
    assert not accepted.is_current
    assert str(accepted.ends) == "2015-09-30"
    # Dropping a chapter leaves the Convention in force.
    assert standings.standing(aut).membership.ends is None


@pytest.mark.parametrize(
    ("deposit", "notice", "allowed"),
    [
        # Deposit 2023-11-30 -> in force 2024-02-29 (leap day). Reading of Art. 17(1) ("at
        # any time after the date of its entry into force"): from that day on.
        ("2023-11-30", "2024-02-28", False),
        ("2023-11-30", "2024-02-29", True),
        # Month-end: deposit 2021-05-31 -> in force 2021-08-31.
        ("2021-05-31", "2021-08-30", False),
        ("2021-05-31", "2021-08-31", True),
        # A notice known only to the month may fall after: recorded.
        ("2021-05-31", "2021-08", True),
        ("2021-05-31", "2021-07", False),
    ],
)
def test_denunciation_only_after_entry_into_force(small_app, deposit, notice, allowed):
    lbr = make_party("LBR", deposit)
    if allowed:
        ops.record_denunciation(lbr, notice_on=notice)
    else:
        refused("only after that date", "notice_on", ops.record_denunciation, lbr,
                notice_on=notice)  # fmt: skip


def test_denunciation_of_a_party_with_no_recorded_date_is_recorded(small_app):
    pak = make_party("PAK", None)
    ops.record_denunciation(pak, notice_on="2024-01-15")
    assert standings.standing(pak).membership.entry_into_force is None


def test_every_write_is_audited(small_app):
    aut = make_party("AUT")
    event = ops.record_acceptance(aut, "sa-b/1", notified_on="2010-01-04")
    reservation = ops.record_reservation(aut, "sa-b/1/2", entered_on="2010", text="x")
    ops.withdraw_reservation(reservation, withdrawn_on="2011")
    ops.record_extension(aut, "ga/3/3.1", requested_on="2008", granted_on="2011", months=3)
    ops.record_denunciation(aut, notice_on="2020", chapter="B1")
    actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions[-6:] == [
        "party.record_instrument",
        "party.record_acceptance",
        "party.record_reservation",
        "party.withdraw_reservation",
        "party.record_extension",
        "party.record_denunciation",
    ]
    detail = json.loads(
        db.session.scalar(
            select(AuditEvent.detail).where(AuditEvent.action == "party.record_acceptance")
        )
    )
    assert detail == {"chapter": "sa-b/1", "event": event.id, "notified_on": "2010-01-04"}


def test_retracting_a_mistake(small_app):
    aut = make_party("AUT")
    acceptance = ops.record_acceptance(aut, "sa-b/1", notified_on="2010-01-04")
    reservation = ops.record_reservation(aut, "sa-b/1/2", entered_on="2010", text="x")
    refused("refer to sa-b/1; retract those first", "reason", ops.retract_event, acceptance,
            reason="wrong chapter")  # fmt: skip
    refused("say why", "reason", ops.retract_reservation, reservation, reason=" ")
    ops.retract_reservation(reservation, reason="entered by mistake")
    ops.retract_event(acceptance, reason="wrong chapter")
    assert [e.kind for e in standings.standing(aut).events] == [EventKind.INSTRUMENT]
    detail = json.loads(
        db.session.scalar(
            select(AuditEvent.detail).where(AuditEvent.action == "party.retract_event")
        )
    )
    assert detail["node"] == "sa-b/1"
    assert detail["reason"] == "wrong chapter"


def test_party_details(small_app):
    eu = ops.create_party(name="European Union", kind="union", is_wco_member=True)
    assert eu.ident == str(eu.id)
    refused("already European Union", "name", ops.create_party, name="European Union")
    refused("is not three letters", "iso3", ops.create_party, name="X", iso3="XY1")
    refused("must be state, union or territory", "kind", ops.create_party, name="X", kind="city")
    ops.update_party(
        eu, name="European Union", iso3=None, kind="union", is_wco_member=None,
        note="Customs union", source_url="",
    )  # fmt: skip
    assert eu.note == "Customs union"
    assert eu.is_wco_member is None
