"""JSON API of the discussion of an amendment: its comment threads and the parties'
positions, and co-sponsorship (a delegate of another party asks; the proposing party's
delegate confirms or declines), as on the amendment's page (rkc/amendments/views.py).

Members read what they may read of the amendment (`Action.READ_AMENDMENT`); writes need a
token of the write scope and go through rkc.amendments.discussion, whose checks are the
pages' (`Action.CO_SPONSOR`, `Action.EDIT_AMENDMENT`): 403 for a role that may not act.
"""

from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user
from sqlalchemy import select

from rkc.amendments import discussion, queries
from rkc.amendments.errors import AmendmentError
from rkc.amendments.models import AmendmentSponsor
from rkc.api import spec
from rkc.api.amendment_answers import comment_json, position_json
from rkc.api.amendments import amendment_of, deny, problem
from rkc.api.schemas import amendments as s
from rkc.api.spec import operation
from rkc.auth.permissions import Action
from rkc.auth.session import api_writer
from rkc.extensions import db
from rkc.parties.lookup import party_by_ident

BASE = "/amendments/<id:amendment_id>"


def register(bp: Blueprint) -> None:
    """Add this module's routes to the API blueprint."""
    spec.add_routes(bp, list_comments, list_positions, request_sponsorship, answer_sponsorship)


def _sponsor_json(row: AmendmentSponsor) -> dict[str, object]:
    return {
        "party": row.party.name,
        "party_iso3": row.party.iso3,
        "status": row.status,
        "note": row.note,
    }


@operation(f"{BASE}/comments", responses={200: s.Comments}, auth="member", errors=[404])
def list_comments(amendment_id: int):  # type: ignore[no-untyped-def]
    """The comments on an amendment, thread by thread (each first comment, then its
    replies)."""
    page = queries.amendment_page(amendment_of(amendment_id), current_user)
    return {
        "comments": [
            comment_json(c) for thread in page.threads for c in (thread.root, *thread.replies)
        ]
    }


@operation(f"{BASE}/positions", responses={200: s.Positions}, auth="member", errors=[404])
def list_positions(amendment_id: int):  # type: ignore[no-untyped-def]
    """The positions the parties took on an amendment."""
    page = queries.amendment_page(amendment_of(amendment_id), current_user)
    return {"positions": [position_json(p) for p in page.change.positions]}


@operation(
    f"{BASE}/sponsors",
    method="POST",
    responses={201: s.SponsorOut},
    body=s.SponsorRequest,
    auth="writer",
    errors=[404],
    example={"note": "Canada shares the concern."},
)
def request_sponsorship(amendment_id: int):  # type: ignore[no-untyped-def]
    """The member's party asks to co-sponsor another party's amendment; the proposing party
    confirms or declines."""
    me = api_writer()
    amendment = amendment_of(amendment_id)
    deny(me, Action.CO_SPONSOR, amendment)
    data = spec.body(s.SponsorRequest)
    try:
        row = discussion.request_co_sponsorship(amendment, user=me, note=data.note or "")
    except AmendmentError as error:
        return problem(error)
    return _sponsor_json(row), 201


@operation(
    f"{BASE}/sponsors/<party_code>",
    method="POST",
    responses={200: s.SponsorOut},
    body=s.SponsorAnswer,
    auth="writer",
    errors=[404],
    example={"confirm": True},
)
def answer_sponsorship(amendment_id: int, party_code: str):  # type: ignore[no-untyped-def]
    """The proposing party's delegate confirms (or declines) a party's request to
    co-sponsor."""
    me = api_writer()
    amendment = amendment_of(amendment_id)
    deny(me, Action.EDIT_AMENDMENT, amendment)
    party = party_by_ident(party_code) if party_code.isalnum() else None
    if party is None:
        abort(404, description=f"No party has the code {party_code!r}.")
    data = spec.body(s.SponsorAnswer)
    try:
        discussion.answer_co_sponsorship(amendment, party, user=me, confirm=data.confirm)
    except AmendmentError as error:
        return problem(error)
    row = db.session.scalar(
        select(AmendmentSponsor).where(
            AmendmentSponsor.amendment_id == amendment.id, AmendmentSponsor.party_id == party.id
        )
    )
    return _sponsor_json(row)  # type: ignore[arg-type]
