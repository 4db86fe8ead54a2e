"""Search of the consolidated text: the index, its sync with committed data, queries, views.

Layout:

- `schema.py`: the Whoosh schema and analysers (the only place that names fields).
- `models.py`: `search_change`, the change log written in the same transaction as each change.
- `changes.py`: session listeners that fill the log and apply it after commit.
- `documents.py`: what one revision looks like as an index document.
- `index.py`: `SearchIndex`: locking, health checks, catch-up, rebuild.
- `queries.py`: cleaning what people type, choosing editions, matching, facets, highlights.
- `forms.py` / `views.py` / `cli.py`: request parsing, the page and API, `rkc reindex`.

Whoosh is imported nowhere else, so the engine can change behind these modules.

Extending to other documents (amendments for members): give them a `doctype`, build their
documents next to `documents.document_for`, log their changes with a subject of their own in
`changes.py` (and reconcile that subject in `SearchIndex._catch_up_locked`), and let
`queries.resolve_scope` fill `SearchScope.extra_docs` with the document numbers the reader may
see (ask `rkc.auth.permissions.can`). The public search never adds any.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app

from rkc.database import write_intent
from rkc.extensions import db
from rkc.search.index import IndexBusy, IndexProblem, SearchIndex

__all__ = ["apply_after_commit", "init_search", "search_index"]

log = logging.getLogger(__name__)

EXTENSION = "rkc_search"


def init_search(app: Flask) -> None:
    """Give the app its index object and make the session log text-store changes."""
    from rkc.search.changes import track

    app.extensions[EXTENSION] = SearchIndex(
        app.config["INDEX_DIR"], lock_timeout=float(app.config["SEARCH_LOCK_TIMEOUT"])
    )
    track(db.session)


def search_index(app: Flask | None = None) -> SearchIndex:
    return (app or current_app).extensions[EXTENSION]


def apply_after_commit(app: Flask) -> None:
    """Bring an existing index up to date after a commit; never fail the committed request.

    An index that was never built here is left alone (the first search builds it); a busy or
    broken one is left to the next search, which finds the same rows in the change log.
    """
    index = search_index(app)
    if not index.exists():
        return
    # The catch-up only reads the database. Inside a request that wrote, SQLite connections
    # would begin with BEGIN IMMEDIATE (rkc/database.py) and hold the write lock while the
    # documents are read; other writers need not wait for that.
    token = write_intent.set(False)
    try:
        index.ensure_current(db.engine, rebuild=False)
    except (IndexBusy, IndexProblem) as exc:
        log.warning("search index not updated after commit (the next search will): %s", exc)
    except Exception:
        log.exception("search index not updated after commit (the next search will)")
    finally:
        write_intent.reset(token)
