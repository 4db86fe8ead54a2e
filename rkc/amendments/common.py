"""What the amendment write modules share: length limits, how a unit is named, the role check
and the history rows (versions and status transitions). No Flask here.

The write modules are `proposing` (propose, check, revise), `lifecycle` (status, merge, freezing
the draft), `discussion` (co-sponsors, positions, comments, readers) and `rebasing` (following
the draft's text). Operations flush; the caller (a request, a CLI command, the API) owns the
transaction. Each takes the acting `user` and checks it with `rkc.auth.permissions.can` as well,
so that the API and the command line get the same guarantees as the pages. Every write calls
`rkc.audit.record`. Errors: `rkc.amendments.errors`.
"""

from __future__ import annotations

from rkc.amendments.errors import AmendmentError, AmendmentRefused
from rkc.amendments.models import Amendment, AmendmentRevision, AmendmentStatus, AmendmentTransition
from rkc.auth.models import User
from rkc.auth.permissions import Action, can
from rkc.convention.kinds import KIND_LABELS
from rkc.convention.models import Revision, utcnow
from rkc.extensions import db

#: Longest proposed text, justification, statement or comment accepted (characters).
MAX_TEXT = 50_000
MAX_NOTE = 20_000
MAX_TITLE = 500
MAX_CONCEPT = 120


def unit_label(kind: str, number: str | None, title: str | None = None) -> str:
    """How people name a unit: "Standard 3.1", "Chapter 3", "Section: Rights of ..."."""
    label = KIND_LABELS.get(kind, kind.replace("_", " ").title())
    if number:
        return f"{label} {number}"
    if title:
        return f"{label}: {title}"
    return label


def revision_label(revision: Revision) -> str:
    return unit_label(revision.kind, revision.number, revision.title)


def clean_text(text: str | None) -> str:
    """Form text as stored: Unix line ends, no trailing spaces at the ends."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def refuse_unless(user: User, action: Action, obj: object, message: str) -> None:
    if not can(user, action, obj):
        raise AmendmentRefused("user", message)


def touch(amendment: Amendment) -> None:
    amendment.activity_at = utcnow()


def check_length(field: str, name: str, text: str, limit: int) -> None:
    if len(text) > limit:
        raise AmendmentError(
            field, f"{name}: at most {limit:,} characters (this has {len(text):,})."
        )


def add_revision(
    amendment: Amendment, origin: str, author: User | None, note: str = ""
) -> AmendmentRevision:
    revision = AmendmentRevision(
        amendment_id=amendment.id,
        seq=amendment.latest_seq,
        origin=origin,
        base_revision_id=amendment.base_revision_id,
        proposed_text=amendment.proposed_text,
        proposed_title=amendment.proposed_title,
        proposed_number=amendment.proposed_number,
        proposed_kind=amendment.proposed_kind,
        proposed_key=amendment.proposed_key,
        justification=amendment.justification,
        concept=amendment.concept,
        author_id=author.id if author is not None else None,
        note=note,
        created_at=utcnow(),
    )
    db.session.add(revision)
    return revision


def add_transition(
    amendment: Amendment,
    old: AmendmentStatus | None,
    new: AmendmentStatus,
    user: User | None,
    reason: str,
) -> AmendmentTransition:
    transition = AmendmentTransition(
        amendment_id=amendment.id,
        from_status=old,
        to_status=new,
        user_id=user.id if user is not None else None,
        reason=reason,
        at=utcnow(),
    )
    db.session.add(transition)
    return transition


def clear_conflict(amendment: Amendment) -> None:
    amendment.has_conflict = False
    amendment.conflict_revision_id = None
    amendment.conflict_detail = ""
