"""JSON API of the review register: meetings, their agenda items and documents.

Members read (a token or a session); the Secretariat writes, with a token of the write scope.
Writes go through rkc.review.operations, as the pages' do; a refusal is a 400 naming the member.
The models are in rkc/api/schemas/review.py.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, url_for
from flask_login import current_user

from rkc.api import spec
from rkc.api.schemas import review as s
from rkc.api.spec import operation, refuse
from rkc.auth.permissions import Action, can
from rkc.auth.session import api_writer
from rkc.review import operations as ops
from rkc.review import queries
from rkc.review.models import Document, Meeting, ordinal


def register(bp: Blueprint) -> None:
    """Add this module's routes to the API blueprint."""
    spec.add_routes(
        bp,
        list_meetings,
        create_meeting,
        show_meeting,
        meeting_agenda,
        add_agenda_item,
        set_meeting_status,
        move_agenda_item,
        show_document,
    )


def _secretariat() -> None:
    if not can(api_writer(), Action.MANAGE_MEETINGS):
        abort(403, description="Only the Secretariat keeps the register of meetings.")


def _meeting(meeting_id: int) -> Meeting:
    meeting = queries.meeting(meeting_id)
    if meeting is None:
        abort(404, description=f"There is no meeting {meeting_id}.")
    return meeting


def document_json(d: Document) -> dict[str, Any]:
    return {
        "id": d.id,
        "symbol": d.symbol,
        "title": d.title,
        "language": d.language,
        "version": d.version,
        "kind": d.kind,
        "level": d.level,
        "meeting": d.meeting_id,
        "parent": d.parent.symbol if d.parent else None,
        "superseded_by": d.superseded_by.symbol if d.superseded_by else None,
        "mimetype": d.mimetype,
        "size": d.size,
        "file_url": url_for("review.download_document", document_id=d.id),
    }


def _agenda_json(meeting: Meeting) -> list[dict[str, Any]]:
    return [
        {
            "id": n.item.id,
            "number": n.number,
            "title": n.item.title,
            "purpose": n.item.purpose,
            "parent": n.item.parent_id,
        }
        for n in queries.agenda(meeting)
    ]


def _meeting_json(m: Meeting) -> dict[str, Any]:
    return {
        "id": m.id,
        "body": m.body.code,
        "number": m.number,
        "ordinal": ordinal(m.number),
        "title": m.title,
        "starts_on": m.starts_on.isoformat(),
        "ends_on": m.ends_on.isoformat(),
        "mode": m.mode,
        "languages": m.language_list,
        "venue": m.venue,
        "status": m.status,
    }


# --------------------------------------------------------------------------- reads


@operation("/meetings", responses={200: s.Meetings}, auth="member", etag=False)
def list_meetings():  # type: ignore[no-untyped-def]
    """Every meeting, latest first."""
    return {"meetings": [_meeting_json(m) for m in queries.meetings()]}


@operation(
    "/meetings/<id:meeting_id>",
    responses={200: s.MeetingDetail},
    auth="member",
    errors=[404],
    etag=False,
)
def show_meeting(meeting_id: int):  # type: ignore[no-untyped-def]
    """A meeting with its agenda and the documents the reader may see."""
    meeting = _meeting(meeting_id)
    return {
        **_meeting_json(meeting),
        "agenda": _agenda_json(meeting),
        "documents": [document_json(d) for d in queries.documents_of(meeting, current_user)],
    }


@operation(
    "/meetings/<id:meeting_id>/agenda",
    responses={200: s.Items},
    auth="member",
    errors=[404],
    etag=False,
)
def meeting_agenda(meeting_id: int):  # type: ignore[no-untyped-def]
    """A meeting's agenda, numbered."""
    return {"items": _agenda_json(_meeting(meeting_id))}


@operation(
    "/documents/<id:document_id>",
    responses={200: s.DocumentOut},
    auth="member",
    errors=[404],
    etag=False,
)
def show_document(document_id: int):  # type: ignore[no-untyped-def]
    """A registered document (its file: file_url), if its distribution level lets the
    reader see it."""
    document = queries.document(document_id)
    if document is None or not can(current_user, Action.READ_DOCUMENT, document):
        abort(404, description=f"There is no document {document_id}.")
    return document_json(document)


# --------------------------------------------------------------------------- writes


@operation(
    "/meetings",
    method="POST",
    responses={201: s.MeetingOut},
    body=s.NewMeeting,
    auth="writer",
    example={
        "body": "RKC/MC",
        "number": 23,
        "starts_on": "2027-03-15",
        "ends_on": "2027-03-17",
        "mode": "hybrid",
    },
)
def create_meeting():  # type: ignore[no-untyped-def]
    """Record a numbered session of a body (the Secretariat); a second session with the same
    ordinal is a 400."""
    _secretariat()
    data = spec.body(s.NewMeeting)
    body = next((b for b in queries.bodies() if b.code == data.body), None)
    if body is None:
        refuse(400, f"body: no body has the code {data.body!r}.", "body")
    try:
        meeting = ops.create_meeting(
            body,
            number=data.number,
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            mode=data.mode.value,
            languages=data.languages or ["en", "fr"],
            venue=data.venue or "",
        )
    except ops.ReviewError as exc:
        refuse(400, str(exc), exc.field)
    return _meeting_json(meeting), 201


@operation(
    "/meetings/<id:meeting_id>/agenda",
    method="POST",
    responses={201: s.Items},
    body=s.NewItem,
    auth="writer",
    errors=[404],
    example={"title": "Adoption of the agenda", "purpose": "decision"},
)
def add_agenda_item(meeting_id: int):  # type: ignore[no-untyped-def]
    """Add an item at the end of the agenda, or under a top-level item (parent)."""
    _secretariat()
    meeting = _meeting(meeting_id)
    data = spec.body(s.NewItem)
    parent = None
    if data.parent is not None:
        parent = queries.agenda_item(data.parent)
        if parent is None:
            refuse(400, f"parent: there is no agenda item {data.parent}.", "parent")
    try:
        ops.add_item(meeting, title=data.title, purpose=data.purpose.value, parent=parent)
    except ops.ReviewError as exc:
        refuse(400, str(exc), {"parent_id": "parent"}.get(exc.field, exc.field))
    return {"items": _agenda_json(meeting)}, 201


@operation(
    "/meetings/<id:meeting_id>/status",
    method="POST",
    responses={200: s.MeetingOut},
    body=s.MeetingStatusBody,
    auth="writer",
    errors=[404],
    example={"status": "convened"},
)
def set_meeting_status(meeting_id: int):  # type: ignore[no-untyped-def]
    """Say where a meeting stands: planned, convened or closed (the Secretariat)."""
    _secretariat()
    meeting = _meeting(meeting_id)
    data = spec.body(s.MeetingStatusBody)
    try:
        ops.set_status(meeting, data.status.value)
    except ops.ReviewError as exc:
        refuse(400, str(exc), exc.field)
    return _meeting_json(meeting)


@operation(
    "/meetings/<id:meeting_id>/agenda/<id:item_id>/move",
    method="POST",
    responses={200: s.Items},
    body=s.MoveBody,
    auth="writer",
    errors=[404],
    example={"direction": "down"},
)
def move_agenda_item(meeting_id: int, item_id: int):  # type: ignore[no-untyped-def]
    """Move an agenda item up or down among its siblings; the numbers follow, the ids stay."""
    _secretariat()
    meeting = _meeting(meeting_id)
    data = spec.body(s.MoveBody)
    item = queries.agenda_item(item_id)
    if item is None or item.meeting_id != meeting.id:
        abort(404, description=f"Meeting {meeting_id} has no agenda item {item_id}.")
    try:
        ops.move_item(item, -1 if data.direction == "up" else 1)
    except ops.ReviewError as exc:
        refuse(400, str(exc), "direction")
    return {"items": _agenda_json(meeting)}
