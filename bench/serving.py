"""Throughput over a production WSGI server, and a worker's memory.

The store is grown to 100 published editions with bench/text_store.py's `_build_history`; then
`rkc serve` (gunicorn, 2 workers) serves it on 127.0.0.1 and a bounded client (threads, one
http.client connection per request) measures requests per second, endpoint after endpoint in
several rounds so that a change in the machine's load weighs on all of them alike.

Figures (goals from issue 9):

1. The consolidated chapter page `/n/ga/3` (the edition in force today, the 100th) against the
   minimal endpoint of the same app, `/static/favicon.svg` (routing, session, security headers;
   no database): goal at least half its requests per second.
2. The same page asked conditionally (If-None-Match with the ETag it sent): answered 304; its
   requests per second against the minimal endpoint.
3. `/healthz` (one database round trip), for information.
4. The chapter page for a signed-in member (no shared page cache: the page is drawn for them
   each time, from the shared text fragments and reading data, see docs/architecture.md):
   goal at least 0.4 of the public cached page's requests per second (issue 17), in the same
   rounds.
5. Resident memory (VmRSS) of each worker after warm-up (every measured page, a compare and a
   few searches): goal under 250 MB for the larger.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench import server as rkc_server
from bench.client import Browser
from bench.report import Options, Row, ratio
from bench.support import dispose, make_app, progress, rkc_init
from bench.text_store import EDITIONS, _build_history
from rkc.audit import Actor, acting_as
from rkc.auth import operations as auth_ops
from rkc.extensions import db

WORKERS = 2
CLIENTS = 4
CHAPTER = "/n/ga/3"
MINIMAL = "/static/favicon.svg"
HEALTH = "/healthz"
RSS_GOAL_MB = 250.0
CHAPTER_GOAL = 0.5
MEMBER_GOAL = 0.4
MEMBER = ("bench-reader", "bench reader password 2006")


@dataclass
class Throughput:
    """Requests answered with the expected status, over the seconds they took in all."""

    count: int = 0
    seconds: float = 0.0
    unexpected: int = 0
    first_problem: str = ""

    @property
    def rps(self) -> float:
        return self.count / self.seconds if self.seconds > 0 else 0.0

    def text(self) -> str:
        extra = f", {self.unexpected} unexpected ({self.first_problem})" if self.unexpected else ""
        return f"{self.rps:.0f} req/s (n={self.count}{extra})"


def burst(
    url: str,
    path: str,
    *,
    requests: int,
    max_seconds: float,
    expect: int = 200,
    headers: dict[str, str] | None = None,
    browsers: list[Browser] | None = None,
    into: Throughput | None = None,
) -> Throughput:
    """`requests` GETs of `path` from CLIENTS threads (at most `max_seconds`), added to `into`."""
    result = into or Throughput()
    clients = browsers or [Browser(url) for _ in range(CLIENTS)]
    lock = threading.Lock()
    left = [requests]
    deadline = time.monotonic() + max_seconds
    done = [0]

    def work(browser: Browser) -> None:
        while time.monotonic() < deadline:
            with lock:
                if left[0] <= 0:
                    return
                left[0] -= 1
            answer = browser.get(path, headers=headers)
            with lock:
                if answer.status == expect:
                    done[0] += 1
                else:
                    result.unexpected += 1
                    result.first_problem = result.first_problem or (
                        f"{answer.status} {answer.error}".strip()
                    )

    threads = [threading.Thread(target=work, args=(b,)) for b in clients]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds += time.perf_counter() - started
    result.count += done[0]
    return result


def run(options: Options | None = None) -> list[Row]:
    options = options or Options()
    with tempfile.TemporaryDirectory(prefix="rkc-bench-serving-") as tmp:
        return _serving(options, Path(tmp))


def _prepare(options: Options, tmp: Path) -> tuple[str, Path, float]:
    """A store of 100 editions with its index and one member account: its database URL, its
    index directory and the seconds the editions took to build."""
    app = make_app(tmp / "store", options.corpus)
    try:
        progress("rkc init")
        rkc_init(app)
        # Built without the index (each commit would bring it up to date), then indexed once.
        shutil.rmtree(app.config["INDEX_DIR"])
        progress(f"building {EDITIONS} editions with the real operations")
        started = time.perf_counter()
        _build_history(app, EDITIONS)
        built = time.perf_counter() - started
        progress("indexing (rkc init again: it only rebuilds the missing index)")
        rkc_init(app)
        with app.app_context(), acting_as(Actor(None, "bench", "system")):
            auth_ops.create_user(
                username=MEMBER[0],
                display_name="Bench reader",
                password=MEMBER[1],
                role="observer",
                organisation="Benchmarks",
            )
            db.session.commit()
            url = app.config["SQLALCHEMY_DATABASE_URI"]
            index = Path(app.config["INDEX_DIR"])
    finally:
        dispose(app)
    return url, index, built


def _serving(options: Options, tmp: Path) -> list[Row]:
    database_url, index_dir, built = _prepare(options, tmp)
    env = rkc_server.server_environment(database_url, index_dir)
    progress(f"rkc serve with {WORKERS} workers on 127.0.0.1")
    srv = rkc_server.start(env, tmp / "serve.log", workers=WORKERS)
    try:
        return _measure(options, srv, built)
    finally:
        srv.stop()


def _measure(options: Options, srv: rkc_server.Server, built: float) -> list[Row]:
    member = Browser(srv.url)
    if member.log_in(*MEMBER).status != 302:
        raise rkc_server.ServerError("the benchmark's member could not log in")
    members = [member] + [_clone(member) for _ in range(CLIENTS - 1)]
    first = Browser(srv.url).get(CHAPTER)
    etag = first.headers.get("etag", "")
    if first.status != 200 or not etag:
        raise rkc_server.ServerError(f"{CHAPTER} answered {first.status} without an ETag")

    progress("warming up both workers")
    warm = options.reps(40, 10)
    for path in (CHAPTER, MINIMAL, HEALTH, "/w/rkc", "/w/rkc/compare?node=ga/3"):
        burst(srv.url, path, requests=warm, max_seconds=60)
    burst(srv.url, CHAPTER, requests=warm, max_seconds=60, browsers=members)
    for query in ("appeal", "customs", "goods declaration", "guarantee"):
        burst(srv.url, f"/search?q={query.replace(' ', '+')}", requests=4, max_seconds=60)

    rounds = options.reps(3, 1)
    fast, slow = options.reps(1500, 150), options.reps(150, 20)
    limit = options.reps(20.0, 3.0)
    results = {name: Throughput() for name in ("minimal", "health", "chapter", "304", "member")}
    progress(f"{rounds} rounds: minimal, /healthz, chapter, 304, chapter for a member")
    for _ in range(rounds):
        burst(srv.url, MINIMAL, requests=fast, max_seconds=limit, into=results["minimal"])
        burst(srv.url, HEALTH, requests=fast, max_seconds=limit, into=results["health"])
        burst(srv.url, CHAPTER, requests=fast, max_seconds=limit, into=results["chapter"])
        burst(
            srv.url,
            CHAPTER,
            requests=fast,
            max_seconds=limit,
            expect=304,
            headers={"If-None-Match": etag},
            into=results["304"],
        )
        burst(
            srv.url,
            CHAPTER,
            requests=slow,
            max_seconds=limit,
            browsers=members,
            into=results["member"],
        )
    workers = srv.worker_pids()
    rss = {pid: rkc_server.rss_bytes(pid) / 2**20 for pid in workers}
    master = rkc_server.rss_bytes(srv.pid) / 2**20

    minimal, chapter = results["minimal"], results["chapter"]
    not_modified, health, member_page = results["304"], results["health"], results["member"]
    reference = f"{MINIMAL}: {minimal.text()}"
    chapter_ratio = chapter.rps / minimal.rps if minimal.rps else 0.0
    largest = max(rss.values()) if rss else 0.0
    setting = f"gunicorn, {WORKERS} workers, {CLIENTS} clients, {EDITIONS} editions"
    return [
        Row(
            figure=f"chapter page {CHAPTER} ({setting})",
            goal=f">= {CHAPTER_GOAL} x minimal endpoint",
            measured=chapter.text(),
            reference=reference,
            ratio=f"chapter/minimal {ratio(chapter.rps, minimal.rps)}",
            met=chapter_ratio >= CHAPTER_GOAL and chapter.unexpected == 0,
        ),
        Row(
            figure=f"conditional GET {CHAPTER} (If-None-Match)",
            goal="answered 304",
            measured=not_modified.text(),
            reference=reference,
            ratio=f"304/minimal {ratio(not_modified.rps, minimal.rps)}",
            met=not_modified.count > 0 and not_modified.unexpected == 0,
        ),
        Row(
            figure=f"{HEALTH} (one database round trip)",
            goal="(information)",
            measured=health.text(),
            reference=reference,
            ratio=f"health/minimal {ratio(health.rps, minimal.rps)}",
        ),
        Row(
            figure=f"chapter page for a signed-in member, drawn for them ({CHAPTER})",
            goal=f">= {MEMBER_GOAL} x public cached page",
            measured=member_page.text(),
            reference=f"public, from the page cache: {chapter.rps:.0f} req/s",
            ratio=f"member/cached {ratio(member_page.rps, chapter.rps)}",
            met=chapter.rps > 0
            and member_page.rps >= MEMBER_GOAL * chapter.rps
            and member_page.unexpected == 0,
        ),
        Row(
            figure=f"worker resident memory after warm-up ({EDITIONS} editions)",
            goal=f"< {RSS_GOAL_MB:.0f} MB",
            measured=", ".join(f"{mb:.0f} MB" for mb in rss.values()) or "no worker found",
            reference=f"gunicorn master: {master:.0f} MB",
            ratio=f"largest/goal {ratio(largest, RSS_GOAL_MB)}",
            met=bool(rss) and largest < RSS_GOAL_MB,
        ),
        Row(
            figure=f"(set-up) build {EDITIONS - 1} editions for serving",
            measured=f"{built:.1f} s",
        ),
    ]


def _clone(browser: Browser) -> Browser:
    twin = Browser(f"http://{browser.host}:{browser.port}")
    twin.cookies = dict(browser.cookies)
    twin.csrf = browser.csrf
    return twin
