"""Tests for the one safe Markdown renderer (rkc.text.markdown)."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt
from markupsafe import Markup

from rkc.text.markdown import plain_text, render, render_inline


def test_normal_markdown_renders() -> None:
    html = render(
        "# Justification\n\n"
        "The *standard* is **unclear**; see `3.11` & [the text](/convention/ga/3/3.11).\n\n"
        "- first\n- second\n\n"
        "| Party | Position |\n|---|---|\n| NZ | support |\n"
    )
    assert isinstance(html, Markup)
    assert "<h1>Justification</h1>" in html
    assert "<em>standard</em>" in html
    assert "<strong>unclear</strong>" in html
    assert "<code>3.11</code>" in html
    assert "&amp;" in html
    assert '<a href="/convention/ga/3/3.11">the text</a>' in html
    assert "<ul>\n<li>first</li>\n<li>second</li>\n</ul>" in html
    assert "<td>NZ</td>" in html


def test_http_https_mailto_and_relative_links_are_links() -> None:
    assert '<a href="https://example.org/a?b=1&amp;c=2">ok</a>' in render(
        "[ok](https://example.org/a?b=1&c=2)"
    )
    assert '<a href="http://example.org">' in render("<http://example.org>")
    assert '<a href="mailto:secretariat@example.org">' in render("<secretariat@example.org>")
    assert '<a href="#note-1">' in render("[note](#note-1)")


def test_script_tag_is_escaped() -> None:
    html = render("Hello <script>alert(1)</script>\n\n<script>\nalert(2)\n</script>\n")
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;script&gt;" in html.split("</p>", 1)[1]


def test_img_onerror_is_escaped() -> None:
    html = render('<img src="x" onerror="alert(1)">')
    assert "<img" not in html
    assert "&lt;img" in html


def test_the_library_default_preset_would_pass_raw_html() -> None:
    # Why the renderer pins js-default: MarkdownIt()'s default (commonmark) keeps raw HTML.
    assert "<script>" in MarkdownIt().render("<script>alert(1)</script>")


@pytest.mark.parametrize(
    "source",
    [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](&#106;avascript:alert(1))",
        "[click](vbscript:msgbox(1))",
        "[click](data:text/html;base64,PHNjcmlwdD4=)",
        "[click](data:image/png;base64,iVBORw0KGgo=)",
        "[click](file:///etc/passwd)",
        "<javascript:alert(1)>",
        "![img](javascript:alert(1))",
        "![img](data:image/png;base64,iVBORw0KGgo=)",
        "[click][ref]\n\n[ref]: javascript:alert(1)",
    ],
)
def test_dangerous_schemes_are_not_links(source: str) -> None:
    html = render(source)
    for fragment in ("<a", "<img", "href=", "src="):
        assert fragment not in html


def test_render_inline_has_no_paragraph_and_is_safe() -> None:
    html = render_inline("*Standard* 3.11 <b>bold</b> [x](javascript:alert(1))")
    assert isinstance(html, Markup)
    assert html == ("<em>Standard</em> 3.11 &lt;b&gt;bold&lt;/b&gt; [x](javascript:alert(1))")


def test_plain_text_drops_markup_and_keeps_words() -> None:
    source = (
        "# Heading\n\n"
        "Some *emphasis*, `code` &amp; <b>raw</b>\nsecond line\n\n"
        "- item one\n- item two\n\n"
        "![diagram of *flows*](d.png) and [a link](https://example.org)\n\n"
        "```\nx < y\n```\n"
    )
    assert plain_text(source) == (
        "Heading\n"
        "Some emphasis, code & <b>raw</b>\nsecond line\n"
        "item one\n"
        "item two\n"
        "diagram of flows and a link\n"
        "x < y"
    )


def test_plain_text_of_empty_source() -> None:
    assert plain_text("") == ""
    assert plain_text("   \n\n") == ""


def test_short_texts_are_remembered_rendered_and_long_ones_are_not():
    """A provision's text is rendered on every page that shows it: short texts are kept
    rendered (bounded in number and length), and a kept text renders exactly as a fresh one."""
    from rkc.text import markdown

    short = "Customs shall *release* goods [promptly](https://example.org) & <not> raw."
    fresh = markdown._MD.render(short)
    markdown._rendered.cache_clear()
    assert str(render(short)) == fresh
    assert str(render(short)) == fresh
    info = markdown._rendered.cache_info()
    assert (info.hits, info.misses, info.currsize) == (1, 1, 1)
    long = "word " * (markdown.REMEMBERED_LENGTH // 5 + 1)
    assert str(render(long)) == markdown._MD.render(long)
    assert markdown._rendered.cache_info().currsize == 1
    assert markdown._rendered.cache_info().maxsize == markdown.REMEMBERED_TEXTS
