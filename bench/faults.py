"""Faults: the server killed in the middle of merges; PostgreSQL restarted under load.

    python -m bench.faults kills --db sqlite --rounds 20
    python -m bench.faults kills --db postgres --rounds 20
    python -m bench.faults pg-restart --seconds 60      # PostgreSQL only; restarts the cluster

**kills**: `rkc serve` (gunicorn) on a scratch database. Each round makes a batch of agreed
amendments to different provisions of the General Annex (with the real operations, in this
process), or takes again the batch a crash kept from merging, and the Secretariat merges the
batch through the merge queue form. While that request is being served the whole server
(master and workers) is killed with SIGKILL, at one of three moments, in turns:

- `transaction`: while the merge's database transaction is open (SQLite: the write lock is
  held; PostgreSQL: a backend of this database has written in an uncommitted transaction);
- `index`: while the search index is being written after a committed merge (its lock file
  is held);
- `moment`: at a random moment in the first second after the request was sent (before, during
  or after the transaction, its commit or the index update: wherever it falls).

Then: the batch is merged whole or not at all, every merge is traceable
(bench/invariants.py), the server starts again, one search makes the index catch up from the
change log, and the index equals the database. tests/test_faults.py runs three rounds.

**pg-restart**: the load of bench/load.py (fewer people) against `rkc serve` on PostgreSQL;
midway, `pg_ctlcluster --skip-systemctl-redirect <version> main restart`. During the restart
answers may be 503 (the clear "database unavailable" page), never another 5xx; afterwards
every answer is good again without restarting the server (the pool checks connections before
use), and the invariants hold. It needs a local cluster it may restart: it refuses to run
unless the database URL points at PostgreSQL on this machine.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from bench import invariants
from bench import load as load_run
from bench import server as rkc_server
from bench.client import Browser
from bench.invariants import Ack, Problem
from bench.load import CHECKBOX, EXPECTED, PASSWORD, Cast
from bench.report import Options
from bench.support import dispose, progress, rkc_init, translate_all
from rkc.amendments.lifecycle import change_status
from rkc.amendments.models import Amendment, AmendmentStatus
from rkc.amendments.proposing import propose_modification
from rkc.audit import Actor, acting_as
from rkc.auth.models import User
from rkc.convention import queries as text_queries
from rkc.extensions import db
from rkc.search.index import SearchIndex

MODES = ("transaction", "index", "moment")
#: The parts whose provisions the batches amend.
PARTS = ("ga",)


# --------------------------------------------------------------------------- probes


class TransactionProbe:
    """Whether a merge's transaction is open in the database right now."""

    def __init__(self, database_url: str):
        url = make_url(database_url)
        self.sqlite = url.get_backend_name() == "sqlite"
        if self.sqlite:
            assert url.database is not None
            self.conn = sqlite3.connect(url.database, timeout=0, isolation_level=None)
        else:
            self.engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
            self.pg = self.engine.connect()

    def busy(self) -> bool:
        if self.sqlite:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:  # database is locked: a writer is at work
                return True
            self.conn.execute("ROLLBACK")
            return False
        writing = self.pg.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
            )
        )
        return bool(writing)

    def close(self) -> None:
        if self.sqlite:
            self.conn.close()
        else:
            self.pg.close()
            self.engine.dispose()


class IndexProbe:
    """Whether some process is writing the search index right now (its lock file is held)."""

    def __init__(self, index_dir: Path):
        self.lock_path = SearchIndex(index_dir).lock_path

    def busy(self) -> bool:
        if not self.lock_path.exists():
            return False
        fd = os.open(self.lock_path, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)  # closing the descriptor releases a lock we took
        return False

    def close(self) -> None:
        pass


class MomentProbe:
    """Busy once a random delay has passed: a kill at any moment."""

    def __init__(self, rng: random.Random, within: float = 1.0):
        self.at = time.monotonic() + rng.uniform(0.0, within)

    def busy(self) -> bool:
        return time.monotonic() >= self.at

    def close(self) -> None:
        pass


Probe = TransactionProbe | IndexProbe | MomentProbe


# --------------------------------------------------------------------------- one round


@dataclass(frozen=True)
class Round:
    number: int
    mode: str
    batch: tuple[int, ...]
    #: The merge request's status as the client saw it (0: no answer, the server died).
    status: int
    #: Whether the probe saw the moment it waited for before the kill.
    caught: bool
    merged: int

    @property
    def whole(self) -> bool:
        return self.merged in (0, len(self.batch))

    def describe(self) -> str:
        if not self.caught:
            moment = "killed after the answer"
        elif self.mode == "moment":
            moment = "killed at a random moment"
        else:
            moment = f"killed during the {self.mode}"
        answer = f"HTTP {self.status}" if self.status else "no answer"
        return f"round {self.number}: {moment}; {answer}; {self.merged} of {len(self.batch)} merged"


def make_batch(app: Flask, cast: Cast, size: int, rng: random.Random) -> list[int]:
    """`size` agreed modifications of different provisions of the draft, committed."""
    with app.app_context(), acting_as(Actor(None, "faults-setup", "system")):
        work = text_queries.work_by_key("rkc")
        assert work is not None
        draft = text_queries.edition_by_slug(work, cast.draft_slug)
        assert draft is not None
        delegate = db.session.scalar(
            select(User).where(User.username == cast.delegates[0].username)
        )
        officer = db.session.scalar(
            select(User).where(User.username == cast.secretariat[0].username)
        )
        # A second member of the Secretariat checks the officer's translations (four eyes).
        reviser = db.session.scalar(
            select(User).where(User.username == cast.secretariat[1].username)
        )
        assert delegate is not None
        assert officer is not None
        assert reviser is not None
        busy = set(
            db.session.scalars(
                select(Amendment.node_id).where(Amendment.status == AmendmentStatus.AGREED)
            )
        )
        items = []
        for part in PARTS:
            node = text_queries.node_by_key(part)
            entry = text_queries.entry_of(draft, node) if node is not None else None
            if entry is not None:
                items += [
                    i
                    for i in text_queries.subtree(draft, entry)
                    if i.is_provision and i.text and i.kind != "note" and i.node_id not in busy
                ]
        ids = []
        for item in rng.sample(items, min(size, len(items))):
            node = text_queries.node_by_key(item.key)
            assert node is not None
            amendment = propose_modification(
                draft,
                node,
                user=delegate,
                text=f"{item.text} This applies without delay.",
                justification="Fault run.",
                expected_revision_id=item.revision_id,
            )
            change_status(amendment, "tabled", user=delegate)
            change_status(amendment, "under_discussion", user=officer)
            change_status(amendment, "agreed", user=officer)
            translate_all(draft, node, amendment, officer, reviser, " Sans délai.")
            ids.append(amendment.id)
        db.session.commit()
        db.session.remove()
    return ids


def merge_and_kill(
    srv: rkc_server.Server,
    officer: Browser,
    cast: Cast,
    batch: list[int],
    probe: Probe,
    *,
    timeout: float = 60.0,
) -> tuple[int, bool]:
    """Post the merge of `batch`, SIGKILL the server the moment `probe` is busy (or once the
    answer came). Returns the status the client saw (0: none) and whether the probe caught it."""
    path = f"/merge/{cast.draft_param}"
    page = officer.get(path)
    ready = {int(i) for i, disabled in CHECKBOX.findall(page.text) if not disabled}
    chosen = [i for i in batch if i in ready]
    if page.status != 200 or not chosen:
        raise RuntimeError(f"the merge queue ({page.status}) does not offer the batch {batch}")
    form: dict[str, str | list[str]] = {"amendment": [str(i) for i in chosen], "chapter": ""}
    form.update(dict(EXPECTED.findall(page.text)))
    answer: list[int] = []
    poster = threading.Thread(target=lambda: answer.append(officer.post(path, form).status))
    poster.start()
    caught = False
    deadline = time.monotonic() + timeout
    while poster.is_alive() and time.monotonic() < deadline:
        if probe.busy():
            caught = True
            break
        time.sleep(0.001)
    srv.kill()
    poster.join(timeout=30)
    return (answer[0] if answer else 0), caught


def merged_count(engine, batch: list[int]) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        statuses = conn.scalars(select(Amendment.status).where(Amendment.id.in_(batch))).all()
    return sum(1 for s in statuses if s is AmendmentStatus.MERGED)


@dataclass
class KillRun:
    rounds: list[Round]
    problems: list[Problem]
    acks: list[Ack]


def kill_rounds(
    app: Flask,
    cast: Cast,
    database_url: str,
    index_dir: Path,
    log_dir: Path,
    *,
    rounds: int,
    batch_size: int,
    workers: int = 2,
    seed: int = 20,
) -> KillRun:
    """Round after round: a batch, its merge, SIGKILL, restart, catch-up, the invariants."""
    rng = random.Random(seed)
    env = rkc_server.server_environment(database_url, index_dir)
    engine = create_engine(database_url, poolclass=NullPool)
    run = KillRun([], [], [])
    srv = rkc_server.start(env, log_dir / "serve.log", workers=workers)
    try:
        officer = Browser(srv.url)
        if officer.log_in(cast.secretariat[0].username, PASSWORD).status != 302:
            raise RuntimeError("the Secretariat officer could not log in")
        load_run.settle(srv.url)
        left_over: list[int] = []
        for number in range(1, rounds + 1):
            mode = MODES[(number - 1) % len(MODES)]
            # A batch the crash kept from merging is merged again (as the Secretariat would).
            batch = left_over or make_batch(app, cast, batch_size, rng)
            probe = (
                TransactionProbe(database_url) if mode == "transaction" else IndexProbe(index_dir)
            )
            try:
                status, caught = merge_and_kill(srv, officer, cast, batch, probe)
            finally:
                probe.close()
            result = Round(number, mode, tuple(batch), status, caught, merged_count(engine, batch))
            run.rounds.append(result)
            progress(result.describe())
            if status == 302:
                run.acks.append(Ack("merge", amendment_ids=tuple(batch)))
            left_over = list(batch) if result.merged == 0 else []
            if not result.whole:
                run.problems.append(
                    Problem("merge all or nothing", f"{result.describe()}: half a merge")
                )
            if status >= 500:
                run.problems.append(Problem("no 5xx", f"{result.describe()}"))
            srv = rkc_server.start(env, log_dir / "serve.log", workers=workers)
            officer = _same_session(officer, srv.url)
            settled = load_run.settle(srv.url)
            if settled.status != 200:
                run.problems.append(
                    Problem(
                        "index catches up",
                        f"round {number}: search answered {settled.status} after the restart",
                    )
                )
            with engine.connect() as conn:
                run.problems += invariants.merges_traceable(conn)
                run.problems += invariants.index_matches(conn, SearchIndex(index_dir))
    finally:
        srv.stop()
    with engine.connect() as conn:
        run.problems += invariants.acknowledged_writes(conn, run.acks)
    engine.dispose()
    return run


def _same_session(browser: Browser, url: str) -> Browser:
    """The same person (cookies, CSRF token) talking to the restarted server."""
    again = Browser(url)
    again.cookies = dict(browser.cookies)
    again.csrf = browser.csrf
    return again


# --------------------------------------------------------------------------- PostgreSQL restart


def restart_postgres(database_url: str) -> str:
    """Restart the local cluster serving `database_url`; return what pg_ctlcluster said."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql" or (url.host or "localhost") not in (
        "127.0.0.1",
        "localhost",
        "::1",
    ):
        raise SystemExit("pg-restart restarts a local PostgreSQL cluster: give a local URL")
    version = _cluster_version(url.port or 5432)
    result = subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if result.returncode != 0:
        raise RuntimeError(f"pg_ctlcluster failed: {result.stderr.strip() or result.stdout}")
    return f"cluster {version}/main restarted"


def _cluster_version(port: int) -> str:
    listing = subprocess.run(
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True, timeout=30
    ).stdout
    for line in listing.splitlines():
        fields = line.split()
        if len(fields) >= 3 and fields[1] == "main" and fields[2] == str(port):
            return fields[0]
    raise SystemExit(f"no local PostgreSQL cluster 'main' on port {port} (pg_lsclusters)")


def pg_restart_run(database_url: str, tmp: Path, plan: load_run.Plan, cast: Cast) -> int:
    index_dir = tmp / "index"
    env = rkc_server.server_environment(database_url, index_dir)
    srv = rkc_server.start(env, tmp / "serve.log", workers=plan.workers)
    restarts: list[tuple[float, float]] = []

    def restart_midway() -> None:
        time.sleep(plan.seconds / 2)
        started = time.monotonic()
        progress(restart_postgres(database_url))
        restarts.append((started, time.monotonic()))

    try:
        workers_before = srv.worker_pids()
        restarter = threading.Thread(target=restart_midway)
        began = time.monotonic()
        restarter.start()
        world = load_run.run(srv.url, cast, plan)
        restarter.join()
        # Every worker's pool must have recovered: enough requests to reach each of them.
        after = [load_run.settle(srv.url) for _ in range(5)]
        after += [Browser(srv.url).get("/healthz") for _ in range(10 * plan.workers)]
        workers_after = srv.worker_pids()
    finally:
        srv.stop()
    other = [o for o in world.outcomes if o.status >= 500 and o.status != 503]
    unavailable = [o for o in world.outcomes if o.status == 503]
    unanswered = [o for o in world.outcomes if o.status == 0]
    report = load_run.check(database_url, index_dir, world)
    # 503s were expected while PostgreSQL restarted: judge the rest.
    problems = [p for p in report.problems if p.invariant != "no 5xx"]
    if other or unanswered:
        bad = other or unanswered
        problems.append(
            Problem("no 5xx but 503", f"{len(bad)} answers: {bad[0].action} {bad[0].status}")
        )
    if any(a.status != 200 for a in after):
        problems.append(Problem("recovers", f"after the restart: {[a.status for a in after]}"))
    if workers_after != workers_before:
        problems.append(
            Problem("recovers without restart", f"workers {workers_before} -> {workers_after}")
        )
    if not restarts:
        problems.append(Problem("restart", "PostgreSQL was not restarted"))
    when = (
        f"{restarts[0][0] - began:.0f} s into a {plan.seconds:.0f} s load (the restart took "
        f"{restarts[0][1] - restarts[0][0]:.1f} s)"
        if restarts
        else "never"
    )
    print(
        f"\nPostgreSQL restarted {when}; {len(world.outcomes)} requests, {len(unavailable)} "
        f"answered 503 meanwhile, {len(other)} other 5xx, {len(unanswered)} unanswered; "
        f"afterwards the same {len(workers_after)} gunicorn workers (no restart) answered "
        f"{sum(1 for a in after if a.status == 200)} of {len(after)} requests with 200"
    )
    for problem in problems:
        print(f"  - {problem.invariant}: {problem.message}")
    print("holds" if not problems else "VIOLATED")
    return 0 if not problems else 1


# --------------------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.faults", description=__doc__.split("\n")[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    kills = sub.add_parser("kills", help="SIGKILL the server in the middle of merges")
    kills.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    kills.add_argument("--rounds", type=int, default=20)
    kills.add_argument("--batch", type=int, default=12, help="amendments per merge")
    restart = sub.add_parser("pg-restart", help="restart PostgreSQL under load (local cluster)")
    restart.add_argument("--seconds", type=float, default=60.0)
    for command in (kills, restart):
        command.add_argument("--postgres-url", default="")
        command.add_argument("--corpus", type=Path, default=Options().corpus)
    args = parser.parse_args(argv)
    postgres_url = args.postgres_url or load_run._env_pg() or load_run.DEFAULT_PG
    kind = "postgres" if args.command == "pg-restart" else args.db
    started = time.perf_counter()
    with (
        tempfile.TemporaryDirectory(prefix="rkc-faults-") as tmp_name,
        load_run.scratch_store(kind, Path(tmp_name), postgres_url) as database_url,
    ):
        tmp = Path(tmp_name)
        app = load_run.app_on(database_url, tmp, args.corpus)
        try:
            progress("rkc init")
            rkc_init(app)
            if args.command == "kills":
                cast = load_run.prepare(app, load_run.Plan(delegates=1, secretariat=2))
                run = kill_rounds(
                    app,
                    cast,
                    database_url,
                    tmp / "index",
                    tmp,
                    rounds=args.rounds,
                    batch_size=args.batch,
                )
                caught = {m: sum(1 for r in run.rounds if r.caught and r.mode == m) for m in MODES}
                print(
                    f"\n{len(run.rounds)} kills on {kind}: "
                    + ", ".join(
                        f"{n} at a random moment" if m == "moment" else f"{n} during the {m}"
                        for m, n in caught.items()
                    )
                    + f"; {sum(1 for r in run.rounds if r.merged)} batches merged whole, "
                    f"{sum(1 for r in run.rounds if not r.merged)} not at all, "
                    f"{sum(1 for r in run.rounds if not r.whole)} half; "
                    f"{time.perf_counter() - started:.0f} s"
                )
                for problem in run.problems:
                    print(f"  - {problem.invariant}: {problem.message}")
                print("holds" if not run.problems else "VIOLATED")
                return 0 if not run.problems else 1
            plan = load_run.Plan(
                seconds=args.seconds, delegates=8, secretariat=2, readers=16, workers=4
            )
            cast = load_run.prepare(app, plan)
        finally:
            dispose(app)
        return pg_restart_run(database_url, tmp, plan, cast)


if __name__ == "__main__":
    sys.exit(main())
