"""A party's deadlines and review dates: implementation of the provisions it accepted and
their extension (Art. 13), the re-examination of its reservations (Art. 12), and denunciation
(Art. 17).

Pure functions over the periods of `rkc.parties.periods` (its docstring says the habits: no
invented day, calendar months); nothing reads a clock, a database or a request.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from rkc.parties.periods import (
    DEFAULT_RULES,
    DateLike,
    DateRange,
    DateResult,
    PartialDate,
    Rules,
    add_months,
    coerce_enum,
    n_months,
    precision_note,
    require_date,
    require_int,
    to_span,
)

# Art. 13: implementation deadlines


class ProvisionKind(enum.StrEnum):
    """The provision kinds that carry an implementation deadline (values as stored)."""

    STANDARD = "standard"
    TRANSITIONAL_STANDARD = "transitional_standard"
    RECOMMENDED_PRACTICE = "recommended_practice"


_KIND_LABELS = {
    ProvisionKind.STANDARD: "Standards",
    ProvisionKind.TRANSITIONAL_STANDARD: "Transitional Standards of the General Annex",
    ProvisionKind.RECOMMENDED_PRACTICE: "Recommended Practices not reserved",
}


@dataclass(frozen=True)
class Deadline:
    """An implementation deadline (``span`` None: no deadline, e.g. a reserved RP)."""

    kind: ProvisionKind
    span: DateRange | None
    explanation: tuple[str, ...]
    period_months: int = 0
    extension_months: int = 0

    @property
    def has_deadline(self) -> bool:
        return self.span is not None

    @property
    def due_on(self) -> date | None:
        """The exact due date, or None (no deadline, or only a range is known)."""
        return None if self.span is None else self.span.on

    def __str__(self) -> str:
        return "no deadline" if self.span is None else str(self.span)


def implementation_deadline(
    kind: ProvisionKind | str,
    in_force_for_party: DateLike,
    reserved: bool = False,
    extension_months: int = 0,
    rules: Rules = DEFAULT_RULES,
) -> Deadline:
    """By when a party must implement a provision (art. 13).

    ``in_force_for_party``: when the General Annex (the Convention) or the accepted
    Specific Annex chapter entered into force for the party; a range if imprecise.
    Standards and non-reserved Recommended Practices: ``implementation_months``; General
    Annex Transitional Standards: ``transitional_implementation_months``; a reserved
    Recommended Practice has none. An extension granted by the Management Committee
    (at most ``extension_max_months``) lengthens the period counted from the same start.
    """
    kind = coerce_enum(ProvisionKind, kind, "provision kind")
    if not isinstance(reserved, bool):
        raise TypeError("reserved must be True or False")
    require_int(extension_months, "extension_months")
    start = to_span(in_force_for_party, "in_force_for_party")
    if reserved and kind is not ProvisionKind.RECOMMENDED_PRACTICE:
        raise ValueError(
            f"a {kind.value.replace('_', ' ')} cannot be reserved: Art. 12 allows reservations "
            "only to Recommended Practices"
        )
    if extension_months < 0:
        raise ValueError(f"an extension cannot be negative ({extension_months} months)")
    if extension_months > rules.extension_max_months:
        raise ValueError(
            f"an extension of {n_months(extension_months)} is not allowed: Art. 13(4)(b) allows "
            "at most "
            f"{n_months(rules.extension_max_months)}"
        )
    if reserved:
        if extension_months:
            raise ValueError(
                "a reserved Recommended Practice has no implementation deadline to extend"
            )
        return Deadline(
            kind,
            None,
            (
                "Art. 13: a Recommended Practice to which the party has entered a reservation "
                "(Art. 12) has no implementation deadline while the reservation stands.",
            ),
        )
    months = (
        rules.transitional_implementation_months
        if kind is ProvisionKind.TRANSITIONAL_STANDARD
        else rules.implementation_months
    )
    steps = [
        f"Art. 13: {_KIND_LABELS[kind]} must be implemented within {n_months(months)} of entry "
        f"into force for the party: {start.describe_plus(months)}."
    ]
    total = months + extension_months
    if extension_months:
        steps.append(
            f"The Management Committee granted an extension of {n_months(extension_months)} "
            f"(Art. 13(4)(b) allows at most {n_months(rules.extension_max_months)}); the period "
            "becomes "
            f"{n_months(total)} from the same start: {start.describe_plus(total)}."
        )
    span = start.plus_months(total)
    note = precision_note("date of entry into force", start, span)
    if note:
        steps.append(note)
    return Deadline(kind, span, tuple(steps), months, extension_months)


def extension_allowed(
    kind: ProvisionKind | str,
    in_force_for_party: DateLike | None,
    requested_on: PartialDate | date | str,
    *,
    already_months: int,
    months: int,
    rules: Rules = DEFAULT_RULES,
) -> str | None:
    """None when an extension of ``months`` may be recorded; else why not (art. 13(4)).

    Art. 13(4)(a): a party asks the Management Committee *before the end of* the period of
    Art. 13(1) (Standards) or 13(2) (Transitional Standards) of the General Annex; (b) the
    Committee may grant it in exceptional circumstances, for no more than one year. Reading:
    one year in all for a provision, however the extensions were granted (for the provision
    or for its chapter): ``already_months`` is what the provision already has. ``kind``
    chooses the period ("chapter": the Standards' period, the first to end).
    ``in_force_for_party`` None: the date is not recorded, so lateness cannot be judged.
    A request is refused as late only when certainly after the period's end.
    """
    requested = PartialDate.coerce(requested_on, "requested_on")
    require_int(months, "months")
    require_int(already_months, "already_months")
    if already_months + months > rules.extension_max_months:
        return (
            f"Art. 13(4)(b) allows at most {n_months(rules.extension_max_months)} in all for a "
            f"provision; it already has {n_months(already_months)}, and {n_months(months)} more "
            f"would make {n_months(already_months + months)}."
        )
    if in_force_for_party is None:
        return None
    start = to_span(in_force_for_party, "in_force_for_party")
    transitional = kind == ProvisionKind.TRANSITIONAL_STANDARD
    period = (
        rules.transitional_implementation_months if transitional else rules.implementation_months
    )
    end = start.plus_months(period)
    if requested.earliest() > end.latest:
        which = "Transitional Standards" if transitional else "Standards"
        return (
            f"Art. 13(4)(a): an extension must be requested before the period for {which} "
            f"ends ({n_months(period)} after entry into force for the party: {end}); the "
            f"request is dated {requested}."
        )
    return None


# --------------------------------------------------------------------------------------
# Art. 12: reservation reviews


@dataclass(frozen=True)
class ReviewSchedule:
    """The three-yearly review dates a reservation falls due for, up to a date.

    ``uncertain`` holds review dates that fall due only if the reservation was entered
    before them, which an imprecise entry date cannot tell. ``next_due`` is the first
    review date after ``until``.
    """

    due_dates: tuple[date, ...]
    next_due: date
    explanation: tuple[str, ...]
    uncertain: tuple[date, ...] = ()


def reservation_review_dates(
    entered_on: PartialDate | date | str,
    until: date,
    rules: Rules = DEFAULT_RULES,
) -> ReviewSchedule:
    """The review due dates of a reservation entered on ``entered_on``, up to ``until``.

    Art. 12: each party re-examines its reservations every three years, cycles counted
    from 2006-02-03 (2009-02-03, 2012-02-03, ...). Reading: a reservation falls due at
    every cycle date strictly after it was entered; one entered on a cycle date is first
    reviewed at the next one. ``until`` is inclusive (e.g. the withdrawal date or today).
    """
    entered = PartialDate.coerce(entered_on, "entered_on")
    require_date(until, "until")
    cycle = rules.reservation_review_months
    origin = rules.reservation_review_from
    steps = [
        "Art. 12: reservations to Recommended Practices are re-examined every "
        f"{n_months(cycle)}, in cycles counted "
        f"from {origin}; a review falls due at each cycle date after the reservation was "
        f"entered ({entered})."
    ]
    due: list[date] = []
    uncertain: list[date] = []
    k = 1
    while True:
        review = add_months(origin, k * cycle)
        k += 1
        if review <= entered.earliest():
            continue
        if review > until:
            next_due = review
            break
        if review <= entered.latest():
            uncertain.append(review)
        else:
            due.append(review)
    if due:
        listed = ", ".join(d.isoformat() for d in due)
        steps.append(f"Reviews due up to {until}: {listed}.")
    else:
        steps.append(f"No review falls due between {entered} and {until}.")
    if uncertain:
        listed = ", ".join(d.isoformat() for d in uncertain)
        steps.append(
            f"The entry date is known only to the {entered.precision.value} ({entered}); the "
            f"review of {listed} is due only if the reservation was entered before it. No day "
            "is assumed."
        )
    steps.append(f"The next review after {until} is due on {next_due}.")
    return ReviewSchedule(tuple(due), next_due, tuple(steps), tuple(uncertain))


# --------------------------------------------------------------------------------------
# Art. 17: denunciation


def denunciation_allowed(
    notice_on: PartialDate | date | str,
    in_force: DateRange | None,
    *,
    what: str = "the Convention",
) -> str | None:
    """None when a notice of denunciation of ``what`` on ``notice_on`` is possible; else why not.

    Art. 17(1): a party may denounce the Convention at any time *after the date of its
    entry into force* for it; Art. 17(4) allows withdrawing a Specific Annex or chapter
    the same way, after its entry into force. ``in_force``: when ``what`` entered into
    force for the party (None: not known, or not in force; the caller says which). A
    notice is refused only when it is certainly too early: imprecise dates that may allow
    it are accepted (no day is assumed either way).
    """
    notice = PartialDate.coerce(notice_on, "notice_on")
    if in_force is None:
        return None
    if notice.latest() < in_force.earliest:
        return (
            f"{what} enters into force for the party {in_force.when()}; Art. 17 allows a "
            f"denunciation only after that date, and the notice is dated {notice}."
        )
    return None


def denunciation_effective(
    notice_on: PartialDate | date | str,
    rules: Rules = DEFAULT_RULES,
    *,
    what: str = "the Convention",
) -> DateResult:
    """When a denunciation takes effect (art. 17(3)): ``denunciation_months`` after notice.

    ``what`` only words the explanation ("the Convention", "Specific Annex E chapter 1").
    """
    notice = PartialDate.coerce(notice_on, "notice_on")
    span = notice.span().plus_months(rules.denunciation_months)
    steps = [
        f"Art. 17(3): a denunciation of {what} takes effect {n_months(rules.denunciation_months)} "
        f"after the depositary receives the notice; notice {notice}: "
        f"{notice.span().describe_plus(rules.denunciation_months)}."
    ]
    note = precision_note("notice date", notice, span)
    if note:
        steps.append(note)
    return DateResult(span, tuple(steps))


# --------------------------------------------------------------------------------------
