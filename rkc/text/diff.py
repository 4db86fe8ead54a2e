"""Word-level redline between two texts.

Texts are split into tokens (runs of word characters, runs of whitespace, and single other
characters).  Each distinct token is mapped to one private character, diff-match-patch diffs
the encoded strings, and ``diff_cleanupSemantic`` runs on the *encoded* diff: one character
is one token, so the cleanup can merge edits but never split a word.  Only then are the
characters mapped back to tokens.

Nothing here knows about Flask or the database; ``markupsafe`` is used only to build the
HTML redline safely.
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from diff_match_patch import diff_match_patch
from markupsafe import Markup, escape

__all__ = [
    "DEFAULT_TIMEOUT",
    "DELETE",
    "EQUAL",
    "INSERT",
    "TOKEN_RE",
    "DiffStats",
    "Op",
    "Segment",
    "apply_segments",
    "diff_stats",
    "diff_tokens",
    "new_text",
    "old_text",
    "redline_html",
    "tokenize",
    "word_diff",
]

#: Seconds diff-match-patch may spend before it falls back to a coarse diff.  The library's
#: default (1 s) can degrade a whole-chapter diff to "delete everything, insert everything".
#: ``0`` means no limit.
DEFAULT_TIMEOUT = 5.0

#: The tokeniser: a word, a run of whitespace, or one other character.  Together the three
#: alternatives match every character, so the tokens of a text always concatenate back to it.
TOKEN_RE = re.compile(r"\w+|\s+|[^\w\s]")

_WORD_RE = re.compile(r"\w+")


class Op(enum.StrEnum):
    """What a segment of a diff does."""

    EQUAL = "equal"
    INSERT = "insert"
    DELETE = "delete"


EQUAL = Op.EQUAL
INSERT = Op.INSERT
DELETE = Op.DELETE

_FROM_DMP = {
    diff_match_patch.DIFF_EQUAL: Op.EQUAL,
    diff_match_patch.DIFF_INSERT: Op.INSERT,
    diff_match_patch.DIFF_DELETE: Op.DELETE,
}


@dataclass(frozen=True)
class Segment:
    """A run of text that is kept (``EQUAL``), added (``INSERT``) or removed (``DELETE``)."""

    op: Op
    text: str


@dataclass(frozen=True)
class DiffStats:
    """How many words (``\\w+`` tokens) a diff adds and removes."""

    words_added: int
    words_removed: int


def tokenize(text: str) -> list[str]:
    """Split ``text`` into word, whitespace and single-character punctuation tokens.

    ``"".join(tokenize(text)) == text`` always holds.
    """
    return TOKEN_RE.findall(text)


# Tokens are encoded as characters starting above Latin-1, so that no token becomes a
# newline, carriage return or other character diff-match-patch's cleanups treat specially,
# and skipping the surrogate block.
_FIRST_CODEPOINT = 0x100
_SURROGATE_START = 0xD800
_SURROGATE_SIZE = 0x800
_MAX_TOKENS = 0x110000 - _FIRST_CODEPOINT - _SURROGATE_SIZE


class _TokenCodec:
    """Maps each distinct token to one character and back (``diff_linesToChars`` for tokens)."""

    def __init__(self) -> None:
        self._code: dict[str, str] = {}
        self._token: dict[str, str] = {}

    def encode(self, tokens: Iterable[str]) -> str:
        chars = []
        for token in tokens:
            char = self._code.get(token)
            if char is None:
                index = len(self._code)
                if index >= _MAX_TOKENS:
                    raise ValueError(f"too many distinct tokens to diff (more than {_MAX_TOKENS})")
                codepoint = _FIRST_CODEPOINT + index
                if codepoint >= _SURROGATE_START:
                    codepoint += _SURROGATE_SIZE
                char = chr(codepoint)
                self._code[token] = char
                self._token[char] = token
            chars.append(char)
        return "".join(chars)

    def decode(self, chars: str) -> list[str]:
        return [self._token[char] for char in chars]


def diff_tokens(
    old_tokens: Sequence[str],
    new_tokens: Sequence[str],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    semantic_cleanup: bool = True,
) -> list[tuple[Op, list[str]]]:
    """Diff two token sequences; return ``(op, tokens)`` runs, none of them empty.

    ``semantic_cleanup`` runs ``diff_cleanupSemantic`` on the encoded diff, which folds
    coincidental one-token matches into the surrounding edit so that a rewritten phrase
    reads as one change.  ``timeout`` is diff-match-patch's ``Diff_Timeout`` in seconds
    (``0`` for no limit); a diff that runs out of time is still correct, only coarser.
    """
    codec = _TokenCodec()
    old_chars = codec.encode(old_tokens)
    new_chars = codec.encode(new_tokens)
    dmp = diff_match_patch()
    dmp.Diff_Timeout = timeout
    diffs = dmp.diff_main(old_chars, new_chars, False)
    if semantic_cleanup:
        dmp.diff_cleanupSemantic(diffs)
    return [(_FROM_DMP[op], codec.decode(chars)) for op, chars in diffs if chars]


def _coalesce(segments: Iterable[Segment]) -> list[Segment]:
    """Drop empty segments and merge neighbours with the same op."""
    merged: list[Segment] = []
    for segment in segments:
        if not segment.text:
            continue
        if merged and merged[-1].op is segment.op:
            merged[-1] = Segment(segment.op, merged[-1].text + segment.text)
        else:
            merged.append(segment)
    return merged


def word_diff(old: str, new: str, *, timeout: float = DEFAULT_TIMEOUT) -> list[Segment]:
    """Word-level diff of ``old`` against ``new``.

    Segment boundaries always fall on token boundaries of both texts, no segment is empty,
    and no two neighbouring segments share an op.  Newlines are kept as they are.
    """
    runs = diff_tokens(tokenize(old), tokenize(new), timeout=timeout)
    return _coalesce(Segment(op, "".join(tokens)) for op, tokens in runs)


def old_text(segments: Iterable[Segment]) -> str:
    """The text the diff starts from: the ``EQUAL`` and ``DELETE`` segments in order."""
    return "".join(s.text for s in segments if s.op is not Op.INSERT)


def new_text(segments: Iterable[Segment]) -> str:
    """The text the diff leads to: the ``EQUAL`` and ``INSERT`` segments in order."""
    return "".join(s.text for s in segments if s.op is not Op.DELETE)


def apply_segments(old: str, segments: Sequence[Segment]) -> str:
    """Apply a diff to ``old`` and return the new text.

    Raises ``ValueError`` if the diff was not made from ``old``.
    """
    if old_text(segments) != old:
        raise ValueError("the segments do not describe a diff from this text")
    return new_text(segments)


def diff_stats(segments: Iterable[Segment]) -> DiffStats:
    """Count the words added and removed by a diff."""
    added = removed = 0
    for segment in segments:
        if segment.op is Op.INSERT:
            added += len(_WORD_RE.findall(segment.text))
        elif segment.op is Op.DELETE:
            removed += len(_WORD_RE.findall(segment.text))
    return DiffStats(words_added=added, words_removed=removed)


_INS = Markup('<ins class="redline-ins">{}</ins>')
_DEL = Markup('<del class="redline-del">{}</del>')


def redline_html(segments: Iterable[Segment]) -> Markup:
    """Render a diff as HTML: insertions in ``<ins>``, deletions in ``<del>``.

    Every piece of text is HTML-escaped; newlines are left for the caller to handle.
    """
    parts: list[Markup] = []
    for segment in segments:
        # str() strips any Markup subclass, so text is escaped even if it claims to be safe.
        text = str(segment.text)
        if segment.op is Op.INSERT:
            parts.append(_INS.format(text))
        elif segment.op is Op.DELETE:
            parts.append(_DEL.format(text))
        else:
            parts.append(escape(text))
    return Markup("").join(parts)


#: Pairs of texts up to this many characters together have their redline remembered.
REMEMBERED_LENGTH = 4000


def word_redline(old: str, new: str) -> Markup:
    """The word redline of ``old`` to ``new`` as HTML (``redline_html(word_diff(old, new))``).

    Short pairs are remembered per process (4,096 of them): a compilation shows every
    amendment of a chapter against its current text, and most pages show the same pairs again.
    A remembered redline is also the same each time, whatever the diff's time limit.
    """
    if len(old) + len(new) <= REMEMBERED_LENGTH:
        return _remembered_redline(old, new)
    return redline_html(word_diff(old, new))


@functools.lru_cache(maxsize=4096)
def _remembered_redline(old: str, new: str) -> Markup:
    return redline_html(word_diff(old, new))
