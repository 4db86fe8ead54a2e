"""Reading in English, in French and side by side: ?lang=, the remembered choice, the cache."""

from __future__ import annotations

import re

import pytest

from rkc.convention.languages import LANGUAGE_COOKIE

ENGLISH_31 = "The Customs shall designate the Customs offices"
FRENCH_31 = "La douane désigne les bureaux de douane"


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def test_a_chapter_reads_in_french_with_french_kind_words_and_banner(client):
    html = page(client, "/n/ga/3?lang=fr")
    assert FRENCH_31 in html
    assert ENGLISH_31 not in html
    assert "Chapitre 3" in html
    assert "Norme" in html
    assert "Texte de travail non officiel" in html
    assert 'lang="fr"' in html
    # English is unchanged.
    english = page(client, "/n/ga/3?lang=en")
    assert ENGLISH_31 in english
    assert FRENCH_31 not in english
    assert "Texte de travail non officiel" not in english


def test_the_choice_is_remembered_in_a_cookie_and_links_keep_it(client):
    html = page(client, "/n/ga/3/3.1?lang=fr")
    assert client.get_cookie(LANGUAGE_COOKIE).value == "fr"
    assert re.search(r'href="/n/ga/3/3\.2\?[^"]*lang=fr', html), "links keep ?lang="
    # Without ?lang= the cookie decides.
    assert FRENCH_31 in page(client, "/n/ga/3/3.1")
    page(client, "/n/ga/3/3.1?lang=en")
    assert ENGLISH_31 in page(client, "/n/ga/3/3.1")


def test_side_by_side_aligns_a_chapter_provision_by_provision(client):
    html = page(client, "/n/ga/3?lang=en,fr")
    pairs = re.findall(r'<div class="pair">(.*?)\n  </div>\n', html, re.S)
    assert len(pairs) > 20
    first = next(p for p in pairs if ENGLISH_31 in p)
    assert FRENCH_31 in first, "the two texts of Standard 3.1 stand in one row"
    assert first.count('id="ga/3/3.1"') == 2
    # Both banners: the text of both languages is unofficial.
    assert "Unofficial working text." in html
    assert "Texte de travail non officiel." in html


def test_side_by_side_aligns_one_provision_too(client):
    html = page(client, "/n/ga/3/3.1?lang=en,fr")
    pairs = re.findall(r'<div class="pair">(.*?)\n  </div>\n', html, re.S)
    assert len(pairs) == 1
    assert ENGLISH_31 in pairs[0]
    assert FRENCH_31 in pairs[0]


def test_french_definitions_show_both_numbers_in_french_order(client):
    html = page(client, "/n/ga/2?lang=fr")
    numbers = re.findall(r'class="number"[^>]*>F(\d+)<span class="alt">/E(\d+)</span>', html)
    assert len(numbers) >= 20
    assert [int(f) for f, _ in numbers] == sorted(int(f) for f, _ in numbers)


def test_point_in_time_editions_and_permalinks_work_in_french(client):
    html = page(client, "/n/ga/3/3.1?lang=fr&on=2010-01-01")
    assert FRENCH_31 in html
    html = page(client, "/n/ga/3/3.1?lang=fr&edition=2006")
    assert FRENCH_31 in html
    assert re.search(r'class="permalink" href="/n/ga/3/3\.1\?[^"]*lang=fr', html)
    page(client, "/n/ga/3/3.1?lang=fr&on=1990-01-01", 404)


def test_history_and_compare_in_french_and_side_by_side(client):
    assert FRENCH_31 in page(client, "/n/ga/3/3.1/history?lang=fr")
    both = page(client, "/n/ga/3/3.1/history?lang=en,fr")
    assert FRENCH_31 in both
    assert ENGLISH_31 in both
    compare = page(client, "/w/rkc/compare?lang=en,fr")
    assert "Compare editions" in compare
    toc = page(client, "/w/rkc?lang=fr")
    assert "Annexe générale" in toc


@pytest.mark.parametrize("value", ["de", "fr,fr", "en,fr,en", "x" * 50, "<b>"])
def test_an_unknown_language_is_a_400_naming_the_parameter(client, value):
    response = client.get("/n/ga/3", query_string={"lang": value})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "lang" in body
    assert "<b>" not in body
    assert client.get_cookie(LANGUAGE_COOKIE) is None


def test_the_page_cache_keeps_languages_apart(app):
    """Anonymous pages are cached by URL: the same URL read with another remembered language
    must not come from the other language's cache entry (nor share its ETag)."""
    first = app.test_client()
    english = first.get("/n/ga/3/3.1")
    assert ENGLISH_31 in english.get_data(as_text=True)
    second = app.test_client()
    second.set_cookie(LANGUAGE_COOKIE, "fr")
    french = second.get("/n/ga/3/3.1")
    assert FRENCH_31 in french.get_data(as_text=True)
    assert french.headers["ETag"] != english.headers["ETag"]
    again = first.get("/n/ga/3/3.1", headers={"If-None-Match": french.headers["ETag"]})
    assert again.status_code == 200
    assert ENGLISH_31 in again.get_data(as_text=True)


def test_a_work_held_in_english_only_is_shown_in_english_marked_as_such(small_app):
    client = small_app.test_client()
    html = page(client, "/n/ga/3?lang=fr")
    assert "Pas de texte français" in html
    side = page(client, "/n/ga/3?lang=en,fr")
    assert "Pas de texte français" in side
