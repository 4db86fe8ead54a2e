"""Searching: from what someone typed to finished results (no Flask here).

Size: over 600 lines, the five steps below in order; each step is self-contained and could
become a module if one grows further.

1. **Clean** the words (`prepare`): whatever comes in, something sensible is searched and every
   repair is explained in a hint. Nothing here raises on bad input.
2. **Scope** (`resolve_scope`): one edition per work. `?edition=` picks editions by slug
   (`review-draft`, or `rkc:review-draft` for one work), `?on=` picks for each work the edition
   in force on that day (`rkc.convention.queries.in_force_on`), and by default the edition in
   force today. An edition the reader may not read (a working draft, for the public) is
   treated exactly like one that does not exist.
3. **Match and filter**: the query is evaluated over whole posting lists (`_scored`,
   rkc/search/matching.py) and its matches kept if the scope's editions hold them (document
   numbers from the editions' manifests, remembered per index generation), then filtered by
   facet. Dates never reach Whoosh: no DATETIME ranges.
4. **Facets** count, for each facet, the matches that pass every *other* filter, so a reader
   sees what choosing another value would give; the edition facet counts matches in each
   edition the reader may search (bit masks per edition, `index.bitmask`).
5. **Order and page**: by relevance (BM25F, headings weighted) or by document order in the
   edition searched; then highlights and labels for the page's hits only.

Extension point: other kinds of documents (amendments, for members) are indexed with their
own `doctype` and change-log subject (rkc/search/documents.py, changes.py) and join a search
through `SearchScope.extra_docs`, a set of document numbers the reader may see; hits of
another doctype carry it in `Hit.doctype` for the views to link.
"""

from __future__ import annotations

import html
import itertools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from markupsafe import Markup, escape
from sqlalchemy import func, select
from whoosh import highlight, qparser
from whoosh import query as wq

from rkc.convention import queries as text_store
from rkc.convention.kinds import KIND_LABELS, STRUCTURAL_KINDS
from rkc.convention.models import Edition, EditionEntry, EditionStatus, Node, Revision
from rkc.convention.queries import ENTERED
from rkc.extensions import db
from rkc.search.index import IndexView, SearchIndex, bitmask
from rkc.search.matching import scored_matches
from rkc.search.schema import (
    FACET_FIELDS,
    FIELD_BOOSTS,
    PREFIXES,
    WORD_FIELDS,
    english_analyzer,
    french_analyzer,
)

MAX_QUERY_CHARS = 300
#: A wildcard needs this many characters before its first `*` or `?` (`*a*` would read the
#: whole vocabulary of every field and cost seconds) ...
MIN_WILDCARD_PREFIX = 2
#: ... and may match at most this many words in one field; either way it is left out, said so.
MAX_WILDCARD_TERMS = 1000
MAX_TERMS = 24
PER_PAGE = 10
MAX_PER_PAGE = 50
MAX_PAGE = 500
SORTS = ("relevance", "document")

LANGUAGE_LABELS = {"en": "English", "fr": "French"}
FACET_LABELS = {
    "work": "Work",
    "annex": "Annex",
    "chapter": "Chapter",
    "kind": "Kind",
    "language": "Language",
    "edition": "Edition",
}
OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})
BINARY_OPERATORS = OPERATORS - {"NOT"}

#: Units that are only a heading over others: ranked after the provisions they hold.
HEADING_KINDS = STRUCTURAL_KINDS


@dataclass(frozen=True)
class SearchRequest:
    """What a reader asked for, already parsed from the query string."""

    q: str = ""
    works: tuple[str, ...] = ()
    editions: tuple[str, ...] = ()
    on: date | None = None
    annex: tuple[str, ...] = ()
    chapter: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    language: tuple[str, ...] = ()
    sort: str = "relevance"
    page: int = 1
    per_page: int = PER_PAGE

    def selected(self, facet: str) -> tuple[str, ...]:
        return {
            "work": self.works,
            "annex": self.annex,
            "chapter": self.chapter,
            "kind": self.kind,
            "language": self.language,
            "edition": self.editions,
        }[facet]


@dataclass(frozen=True)
class PreparedQuery:
    text: str
    hints: tuple[str, ...] = ()
    has_operators: bool = False


@dataclass
class ScopeEdition:
    work: WorkInfo
    edition: EditionInfo
    state: str

    @property
    def value(self) -> str:
        return f"{self.work.key}:{self.edition.slug}"

    @property
    def state_label(self) -> str:
        return text_store.STATE_LABELS[self.state]


@dataclass
class SearchScope:
    """The editions searched (one per work) and those the reader could switch to."""

    searched: list[ScopeEdition]
    visible: list[ScopeEdition]
    day: date | None
    hints: list[str] = field(default_factory=list)
    #: Keys of every work, to drop unknown ones from the `work` filter.
    work_keys: frozenset[str] = frozenset()
    #: Document numbers of other document types the reader may see (none yet; amendments).
    extra_docs: Callable[[IndexView], frozenset[int]] | None = None


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    values: list[FacetValue]


@dataclass(frozen=True)
class Hit:
    """One result: a unit as it stands in the edition searched."""

    key: str
    doctype: str
    work: str
    edition_slug: str
    edition_title: str
    kind: str
    kind_label: str
    number: str | None
    number_alt: str | None
    title: str | None
    title_html: Markup
    snippet: Markup
    place: tuple[str, ...]
    language: str
    score: float | None
    revision_id: int

    @property
    def snippet_text(self) -> str:
        """The snippet without its markup, for clients that render their own."""
        return html.unescape(re.sub(r"<[^>]+>", "", str(self.snippet)))


@dataclass
class SearchResults:
    request: SearchRequest
    query: str
    hits: list[Hit]
    total: int
    page: int
    pages: int
    facets: list[Facet]
    hints: list[str]
    suggestion: str | None
    scope: SearchScope
    #: False when there was nothing to search (no words and no filters).
    searched: bool
    #: True when no unit had all the words and units with any of them are shown.
    any_words: bool = False

    @property
    def first(self) -> int:
        return (self.page - 1) * self.request.per_page + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.total, self.page * self.request.per_page)


# --------------------------------------------------------------------------- 1. cleaning

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "＂": '"'})
_FIELD = re.compile(r"(?<![\w:/.*?-])([^\W\d][\w-]*):")
_TOKEN = re.compile(r'"[^"]*"|\S+')
_PLAIN_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")


def prepare(raw: str | None) -> PreparedQuery:
    """Repair what cannot be searched as written, and say what was repaired."""
    hints: list[str] = []
    text = unicodedata.normalize("NFKC", raw or "")
    text = _CONTROL.sub(" ", text).translate(_QUOTES)
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_CHARS:
        cut = text[:MAX_QUERY_CHARS]
        text = cut.rsplit(" ", 1)[0] if " " in cut else cut
        hints.append(
            f"Your search was longer than {MAX_QUERY_CHARS} characters; only its beginning "
            "was used."
        )
    if text.count('"') % 2:
        last = text.rfind('"')
        text = (text[:last] + " " + text[last + 1 :]).strip()
        hints.append(
            "A quotation mark was not closed, so the words after it were searched as separate "
            "words rather than as a phrase."
        )
    text = _repair_fields(text, hints)
    text = _repair_brackets(text, hints)
    tokens = _TOKEN.findall(text)
    tokens = _repair_operators(tokens, hints)
    words = [t for t in tokens if t not in OPERATORS and t not in ("(", ")")]
    if len(words) > MAX_TERMS:
        kept, count = [], 0
        for token in tokens:
            if token not in OPERATORS and token not in ("(", ")"):
                count += 1
                if count > MAX_TERMS:
                    break
            kept.append(token)
        tokens = _repair_operators(kept, [])
        text = _repair_brackets(" ".join(tokens), [])
        tokens = _TOKEN.findall(text)
        hints.append(f"Only the first {MAX_TERMS} words of your search were used.")
    text = " ".join(tokens)
    return PreparedQuery(text, tuple(hints), any(t in OPERATORS for t in tokens))


def _outside_quotes(text: str) -> list[tuple[bool, str]]:
    parts = re.split(r'("[^"]*")', text)
    return [(p.startswith('"') and p.endswith('"') and len(p) > 1, p) for p in parts if p]


def _repair_fields(text: str, hints: list[str]) -> str:
    out = []
    for quoted, part in _outside_quotes(text):
        if quoted:
            out.append(part)
            continue

        def fix(match: re.Match[str], part: str = part) -> str:
            name = match.group(1)
            after = part[match.end() : match.end() + 1]
            if name.lower() in PREFIXES:
                if after in ("", " ", ")"):
                    hints.append(
                        f"“{name}:” needs something after it (for example {name.lower()}:"
                        f"{_EXAMPLES.get(name.lower(), 'word')}); it was left out."
                    )
                    return ""
                return name.lower() + ":"
            hints.append(
                f"There is no field “{name}:”, so “{name}” was searched as a word. Fields you "
                f"can use: {', '.join(p + ':' for p in PREFIXES)}."
            )
            return name + " "

        out.append(_FIELD.sub(fix, part))
    return " ".join("".join(out).split())


_EXAMPLES = {
    "kind": "standard",
    "annex": "b",
    "chapter": "10",
    "number": "3.11",
    "work": "guidelines",
    "language": "fr",
    "key": "ga/10*",
}


def _repair_brackets(text: str, hints: list[str]) -> str:
    out, depth, dropped = [], 0, False
    for quoted, part in _outside_quotes(text):
        if quoted:
            out.append(part)
            continue
        chars = []
        for char in part:
            if char == "(":
                depth += 1
            elif char == ")":
                if depth == 0:
                    dropped = True
                    continue
                depth -= 1
            chars.append(char)
        out.append("".join(chars))
    text = "".join(out)
    while depth > 0:
        index = text.rfind("(")
        text = text[:index] + " " + text[index + 1 :]
        depth -= 1
        dropped = True
    if dropped:
        hints.append("Brackets did not pair up; the unpaired ones were left out.")
    return " ".join(text.split())


def _repair_operators(tokens: list[str], hints: list[str]) -> list[str]:
    """Drop AND/OR without words on both sides and NOT without a word after it."""
    out: list[str] = []
    dropped: list[str] = []
    for token in tokens:
        if token in BINARY_OPERATORS and (not out or out[-1] in OPERATORS or out[-1] == "("):
            dropped.append(token)
            continue
        if token == ")" and out and out[-1] in OPERATORS:  # noqa: S105 (not a password)
            dropped.append(out.pop())
        out.append(token)
    while out and out[-1] in OPERATORS:
        dropped.append(out.pop())
    if dropped:
        names = ", ".join(dict.fromkeys(dropped))
        hints.append(
            f"{names} must stand between words (NOT before a word); the lone "
            f"{'operator was' if len(dropped) == 1 else 'operators were'} left out."
        )
    return out


# --------------------------------------------------------------------------- 2. scope


@dataclass(frozen=True)
class WorkInfo:
    """A work as a search scope needs it (a snapshot, shared between requests)."""

    id: int
    key: str
    title: str
    short_title: str
    position: int


@dataclass(frozen=True)
class EditionInfo:
    """An edition as a search scope needs it (a snapshot, shared between requests): what
    `may_read` and the pages read of an Edition."""

    id: int
    work_id: int
    slug: str
    title: str
    status: EditionStatus
    in_force_from: date | None
    adopted_on: date | None
    is_authentic: bool

    @property
    def is_published(self) -> bool:
        return self.status is not EditionStatus.WORKING_DRAFT

    @property
    def is_frozen(self) -> bool:
        return self.status is not EditionStatus.WORKING_DRAFT


@dataclass(frozen=True)
class _Editions:
    """Every work with every edition (drafts included) and its state on a day."""

    works: tuple[WorkInfo, ...]
    views: dict[int, tuple[tuple[EditionInfo, str], ...]]


def _editions(today: date) -> _Editions:
    """Every work and edition with its state on `today`, as snapshots. Who may read which
    edition is decided per search, on these."""
    works = []
    views: dict[int, tuple[tuple[EditionInfo, str], ...]] = {}
    for work in text_store.all_works():
        works.append(WorkInfo(work.id, work.key, work.title, work.short_title, work.position))
        views[work.id] = tuple(
            (
                EditionInfo(
                    v.edition.id,
                    v.edition.work_id,
                    v.edition.slug,
                    v.edition.title,
                    v.edition.status,
                    v.edition.in_force_from,
                    v.edition.adopted_on,
                    v.edition.is_authentic,
                ),
                v.state,
            )
            for v in text_store.edition_views(work, today, include_drafts=True)
        )
    return _Editions(tuple(works), views)


def _in_force_on(views: tuple[tuple[EditionInfo, str], ...], day: date) -> EditionInfo | None:
    """The edition in force on `day` (the rule of rkc.convention.queries.in_force_on): the
    latest to enter into force on or before it."""
    entered = [
        e
        for e, _state in views
        if e.status in ENTERED and e.in_force_from is not None and e.in_force_from <= day
    ]
    return max(entered, key=lambda e: (e.in_force_from, e.id), default=None)


def resolve_scope(
    request: SearchRequest,
    may_read: Callable[[Edition], bool],
    today: date,
    index: SearchIndex | None = None,
) -> SearchScope:
    """Which edition of each work to search, and which editions the reader may switch to.
    With `index`, the works and editions are read once per version of the text store (the
    index's membership forgets them when the change log moves); editions change only in
    transactions that write the change log (rkc/search/changes.py)."""
    hints: list[str] = []
    if index is None:
        known_works = _editions(today)
    else:
        known_works = index.membership.derived(("editions", today), lambda: _editions(today))
    works = list(known_works.works)
    if request.works:
        known = {w.key for w in works}
        for key in request.works:
            if key not in known:
                hints.append(f"There is no work “{key}”; it was ignored.")
        chosen = [w for w in works if w.key in request.works]
        works = chosen or works
    visible: list[ScopeEdition] = []
    for work in works:
        for edition, state in known_works.views[work.id]:
            if may_read(edition):  # type: ignore[arg-type]
                visible.append(ScopeEdition(work, edition, state))
    states = {v.edition.id: v.state for v in visible}

    searched: list[ScopeEdition] = []
    day: date | None = None
    if request.editions:
        for spec in request.editions:
            work_key, _, slug = spec.rpartition(":")
            found = [
                v
                for v in visible
                if v.edition.slug == slug and (not work_key or v.work.key == work_key)
            ]
            if not found:
                hints.append(f"There is no edition “{spec}” you can search; it was ignored.")
            for v in found:
                if all(s.work.id != v.work.id for s in searched):
                    searched.append(v)
        if not searched:
            hints.append("The text in force today was searched instead.")
    if not searched:
        day = request.on if request.on and not request.editions else None
        when = day or today
        for work in works:
            edition = _in_force_on(known_works.views[work.id], when)
            if edition is None or not may_read(edition):  # type: ignore[arg-type]
                if day is not None:
                    hints.append(
                        f"No edition of the {work.short_title} was in force on {when:%-d %B %Y}."
                    )
                continue
            searched.append(ScopeEdition(work, edition, states.get(edition.id, "in_force")))
    return SearchScope(
        searched=searched,
        visible=visible,
        day=day,
        hints=hints,
        work_keys=frozenset(w.key for w in known_works.works),
    )


# --------------------------------------------------------------------------- 3-5. searching


def _parser(index_view: IndexView, group: type) -> qparser.QueryParser:
    parser = qparser.MultifieldParser(
        list(WORD_FIELDS), index_view.searcher.schema, fieldboosts=FIELD_BOOSTS, group=group
    )
    parser.remove_plugin_class(qparser.SingleQuotePlugin)
    parser.remove_plugin_class(qparser.RangePlugin)
    aliases: dict[str, list[str]] = {}
    for alias, target in PREFIXES.items():
        if alias != target:
            aliases.setdefault(target, []).append(alias)
    parser.add_plugin(qparser.FieldAliasPlugin(aliases))
    return parser


def _parse(
    index_view: IndexView, prepared: PreparedQuery, group: type, hints: list[str]
) -> wq.Query | None:
    """The Whoosh query for the cleaned text; None means "no words: everything"."""
    if not prepared.text:
        return None
    if prepared.text == "*":
        return wq.Every()
    try:
        parsed = _parser(index_view, group).parse(prepared.text)
    except Exception:  # the parser has no error type of its own; any failure gets the same way out
        hints.append("Your search could not be read as written, so its words were searched.")
        words = _PLAIN_WORD.findall(prepared.text)
        if not words:
            return wq.NullQuery
        parser = _parser(index_view, qparser.OrGroup)
        return parser.parse(" ".join(words))
    parsed = _bound_wildcards(index_view, parsed, hints)
    if parsed is wq.NullQuery:
        hints.append("Nothing searchable was left in your search.")
    return parsed


def _bound_wildcards(index_view: IndexView, parsed: wq.Query, hints: list[str]) -> wq.Query:
    """Leave out the wildcards that would expand to too much of the vocabulary."""
    reader = index_view.searcher.reader()
    refused: dict[str, str] = {}

    def bound(leaf: wq.Query) -> wq.Query:
        if not isinstance(leaf, wq.Wildcard | wq.Prefix):
            return leaf
        pattern = leaf.text + "*" if isinstance(leaf, wq.Prefix) else leaf.text
        literal = re.split(r"[*?]", pattern, maxsplit=1)[0]
        if len(literal) < MIN_WILDCARD_PREFIX:
            refused.setdefault(
                pattern,
                f"The wildcard “{pattern}” needs at least {MIN_WILDCARD_PREFIX} letters before "
                "its first * or ?, so it was left out.",
            )
            return wq.NullQuery
        expansion = leaf.expanded_terms(reader)
        if sum(1 for _ in itertools.islice(expansion, MAX_WILDCARD_TERMS + 1)) > (
            MAX_WILDCARD_TERMS
        ):
            refused.setdefault(
                pattern,
                f"The wildcard “{pattern}” matches more than {MAX_WILDCARD_TERMS} words, so it "
                "was left out: add letters before the * to narrow it.",
            )
            return wq.NullQuery
        return leaf

    bounded = parsed.accept(bound)
    if not refused:
        return parsed
    hints.extend(refused.values())
    return bounded.normalize()


def search(
    index: SearchIndex,
    request: SearchRequest,
    *,
    may_read: Callable[[Edition], bool],
    today: date,
    hints: Sequence[str] = (),
) -> SearchResults:
    """Run one search. `index` must be current (see SearchIndex.ensure_current)."""
    prepared = prepare(request.q)
    all_hints = [*hints, *prepared.hints]
    scope = resolve_scope(request, may_read, today, index)
    all_hints += scope.hints
    request = replace(request, works=tuple(w for w in request.works if w in scope.work_keys))
    has_filters = any(request.selected(f) for f in FACET_FIELDS)
    if not prepared.text and not has_filters:
        if request.q.strip():
            all_hints.append("Nothing searchable was left in your search.")
        return SearchResults(request, "", [], 0, 1, 0, [], all_hints, None, scope, searched=False)

    with index.searcher(db.engine) as view:
        parsed = _parse(view, prepared, qparser.AndGroup, all_hints)
        outcome = _run(view, request, scope, parsed)
        any_words = False
        words = _PLAIN_WORD.findall(_unfielded(prepared.text))
        if (
            outcome.total == 0
            and parsed is not None
            and not prepared.has_operators
            and len({w.lower() for w in words}) > 1
            and '"' not in prepared.text
        ):
            broader = _parse(view, prepared, qparser.OrGroup, [])
            wider = _run(view, request, scope, broader)
            if wider.total:
                outcome, parsed, any_words = wider, broader, True
                all_hints.append(
                    "No unit contains all of these words; units that contain any of them are shown."
                )
        suggestion = _suggest(view, prepared.text, request.language) if parsed is not None else None
        page, pages = _page_bounds(request, outcome.total, all_hints)
        docnums, scores = _order(view, request, scope, parsed, outcome, page)
        stored = [view.searcher.stored_fields(d) for d in docnums]
        labels = _remembered_labels(
            index,
            {k for s in stored for k in (s.get("annex"), s.get("chapter")) if k}
            | {k for name in ("annex", "chapter") for k in outcome.counts[name] if k}
            | set(request.annex)
            | set(request.chapter),
        )
        hits = _hits(view, scope, parsed, docnums, stored, scores, labels)
        facets = _facets(request, scope, outcome, labels)
    return SearchResults(
        request=request,
        query=prepared.text,
        hits=hits,
        total=outcome.total,
        page=page,
        pages=pages,
        facets=facets,
        hints=all_hints,
        suggestion=suggestion,
        scope=scope,
        searched=True,
        any_words=any_words,
    )


@dataclass
class _Outcome:
    final: set[int]
    total: int
    counts: dict[str, Counter[str]]
    edition_counts: dict[int, int]
    #: Relevance of every match, when the search was ranked while matching (see `_run`).
    scores: dict[int, float] | None = None


def _run(
    view: IndexView, request: SearchRequest, scope: SearchScope, parsed: wq.Query | None
) -> _Outcome:
    searcher = view.searcher
    scope_docs = set(view.editions_docs([s.edition.id for s in scope.searched]))
    visible_docs = set(view.editions_docs([v.edition.id for v in scope.visible]))
    if scope.extra_docs is not None:
        extra = scope.extra_docs(view)
        scope_docs |= extra
        visible_docs |= extra
    scores: dict[int, float] | None = None
    if parsed is None:
        matched = visible_docs
    elif isinstance(parsed, wq.Every):
        matched = set(searcher.docs_for_query(parsed)) & visible_docs
    else:
        relevance, matched = _scored(view, parsed, scope_docs, visible_docs)
        # The ranking reads these scores (`_order`); sorted by document order, it does not.
        scores = relevance if request.sort == "relevance" else None
    rows = view.facet_rows()
    selected = [frozenset(request.selected(f)) for f in FACET_FIELDS]
    if not any(selected):
        # No facet chosen (most searches): every match passes, and each facet counts the
        # matches in the editions searched.
        final = matched & scope_docs
        columns = list(zip(*(rows[docnum] for docnum in final), strict=True)) or [
            () for _ in FACET_FIELDS
        ]
        counts: dict[str, Counter[str]] = {
            name: Counter(column) for name, column in zip(FACET_FIELDS, columns, strict=True)
        }
        return _Outcome(final, len(final), counts, _edition_counts(view, scope, matched), scores)
    counts = {f: Counter() for f in FACET_FIELDS}
    final = set()
    passing_facets: list[int] = []
    for docnum in matched:
        values = rows[docnum]
        fails = [i for i, wanted in enumerate(selected) if wanted and values[i] not in wanted]
        if not fails:
            passing_facets.append(docnum)
        if docnum not in scope_docs:
            continue
        if not fails:
            final.add(docnum)
            for i, name in enumerate(FACET_FIELDS):
                counts[name][values[i]] += 1
        elif len(fails) == 1:
            counts[FACET_FIELDS[fails[0]]][values[fails[0]]] += 1
    return _Outcome(final, len(final), counts, _edition_counts(view, scope, passing_facets), scores)


def _edition_counts(view: IndexView, scope: SearchScope, passing: Iterable[int]) -> dict[int, int]:
    """Per edition the reader may see: how many of these matches it holds."""
    mask = bitmask(passing)
    return {
        v.edition.id: (mask & view.edition_mask(v.edition.id)).bit_count() for v in scope.visible
    }


def _scored(
    view: IndexView, parsed: wq.Query, scope_docs: set[int], visible_docs: set[int]
) -> tuple[dict[int, float], set[int]]:
    """The relevance of every match in the editions searched, and every match in the
    editions the reader may see (for the edition facet): the query evaluated over whole
    posting lists (rkc/search/matching.py), not walked one document at a time."""
    found = scored_matches(view.searcher, parsed, view.remembered)
    scores = {
        docnum: score
        for docnum, score in found.items()
        if docnum in scope_docs and docnum in visible_docs
    }
    return scores, found.keys() & visible_docs


def _page_bounds(request: SearchRequest, total: int, hints: list[str]) -> tuple[int, int]:
    pages = math.ceil(total / request.per_page) if total else 0
    page = request.page
    if pages and page > pages:
        hints.append(f"There {'is' if pages == 1 else 'are'} only {pages} page(s) of results.")
        page = pages
    return max(page, 1), pages


def _order(
    view: IndexView,
    request: SearchRequest,
    scope: SearchScope,
    parsed: wq.Query | None,
    outcome: _Outcome,
    page: int,
) -> tuple[list[int], dict[int, float]]:
    start, stop = (page - 1) * request.per_page, page * request.per_page
    final = outcome.final
    if not final:
        return [], {}
    if outcome.scores is not None:
        # Provisions first, then the bare headings (chapters, sections, annexes), each by
        # score: "appeal" should open on the Standards about appeals, not on the chapter
        # whose title is all it has. Every match was scored (a few thousand at most).
        scores = outcome.scores
        rows = view.facet_rows()
        kind_at = FACET_FIELDS.index("kind")
        ranked = sorted(
            ((d, scores[d]) for d in final),
            key=lambda pair: (rows[pair[0]][kind_at] in HEADING_KINDS, -pair[1], pair[0]),
        )[start:stop]
        return [d for d, _score in ranked], dict(ranked)
    ordinals = _ordinal_maps(scope)
    node_ids = view.node_ids()
    rows = view.facet_rows()
    work_position = {s.work.key: s.work.position for s in scope.searched}

    def key(docnum: int) -> tuple[int, int, int]:
        work, _annex, _chapter, _kind, language = rows[docnum]
        ordinal = ordinals.get(work, {}).get((node_ids[docnum], language), 1 << 40)
        return work_position.get(work, 1 << 20), ordinal, docnum

    return sorted(final, key=key)[start:stop], {}


def _ordinal_maps(scope: SearchScope) -> dict[str, dict[tuple[int, str], int]]:
    """Per work key, the document order of the searched edition: (node, language) -> ordinal."""
    maps: dict[str, dict[tuple[int, str], int]] = {}
    for s in scope.searched:
        rows = db.session.execute(
            select(EditionEntry.node_id, EditionEntry.language, EditionEntry.ordinal).where(
                EditionEntry.edition_id == s.edition.id
            )
        ).all()
        maps[s.work.key] = {(n, lang): o for n, lang, o in rows}
    return maps


# --------------------------------------------------------------------------- hits


_FRAGMENTER = highlight.ContextFragmenter(maxchars=260, surround=70)
_WHOLE = highlight.WholeFragmenter()
_ANALYZERS = {"en": english_analyzer(), "fr": french_analyzer()}
SNIPPET_CHARS = 260


def _formatter() -> highlight.HtmlFormatter:
    return highlight.HtmlFormatter(tagname="mark", classname="hit", termclass="t", between=" … ")


def _terms(view: IndexView, parsed: wq.Query | None) -> dict[str, frozenset[str]]:
    if parsed is None:
        return {}
    # Not Query.existing_terms: in Whoosh 2.7 its loop variable shadows its `fieldname`
    # argument, so it drops every field after the first one it meets.
    reader = view.searcher.reader()
    found: dict[str, set[str]] = {}
    for leaf in parsed.leaves():
        if leaf.field() not in WORD_FIELDS:
            continue
        try:
            expanded = list(leaf.expanded_terms(reader, phrases=True))
        except Exception:  # an odd query leaf: no highlights rather than no results
            expanded = []
        for fieldname, text in expanded:
            value = text.decode("utf-8") if isinstance(text, bytes) else str(text)
            if (fieldname, value) in reader:
                found.setdefault(fieldname, set()).add(value)
    return {k: frozenset(v) for k, v in found.items()}


def _mark(
    text: str, terms: frozenset[str] | None, analyzer: object, *, whole: bool = False
) -> Markup:
    if text and terms:
        fragment = highlight.highlight(
            text,
            terms,
            analyzer,
            _WHOLE if whole else _FRAGMENTER,
            _formatter(),
            top=2,
        )
        if fragment:
            # Safe: Whoosh's HtmlFormatter escapes the text around the <mark> tags it adds.
            return Markup(fragment)  # noqa: S704
    if whole or len(text) <= SNIPPET_CHARS:
        return escape(text)
    cut = text[:SNIPPET_CHARS].rsplit(" ", 1)[0]
    return escape(cut) + Markup(" …")


def _hits(
    view: IndexView,
    scope: SearchScope,
    parsed: wq.Query | None,
    docnums: list[int],
    stored: list[dict],
    scores: dict[int, float],
    places: dict[str, str],
) -> list[Hit]:
    if not docnums:
        return []
    revision_ids = [s.get("revision_id") for s in stored]
    revisions = {
        r.id: r
        for r in db.session.execute(
            select(
                Revision.id, Revision.number, Revision.number_alt, Revision.title, Revision.kind
            ).where(Revision.id.in_([i for i in revision_ids if i is not None]))
        )
    }
    editions = {s.work.key: s.edition for s in scope.searched}
    terms = _terms(view, parsed)
    hits = []
    for docnum, fields in zip(docnums, stored, strict=True):
        french = fields.get("language") == "fr"
        analyzer = _ANALYZERS["fr" if french else "en"]
        text_field, title_field = ("text_fr", "title_fr") if french else ("text", "title")
        revision = revisions.get(fields.get("revision_id"))
        edition = editions.get(fields.get("work", ""))
        title = revision.title if revision else fields.get(title_field) or None
        kind = fields.get("kind", "")
        # The chapter's label names its annex too; a unit that is itself the chapter or the
        # annex shows only what contains it.
        place = tuple(
            places[k]
            for k in (fields.get("chapter") or fields.get("annex"), fields.get("annex"))
            if k and k in places and k != fields.get("key")
        )[:1]
        hits.append(
            Hit(
                key=fields.get("key", ""),
                doctype=fields.get("doctype", "revision"),
                work=fields.get("work", ""),
                edition_slug=edition.slug if edition else "",
                edition_title=edition.title if edition else "",
                kind=kind,
                kind_label=KIND_LABELS.get(kind, kind.replace("_", " ").title()),
                number=revision.number if revision else None,
                number_alt=revision.number_alt if revision else None,
                title=title,
                title_html=_mark(title or "", terms.get(title_field), analyzer, whole=True),
                snippet=_mark(fields.get(text_field, ""), terms.get(text_field), analyzer),
                place=place,
                language=fields.get("language", ""),
                score=round(scores[docnum], 4) if docnum in scores else None,
                revision_id=fields.get("revision_id", 0),
            )
        )
    return hits


def _remembered_labels(index: SearchIndex, keys: set[str]) -> dict[str, str]:
    """`_labels`, remembered until the text store moves (a chapter's label needs its annex's
    row, so a chapter's annex is read with it)."""
    known: dict[str, str | None] = index.membership.derived(("labels",), dict)
    missing = keys - known.keys()
    if missing:
        wanted = missing | {k.split("/", 1)[0] for k in missing if "/" in k}
        found = _labels(wanted)
        for key in wanted:
            known[key] = found.get(key)
    return {k: label for k in keys if (label := known.get(k)) is not None}


def _labels(keys: set[str]) -> dict[str, str]:
    """Readable names of annexes and chapters, from their latest revisions."""
    if not keys:
        return {}
    latest = (
        select(func.max(Revision.id).label("id"))
        .join(Node, Node.id == Revision.node_id)
        .where(Node.key.in_(sorted(keys)), Revision.language == "en")
        .group_by(Revision.node_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Node.key, Revision.kind, Revision.number, Revision.title, Revision.parent_id)
        .join(latest, latest.c.id == Revision.id)
        .join(Node, Node.id == Revision.node_id)
    ).all()
    by_key = {r.key: r for r in rows}
    labels: dict[str, str] = {}
    for row in rows:
        labels[row.key] = _label(row)
    # A chapter's label names its annex, as chapter numbers repeat from annex to annex.
    for row in rows:
        if row.kind == "chapter" and "/" in row.key:
            annex = by_key.get(row.key.split("/", 1)[0])
            if annex is not None:
                labels[row.key] = f"{_short(annex)}, {labels[row.key]}"
    return labels


def _label(row: object) -> str:
    kind, number, title = row.kind, row.number, row.title  # type: ignore[attr-defined]
    if kind == "chapter":
        return f"Chapter {number}" + (f": {title}" if title else "") if number else title or ""
    if kind == "annex" and number:
        return f"Annex {number}" + (f": {title}" if title else "")
    return title or KIND_LABELS.get(kind, kind)


def _short(row: object) -> str:
    kind, number, title = row.kind, row.number, row.title  # type: ignore[attr-defined]
    if kind == "annex" and number:
        return f"Annex {number}"
    return title or KIND_LABELS.get(kind, kind)


# --------------------------------------------------------------------------- facets


def _facets(
    request: SearchRequest, scope: SearchScope, outcome: _Outcome, labels: dict[str, str]
) -> list[Facet]:
    works = {s.work.key: s.work for s in scope.visible}
    facets = []
    for name in FACET_FIELDS:
        counts = outcome.counts[name]
        wanted = set(request.selected(name))
        values = [
            FacetValue(
                value=value,
                label=_facet_label(name, value, labels, works),
                count=counts.get(value, 0),
                selected=value in wanted,
            )
            for value in sorted(set(counts) | wanted, key=_natural)
            if value
        ]
        if name in ("kind", "language", "work"):
            values.sort(key=lambda v: (-v.count, v.label))
        facets.append(Facet(name, FACET_LABELS[name], values))
    chosen = {s.edition.id for s in scope.searched}
    facets.append(
        Facet(
            "edition",
            FACET_LABELS["edition"],
            [
                FacetValue(
                    value=v.value,
                    label=f"{v.edition.title} ({v.state_label})",
                    count=outcome.edition_counts.get(v.edition.id, 0),
                    selected=v.edition.id in chosen,
                )
                for v in scope.visible
            ],
        )
    )
    return facets


def _natural(key: str) -> tuple:
    """Sort keys as people count: ga/2 before ga/10, sa-b/9 before sa-b/10."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", key))


def _facet_label(name: str, value: str, labels: dict[str, str], works: dict[str, WorkInfo]) -> str:
    if name in ("annex", "chapter"):
        return labels.get(value, value)
    if name == "kind":
        return KIND_LABELS.get(value, value.replace("_", " ").title())
    if name == "language":
        return LANGUAGE_LABELS.get(value, value)
    if name == "work":
        work = works.get(value)
        return work.short_title if work else value
    return value


# --------------------------------------------------------------------------- did you mean


def _unfielded(text: str) -> str:
    """The query without prefixed terms, operators and wildcard terms: the plain words."""
    kept = []
    for token in _TOKEN.findall(text):
        bare = token.strip('"()')
        if token in OPERATORS or ":" in bare or "*" in bare or "?" in bare:
            continue
        kept.append(token)
    return " ".join(kept)


#: Per language, the word fields a word is looked up in, and the field of words as written
#: that "did you mean" chooses from.
SPELLING_FIELDS = {"en": ("text", "title"), "fr": ("text_fr", "title_fr")}
SPELLING_WORDS = {"en": "spell_en", "fr": "spell_fr"}


def _known(reader: object, word: str, language: str) -> bool:
    """Whether the index holds `word` (as its analyser stems it) in that language's fields."""
    stems = [t.text for t in _ANALYZERS[language](word)]
    return any(
        reader.doc_frequency(field, stem)  # type: ignore[attr-defined]
        for field in SPELLING_FIELDS[language]
        for stem in stems
    )


def _suggest(view: IndexView, text: str, languages: Sequence[str] = ("en",)) -> str | None:
    """The search with each unknown word replaced by the closest known one, if any. A word
    either language knows is left alone (a French word is not "corrected" into English);
    replacements come from the languages searched."""
    reader = view.searcher.reader()
    searched = [code for code in languages if code in SPELLING_FIELDS] or ["en"]
    corrected = text
    changed = False
    for word in dict.fromkeys(_PLAIN_WORD.findall(_unfielded(text))):
        lowered = word.lower()
        if len(word) < 3 or any(_known(reader, lowered, code) for code in SPELLING_FIELDS):
            continue
        replacement = _closest(view, lowered, searched)
        if replacement and replacement != lowered:
            corrected = re.sub(
                rf"(?<![\w:]){re.escape(word)}(?!\w)", replacement, corrected, count=1
            )
            changed = True
    return corrected if changed else None


def _closest(view: IndexView, word: str, languages: Sequence[str]) -> str | None:
    reader = view.searcher.reader()
    for distance in (1, 2):
        candidates: dict[str, str] = {}
        for code in languages:
            for found in reader.terms_within(SPELLING_WORDS[code], word, distance, prefix=1):
                candidates.setdefault(found, code)
        if candidates:

            def weight(candidate: str, found: dict[str, str] = candidates) -> tuple[int, int, str]:
                code = found[candidate]
                text_field = SPELLING_FIELDS[code][0]
                stems = [t.text for t in _ANALYZERS[code](candidate)]
                frequency = sum(reader.doc_frequency(text_field, s) for s in stems)
                return (_distance(word, candidate), -frequency, candidate)

            return min(candidates, key=weight)
    return None


def _distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (adjacent transpositions count once)."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(row[j - 1] + 1, rows[i - 1][j] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[i - 2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]
