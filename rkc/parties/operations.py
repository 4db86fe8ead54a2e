"""Every write about Contracting Parties, one function per use case. No Flask here.

Size: about 650 lines, kept whole: one short function per depositary event (instrument,
acceptance, reservation, extension, denunciation, retraction), each checked against the same
record with the same small checks at the top.

Each function checks its input against the party's record and raises :class:`PartyError`
(naming the field at fault) before it writes anything; it flushes but never commits, and
records what it did in the audit log. The checks that matter most (DOMAIN.md section 3):
an acceptance needs a Contracting Party; nothing happens before the party joined; only
Recommended Practices can be reserved; the same thing cannot be recorded twice. Importing a
whole table of parties (the seed CSV, the depositary's table) is `rkc.parties.register_import`,
which records each row through the functions here.
"""

from __future__ import annotations

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
from rkc.parties.models import (
    EventKind,
    InstrumentKind,
    Party,
    PartyEvent,
    PartyKind,
    Reservation,
)
from rkc.parties.periods import PartialDate


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


def same_date(a: PartialDate | None, b: PartialDate | None) -> bool:
    return str(a or "") == str(b or "")


def _text(value: str | None) -> str:
    return (value or "").strip()


def flushed_standing(party: Party) -> standings.Standing:
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


def chapter_named(key: str, on: PartialDate | None) -> Chapter:
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
    standing = flushed_standing(party)
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
        check_recorded_entry(deposit, recorded)
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


def check_recorded_entry(deposit: PartialDate | None, recorded: PartialDate) -> None:
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
    found = chapter_named(chapter, notified)
    standing = flushed_standing(party)
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
    standing = flushed_standing(party)
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
    standing = flushed_standing(party)
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
    standing = flushed_standing(party)
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
        found = chapter_named(chapter, notice)
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
    standing = flushed_standing(party)
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
