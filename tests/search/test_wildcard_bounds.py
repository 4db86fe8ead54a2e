"""Wildcards cannot be made to scan the whole vocabulary (issue 12, item 4).

`*a*` used to expand to nearly every word of every field and cost seconds per request. A
wildcard now needs a few letters before its first `*` or `?`, and one that still matches too
many words is left out with a hint saying how to narrow it; ordinary wildcards work as before.
"""

from __future__ import annotations

import pytest

from rkc.search import queries

from .conftest import find


@pytest.mark.parametrize("q", ["*a*", "*tion", "?ppeal", "a*", "e?", "text:*e*"])
def test_a_wildcard_without_enough_leading_letters_is_left_out_and_said_so(reader, q):
    answer = find(reader, q)
    assert answer["total"] == 0
    assert any("wildcard" in hint and "was left out" in hint for hint in answer["hints"]), answer[
        "hints"
    ]


def test_the_words_beside_a_refused_wildcard_are_still_searched(reader):
    answer = find(reader, "appeal *a*")
    assert answer["total"] > 0
    assert any("*a*" in hint for hint in answer["hints"])
    assert answer["total"] == find(reader, "appeal")["total"]


def test_a_wildcard_that_matches_too_many_words_is_left_out(reader, monkeypatch):
    # The bound is a setting of the module; a small one shows the behaviour on the real corpus.
    monkeypatch.setattr(queries, "MAX_WILDCARD_TERMS", 3)
    answer = find(reader, "de*")
    assert answer["total"] == 0
    assert any("matches more than 3 words" in hint for hint in answer["hints"]), answer["hints"]


def test_ordinary_wildcards_still_work(reader):
    assert find(reader, "declar*", per_page=50)["total"] > 20
    assert find(reader, "key:ga/10*", per_page=50)["total"] >= 12
    assert find(reader, "appea?")["total"] > 0
    assert not [h for h in find(reader, "declar*")["hints"] if "wildcard" in h]
