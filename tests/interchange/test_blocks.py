"""Markdown <-> blocks: every corpus text survives the trip, and markup is escaped."""

from __future__ import annotations

import pytest

from rkc.convention.corpus import load_corpus
from rkc.interchange import blocks as md

from ..conftest import CORPUS


def _all_texts() -> list[tuple[str, str]]:
    corpus = load_corpus(CORPUS)
    return [
        (unit.key, unit.text)
        for work in corpus.works
        for root in work.roots
        for unit in root.walk()
        if unit.text
    ]


def test_every_corpus_text_renders_back_to_its_own_source():
    texts = _all_texts()
    assert len(texts) > 800
    different = [key for key, text in texts if md.render(md.parse(text)) != text]
    assert different == []


def test_nested_numbered_and_bulleted_lists_keep_their_shape():
    text = "5. The Committee:\n   - (a) recommends:\n     - (i) one;\n   - (b) decides.\n6. Last."
    blocks = md.parse(text)
    assert len(blocks) == 1
    outer = blocks[0]
    assert isinstance(outer, md.ListBlock)
    assert outer.ordered
    assert outer.start == 5
    inner = outer.items[0][1]
    assert isinstance(inner, md.ListBlock)
    assert not inner.ordered
    assert md.render(blocks) == text


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        ((md.Span("text", "5 * 3 = 15"),), "5 \\* 3 = 15"),
        ((md.Span("text", "# not a heading"),), "\\# not a heading"),
        ((md.Span("text", "1. not a list"),), "1\\. not a list"),
        ((md.Span("text", "<script>"),), "\\<script>"),
        ((md.Span("text", "snake_case stays"),), "snake_case stays"),
        (
            (md.Span("em", children=(md.Span("text", "Wishing"),)), md.Span("text", " to")),
            "*Wishing* to",
        ),
    ],
)
def test_text_from_other_formats_is_escaped_so_it_reads_the_same(spans, expected):
    rendered = md.render([md.Paragraph(spans)])
    assert rendered == expected
    assert md.parse(rendered) == (md.Paragraph(spans),)


def test_loose_lists_and_soft_breaks_survive():
    text = "- first\n\n- second\n\nA line\nbroken in two."
    assert md.render(md.parse(text)) == text
