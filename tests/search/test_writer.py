"""rkc's segment writer (rkc/search/writer.py) writes what Whoosh's own writer writes.

The same documents (the whole corpus, both languages) go into two indexes, one through
Whoosh's `SegmentWriter` and one through `IndexWriter`, and everything a search can read is
compared: every term's statistics and postings, every stored document, every field length,
and the scores of a few searches. Then a second batch is added to each with Whoosh's ordinary
merging commit (what a catch-up does), and they are compared again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from whoosh import index as whoosh_index
from whoosh import writing
from whoosh.qparser import MultifieldParser

from rkc.extensions import db
from rkc.search import documents
from rkc.search.schema import (
    WORD_FIELDS,
    build_schema,
    english_analyzer,
    french_analyzer,
    spelling_analyzer,
    weighting,
)
from rkc.search.writer import BLOCK_LIMIT, IndexWriter, TermPool
from rkc.text.markdown import _parsed_plain_text, plain_text


@pytest.fixture(scope="module")
def corpus_documents(site) -> list[dict[str, Any]]:
    with site.app_context():
        conn = db.session.connection()
        ids = documents.indexed_revision_ids(conn)
        docs, missing = documents.documents(
            conn, ids, documents.load_outline(conn), documents.work_keys(conn)
        )
        db.session.remove()
    assert not missing
    return docs


def _build(directory: Path, writer_class: type, batches: list[list[dict[str, Any]]]) -> Any:
    directory.mkdir()
    ix = whoosh_index.create_in(str(directory), build_schema())
    for number, batch in enumerate(batches):
        writer = writer_class(ix)
        for doc in batch:
            writer.add_document(**doc)
        # The first batch as a rebuild writes it; later ones merged as a catch-up does.
        writer.commit(mergetype=writing.CLEAR if number == 0 else None)
    return ix


def _terms(reader: Any) -> dict[tuple[str, bytes], tuple]:
    """Every term, its statistics and its postings (number, weight, value). A posting with no
    value reads as None from a postings block and as "" from a term entry (Whoosh's
    `ListMatcher`): both are "no value" here."""
    found = {}
    for fieldname, btext in reader.all_terms():
        info = reader.term_info(fieldname, btext)
        matcher = reader.postings(fieldname, btext)
        postings = []
        while matcher.is_active():
            postings.append((matcher.id(), round(matcher.weight(), 5), matcher.value() or None))
            matcher.next()
        stats = (
            round(info.weight(), 3),
            info.doc_frequency(),
            info.min_length(),
            info.max_length(),
            round(info.max_weight(), 5),
            info.min_id(),
            info.max_id(),
        )
        found[(fieldname, btext)] = (stats, postings)
    return found


def _assert_same(theirs: Any, ours: Any) -> None:
    with (
        theirs.searcher(weighting=weighting()) as whoosh_s,
        ours.searcher(weighting=weighting()) as rkc_s,
    ):
        expected, got = whoosh_s.reader(), rkc_s.reader()
        assert got.doc_count_all() == expected.doc_count_all()
        expected_terms, got_terms = _terms(expected), _terms(got)
        assert got_terms.keys() == expected_terms.keys()
        for term, value in expected_terms.items():
            assert got_terms[term] == value, term
        assert list(got.all_stored_fields()) == list(expected.all_stored_fields())
        for fieldname in WORD_FIELDS:
            assert got.field_length(fieldname) == expected.field_length(fieldname)
            for docnum in range(expected.doc_count_all()):
                assert got.doc_field_length(docnum, fieldname) == expected.doc_field_length(
                    docnum, fieldname
                )
        parser = MultifieldParser(list(WORD_FIELDS), whoosh_s.schema)
        for words in (
            "appeal",
            "goods declaration",
            "customs",
            "dédouanement",
            '"right of appeal"',
            '"déclaration de marchandises"',
            "zzzz",
        ):
            query = parser.parse(words)
            expected_hits, got_hits = (
                [(hit.docnum, round(hit.score, 4)) for hit in found.search(query, limit=30)]
                for found in (whoosh_s, rkc_s)
            )
            assert expected_hits or words == "zzzz"
            assert got_hits == expected_hits, words


def test_the_writer_writes_what_whoosh_writes(corpus_documents, tmp_path):
    docs = corpus_documents
    # Terms of one posting (kept in the term entry), of a few (uncompressed) and of many
    # (several blocks, compressed) must all be there.
    counts: dict[tuple[str, str], int] = {}
    for doc in docs:
        for word in set(doc.get("text", "").lower().split()):
            counts[("text", word)] = counts.get(("text", word), 0) + 1
    assert min(counts.values()) == 1
    assert max(counts.values()) > 2 * BLOCK_LIMIT

    first, second = docs[: len(docs) * 2 // 3], docs[len(docs) * 2 // 3 :]
    theirs = _build(tmp_path / "whoosh", writing.SegmentWriter, [first, second])
    ours = _build(tmp_path / "rkc", IndexWriter, [first, second])
    _assert_same(theirs, ours)


def test_postings_added_out_of_order_are_sorted():
    pool = TermPool()
    for docnum in (5, 2, 9):
        pool.add(("text", b"word", docnum, 1.0, b""))
    pool.add(("text", b"another", 3, 2.0, None))
    pool.add(("spell", b"ignored", -1, 1.0, b""))
    assert pool.terms() == [
        ("text", b"another", [(3, 2.0, b"")]),
        ("text", b"word", [(2, 1.0, b""), (5, 1.0, b""), (9, 1.0, b"")]),
    ]


TRICKY_MARKDOWN = [
    "Customs shall accept it.",
    "  Customs shall accept it.  ",
    "Customs shall accept it.\nSecond line.",
    "Customs shall *accept* it.",
    "Customs & Excise",
    "Customs &amp; Excise",
    "1. First",
    "- item",
    "+ item",
    "# Heading",
    "> quoted",
    "    indented code",
    "\tindented by a tab",
    "Line ending in a backslash\\",
    "Text with `code`",
    "A [link](http://example.org)",
    "Pipes | make | tables",
    "Under_scores and ~tildes~",
    "(a) an item as written in the Convention",
    "Première phrase : « guillemets ».",
    "Carriage\rreturn",
    "Nul\x00char",
    "Ends with two spaces  ",
    "A line with # and = and - and + inside",
    "",
    "   ",
]


@pytest.mark.parametrize("text", TRICKY_MARKDOWN)
def test_plain_text_takes_no_short_cut_that_changes_its_answer(text):
    assert plain_text(text) == _parsed_plain_text(text)


def test_plain_text_of_the_whole_corpus_is_what_parsing_gives(corpus_documents, site):
    from rkc.convention.models import Revision

    with site.app_context():
        texts = {text for text in db.session.scalars(db.select(Revision.text)) if text}
        db.session.remove()
    assert len(texts) > 1000
    for text in texts:
        assert plain_text(text) == _parsed_plain_text(text), text[:80]


def test_indexing_finds_the_words_a_query_finds(corpus_documents):
    """`WordAnalyzer.words` and `word_set` (what the index is written from) give the words
    and positions the analyser gives queries and highlights, for every text of the corpus."""
    for doc in corpus_documents:
        for name, analyzer in (
            ("text", english_analyzer()),
            ("text_fr", french_analyzer()),
            ("spell_fr", spelling_analyzer("fr")),
        ):
            value = doc.get(name)
            if not value:
                continue
            tokens = [(t.text, t.pos) for t in analyzer(value, positions=True)]
            assert analyzer.words(value) == tokens, value[:80]
            assert analyzer.word_set(value) == {text for text, _pos in tokens}
