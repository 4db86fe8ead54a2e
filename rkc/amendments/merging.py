"""The Secretariat's merge: agreed amendments (or a compromise text) into the working draft.

A merge is one transaction: every amendment of the batch lands, or none does (the caller
rolls back on any error). Every new revision names its sources twice: in its `origin_ref`
(human-readable, e.g. "RD/001 (Austria)") and in `revision_source` rows (one per amendment).

Concurrency: each merged provision carries the revision the Secretariat saw when it chose
to merge (`expected`). `rkc.convention.operations.revise` updates the draft with a
compare-and-set, so of two merges racing for one provision one wins and the other gets
`StaleRevisionError` (HTTP 409 with the new text) and writes nothing.

Locks: a merge and a compromise write the same rows (the manifest line, the amendments, the
rebased followers) in different orders; on PostgreSQL two of them racing for one provision
deadlocked. Both therefore start with `_lock`: the draft's edition row first, then the
amendments they name in id order, and only then read what they check. Writers of one draft
queue there; the second finds the provision moved on and gets the usual 409.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select

from rkc import audit
from rkc.amendments import languages
from rkc.amendments.errors import AmendmentError
from rkc.amendments.lifecycle import change_status, mark_merged
from rkc.amendments.models import (
    Amendment,
    AmendmentAction,
    AmendmentStatus,
    RevisionSource,
)
from rkc.amendments.proposing import suggest_key
from rkc.amendments.rebasing import rebase_stale, revise_provision
from rkc.auth.models import User
from rkc.auth.permissions import Action, can
from rkc.convention import operations as text_store
from rkc.convention.models import Edition, EditionEntry, EditionStatus, Node, Revision
from rkc.extensions import db


class MergeError(AmendmentError):
    """A merge that cannot be done as asked; nothing has been written."""


class MergeConflict(MergeError):
    """The amended text moved on so that the amendment no longer applies (HTTP 409)."""

    def __init__(self, amendment: Amendment, message: str):
        self.node_key = amendment.node.key if amendment.node is not None else ""
        super().__init__("amendments", message)


@dataclass(frozen=True)
class MergeOutcome:
    merged: tuple[Amendment, ...]
    revisions: tuple[Revision, ...]
    conflicts_flagged: tuple[str, ...]


def _source(amendment: Amendment) -> str:
    return f"{amendment.label} ({amendment.party.name})"


def _order(edition: Edition, amendments: Iterable[Amendment]) -> list[Amendment]:
    """Document order of the targets (insertions by the place they go)."""
    ordinals = dict(
        db.session.execute(
            select(EditionEntry.node_id, EditionEntry.ordinal).where(
                EditionEntry.edition_id == edition.id, EditionEntry.language == "en"
            )
        ).all()
    )

    def where(a: Amendment) -> tuple[int, int]:
        anchor = a.node_id or a.after_node_id or a.parent_node_id
        return (ordinals.get(anchor, 10**9), a.sequence or a.id)

    return sorted(amendments, key=where)


def _lock(edition: Edition, amendments: Iterable[Amendment]) -> None:
    """Take this transaction's locks in the one fixed order, then forget what was read before.

    `FOR NO KEY UPDATE` on the edition row serializes the draft's merges and compromises
    without blocking inserts that merely refer to the edition. Whoever waited here re-reads
    everything (statuses, manifest lines) as committed by the writer it waited for.
    SQLite takes no row locks: a writer's transaction already holds the database's write lock.
    """
    db.session.flush()
    db.session.execute(
        select(Edition.id).where(Edition.id == edition.id).with_for_update(key_share=True)
    )
    db.session.expire_all()
    ids = sorted({a.id for a in amendments})
    if ids:
        db.session.execute(
            select(Amendment.id)
            .where(Amendment.id.in_(ids))
            .order_by(Amendment.id)
            .with_for_update()
        )


def _refuse_if_moved(edition: Edition, node: Node, expected: int | None) -> None:
    """StaleRevisionError (409) before anything else is checked, when the provision changed
    since the Secretariat read it: a concurrent writer's work is news, not a bad request."""
    current = text_store.current_revision(edition, node)
    if current is not None and expected is not None and current.id != expected:
        raise text_store.StaleRevisionError(node.key, expected, current.id)


def _check_batch(edition: Edition, amendments: list[Amendment]) -> None:
    if edition.status is not EditionStatus.WORKING_DRAFT:
        raise MergeError("edition", f"“{edition.title}” is not a working draft.")
    if not amendments:
        raise MergeError("amendments", "Choose at least one agreed amendment to merge.")
    for amendment in amendments:
        if amendment.edition_id != edition.id:
            raise MergeError("amendments", f"{amendment.label} amends another edition.")
        if amendment.status is not AmendmentStatus.AGREED:
            raise MergeError(
                "amendments",
                f"{amendment.label} is {amendment.status.label.lower()}: only an agreed "
                "amendment can be merged.",
            )
        if amendment.has_conflict:
            raise MergeConflict(
                amendment,
                f"{amendment.label} conflicts with the current text: write a compromise text "
                "or ask its party to revise it.",
            )
        # Both authentic languages, or nothing (rkc/amendments/languages.py).
        unready = languages.not_ready(amendment)
        if unready:
            raise MergeError("amendments", unready[0].message)


def merge(
    edition: Edition,
    amendments: Iterable[Amendment],
    *,
    expected: Mapping[int, int],
    user: User,
) -> MergeOutcome:
    """Merge agreed amendments into the working draft, in document order, all or nothing.

    `expected` maps each amended node id to the revision id the Secretariat saw.
    """
    if not can(user, Action.MERGE):
        raise MergeError("user", "Only the Secretariat may merge amendments.")
    chosen = list(dict.fromkeys(amendments))  # each once, even if named twice
    _lock(edition, chosen)
    batch = _order(edition, chosen)
    for amendment in batch:
        if amendment.node is not None and amendment.action is not AmendmentAction.INSERT:
            _refuse_if_moved(edition, amendment.node, expected.get(amendment.node.id))
    _check_batch(edition, batch)
    seen_now: dict[int, int] = {}  # node id -> revision this batch wrote
    revisions: list[Revision] = []
    for amendment in batch:
        if amendment.status is not AmendmentStatus.AGREED or amendment.has_conflict:
            # An earlier merge in this batch rebased it into a conflict.
            raise MergeConflict(
                amendment,
                f"{amendment.label} no longer applies cleanly after the other amendments of "
                "this batch: merge it separately or write a compromise text.",
            )
        if amendment.node_id is not None:
            # An earlier step of the batch may have moved its unit in another language.
            languages.rebase_versions(edition, [amendment.node_id])
            unready = languages.not_ready(amendment)
            if unready:
                raise MergeConflict(amendment, unready[0].message)
        structural = amendment.action in (AmendmentAction.INSERT, AmendmentAction.DELETE)
        before = _manifest(edition) if structural else None
        revision = _merge_one(edition, amendment, expected, seen_now, user)
        if before is not None:
            _follow_moves(edition, before, expected, seen_now)
        try:
            translated = languages.merge_versions(
                edition, amendment, revision, origin_ref=_source(amendment)
            )
        except AmendmentError as exc:
            raise MergeConflict(amendment, str(exc)) from exc
        for written in ([revision] if revision is not None else []) + translated:
            revisions.append(written)
            db.session.add(
                RevisionSource(revision_id=written.id, amendment_id=amendment.id, role="merged")
            )
    reports = rebase_stale(edition)
    french = languages.rebase_versions(edition)
    flagged = tuple(
        f"{report.node_key}: {len(report.conflicts)} amendment(s)"
        for report in reports
        if report.conflicts
    ) + ((f"{len(french)} version(s) in another language",) if french else ())
    db.session.flush()
    audit.record(
        "merge.batch",
        "edition",
        edition.id,
        amendments=[a.label for a in batch],
        revisions=[r.id for r in revisions],
    )
    return MergeOutcome(tuple(batch), tuple(revisions), flagged)


def _manifest(edition: Edition) -> dict[int, int]:
    """node id -> revision id of the draft's English manifest."""
    return dict(
        db.session.execute(
            select(EditionEntry.node_id, EditionEntry.revision_id).where(
                EditionEntry.edition_id == edition.id, EditionEntry.language == "en"
            )
        ).all()
    )


def _follow_moves(
    edition: Edition, before: Mapping[int, int], expected: Mapping[int, int], seen_now: dict
) -> None:
    """After an insertion or a deletion in the batch: the siblings it moved have new revisions
    (a position is part of a revision's content). Where the batch expected a sibling's old
    revision, it now expects the moved one, and the amendments that follow a moved sibling are
    carried over to it, so that a later amendment of the same batch still applies.
    """
    after = _manifest(edition)
    for node_id, old in before.items():
        new = after.get(node_id)
        if new is not None and new != old and seen_now.get(node_id, expected.get(node_id)) == old:
            seen_now[node_id] = new
    rebase_stale(edition)


def _check_current(edition: Edition, node: Node, amendment: Amendment, wanted: int) -> None:
    """Refuse before writing: a provision that moved on since the Secretariat looked
    (StaleRevisionError), or an amendment written against another text than the one it would
    replace (it was not carried over: merging it would undo the change in between)."""
    current = text_store.current_revision(edition, node)
    if current is None:
        raise MergeError("amendments", f"{amendment.label}: {node.key} is no longer in the draft.")
    if current.id != wanted:
        raise text_store.StaleRevisionError(node.key, wanted, current.id)
    if amendment.base_revision_id != current.id:
        raise MergeConflict(
            amendment,
            f"{amendment.label} was written against an earlier text of {node.key} and has not "
            "been carried over to its current text: ask its party to revise it, or write a "
            "compromise text.",
        )


def _expected_for(
    node: Node, amendment: Amendment, expected: Mapping[int, int], seen_now: dict[int, int]
) -> int:
    if node.id in seen_now:
        return seen_now[node.id]
    if node.id not in expected:
        raise MergeError(
            "expected", f"{amendment.label}: say which text of {node.key} you are merging into."
        )
    return expected[node.id]


def _merge_one(
    edition: Edition,
    amendment: Amendment,
    expected: Mapping[int, int],
    seen_now: dict[int, int],
    user: User,
) -> Revision | None:
    ref = _source(amendment)
    if amendment.action in (AmendmentAction.MODIFY, AmendmentAction.HEADING):
        node = amendment.node
        assert node is not None
        changes: dict[str, object] = (
            {"text": amendment.proposed_text}
            if amendment.action is AmendmentAction.MODIFY
            else {"title": amendment.proposed_title or ""}
        )
        wanted = _expected_for(node, amendment, expected, seen_now)
        _check_current(edition, node, amendment, wanted)
        revision, _report = revise_provision(
            edition,
            node,
            expected_revision_id=wanted,
            merging=[amendment],
            user=user,
            origin="amendment",
            origin_ref=ref,
            **changes,
        )
        seen_now[node.id] = revision.id
        return revision
    if amendment.action is AmendmentAction.INSERT:
        parent = amendment.parent_node
        assert parent is not None
        key = amendment.proposed_key
        if not key or db.session.scalar(select(Node.id).where(Node.key == key)) is not None:
            key = suggest_key(
                edition,
                parent,
                amendment.proposed_kind or "standard",
                amendment.proposed_number,
                amendment.proposed_title,
            )
        try:
            revision = text_store.insert_node(
                edition,
                key=key,
                parent=parent,
                after=amendment.after_node,
                kind=amendment.proposed_kind or "standard",
                number=amendment.proposed_number,
                title=amendment.proposed_title,
                text=amendment.proposed_text,
                origin="amendment",
                origin_ref=ref,
            )
        except text_store.TextStoreError as exc:
            raise MergeError("amendments", f"{amendment.label}: {exc}") from exc
        mark_merged(amendment, revision, user=user)
        return revision
    # Deletion: the unit leaves the draft (its node and revisions stay for history).
    node = amendment.node
    assert node is not None
    _check_current(edition, node, amendment, _expected_for(node, amendment, expected, seen_now))
    text_store.remove_node(edition, node)
    mark_merged(amendment, None, user=user)
    return None


def compromise(
    edition: Edition,
    node: Node,
    amendments: Iterable[Amendment],
    *,
    text: str,
    expected_revision_id: int,
    user: User,
    reason: str = "",
) -> Revision:
    """Write a compromise text for `node` that supersedes several amendments to it."""
    chosen = list(amendments)
    if not can(user, Action.MERGE):
        raise MergeError("user", "Only the Secretariat may write a compromise text.")
    if len(chosen) < 1:
        raise MergeError("amendments", "Choose the amendments the compromise supersedes.")
    if not text.strip():
        raise MergeError("text", "Compromise text: it is empty.")
    _lock(edition, chosen)
    _refuse_if_moved(edition, node, expected_revision_id)
    for amendment in chosen:
        if amendment.node_id != node.id or amendment.action is not AmendmentAction.MODIFY:
            raise MergeError(
                "amendments", f"{amendment.label} does not modify the text of {node.key}."
            )
        if amendment.status not in (
            AmendmentStatus.TABLED,
            AmendmentStatus.UNDER_DISCUSSION,
            AmendmentStatus.AGREED,
        ):
            raise MergeError(
                "amendments",
                f"{amendment.label} is {amendment.status.label.lower()}: it cannot be superseded.",
            )
    labels = ", ".join(a.label for a in chosen)
    why = reason.strip() or "Superseded by a compromise text merged by the Secretariat."
    for amendment in chosen:
        change_status(amendment, AmendmentStatus.SUPERSEDED, user=user, reason=why)
    revision, _report = revise_provision(
        edition,
        node,
        expected_revision_id=expected_revision_id,
        user=user,
        text=text,
        origin="compromise",
        origin_ref=f"compromise superseding {labels}",
    )
    for amendment in chosen:
        db.session.add(
            RevisionSource(revision_id=revision.id, amendment_id=amendment.id, role="compromise")
        )
    db.session.flush()
    audit.record(
        "merge.compromise",
        "node",
        node.key,
        amendments=[a.label for a in chosen],
        revision=revision.id,
    )
    return revision
