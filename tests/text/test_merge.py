"""Tests for the three-way merge (rkc.text.merge)."""

from __future__ import annotations

from diff_match_patch import diff_match_patch
from hypothesis import given, settings
from hypothesis import strategies as st

from rkc.text.diff import tokenize
from rkc.text.merge import Conflict, Hunk, MergeResult, hunks, merge3, rebase

from ..properties import examples

PROPERTY = settings(max_examples=examples(200), deadline=None)

PIECES = [
    "the", "goods", "shall", "be", "released", "Customs", "a", "b", "1", "é",
    " ", " ", " ", "  ", "\n", ",", ".", ";", "(", ")",
]  # fmt: skip

texts = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=30).map("".join),
    st.text(max_size=30),
)

BASE = (
    "Goods shall be examined at the customs office. "
    "The declarant shall be present at the examination. "
    "Customs shall release the goods within one working day."
)


# --- properties -----------------------------------------------------------------------


@PROPERTY
@given(texts, texts)
def test_unchanged_current_text_takes_the_proposal(base: str, proposed: str) -> None:
    assert merge3(base, base, proposed) == MergeResult(text=proposed, conflicts=[])


@PROPERTY
@given(texts, texts)
def test_identical_changes_apply_once(base: str, changed: str) -> None:
    assert merge3(base, changed, changed) == MergeResult(text=changed, conflicts=[])


@PROPERTY
@given(texts, texts)
def test_proposal_without_changes_keeps_the_current_text(base: str, current: str) -> None:
    assert merge3(base, current, base) == MergeResult(text=current, conflicts=[])


@PROPERTY
@given(texts, texts, texts)
def test_merge_is_symmetric_and_conflicts_describe_the_base(
    base: str, ours: str, theirs: str
) -> None:
    forward, backward = merge3(base, ours, theirs), merge3(base, theirs, ours)
    assert forward.text == backward.text
    assert forward.is_clean == backward.is_clean == (forward.text is not None)
    assert [(c.ours, c.theirs) for c in forward.conflicts] == [
        (c.theirs, c.ours) for c in backward.conflicts
    ]
    base_tokens = tokenize(base)
    for conflict in forward.conflicts:
        assert conflict.base == base[conflict.char_start : conflict.char_end]
        assert conflict.base == "".join(base_tokens[conflict.base_start : conflict.base_end])
        assert conflict.ours != conflict.theirs


@PROPERTY
@given(texts, texts)
def test_hunks_rebuild_the_other_text(base: str, other: str) -> None:
    base_tokens = tokenize(base)
    out, position = [], 0
    for hunk in hunks(base_tokens, tokenize(other)):
        assert position <= hunk.start <= hunk.end
        assert hunk.start < hunk.end or hunk.replacement
        out.extend(base_tokens[position : hunk.start])
        out.extend(hunk.replacement)
        position = hunk.end
    out.extend(base_tokens[position:])
    assert "".join(out) == other


@st.composite
def separated_edits(draw: st.DrawFn) -> tuple[str, str, str, str]:
    """(base, ours, theirs, expected) where each side edits words at least 3 words apart.

    Base words are distinct lower-case words; inserted words are upper-case, so no edit can
    be mistaken for an unchanged word.
    """
    words = draw(
        st.lists(
            st.text(alphabet="abcdefgh", min_size=1, max_size=4),
            min_size=1,
            max_size=25,
            unique=True,
        )
    )
    positions: list[int] = []
    for position in sorted(draw(st.sets(st.integers(0, len(words) - 1)))):
        if not positions or position - positions[-1] >= 3:
            positions.append(position)
    edits = {
        position: (
            draw(st.sampled_from(["ours", "theirs"])),
            draw(st.sampled_from(["replace", "delete", "insert_before", "insert_after"])),
            draw(st.text(alphabet="XYZ", min_size=1, max_size=3)),
        )
        for position in positions
    }

    def build(sides: set[str]) -> str:
        out: list[str] = []
        for index, word in enumerate(words):
            side, kind, new = edits.get(index, ("", "", ""))
            if side not in sides:
                out.append(word)
            elif kind == "replace":
                out.append(new)
            elif kind == "insert_before":
                out += [new, word]
            elif kind == "insert_after":
                out += [word, new]
            # delete: nothing
        return " ".join(out)

    return build(set()), build({"ours"}), build({"theirs"}), build({"ours", "theirs"})


@PROPERTY
@given(separated_edits())
def test_separated_changes_both_apply_without_loss_or_duplication(
    case: tuple[str, str, str, str],
) -> None:
    base, ours, theirs, expected = case
    result = merge3(base, ours, theirs)
    assert result.conflicts == []
    assert result.text == expected


# --- named scenarios ------------------------------------------------------------------


def test_unrelated_sentence_changed_meanwhile_applies() -> None:
    current = BASE.replace("within one working day", "within two working days")
    proposed = BASE.replace("at the customs office", "at the designated customs office")
    result = merge3(BASE, current, proposed)
    assert result.is_clean
    assert result.text == (
        "Goods shall be examined at the designated customs office. "
        "The declarant shall be present at the examination. "
        "Customs shall release the goods within two working days."
    )


def test_same_sentence_rewritten_meanwhile_is_a_conflict() -> None:
    current = BASE.replace(
        "Customs shall release the goods within one working day.",
        "Customs shall release the goods promptly.",
    )
    proposed = BASE.replace(
        "Customs shall release the goods within one working day.",
        "Customs shall release the goods within three working days.",
    )
    result = merge3(BASE, current, proposed)
    assert not result.is_clean
    assert result.text is None
    [conflict] = result.conflicts
    assert "one" in conflict.base
    assert "promptly" in conflict.ours
    assert "one" not in conflict.ours
    assert "three" in conflict.theirs
    assert "promptly" not in conflict.theirs
    assert BASE[conflict.char_start : conflict.char_end] == conflict.base


def test_neighbouring_words_apply_when_an_unchanged_word_separates_them() -> None:
    base = "Customs shall release the goods promptly."
    result = merge3(
        base,
        "Customs shall clear the goods promptly.",
        "Customs shall release the consignment promptly.",
    )
    assert result == MergeResult(text="Customs shall clear the consignment promptly.")


def test_adjacent_words_are_a_conflict() -> None:
    base = "Customs shall release the goods promptly."
    result = merge3(
        base,
        "Customs may release the goods promptly.",
        "Customs shall clear the goods promptly.",
    )
    assert result.text is None
    assert result.conflicts == [
        Conflict(
            base="shall release",
            ours="may release",
            theirs="shall clear",
            base_start=2,
            base_end=5,
            char_start=8,
            char_end=21,
        )
    ]


def test_words_separated_only_by_punctuation_are_a_conflict() -> None:
    base = "It covers goods, vehicles and vessels."
    result = merge3(
        base,
        "It covers cargo, vehicles and vessels.",
        "It covers goods, lorries and vessels.",
    )
    assert not result.is_clean
    [conflict] = result.conflicts
    assert (conflict.base, conflict.ours, conflict.theirs) == (
        "goods, vehicles",
        "cargo, vehicles",
        "goods, lorries",
    )


def test_deleting_a_sentence_that_was_edited_meanwhile_is_a_conflict() -> None:
    current = BASE.replace("The declarant shall", "The declarant or an authorised agent may")
    proposed = BASE.replace("The declarant shall be present at the examination. ", "")
    result = merge3(BASE, current, proposed)
    assert result.text is None
    [conflict] = result.conflicts
    assert conflict.theirs.strip() == ""
    assert "authorised agent may be present" in conflict.ours
    assert "The declarant shall be present" in conflict.base


def test_deleting_a_sentence_beside_an_edit_with_a_word_between_applies() -> None:
    current = BASE.replace("within one working day", "within two working days")
    proposed = BASE.replace("The declarant shall be present at the examination. ", "")
    result = merge3(BASE, current, proposed)
    assert result.text == (
        "Goods shall be examined at the customs office. "
        "Customs shall release the goods within two working days."
    )


def test_patch_apply_silently_loses_an_edit_that_merge3_reports() -> None:
    base = (
        "Customs shall release the goods within one working day after lodgement of the declaration."
    )
    current = base.replace("lodgement", "acceptance")  # the node moved on meanwhile
    proposed = "Customs shall release the goods within one working day."  # deletes the clause

    dmp = diff_match_patch()
    patched, applied = dmp.patch_apply(dmp.patch_make(base, proposed), current)
    # diff-match-patch reports every patch as applied ...
    assert all(applied)
    # ... and the concurrent edit ("acceptance") has vanished without a word.
    assert "acceptance" not in patched
    assert patched == proposed

    result = merge3(base, current, proposed)
    assert result.text is None
    [conflict] = result.conflicts
    assert "acceptance" in conflict.ours
    assert "lodgement" in conflict.base
    assert "acceptance" not in conflict.theirs
    assert "lodgement" not in conflict.theirs


def test_identical_insertions_apply_once() -> None:
    base = "Goods shall be examined."
    both = "Goods shall be examined promptly."
    assert merge3(base, both, both).text == both


def test_different_insertions_at_one_place_are_a_conflict() -> None:
    base = "Goods shall be examined."
    result = merge3(base, "Goods shall be examined promptly.", "Goods shall be examined today.")
    assert result.text is None
    [conflict] = result.conflicts
    assert (conflict.base, conflict.ours, conflict.theirs) == ("", " promptly", " today")
    assert conflict.base_start == conflict.base_end


def test_each_conflicting_region_is_reported_and_clean_parts_do_not_hide_them() -> None:
    base = "alpha beta gamma delta epsilon zeta eta theta"
    ours = "ALPHA beta gamma delta EPSILON zeta eta theta"
    theirs = "alpha2 beta gamma delta epsilon2 zeta eta THETA"
    result = merge3(base, ours, theirs)
    assert result.text is None
    assert [(c.base, c.ours, c.theirs) for c in result.conflicts] == [
        ("alpha", "ALPHA", "alpha2"),
        ("epsilon", "EPSILON", "epsilon2"),
    ]


def test_empty_texts() -> None:
    assert merge3("", "", "") == MergeResult(text="")
    assert merge3("", "", "new") == MergeResult(text="new")
    assert merge3("", "a", "a").text == "a"
    assert merge3("", "a", "b").conflicts == [Conflict("", "a", "b", 0, 0, 0, 0)]
    assert merge3("old", "", "old").text == ""


def test_rebase_is_merge3_with_the_new_base_as_ours() -> None:
    old_base = "Customs shall release the goods promptly."
    new_base = "Customs shall clear the goods promptly."
    proposed = "Customs shall release the consignment promptly."
    assert rebase(old_base, new_base, proposed) == merge3(old_base, new_base, proposed)
    assert rebase(old_base, new_base, proposed).text == (
        "Customs shall clear the consignment promptly."
    )


def test_hunks_are_in_base_token_coordinates() -> None:
    base = tokenize("Customs shall release the goods.")
    assert hunks(base, tokenize("Customs may release the goods now.")) == [
        Hunk(2, 3, ("may",)),
        Hunk(9, 9, (" ", "now")),
    ]
