"""The text binding a party on a day, as PDF (WeasyPrint) and Word (python-docx).

Built from `rkc.parties.binding_text.BindingText` (what the binding-text page shows) with the
building blocks of the edition exports (`pdf`, `docx_export`): the same unit layout, and
after each Standard, Transitional Standard and Recommended Practice the party's
implementation deadline and, on a Recommended Practice it reserved, the reservation. The
front matter says when the Convention entered into force for the party ("date not
recorded" when it is not), which Specific Annex chapters bind it, whether its record of
chapters is known ("none") or not ("unknown"), and its deadlines by group. No Flask here.
"""

from __future__ import annotations

import io

from docx import Document
from markupsafe import Markup

from rkc.clock import today
from rkc.convention.kinds import PROVISION_KINDS
from rkc.interchange import docx_export, pdf
from rkc.interchange.queries import TreeNode
from rkc.parties import standings
from rkc.parties.binding_text import Annotation, BindingText
from rkc.parties.deadlines import Deadline
from rkc.parties.periods import DateResult

BOUND_WORDS = {
    "yes": "in force",
    "maybe": "possibly in force (a date is known only as a range, or not recorded)",
    "no": "not in force",
}

STYLE = """
.binding-note { font: 8.5pt "DejaVu Sans", sans-serif; margin: 1pt 0 6pt 11pt; color: #333; }
.binding-note .reserved { color: #8a1c1c; font-weight: bold; }
table.facts { border-collapse: collapse; font: 9pt "DejaVu Sans", sans-serif; margin: 6pt 0; }
table.facts th, table.facts td { border: .6pt solid #bbb; padding: 2pt 5pt; text-align: left;
                                 vertical-align: top; }
"""


def _entry(binding: BindingText) -> str:
    membership = binding.standing.membership
    if membership is None:
        return "not a Contracting Party (no instrument recorded)"
    if membership.entry_into_force is None:
        return "date not recorded"
    result: DateResult = membership.entry_into_force
    basis = "recorded" if result.is_recorded else "computed"
    return f"{result.span} ({basis})"


def _deadline_text(deadline: Deadline | None) -> str:
    if deadline is None:
        return "no deadline can be computed: date of entry into force not recorded"
    return str(deadline)


def facts(binding: BindingText) -> list[tuple[str, str]]:
    """The front matter as (label, value) rows, shared by both formats."""
    party = binding.party
    chapters = ", ".join(
        c.chapter.label + (" (possibly)" if state.value == "maybe" else "")
        for c, state in binding.chapters_in
    )
    record = binding.standing.chapters_record
    rows = [
        ("Party", party.name + (f" ({party.iso3})" if party.iso3 else "")),
        ("On", f"{binding.day:%-d %B %Y}"),
        ("Edition", binding.edition.title),
        ("The Convention for the party", BOUND_WORDS[binding.state.value]),
        ("Entry into force for the party", _entry(binding)),
        ("Specific Annex chapters binding it", chapters or "none on this day"),
        (
            "Its record of Specific Annex chapters",
            {
                "unknown": "unknown: no source lists the chapters it accepted",
                "none": "none: a source says it accepted none",
            }.get(record, record),
        ),
        ("Reservations shown", str(binding.reservations_shown)),
    ]
    if binding.chapters_pending:
        rows.append(
            (
                "Accepted, not yet in force",
                ", ".join(c.chapter.label for c in binding.chapters_pending),
            )
        )
    if binding.chapters_ended:
        rows.append(("Denounced", ", ".join(c.chapter.label for c in binding.chapters_ended)))
    rules = standings.rules()
    for row in standings.deadline_summary(binding.standing, rules):
        rows.append((f"Deadline: {row['scope']}", _deadline_text(row["deadline"])))
    rows.append(("Printed", f"{today():%-d %B %Y} from rkc"))
    return rows


def _note_lines(annotation: Annotation | None) -> list[tuple[str, bool]]:
    """(text, is_reservation) lines to print after a provision."""
    if annotation is None:
        return []
    lines: list[tuple[str, bool]] = []
    reservation = annotation.reservation
    if reservation is not None and annotation.reservation_state.value != "no":
        possibly = "" if annotation.reservation_state.value == "yes" else " (possibly applies)"
        lines.append(
            (
                f"Reservation entered {reservation.reservation.entered_on}{possibly}: "
                f"{reservation.reservation.text}",
                True,
            )
        )
    deadline = annotation.deadline
    if deadline is not None and deadline.span is None:
        lines.append(("No implementation deadline while the reservation stands (Art. 13).", False))
    elif deadline is not None:
        text = f"Implementation deadline: {deadline}"
        if annotation.extension_months:
            text += f" (extension of {annotation.extension_months} months included)"
        if annotation.deadline_passed:
            text += "; passed on this day"
        lines.append((text, False))
    return lines


def _title(binding: BindingText) -> str:
    return f"Text binding {binding.party.name} on {binding.day.isoformat()}"


# --------------------------------------------------------------------------- PDF


def binding_html(binding: BindingText) -> str:
    table = Markup('<table class="facts">{}</table>').format(
        Markup("").join(
            Markup("<tr><th>{}</th><td>{}</td></tr>").format(label, value)
            for label, value in facts(binding)
        )
    )
    parts: list[Markup] = [Markup("<style>{}</style>").format(Markup(STYLE)), table]  # noqa: S704
    if binding.state.value == "no":
        parts.append(Markup("<p><strong>Nothing bound the party on this day.</strong></p>"))
    base = min((item.depth for item in binding.items), default=0)
    for item in binding.items:
        parts.append(pdf._unit(TreeNode(item), item.depth - base))
        for text, reserved in _note_lines(binding.annotations.get(item.key)):
            parts.append(
                Markup('<p class="binding-note"><span class="{css}">{text}</span></p>').format(
                    css="reserved" if reserved else "deadline", text=text
                )
            )
    return pdf._document(
        _title(binding),
        pdf._status(binding.edition),
        [binding.edition.title],
        not binding.edition.is_authentic,
        Markup("").join(parts),
    )


def binding_pdf(binding: BindingText) -> bytes:
    return pdf.to_pdf(binding_html(binding))


# --------------------------------------------------------------------------- Word


def binding_docx(binding: BindingText) -> bytes:
    document = Document()
    properties = document.core_properties
    properties.title = _title(binding)
    properties.author = "rkc"
    document.add_paragraph(_title(binding), style="Title")
    if not binding.edition.is_authentic:
        document.add_paragraph(style="Intense Quote").add_run(docx_export.UNOFFICIAL).bold = True
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in facts(binding):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    if binding.state.value == "no":
        document.add_paragraph("Nothing bound the party on this day.")
    base = min((item.depth for item in binding.items), default=0)
    for item in binding.items:
        docx_export._unit(document, TreeNode(item), item.depth - base + 1)
        if item.kind not in PROVISION_KINDS:
            continue
        for text, reserved in _note_lines(binding.annotations.get(item.key)):
            run = document.add_paragraph().add_run(text)
            run.italic = True
            run.bold = reserved or None
    docx_export.page_numbers(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
