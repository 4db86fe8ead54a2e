"""JSON API for the text: works, editions, contents, a unit's text and history, diffs, parties.

Every answer is JSON; every error is JSON too (`{"error": ..., "message": ...}`, see
rkc/web.py). Published data answers conditional GETs: each response carries an ETag and a
request whose If-None-Match matches it gets 304 Not Modified. Working drafts are listed and
served to members only, exactly as on the reading pages (`Action.READ_EDITION`).

Each view is declared with its typed models (rkc/api/schemas/texts.py); the OpenAPI document
is made from them (rkc/api/spec.py) and the tests check every response against it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import Blueprint, abort, current_app, url_for
from flask_login import current_user
from sqlalchemy import select

from rkc.api import spec
from rkc.api.schemas import texts as s
from rkc.api.spec import operation
from rkc.auth.permissions import Action, can
from rkc.clock import today
from rkc.convention import queries
from rkc.convention.languages import DEFAULT
from rkc.convention.models import Edition, Node, Work
from rkc.convention.queries import Item
from rkc.extensions import db
from rkc.parties.models import Party
from rkc.text.diff import word_diff


def register(bp: Blueprint) -> None:
    """Add this module's routes to the API blueprint."""
    spec.add_routes(
        bp,
        list_works,
        show_work,
        list_editions,
        show_edition,
        show_toc,
        show_diff,
        node_history,
        show_node,
        list_parties,
        show_party,
        openapi_document,
    )


# --------------------------------------------------------------------------- helpers


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


def _edition_asked(work: Work, slug: str | None, day: date | None) -> Edition:
    """?edition=slug, else the edition in force ?on=date, else the one in force today."""
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


@operation("/works", responses={200: s.Works})
def list_works():  # type: ignore[no-untyped-def]
    """Every work the text store holds."""
    return {"works": [work_json(w) for w in queries.all_works()]}


@operation("/works/<work_key>", responses={200: s.WorkDetail}, errors=[404])
def show_work(work_key: str):  # type: ignore[no-untyped-def]
    """A work, its editions, and the edition in force today."""
    work = _work(work_key)
    views = queries.edition_views(work, today(), include_drafts=_members())
    current = queries.in_force_on(work, today())
    payload = work_json(work)
    payload["editions"] = [edition_json(v.edition, v.state) for v in views]
    payload["in_force_today"] = current.slug if current else None
    return payload


@operation("/works/<work_key>/editions", responses={200: s.Editions}, errors=[404])
def list_editions(work_key: str):  # type: ignore[no-untyped-def]
    """A work's editions (working drafts for members only)."""
    work = _work(work_key)
    views = queries.edition_views(work, today(), include_drafts=_members())
    return {"editions": [edition_json(v.edition, v.state) for v in views]}


@operation("/works/<work_key>/editions/<slug>", responses={200: s.EditionDetail}, errors=[404])
def show_edition(work_key: str, slug: str):  # type: ignore[no-untyped-def]
    """One edition, the languages it holds and where its table of contents is."""
    work = _work(work_key)
    edition = _edition(work, slug)
    payload = edition_json(edition)
    payload["work"] = work.key
    payload["languages"] = queries.languages_of(edition)
    payload["toc_url"] = url_for("api.show_toc", work_key=work.key, slug=edition.slug)
    return payload


@operation(
    "/works/<work_key>/editions/<slug>/toc",
    responses={200: s.Toc},
    query=s.LangQuery,
    errors=[404],
)
def show_toc(work_key: str, slug: str, query: s.LangQuery):  # type: ignore[no-untyped-def]
    """The headings of an edition (instrument, annexes, chapters, sections), in order."""
    work = _work(work_key)
    edition = _edition(work, slug)
    language = _shown(edition, query.lang)
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
    return {"work": work.key, "edition": edition.slug, "lang": language, "toc": entries}


# --------------------------------------------------------------------------- units


@operation("/nodes/<path:key>", responses={200: s.NodeOut}, query=s.NodeQuery, errors=[404])
def show_node(key: str, query: s.NodeQuery):  # type: ignore[no-untyped-def]
    """A unit and what it contains, as it stands in an edition (?edition=) or in force on a
    date (?on=); the edition in force today without either."""
    node = _node(key)
    edition = _edition_asked(node.work, query.edition, query.on)
    entry = queries.entry_of(edition, node, _shown(edition, query.lang))
    if entry is None:
        abort(
            404,
            description=f"{key} is not part of edition {edition.slug!r}; its history lists "
            "the editions that hold it.",
        )
    units = queries.subtree(edition, entry, entry.language)
    return {
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


@operation("/nodes/<path:key>/history", responses={200: s.History}, query=s.LangQuery, errors=[404])
def node_history(key: str, query: s.LangQuery):  # type: ignore[no-untyped-def]
    """Every distinct revision of a unit that a visible edition holds, oldest first."""
    language = query.lang
    node = _node(key)
    steps = queries.history(node, language, include_drafts=_members())
    if not steps and language != DEFAULT:  # no text in that language: the English
        language, steps = DEFAULT, queries.history(node, include_drafts=_members())
    if not steps:
        abort(404, description=f"{key} is in no edition you may read.")
    return {
        "key": node.key,
        "work": node.work.key,
        "lang": language,
        "history": [
            {
                "revision": step.revision.id,
                "created_at": _timestamp(step.revision.created_at),
                "origin": step.revision.origin,
                "kind": step.revision.kind,
                "number": step.revision.number,
                "number_alt": step.revision.number_alt,
                "title": step.revision.title,
                "text": step.revision.text,
                "editions": [e.slug for e in step.editions],
                "changes": step.changes,
                "words_added": step.words_added,
                "words_removed": step.words_removed,
            }
            for step in steps
        ],
    }


@operation("/works/<work_key>/diff", responses={200: s.Diff}, query=s.DiffQuery, errors=[404])
def show_diff(work_key: str, query: s.DiffQuery):  # type: ignore[no-untyped-def]
    """What changed between two editions (?from=&to=), optionally within one unit (?node=)."""
    work = _work(work_key)
    old = _edition(work, query.from_)
    new = _edition(work, query.to)
    node = None
    if query.node:
        node = _node(query.node)
        if node.work_id != work.id:
            abort(404, description=f"{node.key} belongs to another work.")
    language = _shown(new, query.lang)
    comparison = queries.compare(old, new, language, node=node)
    rows = comparison.rows if query.all == "true" else comparison.changed_rows
    return {
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
                    {"op": seg.op.value, "text": seg.text}
                    for seg in word_diff(row.old.text if row.old else "", row.new.text)
                ]
                if row.new is not None and row.status != "unchanged"
                else [],
            }
            for row in rows
        ],
    }


# --------------------------------------------------------------------------- parties


def party_json(party: Party) -> dict[str, Any]:
    return {
        "name": party.name,
        "iso3": party.iso3,
        "kind": party.kind.value if party.kind else None,
        "url": url_for("api.show_party", iso3=party.iso3) if party.iso3 else None,
    }


@operation("/parties", responses={200: s.Parties})
def list_parties():  # type: ignore[no-untyped-def]
    """The Contracting Parties the system knows (name, ISO 3166-1 alpha-3 code, kind)."""
    parties = db.session.scalars(select(Party).order_by(Party.name))
    return {"parties": [party_json(p) for p in parties]}


@operation("/parties/<iso3>", responses={200: s.PartyOut}, errors=[404])
def show_party(iso3: str):  # type: ignore[no-untyped-def]
    """One Contracting Party by its ISO 3166-1 alpha-3 code."""
    party = db.session.scalar(select(Party).where(Party.iso3 == iso3.upper()))
    if party is None:
        abort(404, description=f"No Contracting Party has the code {iso3!r}.")
    return party_json(party)


# --------------------------------------------------------------------------- OpenAPI


@operation("/openapi.json", responses={200: s.OpenApiDocument})
def openapi_document():  # type: ignore[no-untyped-def]
    """This document, made from the routes and their models (rkc/api/spec.py)."""
    return spec.document(current_app)
