"""Growth: how the figures of issue 17 change when the store grows (issue 17 item 5).

    python -m bench --only growth            # 1x and 5x (the default; `--quick`: 1x and 2x)
    python -m bench.growth --scale 10        # 1x and 10x

Two stores are built by `rkc init` on scratch SQLite databases, then grown with the real
operations the other benchmarks use:

- **1x**: the corpus (about 1,200 units, English and French), `EDITIONS` published editions
  (bench/text_store.py `_build_history`: open a draft, revise 5 General Annex provisions,
  freeze, commit), `AMENDMENTS` tabled amendments to the working draft spread over the
  General Annex's provisions (as bench/amendments.py makes them, a third co-sponsored, a third
  objected to), and the parties' chapter acceptances (bench/parties.py);
- **Nx**: N times the text (`grown_corpus`: N - 1 copies of every file of the corpus, each
  under keys of its own, so that every edition holds N times the units), N times as many
  editions and amendments, the same acceptances.

Every figure is then measured on both stores **in turns** (so the machine's load weighs on
both alike), and reported as Nx / 1x next to the growth of the data (N). A figure whose ratio
exceeds N grows faster than the data and is named in its row.
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
import shutil
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_plus

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from bench import amendments as amendment_bench
from bench import parties as party_bench
from bench.client import form_token
from bench.report import Options, Row, Timing, measure_interleaved, render_table
from bench.search import QUERIES
from bench.support import SetupError, dispose, make_app, progress, rkc_init
from bench.text_store import _build_history
from rkc.amendments.discussion import answer_co_sponsorship, request_co_sponsorship, take_position
from rkc.amendments.lifecycle import change_status
from rkc.amendments.proposing import propose_modification
from rkc.audit import Actor, acting_as
from rkc.convention import operations, queries
from rkc.convention.corpus import twin_name
from rkc.convention.models import Node
from rkc.extensions import db
from rkc.parties.chapters import SPECIFIC_ANNEX_PREFIX
from rkc.search import search_index
from rkc.search.index import SearchIndex

#: The 1x store: published editions and tabled amendments (at 10x the issue's store: about
#: 12,000 units, 1,000 editions, 10,000 amendments).
EDITIONS = 100
AMENDMENTS = 1000
CHAPTER = "ga/3"
MEMBER = "bench-a"
#: The compilation page's query: the chapter of the draft the amendments were tabled to.
COMPILED = f"edition=rkc/review-draft&chapter={CHAPTER}"


@dataclass
class Store:
    scale: int
    app: Flask
    directory: Path
    editions: int
    amendments: int
    in_chapter: int
    units: int
    busiest: str
    member: FlaskClient
    officer: FlaskClient
    drafts: int = 0


def run(options: Options | None = None, scale: int = 0) -> list[Row]:
    options = options or Options()
    scale = scale or options.reps(5, 2)
    with tempfile.TemporaryDirectory(prefix="rkc-bench-growth-") as tmp:
        stores: list[Store] = []
        try:
            for s in (1, scale):
                stores.append(_build(options, Path(tmp) / f"x{s}", s))
            return _measure(options, stores[0], stores[1])
        finally:
            for store in stores:
                dispose(store.app)


# --------------------------------------------------------------------------- building


_ROOT = re.compile(
    r"^# (?P<heading>[^\n{]*?) \{#(?P<key>[a-z0-9-]+)(?P<rest>[^}\n]*)\}", re.MULTILINE
)
_EXPLAINS = re.compile(r"explains=(?P<keys>[^}\s]+)")


def grown_corpus(corpus: Path, scale: int, into: Path) -> tuple[Path, int]:
    """The corpus with its text grown `scale` times, in `into`: each file of each work (the
    Convention's instruments and annexes, the Guidelines; English and French) is copied
    `scale - 1` times into its work under keys of its own (`_copied_key`; a copy of Guidelines
    explains the same copy of the Convention). A copy of a Specific Annex is a Specific Annex
    (`sa-b2` for the second B): its chapters are in the register, accepted by no party, as a
    new annex would be. Returns the directory and how many files each copy added."""
    shutil.copytree(corpus, into)
    manifest = into / "corpus.toml"
    text = manifest.read_text(encoding="utf-8")
    files = [name for work in tomllib.loads(text)["works"] for name in work["files"]]
    for k in range(2, scale + 1):
        for name in files:
            for source in (corpus / name, corpus / twin_name(name, "fr")):
                if source.exists():
                    target = into / "growth" / f"{k}" / source.relative_to(corpus)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_text(_copy(source, k), encoding="utf-8")
    for name in reversed(files):  # each work's list, each of its files followed by its copies
        line = f'    "{name}",\n'
        if text.count(line) != 1:
            raise SetupError(f"{manifest}: {name} is not listed once, one file to a line")
        copies = "".join(f'    "growth/{k}/{name}",\n' for k in range(2, scale + 1))
        text = text.replace(line, line + copies)
    manifest.write_text(text, encoding="utf-8")
    return into, len(files)


def _copy(source: Path, k: int) -> str:
    text = source.read_text(encoding="utf-8")
    root = _ROOT.search(text)
    if root is None:
        raise SetupError(f"{source}: no root heading with a key to copy")
    heading = f"# {root['heading']} ({k}) {{#{_copied_key(root['key'], k)}{root['rest']}}}"
    text = text[: root.start()] + heading + text[root.end() :]
    return _EXPLAINS.sub(
        lambda m: "explains=" + ",".join(_copied_key(key, k) for key in m["keys"].split(",")),
        text,
    )


def _copied_key(key: str, k: int) -> str:
    """The key of `key`'s unit in copy `k`: `sa-b/1` -> `sa-b2/1`, `ga/3` -> `g2-ga/3`."""
    root, slash, rest = key.partition("/")
    copied = f"{root}{k}" if root.startswith(SPECIFIC_ANNEX_PREFIX) else f"g{k}-{root}"
    return copied + slash + rest


def _build(options: Options, directory: Path, scale: int) -> Store:
    corpus, _files = grown_corpus(options.corpus, scale, directory / "corpus")
    app = make_app(directory, corpus)
    started = time.perf_counter()
    progress(f"{scale}x: rkc init")
    rkc_init(app)
    shutil.rmtree(app.config["INDEX_DIR"])  # no index while the history is made
    with app.app_context(), acting_as(Actor(None, "bench", "system")):
        people = amendment_bench._people()
        db.session.commit()
        _accepted, busiest = party_bench._accept_chapters()
        db.session.remove()
    editions = EDITIONS * scale
    progress(f"{scale}x: {editions} published editions ({time.perf_counter() - started:.0f} s)")
    _build_history(app, editions)
    amendments = AMENDMENTS * scale
    progress(f"{scale}x: {amendments} tabled amendments ({time.perf_counter() - started:.0f} s)")
    in_chapter = _table_amendments(app, people, amendments)
    progress(f"{scale}x: the search index")
    with app.app_context():
        search_index().rebuild(db.engine)
        units = db.session.scalar(select(func.count(Node.id))) or 0
        db.session.remove()
    progress(f"{scale}x built in {time.perf_counter() - started:.0f} s")
    return Store(
        scale=scale,
        app=app,
        directory=directory,
        editions=editions,
        amendments=amendments,
        in_chapter=in_chapter,
        units=units,
        busiest=busiest,
        member=_logged_in(app, MEMBER),
        officer=_logged_in(app, "bench-s"),
    )


def _table_amendments(app: Flask, people: dict[str, int], count: int) -> int:
    """`count` tabled amendments to the working draft's General Annex provisions, in turns;
    returns how many fall in CHAPTER."""
    rng = random.Random(17)
    with app.app_context(), acting_as(Actor(None, "bench", "system")):
        draft = amendment_bench._draft()
        annex = queries.entry_of(draft, amendment_bench._node("ga"))
        assert annex is not None
        provisions = [i for i in queries.subtree(draft, annex) if i.is_provision and i.text]
        rng.shuffle(provisions)
        delegates = [amendment_bench._user(people, n) for n in ("bench-a", "bench-b", "bench-c")]
        in_chapter = 0
        for made in range(count):
            item = provisions[made % len(provisions)]
            author, other = delegates[made % 3], delegates[(made + 1) % 3]
            amendment = propose_modification(
                draft,
                amendment_bench._node(item.key),
                user=author,
                text=amendment_bench._reword(item.text, rng) + f" Variant {made}.",
                justification=f"Growth amendment {made}.",
                concept=f"Concept {made % 7}",
            )
            change_status(amendment, "tabled", user=author)
            if made % 3 == 0:
                request_co_sponsorship(amendment, user=other)
                answer_co_sponsorship(amendment, other.party, user=author, confirm=True)
            elif made % 3 == 1:
                take_position(amendment, user=other, stance="objection", statement="No.")
            in_chapter += item.key.startswith(CHAPTER + "/")
            if made % 100 == 99:
                db.session.commit()
        db.session.commit()
        db.session.remove()
    return in_chapter


# --------------------------------------------------------------------------- measuring


def _logged_in(app: Flask, username: str) -> FlaskClient:
    """A test client signed in through the log-in form, its CSRF token included."""
    client = app.test_client()
    token = form_token(client.get("/login").get_data(as_text=True))
    answer = client.post(
        "/login",
        data={"csrf_token": token, "username": username, "password": amendment_bench.PASSWORD},
    )
    if answer.status_code != 302:
        raise SetupError(f"log-in of {username} answered {answer.status_code}")
    return client


def _get(client: FlaskClient, url: str) -> None:
    amendment_bench._get(client, url)


def _open_draft(store: Store) -> None:
    """A working draft opened from the latest edition and committed; the after-commit hook
    brings the store's index up to date inside the call (as in the request that opens it)."""
    with store.app.app_context(), acting_as(Actor(None, "bench", "system")):
        work = queries.work_by_key("rkc")
        assert work is not None
        latest = queries.editions_of(work)[-1]
        store.drafts += 1
        operations.open_draft(latest, slug=f"growth-{store.drafts}", title="Growth draft")
        db.session.commit()
        db.session.remove()


def _reindex(store: Store) -> None:
    target = store.directory / "reindex"
    shutil.rmtree(target, ignore_errors=True)
    with store.app.app_context():
        SearchIndex(target).rebuild(db.engine)
        db.session.remove()


def _searcher(store: Store) -> Callable[[], None]:
    urls = itertools.cycle(f"/search?q={quote_plus(q)}" for q, _m, _x in QUERIES)
    return lambda: _get(store.member, next(urls))


def _measure(options: Options, small: Store, large: Store) -> list[Row]:
    figures: list[tuple[str, Callable[[Store], Callable[[], None]], int, str]] = [
        (
            f"chapter page {CHAPTER} for a signed-in member",
            lambda s: lambda: _get(s.member, f"/n/{CHAPTER}"),
            options.reps(20, 3),
            "median",
        ),
        (
            f"search page, {len(QUERIES)} queries (p95)",
            _searcher,
            len(QUERIES) * options.reps(2, 1),
            "p95",
        ),
        ("open a draft + commit, index caught up", lambda s: lambda: _open_draft(s), 3, "median"),
        (
            "full reindex",
            lambda s: lambda: _reindex(s),
            options.reps(3, 1),
            "median",
        ),
        (
            "binding text of the busiest party",
            lambda s: lambda: _get(s.member, f"/parties/{s.busiest}/binding?on=2024-01-01"),
            options.reps(20, 3),
            "median",
        ),
        (
            f"compilation page {CHAPTER}",
            # The draft named: the drafts the figure above opens hold no amendment.
            lambda s: lambda: _get(s.officer, f"/amendments/compilation?{COMPILED}"),
            options.reps(10, 2),
            "median",
        ),
    ]
    data = large.scale / small.scale
    rows = [
        Row(
            figure=f"growth: data {small.scale}x -> {large.scale}x",
            goal="(information)",
            measured=f"{large.units:,} units, {large.editions} editions, "
            f"{large.amendments} amendments ({large.in_chapter} in {CHAPTER})",
            reference=f"{small.units:,} units, {small.editions} editions, "
            f"{small.amendments} amendments ({small.in_chapter} in {CHAPTER})",
            ratio=f"data {data:.0f}x",
        )
    ]
    for figure, make, repeat, stat in figures:
        progress(f"growth: {figure} ({repeat} in turns)")
        timings = measure_interleaved(
            {"small": make(small), "large": make(large)}, repeat=repeat, warmup=1
        )
        rows.append(_row(figure, timings["small"], timings["large"], stat, data, large.scale))
    return rows


def _row(figure: str, small: Timing, large: Timing, stat: str, data: float, scale: int) -> Row:
    a = small.p95 if stat == "p95" else small.median
    b = large.p95 if stat == "p95" else large.median
    grows = b / a if a > 0 else float("inf")
    faster = grows > data
    return Row(
        figure=f"growth: {figure}" + (" -- GROWS FASTER THAN THE DATA" if faster else ""),
        goal=f"{scale}x/1x <= data ({data:.0f})",
        measured=f"{scale}x: {stat} {b * 1000:.1f} ms",
        reference=f"1x: {stat} {a * 1000:.1f} ms",
        ratio=f"{grows:.2f}",
        met=not faster,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.growth",
        description="How the issue-17 figures grow from a 1x store to an Nx one.",
    )
    parser.add_argument("--scale", type=int, default=5, help="the larger store (default 5x)")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--corpus", type=Path, default=Options().corpus)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rows = run(Options(quick=args.quick, corpus=args.corpus.resolve()), scale=args.scale)
    print()
    print(render_table(rows))
    print(f"\ngrowth 1x -> {args.scale}x; {time.perf_counter() - started:.0f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
