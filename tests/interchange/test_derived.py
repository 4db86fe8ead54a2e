"""Files derived from published editions are built once and kept (issue 12 item 4, issue 17 item 3).

A whole-edition PDF cost about 5 s per request and was built again for every request, so a
handful of anonymous readers could hold every worker. Now the first request builds the file
under a single-flight lock (one build however many ask at once, across processes), later
requests are served from disk, and a working draft's files are never kept.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from pathlib import Path

from flask import Flask

from rkc.audit import Actor, acting_as
from rkc.convention import operations as text_store
from rkc.convention import queries
from rkc.extensions import db
from rkc.interchange import derived
from tests.helpers import create_people, log_in

BUILT = "derived file built"
NODE_AKN = "/w/rkc/export.akn?edition=2006&node=ga/3"


def _builds(caplog) -> int:  # type: ignore[no-untyped-def]
    return sum(BUILT in record.getMessage() for record in caplog.records)


def _files(app: Flask) -> list[Path]:
    root = Path(app.instance_path) / "derived"
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.name.endswith(".lock"))


def test_a_published_file_is_built_once_then_served_from_disk(small_app, caplog):
    caplog.set_level(logging.INFO, logger="rkc")
    client = small_app.test_client()
    first = client.get(NODE_AKN)
    assert first.status_code == 200
    assert [p.suffixes[-2:] for p in _files(small_app)] == [[".akn", ".xml"]]
    kept = _files(small_app)[0]
    assert kept.read_bytes() == first.data
    second = client.get(NODE_AKN)
    assert second.status_code == 200
    assert second.data == first.data
    assert _builds(caplog) == 1
    # The key is the ETag: a conditional GET is answered without reading the file.
    assert second.headers["ETag"].strip('"') in kept.name
    assert client.get(NODE_AKN, headers={"If-None-Match": second.headers["ETag"]}).status_code == (
        304
    )
    assert second.headers["Cache-Control"] == "no-cache"
    # Another format, unit or edition is another file.
    assert client.get("/w/rkc/export.akn?edition=2006&node=ga/2").status_code == 200
    assert client.get("/w/rkc/compare.pdf?node=ga/3").status_code == 200
    assert len(_files(small_app)) == 3
    assert _builds(caplog) == 3
    assert client.get("/w/rkc/compare.pdf?node=ga/3").status_code == 200
    assert _builds(caplog) == 3


def test_six_readers_asking_at_once_cause_one_build(small_app, caplog):
    caplog.set_level(logging.INFO, logger="rkc")
    small_app.config["DERIVED_WAIT_SECONDS"] = 300.0  # however slow this machine builds it
    url = "/w/rkc/export.pdf?edition=2006&node=ga/3"
    barrier = threading.Barrier(6)
    answers: list[tuple[int, bytes]] = [(0, b"")] * 6

    def reader(index: int) -> None:
        client = small_app.test_client()
        barrier.wait(timeout=10)
        response = client.get(url)
        answers[index] = (response.status_code, response.data)

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert {status for status, _ in answers} == {200}
    assert len({data for _, data in answers}) == 1
    assert answers[0][1].startswith(b"%PDF")
    assert _builds(caplog) == 1
    leftovers = list((Path(small_app.instance_path) / "derived").rglob(".*.tmp"))
    assert leftovers == []


def test_a_build_held_by_another_process_gives_503_with_retry_after_never_a_second_build(
    small_app, caplog
):
    caplog.set_level(logging.INFO, logger="rkc")
    small_app.config["DERIVED_WAIT_SECONDS"] = 0.3
    with small_app.test_request_context():
        edition = queries.edition_by_slug(queries.work_by_key("rkc"), "2006")
        recipe = derived.edition_recipe(edition, "akn", queries.node_by_key("ga/3"))
        target = derived.path_of(recipe)
    target.parent.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen(  # another process "building" the file: it holds the lock
        [
            sys.executable,
            "-c",
            "import fcntl, sys\n"
            f"lock = open({str(target.with_name(recipe.key + '.lock'))!r}, 'a+b')\n"
            "fcntl.flock(lock, fcntl.LOCK_EX)\n"
            "print('held', flush=True)\n"
            "sys.stdin.read()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        client = small_app.test_client()
        busy = client.get(NODE_AKN)
        assert busy.status_code == 503
        assert int(busy.headers["Retry-After"]) > 0
        assert "being prepared" in busy.get_data(as_text=True)
        assert _builds(caplog) == 0
        assert not target.exists()
    finally:
        holder.communicate("", timeout=30)  # the other process lets go of the lock
    ready = small_app.test_client().get(NODE_AKN)
    assert ready.status_code == 200
    assert target.read_bytes() == ready.data
    assert _builds(caplog) == 1


def test_a_working_draft_is_built_per_request_and_never_kept(small_app):
    create_people()
    client = small_app.test_client()
    log_in(client, "delegate-a")
    response = client.get("/w/rkc/export.akn?edition=review-draft&node=ga/3")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    assert _files(small_app) == []


def test_a_unit_not_in_the_edition_is_404_and_nothing_is_kept(small_app):
    work = queries.work_by_key("rkc")
    with acting_as(Actor(None, "test", "system")):
        text_store.insert_node(
            queries.edition_by_slug(work, "review-draft"),
            key="ga/3/3.99",
            parent=queries.node_by_key("ga/3"),
            after=None,
            kind="standard",
            number="3.99",
            title=None,
            text="Only in the working draft.",
        )
    db.session.commit()
    create_people()
    client = small_app.test_client()
    log_in(client, "delegate-a")  # a member knows the unit: the 2006 edition does not hold it
    for _ in range(2):  # the failed build let go of its lock
        missing = client.get("/w/rkc/export.akn?edition=2006&node=ga/3/3.99")
        assert missing.status_code == 404
        assert "is not part of" in missing.get_data(as_text=True)
    assert _files(small_app) == []


def test_warm_builds_ahead_and_prune_removes_other_releases(small_app):
    runner = small_app.test_cli_runner()
    result = runner.invoke(args=["derived", "warm"])
    assert result.exit_code == 0, result.output
    assert "rkc 2006 pdf: built" in result.output
    built = _files(small_app)
    assert {p.suffix for p in built} >= {".pdf", ".docx", ".xml", ".zip"}
    again = runner.invoke(args=["derived", "warm"])
    assert "rkc 2006 pdf: kept" in again.output
    assert _files(small_app) == built
    old_release = Path(small_app.instance_path) / "derived" / "0123456789abcdef"
    old_release.mkdir()
    (old_release / "stale.pdf").write_bytes(b"%PDF")
    pruned = runner.invoke(args=["derived", "prune"])
    assert pruned.exit_code == 0, pruned.output
    assert not old_release.exists()
    assert _files(small_app) == built
    # A reader is now served the warmed file, with no build on the request path.
    client = small_app.test_client()
    whole = client.get("/w/rkc/export.pdf?edition=2006")
    assert whole.status_code == 200
    assert whole.data in {p.read_bytes() for p in built}
