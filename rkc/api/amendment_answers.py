"""What the API answers about an amendment: what it proposes (with its word redline against
the provision), its positions and comments, and, for one amendment, its versions, status
changes and what the reader may do. Shaped here once for rkc/api/amendments.py,
rkc/api/discussion.py and rkc/api/editions.py; described by rkc/api/schemas/amendments.py."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_login import current_user

from rkc.amendments import languages, queries
from rkc.amendments.models import (
    Amendment,
    AmendmentAction,
    AmendmentComment,
    AmendmentPosition,
)
from rkc.api.texts import _timestamp
from rkc.review import citations
from rkc.review import framework_queries as framework
from rkc.text.diff import word_diff


def _segments(old: str, new: str) -> list[dict[str, str]]:
    return [{"op": s.op.value, "text": s.text} for s in word_diff(old, new)]


def position_json(position: AmendmentPosition) -> dict[str, Any]:
    return {
        "party": position.party.name,
        "party_iso3": position.party.iso3,
        "stance": position.stance.value,
        "statement": position.statement,
        "on_seq": position.on_seq,
        "updated_at": _timestamp(position.updated_at),
    }


def comment_json(comment: AmendmentComment) -> dict[str, Any]:
    return {
        "id": comment.id,
        "thread": comment.thread_id,
        "author": comment.author.display_name,
        "party": comment.party.name if comment.party else None,
        "body": comment.body,
        "created_at": _timestamp(comment.created_at),
        "resolved_at": _timestamp(comment.resolved_at) if comment.resolved_at else None,
        "resolved_by": comment.resolved_by.display_name if comment.resolved_by else None,
    }


def amendment_json(change: queries.Change) -> dict[str, Any]:
    """An amendment as the API shows it: what it proposes, against which text, who supports."""
    a, target = change.amendment, change.target
    reference = a.base_revision if change.against_base else target.current
    text: list[dict[str, str]] = []
    title: list[dict[str, str]] = []
    if a.action is AmendmentAction.INSERT:
        text = _segments("", a.proposed_text)
        title = _segments("", a.proposed_title) if a.proposed_title else []
    elif reference is not None:
        if a.action is AmendmentAction.MODIFY:
            text = _segments(reference.text, a.proposed_text)
        elif a.action is AmendmentAction.DELETE:
            text = _segments(reference.text, "")
            title = _segments(reference.title, "") if reference.title else []
        else:
            title = _segments(reference.title or "", a.proposed_title or "")
    return {
        "id": a.id,
        "number": a.number,
        "label": a.label,
        "url": url_for("api.show_amendment", amendment_id=a.id),
        "page_url": url_for("amendments.show_amendment", amendment_id=a.id),
        "edition": queries.draft_param(a.edition),
        "action": a.action.value,
        "status": a.status.value,
        "target": {"key": target.key, "label": target.label, "in_draft": target.in_draft},
        "node": target.key if a.action is not AmendmentAction.INSERT else None,
        "parent": target.parent.key if target.parent is not None else None,
        "after": target.after.key if target.after is not None else None,
        "base_revision": a.base_revision_id,
        "current_revision": target.current.id if target.current is not None else None,
        "proposed_text": a.proposed_text,
        "proposed_title": a.proposed_title,
        "proposed_number": a.proposed_number,
        "proposed_kind": a.proposed_kind,
        "proposed_key": a.proposed_key,
        "justification": a.justification,
        "concept": a.concept,
        "party": a.party.name,
        "party_iso3": a.party.iso3,
        "delegate": a.delegate.display_name,
        "sponsors": change.sponsors,
        "positions": [position_json(p) for p in change.positions],
        "seq": a.latest_seq,
        "has_conflict": a.has_conflict,
        "conflict": a.conflict or None,
        "segments": text,
        "title_segments": title,
        "created_at": _timestamp(a.created_at),
        "tabled_at": _timestamp(a.tabled_at) if a.tabled_at else None,
        "decided_at": _timestamp(a.decided_at) if a.decided_at else None,
        "activity_at": _timestamp(a.activity_at),
    }


def framework_place(amendment: Amendment) -> dict[str, Any] | None:
    """The framework component the amendment is a potential draft text of (an active one
    first, then the first linked), its proposal and concept; None if none or if the reader
    may not read the framework."""
    components = framework.drafted_for(amendment, current_user)
    if not components:
        return None
    c = components[0]
    return {
        "concept": c.concept.code,
        "concept_name": c.concept.name,
        "proposal": c.proposal_id,
        "proponent": c.proposal.proponent,
        "component": c.id,
        "component_title": c.title,
        "state": c.state.value,
        "step": c.step,
        "outcome": c.outcome.value if c.outcome else None,
        "rkc_part": c.rkc_part,
        "other_components": [other.id for other in components[1:]],
    }


def amendment_detail(amendment: Amendment) -> dict[str, Any]:
    """An amendment with its versions, status changes, comments and what the reader may do."""
    page = queries.amendment_page(amendment, current_user)
    payload = amendment_json(page.change)
    payload["versions"] = [
        {
            "seq": v.revision.seq,
            "origin": v.revision.origin,
            "base_revision": v.revision.base_revision_id,
            "proposed_text": v.revision.proposed_text,
            "proposed_title": v.revision.proposed_title,
            "justification": v.revision.justification,
            "concept": v.revision.concept,
            "author": v.revision.author.display_name if v.revision.author else None,
            "note": v.revision.note,
            "created_at": _timestamp(v.revision.created_at),
        }
        for v in page.versions
    ]
    payload["language"] = amendment.language
    payload["languages"] = [
        {
            "language": v.language,
            "original": v.is_original,
            "status": v.status.value,
            "seq": v.seq,
            "proposed_text": v.proposed_text,
            "proposed_title": v.proposed_title,
            "base_revision": v.base_revision_id,
            "conflict": v.has_conflict,
            "translated_by": v.translated_by.display_name if v.translated_by else None,
            "translated_at": _timestamp(v.translated_at) if v.translated_at else None,
            "checked_by": v.checked_by.display_name if v.checked_by else None,
            "checked_at": _timestamp(v.checked_at) if v.checked_at else None,
        }
        for v in languages.versions_of(amendment).values()
    ]
    payload["meetings"] = [
        {
            "meeting": c.meeting.id,
            "meeting_title": c.meeting.title,
            "agenda_item": c.item.id if c.item else None,
            "agenda_number": c.item_number or None,
            "status": c.status.value,
            "decided": c.decided,
            "at": _timestamp(c.at),
        }
        for c in citations.of_amendment(amendment)
    ]
    payload["framework"] = framework_place(amendment)
    payload["transitions"] = [
        {
            "from": t.from_status.value if t.from_status else None,
            "to": t.to_status.value,
            "by": t.user.display_name if t.user else None,
            "reason": t.reason,
            "at": _timestamp(t.at),
        }
        for t in page.transitions
    ]
    payload["comments"] = [
        comment_json(c) for thread in page.threads for c in (thread.root, *thread.replies)
    ]
    actions = page.actions
    payload["actions"] = {
        "transitions": [to for to, _verb in actions.transitions],
        "revise": actions.revise,
        "take_position": actions.take_position,
        "change_position": actions.change_position,
        "comment": actions.comment,
    }
    return payload
