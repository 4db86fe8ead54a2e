"""The shared web layer: the health check, conditional GETs and the page cache of the
reading pages (rkc/web.py `reading_page`, used by rkc/convention/views.py)."""

from __future__ import annotations

from flask import Flask

from rkc.clock import today
from rkc.convention import operations as text_ops
from rkc.convention import queries
from rkc.extensions import db
from rkc.web import PAGE_CACHE

from .helpers import create_people, log_in

PAGE = "/n/ga/3/3.1"


def test_health_check_answers_with_the_schema(app: Flask) -> None:
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["status"] == "ok"
    assert body["schema"]
    assert answer.headers["Cache-Control"] == "no-store"


def test_a_reading_page_answers_a_conditional_get_with_304(app: Flask) -> None:
    client = app.test_client()
    first = client.get(PAGE)
    etag = first.headers["ETag"]
    assert first.status_code == 200
    assert etag.startswith('W/"')
    assert first.headers["Cache-Control"] == "no-cache"
    assert "Cookie" in first.headers["Vary"]
    again = client.get(PAGE, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    # Another page, or the same one on another date, has another validator.
    assert client.get("/n/ga/3/3.2").headers["ETag"] != etag
    assert client.get(f"{PAGE}?on=2010-01-01").headers["ETag"] != etag
    assert client.get("/n/ga/3/no-such").status_code == 404


def _publish_new_text(key: str, words: str) -> None:
    """Open a draft from the edition in force, change `key`, freeze it in force today."""
    work = queries.work_by_key("rkc")
    assert work is not None
    current = queries.in_force_on(work, today())
    assert current is not None
    draft = text_ops.open_draft(current, slug="cache-test", title="Cache test")
    node = queries.node_by_key(key)
    assert node is not None
    revision = text_ops.current_revision(draft, node)
    assert revision is not None
    text_ops.revise(draft, node, expected_revision_id=revision.id, text=f"{revision.text} {words}")
    text_ops.freeze(draft, adopted_on=today(), in_force_from=today())
    db.session.commit()


def test_a_change_to_the_text_store_renews_the_page_and_its_validator(app: Flask) -> None:
    client = app.test_client()
    first = client.get(PAGE)
    etag = first.headers["ETag"]
    assert len(app.extensions[PAGE_CACHE]) >= 1
    assert client.get(PAGE).data == first.data  # from the cache, byte for byte

    _publish_new_text("ga/3/3.1", "Freshly published words.")

    changed = client.get(PAGE, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert "Freshly published words." in changed.get_data(as_text=True)
    assert "Freshly published words." not in first.get_data(as_text=True)


def test_members_get_their_own_page_never_the_public_copy(app: Flask) -> None:
    create_people()
    public = app.test_client().get(PAGE)
    member = app.test_client()
    assert log_in(member, "delegate-a").status_code == 302
    own = member.get(PAGE)
    assert own.status_code == 200
    assert "Delegate A" in own.get_data(as_text=True)
    assert "Delegate A" not in public.get_data(as_text=True)
    assert own.headers["ETag"] != public.headers["ETag"]
    assert own.headers["Cache-Control"] == "private, no-cache"
    assert member.get(PAGE, headers={"If-None-Match": own.headers["ETag"]}).status_code == 304
    # The public copy's validator means nothing to a member: the page is drawn for them.
    assert member.get(PAGE, headers={"If-None-Match": public.headers["ETag"]}).status_code == 200
