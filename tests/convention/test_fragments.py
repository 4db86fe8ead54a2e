"""Members' pages are drawn from shared fragments (one per provision revision) and shared
reading data; what each reader may see is still decided by the view (issue 17, item 1)."""

from __future__ import annotations

import re
from datetime import date

from rkc.convention import operations as ops
from rkc.convention import queries
from rkc.extensions import db
from rkc.web import FRAGMENT_CACHE

from ..helpers import create_people, log_in, selects_sent

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


def test_a_members_chapter_page_asks_the_database_only_for_the_member_and_the_version(small_app):
    """Which unit and edition a page names, and their rows, are remembered per version of the
    text store: a member's page reads only the member (and their session's epoch) and that
    version. The reader's right to the edition is still checked on each request."""
    create_people()
    member = small_app.test_client()
    log_in(member, "observer")
    _get(member, "/n/ga/3")  # remembers which unit and edition the page shows
    with selects_sent(small_app) as statements:
        html = _get(member, "/n/ga/3")
    assert "Observer" in html
    assert len(statements) == 2, statements
    assert "FROM user_account" in statements[0]
    assert "max(search_change.id)" in statements[1]


def test_remembered_rows_follow_the_text_store_and_the_readers_right(small_app):
    """Remembered rows are copies for the version of the text store they were read at: the
    public never gets a draft's rows a member's page remembered, and a change to the edition
    is seen on the next request."""
    create_people()
    member, public = small_app.test_client(), small_app.test_client()
    log_in(member, "observer")
    before = _get(member, "/n/ga/3?edition=review-draft")
    assert "Pangolin round" not in before
    _get(public, "/n/ga/3?edition=review-draft", status=404)
    with small_app.app_context():
        draft = queries.edition_by_slug(queries.work_by_key("rkc"), "review-draft")
        ops.freeze(draft, adopted_on=date(2026, 6, 1), title="Pangolin round")
        db.session.commit()
    assert "Pangolin round" in _get(member, "/n/ga/3?edition=review-draft")
    assert "Pangolin round" in _get(public, "/n/ga/3?edition=review-draft")


def _section(html: str, marker: str) -> str:
    assert marker in html, marker
    return html.split(marker, 1)[1].split("</section>", 1)[0]


def test_a_page_body_is_shared_only_by_readers_of_the_same_kind(small_app):
    """A unit page's body is one fragment per kind of reader: what the Secretariat may do
    (import a text) and what members may read (drafts in a provision's history) never reaches
    a reader of another kind who comes next to the same address."""
    create_people()
    secretariat, observer, public = (small_app.test_client() for _ in range(3))
    log_in(secretariat, "secretariat")
    log_in(observer, "observer")

    assert "Import a text" in _get(secretariat, "/n/ga/3")
    seen = _get(observer, "/n/ga/3")
    assert "Import a text" not in seen
    assert "Observer" in seen
    assert "Secretariat</" not in seen
    assert "Import a text" not in _get(public, "/n/ga/3")

    contained = 'class="contained-in"'
    assert "edition=review-draft" in _section(_get(observer, "/n/ga/3/3.1"), contained)
    assert "edition=review-draft" not in _section(_get(public, "/n/ga/3/3.1"), contained)
    assert "edition=review-draft" in _section(_get(secretariat, "/n/ga/3/3.1"), contained)
    bodies = [key for key in _fragment_keys(small_app) if key[1] == "unit page body"]
    # Per address: the Secretariat, a member who may not import, and the public.
    assert len({key[6:] for key in bodies if key[3] == "/n/ga/3?"}) == 3


def test_a_members_own_pending_amendments_keep_the_draft_page_body_their_own(small_app):
    """On a working draft a member's provisions carry their own "propose" forms: that body is
    drawn for them and never shared."""
    create_people()
    member = small_app.test_client()
    log_in(member, "delegate-a")
    assert 'class="propose-here"' in _get(member, "/n/ga/3?edition=review-draft")
    bodies = [key for key in _fragment_keys(small_app) if key[1] == "unit page body"]
    assert not [key for key in bodies if "review-draft" in key[3]]
