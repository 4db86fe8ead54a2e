"""The party register's version moves with every committed change to it, and the pages drawn
from the register (the binding text, the matrix) are cached and validated on it (issue 17)."""

from __future__ import annotations

import threading
import time

from sqlalchemy import delete, update

from rkc.audit import Actor, acting_as
from rkc.database import write_intent
from rkc.extensions import db
from rkc.parties import operations as ops
from rkc.parties.models import Party, RegisterVersion
from rkc.parties.register_version import register_version

from ..helpers import create_people, log_in, selects_sent
from .fixtures import make_party

BINDING = "/parties/AUT/binding?on=2013-01-01"
PENDING = "Accepted, not yet in force on this day:"


def _austria() -> Party:
    austria = make_party("AUT", "2004-04-29", name="Austria")
    db.session.commit()
    return austria


def test_each_committed_change_moves_the_version_once(small_app):
    start = register_version()
    austria = _austria()
    after_party = register_version()
    assert after_party > start
    with acting_as(Actor(None, "test", "system")):
        ops.record_acceptance(austria, "B1", notified_on="2012-01-01")
        ops.record_reservation(austria, "sa-b/1/2", entered_on="2012-06-01", text="Not yet.")
    db.session.commit()
    assert register_version() == after_party + 1  # one transaction, one step

    # A rolled-back change leaves it where it was; a bulk UPDATE moves it too.
    austria.name = "Republic of Austria"
    db.session.flush()
    db.session.rollback()
    assert register_version() == after_party + 1
    db.session.execute(update(Party).where(Party.iso3 == "AUT").values(note="Bulk"))
    db.session.commit()
    assert register_version() == after_party + 2


def test_the_binding_text_is_served_from_the_cache_until_the_register_changes(small_app):
    austria = _austria()
    public = small_app.test_client()
    first = public.get(BINDING)
    assert first.status_code == 200
    assert PENDING not in first.get_data(as_text=True)

    # Again: answered from the page cache (the two versions are all it reads).
    with selects_sent(small_app) as selects:
        page = public.get(BINDING).get_data(as_text=True)
    assert PENDING not in page
    assert len(selects) == 2, selects
    assert "search_change" in selects[0]
    assert "register_version" in selects[1]
    etag = first.headers["ETag"]
    assert public.get(BINDING, headers={"If-None-Match": etag}).status_code == 304

    # The register changes: the next request draws the page again, with the acceptance (not
    # in force: the chapter needs five).
    with acting_as(Actor(None, "test", "system")):
        acceptance = ops.record_acceptance(austria, "B1", notified_on="2012-01-01")
    db.session.commit()
    assert public.get(BINDING, headers={"If-None-Match": etag}).status_code == 200
    assert f"{PENDING} B1" in public.get(BINDING).get_data(as_text=True)

    # And when the record is retracted, it is gone again.
    with acting_as(Actor(None, "test", "system")):
        ops.retract_event(acceptance, reason="Recorded for the wrong party.")
    db.session.commit()
    assert PENDING not in public.get(BINDING).get_data(as_text=True)


def test_the_matrix_is_cached_for_the_public_only(small_app):
    _austria()
    create_people()
    public, secretariat = small_app.test_client(), small_app.test_client()
    log_in(secretariat, "secretariat")
    assert "Import a party table" in secretariat.get("/parties/").get_data(as_text=True)
    assert "Import a party table" not in public.get("/parties/").get_data(as_text=True)
    assert "Import a party table" in secretariat.get("/parties/").get_data(as_text=True)
    with acting_as(Actor(None, "test", "system")):
        ops.create_party(name="Ruritania", iso3="RUR", kind="state")
    db.session.commit()
    assert "Ruritania" in public.get("/parties/").get_data(as_text=True)


def test_two_first_changes_at_once_both_commit_and_raise_it_twice(small_app):
    """A register that has no version row yet (a new database): the first change makes it.
    Two first changes at once: the second waits for the first and raises the row it made
    (it used to find no row to update, insert one too and fail on the key, on PostgreSQL)."""
    db.session.execute(delete(RegisterVersion))
    db.session.commit()
    assert register_version() == 0
    first_flushed, errors = threading.Event(), []

    def change(iso3: str, *, first: bool) -> None:
        write_intent.set(True)  # as in a request that writes (BEGIN IMMEDIATE on SQLite)
        with small_app.app_context():
            try:
                if not first:
                    first_flushed.wait(timeout=10)
                make_party(iso3, "2004-04-29", name=f"Party {iso3}")
                db.session.flush()  # raised: the row made (first) or asked for (second)
                if first:
                    first_flushed.set()
                    time.sleep(0.5)  # the second is now at its own flush, waiting on the row
                db.session.commit()
            except Exception as exc:
                errors.append(f"{iso3}: {exc!r}")
                first_flushed.set()
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=change, args=("AAA",), kwargs={"first": True}),
        threading.Thread(target=change, args=("BBB",), kwargs={"first": False}),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    db.session.rollback()
    assert register_version() == 2
