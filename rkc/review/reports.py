"""A meeting's report: decisions per agenda item, drafted, adopted, then only corrected.

The Secretariat writes the draft; every save names the revision it started from, and a save
based on an older revision is refused with `StaleReport`, which carries the report as it
stands so that the writer sees both texts. Adoption locks the text: an adopted entry is never
rewritten; a correction is a numbered corrigendum, kept with its date and reason, and the
item then reads as its latest corrigendum says. Each refusal is a `ReviewError` naming the
field, raised before anything is written. No Flask here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from rkc import audit
from rkc.amendments.models import Amendment, AmendmentStatus
from rkc.auth.models import User
from rkc.auth.permissions import Action, can
from rkc.convention.models import utcnow
from rkc.extensions import db
from rkc.review.models import (
    AgendaItem,
    Document,
    Meeting,
    Report,
    ReportCorrigendum,
    ReportEntry,
    ReportLink,
    ReportStatus,
)
from rkc.review.operations import ReviewError
from rkc.review.queries import NumberedItem, agenda

#: Longest text of one item (characters).
MAX_TEXT = 50_000
#: Longest reason of a corrigendum.
MAX_REASON = 2_000
#: Titles of the item at which a body adopts the report of its previous session.
ADOPTION_TITLE = re.compile(r"\badoption\s+(of\s+the|du)\s+(draft\s+)?(report|rapport)\b", re.I)
_SPLIT = re.compile(r"[\s,;]+")


class ReportRefused(ReviewError):
    """The user's role may not do this (403)."""


class StaleReport(ReviewError):
    """The save started from an older revision (409): `report` is the report as it stands."""

    def __init__(self, report: Report | None, message: str):
        super().__init__("revision", message)
        self.report = report


@dataclass
class EntryInput:
    """What a form or a request says about one agenda item."""

    item_id: int
    text: str = ""
    amendments: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)


def split_references(raw: str) -> list[str]:
    """ "RD/001, RD/002" or one per line -> ["RD/001", "RD/002"]."""
    return [part for part in _SPLIT.split(raw or "") if part]


def report_of(meeting: Meeting) -> Report | None:
    return db.session.scalar(select(Report).where(Report.meeting_id == meeting.id))


def _secretariat(user: User, what: str) -> None:
    if not can(user, Action.MANAGE_MEETINGS):
        raise ReportRefused("user", f"Only the Secretariat {what}.")


def _clean(text: str) -> str:
    return "\n".join(line.rstrip() for line in (text or "").replace("\r\n", "\n").split("\n"))


def _amendment(number: str, field_name: str) -> Amendment:
    found = list(
        db.session.scalars(
            select(Amendment).where(Amendment.number == number.strip().upper()).limit(2)
        )
    )
    if len(found) != 1:
        raise ReviewError(
            field_name,
            f"Amendments: no amendment is numbered “{number}”."
            if not found
            else f"Amendments: “{number}” names amendments of two drafts.",
        )
    if found[0].status is AmendmentStatus.DRAFT:
        raise ReviewError(field_name, f"Amendments: “{number}” is not tabled.")
    return found[0]


def _document(symbol: str, field_name: str) -> Document:
    found = db.session.scalar(select(Document).where(Document.symbol == symbol.strip().upper()))
    if found is None:
        raise ReviewError(field_name, f"Documents: no document has the symbol “{symbol}”.")
    return found


def _checked(meeting: Meeting, entries: list[EntryInput]) -> list[tuple[EntryInput, list]]:
    """Each entry with the amendments and documents it names; ReviewError for a bad one."""
    items = {item.id for item in meeting.items}
    seen: set[int] = set()
    out = []
    for entry in entries:
        if entry.item_id not in items or entry.item_id in seen:
            raise ReviewError(
                f"item-{entry.item_id}",
                f"Item: {entry.item_id} is not on the agenda of the {meeting.short} session"
                if entry.item_id not in items
                else f"Item: {entry.item_id} is named twice.",
            )
        seen.add(entry.item_id)
        entry.text = _clean(entry.text)
        if len(entry.text) > MAX_TEXT:
            raise ReviewError(
                f"text-{entry.item_id}", f"Text: {MAX_TEXT:,} characters at most per item."
            )
        if "\x00" in entry.text:
            raise ReviewError(f"text-{entry.item_id}", "Text: holds a NUL character.")
        targets: list = [_amendment(n, f"amendments-{entry.item_id}") for n in entry.amendments]
        targets += [_document(s, f"documents-{entry.item_id}") for s in entry.documents]
        out.append((entry, list(dict.fromkeys(targets))))
    return out


def save_draft(
    meeting: Meeting, *, user: User, expected_revision: int, entries: list[EntryInput]
) -> Report:
    """Write the draft report: `entries` replace what it said (an item left out, or left
    empty, records nothing). `expected_revision` is the revision the edit started from (0
    when there was no report yet)."""
    _secretariat(user, "writes the report")
    report = report_of(meeting)
    if report is not None and report.is_adopted:
        raise ReviewError(
            "entries",
            f"Report: adopted on {report.adopted_at:%Y-%m-%d}; it is no longer edited. "
            "Record a corrigendum to correct it.",
        )
    current = report.revision if report is not None else 0
    if expected_revision != current:
        raise StaleReport(report, _stale_words(current, expected_revision))
    checked = _checked(meeting, entries)
    if report is None:
        report = Report(meeting_id=meeting.id, status=ReportStatus.DRAFT, revision=1)
        try:
            with db.session.begin_nested():
                report.updated_by_id = user.id
                db.session.add(report)
        except IntegrityError:
            db.session.expire_all()
            raise StaleReport(
                report_of(meeting), "Report: someone began it at the same moment."
            ) from None
    else:
        _bump(report, expected_revision, user)
    db.session.execute(
        delete(ReportLink).where(
            ReportLink.entry_id.in_(
                select(ReportEntry.id).where(ReportEntry.report_id == report.id)
            )
        )
    )
    db.session.execute(delete(ReportEntry).where(ReportEntry.report_id == report.id))
    for entry, targets in checked:
        if not entry.text.strip() and not targets:
            continue
        row = ReportEntry(report_id=report.id, agenda_item_id=entry.item_id, text=entry.text)
        row.links = [
            ReportLink(amendment=t) if isinstance(t, Amendment) else ReportLink(document=t)
            for t in targets
        ]
        db.session.add(row)
    db.session.flush()
    db.session.expire(report)
    audit.record("review.report_draft", "review_report", report.id, revision=report.revision)
    return report


def _stale_words(current: int, expected: int) -> str:
    return (
        f"Report: it was saved again since you opened it (revision {current}, yours started "
        f"from {expected}). Both texts are shown: copy what you need into the current one."
    )


def _bump(report: Report, expected: int, user: User) -> None:
    """Raise the revision only if nobody saved or adopted since (compare and set)."""
    db.session.flush()
    result = db.session.execute(
        update(Report)
        .where(
            Report.id == report.id,
            Report.revision == expected,
            Report.status == ReportStatus.DRAFT,
        )
        .values(revision=expected + 1, updated_at=utcnow(), updated_by_id=user.id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.expire(report)
        if report.is_adopted:
            raise ReviewError("entries", "Report: it was adopted meanwhile; it is locked.")
        raise StaleReport(report, _stale_words(report.revision, expected))


def adopt(report: Report, *, user: User, expected_revision: int) -> Report:
    """Adopt the draft as it stands at `expected_revision`; its text is locked from now on."""
    _secretariat(user, "records the adoption of a report")
    if report.is_adopted:
        raise ReviewError("status", "Report: it is adopted already.")
    if expected_revision != report.revision:
        raise StaleReport(report, _stale_words(report.revision, expected_revision))
    _bump(report, expected_revision, user)
    db.session.execute(
        update(Report)
        .where(Report.id == report.id)
        .values(status=ReportStatus.ADOPTED, adopted_at=utcnow(), adopted_by_id=user.id)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(report)
    audit.record("review.report_adopt", "review_report", report.id, revision=report.revision)
    return report


def add_corrigendum(
    report: Report, *, user: User, agenda_item_id: int, text: str, reason: str
) -> ReportCorrigendum:
    """Correct one item of an adopted report: its text as corrected, and why."""
    _secretariat(user, "corrects an adopted report")
    if not report.is_adopted:
        raise ReviewError("agenda_item", "Corrigendum: the report is a draft; edit it instead.")
    item = db.session.get(AgendaItem, agenda_item_id)
    if item is None or item.meeting_id != report.meeting_id:
        raise ReviewError(
            "agenda_item", f"Agenda item: the report's meeting has no item {agenda_item_id}."
        )
    text = _clean(text)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ReviewError("reason", "Reason: say what the corrigendum corrects and why.")
    if len(reason) > MAX_REASON:
        raise ReviewError("reason", f"Reason: {MAX_REASON:,} characters at most.")
    if len(text) > MAX_TEXT or "\x00" in text:
        raise ReviewError("text", f"Text: {MAX_TEXT:,} characters at most, no NUL character.")
    if text == current_text(report, item.id):
        raise ReviewError("text", "Text: it reads so already; a corrigendum changes the text.")
    number = (
        db.session.scalar(
            select(func.max(ReportCorrigendum.number)).where(
                ReportCorrigendum.report_id == report.id
            )
        )
        or 0
    ) + 1
    corrigendum = ReportCorrigendum(
        report_id=report.id,
        number=number,
        agenda_item_id=item.id,
        text=text,
        reason=reason,
        made_by_id=user.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(corrigendum)
    except IntegrityError:
        raise StaleReport(report, "Corrigendum: another was recorded at the same moment.") from None
    audit.record("review.report_corrigendum", "review_report", report.id, number=number)
    return corrigendum


# --------------------------------------------------------------------------- reading


def current_text(report: Report, item_id: int) -> str:
    """What the report says now under an item: its latest corrigendum, else the entry."""
    for corrigendum in reversed(report.corrigenda):
        if corrigendum.agenda_item_id == item_id:
            return corrigendum.text
    entry = next((e for e in report.entries if e.agenda_item_id == item_id), None)
    return entry.text if entry is not None else ""


@dataclass
class ReportItem:
    """One agenda item as the report records it, for a reader."""

    numbered: NumberedItem
    text: str
    adopted_text: str
    amendments: list[Amendment]
    documents: list[Document]
    corrigenda: list[ReportCorrigendum]


def report_items(report: Report | None, meeting: Meeting, reader: object) -> list[ReportItem]:
    """Every agenda item with what the report records: links to what `reader` may see."""
    entries = {e.agenda_item_id: e for e in report.entries} if report is not None else {}
    out = []
    for numbered in agenda(meeting):
        entry = entries.get(numbered.item.id)
        links = entry.links if entry is not None else []
        out.append(
            ReportItem(
                numbered=numbered,
                text=current_text(report, numbered.item.id) if report is not None else "",
                adopted_text=entry.text if entry is not None else "",
                amendments=[
                    link.amendment
                    for link in links
                    if link.amendment is not None
                    and can(reader, Action.READ_AMENDMENT, link.amendment)
                ],
                documents=[
                    link.document
                    for link in links
                    if link.document is not None
                    and can(reader, Action.READ_DOCUMENT, link.document)
                ],
                corrigenda=[
                    c
                    for c in (report.corrigenda if report is not None else [])
                    if c.agenda_item_id == numbered.item.id
                ],
            )
        )
    return out


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The body's session before this one."""
    return db.session.scalar(
        select(Meeting)
        .where(Meeting.body_id == meeting.body_id, Meeting.number < meeting.number)
        .order_by(Meeting.number.desc())
        .limit(1)
    )


def adoption_links(meeting: Meeting) -> dict[int, Meeting]:
    """Agenda item id -> the previous session whose report that item adopts ("Adoption of
    the report ..."), when that session has a report."""
    items = [i for i in meeting.items if ADOPTION_TITLE.search(i.title)]
    if not items:
        return {}
    previous = previous_meeting(meeting)
    if previous is None or report_of(previous) is None:
        return {}
    return {item.id: previous for item in items}
