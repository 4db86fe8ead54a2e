"""Each Contracting Party's standing on a day, computed from its recorded events.

Nothing here is stored: entry into force, denunciation effects, review and implementation
dates all come from the date rules (`rkc.parties.entry_into_force`, `rkc.parties.deadlines`,
with the periods of `rkc.parties.periods`) applied to the recorded events when they are read
(a party's whole record is a few dozen rows). This module picks the inputs and says, for a
day, whether something applies ("yes"), cannot apply ("no") or may apply because a date is
known only as a range ("maybe"). `load_register` loads every party's record once for the
pages that read many parties (the matrix, the charts, the binding text, the reminders).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from rkc.clock import today
from rkc.convention.models import Edition
from rkc.extensions import db
from rkc.parties.chapters import (
    Chapter,
    Provision,
    chapters_of,
    label_from_key,
    provisions_of,
    reference_edition,
)
from rkc.parties.deadlines import (
    ReviewSchedule,
    denunciation_effective,
    implementation_deadline,
    reservation_review_dates,
)
from rkc.parties.entry_into_force import (
    ChapterAcceptance,
    ChapterEntryIntoForce,
    apply_recorded,
    chapter_entry_into_force,
    party_entry_into_force,
    unknown_entry_into_force,
)
from rkc.parties.models import EventKind, Party, PartyEvent, Reservation
from rkc.parties.periods import (
    DEFAULT_RULES,
    RKC_ENTRY_INTO_FORCE,
    DateRange,
    DateResult,
    PartialDate,
    Rules,
)

# --------------------------------------------------------------------------- the rules


def rules() -> Rules:
    """The date rules in use: DEFAULT_RULES, changed by the PARTY_RULES setting if any.

    ``PARTY_RULES`` is a mapping of :class:`rkc.parties.periods.Rules` fields, e.g.
    ``{"chapter_acceptances_needed": 5, "chapter_months": 3}`` (the chapter's first entry
    into force, art. 18); dates as ISO text. Outside an application, the defaults.
    """
    from flask import current_app, has_app_context

    overrides = current_app.config.get("PARTY_RULES") if has_app_context() else None
    return rules_from(overrides or {})


def rules_from(overrides: Mapping[str, Any]) -> Rules:
    """DEFAULT_RULES with ``overrides`` applied; ValueError names an unknown field."""
    if not overrides:
        return DEFAULT_RULES
    names = {f.name: f for f in dataclasses.fields(Rules)}
    values: dict[str, Any] = {}
    for name, value in overrides.items():
        if name not in names:
            raise ValueError(f"PARTY_RULES: {name!r} is not a rule; known: {', '.join(names)}")
        default = getattr(DEFAULT_RULES, name)
        values[name] = date.fromisoformat(value) if isinstance(default, date) else value
    return dataclasses.replace(DEFAULT_RULES, **values)


# --------------------------------------------------------------------------- tri-state days


class Bound(enum.StrEnum):
    """Whether something applies on a day, given dates that may be ranges."""

    YES = "yes"
    MAYBE = "maybe"
    NO = "no"


def bound_between(start: DateRange | None, end: DateRange | None, day: date) -> Bound:
    """In force from ``start`` (inclusive) until ``end`` (exclusive: the day it stops)."""
    if start is None or day < start.earliest:
        return Bound.NO
    if end is not None and day >= end.latest:
        return Bound.NO
    if day >= start.latest and (end is None or day < end.earliest):
        return Bound.YES
    return Bound.MAYBE


# --------------------------------------------------------------------------- standings


@dataclass
class Membership:
    """A party's consent to be bound: its instrument and what follows from it.

    ``entry_into_force`` is None when neither a deposit date nor an entry into force is
    recorded ("date not recorded"); ``undated_explanation`` then says why. Such a party is
    possibly bound on any day from the Convention's own entry into force (``Bound.MAYBE``),
    with no upper bound that would move with the day of the record.
    """

    instrument: PartyEvent
    entry_into_force: DateResult | None
    denunciation: PartyEvent | None = None
    ends: DateResult | None = None
    floor: date = RKC_ENTRY_INTO_FORCE
    undated_explanation: tuple[str, ...] = ()

    def bound_on(self, day: date) -> Bound:
        end = self.ends.span if self.ends else None
        if self.entry_into_force is None:
            state = bound_between(DateRange(self.floor, date.max), end, day)
            return Bound.MAYBE if state is Bound.YES else state
        return bound_between(self.entry_into_force.span, end, day)

    @property
    def in_force_span(self) -> DateRange | None:
        return None if self.entry_into_force is None else self.entry_into_force.span

    @property
    def is_dated(self) -> bool:
        """Whether a deposit date or a recorded entry into force is known."""
        return self.entry_into_force is not None


@dataclass
class ChapterStanding:
    """A party's acceptance of one chapter and when the chapter is in force for it."""

    chapter: Chapter
    acceptance: PartyEvent
    in_force: DateResult | None
    explanation: tuple[str, ...]
    denunciation: PartyEvent | None = None
    ends: DateResult | None = None
    #: The party's own date is not recorded: the chapter may apply, never certainly.
    undated_party: bool = False

    def bound_on(self, day: date) -> Bound:
        state = bound_between(
            self.in_force.span if self.in_force else None,
            self.ends.span if self.ends else None,
            day,
        )
        return Bound.MAYBE if state is Bound.YES and self.undated_party else state

    @property
    def is_current(self) -> bool:
        """Accepted and not denounced."""
        return self.denunciation is None


@dataclass
class ReservationStanding:
    reservation: Reservation
    provision: Provision | None
    reviews: ReviewSchedule

    @property
    def key(self) -> str:
        return self.reservation.node.key

    def active_on(self, day: date) -> Bound:
        withdrawn = self.reservation.withdrawn_on
        return bound_between(
            self.reservation.entered_on.span(), withdrawn.span() if withdrawn else None, day
        )

    @property
    def is_current(self) -> bool:
        return self.reservation.withdrawn_on is None


@dataclass
class Standing:
    """Everything recorded about one party, and what follows from it."""

    party: Party
    membership: Membership | None
    chapters: list[ChapterStanding] = field(default_factory=list)
    reservations: list[ReservationStanding] = field(default_factory=list)
    extensions: list[PartyEvent] = field(default_factory=list)
    events: list[PartyEvent] = field(default_factory=list)

    @property
    def is_party(self) -> bool:
        """An instrument is recorded (and no denunciation has taken effect for certain)."""
        return self.membership is not None and (
            self.membership.ends is None or self.membership.ends.latest > today()
        )

    def bound_on(self, day: date) -> Bound:
        return self.membership.bound_on(day) if self.membership else Bound.NO

    def chapter(self, key: str) -> ChapterStanding | None:
        return next((c for c in self.chapters if c.chapter.key == key), None)

    @property
    def current_chapters(self) -> list[ChapterStanding]:
        return [c for c in self.chapters if c.is_current]

    @property
    def chapters_record(self) -> str:
        """What is known of its Specific Annex chapters, in one word or list.

        ``"none"``: a source says it accepted none; ``"unknown"``: nothing is known; else the
        chapters accepted (``"A1;A2"``), followed by ``"; others unknown"`` when the record
        is not known to be complete.
        """
        labels = ";".join(c.chapter.label for c in self.current_chapters)
        if self.party.chapters_known:
            return labels or "none"
        return f"{labels}; others unknown" if labels else "unknown"

    def reservation_on(self, key: str, day: date) -> tuple[ReservationStanding | None, Bound]:
        """The reservation to provision ``key`` that applies on ``day`` (the strongest)."""
        best: tuple[ReservationStanding | None, Bound] = (None, Bound.NO)
        for standing in self.reservations:
            if standing.key != key:
                continue
            state = standing.active_on(day)
            if state is Bound.YES:
                return standing, state
            if state is Bound.MAYBE:
                best = (standing, state)
        return best

    def extension_months(self, key: str, day: date | None = None) -> int:
        """Months granted for provision ``key`` (or a chapter or annex holding it)."""
        total = 0
        for event in self.extensions:
            target = event.node.key if event.node else ""
            if key != target and not key.startswith(target + "/"):
                continue
            if day is not None and event.event_on and event.event_on.earliest() > day:
                continue
            total += event.months or 0
        return total


def _dated(event: PartyEvent) -> tuple[date, int]:
    return (event.event_on.earliest() if event.event_on else date.min, event.id or 0)


def _membership(events: list[PartyEvent], rules: Rules) -> Membership | None:
    instruments = sorted((e for e in events if e.kind is EventKind.INSTRUMENT), key=_dated)
    if not instruments:
        return None
    instrument = instruments[-1]
    deposit = instrument.event_on
    computed = None if deposit is None else party_entry_into_force(deposit, rules=rules)
    entry = computed
    if instrument.in_force_on is not None:
        entry = apply_recorded(computed, instrument.in_force_on)
    membership = Membership(
        instrument,
        entry,
        floor=rules.convention_in_force_on,
        undated_explanation=() if entry else unknown_entry_into_force(rules),
    )
    for event in sorted(events, key=_dated):
        if (
            event.kind is EventKind.DENUNCIATION
            and event.node_id is None
            and _dated(event) >= _dated(instrument)
        ):
            membership.denunciation = event
            membership.ends = denunciation_effective(event.event_on, rules)
            break
    return membership


@dataclass
class Register:
    """Every party's standing on one reading: what the public pages are built from."""

    day: date
    rules: Rules
    edition: Edition | None
    chapters: list[Chapter]
    standings: list[Standing]
    chapter_results: dict[int, ChapterEntryIntoForce]

    def standing_of(self, party: Party) -> Standing:
        return next(s for s in self.standings if s.party.id == party.id)

    @property
    def parties(self) -> list[Standing]:
        """Standings of the Contracting Parties (an instrument is recorded)."""
        return [s for s in self.standings if s.membership is not None]

    @property
    def others(self) -> list[Standing]:
        """Parties in the register with no instrument: not (yet) Contracting Parties."""
        return [s for s in self.standings if s.membership is None]

    def chapter(self, key: str) -> Chapter | None:
        return next((c for c in self.chapters if c.key == key), None)

    def acceptors(self, chapter: Chapter) -> list[tuple[Standing, ChapterStanding]]:
        found = []
        for standing in self.standings:
            accepted = standing.chapter(chapter.key)
            if accepted is not None:
                found.append((standing, accepted))
        return sorted(found, key=lambda pair: (_dated(pair[1].acceptance), pair[0].party.name))


def load_register(day: date | None = None, party_ids: Iterable[int] | None = None) -> Register:
    """Read every party's record and compute its standing.

    Chapters' entry into force depends on every acceptor (the fifth acceptance starts
    it), so acceptances of all parties are read even when ``party_ids`` limits the
    standings built.
    """
    day = day or today()
    rules_in_use = rules()
    edition = reference_edition(day)
    chapters = chapters_of(edition)
    by_node = {c.node_id: c for c in chapters}
    wanted = set(party_ids) if party_ids is not None else None
    parties = _load_parties(wanted)
    if wanted is not None:
        # Other parties count only through their acceptances of the same chapters.
        accepted = {e.node_id for p in parties for e in p.events if e.kind is EventKind.ACCEPTANCE}
        if accepted:
            others = set(
                db.session.scalars(
                    select(PartyEvent.party_id).where(
                        PartyEvent.kind == EventKind.ACCEPTANCE,
                        PartyEvent.node_id.in_(accepted),
                        PartyEvent.party_id.not_in(wanted),
                    )
                )
            )
            parties += _load_parties(others) if others else []
    memberships = {p.id: _membership(p.events, rules_in_use) for p in parties}

    # Each party's latest acceptance of each chapter, and every acceptor per chapter.
    latest: dict[tuple[int, int], PartyEvent] = {}
    for party in parties:
        for event in sorted(party.events, key=_dated):
            if event.kind is EventKind.ACCEPTANCE and event.node_id is not None:
                latest[(party.id, event.node_id)] = event
    per_chapter: dict[int, list[ChapterAcceptance]] = {}
    for (party_id, node_id), event in latest.items():
        membership = memberships[party_id]
        assert event.event_on is not None
        per_chapter.setdefault(node_id, []).append(
            ChapterAcceptance(
                party_id,
                event.event_on,
                _acceptor_in_force(membership, rules_in_use),
            )
        )
    results = {
        node_id: chapter_entry_into_force(items, rules_in_use)
        for node_id, items in per_chapter.items()
    }

    reserved_ids = {r.node_id for p in parties for r in p.reservations}
    provisions = provisions_of(edition, reserved_ids) if edition else {}
    standings = []
    for party in parties:
        if wanted is not None and party.id not in wanted:
            continue
        standing = Standing(party, memberships[party.id], events=sorted(party.events, key=_dated))
        for (party_id, node_id), event in latest.items():
            if party_id != party.id:
                continue
            chapter = by_node.get(node_id) or Chapter(
                key=event.node.key if event.node else "?",
                label=label_from_key(event.node.key) if event.node else "?",
                title="",
                annex_title="",
                node_id=node_id,
                ordinal=10**9,
            )
            entry = results[node_id].for_party(party.id)
            in_force = entry.result
            if event.in_force_on is not None:
                in_force = apply_recorded(
                    in_force, event.in_force_on, what="entry into force of the chapter"
                )
            accepted = ChapterStanding(
                chapter,
                event,
                in_force,
                in_force.explanation if in_force else entry.explanation,
                undated_party=bool(standing.membership and not standing.membership.is_dated),
            )
            for later in standing.events:
                if (
                    later.kind is EventKind.DENUNCIATION
                    and later.node_id == node_id
                    and _dated(later) >= _dated(event)
                ):
                    accepted.denunciation = later
                    accepted.ends = denunciation_effective(
                        later.event_on, rules_in_use, what=f"chapter {chapter.label}"
                    )
                    break
            # Leaving the Convention ends every chapter with it (art. 17).
            membership = standing.membership
            if accepted.ends is None and membership and membership.ends:
                accepted.ends = membership.ends
            standing.chapters.append(accepted)
        standing.chapters.sort(key=lambda c: (c.chapter.ordinal, c.chapter.key))
        for reservation in party.reservations:
            withdrawn = reservation.withdrawn_on
            until = withdrawn.earliest() if withdrawn else max(day, today())
            until = max(until, reservation.entered_on.earliest())
            standing.reservations.append(
                ReservationStanding(
                    reservation,
                    provisions.get(reservation.node_id),
                    reservation_review_dates(reservation.entered_on, until, rules_in_use),
                )
            )
        standing.reservations.sort(
            key=lambda r: (r.reservation.node.key, r.reservation.entered_on.earliest())
        )
        standing.extensions = [e for e in standing.events if e.kind is EventKind.EXTENSION]
        standings.append(standing)
    return Register(day, rules_in_use, edition, chapters, standings, results)


def _acceptor_in_force(membership: Membership | None, rules_in_use: Rules) -> DateRange | None:
    """When the Convention is in force for an acceptor, for the chapter rule: a party whose
    date is not recorded counts from the Convention's own entry into force (the earliest it
    can be), so its chapter's range starts there; a later bound is never invented."""
    if membership is None:
        return None
    if membership.entry_into_force is None:
        return DateRange.exact(rules_in_use.convention_in_force_on)
    return membership.entry_into_force.span


def _load_parties(ids: set[int] | None) -> list[Party]:
    stmt = (
        select(Party)
        .options(
            selectinload(Party.events).joinedload(PartyEvent.node),
            selectinload(Party.reservations).joinedload(Reservation.node),
        )
        .order_by(Party.name)
        # Always the database's state, even for objects this session already holds.
        .execution_options(populate_existing=True)
    )
    if ids is not None:
        stmt = stmt.where(Party.id.in_(ids))
    return list(db.session.scalars(stmt))


def standing(party: Party, day: date | None = None) -> Standing:
    """One party's standing (every acceptor is still read: chapters depend on them all)."""
    return load_register(day, [party.id]).standings[0]


# --------------------------------------------------------------------------- a party's page


def timeline(standing: Standing) -> list[dict]:
    """Recorded events and the dates computed from them, in order (ranges by their start)."""
    entries: list[dict] = []
    membership = standing.membership
    for event in standing.events:
        entries.append({"kind": "event", "event": event, "sort": event.event_on})
    if membership is not None and membership.entry_into_force is not None:
        entries.append(
            {
                "kind": "computed",
                "label": "The Convention enters into force",
                "result": membership.entry_into_force,
                "sort": membership.entry_into_force.span,
            }
        )
        if membership.ends is not None:
            entries.append(
                {
                    "kind": "computed",
                    "label": "The denunciation takes effect",
                    "result": membership.ends,
                    "sort": membership.ends.span,
                }
            )
    for accepted in standing.chapters:
        if accepted.in_force is not None:
            entries.append(
                {
                    "kind": "computed",
                    "label": f"Chapter {accepted.chapter.label} enters into force",
                    "result": accepted.in_force,
                    "sort": accepted.in_force.span,
                }
            )
    for reservation in standing.reservations:
        entries.append(
            {
                "kind": "reservation",
                "reservation": reservation,
                "label": "Reservation entered",
                "sort": reservation.reservation.entered_on,
            }
        )
        if reservation.reservation.withdrawn_on is not None:
            entries.append(
                {
                    "kind": "reservation",
                    "reservation": reservation,
                    "label": "Reservation withdrawn",
                    "sort": reservation.reservation.withdrawn_on,
                }
            )

    def key(entry: dict) -> tuple[date, int]:
        sort = entry["sort"]
        if sort is None:
            return (date.min, 0)
        start = sort.earliest() if isinstance(sort, PartialDate) else sort.earliest
        return (start, 0 if entry["kind"] == "event" else 1)

    return sorted(entries, key=key)


def deadline_summary(standing: Standing, rules: Rules) -> list[dict]:
    """The implementation deadlines by group: General Annex, then each accepted chapter."""
    membership = standing.membership
    if membership is None:
        return []
    if membership.entry_into_force is None:
        return [
            {"scope": "General Annex: Standards", "deadline": None},
            {"scope": "General Annex: Transitional Standards", "deadline": None},
        ]
    start = membership.entry_into_force.span
    rows = [
        {
            "scope": "General Annex: Standards",
            "deadline": implementation_deadline("standard", start, rules=rules),
        },
        {
            "scope": "General Annex: Transitional Standards",
            "deadline": implementation_deadline("transitional_standard", start, rules=rules),
        },
    ]
    for accepted in standing.current_chapters:
        if accepted.in_force is None:
            continue
        rows.append(
            {
                "scope": f"Chapter {accepted.chapter.label}: Standards and Recommended Practices "
                "not reserved",
                "deadline": implementation_deadline(
                    "standard", accepted.in_force.span, rules=rules
                ),
            }
        )
    return rows
