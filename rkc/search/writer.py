"""The segment writer: Whoosh's file format, written with less Python per posting.

A full reindex writes about 110,000 postings under 12,000 terms. Whoosh's `SegmentWriter`
puts each posting in a pool as a 5-tuple, sorts them all at commit, and then hands them one
by one to its postings writer, which checks each one's types and adds it to a block. Here:

- **Postings are grouped by term as they are added** (`TermPool`): per field, a dict from
  term to that term's postings, in document order. At commit only the terms are sorted.
- **Each term's postings are written a block at a time** (`IndexWriter._flush_segment`): a
  block's document numbers, weights, values and length statistics are set in one go and the
  block is written by Whoosh's own postings writer, so the files are exactly Whoosh's format
  and Whoosh reads them.
- **A term with a few postings keeps them in its term entry** (Whoosh's "inline" postings,
  which its reader supports), and small blocks are not compressed: most terms of a rebuild
  have one posting (a spelling word is written once), and compressing a pickle of a few bytes
  cost more than writing it and gave nothing back.
- **Field lengths are remembered as they are written** instead of being read back, for every
  posting, from the lengths column just written.

The postings, weights, values and lengths are the same as Whoosh's own writer gives for the
same documents (`tests/search/test_writer.py` compares the two, term by term).
"""

from __future__ import annotations

import gc
from array import array
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pickle import dumps
from typing import Any

from whoosh import writing
from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.system import pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

#: Postings per block (Whoosh's default, which its reader's skipping is tuned for).
BLOCK_LIMIT = 128

#: A term with this many postings or fewer keeps them in its term entry (Whoosh's "inline"
#: postings), not in the postings file.
INLINE_UP_TO = 4

#: A block with fewer postings than this is written uncompressed.
COMPRESS_FROM = 16

#: zlib level for the larger blocks (Whoosh's default).
COMPRESSION = 3

#: How many postings of already indexed field values a writer remembers (see
#: `IndexWriter._indexed`; about 80 bytes each).
MEMO_POSTINGS = 200_000

Posting = tuple[int, float, bytes]

#: The fixed part of a term entry (flags, weight, documents, lengths, weight, first, last).
_TERM_ENTRY = W3TermInfo._struct


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a whole index is built.

    A rebuild keeps every posting in memory until its commit: hundreds of thousands of new
    lists and tuples, each allocation counting towards the next collection, and each
    collection of the oldest generation walking all of them again. None of them is part of
    a cycle, so the collections find nothing; they were a fifth of a rebuild's time. The
    collector runs again when the commit is done (or has failed), if it was running before.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class TermPool:
    """Stands in for Whoosh's posting pool: postings grouped by (field, term) as they come.

    Documents are added in increasing document number, so each term's list is in order
    already; `terms()` sorts the lists only if a merged segment added postings.
    Everything stays in memory until the commit (Whoosh's pool spilled sorted runs to disk
    past 128 MB): a rebuild of the bench's store, 113,000 postings, holds about 26 MB,
    remembered field values included (`MEMO_POSTINGS` caps those); each further posting
    costs about 70 bytes (a tuple sharing its weight and value with the others).
    """

    def __init__(self) -> None:
        #: field -> term -> postings.
        self.postings: dict[str, defaultdict[bytes, list[Posting]]] = {}
        #: Whether postings came through `add` (from merged segments), perhaps out of order.
        self.merged = False

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        fieldname, btext, docnum, weight, value = item
        if docnum < 0:  # Whoosh's marker for a separate spelling word: we have none
            return
        self.merged = True
        posting = (docnum, weight, value or b"")
        terms = self.postings.get(fieldname)
        if terms is None:
            terms = self.postings[fieldname] = defaultdict(list)
        terms[btext].append(posting)

    def terms(self) -> list[tuple[str, bytes, list[Posting]]]:
        """Every (field, term, postings), in the order the term index is written."""
        found = [
            (fieldname, btext, terms[btext])
            for fieldname, terms in sorted(self.postings.items(), key=lambda item: item[0])
            for btext in sorted(terms)
        ]
        if self.merged:
            for _fieldname, _btext, postings in found:
                postings.sort()
        return found

    def iter_postings(self) -> Any:
        """Whoosh's pool interface (a flat, sorted stream of postings)."""
        for fieldname, btext, postings in self.terms():
            for docnum, weight, value in postings:
                yield fieldname, btext, docnum, weight, value

    def cleanup(self) -> None:
        self.postings = {}


class IndexWriter(writing.SegmentWriter):
    """Whoosh's segment writer with the pool, the document loop and the postings writing
    above. Merging, deleting and committing are Whoosh's."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pool.cleanup()
        self.pool = TermPool()
        #: Per field, per document: the length Whoosh's lengths column will answer (quantised
        #: to a byte and back), or None for a length of zero.
        self.lengths: dict[str, dict[int, int | None]] = {}
        perdoc = self.perdocwriter
        start_doc, add_field = perdoc.start_doc, perdoc.add_field
        current = [0]
        lengths = self.lengths

        def start(docnum: int) -> None:
            current[0] = docnum
            start_doc(docnum)

        def add(fieldname: str, fieldobj: Any, value: Any, length: int) -> None:
            if length:
                column = lengths.get(fieldname)
                if column is None:
                    column = lengths[fieldname] = {}
                quantised = length_to_byte(length)
                column[current[0]] = byte_to_length(quantised) if quantised else None
            add_field(fieldname, fieldobj, value, length)

        # Documents merged from other segments go through these too (`write_per_doc`).
        perdoc.start_doc, perdoc.add_field = start, add
        #: Each field's postings for a value already indexed in this commit: a revision that
        #: changes only its number or heading keeps its text, and many headings repeat.
        self._indexed: dict[
            tuple[str, Any, float], tuple[int, list[tuple[bytes, float, bytes]]]
        ] = {}
        self._memo_room = MEMO_POSTINGS
        self._plain = all(
            not field.separate_spelling() and not field.vector for _, field in self.schema.items()
        )

    def add_document(self, **fields: Any) -> None:
        """Whoosh's `add_document`, with each posting put straight into its term's list."""
        if not self._plain:
            super().add_document(**fields)
            return
        self._check_state()
        schema, perdoc, docnum = self.schema, self.perdocwriter, self.docnum
        postings = self.pool.postings
        indexed = self._indexed
        docboost = float(fields.get("_boost", 1.0))
        names = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, names)
        perdoc.start_doc(docnum)
        try:
            for name in names:
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                if field.indexed:
                    terms = postings.get(name)
                    if terms is None:
                        terms = postings[name] = defaultdict(list)
                    boost = float(fields.get(f"_{name}_boost", docboost))
                    key = (name, value, boost)
                    known = indexed.get(key)
                    if known is None:
                        known = _postings_of(field, value, boost)
                        if len(known[1]) <= self._memo_room:
                            indexed[key] = known
                            self._memo_room -= len(known[1])
                    length, items = known
                    for btext, weight, vbytes in items:
                        terms[btext].append((docnum, weight, vbytes))
                stored = fields.get(f"_stored_{name}", value)
                perdoc.add_field(name, field, stored if field.stored else None, length)
                column = field.column_type
                if column and stored is not None:
                    perdoc.add_column_value(name, column, field.to_column_value(stored))
        except Exception:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        fieldwriter = self.fieldwriter
        schema, lengths = self.schema, self.lengths
        terms = fieldwriter._tindex
        current = None
        for fieldname, btext, postings in self.pool.terms():
            if fieldname != current:
                if current is not None:
                    fieldwriter.finish_field()
                fieldwriter.start_field(fieldname, schema[fieldname])
                current = fieldname
                column = lengths.get(fieldname, {})
                prefix = pack_ushort(fieldwriter._fieldid)
            if len(postings) <= INLINE_UP_TO:
                terms.add(prefix + btext, inlined(postings, column))
                continue
            fieldwriter.start_term(btext)
            _fill_term(fieldwriter._postwriter, postings, column)
            fieldwriter.finish_term()
        if current is not None:
            fieldwriter.finish_field()
        fieldwriter.close()


def _postings_of(
    field: Any, value: Any, boost: float
) -> tuple[int, list[tuple[bytes, float, bytes]]]:
    """A field value's length (if the field is scored) and (term, weight, value) postings."""
    length = 0
    items = []
    scorable = field.scorable
    for btext, freq, weight, vbytes in field.index(value):
        if scorable:
            length += freq
        items.append((btext, weight * boost, vbytes or b""))
    return length, items


def inlined(postings: list[Posting], lengths: dict[int, int | None]) -> bytes:
    """The term entry of a term with few postings, the postings inside it: what Whoosh's
    `W3TermInfo.to_bytes` gives for such a term once `set_inlined` has been called (Whoosh's
    own writer has that path, `inlinelimit`, but calls a method its term info lacks). Weights
    are single precision, as Whoosh's arrays keep them."""
    ids, weights, all_values = zip(*postings, strict=True)
    singles = tuple(array("f", weights))
    values = tuple(value for value in all_values if value)
    shortest, longest = _length_range(ids, lengths)
    header = _TERM_ENTRY.pack(
        1,
        sum(singles),
        len(ids),
        length_to_byte(shortest) if shortest else 0,
        length_to_byte(longest),
        max(0, *weights),
        ids[0],
        ids[-1],
    )
    return header + dumps((ids, singles, values), 2)


def _length_range(ids: Sequence[int], lengths: dict[int, int | None]) -> tuple[int | None, int]:
    """The shortest and longest field length among these documents (None and 0 if none has
    the field), as Whoosh's postings writer keeps them per block."""
    known = [length for length in map(lengths.get, ids) if length]
    return (min(known), max(known)) if known else (None, 0)


def _fill_term(writer: Any, postings: list[Posting], lengths: dict[int, int | None]) -> None:
    """Give Whoosh's postings writer one term's postings a block at a time: every full block
    is written, the last is left for `finish_postings`."""
    count = len(postings)
    for start in range(0, count, BLOCK_LIMIT):
        ids, weights, values = zip(*postings[start : start + BLOCK_LIMIT], strict=True)
        writer._ids = array("I", ids)
        writer._weights = array("f", weights)
        writer._values = [value for value in values if value]
        writer._maxweight = max(0, *weights)
        writer._minlength, writer._maxlength = _length_range(ids, lengths)
        writer._compression = COMPRESSION if len(ids) >= COMPRESS_FROM else 0
        if start + BLOCK_LIMIT < count:
            writer._write_block()
