"""Every write of the review register: bodies, meetings, agendas, documents. No Flask here.

Each refusal is a `ReviewError` naming the field at fault, raised before anything is written
(or with the savepoint rolled back), so the caller's transaction stores nothing of it.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from rkc import audit
from rkc.extensions import db
from rkc.interchange.docx_import import checked_package
from rkc.interchange.report import ImportRefused
from rkc.review.models import (
    DEFAULT_PATTERN,
    LANGUAGE_LETTERS,
    AgendaItem,
    Body,
    Document,
    DocumentKind,
    DocumentLevel,
    Meeting,
    MeetingMode,
    MeetingStatus,
    Purpose,
    SymbolCounter,
    ordinal,
)

#: The two bodies that have held the review (DOMAIN.md section 5).
SEED_BODIES = (
    ("WGRKC", "Working Group on the Revised Kyoto Convention"),
    ("RKC/MC", "Revised Kyoto Convention Management Committee"),
)
#: Largest document file accepted (bytes), whatever MAX_CONTENT_LENGTH allows.
DEFAULT_FILE_LIMIT = 8 * 1024 * 1024
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
_PLACEHOLDER = re.compile(r"\{([a-z]+)(?::(\d))?\}")
_SERIES = re.compile(r"^[A-Z]{1,10}$")


class ReviewError(ValueError):
    """Bad input for the review register; `field` names the form field at fault."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


# --------------------------------------------------------------------------- bodies


def seed_bodies() -> int:
    """Create the WGRKC and the RKC/MC if missing; how many were created."""
    made = 0
    for code, name in SEED_BODIES:
        if db.session.scalar(select(Body.id).where(Body.code == code)) is None:
            db.session.add(Body(code=code, name=name, series="RK", symbol_pattern=DEFAULT_PATTERN))
            made += 1
    db.session.flush()
    return made


def check_pattern(pattern: str, series: str) -> None:
    """Refuse a symbol pattern that cannot mint unique symbols."""
    if not _SERIES.match(series or ""):
        raise ReviewError("series", "Series: one to ten capital letters, e.g. RK.")
    names = [m.group(1) for m in _PLACEHOLDER.finditer(pattern)]
    unknown = sorted(set(names) - {"series", "number", "lang", "version"})
    if unknown:
        raise ReviewError(
            "symbol_pattern",
            f"Symbol pattern: unknown placeholder {{{unknown[0]}}}; use {{series}}, "
            "{number:N}, {lang} and {version}.",
        )
    for needed in ("number", "lang", "version"):
        if names.count(needed) != 1:
            raise ReviewError(
                "symbol_pattern",
                f"Symbol pattern: it must hold {{{needed}}} exactly once, or two documents "
                "could get the same symbol.",
            )
    rest = _PLACEHOLDER.sub("", pattern)
    if "{" in rest or "}" in rest or not re.fullmatch(r"[A-Za-z0-9/._ -]*", rest):
        raise ReviewError(
            "symbol_pattern",
            "Symbol pattern: besides the placeholders, only letters, digits, '/', '.', '-', "
            "'_' and spaces.",
        )
    width = next(
        int(m.group(2) or 0) for m in _PLACEHOLDER.finditer(pattern) if m.group(1) == "number"
    )
    if width < 1:
        raise ReviewError(
            "symbol_pattern",
            "Symbol pattern: give the number a fixed width, e.g. {number:4}, so that symbols "
            "cannot run into the digit that follows.",
        )


def configure_body(body: Body, *, series: str, symbol_pattern: str) -> None:
    check_pattern(symbol_pattern, series)
    body.series, body.symbol_pattern = series, symbol_pattern
    audit.record("review.configure_body", "review_body", body.id, pattern=symbol_pattern)


def render_symbol(body: Body, series: str, number: int, language: str, version: int) -> str:
    """The symbol the body's pattern gives; ReviewError when it cannot hold the values."""
    check_pattern(body.symbol_pattern, series)

    def fill(m: re.Match[str]) -> str:
        name, width = m.group(1), int(m.group(2) or 0)
        if name == "series":
            return series
        if name == "lang":
            return LANGUAGE_LETTERS[language]
        value = number if name == "number" else version
        text = str(value).zfill(width)
        if name == "number" and len(text) > width:
            raise ReviewError(
                "symbol_pattern",
                f"Symbol pattern: number {number} does not fit in {width} digits; widen "
                "{number} in the body's pattern.",
            )
        if name == "version" and version > 9 and m.group(2) is None:
            raise ReviewError("version", "Version: a document has at most nine versions.")
        return text

    return _PLACEHOLDER.sub(fill, body.symbol_pattern)


# --------------------------------------------------------------------------- meetings


def _meeting_fields(
    starts_on: date, ends_on: date, mode: str, languages: list[str], status: str
) -> tuple[MeetingMode, list[str], MeetingStatus]:
    if ends_on < starts_on:
        raise ReviewError("ends_on", f"Ends on: {ends_on} is before the start, {starts_on}.")
    try:
        mode_value = MeetingMode(mode)
    except ValueError:
        raise ReviewError("mode", "Mode: in person, virtual or hybrid.") from None
    try:
        status_value = MeetingStatus(status)
    except ValueError:
        raise ReviewError("status", "Status: planned, convened or closed.") from None
    codes = [code for code in LANGUAGE_LETTERS if code in set(languages)]
    if not codes or len(codes) != len(set(languages)):
        raise ReviewError("languages", "Languages: English, French or both.")
    return mode_value, codes, status_value


def _taken(body: Body, number: int) -> ReviewError:
    return ReviewError(
        "number",
        f"Ordinal: the {body.code} already has a {ordinal(number)} session; each ordinal is "
        "used once per body.",
    )


def create_meeting(
    body: Body,
    *,
    number: int,
    starts_on: date,
    ends_on: date,
    mode: str,
    languages: list[str],
    venue: str = "",
    status: str = "planned",
) -> Meeting:
    """A new numbered session; a second session with the same ordinal is refused."""
    if isinstance(number, bool) or not 1 <= number <= 999:
        raise ReviewError("number", "Ordinal: a session number from 1 to 999.")
    mode_value, codes, status_value = _meeting_fields(starts_on, ends_on, mode, languages, status)
    if len(venue.strip()) > 300:
        raise ReviewError("venue", "Venue: 300 characters at most.")
    if db.session.scalar(
        select(Meeting.id).where(Meeting.body_id == body.id, Meeting.number == number)
    ):
        raise _taken(body, number)
    meeting = Meeting(
        body=body,
        number=number,
        starts_on=starts_on,
        ends_on=ends_on,
        mode=mode_value,
        languages=",".join(codes),
        venue=venue.strip(),
        status=status_value,
    )
    try:
        # A concurrent request may have taken the ordinal since the check: the unique
        # constraint decides, and the savepoint keeps the caller's transaction usable.
        with db.session.begin_nested():
            db.session.add(meeting)
    except IntegrityError:
        raise _taken(body, number) from None
    audit.record(
        "review.create_meeting", "review_meeting", meeting.id, body=body.code, number=number
    )
    return meeting


def set_status(meeting: Meeting, status: str) -> None:
    try:
        meeting.status = MeetingStatus(status)
    except ValueError:
        raise ReviewError("status", "Status: planned, convened or closed.") from None
    audit.record("review.meeting_status", "review_meeting", meeting.id, status=status)


# --------------------------------------------------------------------------- agenda


def _under(parent_id: int | None):  # type: ignore[no-untyped-def]
    if parent_id is None:
        return AgendaItem.parent_id.is_(None)
    return AgendaItem.parent_id == parent_id


def _siblings(meeting: Meeting, parent_id: int | None) -> list[AgendaItem]:
    return list(
        db.session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id, _under(parent_id))
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    )


def add_item(
    meeting: Meeting, *, title: str, purpose: str, parent: AgendaItem | None = None
) -> AgendaItem:
    """Append an item to the agenda (under `parent`: a sub-item; two levels at most)."""
    title = " ".join(title.split())
    if not title:
        raise ReviewError("title", "Title: say what the item is about.")
    if len(title) > 500:
        raise ReviewError("title", "Title: 500 characters at most.")
    try:
        purpose_value = Purpose(purpose)
    except ValueError:
        raise ReviewError("purpose", "Purpose: for decision, guidance or information.") from None
    if parent is not None:
        if parent.meeting_id != meeting.id:
            raise ReviewError("parent_id", "Under: that item is on another meeting's agenda.")
        if parent.parent_id is not None:
            raise ReviewError("parent_id", "Under: items nest two levels deep (III, III.b).")
    last = db.session.scalar(
        select(func.max(AgendaItem.position)).where(
            AgendaItem.meeting_id == meeting.id, _under(parent.id if parent else None)
        )
    )
    item = AgendaItem(
        meeting=meeting,
        parent_id=parent.id if parent else None,
        position=(last or 0) + 1,
        title=title,
        purpose=purpose_value,
    )
    db.session.add(item)
    db.session.flush()
    audit.record("review.add_item", "review_agenda_item", item.id, meeting=meeting.id)
    return item


def move_item(item: AgendaItem, offset: int) -> None:
    """Move an item up (-1) or down (+1) among its siblings; its id never changes."""
    siblings = _siblings(item.meeting, item.parent_id)
    index = siblings.index(item)
    target = index + offset
    if offset not in (-1, 1) or not 0 <= target < len(siblings):
        raise ReviewError("offset", "Move: the item is already at that end of the agenda.")
    siblings[index], siblings[target] = siblings[target], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        sibling.position = position
    db.session.flush()
    audit.record("review.move_item", "review_agenda_item", item.id, offset=offset)


# --------------------------------------------------------------------------- documents


def check_file(data: bytes, filename: str, *, limit: int = DEFAULT_FILE_LIMIT) -> str:
    """The mimetype of an acceptable upload (Word .docx or PDF), or a ReviewError.

    A .docx goes through the Word import's bounded reader (members, inflated bytes, XML
    elements and depth); a PDF is checked by its magic bytes and its size.
    """
    name = filename.lower()
    if not data:
        raise ReviewError("file", "File: the upload is empty.")
    if len(data) > limit:
        raise ReviewError(
            "file", f"File: {len(data)} bytes; files up to {limit} bytes are accepted."
        )
    if name.endswith(".pdf"):
        if not data.startswith(b"%PDF-"):
            raise ReviewError("file", f"File: {filename} does not start as a PDF file does.")
        return PDF
    if name.endswith(".docx"):
        try:
            checked_package(data, filename, limit=limit)
        except ImportRefused as exc:
            reasons = "; ".join(f.reason for f in exc.findings)
            raise ReviewError("file", f"File: {reasons}.") from None
        return DOCX
    raise ReviewError("file", "File: a Word (.docx) or PDF (.pdf) file.")


def _next_number(body: Body, series: str) -> int:
    """Raise the body's counter for `series` atomically and return the new number.

    The UPDATE takes the row's lock (PostgreSQL) or the database's write lock (SQLite) until
    the transaction ends, so two requests can never read the same value.
    """
    bump = (
        update(SymbolCounter)
        .where(SymbolCounter.body_id == body.id, SymbolCounter.series == series)
        .values(last_number=SymbolCounter.last_number + 1)
        .returning(SymbolCounter.last_number)
    )
    number = db.session.execute(bump).scalar()
    if number is None:
        try:
            with db.session.begin_nested():
                db.session.execute(
                    insert(SymbolCounter).values(body_id=body.id, series=series, last_number=0)
                )
        except IntegrityError:
            pass  # another request created the row first: raise it as it stands
        number = db.session.execute(bump).scalar_one()
    return number


def _store(
    body: Body,
    *,
    series: str,
    number: int,
    language: str,
    version: int,
    title: str,
    data: bytes,
    filename: str,
    meeting: Meeting | None,
    kind: DocumentKind = DocumentKind.ORIGINAL,
    parent: Document | None = None,
    level: DocumentLevel = DocumentLevel.PARTIES_AND_OBSERVERS,
    limit: int = DEFAULT_FILE_LIMIT,
) -> Document:
    title = " ".join(title.split())
    if not title:
        raise ReviewError("title", "Title: give the document's title.")
    if len(title) > 500:
        raise ReviewError("title", "Title: 500 characters at most.")
    if language not in LANGUAGE_LETTERS:
        raise ReviewError("language", "Language: English or French.")
    if meeting is not None and meeting.body_id != body.id:
        raise ReviewError("meeting_id", "Meeting: a meeting of the same body.")
    mimetype = check_file(data, filename, limit=limit)
    symbol = render_symbol(body, series, number, language, version)
    document = Document(
        body=body,
        meeting=meeting,
        series=series,
        number=number,
        language=language,
        version=version,
        symbol=symbol,
        title=title,
        kind=kind,
        parent=parent,
        level=level,
        filename=filename[-255:],
        mimetype=mimetype,
        content=data,
        size=len(data),
    )
    try:
        with db.session.begin_nested():
            db.session.add(document)
    except IntegrityError:
        raise ReviewError(
            "language", f"Symbol: {symbol} is registered already; symbols are never reused."
        ) from None
    audit.record("review.register_document", "review_document", document.id, symbol=symbol)
    return document


def register_document(
    body: Body,
    *,
    title: str,
    language: str,
    data: bytes,
    filename: str,
    meeting: Meeting | None = None,
    series: str | None = None,
    kind: str = "original",
    parent: Document | None = None,
    level: str = "parties_and_observers",
    limit: int = DEFAULT_FILE_LIMIT,
) -> Document:
    """A new document with a freshly minted number (version 1), readable at `level`."""
    series = series or body.series
    try:
        level_value = DocumentLevel(level)
    except ValueError:
        raise ReviewError(
            "level", "Distribution: public, parties and observers, parties only or Secretariat."
        ) from None
    check_pattern(body.symbol_pattern, series)
    try:
        kind_value = DocumentKind(kind)
    except ValueError:
        raise ReviewError("kind", "Kind: document, addendum or corrigendum.") from None
    if (kind_value is DocumentKind.ORIGINAL) != (parent is None):
        raise ReviewError(
            "parent_id",
            "Parent: an addendum or a corrigendum names its parent; a document does not.",
        )
    # Check what can be checked before the number is spent (a refusal rolls back anyway).
    check_file(data, filename, limit=limit)
    number = _next_number(body, series)
    return _store(
        body,
        series=series,
        number=number,
        language=language,
        version=1,
        title=title,
        data=data,
        filename=filename,
        meeting=meeting,
        kind=kind_value,
        parent=parent,
        level=level_value,
        limit=limit,
    )


def add_language(
    original: Document,
    *,
    language: str,
    title: str,
    data: bytes,
    filename: str,
    limit: int = DEFAULT_FILE_LIMIT,
) -> Document:
    """The same document in another language: same number and version."""
    return _store(
        original.body,
        series=original.series,
        number=original.number,
        language=language,
        version=original.version,
        title=title,
        data=data,
        filename=filename,
        meeting=original.meeting,
        kind=original.kind,
        parent=original.parent,
        level=original.level,
        limit=limit,
    )


def revise(
    current: Document, *, title: str, data: bytes, filename: str, limit: int = DEFAULT_FILE_LIMIT
) -> Document:
    """A new version of one language version; the earlier one is marked superseded."""
    if current.is_superseded:
        raise ReviewError(
            "file", f"Revise: {current.symbol} is superseded already; revise its latest version."
        )
    revision = _store(
        current.body,
        series=current.series,
        number=current.number,
        language=current.language,
        version=current.version + 1,
        title=title,
        data=data,
        filename=filename,
        meeting=current.meeting,
        kind=current.kind,
        parent=current.parent,
        level=current.level,
        limit=limit,
    )
    current.superseded_by = revision
    db.session.flush()
    return revision
