"""Reading a search from the query string: every parameter optional, nothing ever refused.

A value that cannot be used is replaced by its default and explained in a hint; the same
parsing serves the page (`/search`) and the API (`/api/v1/search`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from rkc.convention.languages import DEFAULT, UnknownLanguage, parse_languages
from rkc.search.queries import MAX_PAGE, MAX_PER_PAGE, PER_PAGE, SORTS, SearchRequest

#: Longest value kept for a filter parameter, and most values per parameter.
MAX_VALUE = 100
MAX_VALUES = 20


def _values(args: Any, name: str) -> tuple[str, ...]:
    raw = args.getlist(name) if hasattr(args, "getlist") else [args.get(name, "")]
    values: list[str] = []
    for value in raw:
        for part in str(value).split(","):
            part = part.strip()[:MAX_VALUE]
            if part and part not in values:
                values.append(part)
    return tuple(values[:MAX_VALUES])


def _number(args: Mapping[str, Any], name: str, default: int, high: int, hints: list[str]) -> int:
    raw = (args.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        hints.append(f"“{raw[:20]}” is not a number for {name}; {default} was used.")
        return default
    if value < 1:
        hints.append(f"{name} starts at 1; {default} was used.")
        return default
    if value > high:
        hints.append(f"{name} goes up to {high}; {high} was used.")
        return high
    return value


def _languages(args: Any, default: str, hints: list[str]) -> tuple[str, ...]:
    """The languages searched: `?lang=` (en or fr) first, else the `language` facet as
    chosen, else `default` (the reader's language). One language unless the facet asks for
    more: an English search never returns French text."""
    raw = str(args.get("lang") or "").strip()
    if raw:
        try:
            asked = parse_languages(raw, allow_pair=False)
        except UnknownLanguage:
            hints.append(
                f"lang: “{raw[:20]}” is not a language of the text (en or fr); "
                f"{'English' if default == 'en' else 'French'} was searched."
            )
        else:
            assert asked is not None
            return asked
    chosen = _values(args, "language")
    if chosen:
        return chosen
    # An empty search stays empty (it is not a request to list the whole text).
    asked_for_something = str(args.get("q") or "").strip() or any(
        _values(args, name) for name in ("work", "edition", "annex", "chapter", "kind")
    )
    return (default,) if asked_for_something else ()


def parse_search(args: Any, default_language: str = DEFAULT) -> tuple[SearchRequest, list[str]]:
    """The request described by query-string `args`, and hints about what was changed."""
    hints: list[str] = []
    on: date | None = None
    raw_on = (args.get("on") or "").strip()
    if raw_on:
        try:
            on = date.fromisoformat(raw_on)
        except ValueError:
            hints.append(
                f"“{raw_on[:20]}” is not a date (write YYYY-MM-DD, e.g. 2006-02-03); the text "
                "in force today was searched."
            )
    sort = (args.get("sort") or "relevance").strip()
    if sort not in SORTS:
        hints.append(f"Results can be sorted by {' or '.join(SORTS)}; relevance was used.")
        sort = "relevance"
    request = SearchRequest(
        q=str(args.get("q") or ""),
        works=_values(args, "work"),
        editions=_values(args, "edition"),
        on=on,
        annex=_values(args, "annex"),
        chapter=_values(args, "chapter"),
        kind=_values(args, "kind"),
        language=_languages(args, default_language, hints),
        sort=sort,
        page=_number(args, "page", 1, MAX_PAGE, hints),
        per_page=_number(args, "per_page", PER_PAGE, MAX_PER_PAGE, hints),
    )
    return request, hints
