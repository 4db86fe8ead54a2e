"""The Secretariat's edition actions, the "what changed" page and the Atom feed."""

from __future__ import annotations

from datetime import date
from xml.etree import ElementTree

import pytest

from rkc.convention import operations as ops
from rkc.convention import queries
from rkc.extensions import db

from ..conftest import make_app
from ..helpers import create_people, csrf_token, log_in


@pytest.fixture
def secretariat(small_app):
    create_people()
    client = small_app.test_client()
    log_in(client, "secretariat")
    return client


def _revise_draft(text: str) -> None:
    work = queries.work_by_key("rkc")
    draft = queries.edition_by_slug(work, "review-draft")
    node = queries.node_by_key("ga/3/3.2")
    ops.revise(
        draft,
        node,
        expected_revision_id=ops.current_revision(draft, node).id,
        text=text,
        origin="amendment",
        origin_ref="RD/001 (Test party AUT)",
    )
    db.session.commit()


def test_freeze_then_record_in_force_through_the_forms(secretariat):
    _revise_draft("Customs shall publish its hours of business on the internet.")
    token = csrf_token(secretariat, "/w/rkc/editions/review-draft/manage")
    frozen = secretariat.post(
        "/w/rkc/editions/review-draft/freeze",
        data={
            "csrf_token": token,
            "title": "Text adopted in 2026",
            "adopted_on": "2026-06-30",
            "in_force_from": "",
        },
    )
    assert frozen.status_code == 302
    db.session.rollback()
    work = queries.work_by_key("rkc")
    edition = queries.edition_by_slug(work, "review-draft")
    assert edition.status.value == "adopted"
    assert edition.title == "Text adopted in 2026"
    # Now public, though not in force.
    anonymous = secretariat.application.test_client()
    assert anonymous.get("/w/rkc?edition=review-draft").status_code == 200
    recorded = secretariat.post(
        "/w/rkc/editions/review-draft/in-force",
        data={"csrf_token": token, "in_force_from": "2027-01-01"},
    )
    assert recorded.status_code == 302
    db.session.rollback()
    assert queries.in_force_on(work, date(2027, 1, 1)).slug == "review-draft"
    assert queries.in_force_on(work, date(2026, 12, 31)).slug == "2006"


def test_bad_dates_are_refused_and_nothing_changes(secretariat):
    token = csrf_token(secretariat, "/w/rkc/editions/review-draft/manage")
    response = secretariat.post(
        "/w/rkc/editions/review-draft/freeze",
        data={"csrf_token": token, "adopted_on": "2026-06-30", "in_force_from": "2026-01-01"},
    )
    assert response.status_code == 400
    assert "before the adoption date" in response.get_data(as_text=True)
    response = secretariat.post(
        "/w/rkc/editions/review-draft/freeze",
        data={"csrf_token": token, "adopted_on": "30/06/2026"},
    )
    assert response.status_code == 400
    assert "Not a valid date value" in response.get_data(as_text=True)
    db.session.rollback()
    work = queries.work_by_key("rkc")
    assert queries.edition_by_slug(work, "review-draft").status.value == "working_draft"


def test_open_a_draft_from_any_edition(secretariat):
    token = csrf_token(secretariat, "/w/rkc/editions/2006/manage")
    response = secretariat.post(
        "/w/rkc/editions/2006/drafts",
        data={"csrf_token": token, "slug": "second-draft", "title": "A second draft"},
    )
    assert response.status_code == 302
    taken = secretariat.post(
        "/w/rkc/editions/2006/drafts",
        data={"csrf_token": token, "slug": "second-draft", "title": "Again"},
    )
    assert taken.status_code == 400
    assert "already used" in taken.get_data(as_text=True)
    db.session.rollback()
    work = queries.work_by_key("rkc")
    draft = queries.edition_by_slug(work, "second-draft")
    assert [i.revision_id for i in queries.contents(draft)] == [
        i.revision_id for i in queries.contents(queries.edition_by_slug(work, "2006"))
    ]


def test_what_changed_shows_redlines_and_sources(small_app):
    _revise_draft("Customs shall publish its hours of business on the internet.")
    work = queries.work_by_key("rkc")
    ops.freeze(
        queries.edition_by_slug(work, "review-draft"),
        adopted_on=date(2026, 6, 30),
        in_force_from=date(2027, 1, 1),
    )
    db.session.commit()
    html = (
        small_app.test_client().get("/w/rkc/editions/review-draft/changes").get_data(as_text=True)
    )
    assert "1 changed" in html
    assert "Not yet in force" in html
    assert '<ins class="redline-ins">' in html
    assert "RD/001 (Test party AUT)" in html
    first = small_app.test_client().get("/w/rkc/editions/2006/changes").get_data(as_text=True)
    assert "first of its line" in first


def test_the_atom_feed_lists_published_editions_only(small_app):
    response = small_app.test_client().get("/feeds/editions.atom")
    assert response.mimetype == "application/atom+xml"
    feed = ElementTree.fromstring(response.data)  # noqa: S314 (our own output)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [t.text for t in feed.findall("a:entry/a:title", ns)]
    assert "Revised Kyoto Convention: Test text in force from 3 February 2006" in titles
    assert not any("working draft" in t for t in titles)
    assert feed.find("a:updated", ns).text.endswith("+00:00")


def _feed_addresses(client, **request) -> list[str]:  # type: ignore[no-untyped-def]
    feed = ElementTree.fromstring(client.get("/feeds/editions.atom", **request).data)  # noqa: S314
    ns = {"a": "http://www.w3.org/2005/Atom"}
    links = [link.get("href") for link in feed.iter("{http://www.w3.org/2005/Atom}link")]
    return (
        links
        + [i.text for i in feed.iter("{http://www.w3.org/2005/Atom}id")]
        + [i.text for i in feed.findall("a:entry/a:id", ns)]
    )


def test_the_feed_links_to_the_public_address_whatever_the_host_header_says(small_app):
    """A forged Host header (or a proxy's internal name) never reaches the feed, which readers
    and aggregators keep: every address in it starts with PUBLIC_URL."""
    small_app.config["PUBLIC_URL"] = "https://rkc.example.org"
    client = small_app.test_client()
    forged = _feed_addresses(
        client, headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"}
    )
    assert len(forged) >= 4
    assert all(a.startswith("https://rkc.example.org/") for a in forged), forged
    assert "https://rkc.example.org/feeds/editions.atom" in forged
    assert _feed_addresses(client, base_url="http://10.0.0.7:8000") == forged


def test_the_feed_links_to_the_development_address_by_default(small_app):
    assert small_app.config["PUBLIC_URL"] == "http://127.0.0.1:5000"
    addresses = _feed_addresses(small_app.test_client(), headers={"Host": "evil.example"})
    assert all(a.startswith("http://127.0.0.1:5000/") for a in addresses), addresses


@pytest.mark.parametrize(
    "address", ["rkc.example.org", "ftp://rkc.example.org", "https://", "https://x.org/?q=1"]
)
def test_a_public_url_that_is_not_a_web_address_is_refused_at_start(tmp_path, address):
    with pytest.raises(RuntimeError, match="PUBLIC_URL"):
        make_app("sqlite://", tmp_path, PUBLIC_URL=address)
