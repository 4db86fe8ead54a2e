"""A merge racing a compromise on the same provision: one wins, the other gets a clean 409.

On PostgreSQL the two used to take their row locks in opposite orders (the merge wrote the
manifest line and then the amendment; the compromise the amendment and then the manifest
line) and deadlocked; the loser got 503 "database cannot be reached". Real threads, real
requests, many rounds.
"""

from __future__ import annotations

import threading

import pytest

from rkc.amendments.models import AmendmentStatus
from rkc.extensions import db

from ..helpers import csrf_token, log_in
from .test_merging import _agreed

ROUNDS = 8
DRAFT = "/merge/rkc/review-draft"
KEY = "ga/3/3.1"


def _race(officers, tokens, requests) -> tuple[list[int], list[str]]:  # type: ignore[no-untyped-def]
    """Both officers post at once (real threads); their statuses and pages."""
    barrier = threading.Barrier(len(requests))
    statuses = [0] * len(requests)
    bodies = [""] * len(requests)

    def officer(index: int) -> None:
        url, data = requests[index]
        barrier.wait(timeout=10)
        response = officers[index].post(url, data={"csrf_token": tokens[index], **data})
        statuses[index] = response.status_code
        bodies[index] = response.get_data(as_text=True)

    threads = [threading.Thread(target=officer, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses, bodies


def test_a_merge_racing_a_compromise_is_a_conflict_never_an_outage(world, actor, small_app):
    officers = [small_app.test_client(), small_app.test_client()]
    for web in officers:
        log_in(web, "secretariat")
    tokens = [csrf_token(web, DRAFT) for web in officers]
    for round_ in range(ROUNDS):
        db.session.rollback()  # a fresh snapshot: the officers wrote meanwhile (SQLite)
        one = _agreed(world, KEY, f"Round {round_}: the wording of the first party.", "delegate_a")
        two = _agreed(world, KEY, f"Round {round_}: the wording of the second party.", "delegate_b")
        seen = world.revision_id(KEY)
        node_id = one.node_id
        db.session.commit()
        compromise_text = f"Round {round_}: the wording both parties agreed."
        requests = [
            (DRAFT, {"amendment": one.id, f"expected-{node_id}": seen}),
            (
                DRAFT + "/compromise",
                {
                    "node": KEY,
                    "amendment": [one.id, two.id],
                    "expected": seen,
                    "text": compromise_text,
                },
            ),
        ]
        statuses, bodies = _race(officers, tokens, requests)
        assert sorted(statuses) == [302, 409], (round_, statuses, bodies)
        loser = bodies[statuses.index(409)]
        db.session.rollback()
        now = world.text(KEY)
        db.session.refresh(one)
        db.session.refresh(two)
        if statuses[0] == 302:  # the merge won
            assert now == one.proposed_text
            assert one.status is AmendmentStatus.MERGED
            assert two.status is AmendmentStatus.AGREED
        else:  # the compromise won
            assert now == compromise_text
            assert one.status is AmendmentStatus.SUPERSEDED
            assert two.status is AmendmentStatus.SUPERSEDED
        # The loser is shown the text that won, and told nothing of theirs was saved.
        assert now.split(":")[1].strip()[:20] in loser


def test_a_deadlock_the_database_broke_answers_409_not_503(small_app):
    """Whatever deadlock remains (SQLSTATE 40P01) or serialization failure (40001) is a
    conflict: 409 with a page that says nothing was saved, in HTML and under /api/."""
    import psycopg
    from sqlalchemy.exc import OperationalError

    from rkc.web import database_unavailable

    def deadlocked():  # type: ignore[no-untyped-def]
        raise OperationalError(
            "UPDATE amendment SET status=...", {}, psycopg.errors.DeadlockDetected("deadlock")
        )

    def serialization():  # type: ignore[no-untyped-def]
        raise OperationalError(
            "UPDATE edition_entry ...", {}, psycopg.errors.SerializationFailure("could not")
        )

    small_app.add_url_rule("/test-deadlock", "test_deadlock", deadlocked)
    small_app.add_url_rule("/api/test-serialization", "test_serial", serialization)
    web = small_app.test_client()
    page = web.get("/test-deadlock")
    assert page.status_code == 409
    assert "Nothing of yours was saved" in page.get_data(as_text=True)
    answer = web.get("/api/test-serialization")
    assert answer.status_code == 409
    assert answer.get_json()["error"] == "Conflict"
    with pytest.raises(OperationalError) as raised:
        deadlocked()
    assert not database_unavailable(raised.value)
