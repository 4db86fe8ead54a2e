"""The Secretariat's view of the audit log (read only: there is no route that writes it)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request

from rkc.audit import queries
from rkc.auth.permissions import Action, require
from rkc.database import as_id

bp = Blueprint("audit", __name__, url_prefix="/audit")


def _day(raw: str | None) -> tuple[date | None, str | None]:
    if not raw:
        return None, None
    try:
        return date.fromisoformat(raw), None
    except ValueError:
        return None, f"“{raw}” is not a date (YYYY-MM-DD); that filter was ignored."


@bp.get("/")
@require(Action.VIEW_AUDIT)
def list_events():  # type: ignore[no-untyped-def]
    since, since_error = _day(request.args.get("since"))
    until, until_error = _day(request.args.get("until"))
    page = request.args.get("page", "1")
    page_number = as_id(page) or 1  # a page number, bounded like an id
    flt = queries.AuditFilter(
        username=request.args.get("user", ""),
        action=request.args.get("action", ""),
        object_type=request.args.get("object", ""),
        since=since,
        until=until,
    )
    rows, total = queries.events(flt, page=page_number)
    return render_template(
        "audit/list.html",
        rows=rows,
        total=total,
        page=page_number,
        per_page=50,
        flt=flt,
        actions=queries.actions(),
        errors=[e for e in (since_error, until_error) if e],
    )
