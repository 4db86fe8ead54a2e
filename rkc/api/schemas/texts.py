"""Models of the text API (rkc/api/texts.py): works, editions, units, history, diffs, parties,
search and the caller's own account."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from rkc.api.schemas.review import DocumentOut
from rkc.api.spec import NO_NUL, DateText, Day, Key, Lang, LangParameter, Out, Query, Timestamp
from rkc.convention.models import EditionStatus

State = Literal["working_draft", "adopted", "prospective", "in_force", "superseded"]
Op = Literal["equal", "insert", "delete"]


class Segment(Out):
    op: Op
    text: str


class WorkOut(Out):
    key: str
    title: str
    short_title: str
    description: str
    url: str


class EditionOut(Out):
    slug: str
    title: str
    description: str
    status: EditionStatus
    state: State
    adopted_on: DateText | None
    in_force_from: DateText | None
    is_authentic: bool
    based_on: str | None
    url: str


class Works(Out):
    works: list[WorkOut]


class WorkDetail(WorkOut):
    editions: list[EditionOut]
    in_force_today: str | None


class Editions(Out):
    editions: list[EditionOut]


class EditionDetail(EditionOut):
    work: str
    languages: list[Lang]
    toc_url: str


class TocEntry(Out):
    key: str
    kind: str
    number: str | None
    title: str | None
    depth: int
    url: str


class Toc(Out):
    work: str
    edition: str
    lang: Lang
    toc: list[TocEntry]


class UnitOut(Out):
    key: str
    kind: str
    number: str | None
    number_alt: str | None
    title: str | None
    text: str = Field(description="Markdown source")
    explains: list[str]
    depth: Annotated[int, Field(ge=0)]
    revision: int


class Ancestor(Out):
    key: str
    kind: str
    number: str | None
    title: str | None


class NodeOut(Out):
    key: str
    work: str
    lang: Lang
    edition: EditionOut
    unit: UnitOut
    descendants: list[UnitOut]
    ancestors: list[Ancestor]


class Step(Out):
    revision: int
    created_at: Timestamp
    origin: str
    kind: str
    number: str | None
    number_alt: str | None
    title: str | None
    text: str
    editions: list[str]
    changes: list[str]
    words_added: int
    words_removed: int


class History(Out):
    key: str
    work: str
    lang: Lang
    history: list[Step]


class Counts(Out):
    added: int
    removed: int
    changed: int
    moved: int
    unchanged: int


class Row(Out):
    status: Literal["added", "removed", "changed", "moved", "unchanged"]
    key: str
    kind: str
    number: str | None
    title: str | None
    changes: list[str]
    old_text: str | None
    new_text: str | None
    segments: list[Segment]


class Diff(Out):
    work: str
    from_: str = Field(alias="from")
    to: str
    node: str | None
    lang: Lang
    counts: Counts
    words_added: int
    words_removed: int
    rows: list[Row]


class PartyOut(Out):
    name: str
    iso3: str | None
    kind: str | None
    url: str | None


class Parties(Out):
    parties: list[PartyOut]


class Me(Out):
    username: str
    name: str
    role: str
    party: str | None


# --------------------------------------------------------------------------- queries

Slug = Annotated[str, StringConstraints(min_length=1)]


class LangQuery(Query):
    lang: LangParameter = "en"


class NodeQuery(LangQuery):
    edition: str | None = Field(None, description="An edition's slug", examples=["2006"])
    on: Day | None = Field(
        None,
        description="A date (YYYY-MM-DD): the edition in force that day",
        examples=["2010-01-01"],
    )


class DiffQuery(LangQuery):
    from_: Slug = Field(alias="from", description="The older edition's slug", examples=["2006"])
    to: Slug = Field(description="The newer edition's slug", examples=["2006"])
    node: Key | None = Field(
        None, description="Limit the diff to this unit (a key)", examples=["ga/3"]
    )
    all: Literal["true", "false"] = Field(
        "false", description="true to list unchanged units too", examples=["true"]
    )


# --------------------------------------------------------------------------- search

SearchValue = Annotated[str, StringConstraints(max_length=200, pattern=NO_NUL)]


class SearchQuery(Query):
    """The search page's parameters; nothing is refused (a value that cannot be used is
    replaced by its default, and `hints` says so): this model only describes them."""

    q: SearchValue | None = Field(
        None,
        description="Words to find; quotes for a phrase, e.g. advance ruling",
        examples=["customs"],
    )
    work: SearchValue | None = Field(
        None,
        description="Limit to works (rkc, guidelines); repeat or separate by commas",
        examples=["rkc"],
    )
    edition: SearchValue | None = Field(
        None, description="Editions as work:slug, e.g. rkc:2006", examples=["rkc:2006"]
    )
    on: SearchValue | None = Field(
        None, description="The editions in force on this date (YYYY-MM-DD)", examples=["2010-01-01"]
    )
    annex: SearchValue | None = Field(
        None, description="Limit to annexes or the Body by key (body, ga, sa-b)", examples=["ga"]
    )
    chapter: SearchValue | None = Field(
        None, description="Limit to chapters by key (ga/3)", examples=["ga/3"]
    )
    kind: SearchValue | None = Field(
        None,
        description="Limit to kinds (standard, recommended_practice, ...)",
        examples=["standard"],
    )
    language: SearchValue | None = Field(
        None, description="Limit to languages (en)", examples=["en"]
    )
    sort: SearchValue | None = Field(
        None, description="relevance (default) or document order", examples=["relevance"]
    )
    page: SearchValue | None = Field(None, description="Page of results, from 1", examples=["1"])
    per_page: SearchValue | None = Field(
        None, description="Results per page (up to 50)", examples=["10"]
    )


class FacetValue(Out):
    value: str
    label: str
    count: int
    selected: bool


class Hit(Out):
    key: str
    url: str
    work: str
    edition: str
    kind: str
    kind_label: str
    number: str | None
    number_alt: str | None
    title: str | None
    title_html: str
    snippet_html: str = Field(description="Highlighted fragment, HTML")
    snippet: str
    place: list[str]
    language: str
    score: float | None


class SearchEdition(Out):
    work: str
    edition: str
    title: str
    state: str


class SearchDocuments(Out):
    """Registered documents whose symbol, title or body hold the words, among those the
    reader's distribution level allows (listed with the first page of hits only)."""

    total: int
    items: list[DocumentOut]


class SearchOut(Out):
    q: str
    query: str
    searched: bool
    total: int
    page: int
    pages: int
    per_page: int
    sort: Literal["relevance", "document"]
    on: DateText | None
    editions: list[SearchEdition]
    hints: list[str]
    suggestion: str | None
    any_words: bool
    facets: dict[str, list[FacetValue]]
    hits: list[Hit]
    documents: SearchDocuments


#: The OpenAPI document itself: described as an object.
class OpenApiDocument(Out):
    model_config = {"extra": "allow"}
    openapi: str
    info: dict[str, Any]
    paths: dict[str, Any]
