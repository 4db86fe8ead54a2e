"""Reminders of coming deadlines, written as notifications by `rkc notify`.

Objection windows of pending recommendations (`rkc.procedure`), and each party's own
deadlines (`rkc.parties.standings`: reservation reviews, implementation deadlines), each
reminded once per member, deadline and lead. Delivery is `rkc.notifications.operations`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from rkc.auth.models import Role, User
from rkc.extensions import db
from rkc.notifications.operations import notify, party_delegates, secretariat
from rkc.notifications.queries import responses_due
from rkc.parties import standings


def remind_deadlines(
    today: date, within_days: int = 14, lead_days: Iterable[int] | None = None
) -> int:
    """Reminders of deadlines coming within `within_days`: objection windows of pending
    recommendations (to every delegate and the Secretariat), once per member and deadline;
    then each party's reservation reviews and implementation deadlines, `lead_days` ahead
    (`remind_party_deadlines`). Returns how many reminders were written."""
    written = 0
    people = list(
        db.session.scalars(select(User).where(User.role.in_((Role.DELEGATE, Role.SECRETARIAT))))
    )
    for rec, until in responses_due(today):
        if until is None or not today <= until <= today + timedelta(days=within_days):
            continue
        made = notify(
            people,
            "reminder",
            f"Objections to “{rec.label}” ({rec.session}) close on {until:%-d %B %Y}",
            body=f"{rec.label}, {rec.session}: the last day an objection counts is "
            f"{until:%-d %B %Y}.",
            link=f"/recommendations/{rec.id}",
            dedupe=f"objections:{rec.id}:{until.isoformat()}",
        )
        written += len(made)
    return written + remind_party_deadlines(today, lead_days)


def _lead(today: date, due: date, leads: list[int]) -> int | None:
    """The nearest reminder lead (days ahead) `due` falls within, None when none does: with
    leads 30 and 7, a deadline 20 days away is in the 30-day lead, 5 days away in the 7-day
    one. Each lead reminds once, so a member hears of a deadline at most once per lead."""
    left = (due - today).days
    fitting = [n for n in leads if 0 <= left <= n]
    return min(fitting) if fitting else None


def remind_party_deadlines(today: date, lead_days: Iterable[int] | None = None) -> int:
    """Reminders of each party's own deadlines: the next review of its reservations (Art. 12)
    and the implementation deadlines of Standards and Transitional Standards (Art. 13), to
    the party's delegates and the Secretariat, once per member, deadline and lead (days ahead,
    `NOTIFY_REMINDER_DAYS` unless given). The dates come from the parties register
    (`rkc.parties.standings`), as its pages show them. Returns how many reminders were written."""
    given = current_app.config["NOTIFY_REMINDER_DAYS"] if lead_days is None else lead_days
    leads = sorted({int(n) for n in given})
    if not leads:
        return 0
    register = standings.load_register(today)
    office = secretariat()
    written = 0
    for standing in register.standings:
        if not standing.is_party:
            continue
        party = standing.party
        people = party_delegates(party.id) + office
        link = f"/parties/{party.ident}"

        reviews: dict[date, list[str]] = {}
        for reservation in standing.reservations:
            if reservation.is_current:
                what = reservation.provision.name if reservation.provision else reservation.key
                reviews.setdefault(reservation.reviews.next_due, []).append(what)
        for due, provisions in sorted(reviews.items()):
            lead = _lead(today, due, leads)
            if lead is None:
                continue
            written += len(
                notify(
                    people,
                    "reminder",
                    f"{party.name}: its reservations are due for review on {due:%-d %B %Y}",
                    body=f"Art. 12: {party.name} re-examines its reservations by "
                    f"{due:%-d %B %Y} (reservations to {'; '.join(provisions)}).",
                    link=link,
                    dedupe=f"review:{party.id}:{due.isoformat()}:{lead}",
                )
            )

        for row in standings.deadline_summary(standing, register.rules):
            deadline = row["deadline"]
            if deadline is None or deadline.span is None:
                continue
            # A range (an imprecise entry into force): remind ahead of its first day.
            lead = _lead(today, deadline.span.earliest, leads)
            if lead is None:
                continue
            scope, span = row["scope"], deadline.span
            when = f"by {span}" if span.is_exact else str(span)
            written += len(
                notify(
                    people,
                    "reminder",
                    f"{party.name}: {scope} must be implemented {when}",
                    body=f"{party.name}, {scope}: the implementation deadline is {deadline}.\n"
                    + "\n".join(deadline.explanation),
                    link=link,
                    dedupe=f"implement:{party.id}:{lead}:{span.earliest}:{span.latest}:{scope}"[
                        :180
                    ],
                )
            )
    return written
