"""The text API in English and French: ?lang=, the `lang` of each answer, bad codes."""

from __future__ import annotations

import pytest

FRENCH_31 = "La douane désigne les bureaux de douane"


def test_a_unit_in_french_says_so(reader):
    body = reader.get("/api/v1/nodes/ga/3/3.1?lang=fr").get_json()
    assert body["lang"] == "fr"
    assert body["unit"]["text"].startswith(FRENCH_31)
    english = reader.get("/api/v1/nodes/ga/3/3.1").get_json()
    assert english["lang"] == "en"
    assert english["unit"]["text"].startswith("The Customs shall designate")
    assert body["unit"]["revision"] != english["unit"]["revision"]


def test_a_french_definition_carries_its_french_number_first(reader):
    body = reader.get("/api/v1/nodes/ga/2/e1?lang=fr").get_json()
    assert (body["unit"]["number"], body["unit"]["number_alt"]) == ("F23", "E1")


def test_toc_history_and_diff_take_lang(reader):
    toc = reader.get("/api/v1/works/rkc/editions/2006/toc?lang=fr").get_json()
    assert toc["lang"] == "fr"
    assert any(e["title"] == "Annexe générale" for e in toc["toc"])
    history = reader.get("/api/v1/nodes/ga/3/3.1/history?lang=fr").get_json()
    assert history["lang"] == "fr"
    assert history["history"][0]["text"].startswith(FRENCH_31)
    diff = reader.get("/api/v1/works/rkc/diff?from=2006&to=2006&lang=fr").get_json()
    assert diff["lang"] == "fr"
    edition = reader.get("/api/v1/works/rkc/editions/2006").get_json()
    assert edition["languages"] == ["en", "fr"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/nodes/ga/3/3.1?lang=de",
        "/api/v1/nodes/ga/3/3.1?lang=en,fr",
        "/api/v1/nodes/ga/3/3.1/history?lang=FRA",
        "/api/v1/works/rkc/diff?from=2006&to=2006&lang=xx",
    ],
)
def test_an_unknown_language_is_a_400_naming_the_parameter(reader, url):
    response = reader.get(url)
    assert response.status_code == 400
    assert response.get_json()["message"].startswith("lang: unknown language")


def test_a_work_in_english_only_answers_in_english_and_says_so(small_app):
    body = small_app.test_client().get("/api/v1/nodes/ga/3?lang=fr").get_json()
    assert body["lang"] == "en"
