"""JSON API for amendments: list and read them, propose, revise, change status, take or change
a position, comment and resolve threads, and turn a marked-up Word chapter into drafts.

Size: over 600 lines of hand validation; issue #18 replaces it with typed models.

Members only, exactly as the pages: a draft amendment is visible to its own party's delegates
(`rkc.amendments.queries.visible_clause`, `Action.READ_AMENDMENT`), and every write goes
through the same operations (`rkc.amendments.proposing`, `lifecycle`, `discussion`) with the
same checks.

**Writes need a token in the request** (`Authorization: Bearer rkc_...`): a browser session
reads the API, but its cookie alone never writes through it. The API takes no CSRF token, so
this is what keeps another site from writing with a member's cookie (a cross-site form cannot
send an Authorization header).

Bodies are JSON objects. Bad input answers 400 with `field` naming the member of the body at
fault; a write based on something that moved on answers 409: a stale `base_revision` with
the provision's `current_revision`, a stale `expected_seq` with the amendment's `latest_seq`.
The role may not: 403. Unknown or invisible amendment: 404. The OpenAPI document
(`rkc/api/openapi.py`) describes all of it and the tests check every answer against it.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, abort, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from rkc.amendments import discussion, lifecycle, proposing, queries
from rkc.amendments.errors import (
    AmendmentError,
    AmendmentRefused,
    StaleAmendmentError,
    StaleTargetError,
)
from rkc.amendments.models import (
    Amendment,
    AmendmentAction,
    AmendmentComment,
    AmendmentPosition,
    AmendmentStatus,
    Stance,
)
from rkc.api.openapi import DRAFT_PATTERN, KEY_PATTERN
from rkc.api.texts import _timestamp, conditional
from rkc.auth.models import User
from rkc.auth.permissions import Action, can
from rkc.auth.session import api_writer
from rkc.convention import queries as text_queries
from rkc.convention.models import Edition, Node, Work
from rkc.extensions import db
from rkc.interchange.operations import import_tracked_amendments
from rkc.interchange.report import ImportRefused
from rkc.interchange.views import import_limit
from rkc.parties.models import Party
from rkc.text.diff import word_diff
from rkc.web import transactional

#: Ids are 32-bit integers in the database; larger numbers name nothing.
MAX_ID = 2**31 - 1
#: Longest string a body member may hold (the operations have their own, smaller limits).
MAX_STRING = 100_000

#: Operation field names (those of the pages' forms) -> the body members of this API.
FIELDS = {"base": "base_revision", "seq": "expected_seq", "target": "node", "user": None}
#: Body members that name units, and what keys and working drafts look like.
KEYS = frozenset({"node", "parent", "after", "key"})
KEY_RE = re.compile(KEY_PATTERN)
DRAFT_RE = re.compile(DRAFT_PATTERN)
#: Longest value of a list filter (the concept is the longest stored, 120).
MAX_FILTER = 200


def register(bp: Blueprint) -> None:
    """Add this module's routes to the API blueprint."""
    bp.add_url_rule("/amendments", "list_amendments", list_amendments)
    bp.add_url_rule("/amendments", "create_amendment", create_amendment, methods=["POST"])
    bp.add_url_rule(
        "/amendments/import",
        "import_amendments",
        import_amendments,
        methods=["POST"],
    )
    bp.add_url_rule("/amendments/<id:amendment_id>", "show_amendment", show_amendment)
    bp.add_url_rule(
        "/amendments/<id:amendment_id>/revisions",
        "revise_amendment",
        revise_amendment,
        methods=["POST"],
    )
    bp.add_url_rule(
        "/amendments/<id:amendment_id>/status",
        "change_status",
        change_status,
        methods=["POST"],
    )
    bp.add_url_rule(
        "/amendments/<id:amendment_id>/position",
        "set_position",
        set_position,
        methods=["PUT"],
    )
    bp.add_url_rule(
        "/amendments/<id:amendment_id>/comments",
        "add_comment",
        add_comment,
        methods=["POST"],
    )
    bp.add_url_rule(
        "/amendments/<id:amendment_id>/comments/<id:comment_id>/resolve",
        "resolve_comment",
        resolve_comment,
        methods=["POST"],
    )


# --------------------------------------------------------------------------- who


def _reader() -> None:
    """Members only (a token or a session)."""
    if not can(current_user, Action.READ_WORKING_DOCUMENTS):
        abort(401)


def _amendment(amendment_id: int) -> Amendment:
    amendment = queries.amendment_by_id(amendment_id) if amendment_id <= MAX_ID else None
    if amendment is None or not can(current_user, Action.READ_AMENDMENT, amendment):
        abort(
            404,
            description=f"There is no amendment {amendment_id} that you may read; drafts are "
            "visible to the delegates of their own party only.",
        )
    return amendment


def _deny(user: User, action: Action, obj: Any = None) -> None:
    if not can(user, action, obj):
        abort(403)


# --------------------------------------------------------------------------- input


class _Body:
    """The JSON object of a request, read member by member with types checked."""

    def __init__(self, allowed: dict[str, tuple[type, bool]], *, example: str):
        """Read the body; `allowed`: member -> (type, may be null). Members named in KEYS
        must look like keys, "edition" like work/slug."""
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise AmendmentError(
                "", f"Send a JSON object (Content-Type: application/json), e.g. {example}."
            )
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            raise AmendmentError(
                unknown[0],
                f"{unknown[0]}: not a member of this request; it takes "
                + ", ".join(sorted(allowed))
                + ".",
            )
        for name, value in data.items():
            kind, nullable = allowed[name]
            if value is None:
                if not nullable:
                    raise AmendmentError(name, f"{name}: may not be null.")
                continue
            if kind is int:
                if isinstance(value, bool) or not isinstance(value, int):
                    raise AmendmentError(name, f"{name}: must be a whole number.")
                if not 1 <= value <= MAX_ID:
                    raise AmendmentError(name, f"{name}: must be between 1 and {MAX_ID}.")
            elif kind is bool:
                if not isinstance(value, bool):
                    raise AmendmentError(name, f"{name}: must be true or false.")
            elif not isinstance(value, str):
                raise AmendmentError(name, f"{name}: must be a string.")
            elif "\x00" in value or len(value) > MAX_STRING:
                raise AmendmentError(
                    name, f"{name}: holds a NUL character or is longer than {MAX_STRING:,}."
                )
            elif name in KEYS and not KEY_RE.match(value):
                raise AmendmentError(
                    name, f"{name}: “{value[:60]}” is not a key; keys look like ga/3/3.11."
                )
            elif name == "edition" and not DRAFT_RE.match(value):
                raise AmendmentError(
                    name, f"edition: “{value[:60]}” names no working draft; write work/slug."
                )
        self.data = data

    def __contains__(self, name: str) -> bool:
        return name in self.data

    def get(self, name: str, default: Any = None) -> Any:
        value = self.data.get(name)
        return default if value is None else value

    def required(self, name: str) -> Any:
        if self.data.get(name) is None:
            raise AmendmentError(name, f"{name}: required.")
        return self.data[name]


def _node(name: str, key: str, work: Work | None = None) -> Node:
    node = text_queries.node_by_key(key)
    if node is None:
        raise AmendmentError(name, f"{name}: nothing has the key “{key}” (keys: ga/3/3.11).")
    if work is not None and node.work_id != work.id:
        raise AmendmentError(name, f"{name}: {key} belongs to another work.")
    return node


def _draft(body: _Body, work: Work) -> Edition:
    """The working draft named in the body ("rkc/review-draft"), else the work's newest."""
    if "edition" in body:
        param = body.get("edition", "")
        edition = queries.draft_by_param(param)
        if edition is None or edition.work_id != work.id:
            raise AmendmentError(
                "edition",
                f"edition: “{param}” is not a working draft of {work.short_title}; name one as "
                "work/slug, e.g. rkc/review-draft.",
            )
        return edition
    drafts = queries.working_drafts(work)
    if not drafts:
        raise AmendmentError(
            "edition", f"edition: {work.short_title} has no working draft open for amendments."
        )
    return drafts[0]


def _problem(error: AmendmentError) -> tuple[dict[str, Any], int]:
    """A refused write as JSON: 403, 409 or 400, naming the body member at fault."""
    if isinstance(error, AmendmentRefused):
        return {"error": "Forbidden", "message": str(error)}, 403
    field = FIELDS.get(error.field, error.field) or None
    body: dict[str, Any] = {"message": str(error), "field": field}
    if isinstance(error, StaleTargetError):
        current = error.current
        body["current_revision"] = {
            "id": current.id,
            "title": current.title,
            "text": current.text,
        }
    if isinstance(error, StaleAmendmentError):
        amendment_id = request.view_args.get("amendment_id") if request.view_args else None
        amendment = queries.amendment_by_id(amendment_id) if amendment_id else None
        if amendment is not None:
            db.session.refresh(amendment)
            body["latest_seq"] = amendment.latest_seq
        return {"error": "Conflict", **body}, 409
    return {"error": "Bad Request", **body}, 400


# --------------------------------------------------------------------------- output


def _segments(old: str, new: str) -> list[dict[str, str]]:
    return [{"op": s.op.value, "text": s.text} for s in word_diff(old, new)]


def _position_json(position: AmendmentPosition) -> dict[str, Any]:
    return {
        "party": position.party.name,
        "party_iso3": position.party.iso3,
        "stance": position.stance.value,
        "statement": position.statement,
        "on_seq": position.on_seq,
        "updated_at": _timestamp(position.updated_at),
    }


def _comment_json(comment: AmendmentComment) -> dict[str, Any]:
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
        "positions": [_position_json(p) for p in change.positions],
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
        _comment_json(c) for thread in page.threads for c in (thread.root, *thread.replies)
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


def _fresh_detail(amendment_id: int) -> dict[str, Any]:
    db.session.expire_all()
    return amendment_detail(_amendment(amendment_id))


# --------------------------------------------------------------------------- reads


def list_amendments():  # type: ignore[no-untyped-def]
    """The amendments the member may see, in document order, filtered as the list page."""
    _reader()
    args = request.args
    for name, value in args.items():
        if "\x00" in value or len(value) > MAX_FILTER:
            abort(400, description=f"{name}: not a usable value.")
    edition = None
    if args.get("edition"):
        edition = queries.draft_by_param(args["edition"])
        if edition is None:
            abort(404, description=f"“{args['edition']}” is not a working draft (work/slug).")
    statuses: tuple[AmendmentStatus, ...] = ()
    if args.get("status"):
        status = next((s for s in AmendmentStatus if s.value == args["status"]), None)
        if status is None:
            names = ", ".join(s.value for s in AmendmentStatus)
            abort(400, description=f"status: “{args['status']}” is not one of {names}.")
        statuses = (status,)
    scope = args.get("scope") or "all"
    if scope not in ("all", "mine", "tabled"):
        abort(400, description="scope: all, mine or tabled.")
    party_id = None
    if scope == "mine":
        party_id = getattr(current_user, "party_id", None) or -1
    elif args.get("party"):
        party = db.session.scalar(select(Party).where(Party.iso3 == args["party"].upper()))
        if party is None:
            abort(404, description=f"No Contracting Party has the code “{args['party']}”.")
        party_id = party.id
    chapter = args.get("chapter") or ""
    if chapter and text_queries.node_by_key(chapter) is None:
        abort(404, description=f"Nothing has the key “{chapter}”.")
    flt = queries.AmendmentFilter(
        edition_id=edition.id if edition else None,
        party_id=party_id,
        statuses=statuses,
        chapter_key=chapter,
        concept=args.get("concept") or "",
        tabled_only=scope == "tabled",
    )
    found = queries.find(current_user, flt)
    return conditional(
        {"count": len(found), "amendments": [amendment_json(change) for change in found]}
    )


def show_amendment(amendment_id: int):  # type: ignore[no-untyped-def]
    """One amendment, with its versions, status changes, positions and comments."""
    _reader()
    return conditional(amendment_detail(_amendment(amendment_id)))


# --------------------------------------------------------------------------- writes

NEW = {
    "action": (str, False),
    "edition": (str, False),
    "node": (str, False),
    "parent": (str, False),
    "after": (str, True),
    "base_revision": (int, True),
    "text": (str, False),
    "title": (str, True),
    "kind": (str, False),
    "number": (str, True),
    "key": (str, True),
    "justification": (str, False),
    "concept": (str, False),
}
#: Which members each kind of proposal takes (besides edition, justification and concept).
FOR_ACTION = {
    AmendmentAction.MODIFY: {"node", "text", "base_revision"},
    AmendmentAction.DELETE: {"node", "base_revision"},
    AmendmentAction.HEADING: {"node", "title", "base_revision"},
    AmendmentAction.INSERT: {"parent", "after", "kind", "number", "title", "text", "key"},
}
COMMON = {"action", "edition", "justification", "concept"}


@transactional
def create_amendment():  # type: ignore[no-untyped-def]
    """Propose an amendment: a draft of the member's party (201, its URL in Location)."""
    me = api_writer()
    _deny(me, Action.PROPOSE_AMENDMENT)
    try:
        body = _Body(NEW, example='{"action": "modify", "node": "ga/3/3.1", "text": "..."}')
        raw = body.required("action")
        action = next((a for a in AmendmentAction if a.value == raw), None)
        if action is None:
            raise AmendmentError("action", "action: one of modify, insert, delete or heading.")
        extra = sorted(set(body.data) - COMMON - FOR_ACTION[action])
        if extra:
            raise AmendmentError(extra[0], f"{extra[0]}: not used by a proposal to {action.value}.")
        common = {
            "user": me,
            "justification": body.get("justification", ""),
            "concept": body.get("concept", ""),
        }
        if action is AmendmentAction.INSERT:
            parent = _node("parent", body.required("parent"))
            edition = _draft(body, parent.work)
            after = _node("after", body.get("after"), parent.work) if body.get("after") else None
            amendment = proposing.propose_insertion(
                edition,
                parent,
                after=after,
                kind=body.get("kind", ""),
                number=body.get("number"),
                text=body.get("text", ""),
                title=body.get("title"),
                key=body.get("key"),
                **common,
            )
        else:
            node = _node("node", body.required("node"))
            edition = _draft(body, node.work)
            expected = body.get("base_revision")
            if action is AmendmentAction.MODIFY:
                amendment = proposing.propose_modification(
                    edition,
                    node,
                    text=body.get("text", ""),
                    expected_revision_id=expected,
                    **common,
                )
            elif action is AmendmentAction.DELETE:
                amendment = proposing.propose_deletion(
                    edition, node, expected_revision_id=expected, **common
                )
            else:
                amendment = proposing.propose_heading(
                    edition,
                    node,
                    title=body.get("title", ""),
                    expected_revision_id=expected,
                    **common,
                )
    except AmendmentError as error:
        return _problem(error)
    location = url_for("api.show_amendment", amendment_id=amendment.id)
    return _fresh_detail(amendment.id), 201, {"Location": location}


REVISION = {
    "expected_seq": (int, False),
    "base_revision": (int, True),
    "text": (str, False),
    "title": (str, False),
    "kind": (str, False),
    "number": (str, False),
    "key": (str, False),
    "after": (str, True),
    "justification": (str, False),
    "concept": (str, False),
}


@transactional
def revise_amendment(amendment_id: int):  # type: ignore[no-untyped-def]
    """A new version of a pending amendment of the member's party (201)."""
    me = api_writer()
    amendment = _amendment(amendment_id)
    _deny(me, Action.EDIT_AMENDMENT, amendment)
    try:
        body = _Body(REVISION, example='{"expected_seq": 1, "text": "..."}')
        extra = sorted(set(body.data) - REVISION_COMMON - FOR_ACTION[amendment.action])
        if extra:
            raise AmendmentError(
                extra[0],
                f"{extra[0]}: {amendment.label} is a {amendment.action.label.lower()}; "
                f"it has no {extra[0]}.",
            )
        expected_seq = body.required("expected_seq")
        work = amendment.edition.work
        after: Any = proposing.KEEP
        if "after" in body:
            after = _node("after", body.get("after"), work) if body.get("after") else None
        proposing.revise_amendment(
            amendment,
            user=me,
            expected_seq=expected_seq,
            text=body.get("text"),
            title=body.get("title"),
            number=body.get("number"),
            kind=body.get("kind"),
            key=body.get("key"),
            after=after,
            justification=body.get("justification"),
            concept=body.get("concept"),
            expected_revision_id=body.get("base_revision"),
        )
    except AmendmentError as error:
        return _problem(error)
    location = url_for("api.show_amendment", amendment_id=amendment_id)
    return _fresh_detail(amendment_id), 201, {"Location": location}


REVISION_COMMON = {"expected_seq", "justification", "concept"}

STATUS = {"to": (str, False), "reason": (str, False), "superseded_by": (str, True)}


@transactional
def change_status(amendment_id: int):  # type: ignore[no-untyped-def]
    """Move an amendment on (table, withdraw; the Secretariat's steps), as the member may."""
    me = api_writer()
    amendment = _amendment(amendment_id)
    if not (can(me, Action.EDIT_AMENDMENT, amendment) or can(me, Action.RUN_WORKFLOW, amendment)):
        abort(403)
    try:
        body = _Body(STATUS, example='{"to": "tabled"}')
        to = body.required("to")
        superseded_by = None
        if body.get("superseded_by"):
            superseded_by = queries.amendment_by_number(
                amendment.edition, body.get("superseded_by")
            )
            if superseded_by is None:
                raise AmendmentError(
                    "superseded_by",
                    f"superseded_by: no amendment is numbered “{body.get('superseded_by')}”.",
                )
        lifecycle.change_status(
            amendment, to, user=me, reason=body.get("reason", ""), superseded_by=superseded_by
        )
    except AmendmentError as error:
        return _problem(error)
    except IntegrityError:
        db.session.rollback()
        return _problem(
            StaleAmendmentError("to", "Another amendment was tabled at the same moment; retry.")
        )
    return _fresh_detail(amendment_id)


POSITION = {"stance": (str, False), "statement": (str, False)}


@transactional
def set_position(amendment_id: int):  # type: ignore[no-untyped-def]
    """The member's party takes a position (201) or changes the one it took (200)."""
    me = api_writer()
    amendment = _amendment(amendment_id)
    _deny(me, Action.TAKE_POSITION, amendment)
    try:
        body = _Body(POSITION, example='{"stance": "support"}')
        stance = body.required("stance")
        if stance not in {s.value for s in Stance}:
            raise AmendmentError(
                "stance", "stance: one of " + ", ".join(s.value for s in Stance) + "."
            )
        existing = db.session.scalar(
            select(AmendmentPosition).where(
                AmendmentPosition.amendment_id == amendment.id,
                AmendmentPosition.party_id == me.party_id,
            )
        )
        operation = discussion.change_position if existing is not None else discussion.take_position
        position = operation(amendment, user=me, stance=stance, statement=body.get("statement", ""))
    except AmendmentError as error:
        return _problem(error)
    except IntegrityError:
        db.session.rollback()
        return _problem(
            StaleAmendmentError(
                "stance", "Your party's position was recorded at the same moment; retry."
            )
        )
    return _position_json(position), 201 if existing is None else 200


COMMENT = {"body": (str, False), "reply_to": (int, True)}


@transactional
def add_comment(amendment_id: int):  # type: ignore[no-untyped-def]
    """A comment in Markdown, or a reply in the thread of `reply_to` (201)."""
    me = api_writer()
    amendment = _amendment(amendment_id)
    _deny(me, Action.COMMENT, amendment)
    try:
        body = _Body(COMMENT, example='{"body": "A question."}')
        text = body.required("body")
        reply_to = None
        if body.get("reply_to") is not None:
            reply_to = queries.comment_by_id(body.get("reply_to"))
            if reply_to is None or reply_to.amendment_id != amendment.id:
                raise AmendmentError(
                    "reply_to",
                    f"reply_to: {amendment.label} has no comment {body.get('reply_to')}.",
                )
        comment = discussion.add_comment(amendment, user=me, body=text, reply_to=reply_to)
    except AmendmentError as error:
        return _problem(error)
    return _comment_json(comment), 201


RESOLVE = {"resolved": (bool, False)}


@transactional
def resolve_comment(amendment_id: int, comment_id: int):  # type: ignore[no-untyped-def]
    """Resolve a comment's thread (`{"resolved": false}` opens it again)."""
    me = api_writer()
    amendment = _amendment(amendment_id)
    comment = queries.comment_by_id(comment_id) if comment_id <= MAX_ID else None
    if comment is None or comment.amendment_id != amendment.id:
        abort(404, description=f"{amendment.label} has no comment {comment_id}.")
    root = queries.comment_by_id(comment.thread_id) if comment.thread_id else comment
    _deny(me, Action.RESOLVE_COMMENT, root)
    try:
        body = _Body(RESOLVE, example='{"resolved": true}')
        thread = discussion.resolve_thread(comment, user=me, resolved=body.get("resolved", True))
    except AmendmentError as error:
        return _problem(error)
    return _comment_json(thread)


@transactional
def import_amendments():  # type: ignore[no-untyped-def]
    """A marked-up Word chapter (multipart `file`) becomes draft amendments (201)."""
    me = api_writer()
    _deny(me, Action.PROPOSE_AMENDMENT)
    upload = request.files.get("file")
    fields = {name: request.form.get(name, "") for name in ("edition", "concept", "justification")}
    if upload is None:
        return _problem(AmendmentError("file", "file: send the .docx as multipart form data."))
    for name, value in fields.items():
        if "\x00" in value or len(value) > MAX_STRING:
            return _problem(AmendmentError(name, f"{name}: not a usable value."))
    edition = None
    if fields["edition"]:
        edition = queries.draft_by_param(fields["edition"])
        if edition is None:
            return _problem(
                AmendmentError("edition", f"edition: “{fields['edition']}” is not a working draft.")
            )
    source = upload.filename or "upload.docx"
    try:
        result = import_tracked_amendments(
            upload.read(),
            source=source,
            user=me,
            limit=import_limit(),
            edition=edition,
            concept=fields["concept"],
            justification=fields["justification"],
        )
    except ImportRefused as refused:
        return {
            "error": "Bad Request",
            "message": str(refused),
            "field": "file",
            "findings": [{"where": f.where, "reason": f.reason} for f in refused.findings],
        }, 400
    except AmendmentError as error:
        return _problem(error)
    changes = queries.changes([p.amendment for p in result.proposed])
    return {
        "edition": queries.draft_param(result.edition),
        "source": source,
        "amendments": [amendment_json(change) for change in changes],
        "report": [
            {"where": p.where, "label": p.label, "amendment": p.amendment.id, "note": p.note}
            for p in result.proposed
        ],
        "skipped": [{"where": f.where, "reason": f.reason} for f in result.skipped],
    }, 201
