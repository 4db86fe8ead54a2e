"""Amendments follow the text of the working draft they amend. No Flask here.

When the text of a node in a working draft changes, every pending amendment on it must follow
(`rebase_pending`); so do agreed amendments waiting for the merge (`FOLLOWING`), so that a merge
always applies a proposal written against the current text. The single place that changes
draft text on the amendments' behalf is `revise_provision` (convention `revise`, then
`mark_merged` for the amendments it carries out, then `rebase_pending`); the merge
(`rkc.amendments.merging`) uses it, or calls `mark_merged` and `rebase_pending(node, edition)`
after its own `revise`/`insert_node`/`remove_node` (`rebase_stale(edition)` catches up every
amendment of a draft whose base is not the current revision, whatever changed it). Rebasing uses
`rkc.text.merge.rebase` (the three-way merge on word tokens), never diff-match-patch's
`patch_apply`:

- clean: the proposal becomes the merged text, its base the current revision, and the step is
  kept as an AmendmentRevision with origin "rebase";
- overlap: `has_conflict` is set with both sides stored (`conflict_detail`), and the proposed
  text and its base are left exactly as they were. The proposer resolves it by revising the
  amendment against the current text. A later change can also make a conflict go away: the
  merge is always recomputed from the amendment's own base.

A deletion is merged as a proposal of the empty text, so any change of the text meanwhile is a
conflict (the delegate asked to delete words that are no longer the ones in the draft); a
heading change merges the headings.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import and_, or_, select

from rkc import audit
from rkc.amendments import languages
from rkc.amendments.common import add_revision, clear_conflict, touch
from rkc.amendments.errors import AmendmentError
from rkc.amendments.lifecycle import mark_merged
from rkc.amendments.models import FOLLOWING, Amendment, AmendmentAction, AmendmentStatus
from rkc.auth.models import User
from rkc.convention import operations as text_store
from rkc.convention.models import Edition, EditionEntry, Node, Revision
from rkc.extensions import db
from rkc.notifications import operations as notifications
from rkc.text.merge import MergeResult, rebase


@dataclass
class RebaseReport:
    """What `rebase_pending` did to the pending amendments of one node."""

    node_key: str
    rebased: list[int] = field(default_factory=list)
    conflicts: list[int] = field(default_factory=list)
    unchanged: int = 0


def revise_provision(
    edition: Edition,
    node: Node,
    *,
    expected_revision_id: int | None,
    merging: Iterable[Amendment] = (),
    user: User | None = None,
    **changes: object,
) -> tuple[Revision, RebaseReport]:
    """Change a node of a working draft and bring the amendments that follow it along.

    The one place that changes draft text on the amendments' behalf: `changes` go to
    `rkc.convention.operations.revise` (text, title, number, kind, origin, origin_ref). The
    agreed amendments in `merging` (what this change carries out) are marked as merged with the
    new revision first (`mark_merged`, acting `user`), so that only the others are rebased.
    """
    merging = list(merging)
    for amendment in merging:
        if amendment.node_id != node.id:
            raise AmendmentError(
                "merging", f"{amendment.label} amends another provision than {node.key}."
            )
        if amendment.status is not AmendmentStatus.AGREED:
            raise AmendmentError(
                "merging",
                f"{amendment.label} is {amendment.status.label.lower()}: only an agreed "
                "amendment can be merged.",
            )
    revision = text_store.revise(
        edition, node, expected_revision_id=expected_revision_id, **changes
    )
    for amendment in merging:
        mark_merged(amendment, revision, user=user)
    return revision, rebase_pending(node, edition)


def rebase_pending(node: Node, edition: Edition | None = None) -> RebaseReport:
    """Carry every amendment on `node` that follows the text (FOLLOWING: pending or agreed and
    waiting for the merge) over to the node's current revision.

    Limited to one working draft when `edition` is given. Amendments already written against
    the current revision are left alone, as are those already flagged against it; an insertion
    anchored in or after `node` is flagged when `node` left the draft.
    """
    report = RebaseReport(node.key)
    stmt = select(Amendment).where(
        Amendment.status.in_(FOLLOWING),
        or_(
            Amendment.node_id == node.id,
            and_(
                Amendment.action == AmendmentAction.INSERT,
                or_(Amendment.parent_node_id == node.id, Amendment.after_node_id == node.id),
            ),
        ),
    )
    if edition is not None:
        stmt = stmt.where(Amendment.edition_id == edition.id)
    amendments = list(db.session.scalars(stmt.order_by(Amendment.id)))
    if not amendments:
        return report
    edition_ids = {a.edition_id for a in amendments}
    current_ids: dict[int, int] = dict(
        db.session.execute(
            select(EditionEntry.edition_id, EditionEntry.revision_id).where(
                EditionEntry.node_id == node.id,
                EditionEntry.language == "en",
                EditionEntry.edition_id.in_(edition_ids),
            )
        ).all()
    )
    wanted = set(current_ids.values()) | {
        a.base_revision_id for a in amendments if a.base_revision_id is not None
    }
    revisions = {
        r.id: r for r in db.session.scalars(select(Revision).where(Revision.id.in_(wanted)))
    }
    for amendment in amendments:
        current_id = current_ids.get(amendment.edition_id)
        if amendment.action is AmendmentAction.INSERT:
            if current_id is None and not amendment.has_conflict:
                _flag(
                    amendment,
                    None,
                    f"{node.key}, where the new unit was to go, is no longer in the working draft.",
                    [],
                )
                report.conflicts.append(amendment.id)
            else:
                report.unchanged += 1
            continue
        if current_id is None:
            if amendment.has_conflict and amendment.conflict_revision_id is None:
                report.unchanged += 1
                continue
            _flag(amendment, None, f"{node.key} is no longer in the working draft.", [])
            report.conflicts.append(amendment.id)
            continue
        if amendment.base_revision_id == current_id or (
            amendment.has_conflict and amendment.conflict_revision_id == current_id
        ):
            report.unchanged += 1
            continue
        assert amendment.base_revision_id is not None
        base, current = revisions[amendment.base_revision_id], revisions[current_id]
        result = _merge(amendment, base, current)
        if result.is_clean:
            assert result.text is not None
            _carry_over(amendment, current, result.text)
            report.rebased.append(amendment.id)
        else:
            regions = [
                {"base": c.base, "current": c.ours, "proposed": c.theirs} for c in result.conflicts
            ]
            what = "heading" if amendment.action is AmendmentAction.HEADING else "text"
            _flag(
                amendment,
                current,
                f"The {what} of {node.key} changed where this amendment changes it too.",
                regions,
            )
            report.conflicts.append(amendment.id)
    db.session.flush()
    return report


def rebase_stale(edition: Edition) -> list[RebaseReport]:
    """Rebase every following amendment of `edition` whose base is not its target's revision.

    For callers that changed the draft by other means than `revise_provision` (insertions and
    removals shift siblings; a merge may touch several nodes).
    """
    entry = EditionEntry
    stale_nodes = set(
        db.session.scalars(
            select(Amendment.node_id)
            .outerjoin(
                entry,
                and_(
                    entry.edition_id == Amendment.edition_id,
                    entry.node_id == Amendment.node_id,
                    entry.language == "en",
                ),
            )
            .where(
                Amendment.edition_id == edition.id,
                Amendment.status.in_(FOLLOWING),
                Amendment.node_id.is_not(None),
                or_(entry.revision_id.is_(None), entry.revision_id != Amendment.base_revision_id),
            )
        )
    )
    anchors = set(
        db.session.scalars(
            select(Amendment.parent_node_id).where(
                Amendment.edition_id == edition.id,
                Amendment.status.in_(FOLLOWING),
                Amendment.action == AmendmentAction.INSERT,
            )
        )
    ) | set(
        db.session.scalars(
            select(Amendment.after_node_id).where(
                Amendment.edition_id == edition.id,
                Amendment.status.in_(FOLLOWING),
                Amendment.action == AmendmentAction.INSERT,
                Amendment.after_node_id.is_not(None),
            )
        )
    )
    present = set(
        db.session.scalars(
            select(EditionEntry.node_id).where(
                EditionEntry.edition_id == edition.id,
                EditionEntry.node_id.in_(anchors),
                EditionEntry.language == "en",
            )
        )
    )
    node_ids = stale_nodes | (anchors - present)
    nodes = db.session.scalars(select(Node).where(Node.id.in_(node_ids)).order_by(Node.id))
    return [rebase_pending(node, edition) for node in nodes]


def _merge(amendment: Amendment, base: Revision, current: Revision) -> MergeResult:
    if amendment.action is AmendmentAction.HEADING:
        return rebase(base.title or "", current.title or "", amendment.proposed_title or "")
    if amendment.action is AmendmentAction.DELETE:
        return rebase(base.text, current.text, "")
    return rebase(base.text, current.text, amendment.proposed_text)


def _carry_over(amendment: Amendment, current: Revision, merged: str) -> None:
    old_base = amendment.base_revision_id
    if amendment.action is AmendmentAction.MODIFY:
        amendment.proposed_text = merged
    elif amendment.action is AmendmentAction.HEADING:
        amendment.proposed_title = merged
    amendment.base_revision_id = current.id
    clear_conflict(amendment)
    amendment.latest_seq += 1
    touch(amendment)
    unchanged = amendment.action is AmendmentAction.MODIFY and merged == current.text
    note = f"Carried over from revision {old_base} to revision {current.id} of the provision."
    if unchanged:
        note += " The current text already says what it proposed: it now proposes no change."
    add_revision(amendment, "rebase", None, note)
    languages.follow_english(amendment, "rebase", None, note)
    audit.record(
        "amendment.rebase",
        "amendment",
        amendment.id,
        base=old_base,
        onto=current.id,
        seq=amendment.latest_seq,
    )


def _flag(
    amendment: Amendment, current: Revision | None, reason: str, regions: Iterable[dict]
) -> None:
    amendment.has_conflict = True
    amendment.conflict_revision_id = current.id if current is not None else None
    amendment.conflict_detail = json.dumps(
        {"reason": reason, "regions": list(regions)}, ensure_ascii=False
    )
    touch(amendment)
    languages.follow_english(amendment, "conflict", None)
    audit.record(
        "amendment.conflict",
        "amendment",
        amendment.id,
        revision=current.id if current is not None else None,
    )
    notifications.notify(
        notifications.party_delegates(amendment.party_id),
        "conflict",
        f"{amendment.label} conflicts with the working draft: revise it",
        body=reason,
        link=f"/amendments/{amendment.id}",
    )
