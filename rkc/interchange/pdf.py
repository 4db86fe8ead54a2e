"""PDF of an edition, a unit of it, a comparison redline or a compilation of amendments
(WeasyPrint).

The HTML is built here from finished values with markupsafe (every piece of text escaped;
unit texts rendered only through `rkc.text.markdown`), then laid out by WeasyPrint with a
print stylesheet: DejaVu fonts (embedded in the PDF as subsets), running heads, and "Page N of
M" from CSS page counters. WeasyPrint may fetch nothing: the document has no external
resources and the URL fetcher refuses every request. No Flask here.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

from rkc.clock import today
from rkc.convention.kinds import KIND_CSS, KIND_LABELS, KIND_LABELS_BY_LANGUAGE, STRUCTURAL_KINDS
from rkc.convention.queries import STATE_LABELS, Comparison
from rkc.interchange.queries import Snapshot, TreeNode
from rkc.text.markdown import render as render_markdown

UNOFFICIAL = (
    "Unofficial working text. Its structure, numbering and provision kinds follow the Revised "
    "Kyoto Convention; its wording was written for the rkc project and is not the authentic "
    "text deposited with the Secretary General of the World Customs Organization."
)

STYLESHEET = """
@page {
  size: A4; margin: 22mm 20mm 24mm 20mm;
  @top-left { content: string(doc-title); font: 8pt "DejaVu Sans", sans-serif; color: #555; }
  @top-right { content: string(doc-status); font: 8pt "DejaVu Sans", sans-serif; color: #8a5a00; }
  @bottom-center { content: "Page " counter(page) " of " counter(pages);
                   font: 8pt "DejaVu Sans", sans-serif; }
}
html { font: 10.5pt/1.45 "DejaVu Serif", serif; color: #111; }
h1 { font: bold 18pt "DejaVu Sans", sans-serif; string-set: doc-title content(); margin: 0 0 4pt; }
.status { string-set: doc-status content(); }
.meta { font: 9pt "DejaVu Sans", sans-serif; color: #444; }
.unofficial { border: 1pt solid #b38600; background: #fff4d6; padding: 5pt 8pt;
              font: 9pt "DejaVu Sans", sans-serif; margin: 8pt 0 14pt; }
h2, h3, h4, h5, h6 { font-family: "DejaVu Sans", sans-serif; break-after: avoid;
                     margin: 12pt 0 4pt; }
h2 { font-size: 14pt; } h3 { font-size: 12pt; } h4, h5, h6 { font-size: 11pt; }
.unit { border-left: 3pt solid #ccc; padding: 1pt 0 1pt 8pt; margin: 6pt 0; break-inside: avoid; }
.unit .label { font: bold 9pt "DejaVu Sans", sans-serif; }
.unit .kind { font: 7.5pt "DejaVu Sans", sans-serif; text-transform: uppercase;
              letter-spacing: .04em; border: .6pt solid currentColor; padding: 0 2pt;
              margin-left: 4pt; }
.unit p { margin: 2pt 0; }
.kind-std { border-left-color: #1f4e8c; } .kind-std .kind { color: #1f4e8c; }
.kind-tstd { border-left: 4pt double #7a4a00; } .kind-tstd .kind { color: #7a4a00; }
.kind-rp { border-left: 3pt dashed #2f6b3a; } .kind-rp .kind { color: #2f6b3a; }
.kind-def { border-left-color: #5a3d82; } .kind-def .kind { color: #5a3d82; }
.note { margin: 3pt 0 3pt 12pt; font-size: 9.5pt; color: #333; }
.note .kind { font: bold 8pt "DejaVu Sans", sans-serif; }
.cmp { border: .6pt solid #bbb; padding: 3pt 6pt; margin: 5pt 0; break-inside: avoid; }
.cmp .badge { font: bold 8pt "DejaVu Sans", sans-serif; text-transform: uppercase; }
.redline { white-space: pre-wrap; }
.current { background: #f4f4f4; padding: 3pt 6pt; margin: 4pt 0; font-size: 9.5pt; }
.amendment .badge { border: .6pt solid #888; padding: 0 2pt; margin-left: 3pt; }
.justification p { margin: 1pt 0; }
ins { background: #dff5e1; text-decoration: underline; }
del { background: #fde2e1; text-decoration: line-through; }
"""


def _document(
    title: str,
    status: str,
    meta: Iterable[str],
    notice: bool,
    body: Markup,
    language: str = "en",
) -> str:
    from rkc.interchange.akn import UNOFFICIAL_IN

    meta_html = Markup("").join(Markup('<p class="meta">{}</p>').format(m) for m in meta)
    # The notice in the language of the text (the English one is this module's own wording).
    wording = UNOFFICIAL if language == "en" else UNOFFICIAL_IN[language]
    notice_html = (
        Markup('<p class="unofficial" lang="{}"><strong>{}</strong></p>').format(language, wording)
        if notice
        else Markup("")
    )
    return str(
        Markup(
            '<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
            "<title>{title}</title><style>{style}</style></head><body>"
            '<h1>{title}</h1><p class="meta status">{status}</p>{meta}{notice}{body}'
            "</body></html>"
        ).format(
            language=language,
            title=title,
            style=Markup(STYLESHEET),  # noqa: S704 - our own constant stylesheet
            status=status,
            meta=meta_html,
            notice=notice_html,
            body=body,
        )
    )


def _edition_facts(snap: Snapshot) -> list[str]:
    edition = snap.edition
    facts = [edition.title]
    if edition.adopted_on:
        facts.append(f"Adopted on {edition.adopted_on:%-d %B %Y}")
    if edition.in_force_from:
        facts.append(f"In force from {edition.in_force_from:%-d %B %Y}")
    facts.append(f"Printed on {today():%-d %B %Y} from rkc")
    return facts


def _status(edition) -> str:  # type: ignore[no-untyped-def]
    label = STATE_LABELS.get(edition.status.value, edition.status.value)
    return label if edition.is_authentic else f"{label} · unofficial working text"


def edition_html(snap: Snapshot) -> str:
    """The printable HTML of an edition (or of the unit `snap.scope`)."""
    parts: list[Markup] = []
    base = min((r.item.depth for r in snap.roots), default=0)
    for root in snap.roots:
        for node in root.walk():
            parts.append(_unit(node, node.item.depth - base, snap.language))
    title = snap.work.short_title
    if snap.scope is not None:
        scope = snap.scope
        title += " — " + _label(scope.kind, scope.number, scope.title, snap.language)
    return _document(
        title,
        _status(snap.edition),
        _edition_facts(snap),
        not snap.is_authentic,
        Markup("").join(parts),
        snap.language,
    )


def _label(kind: str, number: str | None, title: str | None, language: str = "en") -> str:
    label = KIND_LABELS_BY_LANGUAGE.get(language, KIND_LABELS).get(kind, kind)
    if number:
        label += f" {number}"
    if title:
        label += f": {title}"
    return label


def _unit(node: TreeNode, depth: int, language: str = "en") -> Markup:
    item = node.item
    labels = KIND_LABELS_BY_LANGUAGE.get(language, KIND_LABELS)
    text = render_markdown(item.text) if item.text else Markup("")
    if item.kind in STRUCTURAL_KINDS or item.kind == "preamble":
        level = min(depth + 2, 6)
        heading = _label(item.kind, item.number, item.title, language)
        return Markup("<h{level}>{heading}</h{level}>{text}").format(
            level=level, heading=heading, text=text
        )
    if item.kind == "note":
        return Markup('<div class="note"><span class="kind">Note</span> {}</div>').format(text)
    number = item.number or ""
    if item.number_alt:
        number += f"/{item.number_alt}"
    label = ("Article " + number) if item.kind == "article" else number
    kind = "" if item.kind == "article" else labels.get(item.kind, item.kind)
    return Markup(
        '<div class="unit kind-{css}"><p><span class="label">{label}</span>'
        "{kind}{title}</p>{text}</div>"
    ).format(
        css=KIND_CSS.get(item.kind, item.kind),
        label=label,
        kind=Markup('<span class="kind">{}</span>').format(kind) if kind else "",
        title=Markup(" <strong>{}</strong>").format(item.title) if item.title else "",
        text=text,
    )


def compare_html(comparison: Comparison, rows, scope: str | None = None) -> str:  # type: ignore[no-untyped-def]
    """The printable HTML of a comparison: one block per changed (or listed) unit."""
    parts: list[Markup] = []
    for row in rows:
        item = row.item
        if row.status == "removed" and row.old is not None:
            body = Markup('<del class="redline-del">{}</del>').format(row.old.text)
        elif row.redline is not None:
            body = row.redline
        else:
            body = escape(item.text)
        parts.append(
            Markup(
                '<div class="cmp cmp-{status}"><p><span class="badge">{status}</span> '
                '<strong>{label}</strong> {changes}</p><div class="redline">{body}</div></div>'
            ).format(
                status=row.status,
                label=_label(item.kind, item.number, item.title),
                changes=", ".join(row.changes),
                body=body,
            )
        )
    counts = comparison.counts
    facts = [
        f"From: {comparison.old.title}",
        f"To: {comparison.new.title}",
        (
            f"{counts['changed']} changed, {counts['added']} added, {counts['removed']} removed, "
            f"{counts['moved']} moved; {comparison.words_added} word(s) added, "
            f"{comparison.words_removed} removed"
        ),
    ]
    if scope:
        facts.append(f"Scope: {scope}")
    notice = not (comparison.old.is_authentic and comparison.new.is_authentic)
    if not parts:
        parts.append(Markup("<p>The two editions have the same text.</p>"))
    return _document(
        f"Comparison of editions — {comparison.new.work.short_title}",
        "Redline" + (" · unofficial working text" if notice else ""),
        facts,
        notice,
        Markup("").join(parts),
    )


def compilation_html(comp, *, generated_at) -> str:  # type: ignore[no-untyped-def]
    """The printable HTML of a compilation of amendments (rkc.amendments.queries.Compilation):
    per place of the draft, its current text once, then each amendment's redline,
    sponsors, justification and positions, as on the compilation page."""
    edition = comp.edition
    parts: list[Markup] = []
    for group in comp.groups:
        current = Markup("")
        if group.current is not None:
            current = Markup(
                '<div class="current"><p class="meta">Current text</p>{title}{text}</div>'
            ).format(
                title=Markup("<p><strong>{}</strong></p>").format(group.current.title)
                if group.current.title
                else "",
                text=render_markdown(group.current.text) if group.current.text else "",
            )
        changes = Markup("").join(_compiled(change) for change in group.changes)
        parts.append(
            Markup("<h2>{label}{key}</h2>{current}{changes}").format(
                label=group.label,
                key=Markup(' <span class="meta">({})</span>').format(group.key)
                if group.key
                else "",
                current=current,
                changes=changes,
            )
        )
    if not parts:
        parts.append(Markup("<p>No tabled amendment matches.</p>"))
    counts = ", ".join(f"{n} {s.label.lower()}" for s, n in comp.status_counts)
    facts = [
        f"{edition.work.short_title} · {edition.title} (working draft)",
        f"{comp.count} amendment{'' if comp.count == 1 else 's'} in document order"
        + (f" ({counts})" if counts else ""),
        f"Compiled {generated_at:%-d %B %Y %H:%M} UTC from rkc. Working document for members.",
    ]
    title = "Compilation of amendments" + (f": {comp.chapter_label}" if comp.chapter_label else "")
    return _document(
        title,
        "Working document" + ("" if edition.is_authentic else " · unofficial working text"),
        facts,
        not edition.is_authentic,
        Markup("").join(parts),
    )


def _compiled(change) -> Markup:  # type: ignore[no-untyped-def]
    a = change.amendment
    badges = [a.status.label, a.action.label] + (["Conflict"] if a.has_conflict else [])
    positions = [
        Markup("<strong>{}:</strong> {}").format(stance.label, ", ".join(names))
        for stance, names in change.summary
        if names
    ]
    return Markup(
        '<div class="cmp amendment"><p><strong>{number}</strong> {badges}{target}</p>'
        "{title}{text}{against}"
        '<p class="meta"><strong>Sponsors:</strong> {sponsors}</p>'
        '<div class="justification"><p class="meta"><strong>Justification</strong></p>'
        "{justification}</div>"
        '<p class="meta"><strong>Positions:</strong> {positions}</p></div>'
    ).format(
        number=a.label,
        badges=Markup(" ").join(Markup('<span class="badge">{}</span>').format(b) for b in badges),
        target=Markup(" <em>{}</em>").format(change.target.label)
        if a.action.value == "insert"
        else "",
        title=Markup('<p class="redline"><strong>{}</strong></p>').format(change.title_redline)
        if change.title_redline is not None
        else "",
        text=Markup('<div class="redline">{}</div>').format(change.redline)
        if change.redline is not None
        else "",
        against=Markup('<p class="meta">Shown against the text it was written on.</p>')
        if change.against_base
        else "",
        sponsors=", ".join(change.sponsors)
        + (f" (asked to co-sponsor: {', '.join(change.requested)})" if change.requested else ""),
        justification=render_markdown(a.justification),
        positions=Markup("; ").join(positions) if positions else "none yet",
    )


def to_pdf(html: str) -> bytes:
    """Lay out HTML as PDF; fonts are embedded, nothing is fetched."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    class RefuseEverything(URLFetcher):
        def fetch(self, url, headers=None):  # type: ignore[no-untyped-def]
            raise ValueError(f"rkc PDFs load no external resources (asked for {url[:80]})")

    return HTML(string=html, url_fetcher=RefuseEverything()).write_pdf()
