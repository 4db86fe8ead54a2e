"""The one safe Markdown renderer.

Every piece of user Markdown (justifications, comments, notes) is rendered here and nowhere
else.  markdown-it-py's ``js-default`` preset leaves raw HTML disabled, so ``<script>`` and
friends come out as escaped text (the library's own default preset, ``commonmark``, passes raw
HTML through).  Link and image targets are checked by ``_SafeMarkdownIt.validateLink``: only
relative URLs and the ``http``, ``https`` and ``mailto`` schemes become links; anything else
(``javascript:``, ``vbscript:``, ``data:``, ``file:``, ...) is left as plain text.
"""

from __future__ import annotations

import functools
import re

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

__all__ = ["ALLOWED_SCHEMES", "plain_text", "render", "render_inline"]

#: URL schemes allowed in links and images.  URLs without a scheme are allowed.
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})

_SCHEME_RE = re.compile(r"^([a-z][a-z0-9+.\-]*):")
# Browsers ignore leading/trailing C0 controls and spaces, and tabs/newlines anywhere.
_IGNORED_BY_BROWSERS_RE = re.compile(r"[\t\n\r]")
_C0_AND_SPACE = "".join(chr(c) for c in range(0x21))


class _SafeMarkdownIt(MarkdownIt):
    """MarkdownIt whose link check is an allow-list of schemes rather than a block-list."""

    def validateLink(self, url: str) -> bool:
        cleaned = _IGNORED_BY_BROWSERS_RE.sub("", url).strip(_C0_AND_SPACE).lower()
        match = _SCHEME_RE.match(cleaned)
        return match is None or match.group(1) in ALLOWED_SCHEMES


_MD = _SafeMarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False})


#: Texts up to this many characters are remembered rendered (`_rendered`): a provision's
#: text is rendered on every page that shows it (a party's binding text shows a thousand).
REMEMBERED_LENGTH = 2000
#: How many rendered texts a process remembers (at most about 20 MB of them).
REMEMBERED_TEXTS = 4096


def render(text: str) -> Markup:
    """Render Markdown source to safe HTML (block level: paragraphs, lists, ...)."""
    # Safe: raw HTML is disabled, so markdown-it escapes every piece of source text.
    html = _rendered(text) if len(text) <= REMEMBERED_LENGTH else _MD.render(text)
    return Markup(html)  # noqa: S704


@functools.lru_cache(maxsize=REMEMBERED_TEXTS)
def _rendered(text: str) -> str:
    """The HTML of a short text: the same source always gives the same HTML."""
    return _MD.render(text)


def render_inline(text: str) -> Markup:
    """Render a one-line Markdown field to safe inline HTML (no ``<p>`` wrapper)."""
    return Markup(_MD.renderInline(text))  # noqa: S704


def _inline_text(children: list[Token]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append(_inline_text(child.children or []))
    return "".join(parts)


#: One line that Markdown gives back as it is but for the whitespace around it: no character
#: that can start markup (emphasis, code, links, entities, escapes, HTML, tables...) and not
#: opening like a block (list item, heading, quote, indented code, rule).  Nine texts in ten
#: of the corpus are such a line, and a full reindex converts every distinct text.
_NO_MARKUP = re.compile(r"[^\s\\`*_\[\]<>&!|~#=+\-0-9\x00][^\n\r\x00\\`*_\[\]<>&!|~]*")


def plain_text(text: str) -> str:
    """Markdown source to plain text, for search indexing and excerpts.

    Markup is dropped, entities are decoded and blocks (paragraphs, list items, headings,
    table cells, code blocks) are separated by newlines.  The result is *not* HTML-escaped.
    """
    if _NO_MARKUP.fullmatch(text):
        return text.strip()
    return _parsed_plain_text(text)


def _parsed_plain_text(text: str) -> str:
    """`plain_text` the long way, whatever the text (tests compare the two)."""
    blocks: list[str] = []
    for token in _MD.parse(text):
        if token.type == "inline":
            content = _inline_text(token.children or [])
        elif token.type in ("fence", "code_block"):
            content = token.content.rstrip("\n")
        else:
            continue
        if content.strip():
            blocks.append(content)
    return "\n".join(blocks)
