"""Contracting Parties: the public register and the Secretariat's forms.

Size: just over 600 lines: the register's pages and the Secretariat's forms for each event;
the binding-text downloads are the part to move out first.

Parse, check permission, call, render. The register is read through ``standings``,
``overview``, ``binding_text``, ``chapters`` and ``lookup`` (which apply the date rules),
written through ``operations``.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.exceptions import BadRequest

from rkc.auth.permissions import Action, require
from rkc.clock import today
from rkc.convention import queries as texts
from rkc.parties import charts, operations, register_import, standings
from rkc.parties.binding_text import BindingText, binding_text
from rkc.parties.chapters import chapters_of, convention, label_from_key, reference_edition
from rkc.parties.forms import (
    AcceptanceForm,
    DenunciationForm,
    ExtensionForm,
    ImportForm,
    InstrumentForm,
    PartyForm,
    ReservationForm,
    RetractForm,
    WithdrawalForm,
)
from rkc.parties.lookup import event_by_id, party_by_ident, reservation_by_id
from rkc.parties.models import Party, PartyKind
from rkc.parties.overview import (
    MatrixFilters,
    acceptances_per_chapter,
    coverage,
    matrix,
    matrix_csv_rows,
    parties_over_time,
)
from rkc.parties.register_version import register_version
from rkc.search.changes import last_change_id
from rkc.web import NotFoundHere, attachment, reading_page, transactional

bp = Blueprint("parties", __name__, url_prefix="/parties")


# --------------------------------------------------------------------------- parsing helpers


def _day(raw: str | None, name: str = "on") -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadRequest(
            f"“{raw}” is not a date: write {name}=YYYY-MM-DD, for example {name}=2021-03-14."
        ) from None


def _party_or_404(ident: str) -> Party:
    party = party_by_ident(ident)
    if party is None:
        raise NotFoundHere(
            "No such party",
            f"No party in the register has the code or number “{ident}”. Parties are named by "
            "their ISO 3166-1 alpha-3 code (e.g. LBR), or by number when they have none.",
            [("All Contracting Parties", url_for(".show_matrix"))],
        )
    return party


def _me():  # type: ignore[no-untyped-def]
    return current_user._get_current_object()


def _form_error(form, exc: operations.PartyError) -> None:  # type: ignore[no-untyped-def]
    field = getattr(form, exc.field, None)
    if field is None:
        field = next(f for f in form if f.name != "csrf_token")
    field.errors = [*field.errors, str(exc)]


def _filters() -> MatrixFilters:
    args = request.args
    kind = args.get("kind") or ""
    if kind and kind not in {k.value for k in PartyKind}:
        raise BadRequest(f"kind: “{kind}” is not one of state, union, territory.")
    member = args.get("member") or ""
    if member not in ("", "yes", "no"):
        raise BadRequest("member: write yes or no.")
    accepted = args.get("accepted") or ""
    if accepted not in ("", "any", "none", "unknown"):
        raise BadRequest("accepted: write any, none or unknown.")
    return MatrixFilters(
        name=(args.get("q") or "")[:200],
        kind=PartyKind(kind) if kind else None,
        member=None if not member else member == "yes",
        chapter=args.get("chapter") or "",
        accepted=accepted,
        on=_day(args.get("on")),
    )


# --------------------------------------------------------------------------- public pages


#: A page drawn from the text store and the party register alone (for a viewer, on a day):
#: both versions key its ETag and the public page cache (`rkc.web.reading_page`).
register_page = reading_page(version=lambda: f"{last_change_id()}:{register_version()}")


@bp.get("/")
@register_page
def show_matrix():  # type: ignore[no-untyped-def]
    filters = _filters()
    register = standings.load_register()
    if filters.chapter and register.chapter(filters.chapter) is None:
        raise BadRequest(f"chapter: “{filters.chapter}” is not a Specific Annex chapter key.")
    table = matrix(register, filters)
    return render_template(
        "parties/matrix.html",
        table=table,
        register=register,
        filters=filters,
        kinds=[k.value for k in PartyKind],
        csv_url=url_for(".download_matrix", **request.args),
        coverage=coverage(register),
    )


@bp.get("/matrix.csv")
def download_matrix():  # type: ignore[no-untyped-def]
    filters = _filters()
    table = matrix(standings.load_register(), filters)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in matrix_csv_rows(table):
        writer.writerow([_csv_safe(cell) for cell in row])
    day = (filters.on or today()).isoformat()
    return attachment(buffer.getvalue(), "text/csv", f"rkc-parties-{day}.csv")


def _csv_safe(cell: str) -> str:
    """Keep spreadsheet programs from reading a cell as a formula."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


@bp.get("/charts")
def show_charts():  # type: ignore[no-untyped-def]
    register = standings.load_register()
    points = parties_over_time(register)
    counts = acceptances_per_chapter(register)
    undated = sum(1 for s in register.parties if s.membership and not s.membership.is_dated)
    return render_template(
        "parties/charts.html",
        points=points,
        counts=counts,
        undated=undated,
        rules=register.rules,
        today=register.day,
    )


@bp.get("/charts/parties-over-time.svg")
def chart_parties():  # type: ignore[no-untyped-def]
    register = standings.load_register()
    points = parties_over_time(register)
    svg = charts.parties_over_time(
        [charts.Step(p.on, p.certain, p.possible) for p in points], until=register.day
    )
    return Response(svg, mimetype="image/svg+xml")


@bp.get("/charts/acceptances.svg")
def chart_acceptances():  # type: ignore[no-untyped-def]
    register = standings.load_register()
    bars = [
        charts.Bar(
            c.chapter.label,
            c.chapter.title,
            c.acceptances,
            bool(
                c.in_force
                and c.in_force.first_in_force
                and c.in_force.first_in_force.earliest <= register.day
            ),
        )
        for c in acceptances_per_chapter(register)
    ]
    svg = charts.acceptances_per_chapter(bars, needed=register.rules.chapter_acceptances_needed)
    return Response(svg, mimetype="image/svg+xml")


@bp.get("/chapters/<path:key>")
def show_chapter(key: str):  # type: ignore[no-untyped-def]
    register = standings.load_register()
    chapter = register.chapter(key)
    if chapter is None:
        raise NotFoundHere(
            "No such chapter",
            f"“{key}” is not a Specific Annex chapter of the Convention in force. Chapter keys "
            "look like sa-b/1 (Specific Annex B, chapter 1).",
            [
                (f"{c.label} {c.title}", url_for(".show_chapter", key=c.key))
                for c in register.chapters
            ],
        )
    return render_template(
        "parties/chapter.html",
        chapter=chapter,
        acceptors=register.acceptors(chapter),
        entry=register.chapter_results.get(chapter.node_id),
        rules=register.rules,
        register=register,
    )


def _web_address(url: str) -> str | None:
    """`url` when it is an http(s) address, safe to link to; None otherwise (shown as text:
    a `javascript:` or `data:` address must never become a link)."""
    return url if url.strip().lower().startswith(("https://", "http://")) else None


@bp.get("/<ident>")
def show_party(ident: str):  # type: ignore[no-untyped-def]
    party = _party_or_404(ident)
    register = standings.load_register(party_ids=[party.id])
    standing = register.standings[0]
    return render_template(
        "parties/party.html",
        party=party,
        source_link=_web_address(party.source_url),
        standing=standing,
        timeline=standings.timeline(standing),
        deadlines=standings.deadline_summary(standing, register.rules),
        register=register,
        retract_form=RetractForm(),
    )


def _binding_or_404(ident: str) -> BindingText:
    party = _party_or_404(ident)
    day = _day(request.args.get("on")) or today()
    result = binding_text(party, day)
    if result is None:
        work = convention()
        first = texts.first_in_force_date(work) if work else None
        raise NotFoundHere(
            "No text in force on that date",
            f"No edition of the Revised Kyoto Convention was in force on {day:%-d %B %Y}.",
            [
                (
                    f"Binding text on {first:%-d %B %Y}",
                    url_for(".show_binding_text", ident=party.ident, on=first.isoformat()),
                )
            ]
            if first
            else [],
        )
    return result


#: The binding text's download formats: media type and file extension.
BINDING_FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@bp.get("/<ident>/binding.<fmt>")
def download_binding_text(ident: str, fmt: str):  # type: ignore[no-untyped-def]
    """The binding text as PDF or Word, with its reservations and deadlines."""
    from rkc.interchange import binding_export

    if fmt not in BINDING_FORMATS:
        raise NotFoundHere(
            "No such format",
            f"The binding text comes as PDF or Word, not “{fmt[:20]}”.",
            [],
        )
    result = _binding_or_404(ident)
    make = binding_export.binding_pdf if fmt == "pdf" else binding_export.binding_docx
    name = f"rkc-binding-{result.party.ident}-{result.day.isoformat()}.{fmt}"
    return Response(
        make(result),
        mimetype=BINDING_FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/<ident>/binding")
@register_page
def show_binding_text(ident: str):  # type: ignore[no-untyped-def]
    result = _binding_or_404(ident)
    party, day = result.party, result.day
    keys = [item.key for item in result.items if item.is_provision]
    return render_template(
        "parties/binding.html",
        party=party,
        binding=result,
        edition=result.edition,
        units=result.items,
        annotations=result.annotations,
        guidelines=texts.guidelines_for(keys, day) if keys else {},
        base_depth=-1,
        annotate="parties/_annotation.html",
    )


# --------------------------------------------------------------------------- the Secretariat


def _event_page(party: Party, form, title: str, action: str, status: int, **extra):  # type: ignore[no-untyped-def]
    return (
        render_template(
            "parties/event_form.html",
            party=party,
            form=form,
            title=title,
            action=action,
            **extra,
        ),
        status,
    )


def _status() -> int:
    return 400 if request.method == "POST" else 200


def _back(party: Party, message: str):  # type: ignore[no-untyped-def]
    flash(message, "info")
    return redirect(url_for(".show_party", ident=party.ident))


@bp.route("/<ident>/instrument", methods=["GET", "POST"])
@require(Action.RECORD_PARTY_EVENT)
@transactional
def record_instrument(ident: str):  # type: ignore[no-untyped-def]
    party = _party_or_404(ident)
    form = InstrumentForm()
    if form.validate_on_submit():
        try:
            operations.record_instrument(
                party,
                instrument=form.instrument.data or None,
                deposited_on=form.deposited_on.data,
                in_force_on=form.in_force_on.data,
                source=form.source.data or "",
                note=form.note.data or "",
            )
        except operations.PartyError as exc:
            _form_error(form, exc)
        else:
            return _back(party, gettext("The instrument of %(party)s is recorded.", party=party))
    return _event_page(party, form, gettext("Record an instrument"), gettext("Record"), _status())


@bp.route("/<ident>/acceptances/new", methods=["GET", "POST"])
@require(Action.RECORD_PARTY_EVENT)
@transactional
def record_acceptance(ident: str):  # type: ignore[no-untyped-def]
    party = _party_or_404(ident)
    form = AcceptanceForm()
    form.chapter.choices = [
        (c.key, f"{c.label} {c.annex_title}: {c.title}") for c in chapters_of(reference_edition())
    ]
    if form.validate_on_submit():
        try:
            operations.record_acceptance(
                party,
                form.chapter.data,
                notified_on=form.notified_on.data,
                in_force_on=form.in_force_on.data,
                source=form.source.data or "",
                note=form.note.data or "",
            )
        except operations.PartyError as exc:
            _form_error(form, exc)
        else:
            return _back(party, gettext("The acceptance by %(party)s is recorded.", party=party))
    return _event_page(
        party, form, gettext("Record a chapter acceptance"), gettext("Record"), _status()
    )


@bp.route("/<ident>/reservations/new", methods=["GET", "POST"])
@require(Action.RECORD_PARTY_EVENT)
@transactional
def record_reservation(ident: str):  # type: ignore[no-untyped-def]
    party = _party_or_404(ident)
    form = ReservationForm()
    form.provision.choices = _reservable(party)
    if form.validate_on_submit():
        try:
            operations.record_reservation(
                party,
                form.provision.data,
                entered_on=form.entered_on.data,
                text=form.text.data,
                source=form.source.data or "",
            )
        except operations.PartyError as exc:
            _form_error(form, exc)
        else:
            return _back(party, gettext("The reservation by %(party)s is recorded.", party=party))
    empty = not form.provision.choices
    return _event_page(
        party, form, gettext("Record a reservation"), gettext("Record"), _status(), no_choices=empty
    )


def _reservable(party: Party) -> list[tuple[str, str]]:
    """The Recommended Practices of the chapters the party accepts (art. 12)."""
    standing = standings.standing(party)
    edition = reference_edition()
    if edition is None:
        return []
    wanted = {c.chapter.key for c in standing.current_chapters}
    choices = []
    chapter = ""
    for item in texts.contents(edition):
        if item.kind == "chapter" and item.depth == 1:
            chapter = item.key
        elif item.kind == "recommended_practice" and chapter in wanted:
            label = label_from_key(chapter)
            choices.append((item.key, f"{label} Recommended Practice {item.number}"))
    return choices


@bp.route("/<ident>/reservations/<id:reservation_id>/withdraw", methods=["GET", "POST"])
@require(Action.RECORD_PARTY_EVENT)
@transactional
def withdraw_reservation(ident: str, reservation_id: int):  # type: ignore[no-untyped-def]
    party = _party_or_404(ident)
    reservation = reservation_by_id(party, reservation_id)
    if reservation is None:
        raise NotFoundHere("No such reservation", f"{party} has no reservation {reservation_id}.")
    form = WithdrawalForm()
    if form.validate_on_submit():
        try:
            operations.withdraw_reservation(
                reservation, withdrawn_on=form.withdrawn_on.data, source=form.source.data or ""
            )
        except operations.PartyError as exc:
            _form_error(form, exc)
        else:
            return _back(
                party,
                gettext(
                    "The withdrawal of the reservation to %(key)s is recorded.",
                    key=reservation.node.key,
                ),
            )
    return _event_page(
        party,
        form,
        f"Withdraw the reservation to {reservation.node.key}",
        "Record the withdrawal",
        _status(),
    )


@bp.route("/<ident>/extensions/new", methods=["GET", "POST"])
@require(Action.RECORD_PARTY_EVENT)
@transactional
def record_extension(ident: str):  # type: ignore[no-untyped-def]
    party = _party_or_404(ident)
    form = ExtensionForm()
    if form.validate_on_submit():
        try:
            operations.record_extension(
                party,
                form.provision.data,
                granted_on=form.granted_on.data,
                requested_on=form.requested_on.data or None,
                months=form.months.data,
                source=form.source.data or "",
                note=form.note.data or "",
            )
        except operations.PartyError as exc:
            _form_error(form, exc)
        else:
            return _back(
                party, gettext("The extension granted to %(party)s is recorded.", party=party)
            )
    return _event_page(
        party, form, gettext("Record an extension of time"), gettext("Record"), _status()
    )


@bp.route("/<ident>/denunciations/new", methods=["GET", "POST"])
@require(Action.RECORD_PARTY_EVENT)
@transactional
def record_denunciation(ident: str):  # type: ignore[no-untyped-def]
    party = _party_or_404(ident)
    form = DenunciationForm()
    standing = standings.standing(party)
    form.chapter.choices = [("", "The Convention (and with it every chapter)")] + [
        (c.chapter.key, f"Chapter {c.chapter.label} {c.chapter.title}")
        for c in standing.current_chapters
    ]
    if form.validate_on_submit():
        try:
            operations.record_denunciation(
                party,
                notice_on=form.notice_on.data,
                chapter=form.chapter.data or None,
                source=form.source.data or "",
                note=form.note.data or "",
            )
        except operations.PartyError as exc:
            _form_error(form, exc)
        else:
            return _back(party, gettext("The denunciation by %(party)s is recorded.", party=party))
    return _event_page(party, form, gettext("Record a denunciation"), gettext("Record"), _status())


@bp.post("/<ident>/events/<id:event_id>/retract")
@require(Action.RECORD_PARTY_EVENT)
@transactional
def retract_event(ident: str, event_id: int):  # type: ignore[no-untyped-def]
    party = _party_or_404(ident)
    event = event_by_id(party, event_id)
    if event is None:
        raise NotFoundHere("No such event", f"{party} has no recorded event {event_id}.")
    return _retract(party, lambda reason: operations.retract_event(event, reason=reason))


@bp.post("/<ident>/reservations/<id:reservation_id>/retract")
@require(Action.RECORD_PARTY_EVENT)
@transactional
def retract_reservation(ident: str, reservation_id: int):  # type: ignore[no-untyped-def]
    party = _party_or_404(ident)
    reservation = reservation_by_id(party, reservation_id)
    if reservation is None:
        raise NotFoundHere("No such reservation", f"{party} has no reservation {reservation_id}.")
    return _retract(
        party, lambda reason: operations.retract_reservation(reservation, reason=reason)
    )


def _retract(party: Party, action):  # type: ignore[no-untyped-def]
    form = RetractForm()
    if form.validate_on_submit():
        try:
            action(form.reason.data)
        except operations.PartyError as exc:
            _form_error(form, exc)
        else:
            return _back(
                party, gettext("The record is retracted; the audit log keeps what it said.")
            )
    elif not form.reason.errors:
        form.reason.errors = [gettext("Why the record is wrong: say why.")]
    return _event_page(party, form, "Retract a record", "Retract", 400)


@bp.route("/import", methods=["GET", "POST"])
@require(Action.RECORD_PARTY_EVENT)
@transactional
def import_parties():  # type: ignore[no-untyped-def]
    form = ImportForm()
    problems: list[register_import.RowProblem] = []
    report = None
    if form.validate_on_submit():
        upload = form.table.data
        try:
            report = register_import.import_file(
                upload.read(), source=upload.filename or "", check_only=form.check_only.data
            )
        except register_import.PartyImportError as exc:
            problems = exc.problems
        else:
            if not form.check_only.data:
                flash(
                    gettext("Party table imported: %(summary)s.", summary=report.summary()), "info"
                )
                return redirect(url_for(".show_matrix"))
    return (
        render_template(
            "parties/import.html",
            form=form,
            problems=problems,
            report=report,
            columns=register_import.PARTY_COLUMNS,
            optional=register_import.OPTIONAL_COLUMNS,
        ),
        200 if report is not None else _status(),
    )


# --------------------------------------------------------------------------- administration


def _member_value(raw: str) -> bool | None:
    return None if not raw else raw == "yes"


@bp.route("/new", methods=["GET", "POST"])
@require(Action.MANAGE_PARTIES)
@transactional
def create_party():  # type: ignore[no-untyped-def]
    form = PartyForm()
    if form.validate_on_submit():
        try:
            party = operations.create_party(
                name=form.name.data,
                iso3=form.iso3.data,
                kind=form.kind.data,
                is_wco_member=_member_value(form.wco_member.data),
                note=form.note.data or "",
                source_url=form.source_url.data or "",
            )
        except operations.PartyError as exc:
            _form_error(form, exc)
        else:
            return _back(party, gettext("%(party)s is added to the register.", party=party))
    return (
        render_template(
            "parties/party_form.html", form=form, party=None, title=gettext("New party")
        ),
        _status(),
    )


@bp.route("/<ident>/edit", methods=["GET", "POST"])
@require(Action.MANAGE_PARTIES)
@transactional
def edit_party(ident: str):  # type: ignore[no-untyped-def]
    party = _party_or_404(ident)
    member = "" if party.is_wco_member is None else ("yes" if party.is_wco_member else "no")
    form = PartyForm(
        data={
            "name": party.name,
            "iso3": party.iso3 or "",
            "kind": party.kind.value,
            "wco_member": member,
            "note": party.note,
            "source_url": party.source_url,
        }
        if request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        try:
            operations.update_party(
                party,
                name=form.name.data,
                iso3=form.iso3.data,
                kind=form.kind.data,
                is_wco_member=_member_value(form.wco_member.data),
                note=form.note.data or "",
                source_url=form.source_url.data or "",
            )
        except operations.PartyError as exc:
            _form_error(form, exc)
        else:
            return _back(party, gettext("%(party)s is saved.", party=party))
    return (
        render_template(
            "parties/party_form.html",
            form=form,
            party=party,
            title=gettext("Edit %(party)s", party=party.name),
        ),
        _status(),
    )
