"""The Secretariat's merge queue: agreed amendments per chapter, merged in one transaction."""

from __future__ import annotations

from collections import OrderedDict

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import DBAPIError

from rkc.amendments import merging
from rkc.amendments import queries as aq
from rkc.amendments.common import revision_label
from rkc.amendments.errors import AmendmentError
from rkc.amendments.models import AmendmentAction, AmendmentStatus
from rkc.auth.permissions import Action, ensure
from rkc.convention import operations as text_store
from rkc.convention import queries as text_queries
from rkc.convention.models import Edition
from rkc.database import as_id
from rkc.web import NotFoundHere, transactional, write_conflict

bp = Blueprint("merge", __name__, url_prefix="/merge")


class MergeForm(FlaskForm):
    """CSRF only: the amendments and expected revisions are read from the request."""


def _draft(param: str) -> Edition:
    edition = aq.draft_by_param(param)
    if edition is None:
        raise NotFoundHere("No such working draft", f"There is no working draft “{param}”.")
    return edition


def _me():  # type: ignore[no-untyped-def]
    return current_user._get_current_object()


def _queue_page(edition: Edition, status: int = 200, error: str | None = None, conflict=None):  # type: ignore[no-untyped-def]
    chapter = request.values.get("chapter", "")
    agreed = aq.find(
        _me(),
        aq.AmendmentFilter(
            edition_id=edition.id, statuses=(AmendmentStatus.AGREED,), chapter_key=chapter
        ),
    )
    open_ones = aq.find(
        _me(),
        aq.AmendmentFilter(
            edition_id=edition.id,
            statuses=(
                AmendmentStatus.TABLED,
                AmendmentStatus.UNDER_DISCUSSION,
                AmendmentStatus.AGREED,
            ),
            chapter_key=chapter,
        ),
    )
    # Provisions with more than one modification in play: candidates for a compromise text.
    by_node: OrderedDict[int, list] = OrderedDict()
    for change in open_ones:
        a = change.amendment
        if a.action is AmendmentAction.MODIFY and change.target.current is not None:
            by_node.setdefault(a.node_id, []).append(change)
    competing = [group for group in by_node.values() if len(group) > 1]
    return (
        render_template(
            "merge/queue.html",
            edition=edition,
            draft_param=aq.draft_param(edition),
            chapter=chapter,
            chapters=aq.chapter_choices(edition),
            agreed=agreed,
            groups=aq.by_chapter(edition, agreed),
            competing=competing,
            form=MergeForm(),
            error=error,
            conflict=conflict,
        ),
        status,
    )


@bp.get("/")
def list_drafts():  # type: ignore[no-untyped-def]
    ensure(Action.MERGE)
    drafts = [(d, aq.draft_param(d)) for d in aq.working_drafts()]
    return render_template("merge/drafts.html", drafts=drafts)


@bp.get("/<path:draft>")
def show_queue(draft: str):  # type: ignore[no-untyped-def]
    ensure(Action.MERGE)
    return _queue_page(_draft(draft))


def _expected() -> dict[int, int]:
    result = {}
    for name, value in request.form.items():
        node_id, revision_id = as_id(name.removeprefix("expected-")), as_id(value)
        if name.startswith("expected-") and node_id and revision_id:
            result[node_id] = revision_id
    return result


def _conflict_view(edition: Edition, exc: text_store.StaleRevisionError | merging.MergeConflict):  # type: ignore[no-untyped-def]
    """What the 409 page shows: the provision, its text now, and what went wrong in words.

    A stale revision means someone else changed the provision after the queue was drawn (its
    message speaks of revision ids, which mean nothing to the reader: it is not shown); a
    MergeConflict says which amendment no longer applies.
    """
    node = text_queries.node_by_key(exc.node_key)
    current = text_store.current_revision(edition, node) if node is not None else None
    label = revision_label(current) if current is not None else exc.node_key
    is_stale = isinstance(exc, text_store.StaleRevisionError)
    return {
        "key": exc.node_key,
        "label": label,
        "is_stale": is_stale,
        "message": "" if is_stale else str(exc),
        "current": current,
    }


@bp.post("/<path:draft>")
@transactional
def merge_amendments(draft: str):  # type: ignore[no-untyped-def]
    ensure(Action.MERGE)
    edition = _draft(draft)
    if not MergeForm().validate_on_submit():
        return _queue_page(edition, 400, "The form expired: reload the queue and merge again.")
    ids = [i for i in map(as_id, request.form.getlist("amendment")) if i is not None]
    chosen = [aq.amendment_by_id(i) for i in ids]
    if any(a is None for a in chosen):
        return _queue_page(edition, 400, "One of the chosen amendments does not exist.")
    try:
        outcome = merging.merge(edition, chosen, expected=_expected(), user=_me())
    except (text_store.StaleRevisionError, merging.MergeConflict) as exc:
        return _failed(edition, 409, str(exc), _conflict_view(edition, exc))
    except DBAPIError as exc:
        if not write_conflict(exc):
            raise
        first = chosen[0]
        return _raced(edition, (first.node or first.parent_node).key)  # type: ignore[union-attr]
    except (merging.MergeError, AmendmentError) as exc:
        return _failed(edition, 400, str(exc))
    labels = ", ".join(a.label for a in outcome.merged)
    note = (
        " " + gettext("Now in conflict: %(units)s.", units="; ".join(outcome.conflicts_flagged))
        if outcome.conflicts_flagged
        else ""
    )
    flash(
        gettext("Merged %(labels)s into “%(edition)s”.", labels=labels, edition=edition.title)
        + note,
        "info",
    )
    return redirect(url_for(".show_queue", draft=draft, chapter=request.form.get("chapter", "")))


def _failed(edition: Edition, status: int, message: str, conflict=None):  # type: ignore[no-untyped-def]
    # The transaction is rolled back by @transactional (status >= 400): show the queue as it is.
    from rkc.extensions import db

    db.session.rollback()
    return _queue_page(edition, status, message, conflict)


def _raced(edition: Edition, node_key: str):  # type: ignore[no-untyped-def]
    """The database broke a deadlock (or a serialization failure) by rolling this merge
    back: the other writer won. The same 409 as a stale write, with the text as it is now."""
    from rkc.extensions import db

    db.session.rollback()
    exc = text_store.StaleRevisionError(node_key, None, None)
    return _failed(edition, 409, str(exc), _conflict_view(edition, exc))


@bp.post("/<path:draft>/compromise")
@transactional
def write_compromise(draft: str):  # type: ignore[no-untyped-def]
    ensure(Action.MERGE)
    edition = _draft(draft)
    if not MergeForm().validate_on_submit():
        return _queue_page(edition, 400, "The form expired: reload the queue and try again.")
    node = text_queries.node_by_key(request.form.get("node", ""))
    ids = [i for i in map(as_id, request.form.getlist("amendment")) if i is not None]
    chosen = [a for a in (aq.amendment_by_id(i) for i in ids) if a is not None]
    expected = request.form.get("expected", "")
    try:
        if node is None:
            raise merging.MergeError("node", "Provision: unknown.")
        if as_id(expected) is None:
            raise merging.MergeError(
                "expected", "Say which text of the provision you started from."
            )
        merging.compromise(
            edition,
            node,
            chosen,
            text=request.form.get("text", ""),
            expected_revision_id=int(expected),
            user=_me(),
            reason=request.form.get("reason", ""),
        )
    except (text_store.StaleRevisionError, merging.MergeConflict) as exc:
        return _failed(edition, 409, str(exc), _conflict_view(edition, exc))
    except DBAPIError as exc:
        if not write_conflict(exc) or node is None:
            raise
        return _raced(edition, node.key)
    except (merging.MergeError, AmendmentError) as exc:
        return _failed(edition, 400, str(exc))
    flash(
        gettext(
            "Compromise text merged into %(key)s; %(count)s amendment(s) superseded.",
            key=node.key,
            count=len(chosen),
        ),
        "info",
    )
    return redirect(url_for(".show_queue", draft=draft, chapter=request.form.get("chapter", "")))
