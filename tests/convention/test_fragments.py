"""Members' pages are drawn from shared fragments (one per provision revision) and shared
reading data; what each reader may see is still decided by the view (issue 17, item 1)."""

from __future__ import annotations

import re

from sqlalchemy import event

from rkc.convention import operations as ops
from rkc.convention import queries
from rkc.extensions import db
from rkc.web import FRAGMENT_CACHE

from ..helpers import create_people, log_in

MARKER = "Customs shall weigh every pangolin at the frontier."


def _draft_with_marker() -> int:
    """Revise ga/3/3.1 in the working draft; the new revision's id."""
    work = queries.work_by_key("rkc")
    draft = queries.edition_by_slug(work, "review-draft")
    node = queries.node_by_key("ga/3/3.1")
    current = ops.current_revision(draft, node)
    revision = ops.revise(draft, node, expected_revision_id=current.id, text=MARKER)
    db.session.commit()
    return revision.id


def _get(client, url: str, status: int = 200) -> str:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def _fragment_keys(app) -> list[tuple]:  # type: ignore[no-untyped-def]
    cache = app.extensions[FRAGMENT_CACHE]
    return list(cache._entries)


def test_a_draft_fragment_never_reaches_a_reader_who_may_not_read_the_draft(small_app):
    revision_id = _draft_with_marker()
    create_people()
    secretariat, observer = small_app.test_client(), small_app.test_client()
    log_in(secretariat, "secretariat")
    log_in(observer, "observer")

    # A member draws the draft's chapter: the new revision's fragment is now shared.
    assert MARKER in _get(secretariat, "/n/ga/3?edition=review-draft")
    assert any(key[1:3] == ("unit", revision_id) for key in _fragment_keys(small_app))

    # Another member gets it from the cache, with their own page around it.
    html = _get(observer, "/n/ga/3?edition=review-draft")
    assert MARKER in html
    assert "Observer" in html

    # The public: the draft is an unknown edition, and the published chapter has the old text.
    public = small_app.test_client()
    for url in ("/n/ga/3?edition=review-draft", "/n/ga/3/3.1?edition=review-draft"):
        assert MARKER not in _get(public, url, status=404)
    for url in ("/n/ga/3", "/n/ga/3?edition=2006", "/n/ga/3/3.1", "/n/ga/3?lang=en,fr"):
        html = _get(public, url)
        assert MARKER not in html
        assert "ga/3/3.1" in html


def test_the_fragment_key_names_the_revision_language_and_edition(small_app):
    create_people()
    member = small_app.test_client()
    log_in(member, "delegate-a")
    published = _get(member, "/n/ga/3?edition=2006")
    in_draft = _get(member, "/n/ga/3?edition=review-draft")
    # The same revisions, drawn once per edition: each page links within its own edition.
    assert 'href="/n/ga/3/3.1?edition=2006"' in published
    assert "edition=review-draft" not in published.split('id="ga/3/3.1"', 1)[1][:400]
    assert 'href="/n/ga/3/3.1?edition=review-draft"' in in_draft
    keys = _fragment_keys(small_app)
    slugs = {key[4] for key in keys if key[1] == "unit"}
    assert {"2006", "review-draft"} <= slugs

    # A revision made later is drawn anew: the old fragment is never served for it.
    revision_id = _draft_with_marker()
    assert MARKER in _get(member, "/n/ga/3?edition=review-draft")
    assert MARKER not in _get(member, "/n/ga/3?edition=2006")
    assert any(key[2] == revision_id for key in _fragment_keys(small_app) if key[1] == "unit")


def test_members_pending_amendments_are_their_own_inside_a_shared_fragment(small_app):
    """The annotation slot of a draft's provisions is drawn for each member (their CSRF token
    in the "propose" form), around a fragment that is shared."""
    create_people()
    a, b = small_app.test_client(), small_app.test_client()
    log_in(a, "delegate-a")
    log_in(b, "delegate-b")
    first = _get(a, "/n/ga/3?edition=review-draft")
    second = _get(b, "/n/ga/3?edition=review-draft")
    assert "<!--rkc:annotation-->" not in first + second
    assert 'class="propose-here"' in first
    assert 'class="propose-here"' in second

    def tokens(html: str) -> set[str]:
        return set(re.findall(r'name="csrf_token" value="([^"]+)"', html))

    assert tokens(first)
    assert tokens(second)
    assert not tokens(first) & tokens(second)


def test_a_members_chapter_page_reads_the_unit_its_work_and_edition_in_one_query(small_app):
    """Which unit and edition a page names is remembered per version of the text store; the
    rows themselves are read again on each request (their rights checked), in one query."""
    create_people()
    member = small_app.test_client()
    log_in(member, "observer")
    _get(member, "/n/ga/3")  # remembers which unit and edition the page shows
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(" ".join(statement.split()))

    with small_app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        html = _get(member, "/n/ga/3")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert "Observer" in html
    # The member (and their session's epoch), the text store's version, and the page's rows.
    assert len(statements) == 3, statements
    assert "FROM user_account" in statements[0]
    assert "max(search_change.id)" in statements[1]
    assert all(
        f"FROM {table}" in statements[2] or f"JOIN {table}" in statements[2]
        for table in ("node", "work", "edition")
    )
