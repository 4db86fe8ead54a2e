"""Every write about Contracting Parties, one function per use case. No Flask here.

Size: over 600 lines, one short function per depositary event plus the two register
imports (seed CSV and the depositary's table); the imports are the part to move out first.

Each function checks its input against the party's record and raises :class:`PartyError`
(naming the field at fault) before it writes anything; it flushes but never commits, and
records what it did in the audit log. The checks that matter most (DOMAIN.md section 3):
an acceptance needs a Contracting Party; nothing happens before the party joined; only
Recommended Practices can be reserved; the same thing cannot be recorded twice.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from rkc import audit
from rkc.convention.kinds import KIND_LABELS, RESERVABLE_KINDS
from rkc.extensions import db
from rkc.parties import standings
from rkc.parties.chapters import (
    DEADLINE_KINDS,
    Chapter,
    chapter_by_label,
    chapters_of,
    provision,
    reference_edition,
)
from rkc.parties.deadlines import denunciation_allowed, extension_allowed
from rkc.parties.lookup import all_parties, party_by_name_or_code
from rkc.parties.models import (
    EventKind,
    InstrumentKind,
    Party,
    PartyEvent,
    PartyKind,
    Reservation,
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


class PartyError(ValueError):
    """Bad input for a party write. ``field`` names the form field (or CSV column) at fault."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


# --------------------------------------------------------------------------- small checks


def _date(value: PartialDate | date | str | None, name: str, *, required: bool = True):  # type: ignore[no-untyped-def]
    """A PartialDate from form or CSV text; PartyError names the field."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise PartyError(name, f"{_label(name)}: give a date (YYYY, YYYY-MM or YYYY-MM-DD)")
        return None
    try:
        return PartialDate.coerce(value, name)
    except (TypeError, ValueError) as exc:
        raise PartyError(name, f"{_label(name)}: {exc}") from None


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _certainly_before(a: PartialDate, b: PartialDate) -> bool:
    """Whether every day ``a`` could be comes before every day ``b`` could be."""
    return a.latest() < b.earliest()


def _same(a: PartialDate | None, b: PartialDate | None) -> bool:
    return str(a or "") == str(b or "")


def _text(value: str | None) -> str:
    return (value or "").strip()


def _standing(party: Party) -> standings.Standing:
    db.session.flush()
    return standings.standing(party)


def _require_party(standing: standings.Standing, field_name: str, on: PartialDate) -> None:
    """The party must be a Contracting Party on ``on`` (not before joining, not after leaving)."""
    party = standing.party
    membership = standing.membership
    if membership is None:
        raise PartyError(
            field_name,
            f"{party} is not a Contracting Party: no instrument of ratification, accession or "
            "the like is recorded for it. Record its instrument first.",
        )
    deposited = membership.instrument.event_on
    if deposited is not None and _certainly_before(on, deposited):
        raise PartyError(
            field_name,
            f"{_label(field_name)}: {on} is before {party} joined the Convention (instrument "
            f"deposited {deposited}).",
        )
    if membership.ends is not None and on.earliest() >= membership.ends.latest:
        raise PartyError(
            field_name,
            f"{_label(field_name)}: {party} had left the Convention by {on} (its denunciation "
            f"took effect {membership.ends.span.when()}).",
        )


def _chapter(key: str, on: PartialDate | None) -> Chapter:
    key = _text(key)
    edition = reference_edition(on.latest() if on else None)
    chapters = chapters_of(edition)
    found = next((c for c in chapters if c.key == key), None) or chapter_by_label(chapters, key)
    if found is None:
        examples = ", ".join(f"{c.label} ({c.key})" for c in chapters[:3])
        raise PartyError(
            "chapter",
            f"Chapter: “{key}” is not a Specific Annex chapter of the Convention in force; "
            f"give a label or key such as {examples}.",
        )
    return found


def _provision(key: str, on: PartialDate | None, field_name: str = "provision"):  # type: ignore[no-untyped-def]
    key = _text(key)
    found = provision(key, on.latest() if on else None) if key else None
    if found is None:
        raise PartyError(
            field_name,
            f"{_label(field_name)}: nothing in the Convention in force has the key “{key}”; "
            "keys look like sa-b/1/2 (Specific Annex B, chapter 1, provision 2) or ga/3/3.11.",
        )
    return found


# --------------------------------------------------------------------------- parties


def create_party(
    *,
    name: str,
    iso3: str | None = None,
    kind: PartyKind | str = PartyKind.STATE,
    is_wco_member: bool | None = None,
    note: str = "",
    source_url: str = "",
) -> Party:
    """Add a party (a state, union or territory) to the register."""
    values = _party_values(name, iso3, kind)
    _check_unique(values["name"], values["iso3"], None)
    party = Party(
        **values, is_wco_member=is_wco_member, note=_text(note), source_url=_text(source_url)
    )
    db.session.add(party)
    db.session.flush()
    audit.record("party.create", "party", party.id, name=party.name, iso3=party.iso3)
    return party


def update_party(
    party: Party,
    *,
    name: str,
    iso3: str | None,
    kind: PartyKind | str,
    is_wco_member: bool | None,
    note: str,
    source_url: str,
) -> Party:
    """Correct a party's details (not its record of events)."""
    values = _party_values(name, iso3, kind)
    _check_unique(values["name"], values["iso3"], party.id)
    before = {"name": party.name, "iso3": party.iso3, "kind": party.kind.value}
    party.name, party.iso3, party.kind = values["name"], values["iso3"], values["kind"]
    party.is_wco_member = is_wco_member
    party.note, party.source_url = _text(note), _text(source_url)
    db.session.flush()
    audit.record("party.update", "party", party.id, before=before, name=party.name)
    return party


def _party_values(name: str, iso3: str | None, kind: PartyKind | str) -> dict:
    name = _text(name)
    if not name:
        raise PartyError("name", "Name: give the party's name.")
    if len(name) > 200:
        raise PartyError("name", "Name: at most 200 characters.")
    code = _text(iso3).upper() or None
    if code is not None and (len(code) != 3 or not code.isascii() or not code.isalpha()):
        raise PartyError("iso3", f"ISO3: “{iso3}” is not three letters (ISO 3166-1 alpha-3).")
    try:
        party_kind = PartyKind(kind)
    except ValueError:
        raise PartyError("kind", "Kind: must be state, union or territory.") from None
    return {"name": name, "iso3": code, "kind": party_kind}


def _check_unique(name: str, iso3: str | None, own_id: int | None) -> None:
    for column, value, field_name in ((Party.name, name, "name"), (Party.iso3, iso3, "iso3")):
        if value is None:
            continue
        other = db.session.scalar(select(Party).where(column == value))
        if other is not None and other.id != own_id:
            raise PartyError(field_name, f"{_label(field_name)}: {value} is already {other}.")


# --------------------------------------------------------------------------- events


def record_instrument(
    party: Party,
    *,
    instrument: InstrumentKind | str | None,
    deposited_on: PartialDate | date | str | None,
    in_force_on: PartialDate | date | str | None = None,
    source: str = "",
    note: str = "",
) -> PartyEvent:
    """Record the deposit of an instrument: the party becomes a Contracting Party (art. 8).

    ``deposited_on`` may be None when only the party's status is known; ``in_force_on`` is
    the entry into force the depositary recorded, when it says otherwise than the rules.
    """
    deposit = _date(deposited_on, "deposited_on", required=False)
    recorded = _date(in_force_on, "in_force_on", required=False)
    kind = None
    if instrument:
        try:
            kind = InstrumentKind(instrument)
        except ValueError:
            choices = ", ".join(k.value for k in InstrumentKind)
            raise PartyError(
                "instrument", f"Instrument: “{instrument}” is not one of {choices}."
            ) from None
    standing = _standing(party)
    membership = standing.membership
    if membership is not None:
        if membership.denunciation is None:
            when = membership.instrument.event_on or "on a date not recorded"
            raise PartyError(
                "deposited_on",
                f"{party} is already a Contracting Party (instrument deposited {when}); "
                "the same instrument cannot be recorded twice.",
            )
        notice = membership.denunciation.event_on
        if deposit is None or (notice is not None and not _certainly_before(notice, deposit)):
            raise PartyError(
                "deposited_on",
                f"Deposited on: {party} denounced the Convention (notice {notice}); a new "
                "instrument must be dated after that notice.",
            )
    if recorded is not None:
        _check_recorded_entry(deposit, recorded)
    event = PartyEvent(
        party=party,
        kind=EventKind.INSTRUMENT,
        instrument=kind,
        event_on=deposit,
        in_force_on=recorded,
        source=_text(source),
        note=_text(note),
    )
    db.session.add(event)
    db.session.flush()
    audit.record(
        "party.record_instrument",
        "party",
        party.id,
        event=event.id,
        instrument=kind.value if kind else None,
        deposited_on=str(deposit or ""),
        in_force_on=str(recorded or ""),
    )
    return event


def _check_recorded_entry(deposit: PartialDate | None, recorded: PartialDate) -> None:
    floor = standings.rules().convention_in_force_on
    if recorded.latest() < floor:
        raise PartyError(
            "in_force_on",
            f"In force on: {recorded} is before the Convention itself entered into force on "
            f"{floor}.",
        )
    if deposit is not None and _certainly_before(recorded, deposit):
        raise PartyError(
            "in_force_on", f"In force on: {recorded} is before the deposit ({deposit})."
        )


def record_acceptance(
    party: Party,
    chapter: str,
    *,
    notified_on: PartialDate | date | str,
    in_force_on: PartialDate | date | str | None = None,
    source: str = "",
    note: str = "",
) -> PartyEvent:
    """Record a party's acceptance of a Specific Annex chapter (``sa-b/1`` or ``B1``)."""
    notified = _date(notified_on, "notified_on")
    recorded = _date(in_force_on, "in_force_on", required=False)
    found = _chapter(chapter, notified)
    standing = _standing(party)
    _require_party(standing, "notified_on", notified)
    existing = standing.chapter(found.key)
    if existing is not None and existing.is_current:
        raise PartyError(
            "chapter",
            f"Chapter: {party} already accepted {found.label} (notified "
            f"{existing.acceptance.event_on}); the same acceptance cannot be recorded twice.",
        )
    denounced = existing.denunciation.event_on if existing and existing.denunciation else None
    if denounced is not None and not _certainly_before(denounced, notified):
        raise PartyError(
            "notified_on",
            f"Notified on: {party} denounced {found.label} (notice "
            f"{denounced}); a new acceptance must come after it.",
        )
    if recorded is not None and _certainly_before(recorded, notified):
        raise PartyError(
            "in_force_on", f"In force on: {recorded} is before the notification ({notified})."
        )
    event = PartyEvent(
        party=party,
        kind=EventKind.ACCEPTANCE,
        node_id=found.node_id,
        event_on=notified,
        in_force_on=recorded,
        source=_text(source),
        note=_text(note),
    )
    db.session.add(event)
    db.session.flush()
    audit.record(
        "party.record_acceptance",
        "party",
        party.id,
        event=event.id,
        chapter=found.key,
        notified_on=str(notified),
    )
    return event


def record_reservation(
    party: Party,
    provision: str,
    *,
    entered_on: PartialDate | date | str,
    text: str,
    source: str = "",
) -> Reservation:
    """Record a reservation to a Recommended Practice of a chapter the party accepted."""
    entered = _date(entered_on, "entered_on")
    found = _provision(provision, entered)
    if found.kind not in RESERVABLE_KINDS:
        kind = KIND_LABELS.get(found.kind, found.kind)
        raise PartyError(
            "provision",
            f"Provision: {found.key} is a {kind}; Art. 12 allows reservations only to "
            "Recommended Practices.",
        )
    body = _text(text)
    if not body:
        raise PartyError("text", "Text: say how national law differs from the provision.")
    standing = _standing(party)
    _require_party(standing, "entered_on", entered)
    accepted = standing.chapter(found.chapter_key or "")
    if accepted is None or not accepted.is_current:
        raise PartyError(
            "provision",
            f"Provision: {party} has not accepted chapter {found.chapter_label} of which "
            f"{found.key} is part; a reservation is possible only to an accepted chapter.",
        )
    notified = accepted.acceptance.event_on
    if notified is not None and _certainly_before(entered, notified):
        raise PartyError(
            "entered_on",
            f"Entered on: {entered} is before {party} accepted chapter {accepted.chapter.label} "
            f"(notified {notified}).",
        )
    for other in standing.reservations:
        if other.key == found.key and other.is_current:
            raise PartyError(
                "provision",
                f"Provision: {party} already has a reservation to {found.key} (entered "
                f"{other.reservation.entered_on}); withdraw it before entering another.",
            )
    reservation = Reservation(
        party=party, node_id=found.node_id, text=body, entered_on=entered, source=_text(source)
    )
    db.session.add(reservation)
    db.session.flush()
    audit.record(
        "party.record_reservation",
        "reservation",
        reservation.id,
        party=party.id,
        provision=found.key,
        entered_on=str(entered),
    )
    return reservation


def withdraw_reservation(
    reservation: Reservation, *, withdrawn_on: PartialDate | date | str, source: str = ""
) -> Reservation:
    """Record the withdrawal of a reservation (art. 12: possible at any time)."""
    withdrawn = _date(withdrawn_on, "withdrawn_on")
    if reservation.withdrawn_on is not None:
        raise PartyError(
            "withdrawn_on",
            f"Withdrawn on: this reservation was already withdrawn on {reservation.withdrawn_on}.",
        )
    if _certainly_before(withdrawn, reservation.entered_on):
        raise PartyError(
            "withdrawn_on",
            f"Withdrawn on: {withdrawn} is before the reservation was entered "
            f"({reservation.entered_on}).",
        )
    reservation.withdrawn_on = withdrawn
    if _text(source):
        reservation.source = "\n".join(filter(None, [reservation.source, _text(source)]))
    db.session.flush()
    audit.record(
        "party.withdraw_reservation",
        "reservation",
        reservation.id,
        party=reservation.party_id,
        withdrawn_on=str(withdrawn),
    )
    return reservation


def record_extension(
    party: Party,
    provision: str,
    *,
    granted_on: PartialDate | date | str,
    months: int,
    requested_on: PartialDate | date | str | None = None,
    source: str = "",
    note: str = "",
) -> PartyEvent:
    """Record more time to implement a General Annex provision, or every provision of a
    General Annex chapter, granted by the Management Committee (art. 13(4)).

    Refused: anything outside the General Annex (art. 13(4)(a) speaks of its provisions
    alone); a request made after the implementation period ended; more than one year in
    all for any provision, however the extensions were granted (for it, or for its
    chapter). ``requested_on`` defaults to the grant: a grant can only follow a request.
    """
    granted = _date(granted_on, "granted_on")
    requested = _date(requested_on, "requested_on", required=False) or granted
    if _certainly_before(granted, requested):
        raise PartyError(
            "requested_on",
            f"Requested on: {requested} is after the extension was granted ({granted}).",
        )
    found = _provision(provision, granted)
    if not found.key.startswith("ga/"):
        raise PartyError(
            "provision",
            f"Provision: {found.key} is not in the General Annex; Art. 13(4) allows extensions "
            "only for General Annex provisions.",
        )
    if found.kind not in DEADLINE_KINDS and found.kind != "chapter":
        kind = KIND_LABELS.get(found.kind, found.kind)
        raise PartyError(
            "provision",
            f"Provision: {found.key} is a {kind}, which has no implementation deadline; give a "
            "Standard, a Transitional Standard or a General Annex chapter.",
        )
    rules = standings.rules()
    limit = rules.extension_max_months
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= limit:
        raise PartyError(
            "months", f"Months: an extension is from 1 to {limit} months (Art. 13(4)(b))."
        )
    standing = _standing(party)
    _require_party(standing, "granted_on", granted)
    membership = standing.membership
    assert membership is not None
    # Whatever mix of provision and chapter extensions: the most any provision concerned
    # already has (its own, its chapter's, and, for a chapter, each provision's inside it).
    already = standing.extension_months(found.key)
    prefix = found.key + "/"
    for event in standing.extensions:
        target = event.node.key if event.node else ""
        if target.startswith(prefix):
            already = max(already, standing.extension_months(target))
    why = extension_allowed(
        found.kind if found.kind != "chapter" else "chapter",
        membership.in_force_span,
        requested,
        already_months=already,
        months=months,
        rules=rules,
    )
    if why:
        field_name = "months" if "in all" in why else "requested_on"
        raise PartyError(field_name, f"{_label(field_name)}: {party}: {why}")
    event = PartyEvent(
        party=party,
        kind=EventKind.EXTENSION,
        node_id=found.node_id,
        event_on=granted,
        requested_on=requested,
        months=months,
        source=_text(source),
        note=_text(note),
    )
    db.session.add(event)
    db.session.flush()
    audit.record(
        "party.record_extension",
        "party",
        party.id,
        event=event.id,
        provision=found.key,
        months=months,
        granted_on=str(granted),
        requested_on=str(requested),
    )
    return event


def record_denunciation(
    party: Party,
    *,
    notice_on: PartialDate | date | str,
    chapter: str | None = None,
    source: str = "",
    note: str = "",
) -> PartyEvent:
    """Record a notice of denunciation of the Convention, or of one chapter (art. 17).

    Art. 17(1): the Convention only after it entered into force for the party; a notice
    certainly earlier is refused. When the date of entry into force is not recorded,
    nothing can be judged and the notice is recorded. A chapter's acceptance (Art. 17(4))
    is refused only before the acceptance itself.
    """
    notice = _date(notice_on, "notice_on")
    standing = _standing(party)
    _require_party(standing, "notice_on", notice)
    membership = standing.membership
    assert membership is not None
    if not chapter:
        why = denunciation_allowed(notice, membership.in_force_span)
        if why:
            raise PartyError("notice_on", f"Notice on: {party}: {why}")
    node_id = None
    what = "the Convention"
    if chapter:
        found = _chapter(chapter, notice)
        accepted = standing.chapter(found.key)
        if accepted is None or not accepted.is_current:
            raise PartyError(
                "chapter",
                f"Chapter: {party} has not accepted {found.label}, so it cannot denounce it.",
            )
        notified = accepted.acceptance.event_on
        if notified is not None and _certainly_before(notice, notified):
            raise PartyError(
                "notice_on",
                f"Notice on: {notice} is before {party} accepted {found.label} ({notified}).",
            )
        node_id, what = found.node_id, f"chapter {found.label}"
    elif membership.denunciation is not None:
        raise PartyError(
            "notice_on",
            f"{party} already denounced the Convention (notice "
            f"{membership.denunciation.event_on}); it cannot be recorded twice.",
        )
    event = PartyEvent(
        party=party,
        kind=EventKind.DENUNCIATION,
        node_id=node_id,
        event_on=notice,
        source=_text(source),
        note=_text(note),
    )
    db.session.add(event)
    db.session.flush()
    audit.record(
        "party.record_denunciation",
        "party",
        party.id,
        event=event.id,
        what=what,
        notice_on=str(notice),
    )
    return event


def retract_event(event: PartyEvent, *, reason: str) -> None:
    """Remove an event recorded by mistake (the audit log keeps what it said, and why)."""
    reason = _text(reason)
    if not reason:
        raise PartyError("reason", "Reason: say why the record is wrong.")
    party = event.party
    standing = _standing(party)
    if event.kind is EventKind.INSTRUMENT:
        others = [e for e in standing.events if e.id != event.id]
        if any(e.kind is not EventKind.INSTRUMENT for e in others) or standing.reservations:
            raise PartyError(
                "reason",
                f"{party} has other events recorded after its instrument; retract those first.",
            )
    if event.kind is EventKind.ACCEPTANCE:
        key = event.node.key if event.node else ""
        if any(r.key.startswith(key + "/") for r in standing.reservations) or any(
            e.kind is not EventKind.ACCEPTANCE
            and e.node is not None
            and (e.node.key == key or e.node.key.startswith(key + "/"))
            for e in standing.events
        ):
            raise PartyError(
                "reason",
                f"Reservations, extensions or a denunciation refer to {key}; retract those first.",
            )
    detail = {
        "event": event.id,
        "kind": event.kind.value,
        "event_on": str(event.event_on or ""),
        "node": event.node.key if event.node else None,
        "reason": reason,
    }
    db.session.delete(event)
    db.session.flush()
    audit.record("party.retract_event", "party", party.id, **detail)


def retract_reservation(reservation: Reservation, *, reason: str) -> None:
    """Remove a reservation recorded by mistake (a real withdrawal is withdraw_reservation)."""
    reason = _text(reason)
    if not reason:
        raise PartyError("reason", "Reason: say why the record is wrong.")
    detail = {
        "reservation": reservation.id,
        "provision": reservation.node.key,
        "entered_on": str(reservation.entered_on),
        "reason": reason,
    }
    party_id = reservation.party_id
    db.session.delete(reservation)
    db.session.flush()
    audit.record("party.retract_reservation", "party", party_id, **detail)


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
    membership = None if created else _standing(party).membership
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
        chapter = _chapter(claim.label, notified)
        existing = _standing(party).chapter(chapter.key)
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
        current = _standing(party).current_chapters
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
        _check_recorded_entry(event.event_on, recorded)
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
    if given is None or _same(current, given):
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
