"""Tests for the word-level redline (rkc.text.diff)."""

from __future__ import annotations

import ast
import itertools
import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from rkc.text import diff
from rkc.text.diff import (
    DELETE,
    EQUAL,
    INSERT,
    DiffStats,
    Op,
    Segment,
    apply_segments,
    diff_stats,
    new_text,
    old_text,
    redline_html,
    tokenize,
    word_diff,
)

from ..properties import examples

PROPERTY = settings(max_examples=examples(200), deadline=None)

# Pieces that glue into words, whitespace runs and punctuation, so random texts share a lot.
PIECES = [
    "the", "goods", "shall", "Customs", "a", "ab", "b", "1", "2", "é", "naïve", "Ω",
    " ", " ", " ", "  ", "\n", "\n\n", "\t", ",", ".", ";", "(", ")", "-", "'", "<", "&",
]  # fmt: skip

texts = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
    st.text(max_size=40),
)


def token_boundaries(text: str) -> set[int]:
    return {0, *itertools.accumulate(len(t) for t in tokenize(text))}


# --- tokeniser -------------------------------------------------------------------------


def test_tokenize_splits_words_whitespace_and_punctuation() -> None:
    assert tokenize("Art. 3.1:  the goods\n(see)") == [
        "Art", ".", " ", "3", ".", "1", ":", "  ", "the", " ", "goods", "\n", "(", "see", ")",
    ]  # fmt: skip


@PROPERTY
@given(st.text())
def test_tokens_concatenate_to_the_text(text: str) -> None:
    assert "".join(tokenize(text)) == text


# --- word_diff: examples --------------------------------------------------------------


def test_changed_word_is_replaced_whole_not_character_by_character() -> None:
    assert word_diff("The cat sat.", "The cot sat.") == [
        Segment(EQUAL, "The "),
        Segment(DELETE, "cat"),
        Segment(INSERT, "cot"),
        Segment(EQUAL, " sat."),
    ]


def test_word_growing_a_suffix_is_a_whole_word_change() -> None:
    segments = word_diff("release the good", "release the goods")
    assert segments == [
        Segment(EQUAL, "release the "),
        Segment(DELETE, "good"),
        Segment(INSERT, "goods"),
    ]


def test_rewritten_phrase_is_one_change_after_semantic_cleanup() -> None:
    # Without the cleanup the lone shared space between the rewritten words would split the
    # change into "shall"->"must" and "promptly"->"forthwith" pieces around a 1-token equality.
    segments = word_diff("Customs shall promptly release.", "Customs must forthwith release.")
    assert segments == [
        Segment(EQUAL, "Customs "),
        Segment(DELETE, "shall promptly"),
        Segment(INSERT, "must forthwith"),
        Segment(EQUAL, " release."),
    ]


def test_identical_and_empty_texts() -> None:
    assert word_diff("same text", "same text") == [Segment(EQUAL, "same text")]
    assert word_diff("", "") == []
    assert word_diff("", "new") == [Segment(INSERT, "new")]
    assert word_diff("old", "") == [Segment(DELETE, "old")]


def test_newlines_are_kept_as_they_are() -> None:
    segments = word_diff("one\ntwo\n\nthree", "one\n2\n\nthree")
    assert old_text(segments) == "one\ntwo\n\nthree"
    assert new_text(segments) == "one\n2\n\nthree"
    assert Segment(DELETE, "two") in segments


def test_op_values_are_strings_for_templates() -> None:
    assert Op.INSERT == "insert"
    assert Op.DELETE == "delete"
    assert Op.EQUAL == "equal"


def test_segments_are_frozen() -> None:
    segment = Segment(EQUAL, "x")
    with pytest.raises(AttributeError):
        segment.text = "y"  # type: ignore[misc]


def test_apply_segments_gives_new_and_rejects_a_different_old() -> None:
    segments = word_diff("a b c", "a x c")
    assert apply_segments("a b c", segments) == "a x c"
    with pytest.raises(ValueError, match="do not describe a diff"):
        apply_segments("a b d", segments)


def test_diff_stats_counts_words_not_whitespace_or_punctuation() -> None:
    segments = word_diff(
        "Customs shall release the goods.", "Customs may release all the goods, promptly!"
    )
    assert diff_stats(segments) == DiffStats(words_added=3, words_removed=1)
    assert diff_stats(word_diff("a, b", "a; b")) == DiffStats(words_added=0, words_removed=0)
    assert diff_stats([]) == DiffStats(0, 0)


def test_whole_chapter_diff_does_not_degrade() -> None:
    rng = random.Random(1974)
    vocabulary = [f"w{i}" for i in range(150)] + ["shall", "the", "goods", "Customs"]
    words = [rng.choice(vocabulary) for _ in range(6000)]
    changed = list(words)
    positions = range(50, 6000, 100)
    for k, position in enumerate(positions):
        changed[position] = f"CHANGED{k}"
    old, new = " ".join(words), " ".join(changed)

    segments = word_diff(old, new)

    assert apply_segments(old, segments) == new
    assert diff_stats(segments) == DiffStats(len(positions), len(positions))


def test_timeout_reaches_diff_match_patch() -> None:
    # With (practically) no time the diff falls back to delete-all/insert-all, which is why
    # the default is generous.  It must still be a correct diff.
    rng = random.Random(7)
    words = [rng.choice(["a", "b", "c", "d", "e"]) + str(rng.randrange(50)) for _ in range(3000)]
    changed = list(words)
    for position in range(20, 3000, 60):
        changed[position] = "X"
    old, new = " ".join(words), " ".join(changed)

    hurried = word_diff(old, new, timeout=1e-9)

    assert apply_segments(old, hurried) == new
    assert diff_stats(hurried).words_removed > 1000
    assert diff_stats(word_diff(old, new)).words_removed == len(range(20, 3000, 60))


# --- redline_html ---------------------------------------------------------------------


def test_redline_html_marks_insertions_and_deletions() -> None:
    html = redline_html(word_diff("Customs shall release.", "Customs may release."))
    assert isinstance(html, Markup)
    assert str(html) == (
        'Customs <del class="redline-del">shall</del><ins class="redline-ins">may</ins> release.'
    )


def test_redline_html_escapes_every_piece() -> None:
    segments = [
        Segment(EQUAL, "<script>alert(1)</script> & "),
        Segment(DELETE, '<b onclick="x">old</b>'),
        Segment(INSERT, "<img src=x onerror=alert(1)>"),
        Segment(EQUAL, Markup("<i>claims to be safe</i>")),
    ]
    html = str(redline_html(segments))
    for raw in ("<script>", "<b ", "<img", "<i>"):
        assert raw not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; " in html
    assert '<del class="redline-del">&lt;b onclick=&#34;x&#34;&gt;old&lt;/b&gt;</del>' in html
    assert '<ins class="redline-ins">&lt;img src=x onerror=alert(1)&gt;</ins>' in html


def test_redline_html_keeps_newlines() -> None:
    html = str(redline_html(word_diff("a\nb", "a\nc")))
    assert html == 'a\n<del class="redline-del">b</del><ins class="redline-ins">c</ins>'


# --- properties -----------------------------------------------------------------------


@PROPERTY
@given(texts, texts)
def test_segments_rebuild_both_texts(old: str, new: str) -> None:
    segments = word_diff(old, new)
    assert old_text(segments) == old
    assert new_text(segments) == new
    assert apply_segments(old, segments) == new


@PROPERTY
@given(texts, texts)
def test_segments_are_non_empty_and_coalesced(old: str, new: str) -> None:
    segments = word_diff(old, new)
    assert all(segment.text for segment in segments)
    assert all(a.op is not b.op for a, b in itertools.pairwise(segments))


@PROPERTY
@given(texts, texts)
def test_every_boundary_is_a_token_boundary_of_both_texts(old: str, new: str) -> None:
    segments = word_diff(old, new)
    old_bounds, new_bounds = token_boundaries(old), token_boundaries(new)
    old_pos = new_pos = 0
    for segment in segments:
        if segment.op is not INSERT:
            old_pos += len(segment.text)
        if segment.op is not DELETE:
            new_pos += len(segment.text)
        assert old_pos in old_bounds, (segments, old_pos)
        assert new_pos in new_bounds, (segments, new_pos)


@PROPERTY
@given(texts, texts)
def test_stats_match_the_words_in_changed_segments(old: str, new: str) -> None:
    segments = word_diff(old, new)
    stats = diff_stats(segments)
    deleted = [t for s in segments if s.op is DELETE for t in tokenize(s.text)]
    inserted = [t for s in segments if s.op is INSERT for t in tokenize(s.text)]
    assert stats.words_removed == sum(bool(re.fullmatch(r"\w+", t)) for t in deleted)
    assert stats.words_added == sum(bool(re.fullmatch(r"\w+", t)) for t in inserted)
    if old == new:
        assert stats == DiffStats(0, 0)


# --- layering -------------------------------------------------------------------------


def test_text_engines_import_no_flask_or_database() -> None:
    package = Path(diff.__file__).parent
    forbidden = {"flask", "flask_sqlalchemy", "sqlalchemy", "rkc.extensions"}
    for source in package.glob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in forbidden, f"{source.name} imports {name}"
                assert name not in forbidden, f"{source.name} imports {name}"


def test_a_redline_of_short_texts_is_remembered_and_equals_a_fresh_one():
    """`word_redline` is `redline_html(word_diff(...))`; short pairs are kept per process
    (a compilation shows the same pairs on every request), long ones are not."""
    from rkc.text import diff

    diff._remembered_redline.cache_clear()
    old, new = "Customs shall <release> goods.", "Customs shall promptly release goods & more."
    fresh = diff.redline_html(diff.word_diff(old, new))
    assert diff.word_redline(old, new) == fresh
    assert diff.word_redline(old, new) == fresh
    info = diff._remembered_redline.cache_info()
    assert (info.hits, info.misses, info.currsize) == (1, 1, 1)
    long = "word " * (diff.REMEMBERED_LENGTH // 5 + 1)
    assert diff.word_redline(long, long + "more") == diff.redline_html(
        diff.word_diff(long, long + "more")
    )
    assert diff._remembered_redline.cache_info().currsize == 1
