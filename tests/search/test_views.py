"""The search page as a browser without JavaScript sees it, and the API giving the same answers."""

from __future__ import annotations

import html
import re

import pytest

from .conftest import find, keys


def _page(client, **params) -> str:  # type: ignore[no-untyped-def]
    response = client.get("/search", query_string=params)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _hit_links(page: str) -> list[str]:
    return [
        html.unescape(h) for h in re.findall(r'<h2 class="hit-title">\s*<a href="([^"]+)"', page)
    ]


def test_every_page_has_a_search_box_in_its_header(reader):
    home = reader.get("/").get_data(as_text=True)
    header = home.split("</header>", 1)[0]
    assert 'role="search"' in header
    assert 'action="/search"' in header
    assert 'name="q"' in header


def test_the_page_lists_hits_with_links_highlights_and_facets(reader):
    page = _page(reader, q="appeal")
    assert "Unofficial working text" in page
    links = _hit_links(page)
    assert links[0] != "/n/ga/10?edition=2006"  # a provision first, not the bare chapter
    assert '<mark class="hit t0">' in page
    for facet in ("Work", "Annex", "Chapter", "Kind", "Language", "Edition"):
        assert f"<h2>{facet}</h2>" in page
    assert "Consolidated text in force from 3 February 2006" in page
    assert 'aria-label="Pages"' in page
    assert 'type="date" name="on"' in page


@pytest.mark.parametrize(
    "params",
    [
        {"q": "appeal"},
        {"q": "customs", "page": "3"},
        {"q": "goods", "sort": "document", "kind": "standard"},
        {"q": "security", "annex": "ga", "on": "2010-01-01"},
        {"q": "", "kind": "transitional_standard"},
        {"q": "apeal"},
    ],
)
def test_the_api_gives_the_same_answers_as_the_page(reader, params):
    answer = find(reader, **params)
    page = _page(reader, **params)
    assert _hit_links(page) == [hit["url"] for hit in answer["hits"]]
    if answer["total"]:
        assert f"of <strong>{answer['total']}</strong>" in page
    else:
        assert "No results" in page
    for hint in answer["hints"]:
        assert html.escape(hint, quote=False) in page
    if answer["suggestion"]:
        assert f">{answer['suggestion']}</a>?" in page


def test_facet_links_narrow_and_widen(reader):
    page = _page(reader, q="appeal")
    kind_link = re.search(
        r'<a href="([^"]+)">Standard</a>\s*<span class="count">(\d+)</span>', page
    )
    assert kind_link
    url, count = html.unescape(kind_link.group(1)), int(kind_link.group(2))
    narrowed = reader.get(url).get_data(as_text=True)
    assert f"of <strong>{count}</strong>" in narrowed
    selected = re.search(r'<a href="([^"]+)" aria-current="true">Standard</a>', narrowed)
    assert selected
    widened = reader.get(html.unescape(selected.group(1))).get_data(as_text=True)
    assert widened.count('aria-current="true">Standard') == 0


def test_the_edition_facet_switches_edition_and_keeps_the_other_work(reader):
    answer = find(reader, "appeal")
    values = {v["value"] for v in answer["facets"]["edition"]}
    assert values == {"rkc:2006", "guidelines:2006"}  # drafts are not offered to the public
    by_edition = find(reader, "appeal", edition=["rkc:2006", "guidelines:2006"])
    assert keys(by_edition) == keys(answer)


def test_an_empty_search_shows_how_to_search(reader):
    page = _page(reader, q="")
    assert "How to search" in page or "Examples" in page
    assert 'class="hit ' not in page


def test_provisions_rank_above_bare_headings_and_no_raw_keys_show(reader):
    """Issue 15, item 11: for "appeal" the provisions come before the headings whose title
    is all they have; chapter facets count as people do; results name annex and chapter."""
    answer = find(reader, "appeal")
    kinds = [hit["kind"] for hit in answer["hits"]]
    headings = [i for i, k in enumerate(kinds) if k in ("chapter", "section", "annex")]
    provisions = [i for i, k in enumerate(kinds) if k not in ("chapter", "section", "annex")]
    assert provisions
    assert not headings or max(provisions) < min(headings)
    page = _page(reader, q="appeal")
    assert "<code>ga/" not in page
    places = re.findall(r'<p class="hit-place">([^<]*)</p>', page)
    assert any("General Annex" in p and "Chapter 10" in p for p in places)
    assert not any("Annexe" in p for p in places)  # labels in the page's language
    # Chapters sort numerically: Chapter 2 before Chapter 10 in the facet.
    every = find(reader, "customs")
    chapters = every["facets"]["chapter"]
    ga = [v["value"] for v in chapters if v["value"].startswith("ga/")]
    numbers = [int(v.split("/")[1]) for v in ga]
    assert numbers == sorted(numbers)
