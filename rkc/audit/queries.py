"""Reads of the audit log, with the filters the Secretariat uses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from rkc.audit.models import AuditEvent
from rkc.clock import LEGAL_TIMEZONE
from rkc.extensions import db


@dataclass(frozen=True)
class AuditFilter:
    username: str = ""
    action: str = ""
    object_type: str = ""
    since: date | None = None
    until: date | None = None


def events(flt: AuditFilter, *, page: int = 1, per_page: int = 50) -> tuple[list[AuditEvent], int]:
    stmt = select(AuditEvent)
    if flt.username:
        stmt = stmt.where(AuditEvent.username == flt.username.strip().lower())
    if flt.action:
        stmt = stmt.where(AuditEvent.action.startswith(flt.action.strip()))
    if flt.object_type:
        stmt = stmt.where(AuditEvent.object_type == flt.object_type.strip())
    if flt.since:
        stmt = stmt.where(AuditEvent.at >= datetime.combine(flt.since, time(), LEGAL_TIMEZONE))
    if flt.until:
        end = datetime.combine(flt.until + timedelta(days=1), time(), LEGAL_TIMEZONE)
        stmt = stmt.where(AuditEvent.at < end)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.scalars(
        stmt.order_by(AuditEvent.id.desc()).offset((page - 1) * per_page).limit(per_page)
    )
    return list(rows), total


def actions() -> list[str]:
    return list(
        db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    )
