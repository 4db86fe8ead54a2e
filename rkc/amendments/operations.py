"""Every write about amendments, one function per use case. No Flask here.

Size: over 600 lines; issue #18 splits it by concern (proposing, lifecycle, discussion,
rebasing).

Operations flush; the caller (a request, a CLI command, the API) owns the transaction. Bad
input raises `AmendmentError` (a ValueError naming the field and the provision) before anything
is written; a role that may not act raises `AmendmentRefused`; a write based on something that
moved on raises `StaleAmendmentError` (HTTP 409). Every write calls `rkc.audit.record`.

Each function takes the acting `user` and checks it with `rkc.auth.permissions.can` as well, so
that the API and the command line get the same guarantees as the pages.

**Rebasing.** When the text of a node in a working draft changes, every pending amendment on it
must follow (`rebase_pending`); so do agreed amendments waiting for the merge (`FOLLOWING`), so
that a merge always applies a proposal written against the current text. The single place that
changes draft text on the amendments' behalf is `revise_provision` (convention `revise`, then
`mark_merged` for the amendments it carries out, then `rebase_pending`); issue 5's merge must
use it, or call `mark_merged` and `rebase_pending(node, edition)` after its own
`revise`/`insert_node`/`remove_node` (`rebase_stale(edition)` catches up every amendment of a
draft whose base is not the current revision, whatever changed it). Rebasing uses
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
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, func, or_, select, update

from rkc import audit
from rkc.amendments.models import (
    FOLLOWING,
    TRANSITIONS,
    Amendment,
    AmendmentAction,
    AmendmentComment,
    AmendmentPosition,
    AmendmentPositionChange,
    AmendmentReader,
    AmendmentRevision,
    AmendmentSponsor,
    AmendmentStatus,
    AmendmentTransition,
    SponsorStatus,
    Stance,
)
from rkc.amendments.preflight import preflight
from rkc.auth.models import User
from rkc.auth.permissions import Action, can
from rkc.convention import operations as text_store
from rkc.convention.kinds import ALLOWED_CHILDREN, KIND_LABELS, STRUCTURAL_KINDS
from rkc.convention.models import Edition, EditionEntry, EditionStatus, Node, Revision, utcnow
from rkc.extensions import db
from rkc.notifications import operations as notifications
from rkc.parties.models import Party
from rkc.text.merge import MergeResult, rebase

#: Longest proposed text, justification, statement or comment accepted (characters).
MAX_TEXT = 50_000
MAX_NOTE = 20_000
MAX_TITLE = 500
MAX_CONCEPT = 120

#: Kinds whose units carry no number (a note is "the note of" its provision).
UNNUMBERED_KINDS = frozenset({"note", "preamble"})
_NUMBER_RE = re.compile(r"^[^\s:]{1,40}$")
_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9./-]{0,199}$")

#: `revise_amendment(after=KEEP)`: leave an insertion where it is.
KEEP = object()


class AmendmentError(ValueError):
    """Bad input for an amendment write; `field` names the form field at fault."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


class AmendmentRefused(AmendmentError):
    """The user's role may not do this to this amendment (HTTP 403)."""


class StaleAmendmentError(AmendmentError):
    """What the writer read moved on meanwhile (HTTP 409); reload and try again."""


class StaleTargetError(StaleAmendmentError):
    """The provision changed since the form showed it; `current` is its revision now."""

    def __init__(self, label: str, current: Revision):
        self.current = current
        super().__init__(
            "base",
            f"{label} changed since you opened this form; its current text is shown now. "
            "Check your proposal against it and submit again.",
        )


# --------------------------------------------------------------------------- helpers


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


def _refuse_unless(user: User, action: Action, obj: object, message: str) -> None:
    if not can(user, action, obj):
        raise AmendmentRefused("user", message)


def _require_working_draft(edition: Edition) -> None:
    if edition.status is not EditionStatus.WORKING_DRAFT:
        raise AmendmentError(
            "edition",
            f"Edition “{edition.title}” is {edition.status.value.replace('_', ' ')}: amendments "
            "are proposed to a working draft only.",
        )


def _current(edition: Edition, node: Node, *, field: str = "target") -> Revision:
    """The node's revision in the draft, or a clear refusal when it is not in it."""
    _require_working_draft(edition)
    entry = db.session.get(EditionEntry, (edition.id, node.id, "en"))
    if entry is None:
        raise AmendmentError(
            field,
            f"{node.key} is not in the working draft “{edition.title}”: only units of the "
            "draft can be amended.",
        )
    return entry.revision


def _check_base(label: str, current: Revision, expected_revision_id: int | None) -> None:
    if expected_revision_id is not None and expected_revision_id != current.id:
        raise StaleTargetError(label, current)


def _touch(amendment: Amendment) -> None:
    amendment.activity_at = utcnow()


def _check_length(field: str, name: str, text: str, limit: int) -> None:
    if len(text) > limit:
        raise AmendmentError(
            field, f"{name}: at most {limit:,} characters (this has {len(text):,})."
        )


def _clean_concept(concept: str | None) -> str:
    concept = " ".join((concept or "").split())
    _check_length("concept", "Concept", concept, MAX_CONCEPT)
    return concept


def _clean_justification(justification: str | None) -> str:
    text = clean_text(justification)
    _check_length("justification", "Justification", text, MAX_TEXT)
    return text


@dataclass(frozen=True)
class Content:
    """What an amendment proposes, checked and normalised."""

    text: str = ""
    title: str | None = None
    number: str | None = None
    kind: str | None = None
    key: str | None = None
    after_node_id: int | None = None


def _modification(current: Revision, label: str, text: str | None) -> Content:
    text = clean_text(text)
    if not text:
        raise AmendmentError(
            "text",
            f"Proposed text: empty. To take {label} out of the draft, propose a deletion instead.",
        )
    _check_length("text", "Proposed text", text, MAX_TEXT)
    if text == clean_text(current.text):
        raise AmendmentError(
            "text",
            f"Proposed text: it is the same as the current text of {label}. Change the text "
            "before submitting.",
        )
    return Content(text=text)


def _heading(current: Revision, label: str, title: str | None) -> Content:
    title = " ".join((title or "").split())
    if not title:
        raise AmendmentError("title", f"Heading: empty. Write the new heading of {label}.")
    _check_length("title", "Heading", title, MAX_TITLE)
    if title == (current.title or ""):
        raise AmendmentError(
            "title", f"Heading: it is the same as the current heading of {label}; change it."
        )
    return Content(title=title)


def _insertion(
    edition: Edition,
    parent: Node,
    *,
    after: Node | None,
    kind: str | None,
    number: str | None,
    title: str | None,
    text: str | None,
    key: str | None,
    own_key: str | None = None,
) -> Content:
    """Check a proposed new unit against the draft it would go into."""
    parent_rev = _current(edition, parent, field="parent")
    parent_label = revision_label(parent_rev)
    kind = (kind or "").strip()
    allowed = ALLOWED_CHILDREN.get(parent_rev.kind, frozenset())
    if kind not in KIND_LABELS:
        raise AmendmentError("kind", "Kind: choose what the new unit is (e.g. Standard).")
    if kind not in allowed:
        names = ", ".join(sorted(KIND_LABELS[k] for k in allowed)) or "nothing"
        raise AmendmentError(
            "kind",
            f"Kind: a {KIND_LABELS[kind]} cannot stand in {parent_label}; it may hold: {names}.",
        )
    siblings = list(
        db.session.scalars(
            select(Revision)
            .join(EditionEntry, EditionEntry.revision_id == Revision.id)
            .where(
                EditionEntry.edition_id == edition.id,
                EditionEntry.language == "en",
                Revision.parent_id == parent.id,
            )
        )
    )
    if after is not None and after.id not in {s.node_id for s in siblings}:
        raise AmendmentError(
            "after", f"Place: {after.key} is not a unit of {parent_label} in the working draft."
        )
    number = (number or "").strip() or None
    if kind in UNNUMBERED_KINDS:
        number = None
    elif number is None and kind not in STRUCTURAL_KINDS:
        raise AmendmentError(
            "number", f"Number: a new {KIND_LABELS[kind]} needs a number (e.g. 3.11A)."
        )
    if number is not None:
        if not _NUMBER_RE.match(number):
            raise AmendmentError(
                "number", "Number: one word without spaces or colons, at most 40 characters."
            )
        clash = next((s for s in siblings if s.kind == kind and s.number == number), None)
        if clash is not None:
            raise AmendmentError(
                "number",
                f"Number: {unit_label(kind, number)} already exists in {parent_label}; "
                "choose a number that is free.",
            )
    title = " ".join((title or "").split()) or None
    if title is not None:
        _check_length("title", "Heading", title, MAX_TITLE)
    text = clean_text(text)
    if kind in STRUCTURAL_KINDS:
        if not text and not title:
            raise AmendmentError(
                "title", f"Heading: a new {KIND_LABELS[kind]} needs a heading or a text."
            )
    elif not text:
        raise AmendmentError(
            "text",
            f"Proposed text: empty. An insertion needs the text of the new "
            f"{unit_label(kind, number)}.",
        )
    _check_length("text", "Proposed text", text, MAX_TEXT)
    key = (key or "").strip().lower() or None
    if key is None:
        key = suggest_key(edition, parent, kind, number, title)
    elif key != own_key:
        if not _KEY_RE.match(key):
            raise AmendmentError(
                "key", "Key: lower-case letters, digits, '.', '/' and '-', starting with a letter."
            )
        if db.session.scalar(select(Node.id).where(Node.key == key)) is not None:
            raise AmendmentError("key", f"Key: “{key}” is already taken; keys are never reused.")
    return Content(
        text=text,
        title=title,
        number=number,
        kind=kind,
        key=key,
        after_node_id=after.id if after is not None else None,
    )


def suggest_key(
    edition: Edition, parent: Node, kind: str, number: str | None, title: str | None
) -> str:
    """A key for a proposed unit, derived as the corpus derives keys (corpus/README.md).

    Sections are left out of their children's keys; an article hangs from the root. Only a
    suggestion: the merge chooses the key the unit finally gets.
    """
    anchor = parent
    rev = _current(edition, parent, field="parent")
    while rev.kind == "section" and rev.parent_id is not None:
        anchor = db.session.get(Node, rev.parent_id) or anchor
        rev = _current(edition, anchor, field="parent")
    if kind == "article":
        while rev.parent_id is not None:
            anchor = db.session.get(Node, rev.parent_id) or anchor
            rev = _current(edition, anchor, field="parent")
        stem = f"{anchor.key}/art{(number or 'new').lower()}"
    elif kind == "note":
        stem = f"{parent.key}/note"
    elif kind == "section":
        slug = (number or re.sub(r"[^a-z0-9]+", "-", (title or "new").lower()).strip("-"))[:60]
        stem = f"{anchor.key}/s-{slug.lower()}"
    else:
        stem = f"{anchor.key}/{(number or 'new').lower()}"
    key, n = stem, 1
    while db.session.scalar(select(Node.id).where(Node.key == key)) is not None:
        n += 1
        key = f"{stem}-{n}"
    return key


def _add_revision(
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


def _add_transition(
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


# --------------------------------------------------------------------------- proposing


def _create(
    edition: Edition,
    *,
    user: User,
    action: AmendmentAction,
    content: Content,
    justification: str | None,
    concept: str | None,
    node: Node | None = None,
    parent: Node | None = None,
    base: Revision | None = None,
) -> Amendment:
    justification = _clean_justification(justification)
    concept = _clean_concept(concept)
    now = utcnow()
    amendment = Amendment(
        edition_id=edition.id,
        action=action,
        node_id=node.id if node is not None else None,
        parent_node_id=parent.id if parent is not None else None,
        after_node_id=content.after_node_id,
        base_revision_id=base.id if base is not None else None,
        proposed_text=content.text,
        proposed_title=content.title,
        proposed_number=content.number,
        proposed_kind=content.kind,
        proposed_key=content.key,
        justification=justification,
        concept=concept,
        party_id=user.party_id,
        delegate_id=user.id,
        status=AmendmentStatus.DRAFT,
        latest_seq=1,
        has_conflict=False,
        conflict_detail="",
        created_at=now,
        activity_at=now,
    )
    db.session.add(amendment)
    db.session.flush()
    _add_revision(amendment, "proposal", user)
    _add_transition(amendment, None, AmendmentStatus.DRAFT, user, "")
    db.session.flush()
    audit.record(
        "amendment.propose",
        "amendment",
        amendment.id,
        change=action.value,
        target=(node or parent).key if (node or parent) else None,
        edition=edition.slug,
    )
    return amendment


def _check_proposer(user: User) -> None:
    _refuse_unless(
        user,
        Action.PROPOSE_AMENDMENT,
        None,
        "Only a delegate acting for a Contracting Party may propose amendments.",
    )


def check_proposal(
    edition: Edition,
    action: AmendmentAction | str,
    *,
    node: Node | None = None,
    parent: Node | None = None,
    after: Node | None = None,
    text: str | None = None,
    title: str | None = None,
    kind: str | None = None,
    number: str | None = None,
    key: str | None = None,
    justification: str | None = None,
    concept: str | None = None,
    expected_revision_id: int | None = None,
) -> tuple[Content, Revision | None]:
    """Check a proposal without writing anything: (what it proposes, the base revision).

    The propose_* operations call it; the preview step of the form calls it alone. Raises
    AmendmentError (StaleTargetError when the target moved on since `expected_revision_id`).
    """
    action = AmendmentAction(action)
    _clean_justification(justification)
    _clean_concept(concept)
    if action is AmendmentAction.INSERT:
        if parent is None:
            raise AmendmentError("parent", "Place: say where the new unit goes.")
        content = _insertion(
            edition,
            parent,
            after=after,
            kind=kind,
            number=number,
            title=title,
            text=text,
            key=key,
        )
        return content, None
    if node is None:
        raise AmendmentError("target", "Target: say which unit the amendment changes.")
    current = _current(edition, node)
    label = revision_label(current)
    _check_base(label, current, expected_revision_id)
    if action is AmendmentAction.MODIFY:
        return _modification(current, label, text), current
    if action is AmendmentAction.HEADING:
        return _heading(current, label, title), current
    if current.parent_id is None:
        raise AmendmentError(
            "target", f"{label} is a whole part of the work; it cannot be deleted by an amendment."
        )
    return Content(), current


def propose_modification(
    edition: Edition,
    node: Node,
    *,
    user: User,
    text: str,
    justification: str = "",
    concept: str = "",
    expected_revision_id: int | None = None,
) -> Amendment:
    """A draft amendment giving `node` new text in the working draft `edition`."""
    _check_proposer(user)
    content, base = check_proposal(
        edition,
        AmendmentAction.MODIFY,
        node=node,
        text=text,
        justification=justification,
        concept=concept,
        expected_revision_id=expected_revision_id,
    )
    return _create(
        edition,
        user=user,
        action=AmendmentAction.MODIFY,
        content=content,
        justification=justification,
        concept=concept,
        node=node,
        base=base,
    )


def propose_deletion(
    edition: Edition,
    node: Node,
    *,
    user: User,
    justification: str = "",
    concept: str = "",
    expected_revision_id: int | None = None,
) -> Amendment:
    """A draft amendment taking `node` (and what it contains) out of the working draft."""
    _check_proposer(user)
    content, base = check_proposal(
        edition,
        AmendmentAction.DELETE,
        node=node,
        justification=justification,
        concept=concept,
        expected_revision_id=expected_revision_id,
    )
    return _create(
        edition,
        user=user,
        action=AmendmentAction.DELETE,
        content=content,
        justification=justification,
        concept=concept,
        node=node,
        base=base,
    )


def propose_heading(
    edition: Edition,
    node: Node,
    *,
    user: User,
    title: str,
    justification: str = "",
    concept: str = "",
    expected_revision_id: int | None = None,
) -> Amendment:
    """A draft amendment giving `node` a new heading (title, or a definition's term)."""
    _check_proposer(user)
    content, base = check_proposal(
        edition,
        AmendmentAction.HEADING,
        node=node,
        title=title,
        justification=justification,
        concept=concept,
        expected_revision_id=expected_revision_id,
    )
    return _create(
        edition,
        user=user,
        action=AmendmentAction.HEADING,
        content=content,
        justification=justification,
        concept=concept,
        node=node,
        base=base,
    )


def propose_insertion(
    edition: Edition,
    parent: Node,
    *,
    user: User,
    after: Node | None,
    kind: str,
    number: str | None,
    text: str,
    title: str | None = None,
    key: str | None = None,
    justification: str = "",
    concept: str = "",
) -> Amendment:
    """A draft amendment inserting a new unit into `parent`, after `after` (None: first)."""
    _check_proposer(user)
    content, _base = check_proposal(
        edition,
        AmendmentAction.INSERT,
        parent=parent,
        after=after,
        kind=kind,
        number=number,
        title=title,
        text=text,
        key=key,
        justification=justification,
        concept=concept,
    )
    return _create(
        edition,
        user=user,
        action=AmendmentAction.INSERT,
        content=content,
        justification=justification,
        concept=concept,
        parent=parent,
    )


# --------------------------------------------------------------------------- revising


def revise_amendment(
    amendment: Amendment,
    *,
    user: User,
    expected_seq: int,
    text: str | None = None,
    title: str | None = None,
    number: str | None = None,
    kind: str | None = None,
    key: str | None = None,
    after: Node | object | None = KEEP,
    justification: str | None = None,
    concept: str | None = None,
    expected_revision_id: int | None = None,
) -> AmendmentRevision:
    """A new version of a pending amendment, written against the provision's current text.

    Fields left None keep their value (`after`: left as KEEP; None puts an insertion first).
    The new version's base
    is the current revision, so revising also resolves a conflict.
    """
    _refuse_unless(
        user,
        Action.EDIT_AMENDMENT,
        amendment,
        "Only a delegate of the proposing party may revise this amendment.",
    )
    if not amendment.status.is_pending:
        raise AmendmentError(
            "status",
            f"{amendment.label} is {amendment.status.label.lower()}: a decided amendment cannot "
            "be revised. Propose a new amendment instead.",
        )
    if expected_seq != amendment.latest_seq:
        raise StaleAmendmentError(
            "seq",
            f"{amendment.label} changed since you opened it (you had version {expected_seq}, it "
            f"is now at version {amendment.latest_seq}). Reload it and apply your change again.",
        )
    edition = amendment.edition
    base: Revision | None = None
    if amendment.action is AmendmentAction.INSERT:
        assert amendment.parent_node is not None
        content = _insertion(
            edition,
            amendment.parent_node,
            after=amendment.after_node if after is KEEP else after,  # type: ignore[arg-type]
            kind=kind if kind is not None else amendment.proposed_kind,
            number=number if number is not None else amendment.proposed_number,
            title=title if title is not None else amendment.proposed_title,
            text=text if text is not None else amendment.proposed_text,
            key=key if key is not None else amendment.proposed_key,
            own_key=amendment.proposed_key,
        )
    else:
        assert amendment.node is not None
        base = _current(edition, amendment.node)
        label = revision_label(base)
        _check_base(label, base, expected_revision_id)
        if amendment.action is AmendmentAction.MODIFY:
            content = _modification(
                base, label, text if text is not None else amendment.proposed_text
            )
        elif amendment.action is AmendmentAction.HEADING:
            content = _heading(
                base, label, title if title is not None else amendment.proposed_title
            )
        else:
            content = Content()
    justification = (
        _clean_justification(justification)
        if justification is not None
        else amendment.justification
    )
    concept = _clean_concept(concept) if concept is not None else amendment.concept
    before = (
        amendment.proposed_text,
        amendment.proposed_title,
        amendment.proposed_number,
        amendment.proposed_kind,
        amendment.proposed_key,
        amendment.after_node_id,
        amendment.justification,
        amendment.concept,
        amendment.base_revision_id,
    )
    after_values = (
        content.text,
        content.title,
        content.number,
        content.kind,
        content.key,
        content.after_node_id if amendment.action is AmendmentAction.INSERT else None,
        justification,
        concept,
        base.id if base is not None else None,
    )
    if before == after_values:
        raise AmendmentError(
            "text", f"Nothing changed: {amendment.label} already says exactly this."
        )
    amendment.proposed_text = content.text
    amendment.proposed_title = content.title
    amendment.proposed_number = content.number
    amendment.proposed_kind = content.kind
    amendment.proposed_key = content.key
    if amendment.action is AmendmentAction.INSERT:
        amendment.after_node_id = content.after_node_id
    amendment.justification = justification
    amendment.concept = concept
    amendment.base_revision_id = base.id if base is not None else None
    _clear_conflict(amendment)
    amendment.latest_seq += 1
    _touch(amendment)
    revision = _add_revision(amendment, "revision", user)
    db.session.flush()
    audit.record("amendment.revise", "amendment", amendment.id, seq=amendment.latest_seq)
    return revision


def _clear_conflict(amendment: Amendment) -> None:
    amendment.has_conflict = False
    amendment.conflict_revision_id = None
    amendment.conflict_detail = ""


# --------------------------------------------------------------------------- lifecycle


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
    _refuse_unless(
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
    _check_length("reason", "Reason", reason, MAX_NOTE)
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
    transition = _add_transition(amendment, old, target, user, reason)
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
        _refuse_unless(user, Action.MERGE, amendment, "Only the Secretariat may merge.")
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
    transition = _add_transition(amendment, old, AmendmentStatus.MERGED, user, clean_text(reason))
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


# --------------------------------------------------------------------------- co-sponsors


def _require_open(amendment: Amendment, what: str) -> None:
    if not amendment.status.is_open:
        raise AmendmentError(
            "status",
            f"{what}: {amendment.label} is {amendment.status.label.lower()}; this is possible "
            "only while it is tabled or under discussion.",
        )


def request_co_sponsorship(amendment: Amendment, *, user: User, note: str = "") -> AmendmentSponsor:
    """A delegate asks for their party to co-sponsor another party's amendment."""
    _refuse_unless(
        user,
        Action.CO_SPONSOR,
        amendment,
        "Only a delegate of another Contracting Party may co-sponsor this amendment.",
    )
    _require_open(amendment, "Co-sponsorship")
    note = clean_text(note)
    _check_length("note", "Note", note, MAX_NOTE)
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
    _touch(amendment)
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
    _refuse_unless(
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
    _touch(amendment)
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
    _refuse_unless(
        user,
        Action.TAKE_POSITION,
        amendment,
        "Only a delegate of a party other than the proposing party may take a position.",
    )
    _require_open(amendment, "Position")
    stance = _stance(stance)
    statement = clean_text(statement)
    _check_length("statement", "Statement", statement, MAX_NOTE)
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
    _touch(amendment)
    db.session.flush()
    audit.record(
        "amendment.position", "amendment", amendment.id, party=party.name, stance=stance.value
    )
    return position


def change_position(
    amendment: Amendment, *, user: User, stance: Stance | str, statement: str = ""
) -> AmendmentPosition:
    """The user's party changes the position it took; the earlier one stays in the history."""
    _refuse_unless(
        user,
        Action.TAKE_POSITION,
        amendment,
        "Only a delegate of a party other than the proposing party may take a position.",
    )
    _require_open(amendment, "Position")
    stance = _stance(stance)
    statement = clean_text(statement)
    _check_length("statement", "Statement", statement, MAX_NOTE)
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
    _touch(amendment)
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
    _refuse_unless(
        user,
        Action.COMMENT,
        amendment,
        "Only delegates and the Secretariat may comment on amendments.",
    )
    body = clean_text(body)
    if not body:
        raise AmendmentError("body", "Comment: empty. Write something before sending it.")
    _check_length("body", "Comment", body, MAX_NOTE)
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
    _touch(amendment)
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
    _refuse_unless(
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
    _touch(root.amendment)
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


# --------------------------------------------------------------------------- rebasing


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
    _clear_conflict(amendment)
    amendment.latest_seq += 1
    _touch(amendment)
    unchanged = amendment.action is AmendmentAction.MODIFY and merged == current.text
    note = f"Carried over from revision {old_base} to revision {current.id} of the provision."
    if unchanged:
        note += " The current text already says what it proposed: it now proposes no change."
    _add_revision(amendment, "rebase", None, note)
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
    _touch(amendment)
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
    _check_length("reason", "Reason", reason, MAX_NOTE)
    adopted_on = edition.adopted_on
    try:
        text_store.reopen(edition)
    except text_store.TextStoreError as exc:
        raise AmendmentError("reason", str(exc)) from exc
    audit.record("edition.reopen", "edition", edition.id, was_adopted_on=adopted_on, reason=reason)
    return edition
