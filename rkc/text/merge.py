"""Three-way merge of texts on word tokens.

An amendment is written against a *base* text and proposes *theirs*; meanwhile the node may
have moved on to *ours*.  ``merge3`` diffs base->ours and base->theirs on the tokens of
``rkc.text.diff`` and turns each diff into hunks ``(base_start, base_end, replacement)`` in
base token coordinates.

Hunks are grouped into regions: a hunk joins the region before it when it overlaps it or when
no unchanged *word* token lies between them (whitespace and punctuation do not separate).  A
region changed by one side only is applied; a region both sides changed identically is applied
once; any other region is a conflict.  So two edits merge only when an unchanged word stands
between them, and text is never silently dropped or duplicated.

This deliberately does not use diff-match-patch's ``patch_apply``: with its default match
settings it fuzzily relocates patches and reports success while overwriting a concurrent edit
or leaving fragments of a deleted sentence.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rkc.text.diff import DEFAULT_TIMEOUT, Op, diff_tokens, tokenize

__all__ = ["Conflict", "Hunk", "MergeResult", "hunks", "merge3", "rebase"]

_WORD_RE = re.compile(r"\w")


@dataclass(frozen=True)
class Hunk:
    """Base tokens ``[start, end)`` replaced by ``replacement`` (``start == end``: insertion)."""

    start: int
    end: int
    replacement: tuple[str, ...]


@dataclass(frozen=True)
class Conflict:
    """A region of the base text that both sides changed differently.

    ``base``, ``ours`` and ``theirs`` are that region's text in the base, in the current text
    and in the proposed text.  ``base_start``/``base_end`` are the region in base *token*
    indices (as produced by ``rkc.text.diff.tokenize``); ``char_start``/``char_end`` are the
    same region in base character offsets.
    """

    base: str
    ours: str
    theirs: str
    base_start: int
    base_end: int
    char_start: int
    char_end: int


@dataclass(frozen=True)
class MergeResult:
    """The outcome of a merge: ``text`` when clean, otherwise ``None`` and the conflicts."""

    text: str | None
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def is_clean(self) -> bool:
        """True when both sides' changes were applied without conflict."""
        return not self.conflicts


def hunks(
    base_tokens: Sequence[str], other_tokens: Sequence[str], *, timeout: float = DEFAULT_TIMEOUT
) -> list[Hunk]:
    """The edit script from ``base_tokens`` to ``other_tokens`` as hunks in base coordinates.

    Hunks are sorted, do not overlap, and are separated by at least one unchanged token.
    """
    result: list[Hunk] = []
    position = 0
    start: int | None = None
    replacement: list[str] = []
    for op, tokens in diff_tokens(base_tokens, other_tokens, timeout=timeout):
        if op is Op.EQUAL:
            if start is not None:
                result.append(Hunk(start, position, tuple(replacement)))
                start, replacement = None, []
            position += len(tokens)
            continue
        if start is None:
            start = position
        if op is Op.DELETE:
            position += len(tokens)
        else:
            replacement.extend(tokens)
    if start is not None:
        result.append(Hunk(start, position, tuple(replacement)))
    return result


def _apply(base_tokens: Sequence[str], start: int, end: int, changes: Sequence[Hunk]) -> str:
    """Base tokens ``[start, end)`` with ``changes`` (sorted, inside the range) applied."""
    out: list[str] = []
    position = start
    for hunk in changes:
        out.extend(base_tokens[position : hunk.start])
        out.extend(hunk.replacement)
        position = hunk.end
    out.extend(base_tokens[position:end])
    return "".join(out)


def merge3(
    base: str,
    ours: str,
    theirs: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    prefer_superset: bool = False,
) -> MergeResult:
    """Merge the changes base->``ours`` and base->``theirs``.

    ``ours`` is the text now current (the base moved on to it); ``theirs`` is the text an
    amendment proposes.  Returns the merged text when every changed region was changed by
    one side only (or identically by both), otherwise ``text=None`` and one ``Conflict`` per
    region both sides changed differently.  ``timeout`` is passed to the token diff.
    """
    base_tokens = tokenize(base)
    ours_hunks = hunks(base_tokens, tokenize(ours), timeout=timeout)
    theirs_hunks = hunks(base_tokens, tokenize(theirs), timeout=timeout)

    # words_before[i]: how many word tokens base_tokens[:i] holds.
    words_before = [0, *itertools.accumulate(1 if _WORD_RE.match(t) else 0 for t in base_tokens)]
    chars_before = [0, *itertools.accumulate(len(t) for t in base_tokens)]

    # Walk all hunks in base order, growing a region while the next hunk overlaps it or
    # touches it with no unchanged word in between.
    tagged = sorted(
        [(h.start, h.end, 0, h) for h in ours_hunks]
        + [(h.start, h.end, 1, h) for h in theirs_hunks],
        key=lambda item: (item[0], item[1], item[2]),
    )
    regions: list[tuple[int, int, list[Hunk], list[Hunk]]] = []
    for start, end, side, hunk in tagged:
        if regions:
            r_start, r_end, r_ours, r_theirs = regions[-1]
            if start < r_end or words_before[start] == words_before[r_end]:
                (r_ours if side == 0 else r_theirs).append(hunk)
                regions[-1] = (r_start, max(r_end, end), r_ours, r_theirs)
                continue
        regions.append((start, end, [hunk] if side == 0 else [], [hunk] if side == 1 else []))

    applied: list[Hunk] = []
    conflicts: list[Conflict] = []
    for r_start, r_end, r_ours, r_theirs in regions:
        if not r_theirs or r_ours == r_theirs:
            applied.extend(r_ours)
        elif not r_ours:
            applied.extend(r_theirs)
        elif prefer_superset and (
            chosen := _superset(
                _apply(base_tokens, r_start, r_end, r_ours),
                _apply(base_tokens, r_start, r_end, r_theirs),
                r_ours,
                r_theirs,
            )
        ):
            applied.extend(chosen)
        else:
            conflicts.append(
                Conflict(
                    base="".join(base_tokens[r_start:r_end]),
                    ours=_apply(base_tokens, r_start, r_end, r_ours),
                    theirs=_apply(base_tokens, r_start, r_end, r_theirs),
                    base_start=r_start,
                    base_end=r_end,
                    char_start=chars_before[r_start],
                    char_end=chars_before[r_end],
                )
            )
    if conflicts:
        return MergeResult(text=None, conflicts=conflicts)
    return MergeResult(text=_apply(base_tokens, 0, len(base_tokens), applied))


def _words(text: str) -> list[str]:
    return [t for t in tokenize(text) if _WORD_RE.match(t)]


def _contains_in_order(longer: list[str], shorter: list[str]) -> bool:
    remaining = iter(longer)
    return all(word in remaining for word in shorter)


def _superset(ours: str, theirs: str, r_ours: list[Hunk], r_theirs: list[Hunk]) -> list[Hunk]:
    """The side whose words hold all the other side's words in order (it kept the other's
    change and added to it), or [] when neither does."""
    ours_words, theirs_words = _words(ours), _words(theirs)
    if _contains_in_order(theirs_words, ours_words):
        return r_theirs
    if _contains_in_order(ours_words, theirs_words):
        return r_ours
    return []


def suggest(base: str, ours: str, theirs: str, *, timeout: float = DEFAULT_TIMEOUT) -> str | None:
    """A merge to propose to a person resolving a conflict, or None when there is none.

    Like `merge3`, except that a region both sides changed is settled when one side's words
    contain the other side's in order (one side kept the other's change and added to it):
    that side wins. Only ever a suggestion: the person edits it before it is saved.
    """
    return merge3(base, ours, theirs, timeout=timeout, prefer_superset=True).text


def rebase(
    old_base: str, new_base: str, proposed: str, *, timeout: float = DEFAULT_TIMEOUT
) -> MergeResult:
    """Carry a proposal written against ``old_base`` over to ``new_base``.

    Same as ``merge3(base=old_base, ours=new_base, theirs=proposed)``: a clean result's
    ``text`` is the proposal re-expressed against the new text (the new text plus the
    proposal's changes); a conflict means the proposal changes something that moved on
    meanwhile, and it must be redrafted rather than silently altered.
    """
    return merge3(old_base, new_base, proposed, timeout=timeout)
