"""Search per language over the shipped corpus, loaded in English and French."""

from __future__ import annotations

import pytest

from rkc.convention.languages import LANGUAGE_COOKIE

from .conftest import find, keys


@pytest.fixture
def web(site):
    return site.test_client()


def test_a_french_word_is_found_without_its_accents(web):
    accented = find(web, "dédouanement", lang="fr")
    folded = find(web, "dedouanement", lang="fr")
    assert folded["total"] > 0
    assert keys(folded) == keys(accented)
    assert {h["language"] for h in folded["hits"]} == {"fr"}
    # French stemming: the plural and a verb form meet the same stem.
    assert find(web, "dédouanements", lang="fr")["total"] == folded["total"]
    assert "<mark" in "".join(h["snippet_html"] + h["title_html"] for h in folded["hits"])


def test_an_english_search_never_returns_french_text(web):
    for q in ("customs", "douane", "dedouanement", "marchandises"):
        answer = find(web, q)
        assert {h["language"] for h in answer["hits"]} <= {"en"}, q
        assert {v["value"] for v in answer["facets"]["language"] if v["selected"]} == {"en"}
    assert find(web, "dedouanement")["total"] == 0


def test_results_facets_and_links_follow_the_chosen_language(web):
    answer = find(web, "douane", lang="fr", kind="standard")
    assert answer["total"] > 0
    assert all(h["language"] == "fr" and h["kind"] == "standard" for h in answer["hits"])
    assert all("lang=fr" in h["url"] for h in answer["hits"])
    chapters = {v["value"] for v in answer["facets"]["chapter"]}
    assert chapters, "the chapter facet counts French hits too"
    assert all(h["kind_label"] for h in answer["hits"])


def test_the_page_searches_in_the_readers_language(web):
    web.set_cookie(LANGUAGE_COOKIE, "fr")
    html = web.get("/search?q=dedouanement").get_data(as_text=True)
    assert "lang=fr" in html
    assert "<mark" in html
    web.delete_cookie(LANGUAGE_COOKIE)
    html = web.get("/search?q=dedouanement").get_data(as_text=True)
    assert "lang=fr" not in html


def test_an_unknown_language_is_named_in_a_hint(web):
    answer = find(web, "customs", lang="de")
    assert any(h.startswith("lang:") for h in answer["hints"])
    assert {h["language"] for h in answer["hits"]} == {"en"}


def test_did_you_mean_leaves_french_words_alone_and_corrects_in_french(web):
    """A word one language knows is not "corrected" (French words were once taken for unknown
    English ones); a misspelt French word gets a French suggestion."""
    for q in ("garantie", "dédouanement", "marchandises"):
        assert find(web, q, lang="fr")["suggestion"] is None, q
    assert find(web, "douane")["suggestion"] is None  # an English search of a French word
    assert find(web, "garantiie", lang="fr")["suggestion"] == "garantie"


def test_elided_articles_are_not_searched_as_words(web):
    elided = find(web, "technologie de l'information", lang="fr")
    assert elided["total"] > 0
    assert keys(elided) == keys(find(web, "technologie de information", lang="fr"))
    # A lone "l" is no word: it does not narrow or widen anything.
    assert find(web, "l", lang="fr")["total"] == 0
