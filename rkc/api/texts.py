"""JSON API for the text: works, editions, contents, a unit's text and history, diffs, parties.

Every answer is JSON; every error is JSON too (`{"error": ..., "message": ...}`, see
rkc/web.py). Published data answers conditional GETs: each response carries an ETag and a
request whose If-None-Match matches it gets 304 Not Modified. Working drafts are listed and
served to members only, exactly as on the reading pages (`Action.READ_EDITION`).

The OpenAPI document describing all of this is `rkc/api/openapi.py`; the tests check every
response against it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import Blueprint, Response, abort, jsonify, request, url_for
from flask_login import current_user
from sqlalchemy import select

from rkc.auth.permissions import Action, can
from rkc.clock import today
from rkc.convention import queries
from rkc.convention.languages import DEFAULT, language_arg
from rkc.convention.models import Edition, Node, Work
from rkc.convention.queries import Item
from rkc.extensions import db
from rkc.parties.models import Party
from rkc.text.diff import word_diff


def register(bp: Blueprint) -> None:
    """Add this module's routes to the API blueprint."""
    bp.add_url_rule("/works", "list_works", list_works)
    bp.add_url_rule("/works/<work_key>", "show_work", show_work)
    bp.add_url_rule("/works/<work_key>/editions", "list_editions", list_editions)
    bp.add_url_rule("/works/<work_key>/editions/<slug>", "show_edition", show_edition)
    bp.add_url_rule("/works/<work_key>/editions/<slug>/toc", "show_toc", show_toc)
    bp.add_url_rule("/works/<work_key>/diff", "show_diff", show_diff)
    bp.add_url_rule("/nodes/<path:key>/history", "node_history", node_history)
    bp.add_url_rule("/nodes/<path:key>", "show_node", show_node)
    bp.add_url_rule("/parties", "list_parties", list_parties)
    bp.add_url_rule("/parties/<iso3>", "show_party", show_party)
    bp.add_url_rule("/openapi.json", "openapi_document", openapi_document)


# --------------------------------------------------------------------------- helpers


def conditional(payload: Any) -> Response:
    """A JSON response with an ETag; 304 when the client already holds this exact answer.

    `Vary` names the credentials because members see working drafts that others do not.
    """
    response = jsonify(payload)
    response.add_etag()
    response.headers["Cache-Control"] = "no-cache"
    response.vary.update(("Authorization", "Cookie"))
    return response.make_conditional(request)


def _members() -> bool:
    return can(current_user, Action.READ_WORKING_DOCUMENTS)


def _work(key: str) -> Work:
    work = queries.work_by_key(key)
    if work is None:
        known = ", ".join(w.key for w in queries.all_works())
        abort(404, description=f"There is no work {key!r}. Works: {known}.")
    return work


def _edition(work: Work, slug: str, what: str = "edition") -> Edition:
    edition = queries.edition_by_slug(work, slug)
    if edition is None or not can(current_user, Action.READ_EDITION, edition):
        abort(404, description=f"{work.key} has no published {what} {slug!r}.")
    return edition


def _day(name: str) -> date | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        abort(400, description=f"{name}={raw!r} is not a date; write YYYY-MM-DD, e.g. 2006-02-03.")


def _edition_asked(work: Work) -> Edition:
    """?edition=slug, else the edition in force ?on=date, else the one in force today."""
    slug = request.args.get("edition")
    day = _day("on")
    if slug:
        return _edition(work, slug)
    when = day or today()
    edition = queries.in_force_on(work, when)
    if edition is None:
        abort(404, description=f"No edition of {work.key} is in force on {when.isoformat()}.")
    return edition


def _shown(edition: Edition, language: str) -> str:
    """The language an answer is given in: the one asked for when the edition holds it, else
    English (the answer's `lang` says which)."""
    return language if language in queries.languages_of(edition) else DEFAULT


def _node(key: str) -> Node:
    node = queries.node_for_reader(key, include_drafts=_members())
    if node is None:
        abort(404, description=f"Nothing has the key {key!r}. Keys look like ga/3/3.11.")
    return node


def _timestamp(moment: datetime) -> str:
    """RFC 3339 with its offset (SQLite gives back naive UTC timestamps)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat()


def edition_json(edition: Edition, state: str | None = None) -> dict[str, Any]:
    return {
        "slug": edition.slug,
        "title": edition.title,
        "description": edition.description,
        "status": edition.status.value,
        "state": state or edition.state_on(today()),
        "adopted_on": edition.adopted_on.isoformat() if edition.adopted_on else None,
        "in_force_from": edition.in_force_from.isoformat() if edition.in_force_from else None,
        "is_authentic": edition.is_authentic,
        "based_on": edition.based_on.slug if edition.based_on else None,
        "url": url_for("api.show_edition", work_key=edition.work.key, slug=edition.slug),
    }


def work_json(work: Work) -> dict[str, Any]:
    return {
        "key": work.key,
        "title": work.title,
        "short_title": work.short_title,
        "description": work.description,
        "url": url_for("api.show_work", work_key=work.key),
    }


def unit_json(item: Item) -> dict[str, Any]:
    return {
        "key": item.key,
        "kind": item.kind,
        "number": item.number,
        "number_alt": item.number_alt,
        "title": item.title,
        "text": item.text,
        "explains": list(item.explains),
        "depth": item.depth,
        "revision": item.revision_id,
    }


# --------------------------------------------------------------------------- works, editions


def list_works():  # type: ignore[no-untyped-def]
    """Every work the text store holds."""
    return conditional({"works": [work_json(w) for w in queries.all_works()]})


def show_work(work_key: str):  # type: ignore[no-untyped-def]
    """A work, its editions, and the edition in force today."""
    work = _work(work_key)
    views = queries.edition_views(work, today(), include_drafts=_members())
    current = queries.in_force_on(work, today())
    payload = work_json(work)
    payload["editions"] = [edition_json(v.edition, v.state) for v in views]
    payload["in_force_today"] = current.slug if current else None
    return conditional(payload)


def list_editions(work_key: str):  # type: ignore[no-untyped-def]
    work = _work(work_key)
    views = queries.edition_views(work, today(), include_drafts=_members())
    return conditional({"editions": [edition_json(v.edition, v.state) for v in views]})


def show_edition(work_key: str, slug: str):  # type: ignore[no-untyped-def]
    work = _work(work_key)
    edition = _edition(work, slug)
    payload = edition_json(edition)
    payload["work"] = work.key
    payload["languages"] = queries.languages_of(edition)
    payload["toc_url"] = url_for("api.show_toc", work_key=work.key, slug=edition.slug)
    return conditional(payload)


def show_toc(work_key: str, slug: str):  # type: ignore[no-untyped-def]
    """The headings of an edition (instrument, annexes, chapters, sections), in order."""
    language = language_arg(request.args)
    work = _work(work_key)
    edition = _edition(work, slug)
    language = _shown(edition, language)
    entries = [
        {
            "key": i.key,
            "kind": i.kind,
            "number": i.number,
            "title": i.title,
            "depth": i.depth,
            "url": url_for("api.show_node", key=i.key, edition=edition.slug),
        }
        for i in queries.table_of_contents(edition, language)
    ]
    return conditional(
        {"work": work.key, "edition": edition.slug, "lang": language, "toc": entries}
    )


# --------------------------------------------------------------------------- units


def show_node(key: str):  # type: ignore[no-untyped-def]
    """A unit and everything under it, as it stands in an edition (or on a date)."""
    language = language_arg(request.args)
    node = _node(key)
    edition = _edition_asked(node.work)
    entry = queries.entry_of(edition, node, _shown(edition, language))
    if entry is None:
        abort(
            404,
            description=f"{key} is not part of edition {edition.slug!r}; its history lists "
            "the editions that hold it.",
        )
    units = queries.subtree(edition, entry, entry.language)
    return conditional(
        {
            "key": node.key,
            "work": node.work.key,
            "lang": entry.language,
            "edition": edition_json(edition),
            "unit": unit_json(units[0]),
            "descendants": [unit_json(u) for u in units[1:]],
            "ancestors": [
                {"key": a.key, "kind": a.kind, "number": a.number, "title": a.title}
                for a in queries.ancestors(edition, entry, entry.language)
            ],
        }
    )


def node_history(key: str):  # type: ignore[no-untyped-def]
    """Every distinct revision of a unit that a visible edition holds, oldest first."""
    language = language_arg(request.args)
    node = _node(key)
    steps = queries.history(node, language, include_drafts=_members())
    if not steps and language != DEFAULT:  # no text in that language: the English
        language, steps = DEFAULT, queries.history(node, include_drafts=_members())
    if not steps:
        abort(404, description=f"{key} is in no edition you may read.")
    return conditional(
        {
            "key": node.key,
            "work": node.work.key,
            "lang": language,
            "history": [
                {
                    "revision": s.revision.id,
                    "created_at": _timestamp(s.revision.created_at),
                    "origin": s.revision.origin,
                    "kind": s.revision.kind,
                    "number": s.revision.number,
                    "number_alt": s.revision.number_alt,
                    "title": s.revision.title,
                    "text": s.revision.text,
                    "editions": [e.slug for e in s.editions],
                    "changes": s.changes,
                    "words_added": s.words_added,
                    "words_removed": s.words_removed,
                }
                for s in steps
            ],
        }
    )


def show_diff(work_key: str):  # type: ignore[no-untyped-def]
    """What changed between two editions (?from=&to=), optionally within one unit (?node=)."""
    language = language_arg(request.args)
    work = _work(work_key)
    missing = [name for name in ("from", "to") if not request.args.get(name)]
    if missing:
        abort(400, description=f"give both editions: ?from=<slug>&to=<slug> (missing {missing[0]})")
    old = _edition(work, request.args["from"])
    new = _edition(work, request.args["to"])
    node = None
    if request.args.get("node"):
        node = _node(request.args["node"])
        if node.work_id != work.id:
            abort(404, description=f"{node.key} belongs to another work.")
    language = _shown(new, language)
    comparison = queries.compare(old, new, language, node=node)
    rows = comparison.rows if request.args.get("all") == "true" else comparison.changed_rows
    return conditional(
        {
            "work": work.key,
            "lang": language,
            "from": old.slug,
            "to": new.slug,
            "node": node.key if node else None,
            "counts": comparison.counts,
            "words_added": comparison.words_added,
            "words_removed": comparison.words_removed,
            "rows": [
                {
                    "status": row.status,
                    "key": row.item.key,
                    "kind": row.item.kind,
                    "number": row.item.number,
                    "title": row.item.title,
                    "changes": row.changes,
                    "old_text": row.old.text if row.old else None,
                    "new_text": row.new.text if row.new else None,
                    "segments": [
                        {"op": s.op.value, "text": s.text}
                        for s in word_diff(row.old.text if row.old else "", row.new.text)
                    ]
                    if row.new is not None and row.status != "unchanged"
                    else [],
                }
                for row in rows
            ],
        }
    )


# --------------------------------------------------------------------------- parties


def party_json(party: Party) -> dict[str, Any]:
    return {
        "name": party.name,
        "iso3": party.iso3,
        "kind": party.kind.value if party.kind else None,
        "url": url_for("api.show_party", iso3=party.iso3) if party.iso3 else None,
    }


def list_parties():  # type: ignore[no-untyped-def]
    """The Contracting Parties the system knows (name, ISO 3166-1 alpha-3 code, kind)."""
    parties = db.session.scalars(select(Party).order_by(Party.name))
    return conditional({"parties": [party_json(p) for p in parties]})


def show_party(iso3: str):  # type: ignore[no-untyped-def]
    party = db.session.scalar(select(Party).where(Party.iso3 == iso3.upper()))
    if party is None:
        abort(404, description=f"No Contracting Party has the code {iso3!r}.")
    return conditional(party_json(party))


# --------------------------------------------------------------------------- OpenAPI


def openapi_document():  # type: ignore[no-untyped-def]
    from rkc.api.openapi import document

    return conditional(document())
