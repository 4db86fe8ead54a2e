"""The text store: loading the corpus, reading a chapter, comparing editions.

Figures (goals from the text-store issue):

1. `rkc init` on an empty SQLite database (migrations + corpus load): under 10 s.
   Reference: parsing the corpus files alone (`rkc.convention.corpus.load_corpus`).
2. General Annex chapter 3 page (`GET /n/ga/3?edition=...`) with 1 edition and with 100
   editions in the store: median under 30 ms, and 100-edition / 1-edition at most 1.25 (reading
   an edition is a range scan of its manifest, whatever the history behind it).
   Reference: a trivial route on the same app (routing, sessions, security headers only).
3. Compare of the whole General Annex between the first and the 100th edition
   (`queries.compare`): under 300 ms; and the compare page. Reference: reading the General
   Annex of one edition (`queries.subtree`).

The 100 editions are made with the real operations: 99 times open a draft from the latest
edition, revise a handful of General Annex provisions, freeze it with a later in-force date,
commit.
"""

from __future__ import annotations

import random
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from bench.report import Options, Row, Timing, measure, measure_interleaved, ratio
from bench.support import SetupError, dispose, make_app, progress, rkc_init
from rkc.convention import corpus as corpus_format
from rkc.convention import operations, queries
from rkc.convention.models import Edition, Node
from rkc.extensions import db

EDITIONS = 100
REVISED_PER_EDITION = 5
CHAPTER = "ga/3"
ANNEX = "ga"
PING = "/_bench/ping"

INIT_GOAL_S = 10.0
PAGE_GOAL_MS = 30.0
GROWTH_GOAL = 1.25
COMPARE_GOAL_MS = 300.0

#: Words a synthetic revision puts in place of one word of a provision.
VOCABULARY = (
    "promptly", "electronically", "jointly", "reasonable", "competent", "applicable",
    "minimum", "published", "necessary", "designated", "prescribed", "equivalent",
)  # fmt: skip


def run(options: Options | None = None) -> list[Row]:
    options = options or Options()
    with tempfile.TemporaryDirectory(prefix="rkc-bench-text-store-") as tmp:
        return _init(options, Path(tmp)) + _reading(options, Path(tmp))


# --------------------------------------------------------------------------- 1. rkc init


def _init(options: Options, tmp: Path) -> list[Row]:
    """Time `rkc init` on fresh, empty databases against parsing the corpus alone."""
    runs = options.reps(5, 1)
    samples = []
    for n in range(runs):
        progress(f"rkc init on an empty database ({n + 1}/{runs})")
        app = make_app(tmp / f"init-{n}", options.corpus)
        try:
            started = time.perf_counter()
            rkc_init(app)
            samples.append(time.perf_counter() - started)
        finally:
            dispose(app)
    init = Timing(tuple(samples))
    parse = measure(
        lambda: corpus_format.load_corpus(options.corpus),
        repeat=options.reps(5, 2),
        warmup=1,
    )
    return [
        Row(
            figure="rkc init, empty database (migrations + corpus load)",
            goal=f"< {INIT_GOAL_S:.0f} s",
            measured=init.s(),
            reference=f"parse corpus only: {parse.median * 1000:.0f} ms",
            ratio=f"init/parse {ratio(init.median, parse.median)}",
            met=init.median < INIT_GOAL_S,
        )
    ]


# --------------------------------------------------------------------------- 2, 3. reading


def _reading(options: Options, tmp: Path) -> list[Row]:
    """Two stores loaded alike, one grown to 100 editions; their pages measured in turns."""
    progress("two stores by rkc init: one stays at 1 edition, one grows")
    one = make_app(tmp / "one-edition", options.corpus)
    many = make_app(tmp / "many-editions", options.corpus)
    try:
        for app in (one, many):
            app.add_url_rule(PING, "bench_ping", lambda: "ok")
            rkc_init(app)
        with one.app_context():
            work = queries.work_by_key("rkc")
            if work is None or queries.node_by_key(CHAPTER) is None:
                raise SetupError(f"the corpus has no work 'rkc' or no unit {CHAPTER!r}")
            first_slug = _latest(work).slug
            db.session.remove()

        progress(f"building {EDITIONS} editions with the real operations")
        started = time.perf_counter()
        last_slug = _build_history(many, EDITIONS)
        built_in = time.perf_counter() - started

        requests = options.reps(100, 10)
        progress(f"chapter page at 1 and {EDITIONS} editions, trivial route ({requests} rounds)")
        client_one, client_many = one.test_client(), many.test_client()
        chapter = f"/n/{CHAPTER}?edition="
        pages = measure_interleaved(
            {
                "ping_1": lambda: _get(client_one, PING),
                "at_1": lambda: _get(client_one, chapter + first_slug),
                "ping_100": lambda: _get(client_many, PING),
                "at_100": lambda: _get(client_many, chapter + last_slug),
                "first_at_100": lambda: _get(client_many, chapter + first_slug),
            },
            repeat=requests,
            warmup=options.reps(5, 2),
        )
        compare_rows = _compare(options, many, first_slug, last_slug)
    finally:
        dispose(one)
        dispose(many)

    ping_1, at_1 = pages["ping_1"], pages["at_1"]
    ping_100, at_100, first_at_100 = pages["ping_100"], pages["at_100"], pages["first_at_100"]
    page_goal = f"median < {PAGE_GOAL_MS:.0f} ms"
    return [
        Row(
            figure=f"GA ch. 3 page, 1 edition ({first_slug})",
            goal=page_goal,
            measured=at_1.ms(),
            reference=f"trivial route: {ping_1.median * 1000:.2f} ms",
            ratio=f"page/trivial {ratio(at_1.median, ping_1.median)}",
            met=at_1.median * 1000 < PAGE_GOAL_MS,
        ),
        Row(
            figure=f"GA ch. 3 page, {EDITIONS} editions (latest)",
            goal=page_goal,
            measured=at_100.ms(),
            reference=f"trivial route: {ping_100.median * 1000:.2f} ms",
            ratio=f"page/trivial {ratio(at_100.median, ping_100.median)}",
            met=at_100.median * 1000 < PAGE_GOAL_MS,
        ),
        Row(
            figure=f"GA ch. 3 page, growth {EDITIONS} editions / 1",
            goal=f"ratio <= {GROWTH_GOAL}",
            measured=f"{at_100.median * 1000:.1f} ms at {EDITIONS} editions",
            reference=f"{at_1.median * 1000:.1f} ms at 1 edition",
            ratio=f"{EDITIONS}/1 {ratio(at_100.median, at_1.median)}",
            met=at_100.median <= GROWTH_GOAL * at_1.median,
        ),
        Row(
            figure=f"GA ch. 3 page, first edition read with {EDITIONS} in store",
            goal="(information)",
            measured=first_at_100.ms(),
            reference=f"{at_1.median * 1000:.1f} ms at 1 edition",
            ratio=f"{EDITIONS}/1 {ratio(first_at_100.median, at_1.median)}",
        ),
        *compare_rows,
        Row(
            figure=f"(set-up) build {EDITIONS - 1} editions, {REVISED_PER_EDITION} revisions each",
            measured=f"{built_in:.1f} s",
        ),
    ]


def _compare(options: Options, app: Flask, first_slug: str, last_slug: str) -> list[Row]:
    progress("compare the General Annex, first edition to last")
    repeat = options.reps(30, 3)
    with app.app_context():
        work = queries.work_by_key("rkc")
        assert work is not None
        first = queries.edition_by_slug(work, first_slug)
        last = queries.edition_by_slug(work, last_slug)
        annex = queries.node_by_key(ANNEX)
        assert first is not None
        assert last is not None
        assert annex is not None
        entry = queries.entry_of(last, annex)
        assert entry is not None
        counts = queries.compare(first, last, node=annex).counts
        units = len(queries.subtree(last, entry))
        timings = measure_interleaved(
            {
                "compare": lambda: queries.compare(first, last, node=annex),
                "read": lambda: queries.subtree(last, entry),
            },
            repeat=repeat,
            warmup=1,
        )
        db.session.remove()
    client = app.test_client()
    compare_page = measure(
        lambda: _get(client, f"/w/rkc/compare?from={first_slug}&to={last_slug}&node={ANNEX}"),
        repeat=repeat,
        warmup=1,
    )
    compared, read = timings["compare"], timings["read"]
    changed = f"{counts['changed']} changed of {sum(counts.values())} units"
    return [
        Row(
            figure=f"compare GA, 1st -> {EDITIONS}th edition (queries.compare)",
            goal=f"< {COMPARE_GOAL_MS:.0f} ms",
            measured=f"{compared.ms()}; {changed}",
            reference=f"read GA subtree ({units} units): {read.median * 1000:.1f} ms",
            ratio=f"compare/read {ratio(compared.median, read.median)}",
            met=compared.median * 1000 < COMPARE_GOAL_MS,
        ),
        Row(
            figure=f"compare page GA, 1st -> {EDITIONS}th edition",
            goal="(information)",
            measured=compare_page.ms(),
            reference=f"queries.compare: {compared.median * 1000:.1f} ms",
            ratio=f"page/compare {ratio(compare_page.median, compared.median)}",
        ),
    ]


def _get(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise SetupError(f"GET {url} answered {response.status_code}")
    response.close()


def _latest(work) -> Edition:  # type: ignore[no-untyped-def]
    published = queries.editions_of(work)
    if not published:
        raise SetupError(f"work {work.key!r} has no published edition")
    return published[-1]


def _build_history(app: Flask, editions: int, seed: int = 20061) -> str:
    """Grow the store to `editions` published editions of the Convention; return the last slug."""
    rng = random.Random(seed)
    with app.app_context():
        work = queries.work_by_key("rkc")
        assert work is not None
        latest = _latest(work)
        annex = queries.node_by_key(ANNEX)
        assert annex is not None
        entry = queries.entry_of(latest, annex)
        assert entry is not None
        provisions = [i.node_id for i in queries.subtree(latest, entry) if i.is_provision]
        if not provisions:
            raise SetupError("the General Annex has no provisions to revise")
        day = latest.in_force_from or latest.adopted_on
        assert day is not None
        for n in range(2, editions + 1):
            draft = operations.open_draft(
                latest, slug=f"bench-{n:03d}", title=f"Benchmark edition {n}"
            )
            for node_id in rng.sample(provisions, min(REVISED_PER_EDITION, len(provisions))):
                node = db.session.get(Node, node_id)
                assert node is not None
                current = operations.current_revision(draft, node)
                assert current is not None
                operations.revise(
                    draft,
                    node,
                    expected_revision_id=current.id,
                    text=_reword(current.text, rng),
                    origin_ref=f"bench edition {n}",
                )
            day += timedelta(days=28)
            operations.freeze(draft, adopted_on=day, in_force_from=day)
            db.session.commit()
            latest = draft
        slug = latest.slug
        db.session.remove()
    return slug


def _reword(text: str, rng: random.Random) -> str:
    """Replace one plain word with another, as an amendment might; keep the Markdown intact."""
    words = text.split(" ")
    plain = [i for i, w in enumerate(words) if w.isalpha() and len(w) > 3]
    if not plain:
        return f"{text} {rng.choice(VOCABULARY)}".strip()
    index = rng.choice(plain)
    choices = [w for w in VOCABULARY if w != words[index]]
    words[index] = rng.choice(choices)
    return " ".join(words)
