"""The index follows committed data, recovers from loss and damage, and survives several
processes writing it at once."""

from __future__ import annotations

import multiprocessing
import shutil
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from rkc.clock import today
from rkc.convention.models import Revision
from rkc.extensions import db
from rkc.search import search_index
from rkc.search.index import IndexProblem
from rkc.search.models import SearchChange
from rkc.search.views import UNAVAILABLE
from tests.conftest import make_app
from tests.helpers import create_people, log_in

from .conftest import find, keys, publish_draft, revise_in_draft


def _indexed_revisions() -> int:
    """Every revision is indexed once (whether or not an edition still holds it)."""
    return db.session.scalar(select(func.count(Revision.id)))


def _last_change() -> int:
    return db.session.scalar(select(func.max(SearchChange.id))) or 0


def test_the_first_search_builds_the_index(small_app, web):
    index = search_index(small_app)
    assert not index.exists()
    answer = find(web, "customs")
    assert answer["total"] > 0
    state = index.state(deep=True)
    assert state.documents == _indexed_revisions()
    assert state.applied_through == _last_change()


def test_the_index_follows_a_revise_and_a_freeze(small_app, web):
    assert find(web, "zebra")["total"] == 0  # builds the index
    revise_in_draft("ga/3/3.1", "Customs shall mark zebra crossings for goods.")
    # Applied right after the commit, in the process that committed.
    assert search_index().state().applied_through == _last_change()

    # A working draft: members find the new text in it, the public does not.
    assert find(web, "zebra", edition="review-draft")["total"] == 0
    member = small_app.test_client()
    create_people()
    log_in(member, "delegate-a")
    answer = find(member, "zebra", edition="review-draft")
    assert keys(answer) == ["ga/3/3.1"]
    assert answer["hits"][0]["url"] == "/n/ga/3/3.1?edition=review-draft"

    # Published and in force since yesterday: everyone finds it in today's text.
    publish_draft(today() - timedelta(days=1))
    assert search_index().state().applied_through == _last_change()
    answer = find(web, "zebra")
    assert keys(answer) == ["ga/3/3.1"]
    assert answer["editions"][0]["edition"] == "review-draft"
    assert "zebra" in answer["hits"][0]["snippet_html"]


def test_a_change_the_index_missed_is_caught_up_at_the_next_search(small_app, web):
    find(web, "customs")  # builds the index
    index = search_index()
    index.lock_timeout = 0.2
    # Another process holds the index while we commit: the apply after commit gives up.
    with index.writing_lock():
        revise_in_draft("ga/3/3.2", "Customs shall publish the hours of its quokka offices.")
    assert index.state().applied_through < _last_change()

    member = small_app.test_client()
    create_people()
    log_in(member, "delegate-b")
    assert keys(find(member, "quokka", edition="review-draft")) == ["ga/3/3.2"]
    assert index.state().applied_through == _last_change()


def test_a_process_that_remembers_what_it_indexed_sees_what_another_wrote_since(small_app, web):
    """A process remembers which revisions it left indexed, so that opening a draft needs
    not read every document; another process sharing the directory that indexed more since
    makes it read them again, and no revision is indexed twice."""
    from rkc.convention import operations as ops
    from rkc.convention import queries
    from rkc.search.index import SearchIndex

    find(web, "customs")  # builds the index
    index = search_index()
    revise_in_draft("ga/3/3.1", "Customs shall count the wombats at the border.")
    assert index.state().applied_through == _last_change()  # this process caught up

    # Another process (another server on the same directory) indexes a revision this one
    # did not see: its after-commit apply gave up while the other held the lock.
    index.lock_timeout = 0.2
    with index.writing_lock():
        revise_in_draft("ga/3/3.2", "Customs shall weigh the echidnas at the border.")
    other = SearchIndex(small_app.config["INDEX_DIR"])
    assert other.catch_up(db.engine).written == 1

    # An edition-only change here, whose manifest holds that revision.
    draft = queries.edition_by_slug(queries.work_by_key("rkc"), "review-draft")
    ops.open_draft(draft, slug="second-look", title="Second look")
    db.session.commit()
    assert index.state().applied_through == _last_change()
    assert index.state(deep=True).documents == _indexed_revisions()
    member = small_app.test_client()
    create_people()
    log_in(member, "delegate-a")
    assert keys(find(member, "echidnas", edition="second-look")) == ["ga/3/3.2"]


def test_a_deleted_index_is_rebuilt_at_the_next_search(small_app, web):
    before = find(web, "customs")
    shutil.rmtree(small_app.config["INDEX_DIR"])
    after = find(web, "customs")
    assert after["total"] == before["total"]
    assert UNAVAILABLE not in after["hints"]
    assert search_index().state(deep=True).documents == _indexed_revisions()


def _truncate_segments(index_dir: Path) -> None:
    segments = list(index_dir.glob("*.seg"))
    assert segments, "Whoosh keeps each segment in one compound .seg file"
    for path in segments:
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])


def test_a_truncated_index_is_rebuilt_by_the_running_process(small_app, web):
    before = find(web, "customs")
    _truncate_segments(Path(small_app.config["INDEX_DIR"]))
    after = find(web, "customs")
    assert after["total"] == before["total"]
    assert keys(after) == keys(before)


def test_a_truncated_index_is_found_at_start_and_rebuilt(small_app, web, tmp_path):
    before = find(web, "declaration")
    _truncate_segments(Path(small_app.config["INDEX_DIR"]))
    restarted = make_app(small_app.config["DATABASE_URL"], tmp_path / "instance")
    try:
        result = restarted.test_cli_runner().invoke(args=["reindex", "--check"])
        assert result.exit_code == 1
        assert "unreadable" in result.output
        after = find(restarted.test_client(), "declaration")
        assert keys(after) == keys(before)
    finally:
        with restarted.app_context():
            db.engine.dispose()


def test_a_truncated_table_of_contents_is_rebuilt(small_app, web):
    before = find(web, "customs")
    for path in Path(small_app.config["INDEX_DIR"]).glob("_MAIN_*.toc"):
        path.write_bytes(path.read_bytes()[:10])
    with_problem = search_index()
    try:
        with_problem.state()
        raise AssertionError("a truncated table of contents should not read")
    except IndexProblem:
        pass
    assert find(web, "customs")["total"] == before["total"]


def test_rkc_reindex_rebuilds_with_a_progress_bar(small_app):
    runner = small_app.test_cli_runner()
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert "indexing revisions" in result.output
    assert f"search index rebuilt: {_indexed_revisions()} revisions" in result.output
    check = runner.invoke(args=["reindex", "--check"])
    assert check.exit_code == 0, check.output
    assert f"{_indexed_revisions()} documents" in check.output


# --------------------------------------------------------------------------- several workers


def _searching_worker(database_url: str, instance: str, rounds: int) -> list[int]:
    """One server process: its own app on the shared database and index directory."""
    app = make_app(database_url, Path(instance))
    with app.app_context():
        client = app.test_client()
        totals = [find(client, "customs")["total"] for _ in range(rounds)]
        db.engine.dispose()
    return totals


def _writing_worker(database_url: str, instance: str, words: list[str]) -> int:
    """One server process that commits text changes while the others search."""
    app = make_app(database_url, Path(instance))
    with app.app_context():
        for word in words:
            revise_in_draft("ga/3/3.4", f"The declarant shall answer for the {word} declaration.")
        last = db.session.scalar(select(func.max(SearchChange.id)))
        db.engine.dispose()
    return last


def test_several_processes_build_and_update_one_index_without_damage(small_app, tmp_path):
    database_url = small_app.config["DATABASE_URL"]
    instance = str(Path(small_app.config["INDEX_DIR"]).parent)
    words = [f"wombat{n}" for n in range(4)]
    context = multiprocessing.get_context("spawn")
    with context.Pool(4) as pool:
        searching = [
            pool.apply_async(_searching_worker, (database_url, instance, 5)) for _ in range(3)
        ]
        writing = pool.apply_async(_writing_worker, (database_url, instance, words))
        totals = [s.get(timeout=240) for s in searching]
        last = writing.get(timeout=240)
    assert all(t and all(n > 0 for n in t) for t in totals)

    index = search_index()
    state = index.state(deep=True)  # every file readable
    db.session.rollback()
    assert state.documents == _indexed_revisions()
    web = small_app.test_client()
    find(web, "customs")  # catches up with whatever the workers left
    assert index.state().applied_through == last
    member = small_app.test_client()
    create_people()
    log_in(member, "secretariat")
    assert keys(find(member, words[-1], edition="review-draft")) == ["ga/3/3.4"]
    for word in words[:-1]:
        assert find(member, word, edition="review-draft")["total"] == 0
