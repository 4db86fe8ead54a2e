"""Search: query time over 100 editions against SQLite FTS5, full reindex, index size.

Figures (goals from issues 10 and 17):

1. 20 representative queries, each for today's text and for the text in force on a past date,
   through `rkc.search.queries.search` exactly as the page calls it (scope resolved from the
   date, matching, the five facets and the edition facet, 10 hits with highlighted title and
   snippet, the spelling check): median and p95 over every (query, date) sample; goals p95
   under 50 ms and at most 4x FTS5's. Reference, measured in turns with it: SQLite FTS5
   (porter stemmer, diacritics removed) over the same documents (every indexed revision, its
   title and plain text, with a table of edition memberships), the same queries in FTS5 syntax
   filtered on the same editions: the top 10 by bm25 with `snippet()`, the total, and the count
   per kind.
2. The search page through the Flask test client (information).
3. Full reindex (`SearchIndex.rebuild`, what `rkc reindex` runs; goal at most 6x) and the index
   size; reference: building the FTS5 table (and its membership table) from the same
   documents, in the same run. The FTS5 build is given the documents ready-made; the rebuild
   reads them from the database as well.
4. Keeping up: opening a working draft of the whole Convention (every unit in both languages
   joins one more edition) and committing, with the index caught up in the commit's
   after-commit hook, against the same operation with no index (goal at most 3x); in turns,
   each a few times. Then (information) a commit that revises one provision.

The store is grown to 100 editions with the real operations, reusing bench/text_store.py's
`_build_history` (open a draft, revise, freeze, commit, 99 times); the index is deleted first so
the history is built without it and then indexed in full.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from bench.report import Options, Row, Timing, measure, measure_interleaved, ratio
from bench.support import SetupError, dispose, make_app, progress, rkc_init
from bench.text_store import EDITIONS, _build_history, _latest
from rkc.clock import today
from rkc.convention import operations, queries
from rkc.convention.models import Edition, EditionEntry
from rkc.extensions import db
from rkc.search import documents, search_index
from rkc.search.queries import SearchRequest, search

P95_GOAL_MS = 50.0
#: Issue 17: search p95 at most this times FTS5's, a full reindex at most this times the FTS5
#: build, and opening a draft with the index caught up at most this times without the index.
P95_FTS_GOAL = 4.0
REINDEX_FTS_GOAL = 6.0
OPEN_DRAFT_GOAL = 3.0
#: A day when an edition from the first third of the grown history was in force.
PAST = date(2008, 6, 1)

#: (rkc query, FTS5 MATCH expression, extra FTS5 condition on the kind/chapter columns)
QUERIES: list[tuple[str, str, str]] = [
    ("appeal", "appeal", ""),
    ("customs", "customs", ""),
    ("goods declaration", "goods declaration", ""),
    ('"right of appeal"', '"right of appeal"', ""),
    ("guarantee", "guarantee", ""),
    ("transit OR transhipment", "transit OR transhipment", ""),
    ("warehouse AND security", "warehouse AND security", ""),
    ("security NOT guarantee", "security NOT guarantee", ""),
    ("declar*", "declar*", ""),
    ("kind:standard release", "release", "kind = 'standard'"),
    ("chapter:10 decision", "decision", "chapter = 'ga/10'"),
    ("information technology", "information technology", ""),
    ('"temporary admission"', '"temporary admission"', ""),
    ("origin certificate", "origin certificate", ""),
    ("drawback", "drawback", ""),
    ("risk management", "risk management", ""),
    ("electronic* payment", "electronic* payment", ""),
    ("travellers baggage", "travellers baggage", ""),
    ("postal traffic", "postal traffic", ""),
    ("apeal", "apeal", ""),
]


def run(options: Options | None = None) -> list[Row]:
    options = options or Options()
    with tempfile.TemporaryDirectory(prefix="rkc-bench-search-") as tmp:
        app = make_app(Path(tmp) / "store", options.corpus)
        try:
            return _run(options, app, Path(tmp))
        finally:
            dispose(app)


def _run(options: Options, app: Flask, tmp: Path) -> list[Row]:
    progress("rkc init (the corpus and its first index)")
    rkc_init(app)
    index_dir = Path(app.config["INDEX_DIR"])
    shutil.rmtree(index_dir)
    progress(f"building {EDITIONS} editions with the real operations (no index meanwhile)")
    _build_history(app, EDITIONS)

    # The two builds take turns (measure_interleaved), so a change in the machine's load weighs
    # on both alike: the ratio is what the goal is about.
    progress("full reindex and the FTS5 build over the same documents, taking turns")
    fts_path = tmp / "fts.sqlite3"
    with app.app_context():
        index = search_index()
        docs = documents_for_fts()
        memberships = _memberships()
        reports = []

        def rebuild() -> None:
            reports.append(index.rebuild(db.engine))

        def build_reference() -> None:
            fts_path.unlink(missing_ok=True)
            build_fts(fts_path, docs, memberships).close()

        builds = measure_interleaved(
            {"rkc": rebuild, "fts": build_reference}, repeat=options.reps(5, 1)
        )
        report = reports[-1]
        size = index.size_bytes()
        db.session.remove()
    reindex, fts_build = builds["rkc"], builds["fts"]
    fts_size = fts_path.stat().st_size
    fts = sqlite3.connect(fts_path)

    rows = _queries(options, app, fts)
    fts.close()
    rows += [
        Row(
            figure=f"full reindex ({report.written} revisions, {EDITIONS} editions)",
            goal=f"<= {REINDEX_FTS_GOAL:.0f}x FTS5 build",
            measured=reindex.s(),
            reference=f"FTS5 build: {fts_build.median:.2f} s",
            ratio=f"rkc/FTS5 {ratio(reindex.median, fts_build.median)}",
            met=reindex.median <= REINDEX_FTS_GOAL * fts_build.median,
        ),
        Row(
            figure="index size",
            goal="(information)",
            measured=f"{size / 1024 / 1024:.1f} MiB",
            reference=f"FTS5 database: {fts_size / 1024 / 1024:.1f} MiB",
            ratio=f"rkc/FTS5 {ratio(size, fts_size)}",
        ),
        *_keeping_up(app, options.reps(3, 1)),
    ]
    return rows


# --------------------------------------------------------------------------- the documents


def documents_for_fts() -> list[dict]:
    """The documents the rkc index holds, as plain dicts (one per indexed revision)."""
    conn = db.session.connection()
    ids = documents.indexed_revision_ids(conn)
    docs, _orphans = documents.documents(
        conn, ids, documents.load_outline(conn), documents.work_keys(conn)
    )
    return docs


def _memberships() -> list[tuple[int, int]]:
    """(edition id, revision id) of every manifest line, as the text store holds them."""
    return [
        (e, r)
        for e, r in db.session.execute(
            select(EditionEntry.edition_id, EditionEntry.revision_id)
        ).all()
    ]


def build_fts(
    path: Path, docs: list[dict], memberships: list[tuple[int, int]]
) -> sqlite3.Connection:
    fts = sqlite3.connect(path)
    fts.executescript(
        """
        CREATE VIRTUAL TABLE docs USING fts5(
            title, text, kind UNINDEXED, chapter UNINDEXED,
            tokenize = 'porter unicode61 remove_diacritics 2'
        );
        CREATE TABLE membership (
            edition_id INTEGER, doc INTEGER, PRIMARY KEY (edition_id, doc)
        ) WITHOUT ROWID;
        """
    )
    fts.executemany(
        "INSERT INTO docs (rowid, title, text, kind, chapter) VALUES (?, ?, ?, ?, ?)",
        [
            (
                d["revision_id"],
                d.get("title", ""),
                d.get("text", ""),
                d["kind"],
                d.get("chapter", ""),
            )
            for d in docs
        ],
    )
    fts.executemany("INSERT OR IGNORE INTO membership VALUES (?, ?)", memberships)
    fts.commit()
    return fts


def fts_search(fts: sqlite3.Connection, match: str, extra: str, editions: list[int]) -> int:
    """Top 10 with snippets, the total and the count per kind, in the given editions."""
    where = "docs MATCH ? AND m.edition_id IN ({})".format(",".join("?" * len(editions)))
    if extra:
        where += f" AND {extra}"
    join = "FROM docs JOIN membership m ON m.doc = docs.rowid WHERE " + where
    args = [match, *editions]
    fts.execute(
        "SELECT docs.rowid, title, snippet(docs, 1, '<mark>', '</mark>', ' … ', 24), "
        f"bm25(docs, 2.0, 1.0) AS rank {join} ORDER BY rank LIMIT 10",
        args,
    ).fetchall()
    total = fts.execute(f"SELECT count(*) {join}", args).fetchone()[0]
    fts.execute(f"SELECT kind, count(*) {join} GROUP BY kind", args).fetchall()
    return total


# --------------------------------------------------------------------------- queries


def _published(edition: Edition) -> bool:
    return edition.is_published


def _queries(options: Options, app: Flask, fts: sqlite3.Connection) -> list[Row]:
    reps = options.reps(10, 2)
    progress(f"{len(QUERIES)} queries x 2 dates, rkc and FTS5 in turns ({reps} rounds)")
    rkc_samples: list[float] = []
    fts_samples: list[float] = []
    with app.app_context():
        index = search_index()
        index.ensure_current(db.engine)
        days = (today(), PAST)
        editions = {day: _editions_on(day) for day in days}
        if editions[today()] == editions[PAST]:
            raise SetupError(f"the same editions are in force today and on {PAST}")
        cases: list[tuple[Callable[[], object], Callable[[], object]]] = []
        for q, match, extra in QUERIES:
            for day in days:
                wanted = SearchRequest(q=q, on=day)
                ids = editions[day]

                def rkc_case(wanted: SearchRequest = wanted) -> object:
                    return search(index, wanted, may_read=_published, today=today())

                def fts_case(match: str = match, extra: str = extra, ids: list = ids) -> int:
                    return fts_search(fts, match, extra, ids)

                cases.append((rkc_case, fts_case))
        totals = [(len(r.hits), f()) for r, f in ((c[0](), c[1]) for c in cases)]
        if not any(n for n, _ in totals):
            raise SetupError("no query found anything")
        for _ in range(reps):
            for rkc_case, fts_case in cases:
                started = time.perf_counter()
                rkc_case()
                rkc_samples.append(time.perf_counter() - started)
                started = time.perf_counter()
                fts_case()
                fts_samples.append(time.perf_counter() - started)
        db.session.remove()
    ours, theirs = Timing(tuple(rkc_samples)), Timing(tuple(fts_samples))

    client = app.test_client()
    page = measure(
        lambda: _get(client, "/search?q=appeal&on=" + PAST.isoformat()),
        repeat=options.reps(30, 3),
        warmup=2,
    )
    return [
        Row(
            figure=f"{len(QUERIES)} queries x (today, {PAST}), facets + highlights",
            goal=f"p95 < {P95_GOAL_MS:.0f} ms and <= {P95_FTS_GOAL:.0f}x FTS5",
            measured=ours.ms(),
            reference=f"FTS5: median {theirs.median * 1000:.1f} ms, p95 {theirs.p95 * 1000:.1f} ms",
            ratio=f"p95 rkc/FTS5 {ratio(ours.p95, theirs.p95)}",
            met=ours.p95 * 1000 < P95_GOAL_MS and ours.p95 <= P95_FTS_GOAL * theirs.p95,
        ),
        Row(
            figure="search page /search?q=appeal&on=... (HTTP, test client)",
            goal="(information)",
            measured=page.ms(),
            reference=f"queries.search median: {ours.median * 1000:.1f} ms",
            ratio=f"page/search {ratio(page.median, ours.median)}",
        ),
    ]


def _editions_on(day: date) -> list[int]:
    ids = []
    for work in queries.all_works():
        edition = queries.in_force_on(work, day)
        if edition is not None:
            ids.append(edition.id)
    return ids


def _get(client, url: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(url)
    if response.status_code != 200:
        raise SetupError(f"GET {url} answered {response.status_code}")
    response.close()


# --------------------------------------------------------------------------- keeping up


def _open_draft(app: Flask, slug: str, *, indexed: bool) -> tuple[float, int, int]:
    """Open a working draft of the latest edition and commit: (seconds, manifest lines,
    documents the catch-up wrote). Without the index, its directory is moved aside for the
    call (the after-commit hook leaves a missing index alone), then put back and caught up."""
    index_dir = Path(app.config["INDEX_DIR"])
    aside = index_dir.with_name(index_dir.name + ".aside")
    with app.app_context():
        index = search_index()
        index.ensure_current(db.engine)
        before = index.state().documents
        latest = _latest(queries.work_by_key("rkc"))
        lines = db.session.scalar(select(func.count()).where(EditionEntry.edition_id == latest.id))
        if not indexed:
            index_dir.rename(aside)
        try:
            started = time.perf_counter()
            operations.open_draft(latest, slug=slug, title="Search draft")
            db.session.commit()  # with the index: caught up in the after-commit hook
            elapsed = time.perf_counter() - started
        finally:
            if not indexed:
                aside.rename(index_dir)
        written = index.state().documents - before if indexed else 0
        db.session.remove()
    return elapsed, lines or 0, written


def _keeping_up(app: Flask, rounds: int) -> list[Row]:
    progress(f"open a draft with and without the index ({rounds} each, in turns), one revise")
    times: dict[bool, list[float]] = {True: [], False: []}
    lines = written = 0
    for n in range(rounds):
        for indexed in (True, False):
            slug = f"bench-open-{n}-{'indexed' if indexed else 'plain'}"
            elapsed, lines, wrote = _open_draft(app, slug, indexed=indexed)
            times[indexed].append(elapsed)
            written += wrote
    with_index, without = Timing(tuple(times[True])), Timing(tuple(times[False]))
    with app.app_context():
        index = search_index()
        index.ensure_current(db.engine)
        work = queries.work_by_key("rkc")
        assert work is not None
        draft = queries.edition_by_slug(work, "bench-open-0-indexed")
        assert draft is not None
        node = queries.node_by_key("ga/10/10.1")
        assert node is not None
        current = operations.current_revision(draft, node)
        assert current is not None
        started = time.perf_counter()
        operations.revise(
            draft, node, expected_revision_id=current.id, text=current.text + " Promptly."
        )
        db.session.commit()
        revised = time.perf_counter() - started
        db.session.remove()
    return [
        Row(
            figure=f"open a draft of {lines:,} units + commit, index caught up "
            f"({written} documents written in {rounds})",
            goal=f"<= {OPEN_DRAFT_GOAL:.0f}x without the index",
            measured=with_index.ms(),
            reference=f"without the index: {without.ms()}",
            ratio=f"indexed/plain {ratio(with_index.median, without.median)}",
            met=with_index.median <= OPEN_DRAFT_GOAL * without.median,
        ),
        Row(
            figure="revise one provision + commit, index caught up",
            goal="(information)",
            measured=f"{revised * 1000:.0f} ms (n=1)",
            reference=f"open a draft without the index: {without.median * 1000:.0f} ms",
        ),
    ]
