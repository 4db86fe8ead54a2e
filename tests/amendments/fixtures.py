"""Amendments other test modules need (the route matrix): made with the real operations."""

from __future__ import annotations

from rkc.amendments.discussion import add_comment
from rkc.amendments.lifecycle import change_status
from rkc.amendments.proposing import _current, propose_deletion, propose_modification
from rkc.audit import Actor, acting_as
from rkc.auth.models import User
from rkc.convention import queries as text_queries
from rkc.extensions import db

from ..helpers import Person


def amendment_context(people: dict[str, Person]) -> dict[str, int]:
    """A tabled and a draft amendment of delegate_a's party, delegate_b's comment on the tabled
    one; committed. Returns their ids and delegate_b's party id."""
    work = text_queries.work_by_key("rkc")
    draft = text_queries.edition_by_slug(work, "review-draft")
    node = text_queries.node_by_key("ga/3/3.1")
    a = db.session.get(User, people["delegate_a"].user_id)
    b = db.session.get(User, people["delegate_b"].user_id)
    with acting_as(Actor(None, "test-setup", "system")):
        current = _current(draft, node)
        tabled = propose_modification(
            draft, node, user=a, text=current.text + " Matrix.", justification="For the matrix."
        )
        change_status(tabled, "tabled", user=a)
        held = propose_deletion(draft, node, user=a, justification="Held back.")
        comment = add_comment(tabled, user=b, body="A question from B.")
    db.session.commit()
    return {
        "tabled_id": tabled.id,
        "draft_id": held.id,
        "comment_id": comment.id,
        "party_b": people["delegate_b"].party_id,
    }
