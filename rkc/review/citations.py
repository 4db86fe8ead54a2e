"""Amendments meet meetings: the meeting (and agenda item) a change of status cites, what a
meeting discussed and decided, and a compilation of amendments issued as a meeting document.

A citation is checked before the status changes (an unknown meeting, an item of another
meeting: a `ReviewError` naming the field, nothing stored); the status change itself is
`rkc.amendments.lifecycle.change_status`, unchanged, and the citation row points at the
transition it wrote. "Discussed at" are the steps that open or carry on the discussion
(tabled, under discussion); "decided at" are the others (agreed, not agreed, withdrawn,
superseded).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from rkc import audit
from rkc.amendments import compilation_languages, lifecycle
from rkc.amendments import queries as amendment_queries
from rkc.amendments.languages import draft_languages
from rkc.amendments.models import Amendment, AmendmentStatus, AmendmentTransition
from rkc.auth.models import User
from rkc.auth.permissions import Action, can
from rkc.convention import queries as text_queries
from rkc.convention.models import Edition
from rkc.extensions import db
from rkc.interchange.compilation import compilation_file
from rkc.review import operations as ops
from rkc.review.models import AgendaItem, AmendmentCitation, Document, Meeting
from rkc.review.queries import agenda

ReviewError = ops.ReviewError

#: The steps that discuss an amendment; every other cited step decides it.
DISCUSSING = frozenset({AmendmentStatus.TABLED, AmendmentStatus.UNDER_DISCUSSION})


def resolve(
    meeting_id: int | None, agenda_item_id: int | None
) -> tuple[Meeting | None, AgendaItem | None]:
    """The meeting and item a form or a request names, or a ReviewError naming the field."""
    if meeting_id is None:
        if agenda_item_id is not None:
            raise ReviewError("agenda_item", "Agenda item: name the meeting it belongs to too.")
        return None, None
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise ReviewError("meeting", f"Meeting: there is no meeting {meeting_id}.")
    item = None
    if agenda_item_id is not None:
        item = db.session.get(AgendaItem, agenda_item_id)
        if item is None or item.meeting_id != meeting.id:
            raise ReviewError(
                "agenda_item",
                f"Agenda item: the agenda of the {meeting.short} session has no item "
                f"{agenda_item_id}.",
            )
    return meeting, item


def change_status(
    amendment: Amendment,
    to: str,
    *,
    user: User,
    reason: str = "",
    superseded_by: Amendment | None = None,
    meeting_id: int | None = None,
    agenda_item_id: int | None = None,
) -> AmendmentTransition:
    """`lifecycle.change_status`, citing the meeting and item when given (checked first)."""
    meeting, item = resolve(meeting_id, agenda_item_id)
    transition = lifecycle.change_status(
        amendment, to, user=user, reason=reason, superseded_by=superseded_by
    )
    if meeting is not None:
        db.session.add(
            AmendmentCitation(
                transition_id=transition.id,
                amendment_id=amendment.id,
                meeting_id=meeting.id,
                agenda_item_id=item.id if item is not None else None,
            )
        )
        db.session.flush()
        audit.record(
            "review.cite_meeting",
            "amendment",
            amendment.id,
            meeting=meeting.id,
            item=item.id if item is not None else None,
            status=transition.to_status.value,
        )
    return transition


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Cited:
    """One cited step: the amendment, its new status, the meeting, the item and its number."""

    amendment: Amendment
    status: AmendmentStatus
    at: datetime
    meeting: Meeting
    item: AgendaItem | None
    item_number: str

    @property
    def decided(self) -> bool:
        return self.status not in DISCUSSING


def _numbers(meetings: set[Meeting]) -> dict[int, str]:
    found: dict[int, str] = {}
    for meeting in meetings:
        found.update({n.item.id: n.number for n in agenda(meeting)})
    return found


def _cited(rows: list[AmendmentCitation]) -> list[Cited]:
    numbers = _numbers({row.meeting for row in rows})
    return [
        Cited(
            amendment=row.amendment,
            status=row.transition.to_status,
            at=row.transition.at,
            meeting=row.meeting,
            item=row.item,
            item_number=numbers.get(row.agenda_item_id or 0, ""),
        )
        for row in rows
    ]


def _query():  # type: ignore[no-untyped-def]
    return (
        select(AmendmentCitation)
        .join(AmendmentTransition, AmendmentTransition.id == AmendmentCitation.transition_id)
        .options(
            selectinload(AmendmentCitation.transition),
            selectinload(AmendmentCitation.meeting).selectinload(Meeting.body),
            selectinload(AmendmentCitation.item),
            selectinload(AmendmentCitation.amendment),
        )
        .order_by(AmendmentTransition.at, AmendmentCitation.id)
    )


def of_amendment(amendment: Amendment) -> list[Cited]:
    """The meetings an amendment's steps cite, in the order of the steps."""
    rows = db.session.scalars(_query().where(AmendmentCitation.amendment_id == amendment.id))
    return _cited(list(rows))


def of_meeting(meeting: Meeting, reader: object) -> list[Cited]:
    """The amendments a meeting discussed or decided that `reader` may see."""
    rows = db.session.scalars(_query().where(AmendmentCitation.meeting_id == meeting.id))
    return [c for c in _cited(list(rows)) if can(reader, Action.READ_AMENDMENT, c.amendment)]


# --------------------------------------------------------------------------- compilations


def issue_compilation(
    meeting: Meeting,
    edition: Edition,
    *,
    user: User,
    title: str,
    language: str = "en",
    chapter_key: str = "",
    level: str = "parties_and_observers",
    generated_at: datetime,
) -> Document:
    """Register the compilation of a working draft's tabled amendments (or one chapter's),
    in Word with tracked changes, as a numbered document of the meeting."""
    if not can(user, Action.MANAGE_MEETINGS):
        raise ReviewError("user", "Only the Secretariat issues meeting documents.")
    if edition.is_frozen:
        raise ReviewError("edition", "Working draft: amendments are compiled from one.")
    if language not in draft_languages(edition):
        raise ReviewError("language", "Language: the draft holds no text in that language.")
    chapter_key = chapter_key.strip()
    flt = amendment_queries.AmendmentFilter(edition_id=edition.id, chapter_key=chapter_key)
    compiled = amendment_queries.compilation(edition, flt, user)
    if chapter_key:
        node = text_queries.node_by_key(chapter_key)
        if node is None or text_queries.entry_of(edition, node) is None:
            raise ReviewError("chapter", f"Chapter: the draft has no unit “{chapter_key}”.")
    compiled = compilation_languages.in_language(compiled, language)
    data, _mimetype, filename = compilation_file(
        compiled, "docx", generated_at=generated_at, language=language
    )
    return ops.register_document(
        meeting.body,
        title=title,
        language=language,
        data=data,
        filename=filename,
        meeting=meeting,
        level=level,
    )
