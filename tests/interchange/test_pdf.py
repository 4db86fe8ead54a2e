"""PDF: an edition, a chapter and a compare redline; embedded fonts; page numbers."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from rkc.convention import queries
from rkc.interchange import pdf
from rkc.interchange.queries import snapshot

from .helpers import edition, revise_draft


def _reader(data: bytes) -> PdfReader:
    assert data.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(data))


def _fonts(reader: PdfReader) -> dict[str, bool]:
    """Every font used -> whether its program is embedded in the file."""
    found: dict[str, bool] = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None:
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            descriptor = descriptor.get_object()
            found[str(font["/BaseFont"])] = any(k.startswith("/FontFile") for k in descriptor)
    return found


def _page_numbers(reader: PdfReader) -> list[tuple[int, int]]:
    numbers = []
    for page in reader.pages:
        match = re.search(r"Page (\d+) of (\d+)", page.extract_text())
        assert match, page.extract_text()[-200:]
        numbers.append((int(match.group(1)), int(match.group(2))))
    return numbers


def test_an_edition_prints_with_page_numbers_embedded_fonts_and_the_notice(small_app):
    # The small corpus keeps this quick; the chapter test below prints the real one.
    reader = _reader(pdf.to_pdf(pdf.edition_html(snapshot(edition("rkc", "2006")))))
    total = len(reader.pages)
    assert total > 1
    assert _page_numbers(reader) == [(n, total) for n in range(1, total + 1)]
    fonts = _fonts(reader)
    assert fonts
    assert all(fonts.values()), fonts
    assert any("DejaVu" in name for name in fonts)
    first = reader.pages[0].extract_text()
    assert "Unofficial working text" in first
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Recommended Practice" in text.replace("RECOMMENDED PRACTICE", "Recommended Practice")


def test_a_chapter_prints_alone(app):
    snap = snapshot(edition("rkc", "2006"), queries.node_by_key("ga/3"))
    reader = _reader(pdf.to_pdf(pdf.edition_html(snap)))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Chapter 3: Clearance and other Customs formalities" in text
    assert "Chapter 4" not in text
    assert _page_numbers(reader)[0] == (1, len(reader.pages))


def test_a_compare_redline_prints_the_changes(app):
    revise_draft("ga/3/3.2", "Customs shall publish the opening hours of every office, on line.")
    old, new = edition("rkc", "2006"), edition("rkc", "review-draft")
    comparison = queries.compare(old, new)
    assert comparison.counts["changed"] == 1
    reader = _reader(pdf.to_pdf(pdf.compare_html(comparison, comparison.changed_rows)))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "1 changed" in text
    assert "on line" in text
    assert _page_numbers(reader) == [(1, 1)]
    assert all(_fonts(reader).values())


def test_text_is_escaped_and_nothing_is_fetched(app):
    html = pdf.edition_html(snapshot(edition("rkc", "2006"), queries.node_by_key("body/art1")))
    assert "<script" not in html
    hostile = html.replace("</body>", '<img src="http://127.0.0.1:9/x.png"></body>')
    assert _reader(pdf.to_pdf(hostile))  # the refused image does not stop the PDF
