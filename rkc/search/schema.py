"""The Whoosh schema: one document per revision of a node. Which editions hold a revision is
not in the documents: it is the editions' manifests (see rkc/search/index.py, `Membership`).

Whoosh is used only inside rkc/search/, so the engine can change without touching anything
else. Bump SCHEMA_VERSION whenever a field or an analyser changes: an index written with
another version is rebuilt at the next start.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from whoosh import analysis, columns, fields, formats, scoring
from whoosh.analysis.acore import Token
from whoosh.analysis.tokenizers import default_pattern
from whoosh.lang import stemmer_for_language
from whoosh.lang.porter import stem as porter_stem
from whoosh.support.charset import accent_map
from whoosh.system import pack_uint

#: Written into the index; an index with another number is rebuilt. 3: revision and node ids,
#: doctype, kind, annex and chapter are columns (and stored) without postings, revisions have
#: no doc_id, a rebuild writes each spelling word once; the analysers give the same words.
SCHEMA_VERSION = 3

#: The id of the one bookkeeping document (see rkc/search/index.py).
STATE_DOC_ID = "_state"

# No stop words, in either language: "right of appeal" must not match "right to appeal", and
# "may" against "shall" is the difference between a Standard and a Recommended Practice.
# Common words simply score low (BM25), and the index is small enough to keep them.


# Accents are folded *before* stemming, in the index and in queries alike, so that a word
# typed without its accents (presentees, dedouanees) meets the same stem as the text's.


#: What French elides before a vowel (l'information, d'origine, qu'il, n'est): split off by
#: the tokenizer, these letters name nothing and are dropped, in the index and in queries.
FRENCH_ELISIONS = frozenset({"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu"})

#: Per kind of analysis, each word as lowered -> the word as indexed. Shared by every copy of
#: an analyser (Whoosh unpickles the schema's analysers each time it opens the index).
_FORMS: dict[tuple[str, bool, bool], dict[str, str]] = {}
#: A bound on each of those memories (the Convention's vocabulary is ~20,000 words).
_FORMS_LIMIT = 200_000


_STEMMERS: dict[str, Callable[[str], str]] = {"en": porter_stem}


#: Whoosh's `default_pattern` (what `WordAnalyzer` tokenises with) without its capturing
#: group, so that `findall` gives whole words: the same spans, without a match object each.
_WORDS = re.compile(r"[\w\*]+(?:\.?[\w\*]+)*")


def _stemmer(language: str) -> Callable[[str], str]:
    found = _STEMMERS.get(language)
    if found is None:
        found = _STEMMERS[language] = stemmer_for_language(language)
    return found


class WordAnalyzer(analysis.Tokenizer):
    """Words, lower case, stop words dropped, accents folded, stemmed: in one pass.

    Gives exactly the tokens of `RegexTokenizer() | LowercaseFilter() | StopFilter(stops,
    minsize=1) | CharsetFilter(accent_map) | StemFilter(lang)` (the French chain; the others
    leave steps out), positions and character offsets included, but without a generator per
    step and with each word's indexed form remembered: analysis was a third of a full reindex
    and most of the cost of highlighting.
    """

    def __init__(
        self,
        language: str,
        *,
        fold: bool = True,
        stem: bool = True,
        stops: frozenset[str] = frozenset(),
    ):
        self.language = language
        self.fold = fold
        self.stem = stem
        self.stops = stops
        self.expression = default_pattern

    def _settings(self) -> tuple[str, bool, bool, frozenset[str]]:
        return self.language, self.fold, self.stem, self.stops

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WordAnalyzer) and self._settings() == other._settings()

    def __hash__(self) -> int:
        return hash(self._settings())

    def _forms(self, no_morph: bool) -> tuple[dict[str, str], Callable[[str], str]]:
        stem = self.stem and not no_morph
        key = (self.language, self.fold, stem)
        forms = _FORMS.get(key)
        if forms is None or len(forms) > _FORMS_LIMIT:
            forms = _FORMS[key] = {}
        fold, stemmer = self.fold, _stemmer(self.language) if stem else None

        def form(lowered: str) -> str:
            text = lowered.translate(accent_map) if fold else lowered
            if stemmer is not None:
                text = stemmer(text)
            forms[lowered] = text
            return text

        return forms, form

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        no_morph: bool = False,
        **kwargs: Any,
    ) -> Iterator[Token]:
        if not isinstance(value, str):
            raise TypeError(f"{value!r} is not text")
        forms, form = self._forms(no_morph)
        stops = self.stops
        fold = self.fold
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if tokenize:
            spans = ((m.group(0), m.start(), m.end()) for m in self.expression.finditer(value))
        else:
            spans = iter([(value, 0, len(value))])
            keeporiginal = True
        kept = None  # the position of the last word kept (StopFilter renumbers after a stop)
        for offset, (raw, start, end) in enumerate(spans):
            lowered = raw.lower()
            pos = start_pos + offset
            if lowered in stops:
                if removestops:
                    continue
                t.stopped = True
                t.text = lowered.translate(accent_map) if fold else lowered
            else:
                t.stopped = False
                text = forms.get(lowered)
                t.text = text if text is not None else form(lowered)
                if stops:
                    pos = pos if kept is None else kept + 1
                    kept = pos
            t.boost = 1.0
            if keeporiginal:
                t.original = raw
            if positions:
                t.pos = pos
            if chars:
                t.startchar = start_char + start
                t.endchar = start_char + end
            yield t

    def words(self, value: str) -> list[tuple[str, int]]:
        """(word as indexed, position) of every word kept, as `self(value, positions=True)`
        gives them, without a Token: what indexing needs (see `WordsField.index`)."""
        forms, form = self._forms(False)
        stops = self.stops
        lowered = [raw.lower() for raw in _WORDS.findall(value)]
        if not stops:
            return [
                (text if (text := forms.get(word)) is not None else form(word), pos)
                for pos, word in enumerate(lowered)
            ]
        found: list[tuple[str, int]] = []
        kept = None
        for pos, word in enumerate(lowered):
            if word in stops:
                continue
            text = forms.get(word)
            if text is None:
                text = form(word)
            pos = pos if kept is None else kept + 1
            kept = pos
            found.append((text, pos))
        return found

    def word_set(self, value: str) -> set[str]:
        """The distinct words of `value` as indexed (what `words` gives, without positions)."""
        forms, form = self._forms(False)
        lowered = {raw.lower() for raw in _WORDS.findall(value)} - self.stops
        return {text if (text := forms.get(word)) is not None else form(word) for word in lowered}


def english_analyzer() -> WordAnalyzer:
    """Words, lower case, accents folded (café = cafe), Porter stemming."""
    return WordAnalyzer("en")


def french_analyzer() -> WordAnalyzer:
    """Words, lower case, elided articles dropped, accents folded, French Snowball stemming."""
    return WordAnalyzer("fr", stops=FRENCH_ELISIONS)


def spelling_analyzer(language: str) -> WordAnalyzer:
    """Words as written (lower case; French elisions dropped), for "did you mean"."""
    stops = FRENCH_ELISIONS if language == "fr" else frozenset()
    return WordAnalyzer(language, fold=False, stem=False, stops=stops)


#: Positions -> their encoding in Whoosh's `Positions` format (a pickle of the gaps): most
#: words occur once in a unit, at one of a few hundred positions, so most lists repeat.
_ENCODED: dict[tuple[int, ...], bytes] = {}
_ENCODED_LIMIT = 100_000


class WordsField(fields.TEXT):
    """A TEXT field whose postings come straight from its WordAnalyzer's words.

    The same postings as Whoosh's `Positions`/`Frequency` formats compute from the analyser's
    tokens (word, frequency, weight, encoded positions or frequency), without a generator
    and a Token per word; anything else goes the ordinary way.
    """

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        analyzer, fmt = self.analyzer, self.format
        if kwargs or not isinstance(analyzer, WordAnalyzer) or not isinstance(value, str):
            yield from super().index(value, **kwargs)
            return
        boost = fmt.field_boost
        if type(fmt) is formats.Positions:
            places: dict[str, list[int]] = {}
            for text, pos in analyzer.words(value):
                found = places.get(text)
                if found is None:
                    places[text] = [pos]
                else:
                    found.append(pos)
            encode = fmt.encode
            for text, poslist in places.items():
                key = tuple(poslist)
                encoded = _ENCODED.get(key)
                if encoded is None:
                    encoded = encode(poslist)
                    if len(_ENCODED) < _ENCODED_LIMIT:
                        _ENCODED[key] = encoded
                yield text.encode("utf-8"), len(poslist), len(poslist) * boost, encoded
        elif type(fmt) is formats.Frequency:
            counts = Counter(text for text, _pos in analyzer.words(value))
            for text, count in counts.items():
                yield text.encode("utf-8"), count, count * boost, pack_uint(count)
        else:
            yield from super().index(value, **kwargs)


_SPACED = re.compile(r"[^ \t\r\n]+")


class Keywords(fields.KEYWORD):
    """A space-separated KEYWORD field whose postings are computed directly (the same as
    Whoosh's `Frequency` format gives from `KeywordAnalyzer`'s tokens; see `WordsField`)."""

    def __init__(self, *, lowercase: bool = False, **kwargs: Any):
        super().__init__(lowercase=lowercase, **kwargs)
        self.lowercase = lowercase

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        if kwargs or not isinstance(value, str) or type(self.format) is not formats.Frequency:
            yield from super().index(value, **kwargs)
            return
        words = _SPACED.findall(value)
        boost = self.format.field_boost
        counts = Counter(w.lower() for w in words) if self.lowercase else Counter(words)
        for text, count in counts.items():
            yield text.encode("utf-8"), count, count * boost, pack_uint(count)


class Identifier(fields.ID):
    """An ID field whose one posting is written directly (Whoosh's `Existence` format over
    `IDAnalyzer`'s one token gives the same); with `indexed=False`, a stored value and a
    column only (what facets read), no posting nobody searches."""

    def __init__(self, *, indexed: bool = True, **kwargs: Any):
        super().__init__(**kwargs)
        self.indexed = indexed

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        if (
            kwargs
            or not isinstance(value, str)
            or not value
            or type(self.format) is not formats.Existence
            or not isinstance(self.analyzer, analysis.IDTokenizer)
        ):
            yield from super().index(value, **kwargs)
            return
        yield value.encode("utf-8"), 1, self.format.field_boost, b""


class NumberColumn(fields.FieldType):
    """A whole number kept as a column and among the stored fields, never searched: no
    postings (a NUMERIC field writes 16 terms per document for range queries, a third of
    every posting a full reindex wrote, for ids nobody searches by)."""

    indexed = False
    scorable = False

    def __init__(self, *, stored: bool = True):
        self.stored = stored
        self.column_type = columns.NumericColumn("Q", default=0)

    def to_column_value(self, value: Any) -> int:
        return int(value or 0)

    def from_column_value(self, value: Any) -> int:
        return int(value)

    def to_bytes(self, value: Any) -> bytes:
        return str(int(value)).encode("ascii")

    def from_bytes(self, value: bytes) -> int:
        return int(value)


def build_schema() -> fields.Schema:
    """A new Schema object (Whoosh schemas hold analyser state: never share one)."""
    english = english_analyzer()
    french = french_analyzer()
    return fields.Schema(
        # Identity and bookkeeping. Only the bookkeeping document has a doc_id; a revision's
        # document is found by its revision_id column (rkc/search/index.py, `_docnums`).
        doc_id=Identifier(unique=True, stored=True),
        #: "revision" for consolidated text; other sources (amendments) add their own.
        doctype=Identifier(stored=True, sortable=True, indexed=False),
        revision_id=NumberColumn(),
        node_id=NumberColumn(),
        key=Identifier(stored=True),
        # Facets: one exact value each, stored as columns for fast counting. `work:` and
        # `language:` search their field; `kind:`, `annex:` and `chapter:` search the
        # *_terms fields below, so those three have no postings of their own.
        work=Identifier(stored=True, sortable=True),
        language=Identifier(stored=True, sortable=True),
        kind=Identifier(stored=True, sortable=True, indexed=False),
        annex=Identifier(stored=True, sortable=True, indexed=False),
        chapter=Identifier(stored=True, sortable=True, indexed=False),
        # What the `kind:`, `annex:`, `chapter:` prefixes search: several spellings each.
        kind_terms=Keywords(lowercase=True, scorable=False),
        annex_terms=Keywords(lowercase=True, scorable=False),
        chapter_terms=Keywords(lowercase=True, scorable=False),
        number=Keywords(lowercase=True, stored=True, scorable=False),
        # The words. English (and any language without its own analyser) and French.
        title=WordsField(analyzer=english, stored=True),
        text=WordsField(analyzer=english, stored=True),
        title_fr=WordsField(analyzer=french, stored=True),
        text_fr=WordsField(analyzer=french, stored=True),
        # The words as written (unstemmed), per language, for "did you mean". Ordinary
        # fields rather than Whoosh's `spelling=True`: those have no length column, and
        # Whoosh then looks for that column on disk for every word of every document it
        # writes (a file-system call per posting: most of a full reindex's time).
        spell_en=WordsField(analyzer=spelling_analyzer("en"), phrase=False),
        spell_fr=WordsField(analyzer=spelling_analyzer("fr"), phrase=False),
        # Bookkeeping document only.
        applied_through=fields.NUMERIC(int, bits=64, stored=True, signed=False),
        schema_version=fields.NUMERIC(int, stored=True),
        origin=fields.STORED(),
    )


def weighting() -> scoring.WeightingModel:
    """BM25F, except that a heading's length does not dilute it: "Appeals" and "Appeals in
    Customs matters" name their subject equally well."""
    return scoring.BM25F(title_B=0.0, title_fr_B=0.0)


#: Fields searched by words without a prefix, and their weights.
WORD_FIELDS = ("title", "text", "title_fr", "text_fr")
FIELD_BOOSTS = {"title": 2.0, "text": 1.0, "title_fr": 2.0, "text_fr": 1.0}

#: Field prefixes people may type -> the index field they search.
PREFIXES: dict[str, str] = {
    "kind": "kind_terms",
    "annex": "annex_terms",
    "chapter": "chapter_terms",
    "number": "number",
    "work": "work",
    "language": "language",
    "key": "key",
    "title": "title",
    "text": "text",
}

#: Facets shown with every result: request parameter -> index field.
FACET_FIELDS = ("work", "annex", "chapter", "kind", "language")
