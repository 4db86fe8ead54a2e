"""Item 5 of issue 15, the parties' own deadlines and two amendment events, against a real SMTP
server: `rkc notify` reminds a party's delegates and the Secretariat of the next review of the
party's reservations (Art. 12) and of its implementation deadlines (Art. 13), once per lead
(30 and 7 days ahead by default), and never anyone else; a delegation hears when a rebase flags
its amendment in conflict and when the Secretariat merges it."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from rkc.amendments import merging
from rkc.amendments.lifecycle import change_status
from rkc.amendments.proposing import _current, propose_modification
from rkc.amendments.rebasing import revise_provision
from rkc.audit import Actor, acting_as
from rkc.clock import today
from rkc.convention import queries as text_queries
from rkc.extensions import db
from rkc.notifications.cli import notify_command
from rkc.notifications.models import Notification
from rkc.notifications.reminders import remind_party_deadlines
from rkc.parties import operations as party_ops
from rkc.parties import standings
from rkc.parties.periods import add_months

from ..parties.fixtures import make_party
from .conftest import body
from .test_mail import _people, _tabled, _user

A, B, C = "delegate-a@example.org", "delegate-b@example.org", "delegate-c@example.org"
OFFICE = "secretariat@example.org"
#: Art. 12 cycles are counted from 2006-02-03 every three years: 2024-02-03, 2027-02-03, ...
REVIEW = date(2027, 2, 3)


def _subjects(smtp, address: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [m["Subject"] for m in smtp.to(address)]


def _remind(day: date) -> int:
    with acting_as(Actor(None, "rkc notify", "system")):
        written = remind_party_deadlines(day, [30, 7])
    db.session.commit()  # the mail follows the commit
    return written


def test_a_reservation_review_is_reminded_to_its_party_and_the_secretariat_once_per_lead(
    small_app, smtp
):
    _people()
    aut = make_party("AUT")
    can_ = make_party("CAN")  # a party without reservations: nothing to review
    with acting_as(Actor(None, "test", "system")):
        party_ops.record_acceptance(aut, "sa-b/1", notified_on="2010-01-04")
        party_ops.record_reservation(aut, "sa-b/1/2", entered_on="2010-01-04", text="Differs.")
        party_ops.record_acceptance(can_, "sa-b/1", notified_on="2010-01-04")
        withdrawn = party_ops.record_reservation(
            can_, "sa-b/1/2", entered_on="2010-01-04", text="Differed."
        )
        party_ops.withdraw_reservation(withdrawn, withdrawn_on="2015-01-05")
    db.session.commit()

    assert _remind(REVIEW - timedelta(days=45)) == 0  # not yet
    assert smtp.messages == []

    assert _remind(REVIEW - timedelta(days=20)) == 2  # delegate A and the Secretariat
    expected = "[rkc] Test party AUT: its reservations are due for review on 3 February 2027"
    assert _subjects(smtp, A) == [expected]
    assert _subjects(smtp, OFFICE) == [expected]
    assert "https://rkc.example.org/parties/AUT" in body(smtp.to(A)[0])
    assert "Art. 12" in body(smtp.to(A)[0])
    # Canada's reservation was withdrawn, Cambodia is no party: neither hears of it.
    assert smtp.to(B) == []
    assert smtp.to(C) == []

    assert _remind(REVIEW - timedelta(days=19)) == 0  # the next day: nothing twice
    assert _remind(REVIEW - timedelta(days=5)) == 2  # the 7-day lead, once
    assert _remind(REVIEW - timedelta(days=4)) == 0
    assert len(smtp.to(A)) == 2
    assert len(smtp.to(OFFICE)) == 2
    assert smtp.to(B) == []
    assert smtp.to(C) == []
    assert _remind(REVIEW + timedelta(days=1)) == 0  # past: the next cycle is years away


def test_rkc_notify_reminds_of_an_implementation_deadline_to_that_party_only(small_app, smtp):
    _people()
    make_party("AUT")  # its deadlines passed long ago
    in_force = add_months(today(), -36) + timedelta(days=10)
    khm = make_party("KHM", str(in_force - timedelta(days=92)), in_force_on=in_force.isoformat())
    db.session.commit()
    rows = standings.deadline_summary(standings.standing(khm), standings.rules())
    standards = next(r["deadline"] for r in rows if r["scope"] == "General Annex: Standards")
    due = standards.due_on
    assert due is not None
    assert today() + timedelta(days=3) < due <= today() + timedelta(days=30)

    runner = small_app.test_cli_runner()
    early = runner.invoke(notify_command, ["--no-digest", "--remind-days", "3"])
    assert early.exit_code == 0, early.output
    assert "0 reminder(s) written" in early.output  # the deadline is 10 days away

    result = runner.invoke(notify_command, ["--no-digest"])
    assert result.exit_code == 0, result.output
    expected = f"[rkc] Test party KHM: General Annex: Standards must be implemented by {due}"
    assert _subjects(smtp, C) == [expected]
    assert _subjects(smtp, OFFICE) == [expected]
    assert "Art. 13" in body(smtp.to(C)[0])
    assert smtp.to(A) == []
    assert smtp.to(B) == []

    again = runner.invoke(notify_command, ["--no-digest"])
    assert "0 reminder(s) written" in again.output
    assert len(smtp.to(C)) == 1
    assert len(smtp.to(OFFICE)) == 1
    # Transitional Standards have five years: not reminded yet.
    assert not db.session.scalars(
        select(Notification).where(Notification.subject.contains("Transitional"))
    ).all()


def test_a_delegation_hears_when_a_rebase_flags_its_amendment_in_conflict(small_app, smtp):
    people = _people()
    amendment = _tabled(people)  # delegate A (AUT) on ga/3/3.1
    draft, node = amendment.edition, amendment.node
    secretariat = _user(people, "secretariat")

    def change_the_same_words() -> None:
        with acting_as(Actor(secretariat.id, secretariat.username, "secretariat")):
            current = _current(draft, node)
            revise_provision(
                draft,
                node,
                expected_revision_id=current.id,
                user=secretariat,
                text=current.text + " Without delay.",
            )
        assert amendment.has_conflict

    before = len(smtp.messages)
    change_the_same_words()
    db.session.rollback()  # a rolled-back rebase tells nobody
    assert len(smtp.messages) == before

    change_the_same_words()
    db.session.commit()
    (mail,) = [m for m in smtp.to(A) if "conflicts" in m["Subject"]]
    assert mail["Subject"] == f"[rkc] {amendment.label} conflicts with the working draft: revise it"
    assert f"https://rkc.example.org/amendments/{amendment.id}" in body(mail)
    assert "changed where this amendment changes it too" in body(mail)
    assert not any("conflicts" in m["Subject"] for m in smtp.messages if m["To"] != A)


def test_a_delegation_hears_when_its_amendment_is_merged(small_app, smtp):
    people = _people()
    draft = text_queries.edition_by_slug(text_queries.work_by_key("rkc"), "review-draft")
    node = text_queries.node_by_key("ga/3/3.2")
    b, secretariat = _user(people, "delegate_b"), _user(people, "secretariat")
    with acting_as(Actor(None, "test", "system")):
        current = _current(draft, node)
        amendment = propose_modification(
            draft, node, user=b, text="Customs shall publish its hours online.", justification="."
        )
        change_status(amendment, "tabled", user=b)
        change_status(amendment, "under_discussion", user=secretariat)
        change_status(amendment, "agreed", user=secretariat)
    db.session.commit()
    assert not any("merged" in s for s in _subjects(smtp, B))

    with acting_as(Actor(secretariat.id, secretariat.username, "secretariat")):
        merging.merge(draft, [amendment], expected={node.id: current.id}, user=secretariat)
    db.session.commit()
    merged = [m for m in smtp.to(B) if "merged" in m["Subject"]]
    assert [m["Subject"] for m in merged] == [
        f"[rkc] {amendment.label} was merged into the working draft"
    ]
    assert f"https://rkc.example.org/amendments/{amendment.id}" in body(merged[0])
    assert smtp.to(A) == []
    assert smtp.to(C) == []
    assert smtp.to(OFFICE) == []  # who merged is not told
    assert (
        db.session.scalar(
            select(Notification.kind).where(
                Notification.user_id == b.id, Notification.subject.contains("merged")
            )
        )
        == "merged"
    )
