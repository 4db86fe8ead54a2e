"""Item 13 of issue 15: with one edition there is nothing to compare (not an edition with
itself); the same edition picked twice says so; scopes are named, not keyed."""

from __future__ import annotations

import pytest


@pytest.fixture
def web(small_app):  # type: ignore[no-untyped-def]
    return small_app.test_client()


def test_one_published_edition_has_nothing_to_compare_yet(web):
    response = web.get("/w/rkc/compare")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "There is nothing to compare yet" in html
    assert "0 changed" not in html
    assert "unchanged" not in html


def test_the_same_edition_twice_asks_for_two_different_ones(web):
    from ..helpers import create_people, log_in

    create_people()
    log_in(web, "delegate-a")
    html = web.get("/w/rkc/compare?from=2006&to=2006").get_data(as_text=True)
    assert "Choose two different editions" in html
    assert "0 changed" not in html
    two = web.get("/w/rkc/compare?from=2006&to=review-draft").get_data(as_text=True)
    assert "changed" in two
    # The scope picker names chapters with their annex, never by key.
    assert ">ga/3:" not in two
    assert "Annex" in two
    assert "· Chapter 3" in two
