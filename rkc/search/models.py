"""The search change log: what the index must look at again, written with the change itself.

A row is added in the same transaction as the text-store write it describes (see
rkc/search/changes.py), so the log holds exactly the committed changes. The index remembers the
last row it applied (its watermark, kept inside the index), so each index, on each machine,
catches up from the rows after it: after a crash, after a failed apply, or when it is new.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from rkc.convention.models import utcnow
from rkc.extensions import db


class SearchChange(db.Model):
    """One thing the index must reconcile: an edition's manifest, a revision, or everything."""

    __tablename__ = "search_change"

    #: Increases in commit order (writers of the log are serialised; see changes.py).
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: "edition", "revision" or "all" (a change the tracker could not narrow down).
    subject: Mapped[str] = mapped_column(String(20))
    #: The edition or revision id; None for "all".
    subject_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
