"""JSON API of the review register: meetings, their agenda items and documents.

Members read (a token or a session); the Secretariat writes, with a token of the write scope.
Writes go through rkc.review.operations, as the pages' do; a refusal is a 400 naming the member.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, jsonify, request, url_for
from flask_login import current_user

from rkc.auth.permissions import Action, can
from rkc.auth.session import api_writer
from rkc.database import MAX_ID
from rkc.extensions import db
from rkc.review import operations as ops
from rkc.review import queries
from rkc.review.models import Document, Meeting, ordinal


def register(bp: Blueprint) -> None:
    """Add this module's routes to the API blueprint."""
    bp.add_url_rule("/meetings", "list_meetings", list_meetings)
    bp.add_url_rule("/meetings", "create_meeting", create_meeting, methods=["POST"])
    bp.add_url_rule("/meetings/<id:meeting_id>", "show_meeting", show_meeting)
    bp.add_url_rule("/meetings/<id:meeting_id>/agenda", "meeting_agenda", meeting_agenda)
    bp.add_url_rule(
        "/meetings/<id:meeting_id>/agenda", "add_agenda_item", add_agenda_item, methods=["POST"]
    )
    bp.add_url_rule("/documents/<id:document_id>", "show_document", show_document)


def _reader() -> None:
    if not can(current_user, Action.READ_MEETINGS):
        abort(401)


def _secretariat() -> None:
    writer = api_writer()
    if not can(writer, Action.MANAGE_MEETINGS):
        abort(403, description="Only the Secretariat keeps the register of meetings.")


def _meeting(meeting_id: int) -> Meeting:
    meeting = queries.meeting(meeting_id)
    if meeting is None:
        abort(404, description=f"There is no meeting {meeting_id}.")
    return meeting


def _document_json(d: Document) -> dict[str, Any]:
    return {
        "id": d.id,
        "symbol": d.symbol,
        "title": d.title,
        "language": d.language,
        "version": d.version,
        "kind": d.kind.value,
        "level": d.level.value,
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
            "purpose": n.item.purpose.value,
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
        "mode": m.mode.value,
        "languages": m.language_list,
        "venue": m.venue,
        "status": m.status.value,
    }


def list_meetings():  # type: ignore[no-untyped-def]
    _reader()
    return jsonify(meetings=[_meeting_json(m) for m in queries.meetings()])


def show_meeting(meeting_id: int):  # type: ignore[no-untyped-def]
    _reader()
    meeting = _meeting(meeting_id)
    return jsonify(
        {
            **_meeting_json(meeting),
            "agenda": _agenda_json(meeting),
            "documents": [_document_json(d) for d in queries.documents_of(meeting, current_user)],
        }
    )


def meeting_agenda(meeting_id: int):  # type: ignore[no-untyped-def]
    _reader()
    return jsonify(items=_agenda_json(_meeting(meeting_id)))


def show_document(document_id: int):  # type: ignore[no-untyped-def]
    _reader()
    document = queries.document(document_id)
    if document is None or not can(current_user, Action.READ_DOCUMENT, document):
        abort(404, description=f"There is no document {document_id}.")
    return jsonify(_document_json(document))


# --------------------------------------------------------------------------- writes


def _body(members: dict[str, type], required: set[str], example: str) -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(
            400, description=f"Send a JSON object (Content-Type: application/json), e.g. {example}."
        )
    for name in sorted(data):
        if name not in members:
            abort(
                400,
                description=f"{name}: not a member of this request; it takes "
                + ", ".join(sorted(members))
                + ".",
            )
    for name in sorted(required - set(data)):
        abort(400, description=f"{name}: required.")
    for name, value in data.items():
        kind = members[name]
        if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            abort(400, description=f"{name}: must be a whole number.")
        if kind is str and (not isinstance(value, str) or "\x00" in value or len(value) > 1000):
            abort(400, description=f"{name}: a string of at most 1,000 characters, no NUL.")
        if kind is list and (
            not isinstance(value, list) or not all(isinstance(v, str) for v in value)
        ):
            abort(400, description=f'{name}: a list of language codes, e.g. ["en", "fr"].')
    return data


def _date(data: dict[str, Any], name: str) -> date:
    try:
        return date.fromisoformat(data[name]) if len(data[name]) == 10 else date.fromisoformat("")
    except ValueError:
        abort(400, description=f"{name}: {data[name]!r} is not a date; write YYYY-MM-DD.")


def create_meeting():  # type: ignore[no-untyped-def]
    _secretariat()
    data = _body(
        {
            "body": str,
            "number": int,
            "starts_on": str,
            "ends_on": str,
            "mode": str,
            "languages": list,
            "venue": str,
        },
        {"body", "number", "starts_on", "ends_on", "mode"},
        '{"body": "RKC/MC", "number": 23, "starts_on": "2027-03-15", "ends_on": "2027-03-17", '
        '"mode": "hybrid"}',
    )
    body = next((b for b in queries.bodies() if b.code == data["body"]), None)
    if body is None:
        abort(400, description=f"body: no body has the code {data['body']!r}.")
    try:
        meeting = ops.create_meeting(
            body,
            number=data["number"] if data["number"] <= MAX_ID else 0,
            starts_on=_date(data, "starts_on"),
            ends_on=_date(data, "ends_on"),
            mode=data["mode"],
            languages=data.get("languages") or ["en", "fr"],
            venue=data.get("venue", ""),
        )
    except ops.ReviewError as exc:
        db.session.rollback()
        abort(400, description=str(exc))
    db.session.commit()
    return jsonify(_meeting_json(meeting)), 201


def add_agenda_item(meeting_id: int):  # type: ignore[no-untyped-def]
    _secretariat()
    meeting = _meeting(meeting_id)
    data = _body(
        {"title": str, "purpose": str, "parent": int},
        {"title", "purpose"},
        '{"title": "Adoption of the agenda", "purpose": "decision"}',
    )
    parent = None
    if data.get("parent") is not None:
        parent = queries.agenda_item(data["parent"]) if 1 <= data["parent"] <= MAX_ID else None
        if parent is None:
            abort(400, description=f"parent: there is no agenda item {data['parent']}.")
    try:
        ops.add_item(meeting, title=data["title"], purpose=data["purpose"], parent=parent)
    except ops.ReviewError as exc:
        db.session.rollback()
        abort(400, description=str(exc))
    db.session.commit()
    return jsonify(items=_agenda_json(meeting)), 201
