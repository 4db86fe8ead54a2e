"""The framework dashboard's table as CSV and as a Word document for the Committee's report.

Both carry the same rows as the page (rkc.review.framework_queries.dashboard), in English:
the report is drafted in English and translated with the Committee's other documents."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime

from docx import Document

from rkc.interchange.docx_export import page_numbers
from rkc.review.framework_queries import Count

HEADER = ("dimension", "group", "concepts", "components", "drafts")
DIMENSION_TITLES = {
    "step": "By step",
    "outcome": "By outcome (Step 2)",
    "annex": "By part of the Convention",
    "concept": "By concept",
}


def _cell(text: str) -> str:
    """A spreadsheet does not run a cell that starts as a formula would."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def dashboard_csv(rows: Sequence[Count]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow((row.dimension, _cell(row.label), row.concepts, row.components, row.drafts))
    return out.getvalue()


def dashboard_docx(rows: Sequence[Count], *, generated_at: datetime) -> bytes:
    """A Word document: a title, a line saying when, and one table per dimension."""
    document = Document()
    title = "Four-step Framework: where the components stand"
    properties = document.core_properties
    properties.title = title
    properties.author = "rkc"
    properties.language = "en"
    document.add_paragraph(title, style="Title")
    document.add_paragraph(
        f"Counted {generated_at:%-d %B %Y %H:%M} UTC. Active components only: a component "
        "split or merged counts through its successors. Concepts: how many concepts the "
        "group's components fall under. Drafts: potential draft texts linked at Step 4."
    )
    for dimension, heading in DIMENSION_TITLES.items():
        group = [r for r in rows if r.dimension == dimension]
        document.add_paragraph(heading, style="Heading 1")
        table = document.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells, ("Group", "Concepts", "Components", "Drafts"), strict=True
        ):
            cell.text = text
            cell.paragraphs[0].runs[0].bold = True
        for row in group:
            cells = table.add_row().cells
            values = (row.label, str(row.concepts), str(row.components), str(row.drafts))
            for cell, text in zip(cells, values, strict=True):
                cell.text = text
    page_numbers(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
