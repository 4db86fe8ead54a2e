"""JSON API of a meeting's report: members read it; the Secretariat writes the draft, adopts
it and records corrigenda, with a token of the write scope.

Writes go through rkc.review.reports, as the pages' do: a refusal is a 400 naming the member,
a stale edit a 409 with both texts (yours and the current one), an edit after adoption a 400.
The models are in rkc/api/schemas/reports.py.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort
from flask_login import current_user

from rkc.api import spec
from rkc.api.schemas import reports as s
from rkc.api.spec import operation, refuse
from rkc.auth.permissions import Action, can
from rkc.auth.session import api_writer
from rkc.extensions import db
from rkc.review import queries, reports
from rkc.review.models import Meeting, Report
from rkc.review.operations import ReviewError
from rkc.text.markdown import render


def register(bp: Blueprint) -> None:
    """Add this module's routes to the API blueprint."""
    spec.add_routes(bp, show_report, write_report, adopt_report, add_corrigendum)


def _meeting(meeting_id: int) -> Meeting:
    meeting = queries.meeting(meeting_id)
    if meeting is None:
        abort(404, description=f"There is no meeting {meeting_id}.")
    return meeting


def _report(meeting: Meeting) -> Report:
    report = reports.report_of(meeting)
    if report is None:
        abort(404, description=f"The {meeting.short} session has no report yet.")
    return report


def _writer():  # type: ignore[no-untyped-def]
    me = api_writer()
    if not can(me, Action.MANAGE_MEETINGS):
        abort(403, description="Only the Secretariat writes a meeting's report.")
    return me


def _report_json(report: Report) -> dict[str, Any]:
    db.session.refresh(report)
    meeting = report.meeting
    return {
        "meeting": meeting.id,
        "status": report.status,
        "revision": report.revision,
        "updated_at": report.updated_at.isoformat(),
        "adopted_at": report.adopted_at.isoformat() if report.adopted_at else None,
        "entries": [
            {
                "agenda_item": i.numbered.item.id,
                "number": i.numbered.number,
                "title": i.numbered.item.title,
                "text": i.text,
                "html": str(render(i.text)),
                "adopted_text": i.adopted_text,
                "amendments": [{"id": a.id, "number": a.number or ""} for a in i.amendments],
                "documents": [{"id": d.id, "symbol": d.symbol} for d in i.documents],
            }
            for i in reports.report_items(report, meeting, current_user)
            if i.text or i.amendments or i.documents
        ],
        "corrigenda": [
            {
                "number": c.number,
                "agenda_item": c.agenda_item_id,
                "text": c.text,
                "reason": c.reason,
                "made_at": c.made_at.isoformat(),
            }
            for c in report.corrigenda
        ],
    }


def _member(field: str, order: dict[int, int]) -> str:
    """An operation's field ("text-12") as the body member at fault ("entries.0.text")."""
    kind, _, item = field.partition("-")
    if item.isdigit() and int(item) in order:
        member = {"item": "agenda_item"}.get(kind, kind)
        return f"entries.{order[int(item)]}.{member}"
    return field


# --------------------------------------------------------------------------- read


@operation(
    "/meetings/<id:meeting_id>/report",
    responses={200: s.ReportOut},
    auth="member",
    errors=[404],
    etag=False,
)
def show_report(meeting_id: int):  # type: ignore[no-untyped-def]
    """A meeting's report: per agenda item, what it records (Markdown and its rendering),
    the amendments and documents it concerns (those the reader may see), and its corrigenda."""
    return _report_json(_report(_meeting(meeting_id)))


# --------------------------------------------------------------------------- writes


@operation(
    "/meetings/<id:meeting_id>/report",
    method="PUT",
    responses={200: s.ReportOut, 409: s.ReportConflict},
    body=s.DraftBody,
    auth="writer",
    errors=[404],
    example={
        "revision": 0,
        "entries": [{"agenda_item": 1, "text": "The agenda was adopted.", "amendments": []}],
    },
)
def write_report(meeting_id: int):  # type: ignore[no-untyped-def]
    """Write the draft report (the Secretariat): `revision` names the revision the edit
    started from; an older one is a 409 with both texts. An adopted report is a 400: record
    a corrigendum instead."""
    me = _writer()
    meeting = _meeting(meeting_id)
    data = spec.body(s.DraftBody)
    order = {entry.agenda_item: index for index, entry in enumerate(data.entries)}
    entries = [
        reports.EntryInput(
            item_id=entry.agenda_item,
            text=entry.text,
            amendments=list(entry.amendments),
            documents=list(entry.documents),
        )
        for entry in data.entries
    ]
    try:
        report = reports.save_draft(
            meeting, user=me, expected_revision=data.revision, entries=entries
        )
    except reports.StaleReport as exc:
        yours = [{"agenda_item": e.agenda_item, "text": e.text} for e in data.entries]
        db.session.rollback()
        current = reports.report_of(meeting)
        return {
            "error": "Conflict",
            "message": str(exc),
            "field": "revision",
            "revision": current.revision if current is not None else 0,
            "yours": yours,
            "current": [
                {"agenda_item": e.agenda_item_id, "text": e.text}
                for e in (current.entries if current is not None else [])
            ],
        }, 409
    except ReviewError as exc:
        refuse(400, str(exc), _member(exc.field, order))
    return _report_json(report)


@operation(
    "/meetings/<id:meeting_id>/report/adopt",
    method="POST",
    responses={200: s.ReportOut},
    body=s.AdoptBody,
    auth="writer",
    errors=[404, 409],
    example={"revision": 3},
)
def adopt_report(meeting_id: int):  # type: ignore[no-untyped-def]
    """Record the adoption of the draft at `revision` (the Secretariat); its text is locked
    from then on."""
    me = _writer()
    meeting = _meeting(meeting_id)
    data = spec.body(s.AdoptBody)
    report = _report(meeting)
    try:
        reports.adopt(report, user=me, expected_revision=data.revision)
    except reports.StaleReport as exc:
        refuse(409, str(exc), "revision")
    except ReviewError as exc:
        refuse(400, str(exc), {"status": "revision"}.get(exc.field, exc.field))
    return _report_json(report)


@operation(
    "/meetings/<id:meeting_id>/report/corrigenda",
    method="POST",
    responses={201: s.ReportOut},
    body=s.CorrigendumBody,
    auth="writer",
    errors=[404, 409],
    example={"agenda_item": 1, "text": "The agenda was adopted as amended.", "reason": "Typo"},
)
def add_corrigendum(meeting_id: int):  # type: ignore[no-untyped-def]
    """Correct one item of an adopted report (the Secretariat): the item's text as corrected
    and why; the adopted text is kept, and the corrigendum with its date."""
    me = _writer()
    meeting = _meeting(meeting_id)
    data = spec.body(s.CorrigendumBody)
    report = _report(meeting)
    try:
        reports.add_corrigendum(
            report, user=me, agenda_item_id=data.agenda_item, text=data.text, reason=data.reason
        )
    except reports.StaleReport as exc:
        refuse(409, str(exc), "agenda_item")
    except ReviewError as exc:
        refuse(400, str(exc), exc.field)
    return _report_json(report), 201
