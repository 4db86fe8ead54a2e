"""JSON API for amendments: list and read them, propose, revise, change status, take or change
a position, comment and resolve threads, and turn a marked-up Word chapter into drafts.

Members only, exactly as the pages: a draft amendment is visible to its own party's delegates
(`rkc.amendments.queries.visible_clause`, `Action.READ_AMENDMENT`), and every write goes
through the same operations (`rkc.amendments.proposing`, `lifecycle`, `discussion`) with the
same checks.

**Writes need a token in the request** (`Authorization: Bearer rkc_...`): a browser session
reads the API, but its cookie alone never writes through it. The API takes no CSRF token, so
this is what keeps another site from writing with a member's cookie (a cross-site form cannot
send an Authorization header).

Bodies are JSON objects read through the models of rkc/api/schemas/amendments.py, after the
permission checks (a role that may not act hears 403 whatever it sent). Bad input answers 400
with `field` naming the member of the body at fault; a write based on something that moved on
answers 409: a stale `base_revision` with the provision's `current_revision`, a stale
`expected_seq` with the amendment's `latest_seq`. Unknown or invisible amendment: 404.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from rkc.amendments import discussion, languages, proposing, queries
from rkc.amendments.errors import (
    AmendmentError,
    AmendmentRefused,
    StaleAmendmentError,
    StaleTargetError,
)
from rkc.amendments.models import Amendment, AmendmentAction, AmendmentPosition
from rkc.api import spec
from rkc.api.amendment_answers import amendment_detail, amendment_json, comment_json, position_json
from rkc.api.schemas import amendments as s
from rkc.api.spec import operation
from rkc.auth.models import User
from rkc.auth.permissions import Action, can
from rkc.auth.session import api_writer
from rkc.convention import queries as text_queries
from rkc.convention.models import Edition, Node, Work
from rkc.database import MAX_ID
from rkc.extensions import db
from rkc.interchange.operations import import_tracked_amendments
from rkc.interchange.report import ImportRefused
from rkc.interchange.views import import_limit
from rkc.parties.models import Party
from rkc.review import citations

#: Operation field names (those of the pages' forms) -> the body members of this API.
FIELDS = {"base": "base_revision", "seq": "expected_seq", "target": "node", "user": None}


def register(bp: Blueprint) -> None:
    """Add this module's routes to the API blueprint."""
    spec.add_routes(
        bp,
        list_amendments,
        create_amendment,
        import_amendments,
        show_amendment,
        revise_amendment,
        change_status,
        set_position,
        add_comment,
        resolve_comment,
    )


# --------------------------------------------------------------------------- who


def amendment_of(amendment_id: int) -> Amendment:
    """The amendment, if the reader may see it; else 404."""
    amendment = queries.amendment_by_id(amendment_id)
    if amendment is None or not can(current_user, Action.READ_AMENDMENT, amendment):
        abort(
            404,
            description=f"There is no amendment {amendment_id} that you may read; drafts are "
            "visible to the delegates of their own party only.",
        )
    return amendment


def deny(user: User, action: Action, obj: Any = None) -> None:
    """403 unless `user` may do `action` (to `obj`)."""
    if not can(user, action, obj):
        abort(403)


# --------------------------------------------------------------------------- input


def _node(name: str, key: str, work: Work | None = None) -> Node:
    node = text_queries.node_by_key(key)
    if node is None:
        raise AmendmentError(name, f"{name}: nothing has the key “{key}” (keys: ga/3/3.11).")
    if work is not None and node.work_id != work.id:
        raise AmendmentError(name, f"{name}: {key} belongs to another work.")
    return node


def _draft(param: str | None, work: Work) -> Edition:
    """The working draft named in the body ("rkc/review-draft"), else the work's newest."""
    if param is not None:
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


def problem(error: AmendmentError) -> tuple[dict[str, Any], int]:
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
    if isinstance(error, languages.StaleTranslationError):
        return {"error": "Conflict", **body, "latest_seq": error.version.seq}, 409
    if isinstance(error, StaleAmendmentError):
        amendment_id = request.view_args.get("amendment_id") if request.view_args else None
        amendment = queries.amendment_by_id(amendment_id) if amendment_id else None
        if amendment is not None:
            db.session.refresh(amendment)
            body["latest_seq"] = amendment.latest_seq
        return {"error": "Conflict", **body}, 409
    return {"error": "Bad Request", **body}, 400


def fresh_detail(amendment_id: int) -> dict[str, Any]:
    """The amendment as it now stands (after a write), read again from the database."""
    db.session.expire_all()
    return amendment_detail(amendment_of(amendment_id))


# --------------------------------------------------------------------------- reads


@operation(
    "/amendments",
    responses={200: s.AmendmentList},
    query=s.AmendmentQuery,
    auth="member",
    errors=[404],
)
def list_amendments(query: s.AmendmentQuery):  # type: ignore[no-untyped-def]
    """The amendments the member may see, in document order (drafts: own party only),
    filtered as the list page."""
    edition = None
    if query.edition:
        edition = queries.draft_by_param(query.edition)
        if edition is None:
            abort(404, description=f"“{query.edition}” is not a working draft (work/slug).")
    party_id = None
    if query.scope == "mine":
        party_id = getattr(current_user, "party_id", None) or -1
    elif query.party:
        party = db.session.scalar(select(Party).where(Party.iso3 == query.party.upper()))
        if party is None:
            abort(404, description=f"No Contracting Party has the code “{query.party}”.")
        party_id = party.id
    chapter = query.chapter or ""
    if chapter and text_queries.node_by_key(chapter) is None:
        abort(404, description=f"Nothing has the key “{chapter}”.")
    flt = queries.AmendmentFilter(
        edition_id=edition.id if edition else None,
        party_id=party_id,
        statuses=(query.status,) if query.status else (),
        chapter_key=chapter,
        concept=query.concept or "",
        tabled_only=query.scope == "tabled",
    )
    found = queries.find(current_user, flt)
    return {"count": len(found), "amendments": [amendment_json(change) for change in found]}


@operation(
    "/amendments/<id:amendment_id>",
    responses={200: s.AmendmentDetail},
    auth="member",
    errors=[404],
)
def show_amendment(amendment_id: int):  # type: ignore[no-untyped-def]
    """An amendment with its versions, status changes, positions, comments and what the
    reader may do."""
    return amendment_detail(amendment_of(amendment_id))


# --------------------------------------------------------------------------- writes

#: Which members each kind of proposal takes (besides edition, justification and concept).
FOR_ACTION = {
    AmendmentAction.MODIFY: {"node", "text", "base_revision"},
    AmendmentAction.DELETE: {"node", "base_revision"},
    AmendmentAction.HEADING: {"node", "title", "base_revision"},
    AmendmentAction.INSERT: {"parent", "after", "kind", "number", "title", "text", "key"},
}
COMMON = {"action", "edition", "justification", "concept", "language"}
REVISION_COMMON = {"expected_seq", "justification", "concept"}


@operation(
    "/amendments",
    method="POST",
    responses={201: s.AmendmentDetail},
    body=s.NewAmendment,
    auth="writer",
    errors=[409],
    example={
        "action": "modify",
        "node": "ga/3/3.1",
        "text": "Customs shall designate and publish the offices at which goods may be "
        "produced or cleared.",
        "justification": "Traders need to know where to go.",
    },
)
def create_amendment():  # type: ignore[no-untyped-def]
    """Propose an amendment: a draft of the member's party (201, its URL in Location).
    modify: node, text; delete: node; heading: node, title (each with base_revision, the
    revision it was written against: a stale one answers 409); insert: parent, after (null:
    first), kind, number, title, text, key (a suggestion)."""
    me = api_writer()
    deny(me, Action.PROPOSE_AMENDMENT)
    body = spec.body(
        s.NewAmendment, example='{"action": "modify", "node": "ga/3/3.1", "text": "..."}'
    )
    try:
        extra = sorted(body.model_fields_set - COMMON - FOR_ACTION[body.action])
        if extra:
            raise AmendmentError(
                extra[0], f"{extra[0]}: not used by a proposal to {body.action.value}."
            )
        common = {
            "user": me,
            "justification": body.justification or "",
            "concept": body.concept or "",
            "language": body.language or "en",
        }
        if body.action is AmendmentAction.INSERT:
            if body.parent is None:
                raise AmendmentError("parent", "parent: required.")
            parent = _node("parent", body.parent)
            edition = _draft(body.edition, parent.work)
            after = _node("after", body.after, parent.work) if body.after else None
            amendment = proposing.propose_insertion(
                edition,
                parent,
                after=after,
                kind=body.kind or "",
                number=body.number,
                text=body.text or "",
                title=body.title,
                key=body.key,
                **common,
            )
        else:
            if body.node is None:
                raise AmendmentError("node", "node: required.")
            node = _node("node", body.node)
            edition = _draft(body.edition, node.work)
            expected = body.base_revision
            if body.action is AmendmentAction.MODIFY:
                amendment = proposing.propose_modification(
                    edition, node, text=body.text or "", expected_revision_id=expected, **common
                )
            elif body.action is AmendmentAction.DELETE:
                amendment = proposing.propose_deletion(
                    edition, node, expected_revision_id=expected, **common
                )
            else:
                amendment = proposing.propose_heading(
                    edition, node, title=body.title or "", expected_revision_id=expected, **common
                )
    except AmendmentError as error:
        return problem(error)
    location = url_for("api.show_amendment", amendment_id=amendment.id)
    return fresh_detail(amendment.id), 201, {"Location": location}


@operation(
    "/amendments/<id:amendment_id>/revisions",
    method="POST",
    responses={201: s.AmendmentDetail},
    body=s.NewRevision,
    auth="writer",
    errors=[404, 409],
    example={"expected_seq": 1, "justification": "Traders need to know where to go."},
)
def revise_amendment(amendment_id: int):  # type: ignore[no-untyped-def]
    """A new version of a pending amendment of the member's party (its delegates).
    expected_seq is the version read (stale: 409, with latest_seq); members left out keep
    their value."""
    me = api_writer()
    amendment = amendment_of(amendment_id)
    deny(me, Action.EDIT_AMENDMENT, amendment)
    body = spec.body(s.NewRevision, example='{"expected_seq": 1, "text": "..."}')
    given = body.model_fields_set
    try:
        extra = sorted(given - REVISION_COMMON - FOR_ACTION[amendment.action])
        if extra:
            raise AmendmentError(
                extra[0],
                f"{extra[0]}: {amendment.label} is a {amendment.action.label.lower()}; "
                f"it has no {extra[0]}.",
            )
        work = amendment.edition.work
        after: Any = proposing.KEEP
        if "after" in given:
            after = _node("after", body.after, work) if body.after else None
        proposing.revise_amendment(
            amendment,
            user=me,
            expected_seq=body.expected_seq,
            text=body.text,
            title=body.title,
            number=body.number,
            kind=body.kind,
            key=body.key,
            after=after,
            justification=body.justification,
            concept=body.concept,
            expected_revision_id=body.base_revision,
        )
    except AmendmentError as error:
        return problem(error)
    location = url_for("api.show_amendment", amendment_id=amendment_id)
    return fresh_detail(amendment_id), 201, {"Location": location}


@operation(
    "/amendments/<id:amendment_id>/status",
    method="POST",
    responses={200: s.AmendmentDetail},
    body=s.StatusChange,
    auth="writer",
    errors=[404, 409],
    example={"to": "tabled"},
)
def change_status(amendment_id: int):  # type: ignore[no-untyped-def]
    """Change the status as the member may: a delegate tables or withdraws their party's
    amendment; the Secretariat opens the discussion and records the outcome."""
    me = api_writer()
    amendment = amendment_of(amendment_id)
    if not (can(me, Action.EDIT_AMENDMENT, amendment) or can(me, Action.RUN_WORKFLOW, amendment)):
        abort(403)
    body = spec.body(s.StatusChange, example='{"to": "tabled"}')
    try:
        superseded_by = None
        if body.superseded_by:
            superseded_by = queries.amendment_by_number(amendment.edition, body.superseded_by)
            if superseded_by is None:
                raise AmendmentError(
                    "superseded_by",
                    f"superseded_by: no amendment is numbered “{body.superseded_by}”.",
                )
        citations.change_status(
            amendment,
            body.to.value,
            user=me,
            reason=body.reason or "",
            superseded_by=superseded_by,
            meeting_id=body.meeting,
            agenda_item_id=body.agenda_item,
        )
    except AmendmentError as error:
        return problem(error)
    except citations.ReviewError as error:
        return problem(AmendmentError(error.field, str(error)))
    except IntegrityError:
        db.session.rollback()
        return problem(
            StaleAmendmentError("to", "Another amendment was tabled at the same moment; retry.")
        )
    return fresh_detail(amendment_id)


@operation(
    "/amendments/<id:amendment_id>/position",
    method="PUT",
    responses={200: s.PositionOut, 201: s.PositionOut},
    body=s.PositionBody,
    auth="writer",
    errors=[404, 409],
    example={"stance": "support", "statement": "Clearer for traders."},
)
def set_position(amendment_id: int):  # type: ignore[no-untyped-def]
    """The member's party takes a position (201) or changes the one it took (200); the
    history of changes is kept."""
    me = api_writer()
    amendment = amendment_of(amendment_id)
    deny(me, Action.TAKE_POSITION, amendment)
    body = spec.body(s.PositionBody, example='{"stance": "support"}')
    existing = db.session.scalar(
        select(AmendmentPosition).where(
            AmendmentPosition.amendment_id == amendment.id,
            AmendmentPosition.party_id == me.party_id,
        )
    )
    try:
        write = discussion.change_position if existing is not None else discussion.take_position
        position = write(
            amendment, user=me, stance=body.stance.value, statement=body.statement or ""
        )
    except AmendmentError as error:
        return problem(error)
    except IntegrityError:
        db.session.rollback()
        return problem(
            StaleAmendmentError(
                "stance", "Your party's position was recorded at the same moment; retry."
            )
        )
    return position_json(position), 201 if existing is None else 200


@operation(
    "/amendments/<id:amendment_id>/comments",
    method="POST",
    responses={201: s.CommentOut},
    body=s.CommentBody,
    auth="writer",
    errors=[404],
    example={"body": "Does this cover inland offices?"},
)
def add_comment(amendment_id: int):  # type: ignore[no-untyped-def]
    """A comment in Markdown, or a reply in the thread of `reply_to` (201)."""
    me = api_writer()
    amendment = amendment_of(amendment_id)
    deny(me, Action.COMMENT, amendment)
    body = spec.body(s.CommentBody, example='{"body": "A question."}')
    try:
        reply_to = None
        if body.reply_to is not None:
            reply_to = queries.comment_by_id(body.reply_to)
            if reply_to is None or reply_to.amendment_id != amendment.id:
                raise AmendmentError(
                    "reply_to", f"reply_to: {amendment.label} has no comment {body.reply_to}."
                )
        comment = discussion.add_comment(amendment, user=me, body=body.body, reply_to=reply_to)
    except AmendmentError as error:
        return problem(error)
    return comment_json(comment), 201


@operation(
    "/amendments/<id:amendment_id>/comments/<id:comment_id>/resolve",
    method="POST",
    responses={200: s.CommentOut},
    body=s.ResolveBody,
    auth="writer",
    errors=[404],
    example={"resolved": True},
)
def resolve_comment(amendment_id: int, comment_id: int):  # type: ignore[no-untyped-def]
    """Resolve a comment's thread (`{"resolved": false}` opens it again); answers the
    thread's first comment."""
    me = api_writer()
    amendment = amendment_of(amendment_id)
    comment = queries.comment_by_id(comment_id) if comment_id <= MAX_ID else None
    if comment is None or comment.amendment_id != amendment.id:
        abort(404, description=f"{amendment.label} has no comment {comment_id}.")
    root = queries.comment_by_id(comment.thread_id) if comment.thread_id else comment
    deny(me, Action.RESOLVE_COMMENT, root)
    body = spec.body(s.ResolveBody, example='{"resolved": true}')
    try:
        thread = discussion.resolve_thread(comment, user=me, resolved=body.resolved)
    except AmendmentError as error:
        return problem(error)
    return comment_json(thread)


@operation(
    "/amendments/import",
    method="POST",
    responses={201: s.Imported},
    upload=s.WordUpload,
    auth="writer",
    errors=[413],
)
def import_amendments():  # type: ignore[no-untyped-def]
    """A chapter marked up in Word with tracked changes (multipart `file`) becomes draft
    amendments of the member's party, one per changed unit; a refused file stores nothing
    and its findings name the paragraphs."""
    me = api_writer()
    deny(me, Action.PROPOSE_AMENDMENT)
    upload = request.files.get("file")
    fields = {name: request.form.get(name, "") for name in ("edition", "concept", "justification")}
    if upload is None:
        return problem(AmendmentError("file", "file: send the .docx as multipart form data."))
    for name, value in fields.items():
        if "\x00" in value or len(value) > spec.MAX_STRING:
            return problem(AmendmentError(name, f"{name}: not a usable value."))
    edition = None
    if fields["edition"]:
        edition = queries.draft_by_param(fields["edition"])
        if edition is None:
            return problem(
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
        return problem(error)
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
