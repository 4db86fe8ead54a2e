"""The Convention's date rules, as pure functions.

Size: over 600 lines, the parties' dates and the amendment procedure together; issue #18
splits it in two along that line.

Everything here is computed from the Revised Kyoto Convention's own periods held as data in
:class:`Rules`; nothing reads a clock, a database or a request. Every result carries
``explanation``: human-readable steps, each citing the article of the Body it applies, so
that a page can show *why* a date is what it is.

The articles (the Body as the WCO publishes it, Appendix I to the 1999 Protocol): Art. 6(4)
the Management Committee recommends amendments and decides on Recommended Practices; Art. 12
acceptance of Specific Annexes or chapters and reservations to Recommended Practices, with
their three-yearly re-examination; Art. 13 implementation periods and their extension;
Art. 15 amendments to the Body; Art. 16 amendments to the General Annex and the Specific
Annexes, and the entry into force of the Committee's decisions on Recommended Practices;
Art. 17 denunciation; Art. 18 entry into force. :data:`RULE_ARTICLES` pins each rule to its
article.

Two habits run through the module:

* **Never invent a day.** Records are often known to the year or the month only
  (:class:`PartialDate`). A computation on such a date returns a :class:`DateRange` (the
  earliest and latest possible results) and says that the precision limits the result.
  When every possible day gives the same answer, the result is exact and says so.
* **Periods are calendar months with month-end clamping** (:func:`add_months`):
  31 August + 6 months is 28 or 29 February. A window "of N months from D" closes at the
  end of ``add_months(D, N)``: a step on that day is in time, the day after is late.

Readings of the treaty that are not certain are written in the docstrings and in the
explanation steps themselves ("reading: ..."), and the numbers are data in :class:`Rules`.
"""

from __future__ import annotations

import calendar
import enum
from collections.abc import Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

__all__ = [
    "DEFAULT_RULES",
    "RKC_ENTRY_INTO_FORCE",
    "RULE_ARTICLES",
    "ChapterAcceptance",
    "ChapterEntryIntoForce",
    "ChapterPartyEntry",
    "DateRange",
    "DateResult",
    "Deadline",
    "Outcome",
    "PartialDate",
    "Precision",
    "Procedure",
    "ProvisionKind",
    "Response",
    "ResponseKind",
    "ReviewSchedule",
    "Rules",
    "Status",
    "add_months",
    "apply_recorded",
    "chapter_entry_into_force",
    "denunciation_allowed",
    "denunciation_effective",
    "evaluate_recommendation",
    "extension_allowed",
    "implementation_deadline",
    "party_entry_into_force",
    "reservation_review_dates",
    "unknown_entry_into_force",
]

#: The day the Revised Kyoto Convention entered into force (DOMAIN.md section 1).
RKC_ENTRY_INTO_FORCE = date(2006, 2, 3)


# --------------------------------------------------------------------------------------
# Small checks


def _require_date(value: object, name: str) -> date:
    """Return ``value`` if it is a calendar date (not a datetime), else raise TypeError."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name} must be a datetime.date, not {type(value).__name__}")
    return value


def _require_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number, not {type(value).__name__}")
    return value


def _months(n: int) -> str:
    return "1 month" if n == 1 else f"{n} months"


def _names(parties: Iterable[object]) -> str:
    return ", ".join(str(party) for party in parties)


# --------------------------------------------------------------------------------------
# Dates: exact, partial, ranges


def add_months(d: date, n: int) -> date:
    """Return ``d`` moved by ``n`` calendar months (``n`` may be negative).

    When the target month is shorter, the day is clamped to its last day:
    2023-01-31 + 1 month = 2023-02-28; 2024-01-31 + 1 month = 2024-02-29.
    """
    _require_date(d, "d")
    _require_int(n, "n")
    index = d.year * 12 + (d.month - 1) + n
    year, month0 = divmod(index, 12)
    if not date.min.year <= year <= date.max.year:
        raise ValueError(f"{d} + {_months(n)} falls outside the supported calendar")
    month = month0 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _describe_add(start: date, n: int, result: date) -> str:
    """``"2023-08-31 + 6 months = 2024-02-29 (...)"`` with a note when the day was clamped."""
    text = f"{start} + {_months(n)} = {result}"
    if result.day != start.day:
        text += (
            f" ({result.year:04d}-{result.month:02d} has no day {start.day}: "
            "the period ends on the last day of that month)"
        )
    return text


class Precision(enum.StrEnum):
    """How much of a recorded date is known."""

    YEAR = "year"
    MONTH = "month"
    DAY = "day"


@dataclass(frozen=True)
class DateRange:
    """The earliest and latest possible dates of something; exact when they agree."""

    earliest: date
    latest: date

    def __post_init__(self) -> None:
        _require_date(self.earliest, "earliest")
        _require_date(self.latest, "latest")
        if self.earliest > self.latest:
            raise ValueError(
                f"a date range cannot end ({self.latest}) before it starts ({self.earliest})"
            )

    @classmethod
    def exact(cls, d: date) -> DateRange:
        """The range holding exactly one day."""
        return cls(d, d)

    @property
    def is_exact(self) -> bool:
        return self.earliest == self.latest

    @property
    def on(self) -> date | None:
        """The date when exact, else ``None`` (no day is ever picked for you)."""
        return self.earliest if self.is_exact else None

    def __contains__(self, d: object) -> bool:
        return (
            isinstance(d, date)
            and not isinstance(d, datetime)
            and self.earliest <= d <= self.latest
        )

    def __str__(self) -> str:
        if self.is_exact:
            return self.earliest.isoformat()
        return f"between {self.earliest} and {self.latest}"

    def plus_months(self, n: int) -> DateRange:
        """Both ends moved by ``n`` months (add_months is monotonic, so this stays ordered)."""
        return DateRange(add_months(self.earliest, n), add_months(self.latest, n))

    def not_before(self, d: date) -> DateRange:
        """The range with every date earlier than ``d`` replaced by ``d``."""
        return DateRange(max(self.earliest, d), max(self.latest, d))

    def later_of(self, other: DateRange) -> DateRange:
        """The range of ``max(x, y)`` for x in self and y in other."""
        return DateRange(max(self.earliest, other.earliest), max(self.latest, other.latest))

    def describe_plus(self, n: int) -> str:
        """Explain ``self.plus_months(n)`` in one phrase."""
        result = self.plus_months(n)
        if self.is_exact:
            return _describe_add(self.earliest, n, result.earliest)
        before = f"[{self.earliest} .. {self.latest}]"
        return f"{before} + {_months(n)} = [{result.earliest} .. {result.latest}]"

    def when(self) -> str:
        """``"on 2021-03-14"`` or ``"between 2019-04-01 and 2020-03-31"``, for sentences."""
        return f"on {self}" if self.is_exact else str(self)


@dataclass(frozen=True)
class PartialDate:
    """A recorded date at its own precision: a year, a year and month, or a full date.

    ``PartialDate.parse("2006")``, ``parse("2006-04")``, ``parse("2006-04-29")``; ``str()``
    gives the same text back. ``earliest()`` and ``latest()`` are the first and last real
    days it could mean. No day is ever invented.
    """

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        _require_int(self.year, "year")
        if self.month is not None:
            _require_int(self.month, "month")
        if self.day is not None:
            _require_int(self.day, "day")
        if not date.min.year <= self.year <= date.max.year:
            raise ValueError(f"year {self.year} is outside 1-9999")
        if self.month is None:
            if self.day is not None:
                raise ValueError("a day needs a month: a date is YYYY, YYYY-MM or YYYY-MM-DD")
            return
        if not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} is outside 1-12")
        if self.day is not None:
            last = calendar.monthrange(self.year, self.month)[1]
            if not 1 <= self.day <= last:
                raise ValueError(f"{self.year:04d}-{self.month:02d} has no day {self.day}")

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Read ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; ValueError names the bad text."""
        if not isinstance(text, str):
            raise TypeError(f"expected text such as '2006-04', not {type(text).__name__}")
        parts = text.strip().split("-")
        widths = (4, 2, 2)
        if len(parts) > len(widths) or not all(
            len(part) == width and part.isascii() and part.isdigit()
            for part, width in zip(parts, widths[: len(parts)], strict=True)
        ):
            raise ValueError(f"{text!r} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD")
        try:
            return cls(*(int(part) for part in parts))
        except ValueError as exc:
            raise ValueError(f"{text!r} is not a date: {exc}") from None

    @classmethod
    def from_date(cls, d: date) -> PartialDate:
        """The exact partial date for a real date."""
        _require_date(d, "date")
        return cls(d.year, d.month, d.day)

    @classmethod
    def coerce(cls, value: PartialDate | date | str, name: str = "date") -> PartialDate:
        """Accept a PartialDate, a date or ISO text (at any of the three precisions)."""
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, str):
            return cls.parse(value)
        return cls.from_date(_require_date(value, name))

    @property
    def precision(self) -> Precision:
        if self.month is None:
            return Precision.YEAR
        if self.day is None:
            return Precision.MONTH
        return Precision.DAY

    @property
    def is_exact(self) -> bool:
        return self.day is not None

    def earliest(self) -> date:
        """The first real day this date could be."""
        return date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> date:
        """The last real day this date could be."""
        month = self.month or 12
        return date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def span(self) -> DateRange:
        return DateRange(self.earliest(), self.latest())

    def __str__(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


@dataclass(frozen=True)
class DateResult:
    """A computed date (exact, or a range when the inputs were imprecise) and why.

    ``computed`` is set only when a recorded date overrode the rules: it holds what the
    rules alone give, so a page can show both and flag a disagreement.
    """

    span: DateRange
    explanation: tuple[str, ...]
    computed: DateRange | None = None

    @property
    def on(self) -> date | None:
        return self.span.on

    @property
    def earliest(self) -> date:
        return self.span.earliest

    @property
    def latest(self) -> date:
        return self.span.latest

    @property
    def is_exact(self) -> bool:
        return self.span.is_exact

    @property
    def is_recorded(self) -> bool:
        return self.computed is not None

    @property
    def agrees_with_rules(self) -> bool:
        """False only when a recorded date lies outside what the rules allow."""
        return self.computed is None or self.span.earliest in self.computed

    def __str__(self) -> str:
        return str(self.span)


DateLike = date | PartialDate | DateRange | DateResult | str


def _to_span(value: DateLike, name: str) -> DateRange:
    """Any accepted date shape as the range of days it could be."""
    if isinstance(value, DateRange):
        return value
    if isinstance(value, DateResult):
        return value.span
    return PartialDate.coerce(value, name).span()


def _precision_note(label: str, given: PartialDate | DateRange, result: DateRange) -> str | None:
    """Say how an imprecise input limits the result, or None when the input was exact."""
    if isinstance(given, PartialDate):
        if given.is_exact:
            return None
        known = f"known only to the {given.precision.value} ({given})"
    else:
        if given.is_exact:
            return None
        known = f"known only as a range ({given})"
    if result.is_exact:
        return (
            f"The {label} is {known}, but every possible day gives {result.earliest}, "
            "so the result is exact."
        )
    return (
        f"The {label} is {known}, so the result can only be given as a range: "
        f"{result.earliest} at the earliest, {result.latest} at the latest. No day is assumed; "
        f"a day-precise {label} would fix it."
    )


# --------------------------------------------------------------------------------------
# The rules as data


@dataclass(frozen=True)
class Rules:
    """Every period and count the date rules use, so none lives only in code.

    The defaults are the Convention's (DOMAIN.md sections 3 and 4). Build another with
    ``dataclasses.replace(DEFAULT_RULES, ...)`` should a figure prove different.
    """

    #: Art. 18: the day the Convention itself entered into force.
    convention_in_force_on: date = RKC_ENTRY_INTO_FORCE
    #: Art. 18: the Convention enters into force for a party this long after its deposit.
    accession_months: int = 3
    #: Art. 18: acceptances a Specific Annex or chapter needs to first enter into force.
    chapter_acceptances_needed: int = 5
    #: Art. 18: a chapter enters into force this long after the fifth (or a later) acceptance.
    chapter_months: int = 3
    #: Art. 13: Standards and non-reserved Recommended Practices.
    implementation_months: int = 36
    #: Art. 13: General Annex Transitional Standards.
    transitional_implementation_months: int = 60
    #: Art. 13(4)(b): the longest extension the Management Committee may grant, in all,
    #: for one General Annex provision (whatever mix of provision and chapter extensions).
    extension_max_months: int = 12
    #: Art. 12: reservations are re-examined in cycles of this length ...
    reservation_review_months: int = 36
    #: ... counted from this day.
    reservation_review_from: date = RKC_ENTRY_INTO_FORCE
    #: Art. 17(3): a denunciation takes effect this long after the notice (possible only
    #: once the Convention, or the chapter, is in force for the party: Art. 17(1) and (4)).
    denunciation_months: int = 6
    #: Art. 15: objections to a Body amendment count within this period from communication.
    body_objection_months: int = 12
    #: Art. 15: a Body amendment enters into force this long after the acceptances.
    body_in_force_months: int = 12
    #: Art. 16: an annex amendment is deemed accepted this long after communication.
    deemed_acceptance_months: int = 6
    #: Art. 16: extra time to object for a party that notified conditions not yet met.
    conditions_extension_months: int = 18
    #: Art. 16: an accepted annex amendment enters into force this long after acceptance,
    #: unless the recommendation sets another date or period.
    annex_in_force_months: int = 6
    #: Arts. 6(4)(b) and 16: a Recommended Practice the Committee decided enters into force
    #: this long after communication.
    rp_decision_months: int = 6
    #: Art. 16, read with Art. 7(2)(b): who may act on an amendment to a Specific Annex
    #: chapter, both by objecting and by notifying that its conditions are not yet met (the
    #: notice only keeps the right to object open, so it belongs to whoever holds that
    #: right). ``"bound"``: the parties bound by that chapter (matters of a chapter in force
    #: are for its parties alone, as its vote is); ``"all"``: every Contracting Party.
    #: Applied only when the caller says who is bound.
    chapter_amendment_parties: str = "bound"

    def __post_init__(self) -> None:
        _require_date(self.convention_in_force_on, "convention_in_force_on")
        _require_date(self.reservation_review_from, "reservation_review_from")
        for name in (
            "accession_months",
            "chapter_acceptances_needed",
            "chapter_months",
            "implementation_months",
            "transitional_implementation_months",
            "extension_max_months",
            "reservation_review_months",
            "denunciation_months",
            "body_objection_months",
            "body_in_force_months",
            "deemed_acceptance_months",
            "conditions_extension_months",
            "annex_in_force_months",
            "rp_decision_months",
        ):
            if _require_int(getattr(self, name), name) < 0:
                raise ValueError(f"{name} cannot be negative")
        if self.chapter_acceptances_needed < 1:
            raise ValueError("chapter_acceptances_needed must be at least 1")
        if self.reservation_review_months < 1:
            raise ValueError("reservation_review_months must be at least 1")
        if self.chapter_amendment_parties not in ("bound", "all"):
            raise ValueError('chapter_amendment_parties is "bound" or "all"')


DEFAULT_RULES = Rules()

#: The article of the Body each rule applies, as the explanations cite it.
RULE_ARTICLES: dict[str, str] = {
    "convention_in_force_on": "Art. 18",
    "accession_months": "Art. 18",
    "chapter_acceptances_needed": "Art. 18",
    "chapter_months": "Art. 18",
    "implementation_months": "Art. 13",
    "transitional_implementation_months": "Art. 13",
    "extension_max_months": "Art. 13",
    "reservation_review_months": "Art. 12",
    "reservation_review_from": "Art. 12",
    "denunciation_months": "Art. 17",
    "body_objection_months": "Art. 15",
    "body_in_force_months": "Art. 15",
    "deemed_acceptance_months": "Art. 16",
    "conditions_extension_months": "Art. 16",
    "annex_in_force_months": "Art. 16",
    "rp_decision_months": "Art. 16",
    "chapter_amendment_parties": "Art. 16",
}


# --------------------------------------------------------------------------------------
# Art. 18: entry into force for a party


def party_entry_into_force(
    deposit: PartialDate | date | str,
    recorded: date | None = None,
    rules: Rules = DEFAULT_RULES,
) -> DateResult:
    """When the Convention entered (or enters) into force for a party (art. 18).

    ``rules.accession_months`` after the instrument is deposited, never before the
    Convention itself was in force (a party that consented earlier is bound from that
    day). Reading: the rule is "the later of" the two, so a deposit within the last three
    months before 2006-02-03 gives a date after it; ``recorded`` covers any real case
    that differs. A ``recorded`` date (the depositary's record) overrides the calculation;
    the result then keeps the computed range in ``computed`` and the explanation says
    whether the two agree.
    """
    deposited = PartialDate.coerce(deposit, "deposit")
    possible = deposited.span()
    after = possible.plus_months(rules.accession_months)
    floor = rules.convention_in_force_on
    computed = after.not_before(floor)
    steps = [
        f"Art. 18: the Convention enters into force for a party {_months(rules.accession_months)}"
        f" after it deposits its instrument; deposited {deposited}: "
        f"{possible.describe_plus(rules.accession_months)}."
    ]
    if after.latest < floor:
        steps.append(
            f"That is before the Convention itself entered into force on {floor}; a party that "
            f"consented earlier is bound from that day (Art. 18): {floor}."
        )
    elif after.earliest < floor:
        steps.append(
            f"Any date before {floor}, when the Convention itself entered into force, is "
            f"replaced by {floor} (Art. 18): {computed}."
        )
    note = _precision_note("deposit date", deposited, computed)
    if note:
        steps.append(note)
    if recorded is None:
        return DateResult(computed, tuple(steps))

    _require_date(recorded, "recorded")
    if recorded < floor:
        raise ValueError(
            f"recorded entry into force {recorded} is before the Convention itself entered "
            f"into force on {floor}"
        )
    if recorded < possible.earliest:
        raise ValueError(
            f"recorded entry into force {recorded} is before the deposit ({deposited})"
        )
    if recorded in computed and computed.is_exact:
        steps.append(f"The recorded date {recorded} agrees with this calculation and is used.")
    elif recorded in computed:
        steps.append(
            f"The recorded date {recorded} lies within the computed range and fixes the day; "
            "it is used."
        )
    else:
        steps.append(
            f"The recorded date {recorded} differs from the computed {computed}; the recorded "
            "date is used, because the depositary's record prevails over this calculation. "
            "Check the record."
        )
    return DateResult(DateRange.exact(recorded), tuple(steps), computed=computed)


def apply_recorded(
    computed: DateResult | None,
    recorded: PartialDate | date | str,
    *,
    what: str = "entry into force",
) -> DateResult:
    """A date the depositary recorded, used in place of (or in want of) a computed one.

    The record prevails over the calculation. ``recorded`` may itself be imprecise: when
    the calculation falls within it, the two together narrow the range (a recorded month
    and an exact calculation give the exact day). With no calculation (``computed`` None,
    e.g. no deposit date is known) the record stands alone. The result keeps what the
    rules gave in ``computed`` (the record itself when there was nothing to compute), so a
    page can show both and flag a disagreement.
    """
    given = PartialDate.coerce(recorded, "recorded")
    recorded_span = given.span()
    if computed is None:
        steps = [
            f"The depositary's record gives the {what} as {given}; there is no deposit or "
            "notification date to compute it from."
        ]
        note = _precision_note(f"recorded {what}", given, recorded_span)
        if note:
            steps.append(note)
        return DateResult(recorded_span, tuple(steps), computed=recorded_span)
    rules_span = computed.span
    steps = list(computed.explanation)
    earliest = max(rules_span.earliest, recorded_span.earliest)
    latest = min(rules_span.latest, recorded_span.latest)
    if earliest > latest:
        steps.append(
            f"The recorded {what} ({given}) differs from the computed {rules_span}; the recorded "
            "date is used, because the depositary's record prevails over this calculation. "
            "Check the record."
        )
        span = recorded_span
    else:
        span = DateRange(earliest, latest)
        if given.is_exact and rules_span.is_exact:
            steps.append(f"The recorded date {given} agrees with this calculation and is used.")
        elif given.is_exact:
            steps.append(
                f"The recorded date {given} lies within the computed range and fixes the day; "
                "it is used."
            )
        else:
            steps.append(
                f"The recorded {what} is known only to the {given.precision.value} ({given}); "
                f"with the calculation it gives {span}."
            )
    return DateResult(span, tuple(steps), computed=rules_span)


def unknown_entry_into_force(rules: Rules = DEFAULT_RULES) -> tuple[str, ...]:
    """Why no date can be given for a party whose instrument date is not recorded.

    All that is known is that it is a Contracting Party and that nobody was bound before
    the Convention itself was in force. No upper bound is given: the day the record was
    made (an import, a form) says nothing about the treaty, and a bound that moved with
    it would change on every import. Pages say "date not recorded".
    """
    floor = rules.convention_in_force_on
    return (
        "Date not recorded: no instrument date and no entry into force are recorded for this "
        f"party. It is a Contracting Party, bound at the earliest on {floor}, when the "
        "Convention itself entered into force (Art. 18); no later bound is assumed. The date "
        "of its instrument would fix it.",
    )


# --------------------------------------------------------------------------------------
# Art. 18: Specific Annexes and chapters


@dataclass(frozen=True)
class ChapterAcceptance:
    """One party's acceptance of a Specific Annex chapter.

    ``party_in_force`` is when the Convention is in force for that party (None: not yet).
    """

    party: Hashable
    notified_on: PartialDate
    party_in_force: DateRange | None


@dataclass(frozen=True)
class ChapterPartyEntry:
    """When a chapter is in force for one accepting party (``result`` None: not yet known)."""

    party: Hashable
    notified_on: PartialDate
    result: DateResult | None
    explanation: tuple[str, ...]


@dataclass(frozen=True)
class ChapterEntryIntoForce:
    """A chapter's first entry into force and its entry into force for each acceptor."""

    acceptances: int
    needed: int
    first_in_force: DateResult | None
    parties: tuple[ChapterPartyEntry, ...]
    explanation: tuple[str, ...]

    @property
    def has_enough_acceptances(self) -> bool:
        return self.first_in_force is not None

    @property
    def summary(self) -> str:
        if self.first_in_force is None:
            return f"not yet in force: {self.acceptances} of {self.needed} acceptances"
        return f"first entry into force: {self.first_in_force}"

    def for_party(self, party: Hashable) -> ChapterPartyEntry:
        """The entry for ``party``; KeyError if it has not accepted the chapter."""
        for entry in self.parties:
            if entry.party == party:
                return entry
        raise KeyError(party)


def _coerce_acceptance(item: ChapterAcceptance | Sequence[object]) -> ChapterAcceptance:
    if isinstance(item, ChapterAcceptance):
        return item
    try:
        party, notified, in_force = item
    except (TypeError, ValueError):
        raise ValueError(
            f"an acceptance is (party, notification date, party in force date), not {item!r}"
        ) from None
    if not isinstance(notified, PartialDate | date | str):
        raise TypeError(f"the notification date of {party} must be a date, not {notified!r}")
    if in_force is not None and not isinstance(in_force, DateLike):
        raise TypeError(f"the in force date of {party} must be a date, not {in_force!r}")
    return ChapterAcceptance(
        party,
        PartialDate.coerce(notified, f"notification date of {party}"),
        None if in_force is None else _to_span(in_force, f"in force date of {party}"),
    )


def chapter_entry_into_force(
    acceptances: Iterable[ChapterAcceptance | Sequence[object]],
    rules: Rules = DEFAULT_RULES,
) -> ChapterEntryIntoForce:
    """When a Specific Annex chapter enters into force, first and for each acceptor (art. 18).

    ``acceptances``: ``(party, notification date, date the Convention is in force for
    that party)`` tuples (or :class:`ChapterAcceptance`); dates may be imprecise, and the
    in-force date may be ``None`` (not yet a party in force).

    The chapter first enters into force ``chapter_months`` after the fifth acceptance
    (never before the Convention itself was in force); for a later acceptor,
    ``chapter_months`` after its own notification; for nobody before the Convention is in
    force for that party. All three are one rule: the latest of (own notification + 3
    months, the chapter's first entry into force, the party's own entry into force).
    """
    items = [_coerce_acceptance(item) for item in acceptances]
    seen: set[Hashable] = set()
    for item in items:
        if item.party in seen:
            raise ValueError(f"{item.party} appears twice among the acceptances of one chapter")
        seen.add(item.party)
    needed = rules.chapter_acceptances_needed
    months = rules.chapter_months
    rule = (
        f"Art. 18: a Specific Annex or chapter first enters into force {_months(months)} after "
        f"{needed} parties have accepted it; for each later acceptor {_months(months)} after "
        "its notification; never before the Convention is in force for that party."
    )
    if len(items) < needed:
        summary = f"Not yet in force: {len(items)} of {needed} acceptances."
        entries = tuple(
            ChapterPartyEntry(item.party, item.notified_on, None, (summary,)) for item in items
        )
        return ChapterEntryIntoForce(len(items), needed, None, entries, (rule, summary))

    earliests = sorted(item.notified_on.earliest() for item in items)
    latests = sorted(item.notified_on.latest() for item in items)
    decisive = DateRange(earliests[needed - 1], latests[needed - 1])
    steps = [rule]
    if decisive.is_exact:
        deciders = [
            item.party
            for item in items
            if item.notified_on.is_exact and item.notified_on.earliest() == decisive.earliest
        ]
        by = f" by {deciders[0]}" if len(deciders) == 1 else ""
        steps.append(f"The acceptance that makes {needed} was notified{by} on {decisive}.")
    else:
        steps.append(
            f"Some notification dates are imprecise, so the acceptance that makes {needed} "
            f"falls {decisive}."
        )
    first_span = decisive.plus_months(months)
    steps.append(f"First entry into force: {decisive.describe_plus(months)}.")
    floor = rules.convention_in_force_on
    if first_span.earliest < floor:
        first_span = first_span.not_before(floor)
        steps.append(
            f"The chapter cannot be in force before the Convention itself (in force "
            f"{floor}): {first_span}."
        )
    note = _precision_note("date of the deciding acceptance", decisive, first_span)
    if note:
        steps.append(note)
    first = DateResult(first_span, tuple(steps))

    entries = []
    for item in items:
        own = item.notified_on.span().plus_months(months)
        party_steps = [
            f"Art. 18: {item.party} notified its acceptance on {item.notified_on}: "
            f"{item.notified_on.span().describe_plus(months)}."
        ]
        if item.party_in_force is None:
            party_steps.append(
                f"The Convention is not yet in force for {item.party}, so the chapter is not "
                "in force for it either (Art. 18)."
            )
            entries.append(
                ChapterPartyEntry(item.party, item.notified_on, None, tuple(party_steps))
            )
            continue
        span = own.later_of(first_span)
        if span != own:
            party_steps.append(
                f"The chapter itself first entered into force {first_span.when()}; it is in "
                f"force for no one before that: {span}."
            )
        bounded = span.later_of(item.party_in_force)
        if bounded != span:
            party_steps.append(
                f"The Convention enters into force for {item.party} only "
                f"{item.party_in_force.when()}; "
                f"the chapter cannot apply to it earlier (Art. 18): {bounded}."
            )
        note = _precision_note("notification date", item.notified_on, bounded)
        if note:
            party_steps.append(note)
        result = DateResult(bounded, tuple(party_steps))
        entries.append(ChapterPartyEntry(item.party, item.notified_on, result, result.explanation))
    return ChapterEntryIntoForce(len(items), needed, first, tuple(entries), first.explanation)


# --------------------------------------------------------------------------------------
# Art. 13: implementation deadlines


_E = TypeVar("_E", bound=enum.Enum)


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


def _coerce_enum(cls: type[_E], value: object, what: str) -> _E:
    if isinstance(value, cls):
        return value
    try:
        return cls(value)
    except ValueError:
        pass
    if isinstance(value, str) and value.upper() in cls.__members__:
        return cls.__members__[value.upper()]
    choices = ", ".join(str(member.value) for member in cls)
    raise ValueError(f"unknown {what} {value!r}: expected one of {choices}")


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
    kind = _coerce_enum(ProvisionKind, kind, "provision kind")
    if not isinstance(reserved, bool):
        raise TypeError("reserved must be True or False")
    _require_int(extension_months, "extension_months")
    start = _to_span(in_force_for_party, "in_force_for_party")
    if reserved and kind is not ProvisionKind.RECOMMENDED_PRACTICE:
        raise ValueError(
            f"a {kind.value.replace('_', ' ')} cannot be reserved: Art. 12 allows reservations "
            "only to Recommended Practices"
        )
    if extension_months < 0:
        raise ValueError(f"an extension cannot be negative ({extension_months} months)")
    if extension_months > rules.extension_max_months:
        raise ValueError(
            f"an extension of {_months(extension_months)} is not allowed: Art. 13(4)(b) allows "
            "at most "
            f"{_months(rules.extension_max_months)}"
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
        f"Art. 13: {_KIND_LABELS[kind]} must be implemented within {_months(months)} of entry "
        f"into force for the party: {start.describe_plus(months)}."
    ]
    total = months + extension_months
    if extension_months:
        steps.append(
            f"The Management Committee granted an extension of {_months(extension_months)} "
            f"(Art. 13(4)(b) allows at most {_months(rules.extension_max_months)}); the period "
            "becomes "
            f"{_months(total)} from the same start: {start.describe_plus(total)}."
        )
    span = start.plus_months(total)
    note = _precision_note("date of entry into force", start, span)
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
    _require_int(months, "months")
    _require_int(already_months, "already_months")
    if already_months + months > rules.extension_max_months:
        return (
            f"Art. 13(4)(b) allows at most {_months(rules.extension_max_months)} in all for a "
            f"provision; it already has {_months(already_months)}, and {_months(months)} more "
            f"would make {_months(already_months + months)}."
        )
    if in_force_for_party is None:
        return None
    start = _to_span(in_force_for_party, "in_force_for_party")
    transitional = kind == ProvisionKind.TRANSITIONAL_STANDARD
    period = (
        rules.transitional_implementation_months if transitional else rules.implementation_months
    )
    end = start.plus_months(period)
    if requested.earliest() > end.latest:
        which = "Transitional Standards" if transitional else "Standards"
        return (
            f"Art. 13(4)(a): an extension must be requested before the period for {which} "
            f"ends ({_months(period)} after entry into force for the party: {end}); the "
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
    _require_date(until, "until")
    cycle = rules.reservation_review_months
    origin = rules.reservation_review_from
    steps = [
        "Art. 12: reservations to Recommended Practices are re-examined every "
        f"{_months(cycle)}, in cycles counted "
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
        f"Art. 17(3): a denunciation of {what} takes effect {_months(rules.denunciation_months)} "
        f"after the depositary receives the notice; notice {notice}: "
        f"{notice.span().describe_plus(rules.denunciation_months)}."
    ]
    note = _precision_note("notice date", notice, span)
    if note:
        steps.append(note)
    return DateResult(span, tuple(steps))


# --------------------------------------------------------------------------------------
# Arts. 15 and 16: amendments


class Procedure(enum.StrEnum):
    """How a change to the text is accepted (DOMAIN.md section 4)."""

    #: Art. 15: the Body (articles).
    BODY = "body"
    #: Art. 16: the General Annex, Specific Annex Standards, definitions, new chapters.
    ANNEX = "annex"
    #: Arts. 6(4)(b) and 16: Recommended Practices amended or added by decision of the
    #: Committee (no acceptance step; not Art. 15, which is the Body's own procedure).
    RECOMMENDED_PRACTICE = "recommended_practice"
    #: Guidelines: adopted by the Management Committee, in force on adoption.
    GUIDELINES = "guidelines"


class ResponseKind(enum.StrEnum):
    ACCEPTANCE = "acceptance"
    OBJECTION = "objection"
    CONDITIONS_NOT_MET = "conditions_not_met"
    RESERVATION = "reservation"


class Status(enum.StrEnum):
    PENDING = "pending"
    DEEMED_ACCEPTED = "deemed_accepted"
    IN_FORCE = "in_force"
    FAILED = "failed"


@dataclass(frozen=True)
class Response:
    """A party's notification about a communicated recommendation."""

    party: str
    kind: ResponseKind
    on: date

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", _coerce_enum(ResponseKind, self.kind, "response kind"))
        _require_date(self.on, f"date of the response of {self.party}")


@dataclass(frozen=True)
class Outcome:
    """Where a recommendation stands on ``as_of``, and why.

    While ``PENDING``, ``deemed_accepted_on`` and ``in_force_on`` are the dates that apply
    if nothing further happens (None when they cannot be known yet, e.g. a Body
    amendment still awaiting acceptances). ``objections_until`` is the last day an
    objection still counts (None when no window is open or objections cannot stop it);
    ``awaiting`` names the parties whose step is still outstanding.
    """

    procedure: Procedure
    status: Status
    explanation: tuple[str, ...]
    deemed_accepted_on: date | None = None
    in_force_on: date | None = None
    failed_because: str | None = None
    objections_until: date | None = None
    awaiting: tuple[str, ...] = ()
    reservations: tuple[Response, ...] = ()


def _status(as_of: date, accepted_on: date | None, in_force_on: date | None) -> Status:
    if in_force_on is not None and as_of >= in_force_on:
        return Status.IN_FORCE
    if accepted_on is not None and as_of >= accepted_on:
        return Status.DEEMED_ACCEPTED
    return Status.PENDING


def evaluate_recommendation(
    procedure: Procedure | str,
    communicated_on: date,
    responses: Iterable[Response],
    as_of: date,
    *,
    parties_present: Collection[str] = (),
    set_in_force_on: date | None = None,
    set_in_force_months: int | None = None,
    bound_parties: Collection[str] | None = None,
    rules: Rules = DEFAULT_RULES,
) -> Outcome:
    """Evaluate a recommended change on ``as_of`` under its procedure (arts. 6, 15 and 16).

    ``communicated_on``: the day the depositary communicated the recommendation (for
    Guidelines: the day they were adopted). ``responses`` dated after ``as_of`` are left
    out (they had not happened yet); a response dated before communication is an error.

    * BODY (art. 15): needs acceptance from every party in ``parties_present`` (present at
      the recommending session) and no objection within ``body_objection_months`` of
      communication. Reading: it enters into force ``body_in_force_months`` after the
      acceptance that completes the set; ``deemed_accepted_on`` is the day it became
      accepted (that acceptance, or the close of the objection window if later).
    * ANNEX (art. 16): deemed accepted ``deemed_acceptance_months`` after communication
      unless a party objects by then; a party that notified CONDITIONS_NOT_MET by then may
      still object for ``conditions_extension_months`` after that period (reading:
      counted from the day the six months expire), until it accepts. Deemed acceptance
      then waits for the earlier of: all such parties accepting, or that window closing.
      In force ``annex_in_force_months`` after deemed acceptance, or
      ``set_in_force_months`` after it when the recommendation set its own period (so a
      conditions-not-met notice that delays acceptance delays entry into force with it),
      or on ``set_in_force_on`` when it set a date (never before deemed acceptance). Any
      objection in time makes it of no effect for everyone; late objections are ignored.
      ``bound_parties``: for a Specific Annex chapter, the parties bound by it; under
      ``rules.chapter_amendment_parties == "bound"`` others' objections and notices are
      shown and do not count; under ``"all"`` they count like anyone's.
    * RECOMMENDED_PRACTICE (arts. 6(4)(b) and 16): in force ``rp_decision_months`` after
      communication;
      objections do not stop it; RESERVATION responses are collected in ``reservations``.
    * GUIDELINES: in force on adoption (``communicated_on``).

    An objection from a party that has already notified its acceptance is ignored
    (reading: acceptance, once notified, ends that party's right to object).
    """
    procedure = _coerce_enum(Procedure, procedure, "procedure")
    _require_date(communicated_on, "communicated_on")
    _require_date(as_of, "as_of")
    if set_in_force_on is not None and set_in_force_months is not None:
        raise ValueError("a recommendation sets a date or a period of entry into force, not both")
    if (
        set_in_force_months is not None
        and _require_int(set_in_force_months, "set_in_force_months") < 0
    ):
        raise ValueError("set_in_force_months cannot be negative")
    for given, name in ((set_in_force_on, "set_in_force_on"), (set_in_force_months, "months")):
        if given is None:
            continue
        if name == "set_in_force_on":
            _require_date(given, name)
        if procedure is not Procedure.ANNEX:
            raise ValueError(
                "a date or period of entry into force applies only to annex amendments "
                "(Art. 16): a recommendation may set one for those alone"
            )
    collected = list(responses)
    for response in collected:
        if not isinstance(response, Response):
            raise TypeError(f"responses must be Response objects, not {type(response).__name__}")
        if response.on < communicated_on:
            raise ValueError(
                f"the {response.kind.value.replace('_', ' ')} of {response.party} is dated "
                f"{response.on}, before the recommendation was communicated on {communicated_on}"
            )
    considered = sorted((r for r in collected if r.on <= as_of), key=lambda r: r.on)
    later = len(collected) - len(considered)
    preamble = []
    if later:
        preamble.append(
            f"{later} response(s) dated after {as_of} are not taken into account as of that day."
        )
    if procedure is Procedure.BODY:
        return _evaluate_body(communicated_on, considered, as_of, parties_present, preamble, rules)
    if procedure is Procedure.ANNEX:
        return _evaluate_annex(
            communicated_on,
            considered,
            as_of,
            (set_in_force_on, set_in_force_months),
            bound_parties,
            preamble,
            rules,
        )
    if procedure is Procedure.RECOMMENDED_PRACTICE:
        return _evaluate_rp(communicated_on, considered, as_of, bound_parties, preamble, rules)
    return _evaluate_guidelines(communicated_on, considered, as_of, preamble)


def _evaluate_body(
    communicated_on: date,
    responses: list[Response],
    as_of: date,
    parties_present: Collection[str],
    preamble: list[str],
    rules: Rules,
) -> Outcome:
    present = tuple(dict.fromkeys(parties_present))
    if not present:
        raise ValueError(
            "a Body amendment (Art. 15) needs parties_present: the parties present at the "
            "session that recommended it"
        )
    window_end = add_months(communicated_on, rules.body_objection_months)
    steps = [
        f"Art. 15: a Body amendment needs the acceptance of every party present at the "
        f"recommending session ({_names(present)}) and no objection within "
        f"{_months(rules.body_objection_months)} of communication: "
        f"{_describe_add(communicated_on, rules.body_objection_months, window_end)}.",
        *preamble,
    ]
    accepted: dict[str, date] = {}
    for response in responses:
        who, on, kind = response.party, response.on, response.kind
        if kind is ResponseKind.ACCEPTANCE:
            if who in accepted:
                continue
            accepted[who] = on
            needed = "" if who in present else " (it was not present at the session; not needed)"
            steps.append(f"{who} deposited its acceptance on {on}{needed}.")
        elif kind is ResponseKind.OBJECTION:
            if who in accepted:
                steps.append(
                    f"The objection of {who} on {on} is ignored: it had already accepted on "
                    f"{accepted[who]}."
                )
            elif on <= window_end:
                reason = (
                    f"objection by {who} on {on}, within the objection period ending {window_end}"
                )
                steps.append(
                    f"{who} objected on {on}, within the period: the amendment is deemed not "
                    "accepted and is of no effect (Art. 15)."
                )
                return Outcome(Procedure.BODY, Status.FAILED, tuple(steps), failed_because=reason)
            else:
                steps.append(
                    f"The objection of {who} on {on} is ignored: the period for objections "
                    f"ended on {window_end}."
                )
        else:
            steps.append(
                f"The {kind.value.replace('_', ' ')} notified by {who} on {on} has no effect "
                "under Art. 15."
            )
    missing = tuple(p for p in present if p not in accepted)
    objections_until = window_end if as_of < window_end else None
    if missing:
        steps.append(
            f"As of {as_of}, acceptance is still awaited from {_names(missing)}; the "
            "amendment cannot enter into force until every party present has accepted."
        )
        if objections_until:
            steps.append(f"Objections still count until {window_end}.")
        return Outcome(
            Procedure.BODY,
            Status.PENDING,
            tuple(steps),
            objections_until=objections_until,
            awaiting=missing,
        )
    last = max(accepted[p] for p in present)
    accepted_on = max(last, window_end)
    in_force_on = add_months(last, rules.body_in_force_months)
    steps.append(
        f"Every party present has accepted, the last on {last}. Reading of Art. 15: it enters "
        f"into force {_months(rules.body_in_force_months)} after the acceptance that completes "
        f"the set: {_describe_add(last, rules.body_in_force_months, in_force_on)}."
    )
    status = _status(as_of, accepted_on, in_force_on)
    if status is Status.PENDING:
        steps.append(
            f"As of {as_of} objections still count until {window_end}; if none is lodged it "
            f"is accepted on {accepted_on} and enters into force on {in_force_on}."
        )
    else:
        steps.append(f"No objection was lodged by {window_end}: accepted on {accepted_on}.")
    return Outcome(
        Procedure.BODY,
        status,
        tuple(steps),
        deemed_accepted_on=accepted_on,
        in_force_on=in_force_on,
        objections_until=objections_until,
    )


def _evaluate_annex(
    communicated_on: date,
    responses: list[Response],
    as_of: date,
    set_in_force: tuple[date | None, int | None],
    bound_parties: Collection[str] | None,
    preamble: list[str],
    rules: Rules,
) -> Outcome:
    set_in_force_on, set_in_force_months = set_in_force
    six = rules.deemed_acceptance_months
    window_end = add_months(communicated_on, six)
    extended_end = add_months(window_end, rules.conditions_extension_months)
    steps = [
        f"Art. 16: an amendment to the General Annex, or to Specific Annex Standards, "
        f"definitions or chapters, is deemed accepted {_months(six)} after communication "
        f"unless a party objects by then: {_describe_add(communicated_on, six, window_end)}.",
        *preamble,
    ]
    bound = None
    if bound_parties is not None:
        if rules.chapter_amendment_parties == "bound":
            bound = frozenset(bound_parties)
            steps.append(
                "Art. 16, read with Art. 7(2)(b): on a Specific Annex chapter, only the parties "
                f"bound by it may object or notify that their conditions are not met "
                f"({_names(sorted(bound)) or 'none is bound yet'})."
            )
        else:
            steps.append(
                "Art. 16 (reading in use): on a Specific Annex chapter, every Contracting Party "
                "may object or notify that its conditions are not met, bound by it or not."
            )
    accepted: dict[str, date] = {}
    conditions: dict[str, date] = {}
    reservations: list[Response] = []
    for response in responses:
        who, on, kind = response.party, response.on, response.kind
        if kind is ResponseKind.RESERVATION:
            reservations.append(response)
            steps.append(
                f"{who} entered a reservation on {on}: noted; it does not affect acceptance "
                "(Art. 12 allows reservations only to Recommended Practices)."
            )
            continue
        if kind is ResponseKind.ACCEPTANCE:
            if who not in accepted:
                accepted[who] = on
                if who in conditions:
                    steps.append(
                        f"{who}, which had notified that its conditions were not yet met, "
                        f"notified its acceptance on {on}."
                    )
                else:
                    steps.append(f"{who} notified its acceptance on {on}.")
            continue
        if bound is not None and who not in bound:
            steps.append(
                f"The {kind.value.replace('_', ' ')} of {who} on {on} is recorded but does not "
                f"count: {who} is not bound by the chapter (Art. 16, read with Art. 7(2)(b): "
                "only parties bound by a Specific Annex chapter act on its amendments)."
            )
            continue
        if kind is ResponseKind.CONDITIONS_NOT_MET:
            if who in accepted:
                steps.append(
                    f"The conditions-not-met notice of {who} on {on} is ignored: it had "
                    f"already accepted on {accepted[who]}."
                )
            elif on > window_end:
                steps.append(
                    f"The conditions-not-met notice of {who} on {on} is ignored: it came after "
                    f"the {_months(rules.deemed_acceptance_months)} ending {window_end}, so it "
                    "gives no extra time."
                )
            elif who not in conditions:
                conditions[who] = on
                steps.append(
                    f"{who} notified on {on} that it intends to accept but its conditions are "
                    f"not yet met (Art. 16): it may still object until {extended_end} "
                    f"({_describe_add(window_end, rules.conditions_extension_months, extended_end)}"
                    "), unless it accepts first."
                )
            continue
        # An objection.
        if who in accepted:
            steps.append(
                f"The objection of {who} on {on} is ignored: it had already accepted on "
                f"{accepted[who]}."
            )
            continue
        if on <= window_end:
            reason = (
                f"objection by {who} on {on}, within the "
                f"{_months(rules.deemed_acceptance_months)} ending {window_end}"
            )
        elif who in conditions and on <= extended_end:
            reason = (
                f"objection by {who} on {on}, within the extra period ending {extended_end} "
                f"opened by its conditions-not-met notice of {conditions[who]}"
            )
        else:
            limit = extended_end if who in conditions else window_end
            steps.append(
                f"The objection of {who} on {on} is ignored: it came after the period for "
                f"its objections ended on {limit}."
            )
            continue
        steps.append(
            f"{who} objected on {on}, in time: the amendment is of no effect for every party "
            "(Art. 16)."
        )
        return Outcome(
            Procedure.ANNEX,
            Status.FAILED,
            tuple(steps),
            failed_because=reason,
            reservations=tuple(reservations),
        )

    waiting = tuple(p for p in conditions if p not in accepted)
    if not conditions:
        accepted_on = window_end
        why = f"no objection by {window_end}"
    elif waiting:
        accepted_on = extended_end
        why = f"the extra period of {_names(waiting)} ended on {extended_end} without an objection"
    else:
        last = max(accepted[p] for p in conditions)
        accepted_on = min(max(window_end, last), extended_end)
        if last > extended_end:
            why = f"the extra period ended on {extended_end} without an objection"
        else:
            why = (
                f"every party that notified conditions not met has accepted (the last on "
                f"{last}) and no objection came by {window_end}"
            )
    if waiting and as_of < extended_end:
        objections_until: date | None = extended_end
    elif as_of < window_end:
        objections_until = window_end
    else:
        objections_until = None
    if set_in_force_on is None:
        period = rules.annex_in_force_months if set_in_force_months is None else set_in_force_months
        in_force_on = add_months(accepted_on, period)
        whose = (
            "(Art. 16)"
            if set_in_force_months is None
            else "(the period the recommendation set, Art. 16)"
        )
        in_force_step = (
            f"It enters into force {_months(period)} after deemed acceptance {whose}: "
            f"{_describe_add(accepted_on, period, in_force_on)}."
        )
    elif set_in_force_on >= accepted_on:
        in_force_on = set_in_force_on
        in_force_step = f"The recommendation set its entry into force on {set_in_force_on}."
    else:
        in_force_on = accepted_on
        in_force_step = (
            f"The recommendation set its entry into force on {set_in_force_on}, but it cannot "
            f"be in force before it is accepted: in force on {accepted_on}."
        )
    status = _status(as_of, accepted_on, in_force_on)
    if status is Status.PENDING:
        pending = f"As of {as_of} it is pending"
        if as_of < window_end:
            pending += f": any party may still object until {window_end}"
        if waiting:
            pending += f"; {_names(waiting)} may object until {extended_end} unless it accepts"

        steps.append(
            f"{pending}. If nothing further happens it is deemed accepted on {accepted_on} "
            "(Art. 16)."
        )
    else:
        steps.append(f"Deemed accepted on {accepted_on}: {why} (Art. 16).")
    steps.append(in_force_step)
    return Outcome(
        Procedure.ANNEX,
        status,
        tuple(steps),
        deemed_accepted_on=accepted_on,
        in_force_on=in_force_on,
        objections_until=objections_until,
        awaiting=waiting if as_of < extended_end else (),
        reservations=tuple(reservations),
    )


def _evaluate_rp(
    communicated_on: date,
    responses: list[Response],
    as_of: date,
    bound_parties: Collection[str] | None,
    preamble: list[str],
    rules: Rules,
) -> Outcome:
    in_force_on = add_months(communicated_on, rules.rp_decision_months)
    steps = [
        f"Arts. 6(4)(b) and 16: a Recommended Practice decided by the Management Committee "
        f"enters into force "
        f"{_months(rules.rp_decision_months)} after communication, with no acceptance step: "
        f"{_describe_add(communicated_on, rules.rp_decision_months, in_force_on)}.",
        *preamble,
    ]
    bound = None if bound_parties is None else frozenset(bound_parties)
    reservations: list[Response] = []
    for response in responses:
        who, on, kind = response.party, response.on, response.kind
        if kind is ResponseKind.RESERVATION:
            if bound is not None and who not in bound:
                steps.append(
                    f"The reservation of {who} on {on} has no object: {who} is not bound by the "
                    "chapter."
                )
                continue
            reservations.append(response)
            steps.append(
                f"{who} entered a reservation on {on} (Art. 12): the Recommended Practice does "
                f"not bind {who} while the reservation stands."
            )
        elif kind is ResponseKind.OBJECTION:
            steps.append(
                f"The objection of {who} on {on} does not stop the decision (Arts. 6(4)(b) and "
                "16: there is no acceptance step, hence no veto); a party "
                "bound by the chapter may enter a reservation instead."
            )
        else:
            steps.append(
                f"The {kind.value.replace('_', ' ')} of {who} on {on} has no effect: a "
                "Recommended Practice decision needs no acceptance."
            )
    status = Status.IN_FORCE if as_of >= in_force_on else Status.PENDING
    if status is Status.PENDING:
        steps.append(f"As of {as_of} it is not yet in force.")
    return Outcome(
        Procedure.RECOMMENDED_PRACTICE,
        status,
        tuple(steps),
        in_force_on=in_force_on,
        reservations=tuple(reservations),
    )


def _evaluate_guidelines(
    adopted_on: date, responses: list[Response], as_of: date, preamble: list[str]
) -> Outcome:
    steps = [
        f"Guidelines are not binding; the Management Committee adopts them and they apply from "
        f"adoption: {adopted_on}.",
        *preamble,
    ]
    steps.extend(
        f"The {r.kind.value.replace('_', ' ')} of {r.party} on {r.on} has no effect on Guidelines."
        for r in responses
    )
    status = Status.IN_FORCE if as_of >= adopted_on else Status.PENDING
    if status is Status.PENDING:
        steps.append(f"As of {as_of} they have not been adopted yet.")
    return Outcome(Procedure.GUIDELINES, status, tuple(steps), in_force_on=adopted_on)
