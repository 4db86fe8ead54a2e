"""Charts drawn on the server as SVG text: no script, no external assets, no Flask.

Only presentation attributes are used (never ``style``), so the strict Content-Security-Policy
holds for the SVG documents too. Every chart has a ``<title>`` and a ``<desc>`` for screen
readers; the pages that show a chart also give its figures as a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape, quoteattr

INK = "#1d2330"
MUTED = "#5b6475"
GRID = "#d8dde6"
CERTAIN = "#1f4e8c"
POSSIBLE = "#b9cbe6"
IN_FORCE = "#2f6b3a"
NOT_IN_FORCE = "#c9c3a3"
FONT = "system-ui, sans-serif"


@dataclass(frozen=True)
class Step:
    """From ``on``: ``certain`` parties are bound for sure, ``possible`` perhaps."""

    on: date
    certain: int
    possible: int


@dataclass(frozen=True)
class Bar:
    label: str
    title: str
    value: int
    #: Whether the chapter is in force (for someone): drawn in another colour.
    is_in_force: bool


def _svg(width: int, height: int, title: str, desc: str, body: list[str]) -> str:
    return "\n".join(
        [
            '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" '
            f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'role="img" font-family={quoteattr(FONT)} font-size="12" fill="{INK}">',
            f"<title>{escape(title)}</title>",
            f"<desc>{escape(desc)}</desc>",
            f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
            *body,
            "</svg>",
            "",
        ]
    )


def _axis(value: int) -> tuple[int, int]:
    """A round step and the number of steps (at most 8) that reach ``value`` (at least 5)."""
    value = max(value, 5)
    step = 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if -(-value // step) <= 8:
            break
    return step, -(-value // step)


def parties_over_time(
    steps: Sequence[Step], *, until: date, width: int = 760, height: int = 320
) -> str:
    """A step chart of Contracting Parties bound over time.

    Dark line: parties certainly bound; light band above it: parties that may be bound,
    because their dates are known only to the year or month.
    """
    left, right, top, bottom = 48, 16, 28, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    title = "Contracting Parties over time"
    if not steps:
        return _svg(
            width,
            height,
            title,
            "No party with a known date is recorded.",
            [f'<text x="{left}" y="{top + 20}">No party with a known date is recorded.</text>'],
        )
    start = steps[0].on
    end = max(until, steps[-1].on)
    span_days = max((end - start).days, 1)
    step, ticks = _axis(max(s.possible for s in steps))
    top_value = step * ticks

    def x(day: date) -> float:
        return left + plot_w * (day - start).days / span_days

    def y(value: int) -> float:
        return top + plot_h * (1 - value / top_value)

    body = [f'<text x="{left}" y="16" font-weight="bold">{escape(title)}</text>']
    for k in range(ticks + 1):
        value = step * k
        body.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end" fill="{MUTED}">'
            f"{value}</text>"
        )
    years = range(start.year + (1 if start > date(start.year, 1, 1) else 0), end.year + 1)
    every = max(1, len(years) // 10)
    for year in years:
        if (year - years.start) % every:
            continue
        tick = x(date(year, 1, 1))
        body.append(
            f'<line x1="{tick:.1f}" x2="{tick:.1f}" y1="{top + plot_h}" y2="{top + plot_h + 4}" '
            f'stroke="{MUTED}"/>'
            f'<text x="{tick:.1f}" y="{top + plot_h + 18}" text-anchor="middle" '
            f'fill="{MUTED}">{year}</text>'
        )

    def path(values: list[tuple[date, int]]) -> list[tuple[float, float]]:
        points: list[tuple[float, float]] = []
        for i, (day, value) in enumerate(values):
            if i:
                points.append((x(day), points[-1][1]))
            points.append((x(day), y(value)))
        points.append((x(end), points[-1][1]))
        return points

    possible = path([(s.on, s.possible) for s in steps])
    certain = path([(s.on, s.certain) for s in steps])
    band = possible + list(reversed(certain))
    body.append(
        '<polygon points="'
        + " ".join(f"{px:.1f},{py:.1f}" for px, py in band)
        + f'" fill="{POSSIBLE}" stroke="none"/>'
    )
    body.append(
        '<polyline points="'
        + " ".join(f"{px:.1f},{py:.1f}" for px, py in certain)
        + f'" fill="none" stroke="{CERTAIN}" stroke-width="2"/>'
    )
    body.append(
        f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + plot_h}" stroke="{MUTED}"/>'
        f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" '
        f'stroke="{MUTED}"/>'
    )
    legend_x = width - right - 330
    body.append(
        f'<rect x="{legend_x}" y="10" width="12" height="3" fill="{CERTAIN}"/>'
        f'<text x="{legend_x + 18}" y="16">certainly bound</text>'
        f'<rect x="{legend_x + 125}" y="6" width="12" height="10" fill="{POSSIBLE}"/>'
        f'<text x="{legend_x + 143}" y="16">possibly (date imprecise)</text>'
    )
    last = steps[-1]
    desc = f"From {start} to {end}. On {last.on}: {last.certain} parties certainly bound" + (
        f", {last.possible} possibly." if last.possible != last.certain else "."
    )
    return _svg(width, height, title, desc, body)


def acceptances_per_chapter(
    bars: Sequence[Bar], *, needed: int, width: int = 760, row_height: int = 20
) -> str:
    """Horizontal bars: how many parties accept each Specific Annex chapter.

    A dashed line marks the acceptances a chapter needs to enter into force (art. 18).
    """
    left, right, top, bottom = 220, 40, 30, 28
    height = top + bottom + row_height * max(len(bars), 1)
    plot_w = width - left - right
    title = "Acceptances per Specific Annex chapter"
    step, ticks = _axis(max([b.value for b in bars] + [needed]))
    top_value = step * ticks

    def x(value: int) -> float:
        return left + plot_w * value / top_value

    body = [f'<text x="8" y="16" font-weight="bold">{escape(title)}</text>']
    for k in range(ticks + 1):
        value = step * k
        body.append(
            f'<line x1="{x(value):.1f}" x2="{x(value):.1f}" y1="{top}" '
            f'y2="{height - bottom}" stroke="{GRID}"/>'
            f'<text x="{x(value):.1f}" y="{height - bottom + 16}" text-anchor="middle" '
            f'fill="{MUTED}">{value}</text>'
        )
    for i, bar in enumerate(bars):
        row_y = top + i * row_height
        name = bar.label + (f" {bar.title}" if bar.title else "")
        if len(name) > 34:
            name = name[:33] + "…"
        colour = IN_FORCE if bar.is_in_force else NOT_IN_FORCE
        body.append(
            f'<text x="{left - 8}" y="{row_y + row_height * 0.7:.1f}" text-anchor="end">'
            f"{escape(name)}</text>"
            f'<rect x="{left}" y="{row_y + 3}" width="{max(x(bar.value) - left, 0):.1f}" '
            f'height="{row_height - 6}" fill="{colour}"/>'
            f'<text x="{x(bar.value) + 4:.1f}" y="{row_y + row_height * 0.7:.1f}">'
            f"{bar.value}</text>"
        )
    body.append(
        f'<line x1="{x(needed):.1f}" x2="{x(needed):.1f}" y1="{top - 4}" y2="{height - bottom}" '
        f'stroke="{INK}" stroke-dasharray="4 3"/>'
        f'<text x="{x(needed) + 4:.1f}" y="{top - 6}" fill="{MUTED}">'
        f"{needed} needed to enter into force</text>"
    )
    in_force = sum(1 for b in bars if b.is_in_force)
    desc = (
        f"{len(bars)} chapters; {in_force} in force; most accepted: "
        + (max(bars, key=lambda b: b.value).label if bars else "none")
        + "."
    )
    return _svg(width, height, title, desc, body)
