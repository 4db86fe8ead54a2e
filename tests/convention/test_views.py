"""Every public reading view, as a browser without JavaScript sees it."""

from __future__ import annotations

import re
from datetime import date

import pytest

from rkc.convention import operations as ops
from rkc.convention import queries
from rkc.convention.models import Node
from rkc.extensions import db

from ..helpers import create_people, log_in


@pytest.fixture
def web(small_app):
    return small_app.test_client()


def _amend_and_publish(text: str, in_force_from: date) -> None:
    work = queries.work_by_key("rkc")
    draft = queries.edition_by_slug(work, "review-draft")
    node = queries.node_by_key("ga/3/3.1")
    ops.revise(draft, node, expected_revision_id=ops.current_revision(draft, node).id, text=text)
    ops.freeze(draft, adopted_on=date(2026, 6, 1), in_force_from=in_force_from)
    db.session.commit()


def page(web, url: str, status: int = 200) -> str:
    response = web.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def test_home_explains_the_convention_and_lists_editions(web):
    html = page(web, "/")
    assert "entered into force on 3 February 2006" in html
    assert "Test text in force from 3 February 2006" in html
    assert "Unofficial working text" in html
    assert "Test working draft" not in html  # drafts are for members only


def test_table_of_contents_shows_every_chapter(web):
    html = page(web, "/w/rkc")
    for label in (
        "Body of the Convention",
        "Chapter 2: Definitions",
        "Chapter 3: Clearance",
        "Competent Customs offices",
        "Annex B",
    ):
        assert label in html
    assert 'href="/n/ga/3?edition=2006"' in html


def test_chapter_view_shows_numbers_kinds_notes_and_guidelines(web):
    html = page(web, "/n/ga/3?edition=2006")
    assert 'class="unit kind-std"' in html
    assert 'class="unit kind-tstd"' in html
    assert ">Transitional Standard<" in html
    assert "Offices should be placed where trade needs them." in html  # the note
    assert 'href="/n/gl-ga-3/1.1"' in html  # guideline linked to Standard 3.1
    assert "Unofficial working text" in html


def test_definitions_show_both_numbers(web):
    html = page(web, "/n/ga/2")
    assert "E1" in html
    assert "/F23" in html
    assert "appeal" in html


def test_provision_page_has_text_kind_editions_and_history_link(web):
    html = page(web, "/n/ga/3/3.3")
    assert "Transitional Standard" in html
    assert "lodged by electronic means" in html
    assert 'href="/n/ga/3/3.3/history"' in html
    assert "Test text in force from 3 February 2006" in html


def test_point_in_time_and_prospective_editions(web, small_app):
    _amend_and_publish("Customs shall list its offices in a public register.", date(2030, 1, 1))
    today = page(web, "/n/ga/3/3.1")
    assert "Customs shall designate the offices" in today
    later = page(web, "/n/ga/3/3.1?on=2030-06-01")
    assert "public register" in later
    assert "text in force on 1 June 2030" in later
    prospective = page(web, "/n/ga/3/3.1?edition=review-draft")
    assert "Not yet in force" in prospective
    assert "1 January 2030" in prospective


def test_history_shows_a_redline_between_versions(web, small_app):
    _amend_and_publish(
        "Customs shall designate and publish the offices at which goods may be cleared.",
        date(2027, 1, 1),
    )
    html = page(web, "/n/ga/3/3.1/history")
    assert "Version 2" in html
    assert re.search(r'<ins class="redline-ins">[^<]*publish', html)
    assert re.search(r'<del class="redline-del">[^<]*produced', html)


def test_compare_two_editions_counts_and_redlines(web, small_app):
    _amend_and_publish(
        "Customs shall designate the offices at which goods may be cleared.", date(2027, 1, 1)
    )
    html = page(web, "/w/rkc/compare?from=2006&to=review-draft")
    assert "1 changed" in html
    assert "0 added" in html
    assert "0 removed" in html
    assert '<del class="redline-del">' in html
    scoped = page(web, "/w/rkc/compare?from=2006&to=review-draft&node=ga/2")
    assert "0 changed" in scoped
    assert "same text" in scoped


def test_permalinks_are_stable_node_keys(web):
    html = page(web, "/n/ga/3/3.1?edition=2006")
    assert 'href="/n/ga/3/3.1?edition=2006">Permalink' in html


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("/n/ga/3/9.99", "Nothing in the text store has the key"),
        ("/w/nope", "There is no work called"),
        ("/w/rkc?edition=1890", "has no published edition"),
        ("/n/ga/3?edition=review-draft", "has no published edition"),  # drafts are not public
        ("/w/rkc?on=not-a-date", "is not a date"),
        ("/w/rkc/compare?from=2006&to=nope", "no published edition"),
    ],
)
def test_bad_addresses_get_a_helpful_404(web, url, says):
    html = page(web, url, 404)
    assert says in html


def test_a_date_before_the_convention_explains_why(web):
    html = page(web, "/n/ga/3?on=1999-01-01", 404)
    assert "entered into force on 3 February 2006" in html
    assert 'href="/w/rkc?on=2006-02-03"' in html


def test_pages_are_escaped_and_carry_security_headers(web):
    response = web.get("/n/ga/3?on=%3Cscript%3E")
    html = response.get_data(as_text=True)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_print_stylesheet_and_no_external_assets(web):
    html = page(web, "/n/ga/3")
    assert 'href="/static/print.css" media="print"' in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
    with web.get("/static/print.css") as response:
        assert response.status_code == 200
        assert b"@media" in response.data or b"display:none" in response.data


# --------------------------------------------------------------------------- unpublished units

HIDDEN = "ga/3/3.1a"  # added to the working draft only
UNKNOWN = "ga/3/3.1z"  # nowhere at all


def _add_a_unit_to_the_working_draft() -> None:
    """HIDDEN in the working draft; and a second published edition, so that there is
    something to compare."""
    work = queries.work_by_key("rkc")
    adopted = ops.open_draft(queries.edition_by_slug(work, "2006"), slug="copy", title="Copy")
    ops.freeze(adopted, adopted_on=date(2026, 1, 1))
    draft = queries.edition_by_slug(work, "review-draft")
    after = queries.node_by_key("ga/3/3.1")
    section = db.session.get(Node, ops.current_revision(draft, after).parent_id)
    ops.insert_node(
        draft,
        key=HIDDEN,
        parent=section,
        after=after,
        kind="standard",
        number="3.1a",
        text="A provision only the working draft holds.",
    )
    db.session.commit()


def _answer(client, url: str, key: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """Status and body, the key asked for written as KEY (the only thing allowed to differ)."""
    response = client.get(url.format(key=key))
    return response.status_code, response.get_data(as_text=True).replace(key, "KEY")


@pytest.mark.parametrize(
    "url",
    [
        "/n/{key}",
        "/n/{key}?edition=2006",
        "/n/{key}/history",
        "/n/{key}/child",  # would name its enclosing unit
        "/w/rkc/compare?node={key}",
        "/w/rkc/export.akn?node={key}",
    ],
)
def test_a_unit_only_a_working_draft_holds_is_unknown_to_the_public(web, url):
    """Someone who may not read drafts cannot tell a unit added in a working draft from a key
    that exists nowhere: same status, same message."""
    _add_a_unit_to_the_working_draft()
    hidden, unknown = _answer(web, url, HIDDEN), _answer(web, url, UNKNOWN)
    assert hidden[0] == 404
    assert hidden == unknown


def test_members_are_told_the_unit_is_not_in_this_edition(web):
    _add_a_unit_to_the_working_draft()
    people = create_people()
    log_in(web, people["observer"].username)
    html = page(web, f"/n/{HIDDEN}", 404)
    assert "Not in this edition" in html
    assert HIDDEN in page(web, f"/n/{HIDDEN}?edition=review-draft")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/nodes/{key}",
        "/api/v1/nodes/{key}?edition=2006",
        "/api/v1/nodes/{key}/history",
        "/api/v1/works/rkc/diff?from=2006&to=copy&node={key}",
    ],
)
def test_the_api_cannot_tell_a_unit_only_a_working_draft_holds_from_an_unknown_key(web, url):
    _add_a_unit_to_the_working_draft()
    hidden, unknown = _answer(web, url, HIDDEN), _answer(web, url, UNKNOWN)
    assert hidden[0] == 404
    assert hidden == unknown
