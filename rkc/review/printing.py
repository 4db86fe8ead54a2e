"""A meeting's agenda as a PDF, laid out by rkc.interchange.pdf (WeasyPrint, nothing fetched)."""

from __future__ import annotations

from markupsafe import Markup

from rkc.interchange.pdf import STYLESHEET, to_pdf
from rkc.review.models import MODE_LABELS, PURPOSE_LABELS, Meeting
from rkc.review.queries import NumberedItem

AGENDA_STYLE = """
table.agenda { width: 100%; border-collapse: collapse; margin-top: 10pt; }
table.agenda td { padding: 4pt 6pt; border-bottom: .5pt solid #ccc; vertical-align: top; }
td.num { width: 14%; font: bold 10pt "DejaVu Sans", sans-serif; }
td.purpose { width: 22%; font: 8.5pt "DejaVu Sans", sans-serif; color: #444; }
tr.sub td.title { padding-left: 18pt; }
"""


def agenda_pdf(meeting: Meeting, items: list[NumberedItem]) -> bytes:
    rows = Markup("").join(
        Markup(
            '<tr class="{cls}"><td class="num">{num}</td><td class="title">{title}</td>'
            '<td class="purpose">{purpose}</td></tr>'
        ).format(
            cls="sub" if n.depth else "top",
            num=n.number,
            title=n.item.title,
            purpose=PURPOSE_LABELS[n.item.purpose],
        )
        for n in items
    )
    dates = f"{meeting.starts_on.isoformat()} to {meeting.ends_on.isoformat()}"
    html = Markup(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        "<style>{style}</style></head><body><h1>{title}</h1>"
        '<p class="meta status">Agenda</p><p class="meta">{dates} · {mode}{venue}</p>'
        '<table class="agenda">{rows}</table>{empty}</body></html>'
    ).format(
        title=meeting.title,
        style=Markup(STYLESHEET + AGENDA_STYLE),  # noqa: S704 - our own constant stylesheets
        dates=dates,
        mode=MODE_LABELS[meeting.mode],
        venue=f" · {meeting.venue}" if meeting.venue else "",
        rows=rows,
        empty=Markup("<p>The agenda has no items yet.</p>") if not items else "",
    )
    return to_pdf(str(html))
