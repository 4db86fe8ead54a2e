"""A meeting's report, adopted and corrected, and a status change citing the meeting: rows in
every table of migration 0016 for tests that need them (the backup's round trip)."""

from __future__ import annotations

from rkc.amendments.proposing import _current, propose_modification
from rkc.audit import Actor, acting_as
from rkc.convention import queries as text_queries
from rkc.extensions import db
from rkc.review import citations, reports
from rkc.review.models import Document, Meeting

from ..helpers import Person, user


def report_context(people: dict[str, Person], ids: dict) -> dict[str, int]:
    """Needs review_context's meeting_id, item_id and document_id in `ids`; committed."""
    meeting = db.session.get(Meeting, ids["meeting_id"])
    document = db.session.get(Document, ids["document_id"])
    delegate, secretariat = user(people["delegate_a"]), user(people["secretariat"])
    draft = text_queries.edition_by_slug(text_queries.work_by_key("rkc"), "review-draft")
    node = text_queries.node_by_key("ga/3/3.3")
    with acting_as(Actor(None, "test-setup", "system")):
        cited = propose_modification(
            draft,
            node,
            user=delegate,
            text=_current(draft, node).text + " As the Committee discussed.",
            justification="Raised at the session.",
        )
        citations.change_status(
            cited,
            "tabled",
            user=delegate,
            meeting_id=meeting.id,
            agenda_item_id=ids["item_id"],
        )
        entry = reports.EntryInput(
            item_id=ids["item_id"],
            text="The Committee **adopted** its agenda.",
            amendments=[cited.number or ""],
            documents=[document.symbol],
        )
        report = reports.save_draft(meeting, user=secretariat, expected_revision=0, entries=[entry])
        reports.adopt(report, user=secretariat, expected_revision=report.revision)
        reports.add_corrigendum(
            report,
            user=secretariat,
            agenda_item_id=ids["item_id"],
            text="The Committee **adopted** its agenda as amended.",
            reason="The amendment to the agenda was left out.",
        )
    db.session.commit()
    return {"report_id": report.id, "cited_id": cited.id}
