"""Match and score a parsed query over whole posting lists.

Whoosh matches a query by walking a tree of matchers one document at a time: a word looked
up in four fields is a tree of three unions, a search of two words an intersection of two
such trees, and every step of every matcher is a Python method call (about 120,000 calls for
a search of "customs", most of a slow search's time). Here the query is evaluated a node at a
time instead:

- a **term** reads its postings a block at a time and scores them all in one comprehension,
  with BM25F exactly as Whoosh computes it (the same expression, with each document's length
  part worked out once per index generation);
- an **OR** adds its children's scores, an **AND** keeps the documents every child matched
  and adds their scores (the child matching fewest documents first, each next one scored
  only on the documents left), a **NOT** under an AND leaves documents out (and, as in Whoosh,
  adds 1.0 to each kept score), AND NOT keeps the first side's scores;
- a **prefix or wildcard** is the OR of the terms it expands to, scored as Whoosh scores it
  (which, on an index of up to 5,000 documents, is 1.0 for each document);
- anything else (phrases, `Every`, ...) is walked with its own Whoosh matcher, and its
  scores are used as they are.

The documents matched and their scores are Whoosh's (tests/search/test_matching.py compares
the two for many queries); only the order in which a document's partial scores are added
may differ, which can change the last bits of a score.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.scoring import BM25FScorer, WeightScorer
from whoosh.searching import Searcher

Scores = dict[int, float]

#: A set of document numbers to keep to (None: all).
Within = Collection[int] | None

#: `remember(key, compute)`: compute() once per index generation (see IndexView.remembered).
Remember = Callable[[Any, Callable[[], Any]], Any]

#: What Whoosh's `InverseMatcher` (a NOT) gives each document it matches.
NOT_SCORE = 1.0


def scored_matches(searcher: Searcher, parsed: wq.Query, remember: Remember) -> Scores:
    """Every document `parsed` matches (numbers of the whole index) and its score."""
    found: Scores = {}
    context = searcher.context()
    for number, (leaf, offset) in enumerate(searcher.leaf_searchers()):
        scores = _Leaf(leaf, context, number, remember).evaluate(parsed)
        if offset:
            found.update((docnum + offset, score) for docnum, score in scores.items())
        else:
            found.update(scores)
    return found


class _Leaf:
    """One segment's searcher, evaluating a query tree over it."""

    def __init__(self, leaf: Searcher, context: Any, number: int, remember: Remember):
        self.leaf = leaf
        self.reader = leaf.reader()
        self.context = context
        self.weighting = context.weighting or leaf.weighting
        self.number = number
        self.remember = remember

    def evaluate(self, node: wq.Query, within: Within = None) -> Scores:
        """The documents `node` matches and their scores; with `within`, only those of
        these documents (the others are neither scored nor returned)."""
        kind = type(node)
        if node is wq.NullQuery or kind is type(wq.NullQuery):
            return {}
        if kind is wq.Term:
            scores = self.term(node.fieldname, node.text, within)
            return _boosted(scores, node.boost)
        if kind is wq.Or and not node.minmatch and not node.scale:
            return self.union(node.subqueries, node.boost, within)
        if kind is wq.And:
            return self.intersection(node.subqueries, node.boost, within)
        if kind is wq.AndNot:
            kept = self.evaluate(node.a, within)
            left_out = self.evaluate(node.b, kept.keys())
            return {docnum: score for docnum, score in kept.items() if docnum not in left_out}
        if kind in (wq.Prefix, wq.Wildcard):
            return self.expanded(node, within)
        return self.walked(node, within)

    # ------------------------------------------------------------------ the nodes

    def term(self, fieldname: str, text: Any, within: Within = None) -> Scores:
        schema = self.leaf.schema
        if fieldname not in schema:
            return {}
        try:
            btext = schema[fieldname].to_bytes(text)
        except ValueError:
            return {}
        if (fieldname, btext) not in self.reader:
            return {}
        scorer = self.weighting.scorer(self.leaf, fieldname, btext)
        matcher = self.reader.postings(fieldname, btext, scorer=scorer)
        if type(scorer) is BM25FScorer:
            ids, weights = _postings(matcher, within)
            norms = self.norms(fieldname, scorer)
            idf, k1_plus_1 = scorer.idf, scorer.K1 + 1
            # bm25() in whoosh.scoring, with the length part looked up.
            return {
                docnum: idf * ((weight * k1_plus_1) / (weight + norms[docnum]))
                for docnum, weight in zip(ids, weights, strict=True)
            }
        if type(scorer) is WeightScorer:
            ids, weights = _postings(matcher, within)
            return dict(zip(ids, weights, strict=True))
        return _walk(matcher, within)

    def term_ids(self, fieldname: str, btext: bytes, within: Within = None) -> list[int]:
        """The documents holding a term (unscored)."""
        if (fieldname, btext) not in self.reader:
            return []
        return _postings(self.reader.postings(fieldname, btext), within)[0]

    def union(self, children: list[wq.Query], boost: float, within: Within = None) -> Scores:
        found: Scores = {}
        for child in children:
            scores = self.evaluate(child, within)
            if not found:
                found = dict(scores)
                continue
            common = found.keys() & scores.keys()
            merged = found | scores
            for docnum in common:
                merged[docnum] = found[docnum] + scores[docnum]
            found = merged
        return _boosted(found, boost)

    def intersection(self, children: list[wq.Query], boost: float, within: Within = None) -> Scores:
        """The children with the fewest documents first: each next child is scored only on
        the documents every earlier one matched ("de" in a French search, "customs" next to
        a rarer word, are not scored on the thousand units that hold them)."""
        kept = [child for child in children if not isinstance(child, wq.Not)]
        refused = [child.query for child in children if isinstance(child, wq.Not)]
        if not kept:
            return self.walked(wq.And(children, boost=boost), within)
        found: Scores | None = None
        for child in sorted(kept, key=self._size):
            scores = self.evaluate(child, within if found is None else found.keys())
            if found is None:
                found = scores
            else:
                found = {
                    docnum: score + scores[docnum]
                    for docnum, score in found.items()
                    if docnum in scores
                }
            if not found:
                return {}
        assert found is not None
        for child in refused:
            left_out = self.evaluate(child, found.keys())
            found = {
                docnum: score + NOT_SCORE
                for docnum, score in found.items()
                if docnum not in left_out
            }
        return _boosted(found, boost)

    def _size(self, node: wq.Query) -> int:
        """Whoosh's estimate of how many documents a node matches (an upper bound)."""
        try:
            return int(node.estimate_size(self.reader))
        except Exception:  # a node without an estimate goes last
            return self.reader.doc_count_all()

    def expanded(self, node: wq.MultiTerm, within: Within = None) -> Scores:
        """A prefix or wildcard, scored as Whoosh's `MultiTerm.matcher` scores it: one term
        alone as that term (without the node's boost); several as an OR of them, which
        Whoosh reads into an array *unscored* (1.0 for each document, whatever the boost)
        when its rule for small indexes applies (`_preloads`), else as scored unions."""
        fieldname = node.field()
        words = [word for word in node._btexts(self.reader) if word]
        if len(words) == 1:
            return self.term(fieldname, words[0], within)
        if node.constantscore and _preloads(
            len(words), self.leaf.doc_count_all(), self.context.needs_current
        ):
            found: Scores = {}
            for word in words:
                found.update(dict.fromkeys(self.term_ids(fieldname, word, within), 1.0))
            return found
        return self.union([wq.Term(fieldname, word) for word in words], node.boost, within)

    def walked(self, node: wq.Query, within: Within = None) -> Scores:
        """Any other node, matched by Whoosh."""
        return _walk(node.matcher(self.leaf, self.context), within)

    # ------------------------------------------------------------------ per generation

    def norms(self, fieldname: str, scorer: BM25FScorer) -> list[float]:
        """Per document: `K1 * ((1 - B) + B * length / average length)`, the part of
        BM25F's denominator that depends on the document alone."""
        key = ("bm25 norms", self.number, fieldname, scorer.B, scorer.K1, scorer.avgfl)

        def compute() -> list[float]:
            leaf, B, K1, avgfl = self.leaf, scorer.B, scorer.K1, scorer.avgfl
            # A document without the field has no length (None): no term of the field
            # matches it, so its entry is never read.
            lengths = (
                leaf.doc_field_length(docnum, fieldname, 1) or 1
                for docnum in range(self.reader.doc_count_all())
            )
            return [K1 * ((1 - B) + B * length / avgfl) for length in lengths]

        return self.remember(key, compute)  # type: ignore[no-any-return]


def _preloads(clauses: int, doc_count: int, needs_current: bool) -> bool:
    """Whether Whoosh's `Or` (matcher type AUTO) reads its matches into an array rather
    than building a tree of unions (`whoosh.query.compound.Or._matcher`)."""
    if clauses >= wq.Or.TOO_MANY_CLAUSES:
        return True
    return not (needs_current or clauses == 2 or doc_count > 5000)


def _boosted(scores: Scores, boost: float) -> Scores:
    if boost == 1.0:
        return scores
    return {docnum: score * boost for docnum, score in scores.items()}


def _postings(matcher: Any, within: Within = None) -> tuple[list[int], list[float]]:
    """A term's document numbers and weights: a block at a time from Whoosh's postings file
    (leaving out deleted documents, which Whoosh's reader does with a `FilterMatcher` around
    the postings), else one posting at a time (a term kept in its term entry)."""
    ids: list[int] = []
    weights: list[float] = []
    deleted: frozenset[int] = frozenset()
    raw = matcher
    if type(matcher) is FilterMatcher and matcher._exclude:
        deleted, raw = matcher._ids, matcher.child
    if type(raw) is W3LeafMatcher:
        for block_ids, block_weights in _blocks(raw):
            if deleted or within is not None:
                kept = [
                    i
                    for i, docnum in enumerate(block_ids)
                    if docnum not in deleted and (within is None or docnum in within)
                ]
                block_ids = [block_ids[i] for i in kept]
                block_weights = [block_weights[i] for i in kept]
            ids.extend(block_ids)
            weights.extend(block_weights)
        return ids, weights
    while matcher.is_active():
        docnum = matcher.id()
        if within is None or docnum in within:
            ids.append(docnum)
            weights.append(matcher.weight())
        matcher.next()
    return ids, weights


def _blocks(matcher: W3LeafMatcher) -> Iterator[tuple[Any, Any]]:
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        if matcher._weights is None:
            matcher._read_weights()
        start = matcher._i
        yield matcher._ids[start:], matcher._weights[start:]
        matcher._next_block()


def _walk(matcher: Any, within: Within = None) -> Scores:
    found: Scores = {}
    while matcher.is_active():
        docnum = matcher.id()
        if within is None or docnum in within:
            found[docnum] = matcher.score()
        matcher.next()
    return found
