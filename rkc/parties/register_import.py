"""Importing the register of parties from a table: the seed CSV (corpus/README.md,
"parties.csv") and the depositary's table (read by `rkc.parties.depositary`). No Flask here.

Every row is checked against the register with the same rules as the Secretariat's forms
(rows are recorded through `rkc.parties.operations`); all problems come back at once, each
with its line (`PartyImportError`, `RowProblem`), and then nothing is stored. Importing again
adds only what is new (`ImportReport` says what changed).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from rkc import audit
from rkc.extensions import db
from rkc.parties.lookup import all_parties, party_by_name_or_code
from rkc.parties.models import (
    InstrumentKind,
    Party,
    PartyEvent,
    PartyKind,
)
from rkc.parties.operations import (
    PartyError,
    chapter_named,
    check_recorded_entry,
    create_party,
    flushed_standing,
    record_acceptance,
    record_instrument,
    same_date,
)
from rkc.parties.periods import PartialDate

#: The columns of a party table (corpus/README.md, "parties.csv"), in order.
PARTY_COLUMNS = (
    "party",
    "iso3",
    "kind",
    "instrument",
    "instrument_date",
    "entry_into_force",
    "specific_annex_chapters",
    "note",
    "source_url",
)
#: Columns a table may add; an absent one means "not recorded".
OPTIONAL_COLUMNS = ("wco_member", "chapters_source")
#: What ``specific_annex_chapters`` holds when a source says no chapter was accepted (an
#: empty cell means "not known").
NO_CHAPTERS = "none"


# --------------------------------------------------------------------------- party tables


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.column}: {self.reason}"


class PartyImportError(ValueError):
    """Every problem of a party table, with its row number (the header is row 1)."""

    def __init__(self, problems: list[RowProblem]):
        self.problems = sorted(problems, key=lambda p: (p.row, p.column))
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class ImportReport:
    """What an import did (or, checked only, would do)."""

    created: list[str] = field(default_factory=list)
    events: int = 0
    refined: int = 0
    unchanged: list[str] = field(default_factory=list)
    #: One line per change, in row order: what a dry run would do.
    changes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.created)} parties created, {self.events} events recorded, "
            f"{self.refined} dates made more precise, {len(self.unchanged)} parties unchanged"
        )


@dataclass(frozen=True)
class ChapterClaim:
    label: str
    notified_on: PartialDate | None


def read_party_table(text: str) -> list[dict[str, str]]:
    """Parse and check a party table's shape (layout in corpus/README.md); every problem
    at once. Dates, chapters and the record are checked by :func:`import_party_table`."""
    rows, problems = _read_rows(text)
    if problems:
        raise PartyImportError(problems)
    return rows


def _read_rows(text: str) -> tuple[list[dict[str, str]], list[RowProblem]]:
    """The rows of a party table and the problems of their shape (a missing column raises)."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    missing = [c for c in PARTY_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise PartyImportError(
            [RowProblem(1, c, "column missing from the header") for c in missing]
        )
    problems: list[RowProblem] = []
    rows: list[dict[str, str]] = []
    names: dict[str, int] = {}
    codes: dict[str, int] = {}
    for number, raw in enumerate(reader, start=2):
        if None in raw:
            problems.append(RowProblem(number, "-", "more cells than the header has columns"))
        row = {k: (raw.get(k) or "").strip() for k in (*PARTY_COLUMNS, *OPTIONAL_COLUMNS)}
        if not row["party"]:
            problems.append(RowProblem(number, "party", "the name is empty"))
        elif row["party"].lower() in names:
            problems.append(
                RowProblem(number, "party", f"already listed at row {names[row['party'].lower()]}")
            )
        else:
            names[row["party"].lower()] = number
        if row["iso3"]:
            if len(row["iso3"]) != 3 or not row["iso3"].isalpha() or not row["iso3"].isupper():
                problems.append(
                    RowProblem(number, "iso3", f"“{row['iso3']}” is not three capital letters")
                )
            elif row["iso3"] in codes:
                problems.append(
                    RowProblem(number, "iso3", f"already used at row {codes[row['iso3']]}")
                )
            else:
                codes[row["iso3"]] = number
        if row["kind"] not in {k.value for k in PartyKind}:
            problems.append(RowProblem(number, "kind", "must be state, union or territory"))
        rows.append(row | {"_row": str(number)})
    return rows, problems


def _parse_row(row: dict[str, str], number: int, problems: list[RowProblem]) -> dict:
    """The typed facts of one row; problems are appended, never raised."""
    facts: dict = {"chapters": []}
    for column in ("instrument_date", "entry_into_force"):
        try:
            facts[column] = PartialDate.parse(row[column]) if row[column] else None
        except ValueError as exc:
            problems.append(RowProblem(number, column, str(exc)))
            facts[column] = None
    if row["instrument"] and row["instrument"] not in {k.value for k in InstrumentKind}:
        choices = ", ".join(k.value for k in InstrumentKind)
        problems.append(
            RowProblem(number, "instrument", f"“{row['instrument']}” is not one of {choices}")
        )
    member = row.get("wco_member", "").lower()
    if member not in ("", "yes", "no"):
        problems.append(RowProblem(number, "wco_member", "must be yes, no or empty"))
    facts["wco_member"] = None if not member else member == "yes"
    cell = row["specific_annex_chapters"]
    facts["chapters_known"] = bool(cell)
    if cell.lower() == NO_CHAPTERS:
        return facts
    for part in filter(None, (p.strip() for p in re.split(r"[;,\s]+", cell))):
        if part.lower() == NO_CHAPTERS:
            problems.append(
                RowProblem(number, "specific_annex_chapters", "“none” cannot come with chapters")
            )
            continue
        label, _, when = part.partition("@")
        notified = None
        if when:
            try:
                notified = PartialDate.parse(when)
            except ValueError as exc:
                problems.append(RowProblem(number, "specific_annex_chapters", f"{label}: {exc}"))
                continue
        elif facts["instrument_date"] is None:
            problems.append(
                RowProblem(
                    number,
                    "specific_annex_chapters",
                    f"{label}: no notification date: write {label}@YYYY-MM-DD, or give the "
                    "instrument_date (chapters without a date are taken as accepted with the "
                    "instrument)",
                )
            )
            continue
        facts["chapters"].append(ChapterClaim(label.strip(), notified))
    return facts


def import_party_table(text: str, *, check_only: bool = False) -> ImportReport:
    """Import a party table: create missing parties, record the facts not yet recorded.

    Every row is checked against the register with the same rules as the forms; all
    problems come back at once in one :class:`PartyImportError`, with row numbers, and
    then nothing is stored. A row for a party already recorded adds only what is new: a
    date given more precisely than recorded refines it; a date that contradicts the record
    is a problem. ``check_only`` checks everything and stores nothing.
    """
    rows, problems = _read_rows(text)
    parsed = [(int(row["_row"]), row, _parse_row(row, int(row["_row"]), problems)) for row in rows]
    report = ImportReport()
    # Rows are applied with the operations themselves (the same checks as the forms) inside
    # a savepoint, which is rolled back when any row is wrong: nothing is half-stored.
    savepoint = db.session.begin_nested()
    for number, row, facts in parsed:
        if any(p.row == number for p in problems):
            continue
        try:
            _import_row(row, facts, report)
        except PartyError as exc:
            column = _COLUMN_OF_FIELD.get(exc.field, exc.field)
            problems.append(RowProblem(number, column, str(exc)))
    if problems or check_only:
        savepoint.rollback()
        if problems:
            raise PartyImportError(problems)
        return report
    savepoint.commit()
    audit.record(
        "party.import",
        "party",
        None,
        created=len(report.created),
        events=report.events,
        refined=report.refined,
    )
    return report


#: Operation field -> the CSV column a problem is reported under.
_COLUMN_OF_FIELD = {
    "name": "party",
    "iso3": "iso3",
    "kind": "kind",
    "instrument": "instrument",
    "deposited_on": "instrument_date",
    "in_force_on": "entry_into_force",
    "chapter": "specific_annex_chapters",
    "notified_on": "specific_annex_chapters",
}


def _import_row(row: dict[str, str], facts: dict, report: ImportReport) -> None:
    party = party_by_name_or_code(row["party"], row["iso3"] or None)
    before = report.events + report.refined
    if party is None:
        party = create_party(
            name=row["party"],
            iso3=row["iso3"] or None,
            kind=row["kind"],
            is_wco_member=facts["wco_member"],
            note=row["note"],
            source_url=row["source_url"],
        )
        report.created.append(party.name)
        report.changes.append(f"row {row['_row']}: new party {party.name}")
    else:
        if (party.name, party.iso3 or "") != (row["party"], row["iso3"]):
            raise PartyError(
                "name",
                f"the register has {party.name} ({party.iso3 or 'no code'}); the row says "
                f"{row['party']} ({row['iso3'] or 'no code'}): correct one of them first",
            )
        if party.kind.value != row["kind"]:
            raise PartyError("kind", f"the register says {party.name} is a {party.kind.value}")
        if party.is_wco_member is None and facts["wco_member"] is not None:
            party.is_wco_member = facts["wco_member"]
    deposit, recorded = facts["instrument_date"], facts["entry_into_force"]
    instrument = row["instrument"] or None
    created = party.name in report.created
    membership = None if created else flushed_standing(party).membership
    if membership is None:
        record_instrument(
            party,
            instrument=instrument,
            deposited_on=deposit,
            in_force_on=recorded,
            source=row["source_url"],
            note=row["note"],
        )
        report.events += 1
        report.changes.append(
            f"row {row['_row']}: {party.name}: instrument deposited "
            f"{deposit or '(date not recorded)'}"
        )
    else:
        _reconcile_instrument(party, membership.instrument, instrument, deposit, recorded, report)
    for claim in facts["chapters"]:
        notified = claim.notified_on or deposit
        chapter = chapter_named(claim.label, notified)
        existing = flushed_standing(party).chapter(chapter.key)
        if existing is not None and existing.is_current:
            _refine(
                party,
                existing.acceptance,
                "event_on",
                notified,
                "notified_on",
                chapter.label,
                report,
            )
            continue
        record_acceptance(party, chapter.key, notified_on=notified, source=row["source_url"])
        report.events += 1
        report.changes.append(
            f"row {row['_row']}: {party.name}: accepted {chapter.label} on {notified}"
        )
    _record_chapters_known(party, row, facts, report)
    if report.events + report.refined == before and not created:
        report.unchanged.append(party.name)


def _record_chapters_known(
    party: Party, row: dict[str, str], facts: dict, report: ImportReport
) -> None:
    """A row that lists chapters, or says ``none``, makes the party's chapters known."""
    source = row.get("chapters_source", "")
    if not facts["chapters_known"]:
        return
    if not facts["chapters"]:
        current = flushed_standing(party).current_chapters
        if current:
            labels = ", ".join(c.chapter.label for c in current)
            raise PartyError(
                "chapter",
                f"the row says {party} accepted no chapter; the register records {labels}",
            )
    if party.chapters_known and (not source or party.chapters_source == source):
        return
    if not party.chapters_known:
        party.chapters_known = True
        report.refined += 1
        what = "accepted none" if not facts["chapters"] else "list complete"
        report.changes.append(f"row {row['_row']}: {party.name}: chapters known ({what})")
    if source and party.chapters_source != source:
        party.chapters_source = source
    db.session.flush()
    audit.record(
        "party.chapters_known",
        "party",
        party.id,
        chapters=";".join(c.label for c in facts["chapters"]) or NO_CHAPTERS,
        source=source,
    )


def _reconcile_instrument(
    party: Party,
    event: PartyEvent,
    instrument: str | None,
    deposit: PartialDate | None,
    recorded: PartialDate | None,
    report: ImportReport,
) -> None:
    if instrument and event.instrument is None:
        event.instrument = InstrumentKind(instrument)
        report.refined += 1
    elif instrument and event.instrument and event.instrument.value != instrument:
        raise PartyError(
            "instrument",
            f"the register records {party}'s instrument as {event.instrument.value}",
        )
    _refine(party, event, "event_on", deposit, "deposited_on", "its instrument", report)
    if recorded is not None:
        check_recorded_entry(event.event_on, recorded)
    _refine(party, event, "in_force_on", recorded, "in_force_on", "its entry into force", report)


def _refine(
    party: Party,
    event: PartyEvent,
    attribute: str,
    given: PartialDate | None,
    field_name: str,
    what: str,
    report: ImportReport,
) -> None:
    """Keep a recorded date, or replace it with a more precise one that lies within it."""
    current = getattr(event, attribute)
    if given is None or same_date(current, given):
        return
    if current is None or (
        current.earliest() <= given.earliest() and given.latest() <= current.latest()
    ):
        setattr(event, attribute, given)
        db.session.flush()
        audit.record(
            "party.refine_date",
            "party",
            party.id,
            event=event.id,
            field=attribute,
            before=str(current or ""),
            after=str(given),
        )
        report.refined += 1
        report.changes.append(f"{party.name}: {what} {current or '(not recorded)'} -> {given}")
        return
    raise PartyError(
        field_name,
        f"the register records {what} for {party} as {current}; the row says {given}. "
        "Retract the recorded event first if the register is wrong.",
    )


def import_depositary_table(
    data: bytes, *, is_pdf: bool, source: str = "", check_only: bool = False
) -> ImportReport:
    """Import the depositary's table ("position as regards ratifications and accessions")
    from CSV or a text PDF (`rkc.parties.depositary`): every row checked, everything or
    nothing stored, problems named by the line of the file they come from.

    Parties are found by name (any case) or ISO3 code; a party not in the register needs a
    code column. The depositary's table is complete, so a party with no chapter in it is
    recorded as having accepted none.
    """
    from rkc.parties import depositary

    try:
        if is_pdf:
            rows, found = depositary.read_pdf(data)
        else:
            rows, found = depositary.read_csv(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise PartyImportError([RowProblem(1, "-", "the file is not UTF-8 text")]) from None
    except depositary.DepositaryError as exc:
        raise PartyImportError([RowProblem(1, "-", str(exc))]) from None
    problems = [RowProblem(p.line, p.column, p.reason) for p in found]
    known = {p.name.lower(): p for p in all_parties()}
    for row in rows:
        party = known.get(row.party.lower()) or (
            party_by_name_or_code("", row.iso3) if row.iso3 else None
        )
        if party is not None:
            row.party, row.iso3 = party.name, party.iso3 or ""
        elif not row.iso3 and "union" not in row.party.lower():
            problems.append(
                RowProblem(
                    row.line,
                    "party",
                    f"{row.party} is not in the register: add an ISO3 column with its code, or "
                    "add the party first",
                )
            )
    if problems:
        raise PartyImportError(problems)
    table = depositary.as_party_rows(rows, source)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, [*PARTY_COLUMNS, "chapters_source"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
    lines = [row.line for row in rows]
    try:
        report = import_party_table(buffer.getvalue(), check_only=check_only)
    except PartyImportError as exc:
        raise PartyImportError(
            [
                RowProblem(lines[p.row - 2] if p.row >= 2 else 1, p.column, p.reason)
                for p in exc.problems
            ]
        ) from None
    report.changes = [_line_of(change, lines) for change in report.changes]
    return report


def import_file(data: bytes, *, source: str = "", check_only: bool = False) -> ImportReport:
    """Import a party table in whichever layout it comes: the corpus layout (CSV with its
    columns), or the depositary's table as CSV or as a text PDF."""
    if data.startswith(b"%PDF"):
        return import_depositary_table(data, is_pdf=True, source=source, check_only=check_only)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise PartyImportError(
            [
                RowProblem(
                    1, "-", "the file is not UTF-8 text; save it as CSV (UTF-8), or give a PDF"
                )
            ]
        ) from None
    header = next(csv.reader(io.StringIO(text.removeprefix("\ufeff"))), [])
    if all(column in header for column in PARTY_COLUMNS):
        return import_party_table(text, check_only=check_only)
    return import_depositary_table(data, is_pdf=False, source=source, check_only=check_only)


def _line_of(change: str, lines: list[int]) -> str:
    """``row N: ...`` of the generated table as ``line M: ...`` of the depositary's file."""
    found = re.match(r"^row (\d+): ", change)
    if not found:
        return change
    return f"line {lines[int(found.group(1)) - 2]}: " + change[found.end() :]


def seed_parties(text: str) -> int:
    """Load the corpus's party table at `rkc init`; returns how many parties were created."""
    return len(import_party_table(text).created)
