"""Item 9 of issue 15: labels people read, without stray colons, run-together words or keys."""

from __future__ import annotations

from html import unescape
from types import SimpleNamespace

from flask import render_template_string


def test_an_annex_without_a_number_is_named_by_its_title(small_app):
    client = small_app.test_client()
    for url in ("/w/rkc", "/n/ga"):
        page = client.get(url).get_data(as_text=True)
        assert "Annex : " not in page, url
        assert "General Annex" in page, url


def test_a_recorded_date_and_its_badge_do_not_run_together(small_app):
    result = SimpleNamespace(
        span="2006-02-03", is_recorded=True, agrees_with_rules=True, computed="", explanation=[]
    )
    with small_app.test_request_context():
        html = render_template_string(
            '{% from "parties/_macros.html" import result %}{{ result(r) }}', r=result
        )
    text = unescape("".join(part.split(">", 1)[-1] for part in html.split("<")))
    assert "2006-02-03recorded" not in text
    assert "2006-02-03 recorded" in " ".join(text.split())


def test_history_shows_no_raw_key(small_app):
    page = small_app.test_client().get("/n/ga/3/3.1/history").get_data(as_text=True)
    assert "<code>ga/3/3.1</code>" not in page
    assert "<title>History of ga/3/3.1" not in page
