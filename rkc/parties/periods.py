"""The Convention's periods: dates known to a precision, calendar months, and the rules as data.

The foundation of the date rules: the parties' dates (`rkc.parties.entry_into_force`,
`rkc.parties.deadlines`) and the amendment procedure (`rkc.procedure.law`) compute with what is
here. Everything is computed from the Revised Kyoto Convention's own periods held as data in
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

Two habits run through the date rules:

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
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

RKC_ENTRY_INTO_FORCE = date(2006, 2, 3)


# --------------------------------------------------------------------------------------
# Small checks


def require_date(value: object, name: str) -> date:
    """Return ``value`` if it is a calendar date (not a datetime), else raise TypeError."""
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name} must be a datetime.date, not {type(value).__name__}")
    return value


def require_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number, not {type(value).__name__}")
    return value


def n_months(n: int) -> str:
    return "1 month" if n == 1 else f"{n} months"


# --------------------------------------------------------------------------------------
# Dates: exact, partial, ranges


def add_months(d: date, n: int) -> date:
    """Return ``d`` moved by ``n`` calendar months (``n`` may be negative).

    When the target month is shorter, the day is clamped to its last day:
    2023-01-31 + 1 month = 2023-02-28; 2024-01-31 + 1 month = 2024-02-29.
    """
    require_date(d, "d")
    require_int(n, "n")
    index = d.year * 12 + (d.month - 1) + n
    year, month0 = divmod(index, 12)
    if not date.min.year <= year <= date.max.year:
        raise ValueError(f"{d} + {n_months(n)} falls outside the supported calendar")
    month = month0 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def describe_add(start: date, n: int, result: date) -> str:
    """``"2023-08-31 + 6 months = 2024-02-29 (...)"`` with a note when the day was clamped."""
    text = f"{start} + {n_months(n)} = {result}"
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
        require_date(self.earliest, "earliest")
        require_date(self.latest, "latest")
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
            return describe_add(self.earliest, n, result.earliest)
        before = f"[{self.earliest} .. {self.latest}]"
        return f"{before} + {n_months(n)} = [{result.earliest} .. {result.latest}]"

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
        require_int(self.year, "year")
        if self.month is not None:
            require_int(self.month, "month")
        if self.day is not None:
            require_int(self.day, "day")
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
        require_date(d, "date")
        return cls(d.year, d.month, d.day)

    @classmethod
    def coerce(cls, value: PartialDate | date | str, name: str = "date") -> PartialDate:
        """Accept a PartialDate, a date or ISO text (at any of the three precisions)."""
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, str):
            return cls.parse(value)
        return cls.from_date(require_date(value, name))

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


def to_span(value: DateLike, name: str) -> DateRange:
    """Any accepted date shape as the range of days it could be."""
    if isinstance(value, DateRange):
        return value
    if isinstance(value, DateResult):
        return value.span
    return PartialDate.coerce(value, name).span()


def precision_note(label: str, given: PartialDate | DateRange, result: DateRange) -> str | None:
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


EnumT = TypeVar("EnumT", bound=enum.Enum)


def coerce_enum(cls: type[EnumT], value: object, what: str) -> EnumT:
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
        require_date(self.convention_in_force_on, "convention_in_force_on")
        require_date(self.reservation_review_from, "reservation_review_from")
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
            if require_int(getattr(self, name), name) < 0:
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
