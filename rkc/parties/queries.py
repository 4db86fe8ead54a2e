"""Reads about Contracting Parties: each party's standing, computed from its record.

Size: over 600 lines because every reading of the register (standing, matrix, deadlines,
binding text) shares one loaded record; issue #18 splits it with `law.py`.

Nothing here is stored: entry into force, denunciation effects, review and implementation
dates all come from ``rkc.parties.law`` applied to the recorded events when they are read
(a party's whole record is a few dozen rows). The date rules themselves live only in law.py;
this module picks the inputs and says, for a day, whether something applies ("yes"),
cannot apply ("no") or may apply because a date is known only as a range ("maybe").
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from rkc.clock import today
from rkc.convention import queries as texts
from rkc.convention.kinds import KIND_LABELS
from rkc.convention.models import Edition, EditionEntry, Node, Revision, Work
from rkc.database import as_id
from rkc.extensions import db
from rkc.parties.deadlines import (
    Deadline,
    ProvisionKind,
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
from rkc.parties.models import EventKind, Party, PartyEvent, PartyKind, Reservation
from rkc.parties.periods import (
    DEFAULT_RULES,
    RKC_ENTRY_INTO_FORCE,
    DateRange,
    DateResult,
    PartialDate,
    Rules,
)

#: The work whose text binds the parties.
CONVENTION = "rkc"
#: Keys of the Specific Annexes start with this; their chapters are accepted one by one.
SPECIFIC_ANNEX_PREFIX = "sa-"
#: Kinds of provision that carry an implementation deadline (art. 13).
DEADLINE_KINDS = frozenset(kind.value for kind in ProvisionKind)


# --------------------------------------------------------------------------- the rules


def rules() -> Rules:
    """The date rules in use: law.DEFAULT_RULES, changed by the PARTY_RULES setting if any.

    ``PARTY_RULES`` is a mapping of :class:`rkc.parties.law.Rules` fields, e.g.
    ``{"chapter_acceptances_needed": 5, "chapter_months": 3}`` (the chapter's first entry
    into force, art. 18); dates as ISO text. Outside an application, the defaults.
    """
    from flask import current_app, has_app_context

    overrides = current_app.config.get("PARTY_RULES") if has_app_context() else None
    return rules_from(overrides or {})


def rules_from(overrides: Mapping[str, Any]) -> Rules:
    """law.DEFAULT_RULES with ``overrides`` applied; ValueError names an unknown field."""
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


# --------------------------------------------------------------------------- the chapters


@dataclass(frozen=True)
class Chapter:
    """A Specific Annex chapter: ``sa-b/1``, labelled ``B1``."""

    key: str
    label: str
    title: str
    annex_title: str
    node_id: int
    ordinal: int = 0

    @property
    def name(self) -> str:
        return f"{self.label} {self.title}".strip()


def label_from_key(key: str) -> str:
    """``sa-b/1`` -> ``B1`` (for a chapter no longer in the edition at hand)."""
    annex, _, number = key.partition("/")
    return annex.removeprefix(SPECIFIC_ANNEX_PREFIX).upper() + number.upper()


def convention() -> Work | None:
    return texts.work_by_key(CONVENTION)


def edition_on(day: date) -> Edition | None:
    """The Convention edition in force on ``day``."""
    work = convention()
    return texts.in_force_on(work, day) if work else None


def reference_edition(day: date | None = None) -> Edition | None:
    """The edition that names chapters and provisions: in force on ``day`` (or today), or
    else the first edition ever in force (for a day before 2006)."""
    work = convention()
    if work is None:
        return None
    edition = texts.in_force_on(work, day or today())
    if edition is None:
        first = texts.first_in_force_date(work)
        edition = texts.in_force_on(work, first) if first else None
    return edition


def chapters_of(edition: Edition | None) -> list[Chapter]:
    """The Specific Annex chapters of an edition, in document order."""
    if edition is None:
        return []
    chapters = []
    annex = None
    for item in texts.contents(edition, kinds=frozenset({"annex", "chapter"})):
        if item.kind == "annex":
            annex = item if item.key.startswith(SPECIFIC_ANNEX_PREFIX) else None
        elif annex is not None and item.depth == annex.depth + 1:
            chapters.append(
                Chapter(
                    key=item.key,
                    label=f"{annex.number or ''}{item.number or ''}" or label_from_key(item.key),
                    title=item.title or "",
                    annex_title=annex.title or "",
                    node_id=item.node_id,
                    ordinal=item.ordinal,
                )
            )
    return chapters


def chapter_by_label(chapters: Iterable[Chapter], label: str) -> Chapter | None:
    wanted = label.strip().upper()
    return next((c for c in chapters if c.label.upper() == wanted), None)


@dataclass(frozen=True)
class Provision:
    """A unit as one edition has it: what reservations and extensions refer to."""

    key: str
    node_id: int
    kind: str
    number: str | None
    title: str | None
    chapter_key: str | None

    @property
    def chapter_label(self) -> str | None:
        if self.chapter_key and self.chapter_key.startswith(SPECIFIC_ANNEX_PREFIX):
            return label_from_key(self.chapter_key)
        return None

    @property
    def name(self) -> str:
        kind = KIND_LABELS.get(self.kind, self.kind.replace("_", " ").title())
        where = self.chapter_label or (
            f"General Annex chapter {self.chapter_key.split('/')[1]}"
            if self.chapter_key and self.chapter_key.startswith("ga/")
            else ""
        )
        number = f" {self.number}" if self.number else ""
        return f"{kind}{number}" + (f" ({where})" if where else "")


def provision(key: str, day: date | None = None) -> Provision | None:
    """The unit ``key`` as the edition in force on ``day`` (or the reference edition) has it."""
    node = texts.node_by_key(key)
    edition = reference_edition(day)
    if node is None or edition is None:
        return None
    return _provisions(edition, [node.id]).get(node.id)


def _provisions(edition: Edition, node_ids: Iterable[int]) -> dict[int, Provision]:
    """Provisions of one edition by node id, with the chapter each belongs to."""
    ids = set(node_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(
            Node.key,
            Node.id,
            Revision.kind,
            Revision.number,
            Revision.title,
            EditionEntry.ordinal,
        )
        .join(EditionEntry, EditionEntry.node_id == Node.id)
        .join(Revision, Revision.id == EditionEntry.revision_id)
        .where(EditionEntry.edition_id == edition.id, EditionEntry.language == "en")
        .where(Node.id.in_(ids))
    ).all()
    chapters = db.session.execute(
        select(Node.key, EditionEntry.ordinal, EditionEntry.end_ordinal, EditionEntry.depth)
        .join(EditionEntry, EditionEntry.node_id == Node.id)
        .join(Revision, Revision.id == EditionEntry.revision_id)
        .where(
            EditionEntry.edition_id == edition.id,
            EditionEntry.language == "en",
            Revision.kind == "chapter",
            EditionEntry.depth == 1,
        )
    ).all()
    found = {}
    for key, node_id, kind, number, title, ordinal in rows:
        chapter = next(
            (c.key for c in chapters if c.ordinal <= ordinal <= c.end_ordinal),
            None,
        )
        found[node_id] = Provision(key, node_id, kind, number, title, chapter)
    return found


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
    provisions = _provisions(edition, reserved_ids) if edition else {}
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


# --------------------------------------------------------------------------- finding parties


def all_parties() -> list[Party]:
    return list(db.session.scalars(select(Party).order_by(Party.name)))


def party_by_ident(ident: str) -> Party | None:
    """A party by ISO3 code (any case) or, for one without a code, by its id."""
    if ident.isdigit():  # any script's digits; only an id the database can hold is looked up
        party_id = as_id(ident)
        return db.session.get(Party, party_id) if party_id is not None else None
    return db.session.scalar(select(Party).where(Party.iso3 == ident.upper()))


def party_by_name_or_code(name: str, iso3: str | None) -> Party | None:
    conditions = [Party.name == name]
    if iso3:
        conditions.append(Party.iso3 == iso3)
    return db.session.scalar(select(Party).where(or_(*conditions)).limit(1))


def reservation_by_id(party: Party, reservation_id: int) -> Reservation | None:
    found = db.session.get(Reservation, reservation_id)
    return found if found is not None and found.party_id == party.id else None


def event_by_id(party: Party, event_id: int) -> PartyEvent | None:
    found = db.session.get(PartyEvent, event_id)
    return found if found is not None and found.party_id == party.id else None


# --------------------------------------------------------------------------- the matrix


@dataclass(frozen=True)
class MatrixFilters:
    name: str = ""
    kind: PartyKind | None = None
    member: bool | None = None
    chapter: str = ""
    #: "any": parties that accepted at least one chapter; "none": known to have accepted
    #: none; "unknown": none recorded and not known whether any.
    accepted: str = ""
    #: Show the position on this day (None: today's position, parties not yet in force too).
    on: date | None = None

    @property
    def is_filtered(self) -> bool:
        return bool(
            self.name or self.kind or self.member is not None or self.chapter or self.accepted
        ) or (self.on is not None)


@dataclass
class MatrixRow:
    standing: Standing
    #: Bound on the day asked (today without one); MAYBE where a date is a range.
    state: Bound
    cells: list[tuple[ChapterStanding, Bound] | None]
    #: Deposited, not yet in force (only without a day asked).
    is_pending: bool = False

    @property
    def accepted_count(self) -> int:
        return sum(1 for cell in self.cells if cell is not None)


@dataclass
class Matrix:
    chapters: list[Chapter]
    rows: list[MatrixRow]
    filters: MatrixFilters
    total_parties: int

    @property
    def column_counts(self) -> list[int]:
        return [
            sum(1 for row in self.rows if row.cells[i] is not None)
            for i in range(len(self.chapters))
        ]

    @property
    def with_any_chapter(self) -> int:
        return sum(1 for row in self.rows if row.accepted_count)

    @property
    def uncertain(self) -> int:
        return sum(1 for row in self.rows if row.state is Bound.MAYBE)


def matrix(register: Register, filters: MatrixFilters) -> Matrix:
    """Parties by Body/General Annex and the Specific Annex chapters, filtered.

    Without a day: every current Contracting Party (those whose instrument is deposited
    but not yet in force included) and the chapters they accept now. With ``filters.on``:
    the parties bound on that day (certainly or, where dates are imprecise, possibly) and
    the chapters in force for them on that day.
    """
    day = filters.on
    rows = []
    needle = filters.name.strip().lower()
    for standing in register.parties:
        party = standing.party
        pending = False
        if day is None:
            if not standing.is_party:
                continue
            state = standing.bound_on(register.day)
            pending = state is Bound.NO
        else:
            state = standing.bound_on(day)
            if state is Bound.NO:
                continue
        if needle and needle not in party.name.lower() and needle != (party.iso3 or "").lower():
            continue
        if filters.kind is not None and party.kind is not filters.kind:
            continue
        if filters.member is not None and party.is_wco_member is not filters.member:
            continue
        cells: list[tuple[ChapterStanding, Bound] | None] = []
        for chapter in register.chapters:
            accepted = standing.chapter(chapter.key)
            if accepted is None:
                cells.append(None)
            elif day is None:
                current = accepted.is_current
                cells.append((accepted, accepted.bound_on(register.day)) if current else None)
            else:
                bound = accepted.bound_on(day)
                cells.append((accepted, bound) if bound is not Bound.NO else None)
        row = MatrixRow(standing, state, cells, pending)
        if filters.chapter:
            index = next(
                (i for i, c in enumerate(register.chapters) if c.key == filters.chapter), None
            )
            if index is None or row.cells[index] is None:
                continue
        if filters.accepted == "any" and not row.accepted_count:
            continue
        if filters.accepted == "none" and (row.accepted_count or not party.chapters_known):
            continue
        if filters.accepted == "unknown" and (row.accepted_count or party.chapters_known):
            continue
        rows.append(row)
    return Matrix(register.chapters, rows, filters, len(register.parties))


def matrix_csv_rows(table: Matrix) -> list[list[str]]:
    """The matrix as CSV rows (header first); dates at their known precision."""
    header = [
        "party",
        "iso3",
        "kind",
        "wco_member",
        "instrument",
        "instrument_date",
        "entry_into_force",
        "entry_into_force_basis",
        "specific_annex_chapters",
        *[c.label for c in table.chapters],
    ]
    rows = [header]
    for row in table.rows:
        standing = row.standing
        membership = standing.membership
        assert membership is not None
        instrument = membership.instrument
        entry = membership.entry_into_force
        member = standing.party.is_wco_member
        rows.append(
            [
                standing.party.name,
                standing.party.iso3 or "",
                standing.party.kind.value,
                "" if member is None else ("yes" if member else "no"),
                instrument.instrument.value if instrument.instrument else "",
                str(instrument.event_on or ""),
                _span_text(entry.span) if entry else "date not recorded",
                ("recorded" if entry.is_recorded else "computed") if entry else "",
                standing.chapters_record,
                *[_cell_text(standing, cell) for cell in row.cells],
            ]
        )
    return rows


def _cell_text(standing: Standing, cell: tuple[ChapterStanding, Bound] | None) -> str:
    """A chapter cell: the notification date, "no" when known not accepted, else "unknown"."""
    if cell is not None:
        return str(cell[0].acceptance.event_on)
    return "no" if standing.party.chapters_known else "unknown"


def _span_text(span: DateRange) -> str:
    return span.earliest.isoformat() if span.is_exact else f"{span.earliest}/{span.latest}"


@dataclass(frozen=True)
class Coverage:
    """How much of the real register this one holds ("83 of 136 parties recorded")."""

    recorded: int
    public_count: int | None
    public_as_of: str
    chapters_known: int


def coverage(register: Register) -> Coverage:
    """The register's own coverage, against the public count in the PARTY_PUBLIC_COUNT
    setting (a figure and the month it is of; it changes with each accession)."""
    from flask import current_app, has_app_context

    public = (current_app.config.get("PARTY_PUBLIC_COUNT") if has_app_context() else None) or {}
    parties = register.parties
    return Coverage(
        recorded=len(parties),
        public_count=public.get("count"),
        public_as_of=str(public.get("as_of", "")),
        chapters_known=sum(1 for s in parties if s.party.chapters_known),
    )


# --------------------------------------------------------------------------- over time


@dataclass(frozen=True)
class CountPoint:
    on: date
    certain: int
    possible: int


def parties_over_time(register: Register, until: date | None = None) -> list[CountPoint]:
    """How many parties were bound on each day something changed (certainly / possibly)."""
    until = until or register.day
    spans = []
    for standing in register.parties:
        membership = standing.membership
        assert membership is not None
        if membership.entry_into_force is None:
            continue  # date not recorded: counted apart, never placed on a guessed day
        spans.append(
            (membership.entry_into_force.span, membership.ends.span if membership.ends else None)
        )
    days = {register.rules.convention_in_force_on, until}
    for start, end in spans:
        days.update((start.earliest, start.latest))
        if end is not None:
            days.update((end.earliest, end.latest))
    points = []
    for day in sorted(d for d in days if d <= until):
        states = [bound_between(start, end, day) for start, end in spans]
        certain = sum(1 for s in states if s is Bound.YES)
        points.append(
            CountPoint(day, certain, certain + sum(1 for s in states if s is Bound.MAYBE))
        )
    return points


@dataclass(frozen=True)
class ChapterCount:
    chapter: Chapter
    acceptances: int
    in_force: ChapterEntryIntoForce | None


def acceptances_per_chapter(register: Register) -> list[ChapterCount]:
    counts = []
    for chapter in register.chapters:
        acceptors = [
            s for s in register.standings if (c := s.chapter(chapter.key)) and c.is_current
        ]
        counts.append(
            ChapterCount(chapter, len(acceptors), register.chapter_results.get(chapter.node_id))
        )
    return counts


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
