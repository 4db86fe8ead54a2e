"""The register across parties: the acceptance matrix (with its CSV), the coverage figures and
the counts over time that the charts draw. Everything is read from a loaded
`rkc.parties.standings.Register`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rkc.parties.chapters import Chapter
from rkc.parties.entry_into_force import (
    ChapterEntryIntoForce,
)
from rkc.parties.models import PartyKind
from rkc.parties.periods import (
    DateRange,
)
from rkc.parties.standings import Bound, ChapterStanding, Register, Standing, bound_between

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
