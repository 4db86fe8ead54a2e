"""Proposing an amendment to a working draft, and revising it. No Flask here.

`check_proposal` checks what a proposal says without writing anything (the form's preview step
calls it alone); `propose_modification`, `propose_deletion`, `propose_heading` and
`propose_insertion` check the same way and write a draft amendment; `revise_amendment` writes a
new version of a pending one against the provision's current text. Conventions (transactions,
roles, audit): `rkc.amendments.common`.

Size: about 680 lines, kept whole: the checks of a proposal and the two writes that use them
(propose, revise) share the same private helpers (`_insertion`, `_modification`, `_heading`,
`_current`); splitting them would only make those helpers public.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from sqlalchemy import select

from rkc import audit
from rkc.amendments import languages
from rkc.amendments.common import (
    MAX_CONCEPT,
    MAX_TEXT,
    MAX_TITLE,
    add_revision,
    add_transition,
    check_length,
    clean_text,
    clear_conflict,
    refuse_unless,
    revision_label,
    touch,
    unit_label,
)
from rkc.amendments.errors import AmendmentError, StaleAmendmentError, StaleTargetError
from rkc.amendments.models import (
    Amendment,
    AmendmentAction,
    AmendmentRevision,
    AmendmentStatus,
)
from rkc.auth.models import User
from rkc.auth.permissions import Action
from rkc.convention.kinds import ALLOWED_CHILDREN, KIND_LABELS, STRUCTURAL_KINDS
from rkc.convention.models import Edition, EditionEntry, EditionStatus, Node, Revision, utcnow
from rkc.extensions import db

#: Kinds whose units carry no number (a note is "the note of" its provision).
UNNUMBERED_KINDS = frozenset({"note", "preamble"})
_NUMBER_RE = re.compile(r"^[^\s:]{1,40}$")
_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9./-]{0,199}$")

#: `revise_amendment(after=KEEP)`: leave an insertion where it is.
KEEP = object()


def _require_working_draft(edition: Edition) -> None:
    if edition.status is not EditionStatus.WORKING_DRAFT:
        raise AmendmentError(
            "edition",
            f"Edition “{edition.title}” is {edition.status.value.replace('_', ' ')}: amendments "
            "are proposed to a working draft only.",
        )


def _current(
    edition: Edition, node: Node, *, field: str = "target", language: str = "en"
) -> Revision:
    """The node's revision in the draft (in `language`), or a clear refusal when it is not in
    it."""
    _require_working_draft(edition)
    entry = db.session.get(EditionEntry, (edition.id, node.id, language))
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


def _clean_concept(concept: str | None) -> str:
    concept = " ".join((concept or "").split())
    check_length("concept", "Concept", concept, MAX_CONCEPT)
    return concept


def _clean_justification(justification: str | None) -> str:
    text = clean_text(justification)
    check_length("justification", "Justification", text, MAX_TEXT)
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
    check_length("text", "Proposed text", text, MAX_TEXT)
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
    check_length("title", "Heading", title, MAX_TITLE)
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
        check_length("title", "Heading", title, MAX_TITLE)
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
    check_length("text", "Proposed text", text, MAX_TEXT)
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
    language: str = "en",
) -> Amendment:
    justification = _clean_justification(justification)
    concept = _clean_concept(concept)
    now = utcnow()
    original, original_base = content, base
    if language != "en":
        # The row carries the English text: no change to it until the English is supplied.
        base = _current(edition, node) if node is not None else None
        text, title = languages.english_placeholder(action, base)
        content = replace(content, text=text, title=title)
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
        language=language,
        status=AmendmentStatus.DRAFT,
        latest_seq=1,
        has_conflict=False,
        conflict_detail="",
        created_at=now,
        activity_at=now,
    )
    db.session.add(amendment)
    db.session.flush()
    add_revision(amendment, "proposal", user)
    add_transition(amendment, None, AmendmentStatus.DRAFT, user, "")
    languages.open_versions(
        amendment, user, text=original.text, title=original.title, base=original_base
    )
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
    refuse_unless(
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
    language: str = "en",
) -> tuple[Content, Revision | None]:
    """Check a proposal without writing anything: (what it proposes, the base revision).

    The propose_* operations call it; the preview step of the form calls it alone. Raises
    AmendmentError (StaleTargetError when the target moved on since `expected_revision_id`).
    `language` is the one the proposal is written in: its text is checked against the
    provision's text in that language, and the base is the revision in that language.
    """
    action = AmendmentAction(action)
    language = languages.check_language(edition, language)
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
    current = _current(edition, node, language=language)
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
    language: str = "en",
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
        language=language,
        expected_revision_id=expected_revision_id,
    )
    return _create(
        edition,
        user=user,
        action=AmendmentAction.MODIFY,
        content=content,
        justification=justification,
        concept=concept,
        language=language,
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
    language: str = "en",
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
        language=language,
        expected_revision_id=expected_revision_id,
    )
    return _create(
        edition,
        user=user,
        action=AmendmentAction.DELETE,
        content=content,
        justification=justification,
        concept=concept,
        language=language,
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
    language: str = "en",
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
        language=language,
        expected_revision_id=expected_revision_id,
    )
    return _create(
        edition,
        user=user,
        action=AmendmentAction.HEADING,
        content=content,
        justification=justification,
        concept=concept,
        language=language,
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
    language: str = "en",
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
        language=language,
    )
    return _create(
        edition,
        user=user,
        action=AmendmentAction.INSERT,
        content=content,
        justification=justification,
        concept=concept,
        language=language,
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
    refuse_unless(
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
        waiting = languages.english_pending(amendment)
        if amendment.action is AmendmentAction.MODIFY:
            if waiting and clean_text(text) in ("", clean_text(base.text)):
                content = Content(text=base.text)  # still no English: no change to it
            else:
                content = _modification(
                    base, label, text if text is not None else amendment.proposed_text
                )
        elif amendment.action is AmendmentAction.HEADING:
            if waiting and " ".join((title or "").split()) in ("", base.title or ""):
                content = Content(title=base.title)
            else:
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
    clear_conflict(amendment)
    amendment.latest_seq += 1
    touch(amendment)
    revision = add_revision(amendment, "revision", user)
    languages.follow_english(amendment, "revision", user)
    db.session.flush()
    audit.record("amendment.revise", "amendment", amendment.id, seq=amendment.latest_seq)
    return revision
