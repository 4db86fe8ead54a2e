"""Hostile files: what refusing a compression bomb costs a worker, against a real import.

Uploaded to a real `rkc serve` (gunicorn, one worker, so that every request lands on the
worker whose memory is read) by a signed-in Secretariat officer, through the import form:

- the reference: General Annex chapter 3 of the 2006 edition as exported to Word, imported
  into a new working draft (302);
- Word bombs built like the tests' (tests/interchange/bombs.py): 78 MiB of `<w:p/>` and of
  `<a/>` in about 100 KB, the same under the inflated-bytes budget (stopped by the element
  count), a document part whose headers claim 31 KB for a 1.9 GB stream, elements nested 150
  deep, 2,000 members; and two Akoma Ntoso ones (a 4 MiB file of `<a/>`, deep nesting).

Per upload: the time to the answer and the growth of the worker's peak resident memory
(VmHWM after, reset before through /proc/<pid>/clear_refs, minus VmRSS before). Goal for each
bomb (issue 12): answered 400 within 2 s, the worker grown by less than 200 MB. Ratios: the
bomb's time over the chapter import's, its memory growth over the chapter's.

The backup archive is restored by `rkc import FILE` from the command line: each run is a
process of its own, timed, and its peak memory (the child's VmHWM, polled until it exits)
compared with the same command refusing a file that is not an archive at all (start-up and
app creation only).
"""

from __future__ import annotations

import contextlib
import http.client
import statistics
import subprocess
import tempfile
import time
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path

from bench import server as rkc_server
from bench.client import Answer, Browser
from bench.report import Options, Row, ratio
from bench.support import dispose, make_app, progress, rkc_init
from rkc.audit import Actor, acting_as
from rkc.auth import operations as auth_ops
from rkc.convention import queries
from rkc.extensions import db
from rkc.interchange import docx_export
from rkc.interchange.queries import snapshot
from tests.interchange import bombs

GOAL_S = 2.0
GOAL_MB = 200.0
OFFICER = ("bench-secretariat", "bench secretariat password 2006")
MB = 1024 * 1024

WORD: dict[str, Callable[[], bytes]] = {
    "78 MiB of <w:p/>": lambda: bombs.paragraphs_bomb(78 * bombs.MIB),
    "78 MiB of <a/>": lambda: bombs.elements_bomb(78 * bombs.MIB),
    "24 MiB of <w:p/> (under the byte budget)": lambda: bombs.paragraphs_bomb(24 * bombs.MIB),
    "header claims 31 KB, stream 1.9 GB": lambda: bombs.lying_docx(1900 * bombs.MIB),
    "header claims 4 GB, stream 1.9 GB": lambda: bombs.lying_docx(
        1900 * bombs.MIB, declared=4000 * 1000 * 1000
    ),
    "nested 150 deep": lambda: bombs.deep_document(150),
    "2,000 members": lambda: bombs.many_members(2000),
}
AKN: dict[str, Callable[[], bytes]] = {
    "Akoma Ntoso, 4 MiB of <a/>": lambda: bombs.akn_elements(4 * bombs.MIB - 1024),
    "Akoma Ntoso, nested 150 deep": lambda: bombs.akn_deep(150),
}


def run(options: Options | None = None) -> list[Row]:
    options = options or Options()
    with tempfile.TemporaryDirectory(prefix="rkc-bench-hostile-") as tmp:
        folder = Path(tmp)
        url, index, chapter, backup = _prepare(options, folder)
        rows = _uploads(options, folder, url, index, chapter)
        rows += _restores(options, folder, backup)
        return rows


def _prepare(options: Options, tmp: Path) -> tuple[str, Path, bytes, Path]:
    """A store loaded by `rkc init` with a Secretariat officer; GA ch. 3 as Word; a backup."""
    app = make_app(tmp / "store", options.corpus)
    try:
        progress("rkc init")
        rkc_init(app)
        with app.app_context():
            with acting_as(Actor(None, "bench", "system")):
                auth_ops.create_user(
                    username=OFFICER[0],
                    display_name="Bench officer",
                    password=OFFICER[1],
                    role="secretariat",
                )
                db.session.commit()
            edition = queries.edition_by_slug(queries.work_by_key("rkc"), "2006")
            snap = snapshot(edition, queries.node_by_key("ga/3"))  # type: ignore[arg-type]
            assert snap is not None
            chapter = docx_export.export(snap)
            backup = tmp / "rkc.backup"
            result = app.test_cli_runner().invoke(args=["export", "--all", str(backup)])
            if result.exit_code != 0:
                raise rkc_server.ServerError(f"rkc export --all failed:\n{result.output}")
            url = app.config["SQLALCHEMY_DATABASE_URI"]
            index = Path(app.config["INDEX_DIR"])
    finally:
        dispose(app)
    return url, index, chapter, backup


# --------------------------------------------------------------------------- uploads


def _status(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    raise ValueError(f"no {key} for process {pid}")


def _reset_peak(pid: int) -> bool:
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def upload(browser: Browser, fmt: str, filename: str, data: bytes, slug: str) -> Answer:
    """POST the import form as multipart/form-data, as a browser does."""
    boundary = uuid.uuid4().hex
    fields = {
        "csrf_token": browser.csrf,
        "format": fmt,
        "base": "2006",
        "slug": slug,
        "title": slug,
    }
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    body = b"".join(parts)
    headers = {
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Cookie": "; ".join(f"{k}={v}" for k, v in browser.cookies.items()),
    }
    conn = http.client.HTTPConnection(browser.host, browser.port, timeout=browser.timeout)
    started = time.perf_counter()
    try:
        conn.request("POST", "/w/rkc/import", body=body, headers=headers)
        response = conn.getresponse()
        content = response.read()
        answer_headers = {k.lower(): v for k, v in response.getheaders()}
        return Answer(response.status, answer_headers, content, time.perf_counter() - started)
    except (OSError, http.client.HTTPException) as exc:
        return Answer(0, {}, b"", time.perf_counter() - started, f"{type(exc).__name__}: {exc}")
    finally:
        conn.close()


class Sample:
    """Answers, times and memory growths of one kind of upload."""

    def __init__(self) -> None:
        self.statuses: list[int] = []
        self.seconds: list[float] = []
        self.growth: list[int] = []

    def text(self) -> str:
        statuses = "/".join(str(s) for s in sorted(set(self.statuses)))
        return (
            f"{statuses} in median {statistics.median(self.seconds):.2f} s (max "
            f"{max(self.seconds):.2f} s), RSS +{max(self.growth) / MB:.0f} MB "
            f"(n={len(self.seconds)})"
        )


def _uploads(options: Options, tmp: Path, url: str, index: Path, chapter: bytes) -> list[Row]:
    env = rkc_server.server_environment(url, index)
    progress("rkc serve with 1 worker on 127.0.0.1")
    srv = rkc_server.start(env, tmp / "serve.log", workers=1)
    try:
        browser = Browser(srv.url)
        if browser.log_in(*OFFICER).status != 302 or not browser.csrf:
            raise rkc_server.ServerError("the benchmark's officer could not log in")
        (worker,) = srv.worker_pids()
        files = {name: ("docx", make()) for name, make in WORD.items()}
        files.update({name: ("akn", make()) for name, make in AKN.items()})
        reps = options.reps(3, 1)
        samples = {name: Sample() for name in ["reference", *files]}
        resettable = True
        progress(f"{reps} rounds: the chapter import, then {len(files)} hostile files")
        upload(browser, "docx", "warm-up.docx", chapter, "warm-up")
        for round_ in range(reps):
            todo = [("reference", "docx", chapter)] + [(n, f, d) for n, (f, d) in files.items()]
            for name, fmt, data in todo:
                before = _status(worker, "VmRSS")
                resettable = _reset_peak(worker) and resettable
                answer = upload(browser, fmt, f"upload.{fmt}", data, f"bench-{round_}-{len(name)}")
                sample = samples[name]
                sample.statuses.append(answer.status)
                sample.seconds.append(answer.seconds)
                sample.growth.append(max(0, _status(worker, "VmHWM") - before))
        if srv.worker_pids() != [worker]:
            raise rkc_server.ServerError("the worker was replaced during the run (killed?)")
    finally:
        srv.stop()
    reference = samples.pop("reference")
    ref_time = statistics.median(reference.seconds)
    ref_growth = max(reference.growth)
    peak_note = "" if resettable else " (peak not resettable: growth is an upper bound)"
    rows = [
        Row(
            figure="import GA ch. 3 as Word (the reference; 302)",
            goal="(information)",
            measured=reference.text() + peak_note,
            reference=f"{len(chapter) / 1024:.0f} KB upload",
        )
    ]
    for name, sample in samples.items():
        fmt, data = files[name]
        met = (
            set(sample.statuses) == {400}
            and max(sample.seconds) < GOAL_S
            and max(sample.growth) < GOAL_MB * MB
        )
        rows.append(
            Row(
                figure=f"refuse {name} ({len(data) / 1024:.0f} KB .{fmt})",
                goal=f"400 in < {GOAL_S:.0f} s, RSS +< {GOAL_MB:.0f} MB",
                measured=sample.text(),
                reference=f"chapter import: {ref_time:.2f} s, +{ref_growth / MB:.0f} MB",
                ratio=(
                    f"time {ratio(statistics.median(sample.seconds), ref_time)}, "
                    f"RSS {ratio(max(sample.growth), ref_growth)}"
                ),
                met=met,
            )
        )
    return rows


# --------------------------------------------------------------------------- backups


def _restore(archive: Path, database: Path, tmp: Path) -> tuple[int, float, int]:
    """(exit status, seconds, peak RSS bytes) of `rkc import ARCHIVE` into a new database.

    The peak is the child's VmHWM, read every few milliseconds until it exits (wait4's
    ru_maxrss would not do: Linux carries the forking parent's peak over the exec)."""
    env = rkc_server.server_environment(f"sqlite:///{database}", tmp / "restore-index")
    started = time.perf_counter()
    process = subprocess.Popen(
        [*rkc_server.RKC, "import", str(archive)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    peak = 0
    while process.poll() is None:
        with contextlib.suppress(OSError, ValueError):
            peak = max(peak, _status(process.pid, "VmHWM"))
        time.sleep(0.005)
    return process.returncode, time.perf_counter() - started, peak


def _backup_bombs(backup: Path, tmp: Path) -> dict[str, Path]:
    with zipfile.ZipFile(backup) as source:
        names = source.namelist()
        contents = {name: source.read(name) for name in names}
    honest = {name: bombs.member_of(name, data) for name, data in contents.items()}
    manifest = contents["manifest.json"]
    lying = dict(honest)
    stream, crc, _size = bombs.deflated(manifest, b" ", 1900 * bombs.MIB)
    lying["manifest.json"] = ("manifest.json", stream, crc, len(manifest))
    upwards = dict(honest)
    upwards["manifest.json"] = ("manifest.json", stream, crc, 4000 * 1000 * 1000)
    party = "tables/party.jsonl"
    rows = dict(honest)
    first_row = contents[party].splitlines(True)[0]
    rows[party] = (party, *bombs.deflated(b"", first_row, 512 * bombs.MIB))
    out = {
        "manifest: header claims its size, stream 1.9 GB": lying,
        "manifest: header claims 4 GB, stream 1.9 GB": upwards,
        "a table of 512 MiB of valid rows": rows,
    }
    paths = {}
    for index, (name, members) in enumerate(out.items()):
        path = tmp / f"bomb-{index}.backup"
        path.write_bytes(bombs.raw_zip(list(members.values())))
        paths[name] = path
    many = tmp / "many.backup"
    many.write_bytes(bombs.many_members(20_000, base=backup.read_bytes()))
    paths["20,000 members"] = many
    return paths


def _restores(options: Options, tmp: Path, backup: Path) -> list[Row]:
    progress("backup archives: rkc import FILE, one process each")
    not_archive = tmp / "not-an-archive.backup"
    not_archive.write_bytes(b"not a zip")
    files = _backup_bombs(backup, tmp)
    reps = options.reps(3, 1)
    results: dict[str, list[tuple[int, float, int]]] = {"reference": [], **{n: [] for n in files}}
    for round_ in range(reps):
        for name, path in [("reference", not_archive), *files.items()]:
            database = tmp / f"restore-{round_}-{len(results[name])}-{abs(hash(name))}.sqlite3"
            results[name].append(_restore(path, database, tmp))
    reference = results.pop("reference")
    ref_time = statistics.median(r[1] for r in reference)
    ref_rss = max(r[2] for r in reference)
    rows = []
    for name, runs in results.items():
        seconds = [r[1] for r in runs]
        peak = max(r[2] for r in runs)
        growth = peak - ref_rss
        met = all(r[0] == 1 for r in runs) and growth < GOAL_MB * MB
        rows.append(
            Row(
                figure=f"rkc import: refuse {name} ({files[name].stat().st_size / 1024:.0f} KB)",
                goal=f"exit 1, RSS +< {GOAL_MB:.0f} MB over start-up",
                measured=(
                    f"exit {'/'.join(sorted({str(r[0]) for r in runs}))} in median "
                    f"{statistics.median(seconds):.2f} s, peak RSS {peak / MB:.0f} MB "
                    f"(+{growth / MB:.0f} MB) (n={len(runs)})"
                ),
                reference=(
                    f"refusing a file that is no zip: {ref_time:.2f} s, peak {ref_rss / MB:.0f} MB"
                ),
                ratio=f"time {ratio(statistics.median(seconds), ref_time)}, "
                f"RSS {ratio(peak, ref_rss)}",
                met=met,
            )
        )
    return rows
