"""JSON API of the Secretariat's work on editions: open a working draft, the freeze
pre-flight and the freeze, reopen, record the entry into force, and the merge queue with its
merges and compromise texts (the pages of rkc/convention/edition_views.py and
rkc/amendments/merge_views.py).

Secretariat only (`Action.PUBLISH`, `Action.MERGE`), with a token of the write scope for the
writes; the same operations as the pages, which refuse what may not be done (400, naming the
member). A merge or a compromise based on a text that moved on answers 409 with the
provision's `current_revision`, and stores nothing.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from flask import Blueprint, abort, url_for
from flask_login import current_user
from sqlalchemy.exc import DBAPIError

from rkc import audit
from rkc.amendments import lifecycle, merging
from rkc.amendments import queries as aq
from rkc.amendments.errors import AmendmentError
from rkc.amendments.models import AmendmentAction, AmendmentStatus
from rkc.amendments.preflight import preflight
from rkc.api import spec
from rkc.api.amendment_answers import amendment_json
from rkc.api.schemas import editions as s
from rkc.api.spec import operation, refuse
from rkc.api.texts import edition_json
from rkc.auth.models import User
from rkc.auth.permissions import Action, can
from rkc.auth.session import api_writer
from rkc.convention import operations as text_store
from rkc.convention import queries as text_queries
from rkc.convention.models import Edition, EditionStatus, Work
from rkc.web import write_conflict

BASE = "/works/<work_key>/editions/<slug>"


def register(bp: Blueprint) -> None:
    """Add this module's routes to the API blueprint."""
    spec.add_routes(
        bp,
        open_draft,
        freeze_preflight,
        freeze_edition,
        reopen_edition,
        record_in_force,
        merge_queue,
        merge_amendments,
        write_compromise,
    )


def _may(action: Action, *, write: bool) -> User:
    """The Secretariat: 401 without credentials, 403 for another role."""
    user = api_writer() if write else current_user
    if not can(user, action):
        abort(403, description="Only the Secretariat may do this.")
    return user  # type: ignore[return-value]


def _edition(work_key: str, slug: str) -> tuple[Work, Edition]:
    work = text_queries.work_by_key(work_key)
    edition = text_queries.edition_by_slug(work, slug) if work is not None else None
    if work is None or edition is None:
        abort(404, description=f"There is no edition {work_key}/{slug}.")
    return work, edition


def _draft(work_key: str, slug: str) -> Edition:
    edition = aq.draft_by_param(f"{work_key}/{slug}")
    if edition is None:
        abort(404, description=f"There is no working draft {work_key}/{slug}.")
    return edition


def _done(work: Work, edition: Edition) -> dict[str, Any]:
    return {"work": work.key, "edition": edition_json(edition)}


def _open(amendments: list[Any], targets: dict[int, str]) -> list[dict[str, Any]]:
    return [
        {"id": a.id, "label": a.label, "status": a.status.value, "target": targets.get(a.id, "")}
        for a in amendments
    ]


# --------------------------------------------------------------------------- editions


@operation(
    f"{BASE}/drafts",
    method="POST",
    responses={201: s.OpenedDraft},
    body=s.NewDraft,
    auth="writer",
    errors=[404],
    example={"slug": "review-2027", "title": "Working draft for the 2027 review"},
)
def open_draft(work_key: str, slug: str):  # type: ignore[no-untyped-def]
    """Open a working draft from an edition (its text is copied; the edition is untouched)."""
    _may(Action.PUBLISH, write=True)
    work, source = _edition(work_key, slug)
    data = spec.body(s.NewDraft)
    try:
        draft = text_store.open_draft(source, slug=data.slug.strip(), title=data.title.strip())
    except text_store.TextStoreError as exc:
        refuse(400, f"slug: {exc}", "slug")
    audit.record("edition.open_draft", "edition", draft.id, slug=draft.slug, based_on=source.slug)
    url = url_for("api.show_edition", work_key=work.key, slug=draft.slug)
    return {**_done(work, draft), "url": url}, 201, {"Location": url}


@operation(f"{BASE}/freeze", responses={200: s.Preflight}, auth="member", errors=[403, 404])
def freeze_preflight(work_key: str, slug: str):  # type: ignore[no-untyped-def]
    """The freeze pre-flight: what is still open on a working draft (agreed amendments block
    the freeze; open ones need `confirmed`)."""
    _may(Action.PUBLISH, write=False)
    work, draft = _edition(work_key, slug)
    if draft.status is not EditionStatus.WORKING_DRAFT:
        abort(404, description=f"{work.key}/{draft.slug} is not a working draft.")
    check = preflight(draft)
    return {
        **_done(work, draft),
        "blocked": check.blocked,
        "needs_confirmation": check.needs_confirmation,
        "agreed": _open(check.agreed, check.targets),
        "conflicted": _open(check.conflicted, check.targets),
        "pending": _open(check.pending, check.targets),
        "drafts": check.drafts,
        "changed_units": check.changed_units,
    }


@operation(
    f"{BASE}/freeze",
    method="POST",
    responses={200: s.EditionDone},
    body=s.Freeze,
    auth="writer",
    errors=[404],
    example={"adopted_on": "2027-06-30", "confirmed": True},
)
def freeze_edition(work_key: str, slug: str):  # type: ignore[no-untyped-def]
    """Freeze a working draft as adopted text; refused while an agreed amendment waits to be
    merged, and while amendments are open unless `confirmed`."""
    me = _may(Action.PUBLISH, write=True)
    work, draft = _edition(work_key, slug)
    data = spec.body(s.Freeze)
    try:
        lifecycle.freeze_draft(
            draft,
            user=me,
            adopted_on=data.adopted_on,
            in_force_from=data.in_force_from,
            title=(data.title or "").strip() or None,
            confirmed=data.confirmed,
        )
    except AmendmentError as exc:
        field = {"confirm": "confirmed"}.get(exc.field, exc.field)
        refuse(400, str(exc), field)
    return _done(work, draft)


@operation(
    f"{BASE}/reopen",
    method="POST",
    responses={200: s.EditionDone},
    body=s.Reopen,
    auth="writer",
    errors=[404],
    example={"reason": "The Committee asked for a correction before communication."},
)
def reopen_edition(work_key: str, slug: str):  # type: ignore[no-untyped-def]
    """Make an adopted edition a working draft again (with the reason, for the record)."""
    me = _may(Action.PUBLISH, write=True)
    work, edition = _edition(work_key, slug)
    data = spec.body(s.Reopen)
    try:
        lifecycle.reopen_edition(edition, user=me, reason=data.reason)
    except AmendmentError as exc:
        refuse(400, str(exc), "reason")
    return _done(work, edition)


@operation(
    f"{BASE}/in-force",
    method="POST",
    responses={200: s.EditionDone},
    body=s.InForce,
    auth="writer",
    errors=[404],
    example={"in_force_from": "2028-01-01"},
)
def record_in_force(work_key: str, slug: str):  # type: ignore[no-untyped-def]
    """Record the date from which an adopted edition is (or will be) in force."""
    _may(Action.PUBLISH, write=True)
    work, edition = _edition(work_key, slug)
    data = spec.body(s.InForce)
    try:
        text_store.set_in_force(edition, data.in_force_from)
    except text_store.TextStoreError as exc:
        refuse(400, f"in_force_from: {exc}", "in_force_from")
    audit.record("edition.in_force", "edition", edition.id, in_force_from=edition.in_force_from)
    return _done(work, edition)


# --------------------------------------------------------------------------- merge queue


@operation(f"{BASE}/merge-queue", responses={200: s.Queue}, auth="member", errors=[403, 404])
def merge_queue(work_key: str, slug: str):  # type: ignore[no-untyped-def]
    """The merge queue of a working draft: its agreed amendments in document order, and the
    provisions where several modifications compete (candidates for a compromise text)."""
    _may(Action.MERGE, write=False)
    edition = _draft(work_key, slug)
    agreed = aq.find(
        current_user, aq.AmendmentFilter(edition_id=edition.id, statuses=(AmendmentStatus.AGREED,))
    )
    in_play = aq.find(
        current_user,
        aq.AmendmentFilter(
            edition_id=edition.id,
            statuses=(
                AmendmentStatus.TABLED,
                AmendmentStatus.UNDER_DISCUSSION,
                AmendmentStatus.AGREED,
            ),
        ),
    )
    by_node: OrderedDict[int, list[Any]] = OrderedDict()
    for change in in_play:
        a = change.amendment
        if a.action is AmendmentAction.MODIFY and change.target.current is not None:
            by_node.setdefault(a.node_id, []).append(change)
    return {
        "edition": aq.draft_param(edition),
        "agreed": [amendment_json(change) for change in agreed],
        "competing": [
            {
                "node": group[0].target.key,
                "current_revision": group[0].target.current.id,
                "amendments": [c.amendment.id for c in group],
            }
            for group in by_node.values()
            if len(group) > 1
        ],
    }


def _stale(edition: Edition, exc: Any, field: str) -> Any:
    """409: the provision moved on (or the amendment no longer applies), with its text now."""
    node = text_queries.node_by_key(exc.node_key)
    current = text_store.current_revision(edition, node) if node is not None else None
    extra = {}
    if current is not None:
        extra["current_revision"] = {"id": current.id, "title": current.title, "text": current.text}
    return refuse(409, str(exc), field, **extra)


def _expected(edition: Edition, expected: dict[str, int]) -> dict[int, int]:
    ids = {}
    for key, revision in expected.items():
        node = text_queries.node_by_key(key)
        if node is None or node.work_id != edition.work_id:
            refuse(
                400,
                f"expected: nothing in {edition.work.short_title} has the key “{key}”.",
                "expected",
            )
        ids[node.id] = revision  # type: ignore[union-attr]
    return ids


@operation(
    f"{BASE}/merges",
    method="POST",
    responses={201: s.Merged},
    body=s.Merge,
    auth="writer",
    errors=[404, 409],
    example={"amendments": [1], "expected": {"ga/3/3.1": 42}},
)
def merge_amendments(work_key: str, slug: str):  # type: ignore[no-untyped-def]
    """Merge agreed amendments into the working draft, in document order, all or nothing."""
    me = _may(Action.MERGE, write=True)
    edition = _draft(work_key, slug)
    data = spec.body(s.Merge)
    chosen = [aq.amendment_by_id(i) for i in data.amendments]
    missing = [i for i, a in zip(data.amendments, chosen, strict=True) if a is None]
    if missing:
        refuse(400, f"amendments: there is no amendment {missing[0]}.", "amendments")
    if any(a.edition_id != edition.id for a in chosen):  # type: ignore[union-attr]
        refuse(400, "amendments: each must amend this working draft.", "amendments")
    try:
        outcome = merging.merge(
            edition, chosen, expected=_expected(edition, data.expected), user=me
        )
    except (text_store.StaleRevisionError, merging.MergeConflict) as exc:
        return _stale(edition, exc, "expected")
    except DBAPIError as exc:
        if not write_conflict(exc):
            raise
        first = chosen[0]
        key = (first.node or first.parent_node).key  # type: ignore[union-attr]
        return _stale(edition, text_store.StaleRevisionError(key, None, None), "expected")
    except AmendmentError as exc:
        refuse(400, str(exc), exc.field if exc.field in ("amendments", "expected") else None)
    return {
        "edition": aq.draft_param(edition),
        "merged": [a.label for a in outcome.merged],
        "revisions": [r.id for r in outcome.revisions],
        "conflicts_flagged": list(outcome.conflicts_flagged),
    }, 201


@operation(
    f"{BASE}/compromises",
    method="POST",
    responses={201: s.CompromiseDone},
    body=s.Compromise,
    auth="writer",
    errors=[404, 409],
    example={
        "node": "ga/3/3.1",
        "amendments": [1, 2],
        "text": "Customs shall designate the offices.",
        "expected_revision": 42,
    },
)
def write_compromise(work_key: str, slug: str):  # type: ignore[no-untyped-def]
    """Write a compromise text for a provision that supersedes several amendments to it."""
    me = _may(Action.MERGE, write=True)
    edition = _draft(work_key, slug)
    data = spec.body(s.Compromise)
    node = text_queries.node_by_key(data.node)
    if node is None or node.work_id != edition.work_id:
        refuse(400, f"node: nothing in this work has the key “{data.node}”.", "node")
    chosen = [aq.amendment_by_id(i) for i in data.amendments]
    if any(a is None or a.edition_id != edition.id for a in chosen):
        refuse(400, "amendments: each must be an amendment of this working draft.", "amendments")
    try:
        revision = merging.compromise(
            edition,
            node,  # type: ignore[arg-type]
            chosen,
            text=data.text,
            expected_revision_id=data.expected_revision,
            user=me,
            reason=data.reason or "",
        )
    except (text_store.StaleRevisionError, merging.MergeConflict) as exc:
        return _stale(edition, exc, "expected_revision")
    except DBAPIError as exc:
        if not write_conflict(exc):
            raise
        stale = text_store.StaleRevisionError(data.node, None, None)
        return _stale(edition, stale, "expected_revision")
    except AmendmentError as exc:
        field = exc.field if exc.field in ("amendments", "text", "node") else None
        refuse(400, str(exc), field)
    return {
        "edition": aq.draft_param(edition),
        "node": data.node,
        "revision": revision.id,
        "superseded": data.amendments,
    }, 201
