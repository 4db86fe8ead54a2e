"""A unit's Markdown text as a small tree of blocks and spans, and back.

Exporters (Akoma Ntoso, Word, PDF) and importers need the text's structure: paragraphs,
lists (bulleted or numbered, nested), emphasis, strong emphasis, line breaks. The text store
keeps Markdown source; this module turns that source into `Paragraph` and `ListBlock` values
and renders such values back into Markdown in one canonical style:

- paragraphs separated by a blank line; a soft line break stays a line break;
- bullet items written `- `, numbered items `1. ` counting up from the list's start;
- an item's further lines indented by the width of its marker;
- tight lists (no blank line between items) unless the list was loose;
- emphasis `*...*`, strong emphasis `**...**`, code `` `...` ``;
- characters that would otherwise turn into markup escaped with a backslash.

`render(parse(text)) == text` holds for text written in that style, which is the style of the
corpus (checked by the tests over the whole corpus). Markdown the model does not cover
(headings inside a text, block quotes, code blocks, tables) is kept as a `Verbatim` block so
that nothing is lost, only shown as plain text by formats that cannot hold it.

No Flask, no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

__all__ = [
    "Block",
    "ListBlock",
    "Paragraph",
    "Span",
    "Verbatim",
    "parse",
    "plain_text",
    "render",
]

_md = MarkdownIt("commonmark")


@dataclass(frozen=True)
class Span:
    """An inline piece: "text", "em", "strong", "code", "link", "softbreak" or "hardbreak"."""

    kind: str
    text: str = ""
    children: tuple[Span, ...] = ()
    href: str = ""


@dataclass(frozen=True)
class Paragraph:
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class ListBlock:
    """A list; each item is a sequence of blocks (a paragraph, then perhaps a nested list)."""

    ordered: bool
    start: int
    items: tuple[tuple[Block, ...], ...]
    tight: bool = True


@dataclass(frozen=True)
class Verbatim:
    """Markdown source the block model does not cover, kept as it was written."""

    source: str


Block = Paragraph | ListBlock | Verbatim


# --------------------------------------------------------------------------- parsing


def parse(text: str) -> tuple[Block, ...]:
    """Parse Markdown source into blocks."""
    lines = text.splitlines()
    root = SyntaxTreeNode(_md.parse(text))
    return tuple(_blocks(root.children, lines))


def _blocks(nodes: Iterable[SyntaxTreeNode], lines: list[str]) -> Iterator[Block]:
    for node in nodes:
        if node.type == "paragraph":
            yield Paragraph(_spans(node.children[0].children if node.children else []))
        elif node.type in ("bullet_list", "ordered_list"):
            ordered = node.type == "ordered_list"
            start = int(node.attrs.get("start", 1)) if ordered else 1
            items = tuple(tuple(_blocks(item.children, lines)) for item in node.children)
            tight = all(
                child.hidden
                for item in node.children
                for child in item.children
                if child.type == "paragraph"
            )
            yield ListBlock(ordered, start, items, tight)
        else:
            first, last = node.map if node.map else (0, 0)
            yield Verbatim("\n".join(lines[first:last]).strip("\n"))


def _spans(nodes: Iterable[SyntaxTreeNode]) -> tuple[Span, ...]:
    out: list[Span] = []
    for node in nodes:
        if node.type == "text":
            span = Span("text", node.content)
        elif node.type in ("em", "strong"):
            span = Span(node.type, children=_spans(node.children))
        elif node.type == "code_inline":
            span = Span("code", node.content)
        elif node.type == "link":
            span = Span(
                "link", children=_spans(node.children), href=str(node.attrs.get("href", ""))
            )
        elif node.type in ("softbreak", "hardbreak"):
            span = Span(node.type)
        else:  # images, raw HTML (refused elsewhere): keep what a reader would see
            span = Span("text", node.content or "")
        if span.kind == "text" and out and out[-1].kind == "text":
            out[-1] = Span("text", out[-1].text + span.text)
        elif span.kind != "text" or span.text:
            out.append(span)
    return tuple(out)


# --------------------------------------------------------------------------- rendering


def render(blocks: Iterable[Block]) -> str:
    """Markdown source for `blocks`, in the canonical style."""
    return "\n\n".join(_render_block(b) for b in blocks)


def _render_block(block: Block) -> str:
    if isinstance(block, Paragraph):
        return _render_paragraph(block)
    if isinstance(block, Verbatim):
        return block.source
    parts = []
    for index, item in enumerate(block.items):
        marker = f"{block.start + index}. " if block.ordered else "- "
        joiner = "\n" if block.tight else "\n\n"
        body = joiner.join(_render_block(b) for b in item) or ""
        pad = " " * len(marker)
        lines = body.split("\n")
        rendered = [marker + lines[0]] + [pad + line if line else "" for line in lines[1:]]
        parts.append("\n".join(rendered).rstrip())
    return ("\n" if block.tight else "\n\n").join(parts)


_LINE_START = re.compile(r"^(#{1,6}(?=\s|$)|>|[-+*](?=\s|$)|=+\s*$|-+\s*$)")
_ORDERED_START = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")


def _render_paragraph(paragraph: Paragraph) -> str:
    source = _render_spans(paragraph.spans)
    lines = []
    for line in source.split("\n"):
        stripped = line.lstrip(" ")
        if _LINE_START.match(stripped):
            stripped = "\\" + stripped
        else:
            stripped = _ORDERED_START.sub(r"\1\\\2", stripped, count=1)
        lines.append(stripped)
    return "\n".join(lines)


def _render_spans(spans: Iterable[Span]) -> str:
    out = []
    for span in spans:
        if span.kind == "text":
            out.append(_escape(span.text))
        elif span.kind == "em":
            out.append("*" + _render_spans(span.children) + "*")
        elif span.kind == "strong":
            out.append("**" + _render_spans(span.children) + "**")
        elif span.kind == "code":
            fence = "``" if "`" in span.text else "`"
            out.append(f"{fence}{span.text}{fence}")
        elif span.kind == "link":
            out.append(f"[{_render_spans(span.children)}]({span.href})")
        elif span.kind == "softbreak":
            out.append("\n")
        elif span.kind == "hardbreak":
            out.append("\\\n")
    return "".join(out)


_ESCAPE = re.compile(r"([\\`*\[\]<])")
_UNDERSCORE = re.compile(r"(?<!\w)_|_(?!\w)")


def _escape(text: str) -> str:
    text = _ESCAPE.sub(r"\\\1", text)
    text = _UNDERSCORE.sub(r"\\_", text)
    return re.sub(r"&(?=#?[A-Za-z0-9]+;)", "&amp;", text)


# --------------------------------------------------------------------------- plain text


def plain_text(spans: Iterable[Span]) -> str:
    """What a reader sees of some spans, without markup (breaks become line breaks)."""
    out = []
    for span in spans:
        if span.kind in ("text", "code"):
            out.append(span.text)
        elif span.kind in ("softbreak", "hardbreak"):
            out.append("\n")
        else:
            out.append(plain_text(span.children))
    return "".join(out)
