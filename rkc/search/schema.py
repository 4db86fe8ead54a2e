"""The Whoosh schema: one document per revision of a node. Which editions hold a revision is
not in the documents: it is the editions' manifests (see rkc/search/index.py, `Membership`).

Whoosh is used only inside rkc/search/, so the engine can change without touching anything
else. Bump SCHEMA_VERSION whenever a field or an analyser changes: an index written with
another version is rebuilt at the next start.
"""

from __future__ import annotations

from whoosh import analysis, fields, scoring
from whoosh.support.charset import accent_map

#: Written into the index; an index with another number is rebuilt.
SCHEMA_VERSION = 2

#: The id of the one bookkeeping document (see rkc/search/index.py).
STATE_DOC_ID = "_state"

# No stop words, in either language: "right of appeal" must not match "right to appeal", and
# "may" against "shall" is the difference between a Standard and a Recommended Practice.
# Common words simply score low (BM25), and the index is small enough to keep them.


# Accents are folded *before* stemming, in the index and in queries alike, so that a word
# typed without its accents (presentees, dedouanees) meets the same stem as the text's.


def english_analyzer() -> analysis.Analyzer:
    """Words, lower case, accents folded (café = cafe), Porter stemming."""
    return (
        analysis.RegexTokenizer()
        | analysis.LowercaseFilter()
        | analysis.CharsetFilter(accent_map)
        | analysis.StemFilter()
    )


#: What French elides before a vowel (l'information, d'origine, qu'il, n'est): split off by
#: the tokenizer, these letters name nothing and are dropped, in the index and in queries.
FRENCH_ELISIONS = frozenset({"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu"})


def french_analyzer() -> analysis.Analyzer:
    """Words, lower case, elided articles dropped, accents folded, French Snowball stemming."""
    return (
        analysis.RegexTokenizer()
        | analysis.LowercaseFilter()
        | analysis.StopFilter(stoplist=FRENCH_ELISIONS, minsize=1)
        | analysis.CharsetFilter(accent_map)
        | analysis.StemFilter(lang="fr")
    )


def spelling_analyzer(language: str) -> analysis.Analyzer:
    """Words as written (lower case; French elisions dropped), for "did you mean"."""
    chain = analysis.RegexTokenizer() | analysis.LowercaseFilter()
    if language == "fr":
        chain = chain | analysis.StopFilter(stoplist=FRENCH_ELISIONS, minsize=1)
    return chain


def build_schema() -> fields.Schema:
    """A new Schema object (Whoosh schemas hold analyser state: never share one)."""
    english = english_analyzer()
    french = french_analyzer()
    return fields.Schema(
        # Identity and bookkeeping.
        doc_id=fields.ID(unique=True, stored=True),
        #: "revision" for consolidated text; other sources (amendments) add their own.
        doctype=fields.ID(stored=True, sortable=True),
        revision_id=fields.NUMERIC(int, bits=64, stored=True, sortable=True, signed=False),
        node_id=fields.NUMERIC(int, bits=64, stored=True, sortable=True, signed=False),
        key=fields.ID(stored=True),
        # Facets: one exact value each, stored as columns for fast counting.
        work=fields.ID(stored=True, sortable=True),
        language=fields.ID(stored=True, sortable=True),
        kind=fields.ID(stored=True, sortable=True),
        annex=fields.ID(stored=True, sortable=True),
        chapter=fields.ID(stored=True, sortable=True),
        # What the `kind:`, `annex:`, `chapter:` prefixes search: several spellings each.
        kind_terms=fields.KEYWORD(lowercase=True, scorable=False),
        annex_terms=fields.KEYWORD(lowercase=True, scorable=False),
        chapter_terms=fields.KEYWORD(lowercase=True, scorable=False),
        number=fields.KEYWORD(lowercase=True, stored=True, scorable=False),
        # The words. English (and any language without its own analyser) and French.
        title=fields.TEXT(analyzer=english, stored=True),
        text=fields.TEXT(analyzer=english, stored=True),
        title_fr=fields.TEXT(analyzer=french, stored=True),
        text_fr=fields.TEXT(analyzer=french, stored=True),
        # The words as written (unstemmed), per language, for "did you mean". Ordinary
        # fields rather than Whoosh's `spelling=True`: those have no length column, and
        # Whoosh then looks for that column on disk for every word of every document it
        # writes (a file-system call per posting: most of a full reindex's time).
        spell_en=fields.TEXT(analyzer=spelling_analyzer("en"), phrase=False),
        spell_fr=fields.TEXT(analyzer=spelling_analyzer("fr"), phrase=False),
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
