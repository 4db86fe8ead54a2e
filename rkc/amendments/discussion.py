"""The discussion of an amendment: co-sponsors, the parties' positions, comments and what each
reader has seen. No Flask here.

Co-sponsorship and positions are possible only while an amendment is open (tabled or under
discussion); a party has at most one position, changed in place with its history kept;
comments are threads in Markdown, resolved by their author, the proposing party or the
Secretariat. Conventions (transactions, roles, audit): `rkc.amendments.common`.
"""

from __future__ import annotations

from sqlalchemy import or_, select

from rkc import audit
from rkc.amendments.common import MAX_NOTE, check_length, clean_text, refuse_unless, touch
from rkc.amendments.errors import AmendmentError
from rkc.amendments.models import (
    Amendment,
    AmendmentComment,
    AmendmentPosition,
    AmendmentPositionChange,
    AmendmentReader,
    AmendmentSponsor,
    SponsorStatus,
    Stance,
)
from rkc.auth.models import User
from rkc.auth.permissions import Action
from rkc.convention.models import utcnow
from rkc.extensions import db
from rkc.notifications import operations as notifications
from rkc.parties.models import Party


def _require_open(amendment: Amendment, what: str) -> None:
    if not amendment.status.is_open:
        raise AmendmentError(
            "status",
            f"{what}: {amendment.label} is {amendment.status.label.lower()}; this is possible "
            "only while it is tabled or under discussion.",
        )


# --------------------------------------------------------------------------- co-sponsors


def request_co_sponsorship(amendment: Amendment, *, user: User, note: str = "") -> AmendmentSponsor:
    """A delegate asks for their party to co-sponsor another party's amendment."""
    refuse_unless(
        user,
        Action.CO_SPONSOR,
        amendment,
        "Only a delegate of another Contracting Party may co-sponsor this amendment.",
    )
    _require_open(amendment, "Co-sponsorship")
    note = clean_text(note)
    check_length("note", "Note", note, MAX_NOTE)
    party = db.session.get(Party, user.party_id)
    assert party is not None
    row = db.session.scalar(
        select(AmendmentSponsor).where(
            AmendmentSponsor.amendment_id == amendment.id,
            AmendmentSponsor.party_id == party.id,
        )
    )
    if row is not None and row.status is not SponsorStatus.DECLINED:
        state = (
            "co-sponsors"
            if row.status is SponsorStatus.CONFIRMED
            else "has already asked to co-sponsor"
        )
        raise AmendmentError(
            "note", f"Co-sponsorship: {party.name} already {state} {amendment.label}."
        )
    now = utcnow()
    if row is None:
        row = AmendmentSponsor(amendment_id=amendment.id, party_id=party.id)
        db.session.add(row)
    row.status = SponsorStatus.REQUESTED
    row.requested_by_id = user.id
    row.requested_at = now
    row.note = note
    row.answered_by_id = None
    row.answered_at = None
    touch(amendment)
    db.session.flush()
    audit.record("amendment.sponsor_request", "amendment", amendment.id, party=party.name)
    notifications.notify(
        notifications.party_delegates(amendment.party_id),
        "sponsor_request",
        f"{party.name} asks to co-sponsor {amendment.label}",
        body=note,
        link=f"/amendments/{amendment.id}",
        skip=user,
    )
    return row


def answer_co_sponsorship(
    amendment: Amendment, party: Party, *, user: User, confirm: bool
) -> AmendmentSponsor:
    """A delegate of the proposing party confirms (or declines) a party as co-sponsor."""
    refuse_unless(
        user,
        Action.EDIT_AMENDMENT,
        amendment,
        "Only a delegate of the proposing party may answer a co-sponsorship request.",
    )
    _require_open(amendment, "Co-sponsorship")
    row = db.session.scalar(
        select(AmendmentSponsor).where(
            AmendmentSponsor.amendment_id == amendment.id,
            AmendmentSponsor.party_id == party.id,
        )
    )
    if row is None or row.status is not SponsorStatus.REQUESTED:
        raise AmendmentError(
            "decision", f"Co-sponsorship: {party.name} has no open request on {amendment.label}."
        )
    row.status = SponsorStatus.CONFIRMED if confirm else SponsorStatus.DECLINED
    row.answered_by_id = user.id
    row.answered_at = utcnow()
    touch(amendment)
    db.session.flush()
    audit.record(
        "amendment.sponsor_" + ("confirm" if confirm else "decline"),
        "amendment",
        amendment.id,
        party=party.name,
    )
    return row


# --------------------------------------------------------------------------- positions


def _stance(stance: Stance | str) -> Stance:
    try:
        return Stance(stance)
    except ValueError:
        names = ", ".join(s.label.lower() for s in Stance)
        raise AmendmentError("stance", f"Position: choose one of {names}.") from None


def _position_of(amendment: Amendment, party_id: int) -> AmendmentPosition | None:
    return db.session.scalar(
        select(AmendmentPosition).where(
            AmendmentPosition.amendment_id == amendment.id,
            AmendmentPosition.party_id == party_id,
        )
    )


def take_position(
    amendment: Amendment, *, user: User, stance: Stance | str, statement: str = ""
) -> AmendmentPosition:
    """The user's party states its position; a second position of one party is refused."""
    refuse_unless(
        user,
        Action.TAKE_POSITION,
        amendment,
        "Only a delegate of a party other than the proposing party may take a position.",
    )
    _require_open(amendment, "Position")
    stance = _stance(stance)
    statement = clean_text(statement)
    check_length("statement", "Statement", statement, MAX_NOTE)
    party = db.session.get(Party, user.party_id)
    assert party is not None
    existing = _position_of(amendment, party.id)
    if existing is not None:
        raise AmendmentError(
            "stance",
            f"Position: {party.name} has already taken a position on {amendment.label} "
            f"({existing.stance.label.lower()}). A party has one position: change it instead "
            "of taking a second one.",
        )
    sponsor = db.session.scalar(
        select(AmendmentSponsor.id).where(
            AmendmentSponsor.amendment_id == amendment.id,
            AmendmentSponsor.party_id == party.id,
            AmendmentSponsor.status == SponsorStatus.CONFIRMED,
        )
    )
    if sponsor is not None:
        raise AmendmentError(
            "stance", f"Position: {party.name} co-sponsors {amendment.label}; it supports it."
        )
    now = utcnow()
    position = AmendmentPosition(
        amendment_id=amendment.id,
        party_id=party.id,
        stance=stance,
        statement=statement,
        user_id=user.id,
        on_seq=amendment.latest_seq,
        created_at=now,
        updated_at=now,
    )
    db.session.add(position)
    db.session.flush()
    _record_position_change(position)
    touch(amendment)
    db.session.flush()
    audit.record(
        "amendment.position", "amendment", amendment.id, party=party.name, stance=stance.value
    )
    return position


def change_position(
    amendment: Amendment, *, user: User, stance: Stance | str, statement: str = ""
) -> AmendmentPosition:
    """The user's party changes the position it took; the earlier one stays in the history."""
    refuse_unless(
        user,
        Action.TAKE_POSITION,
        amendment,
        "Only a delegate of a party other than the proposing party may take a position.",
    )
    _require_open(amendment, "Position")
    stance = _stance(stance)
    statement = clean_text(statement)
    check_length("statement", "Statement", statement, MAX_NOTE)
    party = db.session.get(Party, user.party_id)
    assert party is not None
    position = _position_of(amendment, party.id)
    if position is None:
        raise AmendmentError(
            "stance", f"Position: {party.name} has no position on {amendment.label} to change."
        )
    if (
        position.stance is stance
        and position.statement == statement
        and position.on_seq == amendment.latest_seq
    ):
        raise AmendmentError(
            "stance", f"Position: {party.name}'s position is already exactly this; nothing changed."
        )
    before = position.stance.value
    position.stance = stance
    position.statement = statement
    position.user_id = user.id
    position.on_seq = amendment.latest_seq
    position.updated_at = utcnow()
    _record_position_change(position)
    touch(amendment)
    db.session.flush()
    audit.record(
        "amendment.position_change",
        "amendment",
        amendment.id,
        party=party.name,
        before=before,
        after=stance.value,
    )
    return position


def _record_position_change(position: AmendmentPosition) -> None:
    db.session.add(
        AmendmentPositionChange(
            position_id=position.id,
            stance=position.stance,
            statement=position.statement,
            user_id=position.user_id,
            on_seq=position.on_seq,
            at=utcnow(),
        )
    )


# --------------------------------------------------------------------------- comments


def add_comment(
    amendment: Amendment,
    *,
    user: User,
    body: str,
    reply_to: AmendmentComment | None = None,
) -> AmendmentComment:
    """A comment in Markdown; a reply joins the thread of the comment it answers."""
    refuse_unless(
        user,
        Action.COMMENT,
        amendment,
        "Only delegates and the Secretariat may comment on amendments.",
    )
    body = clean_text(body)
    if not body:
        raise AmendmentError("body", "Comment: empty. Write something before sending it.")
    check_length("body", "Comment", body, MAX_NOTE)
    thread_id = None
    if reply_to is not None:
        if reply_to.amendment_id != amendment.id:
            raise AmendmentError("reply_to", "Reply: that comment belongs to another amendment.")
        thread_id = reply_to.thread_id or reply_to.id
    comment = AmendmentComment(
        amendment_id=amendment.id,
        thread_id=thread_id,
        author_id=user.id,
        party_id=user.party_id,
        body=body,
        created_at=utcnow(),
    )
    db.session.add(comment)
    touch(amendment)
    db.session.flush()
    audit.record(
        "amendment.comment", "amendment", amendment.id, comment=comment.id, thread=thread_id
    )
    if not amendment.is_draft:
        # A reply: everyone who wrote in the thread; a new thread: the proposing party.
        readers = (
            db.session.scalars(
                select(User)
                .join(AmendmentComment, AmendmentComment.author_id == User.id)
                .where(
                    or_(AmendmentComment.id == thread_id, AmendmentComment.thread_id == thread_id)
                )
            ).all()
            if thread_id is not None
            else notifications.party_delegates(amendment.party_id)
        )
        notifications.notify(
            readers,
            "reply" if thread_id is not None else "comment",
            f"{user.display_name} commented on {amendment.label}",
            body=body[:2000],
            link=f"/amendments/{amendment.id}#comment-{comment.id}",
            skip=user,
        )
    return comment


def resolve_thread(
    comment: AmendmentComment, *, user: User, resolved: bool = True
) -> AmendmentComment:
    """Resolve a comment's thread (or open it again); returns the thread's first comment."""
    root = comment
    if comment.thread_id is not None:
        found = db.session.get(AmendmentComment, comment.thread_id)
        assert found is not None
        root = found
    refuse_unless(
        user,
        Action.RESOLVE_COMMENT,
        root,
        "Only the comment's author, the proposing party's delegates or the Secretariat may "
        "resolve a thread.",
    )
    if root.is_resolved == resolved:
        state = "resolved" if resolved else "open"
        raise AmendmentError("thread", f"Thread: it is already {state}.")
    root.resolved_at = utcnow() if resolved else None
    root.resolved_by_id = user.id if resolved else None
    touch(root.amendment)
    db.session.flush()
    audit.record(
        "amendment.comment_" + ("resolve" if resolved else "reopen"),
        "amendment",
        root.amendment_id,
        comment=root.id,
    )
    return root


# --------------------------------------------------------------------------- readers


def mark_seen(user: User) -> AmendmentReader:
    """Everything up to now counts as seen by `user` ("changed since my last visit")."""
    reader = db.session.get(AmendmentReader, user.id)
    if reader is None:
        reader = AmendmentReader(user_id=user.id)
        db.session.add(reader)
    reader.seen_at = utcnow()
    db.session.flush()
    audit.record("amendment.mark_seen", "user", user.id)
    return reader
