"""PDF import: a text PDF of the Convention (a chapter, an annex, the whole) as the WCO
publishes it, read back into an `Outline` with a fidelity report.

A PDF holds positioned runs of text, not paragraphs or headings. pypdf hands each run over
with its position and font; this module rebuilds, page by page:

- **lines**: runs on one baseline, left to right; running heads and footers (the top and
  bottom 7% of a page) are dropped, page numbers with them;
- **headings**: a line in a bold font that reads as a heading (`GENERAL ANNEX`, `CHAPTER 4`,
  `A. RIGHT OF APPEAL`, `4.1. Standard`, `E1./F23.`; see `outline.read_heading`), or a line
  in the text font that is nothing but a numbered kind (`4.1. Standard`): that one is
  recognised but *doubtful*. Bold words alone are a sub-heading, or the title of the annex or
  chapter heading just above. Consecutive bold lines a line apart are one heading;
- **nesting** from the kinds (a PDF has no heading levels): annex or Body, chapter, lettered
  section, sub-heading (under the lettered section open, else the chapter), provision or
  article, note;
- **texts**: a vertical gap larger than the line spacing starts a paragraph; a line opening
  with `•`, `-` or `1.` left of its text starts a list item, nested by its indentation;
  italic and bold runs are kept as emphasis.

Every place is named `page N, line M` (lines counted on the page, running heads left out).
The `Fidelity` report lists the units recognised and the doubtful ones with their pages, and
is shown before anything is stored. No Flask here.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from rkc.interchange import blocks as md
from rkc.interchange.docx_import import _Text
from rkc.interchange.outline import Heading, Outline, read_heading
from rkc.interchange.report import check_size, refuse

MAX_PAGES = 2000
#: The text drawn may be this many times the upload limit, in characters.
TEXT_FACTOR: float = 20
#: Share of the page height, at the top and at the bottom, taken by running heads and footers.
MARGIN_ZONE = 0.07
_MARKER = re.compile(r"^(?:[•●▪◦‣∙·\-–]|(?P<number>\d{1,3})[.)])$")
_LEADING_MARKER = re.compile(r"^(?P<marker>[•●▪◦‣∙·\-–]|\d{1,3}[.)])\s+")


@dataclass
class _Run:
    x: float
    y: float
    text: str
    bold: bool
    italic: bool


@dataclass
class _Line:
    page: int
    number: int
    x: float
    y: float
    runs: list[_Run]
    #: The vertical distance from the line above on the same page (0 for a page's first).
    gap: float = 0.0

    @property
    def text(self) -> str:
        return " ".join("".join(r.text for r in self.runs).split())

    @property
    def bold(self) -> bool:
        inked = [r for r in self.runs if r.text.strip()]
        return bool(inked) and all(r.bold for r in inked)

    @property
    def where(self) -> str:
        return f"page {self.page}, line {self.number}"


@dataclass(frozen=True)
class Recognised:
    where: str
    printed: str
    heading: str
    doubt: str = ""


@dataclass
class Fidelity:
    """What the PDF reader made of a file: shown before anything is stored."""

    pages: int = 0
    recognised: list[Recognised] = field(default_factory=list)
    #: Lines read as text that look like headings, and such doubts: (where, text, why).
    doubtful_lines: list[tuple[str, str, str]] = field(default_factory=list)
    running_lines: int = 0
    front_matter_lines: int = 0

    @property
    def doubtful(self) -> list[Recognised]:
        return [r for r in self.recognised if r.doubt]

    def lines(self) -> list[str]:
        """The report as lines of text (the command line prints them)."""
        sure = len(self.recognised) - len(self.doubtful)
        out = [
            f"{self.pages} page(s); {len(self.recognised)} unit(s) recognised, {sure} "
            f"certain and {len(self.doubtful)} doubtful; {len(self.doubtful_lines)} doubtful "
            f"line(s) read as text; {self.running_lines} running head/footer line(s) and "
            f"{self.front_matter_lines} line(s) before the first heading left out"
        ]
        out += [
            f"  doubtful: {r.where}: {r.printed!r} read as {r.heading} ({r.doubt})"
            for r in self.doubtful
        ]
        out += [
            f"  doubtful: {where}: {text!r} ({why})" for where, text, why in self.doubtful_lines
        ]
        return out


def read(data: bytes, source: str, *, limit: int) -> Outline:
    """Read a text PDF into an outline; `outline.fidelity` holds the report."""
    check_size(source, data, limit)
    if not data.startswith(b"%PDF-"):
        raise refuse(source, "", "not a PDF file: it does not start with %PDF-")
    lines, pages = _lines(data, source, limit)
    outline = Outline(source)
    fidelity = Fidelity(pages=pages)
    fidelity.running_lines = sum(1 for line in lines if line is None)
    _Reader(outline, fidelity).read([line for line in lines if line is not None])
    outline.fidelity = fidelity
    return outline


class TextBudgetExceeded(Exception):
    """More text than a file of the accepted size can hold, once drawn."""


def _lines(data: bytes, source: str, limit: int) -> tuple[list[_Line | None], int]:
    """Every line of every page in reading order (None for a dropped running line)."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
        count = 0 if encrypted else len(reader.pages)
    except Exception as exc:  # pypdf raises many kinds for a damaged file (hostile-input tests)
        raise refuse(source, "", f"the PDF could not be read: {exc}") from None
    if encrypted:
        raise refuse(source, "", "the PDF is encrypted: save an unprotected copy")
    if count > MAX_PAGES:
        raise refuse(source, "", f"the PDF has {count} pages; at most {MAX_PAGES} are read")
    out: list[_Line | None] = []
    #: The most characters of text read from the whole file (a text bomb stops there).
    budget = [int(max(limit, 1) * TEXT_FACTOR), 0]
    for index in range(count):
        try:
            page = reader.pages[index]
            height = float(page.mediabox.height)
            runs: list[_Run] = []

            def visit(text, cm, tm, font, _size, runs=runs):  # type: ignore[no-untyped-def]
                if not text or not text.strip("\n"):
                    return
                budget[1] += len(text)
                if budget[1] > budget[0]:
                    raise TextBudgetExceeded
                x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
                y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
                name = str((font or {}).get("/BaseFont", "")).casefold()
                runs.append(
                    _Run(
                        x,
                        y,
                        text.replace("\n", ""),
                        "bold" in name or "black" in name or "heavy" in name,
                        "italic" in name or "oblique" in name,
                    )
                )

            page.extract_text(visitor_text=visit)
        except TextBudgetExceeded:
            raise refuse(
                source,
                f"page {index + 1}",
                f"the PDF holds more than {budget[0]:,} characters of text; that is too many",
            ) from None
        except Exception as exc:  # as above: never a traceback for a damaged page
            raise refuse(
                source, f"page {index + 1}", f"the page could not be read: {exc}"
            ) from None
        out.extend(_page_lines(runs, index + 1, height))
    return out, count


def _page_lines(runs: list[_Run], page: int, height: float) -> list[_Line | None]:
    by_y: dict[float, list[_Run]] = {}
    for run in runs:
        key = round(run.y * 2) / 2
        near = next((k for k in by_y if abs(k - key) <= 1.5), key)
        by_y.setdefault(near, []).append(run)
    out: list[_Line | None] = []
    number = 0
    previous_y: float | None = None
    for y in sorted(by_y, reverse=True):
        line_runs = sorted(by_y[y], key=lambda r: r.x)
        if not "".join(r.text for r in line_runs).strip():
            continue
        if y > height * (1 - MARGIN_ZONE) or y < height * MARGIN_ZONE:
            out.append(None)
            continue
        number += 1
        gap = (previous_y - y) if previous_y is not None else 0.0
        previous_y = y
        out.append(_Line(page, number, line_runs[0].x, y, line_runs, gap))
    return out


class _Reader:
    """Lines -> headings (with levels from their kinds) and texts, into an outline."""

    def __init__(self, outline: Outline, fidelity: Fidelity):
        self.outline = outline
        self.fidelity = fidelity
        #: The open headings, outermost first: (kind, lettered section?).
        self.stack: list[tuple[str, bool]] = []
        self.text: _Text | None = None
        self.paragraph: list[md.Span] = []
        self.item_depth = 0  # 0: a plain paragraph is being read
        self.markers: list[float] = []  # x of the list markers open, outermost first
        self.left = 0.0
        self.step = 0.0
        #: What the paragraph being read will be: (what, depth, ordered, start).
        self._pending: tuple[str, int, bool, int] = ("paragraph", 0, False, 1)

    def read(self, lines: list[_Line]) -> None:
        gaps = sorted(line.gap for line in lines if line.gap > 0 and not line.bold)
        self.step = gaps[len(gaps) // 4] if gaps else 12.0  # the usual line spacing
        texts = [line.x for line in lines if not line.bold]
        self.left = min(texts) if texts else 0.0
        index = 0
        while index < len(lines):
            line = lines[index]
            index += 1
            # A bold heading wrapped over several lines, a line apart.
            while line.bold and index < len(lines) and self._wraps(line, lines[index]):
                following = lines[index]
                space = _Run(following.x, following.y, " ", True, False)
                line = _Line(
                    line.page,
                    line.number,
                    line.x,
                    following.y,
                    [*line.runs, space, *following.runs],
                    line.gap,
                )
                index += 1
            if self._heading(line):
                continue
            if not self.stack:
                self.fidelity.front_matter_lines += 1
                continue
            self._text_line(line)
        self._flush_text()

    def _wraps(self, line: _Line, following: _Line) -> bool:
        if not following.bold or following.page != line.page:
            return False
        if following.gap > self.step * 1.3:
            return False
        heading = read_heading(following.text)
        return heading is None or heading.bare

    # ------------------------------------------------------------------ headings

    def _heading(self, line: _Line) -> bool:
        text = line.text
        heading = read_heading(text)
        doubt = ""
        if heading is None:
            if line.bold and self.stack:
                self.fidelity.doubtful_lines.append(
                    (line.where, text, "a bold line that names no kind: read as text")
                )
            return False
        if not line.bold:
            # In the text font only a numbered kind alone on its line is a heading.
            if heading.bare or heading.title or not heading.number:
                return False
            doubt = "not set in bold, read as a heading by its pattern"
        if heading.bare and not self.stack:
            return False
        level = self._level(heading)
        if level is None:
            return False
        self._flush_text()
        read = self.outline.printed_heading(level, text, line.where)
        if read is not None:
            self.fidelity.recognised.append(Recognised(line.where, text, read.line(), doubt))
            self.text = _Text(where=line.where)
        elif heading.bare:  # the title of the heading above
            last = self.fidelity.recognised[-1] if self.fidelity.recognised else None
            if last is not None:
                self.fidelity.recognised[-1] = Recognised(
                    last.where, f"{last.printed} / {text}", last.heading + ": " + text, last.doubt
                )
            self.text = _Text(where=line.where)
        return True

    def _level(self, heading: Heading) -> int | None:
        kind = heading.kind
        lettered = kind == "section" and bool(heading.number)
        if kind in ("annex", "instrument", "guidelines"):
            self.stack = [(kind, False)]
            return 1
        if kind == "chapter" and (not self.stack or self.stack[0][0] == "chapter"):
            self.stack = [(kind, False)]  # a chapter printed on its own
            return 1
        if not self.stack:
            return None
        if kind in ("chapter", "preamble"):
            self.stack = [self.stack[0], (kind, False)]
            return 2
        if heading.bare and self._can_title():
            return len(self.stack)
        if kind == "section":
            self._pop_to(lambda k, lt: k == "chapter" or k == "guidelines" or (not lettered and lt))
        elif kind == "note":
            self._pop_to(lambda k, _lt: k not in ("section", "chapter", "note"))
        else:
            self._pop_to(lambda k, _lt: k in ("section", "chapter", "guidelines", "instrument"))
        self.stack.append((kind, lettered))
        return len(self.stack)

    def _can_title(self) -> bool:
        """Whether words alone would title the heading above (see Outline.printed_heading)."""
        return not self.paragraph and self.outline.awaits_title()

    def _pop_to(self, fits) -> None:  # type: ignore[no-untyped-def]
        while len(self.stack) > 1 and not fits(*self.stack[-1]):
            self.stack.pop()

    # ------------------------------------------------------------------ texts

    def _text_line(self, line: _Line) -> None:
        if self.text is None:
            return
        runs = list(line.runs)
        marker = _MARKER.match(runs[0].text.strip()) if len(runs) > 1 else None
        leading = None if marker else _LEADING_MARKER.match(runs[0].text)
        if line.gap == 0:  # first line of a page: a paragraph may go on over the break
            open_sentence = self.paragraph and not _plain(self.paragraph).rstrip().endswith(
                (".", ";", ":")
            )
            new_block = not open_sentence
        else:
            new_block = line.gap > self.step * 1.3
        if marker or (leading and line.x > self.left + 2):
            if leading:
                runs[0] = _Run(
                    runs[0].x,
                    runs[0].y,
                    runs[0].text[leading.end() :],
                    runs[0].bold,
                    runs[0].italic,
                )
                token = leading["marker"]
            else:
                token = runs.pop(0).text.strip()
            self._flush_paragraph()
            while self.markers and self.markers[-1] > line.x + 2:
                self.markers.pop()
            if not self.markers or line.x > self.markers[-1] + 2:
                self.markers.append(line.x)
            depth = len(self.markers)
            ordered = token[:1].isdigit()
            start = int(token[:-1]) if ordered else 1
            self.item_depth = depth
            self.paragraph = self._spans(runs)
            self._pending = ("item", depth, ordered, start)
            return
        indented = line.x > self.left + 2
        if not indented:
            self.markers = []
            self.item_depth = 0
        if new_block or not self.paragraph:
            self._flush_paragraph()
            self.paragraph = self._spans(runs)
            if indented and self.item_depth:
                self._pending = ("continue", self.item_depth, False, 1)
            else:
                self._pending = ("paragraph", 0, False, 1)
            return
        if not re.search(r"\w-$", _plain(self.paragraph)):  # `re-` / `imported` keeps its hyphen
            self.paragraph.append(md.Span("text", " "))
        self.paragraph.extend(self._spans(runs))

    @staticmethod
    def _spans(runs: list[_Run]) -> list[md.Span]:
        spans: list[md.Span] = []
        for run in runs:
            text = run.text
            if not text:
                continue
            core = text.strip()
            if not core or not (run.italic or run.bold):
                spans.append(md.Span("text", text))
                continue
            lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
            span = md.Span("text", core)
            if run.bold:
                span = md.Span("strong", children=(span,))
            if run.italic:
                span = md.Span("em", children=(span,))
            if lead:
                spans.append(md.Span("text", lead))
            spans.append(span)
            if trail:
                spans.append(md.Span("text", trail))
        return spans

    def _flush_paragraph(self) -> None:
        if not self.paragraph or self.text is None:
            self.paragraph = []
            return
        spans = _tidy(self.paragraph)
        what, depth, ordered, start = self._pending
        if what == "item":
            self.text.item(depth, ordered, spans, start)
        elif what == "continue":
            self.text.continuation(depth, spans)
        else:
            self.text.paragraph(spans)
        self.paragraph = []

    def _flush_text(self) -> None:
        self._flush_paragraph()
        if self.text is not None:
            self.outline.text(self.text.markdown(), self.text.where)
        self.text = None
        self.markers = []
        self.item_depth = 0


def _plain(spans: list[md.Span]) -> str:
    return md.plain_text(spans)


def _tidy(spans: list[md.Span]) -> tuple[md.Span, ...]:
    """Merge neighbouring spans of one kind, collapse white space, trim the ends."""
    out: list[md.Span] = []
    for span in spans:
        if out and out[-1].kind == span.kind and span.kind == "text":
            out[-1] = md.Span("text", out[-1].text + span.text)
        elif out and out[-1].kind == span.kind and span.kind in ("em", "strong"):
            out[-1] = md.Span(span.kind, children=_tidy([*out[-1].children, *span.children]))
        else:
            out.append(span)
    cleaned = []
    for span in out:
        if span.kind == "text":
            span = md.Span("text", re.sub(r"\s+", " ", span.text))
        if span.kind != "text" or span.text:
            cleaned.append(span)
    if cleaned and cleaned[0].kind == "text":
        cleaned[0] = md.Span("text", cleaned[0].text.lstrip())
    if cleaned and cleaned[-1].kind == "text":
        cleaned[-1] = md.Span("text", cleaned[-1].text.rstrip())
    return tuple(s for s in cleaned if s.kind != "text" or s.text)
