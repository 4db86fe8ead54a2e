"""An amendment's life after it is proposed, and the life of the draft it belongs to. No Flask.

`change_status` moves an amendment along its lifecycle (TRANSITIONS in `rkc.amendments.models`
says who may, and from where): tabling numbers it, deciding dates it. `mark_merged` records that
an agreed amendment is now in the draft (the merge itself: `rkc.amendments.merging`).
`freeze_draft` and `reopen_edition` end and resume a working draft without stranding its
amendments (the pre-flight check: `rkc.amendments.preflight`). Conventions: `rkc.amendments.common`.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, update

from rkc import audit
from rkc.amendments.common import (
    MAX_NOTE,
    add_transition,
    check_length,
    clean_text,
    refuse_unless,
)
from rkc.amendments.errors import AmendmentError, AmendmentRefused, StaleAmendmentError
from rkc.amendments.models import (
    TRANSITIONS,
    Amendment,
    AmendmentAction,
    AmendmentStatus,
    AmendmentTransition,
)
from rkc.amendments.preflight import preflight
from rkc.auth.models import User
from rkc.auth.permissions import Action, can
from rkc.convention import operations as text_store
from rkc.convention.models import Edition, Revision, utcnow
from rkc.extensions import db
from rkc.notifications import operations as notifications


def number_prefix(edition: Edition) -> str:
    """ "RD" for the draft "review-draft": the initials of the slug's parts."""
    parts = [p for p in edition.slug.split("-") if p]
    if len(parts) > 1:
        return "".join(p[0] for p in parts).upper()
    return (parts[0][:2] if parts else "AM").upper()


def _next_sequence(edition: Edition) -> int:
    highest = db.session.scalar(
        select(func.max(Amendment.sequence)).where(Amendment.edition_id == edition.id)
    )
    return (highest or 0) + 1


def change_status(
    amendment: Amendment,
    to: AmendmentStatus | str,
    *,
    user: User,
    reason: str = "",
    superseded_by: Amendment | None = None,
) -> AmendmentTransition:
    """Move an amendment along its lifecycle (TRANSITIONS in models says who and from where).

    Merging is not done here: see `mark_merged`.
    """
    try:
        target = AmendmentStatus(to)
    except ValueError:
        raise AmendmentError("to", f"Status: “{to}” is not a status.") from None
    if target not in TRANSITIONS or target is AmendmentStatus.MERGED:
        raise AmendmentError("to", f"Status: an amendment cannot be moved to “{target.label}”.")
    sources, action, verb = TRANSITIONS[target]
    refuse_unless(
        user,
        Action(action),
        amendment,
        f"{verb}: only "
        + (
            "a delegate of the proposing party"
            if action == Action.EDIT_AMENDMENT
            else "the Secretariat"
        )
        + " may do this.",
    )
    old = amendment.status
    if old not in sources:
        raise AmendmentError(
            "to",
            f"{verb}: {amendment.label} is {old.label.lower()}; only an amendment that is "
            + " or ".join(sorted(s.label.lower() for s in sources))
            + " can be.",
        )
    reason = clean_text(reason)
    check_length("reason", "Reason", reason, MAX_NOTE)
    values: dict = {}
    now = utcnow()
    if target is AmendmentStatus.TABLED:
        if not amendment.justification.strip():
            raise AmendmentError(
                "justification",
                f"Justification: {amendment.label} has none. Say why the change is needed "
                "before tabling it.",
            )
        if amendment.has_conflict:
            raise AmendmentError(
                "to",
                f"{amendment.label} conflicts with the current text: revise it against the "
                "current text before tabling it.",
            )
        sequence = _next_sequence(amendment.edition)
        values.update(
            sequence=sequence,
            number=f"{number_prefix(amendment.edition)}/{sequence:03d}",
            tabled_at=now,
        )
    if target is AmendmentStatus.SUPERSEDED and superseded_by is not None:
        if (
            superseded_by.id == amendment.id
            or superseded_by.edition_id != amendment.edition_id
            or superseded_by.number is None
        ):
            raise AmendmentError(
                "superseded_by",
                "Superseded by: name another tabled amendment to the same working draft.",
            )
        values["superseded_by_id"] = superseded_by.id
    elif superseded_by is not None:
        raise AmendmentError("superseded_by", "Superseded by: only for a superseded amendment.")
    if target in (
        AmendmentStatus.AGREED,
        AmendmentStatus.NOT_AGREED,
        AmendmentStatus.WITHDRAWN,
        AmendmentStatus.SUPERSEDED,
    ):
        values["decided_at"] = now
    _compare_and_set_status(amendment, old, target, values)
    transition = add_transition(amendment, old, target, user, reason)
    db.session.flush()
    audit.record(
        "amendment." + target.value,
        "amendment",
        amendment.id,
        number=amendment.number,
        **({"reason": reason} if reason else {}),
    )
    if target is not AmendmentStatus.DRAFT and old is not AmendmentStatus.DRAFT:
        notifications.notify(
            notifications.party_delegates(amendment.party_id),
            "status",
            f"{amendment.label} is now {target.label.lower()}",
            body=reason,
            link=f"/amendments/{amendment.id}",
            skip=user,
        )
    return transition


def _compare_and_set_status(
    amendment: Amendment, old: AmendmentStatus, new: AmendmentStatus, values: dict
) -> None:
    """Change the status only if nobody else changed it first (two clicks, two officers)."""
    db.session.flush()
    result = db.session.execute(
        update(Amendment)
        .where(Amendment.id == amendment.id, Amendment.status == old)
        .values(status=new, activity_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(amendment)
    if result.rowcount != 1:
        raise StaleAmendmentError(
            "to",
            f"{amendment.label} changed status meanwhile (it is now "
            f"{amendment.status.label.lower()}); reload the page.",
        )


def mark_merged(
    amendment: Amendment,
    revision: Revision | None,
    *,
    user: User | None = None,
    reason: str = "",
) -> AmendmentTransition:
    """The hook for the Secretariat's merge (issue 5): an agreed amendment is now in the draft.

    `revision` is the draft revision that carries it (None only for a deletion). Call it in the
    merge's transaction, before `rebase_pending` for the node (`revise_provision(merging=...)`
    does both in that order), so that the merged amendment is not rebased onto itself. With
    `user` None the actor is the system (the audit actor still applies).
    """
    if user is not None:
        refuse_unless(user, Action.MERGE, amendment, "Only the Secretariat may merge.")
    old = amendment.status
    if old is not AmendmentStatus.AGREED:
        raise AmendmentError(
            "to",
            f"{amendment.label} is {old.label.lower()}: only an agreed amendment can be merged.",
        )
    if revision is None and amendment.action is not AmendmentAction.DELETE:
        raise AmendmentError("revision", f"{amendment.label}: name the revision that merged it.")
    if (
        revision is not None
        and amendment.node_id is not None
        and revision.node_id != amendment.node_id
    ):
        raise AmendmentError(
            "revision", f"{amendment.label}: that revision belongs to another provision."
        )
    values = {"merged_revision_id": revision.id if revision is not None else None}
    _compare_and_set_status(amendment, old, AmendmentStatus.MERGED, values)
    transition = add_transition(amendment, old, AmendmentStatus.MERGED, user, clean_text(reason))
    db.session.flush()
    audit.record(
        "amendment.merged",
        "amendment",
        amendment.id,
        number=amendment.number,
        revision=revision.id if revision is not None else None,
    )
    notifications.notify(
        notifications.party_delegates(amendment.party_id),
        "merged",
        f"{amendment.label} was merged into the working draft",
        body=clean_text(reason),
        link=f"/amendments/{amendment.id}",
        skip=user,
    )
    return transition


# --------------------------------------------------------------------------- freezing


def freeze_draft(
    edition: Edition,
    *,
    user: User,
    adopted_on: date | None,
    in_force_from: date | None = None,
    title: str | None = None,
    confirmed: bool = False,
) -> Edition:
    """Freeze a working draft, never stranding work: refused while an agreed amendment waits
    to be merged, and while amendments are still open unless the Secretariat confirmed it saw
    them (the pre-flight page lists them). Open amendments stay with the frozen edition and
    come back to life if it is reopened."""
    if not can(user, Action.PUBLISH):
        raise AmendmentRefused("user", "Only the Secretariat may freeze a working draft.")
    check = preflight(edition)
    if check.blocked:
        labels = ", ".join(a.label for a in check.agreed)
        raise AmendmentError(
            "confirm",
            f"Agreed but not merged: {labels}. Merge them or record them not agreed before "
            "freezing; a frozen draft would leave them stranded.",
        )
    if check.needs_confirmation and not confirmed:
        raise AmendmentError(
            "confirm",
            "Amendments are still open on this draft: tick the confirmation to freeze anyway.",
        )
    try:
        text_store.freeze(edition, adopted_on=adopted_on, in_force_from=in_force_from, title=title)
    except text_store.TextStoreError as exc:
        field = "in_force_from" if str(exc).startswith("In force from") else "adopted_on"
        raise AmendmentError(field, str(exc)) from exc
    audit.record(
        "edition.freeze",
        "edition",
        edition.id,
        adopted_on=edition.adopted_on,
        in_force_from=edition.in_force_from,
        open_amendments=[a.label for a in check.pending],
        drafts=check.drafts,
    )
    return edition


def reopen_edition(edition: Edition, *, user: User, reason: str) -> Edition:
    """Reopen an adopted edition not yet in force as a working draft (audited, with why)."""
    if not can(user, Action.PUBLISH):
        raise AmendmentRefused("user", "Only the Secretariat may reopen an edition.")
    reason = clean_text(reason)
    if not reason:
        raise AmendmentError("reason", "Reason: say why the edition is reopened.")
    check_length("reason", "Reason", reason, MAX_NOTE)
    adopted_on = edition.adopted_on
    try:
        text_store.reopen(edition)
    except text_store.TextStoreError as exc:
        raise AmendmentError("reason", str(exc)) from exc
    audit.record("edition.reopen", "edition", edition.id, was_adopted_on=adopted_on, reason=reason)
    return edition
