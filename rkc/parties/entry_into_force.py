"""When the Convention, and each Specific Annex or chapter, enters into force for a party (Art. 18).

Pure functions over the periods of `rkc.parties.periods` (its docstring says the habits: no
invented day, calendar months); nothing reads a clock, a database or a request.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from rkc.parties.periods import (
    DEFAULT_RULES,
    DateLike,
    DateRange,
    DateResult,
    PartialDate,
    Rules,
    n_months,
    precision_note,
    require_date,
    to_span,
)

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
        f"Art. 18: the Convention enters into force for a party {n_months(rules.accession_months)}"
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
    note = precision_note("deposit date", deposited, computed)
    if note:
        steps.append(note)
    if recorded is None:
        return DateResult(computed, tuple(steps))

    require_date(recorded, "recorded")
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
        note = precision_note(f"recorded {what}", given, recorded_span)
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
        None if in_force is None else to_span(in_force, f"in force date of {party}"),
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
        f"Art. 18: a Specific Annex or chapter first enters into force {n_months(months)} after "
        f"{needed} parties have accepted it; for each later acceptor {n_months(months)} after "
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
    note = precision_note("date of the deciding acceptance", decisive, first_span)
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
        note = precision_note("notification date", item.notified_on, bounded)
        if note:
            party_steps.append(note)
        result = DateResult(bounded, tuple(party_steps))
        entries.append(ChapterPartyEntry(item.party, item.notified_on, result, result.explanation))
    return ChapterEntryIntoForce(len(items), needed, first, tuple(entries), first.explanation)


# --------------------------------------------------------------------------------------
