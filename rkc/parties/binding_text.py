"""What binds a party on a day: the text of the edition in force, limited to the chapters the
party accepted, each provision annotated with its deadline and the party's reservation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rkc.convention import queries as texts
from rkc.convention.models import Edition
from rkc.parties.chapters import (
    DEADLINE_KINDS,
    SPECIFIC_ANNEX_PREFIX,
    Chapter,
    chapters_of,
    edition_on,
)
from rkc.parties.deadlines import (
    Deadline,
    ProvisionKind,
    implementation_deadline,
)
from rkc.parties.models import Party
from rkc.parties.periods import (
    DateRange,
    Rules,
)
from rkc.parties.standings import (
    Bound,
    ChapterStanding,
    ReservationStanding,
    Standing,
    load_register,
)

# --------------------------------------------------------------------------- binding text


@dataclass
class Annotation:
    """What a party's record adds to one provision of its binding text."""

    reservation: ReservationStanding | None = None
    reservation_state: Bound = Bound.NO
    deadline: Deadline | None = None
    deadline_passed: bool = False
    extension_months: int = 0


@dataclass
class BindingText:
    """The text that binds ``party`` on ``day`` (DOMAIN.md section 3)."""

    party: Party
    day: date
    edition: Edition
    standing: Standing
    state: Bound
    items: list[texts.Item]
    annotations: dict[str, Annotation]
    chapters_in: list[tuple[ChapterStanding, Bound]]
    chapters_pending: list[ChapterStanding]
    chapters_ended: list[ChapterStanding]
    chapters_not_accepted: list[Chapter]
    reservations_shown: int = 0

    @property
    def is_bound(self) -> bool:
        return self.state is not Bound.NO


def binding_text(party: Party, day: date) -> BindingText | None:
    """The in-force edition on ``day`` restricted to what binds ``party``; None when no
    edition of the Convention was in force on that day."""
    edition = edition_on(day)
    if edition is None:
        return None
    register = load_register(day, [party.id])
    standing_ = register.standings[0]
    state = standing_.bound_on(day)
    chapters = chapters_of(edition)
    chapters_in: list[tuple[ChapterStanding, Bound]] = []
    pending: list[ChapterStanding] = []
    ended: list[ChapterStanding] = []
    for accepted in standing_.chapters:
        bound = accepted.bound_on(day) if state is not Bound.NO else Bound.NO
        if bound is not Bound.NO:
            chapters_in.append((accepted, bound))
        elif accepted.ends is not None and day >= accepted.ends.latest:
            ended.append(accepted)
        elif accepted.acceptance.event_on and accepted.acceptance.event_on.earliest() <= day:
            pending.append(accepted)
    known = {c.chapter.key for c in (*pending, *ended)} | {c.chapter.key for c, _ in chapters_in}
    not_accepted = [c for c in chapters if c.key not in known]
    result = BindingText(
        party, day, edition, standing_, state, [], {}, chapters_in, pending, ended, not_accepted
    )
    if state is Bound.NO:
        return result

    membership = standing_.membership
    assert membership is not None
    by_key = {accepted.chapter.key: accepted for accepted, _ in chapters_in}
    included = set(by_key)
    items = texts.contents(edition)
    kept: list[texts.Item] = []
    chapter_range: tuple[int, int] | None = None
    chapter_start: DateRange | None = None
    annex: texts.Item | None = None
    in_scope = False
    for item in items:
        if item.depth == 0:
            in_scope = not item.key.startswith(SPECIFIC_ANNEX_PREFIX)
            annex = None if in_scope else item
            chapter_range = None
            chapter_start = membership.in_force_span if in_scope else None
            if in_scope:
                kept.append(item)
            continue
        if not in_scope:
            if item.kind == "chapter" and item.depth == 1 and item.key in included:
                if annex is not None:
                    kept.append(annex)
                    annex = None
                chapter_range = (item.ordinal, item.end_ordinal)
                in_force = by_key[item.key].in_force
                chapter_start = in_force.span if in_force else None
            elif item.depth == 1:
                chapter_range = None
            if chapter_range is None or not chapter_range[0] <= item.ordinal <= chapter_range[1]:
                continue
        kept.append(item)
        if item.kind in DEADLINE_KINDS and chapter_start is not None:
            result.annotations[item.key] = _annotate(
                standing_, item, chapter_start, day, register.rules
            )
    result.items = kept
    result.reservations_shown = sum(
        1 for a in result.annotations.values() if a.reservation is not None
    )
    return result


def _annotate(
    standing_: Standing, item: texts.Item, start: DateRange, day: date, rules_in_use: Rules
) -> Annotation:
    reservation, state = (
        standing_.reservation_on(item.key, day)
        if item.kind == ProvisionKind.RECOMMENDED_PRACTICE
        else (None, Bound.NO)
    )
    months = standing_.extension_months(item.key, day)
    reserved = state is Bound.YES
    deadline = implementation_deadline(
        item.kind,
        start,
        reserved=reserved,
        extension_months=0 if reserved else min(months, rules_in_use.extension_max_months),
        rules=rules_in_use,
    )
    passed = deadline.span is not None and deadline.span.latest < day
    return Annotation(reservation, state, deadline, passed, months)
