"""More properties of the three-way merge: nothing lost, nothing doubled, nothing invented, and
a conflict never alters the proposal (hypothesis).

`ours` and `theirs` are made from `base` by random edit scripts (replace, delete, insert
anywhere, overlapping or not), over a small vocabulary so that words repeat, which is where a
merge is most easily fooled.

Long run: HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest -q tests/text/test_merge_properties.py
"""

from __future__ import annotations

import itertools
import re
from collections import Counter

from hypothesis import example, given, settings
from hypothesis import strategies as st

from rkc.text.diff import tokenize
from rkc.text.merge import hunks, merge3, rebase

from ..properties import examples

PROPERTY = settings(max_examples=examples(300))

VOCABULARY = ["goods", "Customs", "shall", "the", "be", "released", "a", "1", "é", "déclarant"]
SEPARATORS = [" ", " ", " ", ", ", ". ", "\n", " (", ") "]

_WORD = re.compile(r"\w+")


@st.composite
def texts(draw: st.DrawFn) -> list[str]:
    """A text as tokens: words and separators alternating."""
    out: list[str] = []
    for index in range(draw(st.integers(0, 14))):
        if index:
            out.append(draw(st.sampled_from(SEPARATORS)))
        out.append(draw(st.sampled_from(VOCABULARY)))
    return out


@st.composite
def edited(draw: st.DrawFn, base: list[str]) -> list[str]:
    """`base` after a random edit script on whole words."""
    result = list(base)
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["replace", "delete", "insert"]))
        word_positions = [i for i, token in enumerate(result) if _WORD.fullmatch(token)]
        if kind == "insert" or not word_positions:
            at = draw(st.integers(0, len(result)))
            piece = [draw(st.sampled_from([*VOCABULARY, "NEW", "AMENDED"]))]
            if at > 0:
                piece.insert(0, " ")
            elif result:
                piece.append(" ")
            result[at:at] = piece
            continue
        at = draw(st.sampled_from(word_positions))
        if kind == "replace":
            result[at] = draw(st.sampled_from([*VOCABULARY, "NEW", "AMENDED"]))
        else:
            del result[max(at - 1, 0) : at + 1]  # the word and the separator before it
    return result


@st.composite
def triples(draw: st.DrawFn) -> tuple[str, str, str]:
    base = draw(texts())
    return "".join(base), "".join(draw(edited(base))), "".join(draw(edited(base)))


def _word_tokens(tokens) -> Counter[str]:  # type: ignore[no-untyped-def]
    return Counter(t for t in tokens if _WORD.match(t))


def _edits(base_tokens: list[str], other: str) -> tuple[Counter[str], Counter[str]]:
    """(words deleted, words inserted) by the edit script the merge itself works from."""
    deleted: Counter[str] = Counter()
    inserted: Counter[str] = Counter()
    for hunk in hunks(base_tokens, tokenize(other)):
        deleted += _word_tokens(base_tokens[hunk.start : hunk.end])
        inserted += _word_tokens(hunk.replacement)
    return deleted, inserted


@PROPERTY
@given(triples())
@example(  # a word moved by both sides: net counts would call the result doubled
    (
        "goods goods goods goods goods goods Customs goods goods goods goods goods",
        "Customs goods goods goods goods goods  CustomsCustoms goods goods goods goods goods",
        "goods goods Customs goods goods goods  CustomsCustoms goods goods goods goods goods",
    )
)
def test_a_clean_merge_loses_no_word_and_doubles_none(case: tuple[str, str, str]) -> None:
    """Counted against each side's edit script (a word moved is deleted there and inserted
    here, so net counts would not do): every base word that neither side deleted is still
    there, every word either side inserted is there, and nothing more than the base plus
    both sides' insertions."""
    base, ours, theirs = case
    result = merge3(base, ours, theirs)
    if not result.is_clean:
        return
    assert result.text is not None
    base_tokens = tokenize(base)
    b, r = _word_tokens(base_tokens), _word_tokens(tokenize(result.text))
    deleted_ours, inserted_ours = _edits(base_tokens, ours)
    deleted_theirs, inserted_theirs = _edits(base_tokens, theirs)
    for word in set(b) | set(inserted_ours) | set(inserted_theirs):
        kept = b[word] - deleted_ours[word] - deleted_theirs[word]
        assert r[word] >= kept + max(inserted_ours[word], inserted_theirs[word]), (word, case)
        assert r[word] <= b[word] + inserted_ours[word] + inserted_theirs[word], (word, case)
    # Not invented: no word fused from two, no fragment of one.
    assert set(r) <= set(b) | set(inserted_ours) | set(inserted_theirs), (case, result.text)


@PROPERTY
@given(triples())
def test_conflicts_quote_theirs_and_ours_exactly_and_in_order(case: tuple[str, str, str]) -> None:
    """A conflict never alters the proposal: each region's `theirs` is a piece of the proposal
    as written (and `ours` of the current text), in the order of the text."""
    base, ours, theirs = case
    result = merge3(base, ours, theirs)
    if result.is_clean:
        return
    assert result.text is None
    for side, text in (("theirs", theirs), ("ours", ours)):
        position = 0
        for conflict in result.conflicts:
            piece = getattr(conflict, side)
            found = text.find(piece, position)
            assert found >= 0, (side, piece, text)
            position = found + len(piece)
    spans = [(c.base_start, c.base_end) for c in result.conflicts]
    assert spans == sorted(spans)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


@PROPERTY
@given(triples())
def test_rebase_is_total_and_never_returns_a_partial_text(case: tuple[str, str, str]) -> None:
    """Either the proposal carried over whole, or no text at all and the conflicts."""
    old_base, new_base, proposed = case
    result = rebase(old_base, new_base, proposed)
    assert (result.text is None) == bool(result.conflicts)
    if result.text is not None and new_base == old_base:
        assert result.text == proposed


@settings(max_examples=examples(200))
@given(st.text(max_size=40), st.text(max_size=40), st.text(max_size=40))
def test_any_three_texts_merge_without_an_exception(base: str, ours: str, theirs: str) -> None:
    result = merge3(base, ours, theirs)
    assert result.is_clean == (result.text is not None)
